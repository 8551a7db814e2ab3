# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError
from trytond.modules.sushi_ticket.tests.tools import (
    TranslationTestMixin, at, create_ticket)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .test_assessment import AssessmentCases


class SushiAssessmentTestCase(
        AssessmentCases, TranslationTestMixin, ModuleTestCase):
    "Test the sushi_assessment module"
    module = 'sushi_assessment'

    @with_transaction()
    def test_isolation_on_every_path(self):
        """#16, ORG-11: every model guarded; a unit gets another unit's
        deductions and events on no path (read, export_data, nested, the
        bulletin's workbook); what the form locks the server refuses"""
        from trytond.modules.sushi_ticket.tests.guard_tools import (
            as_user, assert_guarded, assert_states_enforced,
            assert_values_checked)
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Deduction = pool.get('sushi.assessment.deduction')
        Bulletin = pool.get('sushi.assessment.bulletin')
        Event = pool.get('sushi.assessment.event')
        assert_guarded(self, 'sushi_assessment')
        ns = self.units()
        assert_values_checked(self, 'sushi_assessment', ns.other_handler)
        officer = self.officer()
        self.march(ns)
        draft = self.event(ns.county, 'D3.2', 3, approve=False,
            ticket=create_ticket().id)
        approved = self.event(ns.county, 'D3.2', 1,
            ticket=create_ticket().id)
        period = self.compute()
        with at(2025, 4, 3, 10):
            Period.publish([period])
            bulletin, = Bulletin.send([period])
        county = [d for d in Deduction.search([])
            if d.score.unit == ns.county]
        self.assertTrue(county)
        with as_user(ns.other_handler):
            self.assertFalse({d.score.unit for d in Deduction.search([])}
                - {ns.other})
            for call in [
                    lambda: Deduction.read([county[0].id], ['description']),
                    lambda: Deduction.export_data([Deduction(county[0].id)],
                        ['description', 'origin']),
                    lambda: Event.read([draft.id], ['description']),
                    lambda: Event.export_data([Event(draft.id)],
                        ['ticket/requester_phone']),
                    lambda: Bulletin.read([bulletin.id], ['workbook']),
                    lambda: Bulletin.export_data([Bulletin(bulletin.id)],
                        ['workbook']),
                    ]:
                with self.assertRaises(AccessError):
                    call()
            # the printable bulletin (scores and ranking) is every unit's
            row, = Bulletin.read([bulletin.id], ['document', 'period.name'])
            self.assertTrue(row['document'])
        with as_user(ns.city_leader):
            Bulletin.read([bulletin.id], ['workbook'])
        assert_states_enforced(self, [Event(draft.id), Event(approved.id)],
            officer)

    @with_transaction()
    def test_published_bulletin_kept(self):
        """ASM-01: the bulletin of a published period is what the units
        were sent (and object to): through the client nobody, neither the
        assessment officer nor the administrator, deletes it or rewrites
        its content; the bulletin of a period not yet published goes"""
        from trytond.exceptions import UserError
        from trytond.i18n import gettext
        from trytond.modules.sushi_ticket.tests.guard_tools import as_user
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Bulletin = pool.get('sushi.assessment.bulletin')
        User = pool.get('res.user')
        ns = self.units()
        officer = self.officer()
        admin, = User.search([('login', '=', 'admin')])
        self.march(ns)
        period = self.compute()
        with at(2025, 4, 3, 10):
            # a bulletin of the computed period (not published): it goes
            draft, = Bulletin.send([period])
            with as_user(officer):
                Bulletin.delete([Bulletin(draft.id)])
            Period.publish([period])
            bulletin, = Bulletin.send([period])
        message = gettext('sushi_assessment.msg_bulletin_published',
            period=period.rec_name)
        for user in [officer, admin]:
            with as_user(user):
                for call in [
                        lambda: Bulletin.delete([Bulletin(bulletin.id)]),
                        lambda: Bulletin.write([Bulletin(bulletin.id)],
                            {'document_name': '改写.html'}),
                        lambda: Bulletin.write([Bulletin(bulletin.id)],
                            {'document': b'<p>rewritten</p>'}),
                        ]:
                    with self.assertRaises(UserError) as cm:
                        call()
                    self.assertEqual(cm.exception.message, message)
        self.assertEqual(Bulletin.search([]), [bulletin])
        self.assertEqual(Bulletin(bulletin.id).document_name,
            '2025年3月.html')


del ModuleTestCase
