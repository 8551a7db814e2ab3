# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Callback rules named in no other test: CBK-09 (orders excluded from the
satisfaction rate are still called back) and CBK-10 (a tier-2 unit's own
callbacks, which do not replace the platform's).  The order is a
complaint dispatched to 埇桥区 on Monday 3 March 2025 at 9:00."""
import unittest

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..exceptions import CallbackError, UnitRightError
from . import test_ticket
from .guard_tools import as_user
from .test_ticket import write_reply
from .tools import (
    DBTestCase, at, create_ticket, local, redispatch, setup_network)


class RulesCallbackTestCase(DBTestCase, unittest.TestCase):
    "CBK-09, CBK-10"

    # the work-order steps of the ticket tests
    dispatch = test_ticket.TicketTestCase.dispatch
    signed = test_ticket.TicketTestCase.signed
    replied = test_ticket.TicketTestCase.replied
    reviewed = test_ticket.TicketTestCase.reviewed

    @with_transaction()
    def test_cbk09_excluded_orders_are_called_back(self):
        """CBK-09: an order of 行政调解类, 执法办案类 or outside the guidance
        (SCP-06) is asked for its rating and called back like any other:
        the exclusion is a flag the satisfaction rate reads, not a skipped
        callback"""
        pool = Pool()
        Callback = pool.get('sushi.ticket.callback')
        SMS = pool.get('sushi.sms')
        ns = setup_network()
        for flag in ['admin_mediation', 'law_enforcement_case',
                'outside_guidance_scope']:
            with self.subTest(flag=flag):
                ticket = create_ticket(**{flag: True})
                ticket, _, _ = self.reviewed(ns, ticket)
                self.assertEqual(ticket.state, 'reviewed')
                self.assertEqual(ticket.first_evaluation, 'pending')
                # the rating request went out (CBK-01)
                self.assertEqual([s.kind for s in SMS.search([
                                ('ticket', '=', ticket.id),
                                ('kind', '=', 'rating')])], ['rating'])
                with at(2025, 3, 6, 10):
                    callback = Callback.record_rating(ticket,
                        'phone_callback', 'dissatisfied',
                        reason='积水仍未排除', reason_clear=True)
                self.assertEqual((callback.result, ticket.first_evaluation),
                    ('dissatisfied', 'dissatisfied'))
                # still flagged for the rate to leave out
                self.assertIs(getattr(ticket, flag), True)

    def completed(self, ns):
        "An order 埇桥区 handled, its reply accepted by the platform."
        ticket, assignment, reply = self.reviewed(ns)
        self.assertEqual(assignment.state, 'completed')
        return ticket, assignment

    @with_transaction()
    def test_cbk10_tier2_unit_calls_back_in_its_system(self):
        """CBK-10, ORG-10 (c): 埇桥区 (tier 2) calls back the requester of
        its own order; the record is the county's, and the platform's
        callback is still owed: the order stays 'reviewed' with its first
        evaluation pending, no platform callback row exists, and the
        platform's rating alone closes it"""
        pool = Pool()
        UnitCallback = pool.get('sushi.ticket.unit_callback')
        Callback = pool.get('sushi.ticket.callback')
        ns = setup_network()
        ticket, assignment = self.completed(ns)
        with at(2025, 3, 6, 11), as_user(ns.handler):
            record, = UnitCallback.create([{
                        'assignment': assignment.id,
                        'called_at': local(2025, 3, 6, 10, 30),
                        'method': 'phone',
                        'result': 'dissatisfied',
                        'resolution': 'partially_resolved',
                        'note': '诉求人反映雨后仍有少量积水。',
                        }])
        self.assertEqual(record.unit, ns.county)
        self.assertEqual(record.ticket, ticket)
        self.assertEqual(record.recorded_by, ns.handler)
        # not the platform's callback (CBK-10: results do not replace it)
        ticket = ticket.__class__(ticket.id)
        self.assertEqual(ticket.state, 'reviewed')
        self.assertEqual(ticket.first_evaluation, 'pending')
        self.assertIsNone(ticket.final_evaluation)
        self.assertEqual(Callback.search([('ticket', '=', ticket.id)]), [])
        with at(2025, 3, 6, 15):
            Callback.record_rating(ticket, 'phone_callback', 'satisfied')
        self.assertEqual((ticket.state, ticket.final_evaluation),
            ('archived', 'satisfied'))
        # the unit's record is a fact: not rewritten, not deleted
        with as_user(ns.handler):
            with self.assertRaises(AccessError):
                UnitCallback.write([record], {'result': 'satisfied'})
            with self.assertRaises(AccessError):
                UnitCallback.delete([record])

    @with_transaction()
    def test_cbk10_tier2_calls_back_its_tier3_unit_orders(self):
        """CBK-10, ORG-10 (c): the county calls back an order its town
        (tier 3) replied to; the calling unit is the county; the town's own
        staff do not call back in the county's name, nor does another
        county"""
        pool = Pool()
        UnitCallback = pool.get('sushi.ticket.unit_callback')
        Reply = pool.get('sushi.ticket.reply')
        Assignment = pool.get('sushi.ticket.assignment')
        Leader = pool.get('sushi.unit.leader')
        ns = setup_network()
        ticket, county = self.signed(ns)
        with at(2025, 3, 3, 11), Transaction().set_user(ns.handler.id):
            town, = redispatch(county, ns.town, '请符离镇核实处理')
        with at(2025, 3, 3, 14), Transaction().set_user(ns.town_handler.id):
            Assignment.sign([town])
        values = {'assignment': town.id, 'method': 'visit',
            'result': 'satisfied', 'called_at': local(2025, 3, 6, 9)}
        # not before the town has replied
        with at(2025, 3, 6, 10), as_user(ns.handler):
            with self.assertRaises(CallbackError) as cm:
                UnitCallback.create([dict(values)])
        self.assertIn(town.rec_name, cm.exception.message)
        Leader.create([{'unit': ns.town.id, 'user': ns.leader.id,
                    'role': 'deputy_in_charge'}])
        with at(2025, 3, 5, 10), Transaction().set_user(
                ns.town_handler.id):
            reply = write_reply(town, contacted_at=local(2025, 3, 5, 9))
            Reply.request_sign_off([reply])
        with at(2025, 3, 5, 11), Transaction().set_user(ns.leader.id):
            Reply.sign_off([reply])
        self.assertEqual(town.state, 'replied')
        with at(2025, 3, 6, 10):
            for user in [ns.town_handler, ns.other_handler]:
                with as_user(user):
                    with self.assertRaises((UnitRightError, AccessError)):
                        UnitCallback.create([dict(values)])
            with as_user(ns.handler):
                record, = UnitCallback.create([dict(values)])
        self.assertEqual((record.unit, record.ticket), (ns.county, ticket))
        # the county sees it, the other county does not
        with as_user(ns.handler):
            self.assertEqual(UnitCallback.search([]), [record])
        with as_user(ns.other_handler):
            self.assertEqual(UnitCallback.search([]), [])

    @with_transaction()
    def test_cbk10_future_time_refused(self):
        "CBK-10: a callback is recorded after it happened, not ahead"
        UnitCallback = Pool().get('sushi.ticket.unit_callback')
        ns = setup_network()
        _, assignment = self.completed(ns)
        with at(2025, 3, 6, 11), as_user(ns.handler):
            with self.assertRaises(CallbackError):
                UnitCallback.create([{'assignment': assignment.id,
                            'method': 'phone', 'result': 'satisfied',
                            'called_at': local(2025, 3, 6, 12)}])
