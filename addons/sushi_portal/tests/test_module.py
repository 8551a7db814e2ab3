# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError
from trytond.modules.sushi_ticket.tests.tools import (
    TranslationTestMixin, create_ticket, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class SushiPortalTestCase(TranslationTestMixin, ModuleTestCase):
    "Test the sushi_portal module"
    module = 'sushi_portal'

    @with_transaction()
    def test_isolation_on_every_path(self):
        """#16, PUB-06, ORG-11: every model guarded; a disclosure awaiting
        review is its unit's and the platform's only, on every path; the
        requester behind a disclosure only through the order's own rules;
        one-time codes are nobody's to read"""
        from trytond.modules.sushi_ticket.tests.guard_tools import (
            as_user, assert_guarded, assert_states_enforced,
            assert_values_checked)
        pool = Pool()
        Disclosure = pool.get('sushi.portal.disclosure')
        Code = pool.get('sushi.portal.code')
        assert_guarded(self, 'sushi_portal')
        ns = setup_network()
        assert_values_checked(self, 'sushi_portal', ns.other_handler)
        # one disclosure per order
        draft, published = Disclosure.create([{
                    'ticket': create_ticket().id, 'unit': ns.county.id,
                    'request_type': 'complaint', 'title': '道路积水',
                    'request_text': '张先生反映积水',
                    } for _ in range(2)])
        Disclosure.write([draft, published], {'unit': ns.county.id})
        Disclosure.write([published], {'state': 'published'})
        with as_user(ns.other_handler):
            for call in [
                    lambda: Disclosure.read([published.id],
                        ['ticket.requester_phone']),
                    lambda: Code.search([]),
                    ]:
                with self.assertRaises(AccessError):
                    call()
        for user in [ns.analyst, ns.city_leader]:
            with as_user(user):
                with self.assertRaises(AccessError):
                    Disclosure.export_data([Disclosure(published.id)],
                        ['ticket/requester_name'])
        assert_states_enforced(self,
            [Disclosure(draft.id), Disclosure(published.id)], ns.reviewer)


del ModuleTestCase
