# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Triage rules named one by one (TRI-01, TRI-06), INT-05 and CONV-02:
the expected values are read off RULES.md and the seed (附件2 四(三)),
not computed by the code under test."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..exceptions import DispatchError, IntakeError, TransitionError
from .tools import DBTestCase, at, create_ticket, dispatch_ticket, \
    setup_network

ANSWER = {
    'answer': '请向市场监管部门反映。',
    'answer_basis': '《消费者权益保护法》第三十九条',
    }
CONNECT = {
    'transfer_mode': 'three_way_call',
    'transfer_consent': True,
    }


class TriageRulesTestCase(DBTestCase, unittest.TestCase):
    "Triage rules TRI-01 and TRI-06 (and INT-05, CONV-02)"

    # --- TRI-06 -------------------------------------------------------

    @with_transaction()
    def test_tri06_complaint_not_answered_at_intake(self):
        """TRI-06: a complaint is passed on to the local government, not
        answered by the hotline at first contact"""
        Ticket = Pool().get('sushi.ticket')
        ticket = create_ticket(request_type='complaint', **ANSWER)
        with self.assertRaises(IntakeError) as cm:
            Ticket.answer_directly([ticket])
        self.assertIn('TRI-06', cm.exception.message)
        ticket = Ticket(ticket.id)
        self.assertEqual((ticket.state, ticket.disposal), ('draft', None))

    @with_transaction()
    def test_tri06_report_not_connected_at_intake(self):
        """TRI-06: a report (举报) is not closed by a three-way call or a
        call transfer either, even with the requester's consent"""
        Ticket = Pool().get('sushi.ticket')
        ns = setup_network()
        for mode in ['three_way_call', 'call_transfer']:
            ticket = create_ticket(request_type='report',
                transfer_unit=ns.city.id,
                **dict(CONNECT, transfer_mode=mode))
            with self.assertRaises(IntakeError) as cm:
                Ticket.connect([ticket])
            self.assertIn('TRI-06', cm.exception.message)
            self.assertEqual(Ticket(ticket.id).state, 'draft')

    @with_transaction()
    def test_tri06_law_enforcement_case_passed_on(self):
        """TRI-06: a consultation flagged as an administrative
        law-enforcement case is passed on too; the same consultation
        without the flag is answered at once (TRI-02)"""
        Ticket = Pool().get('sushi.ticket')
        ns = setup_network()
        flagged = create_ticket(request_type='consult',
            law_enforcement_case=True, **ANSWER)
        with self.assertRaises(IntakeError):
            Ticket.answer_directly([flagged])
        connected = create_ticket(request_type='consult',
            law_enforcement_case=True, transfer_unit=ns.city.id, **CONNECT)
        with self.assertRaises(IntakeError):
            Ticket.connect([connected])
        plain = create_ticket(request_type='consult', **ANSWER)
        Ticket.answer_directly([plain])
        self.assertEqual((plain.state, plain.disposal),
            ('answered', 'direct_answer'))
        # the buttons say so in the form
        buttons = Ticket._buttons
        decoder = self.pyson
        self.assertTrue(decoder(buttons['answer_directly']['readonly'],
                {'state': 'draft', 'request_type': 'complaint',
                    'law_enforcement_case': False}))
        self.assertTrue(decoder(buttons['answer_directly']['readonly'],
                {'state': 'draft', 'request_type': 'consult',
                    'law_enforcement_case': True}))
        self.assertFalse(decoder(buttons['answer_directly']['readonly'],
                {'state': 'draft', 'request_type': 'help',
                    'law_enforcement_case': False}))
        self.assertTrue(decoder(buttons['connect']['readonly'],
                {'state': 'draft', 'request_type': 'report',
                    'transfer_mode': 'call_transfer',
                    'law_enforcement_case': False}))

    @staticmethod
    def pyson(expression, record):
        from trytond.pyson import PYSONDecoder, PYSONEncoder
        return PYSONDecoder(record).decode(PYSONEncoder().encode(expression))

    @with_transaction()
    def test_tri06_complaint_dispatched_to_locality(self):
        """TRI-06: a complaint goes out as a work order to the local
        government of its region first (属地), also when its category
        lists a city department before it; it is dispatched, and may still
        be refused as out of scope (SCP-02)"""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Category = pool.get('sushi.category')
        Reason = pool.get('sushi.scope.reason')
        Dispatch = pool.get('sushi.ticket.dispatch', type='wizard')
        ns = setup_network()
        category, = Category.create([{'name': '占道经营', 'code': 'tri06',
                    'suggested_units': [('add', [ns.city.id, ns.other.id])],
                    }])
        ticket = create_ticket(request_type='complaint', category=category.id,
            region=ns.other.id, address='萧县龙城镇人民路')
        with Transaction().set_context(active_model='sushi.ticket',
                active_id=ticket.id, active_ids=[ticket.id]):
            session_id, _, _ = Dispatch.create()
            defaults = Dispatch(session_id).default_start(None)
        self.assertEqual(defaults['lead_unit'], ns.other.id)
        self.assertEqual(sorted(defaults['suggested_units']),
            sorted([ns.other.id, ns.city.id]))
        self.assertEqual(defaults['suggested_units'][0], ns.other.id)
        with at(2025, 3, 3, 9):
            assignment, = dispatch_ticket(ticket, ns.other, basis='属地管理')
        ticket = Ticket(ticket.id)
        self.assertEqual((ticket.state, ticket.disposal, ticket.lead_unit),
            ('dispatched', 'dispatched', ns.other))
        self.assertEqual(assignment.unit, ns.other)

        court = create_ticket(request_type='complaint',
            description='对法院判决不服，要求改判。')
        court.rejection_reason, = Reason.search(
            [('code', '=', 'litigation')])
        court.guidance = '请依法向上一级人民法院提起上诉。'
        court.save()
        Ticket.reject([court])
        self.assertEqual((court.state, court.disposal),
            ('rejected', 'explain_and_redirect'))

    # --- TRI-01 -------------------------------------------------------

    @with_transaction()
    def test_tri01_exactly_one_disposal(self):
        """TRI-01: every contact ends with exactly one of the disposals
        (直接解答, 三方通话, 呼叫转接, 派发工单, 解释引导, plus the
        emergency transfer and the duplicate link); once disposed of, it
        cannot be given a second one"""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Reason = pool.get('sushi.scope.reason')
        ns = setup_network()
        self.assertEqual(
            {c for c, _ in Ticket.fields_get(['disposal'])['disposal'][
                    'selection'] if c},
            {'direct_answer', 'three_way_call', 'call_transfer',
                'dispatched', 'explain_and_redirect',
                'emergency_transferred', 'duplicate_linked',
                'rejected_repeat'})

        answered = create_ticket(request_type='consult', **ANSWER)
        Ticket.answer_directly([answered])
        three_way = create_ticket(request_type='help',
            transfer_unit=ns.city.id, **CONNECT)
        Ticket.connect([three_way])
        transfer = create_ticket(request_type='consult',
            transfer_unit=ns.city.id,
            **dict(CONNECT, transfer_mode='call_transfer'))
        Ticket.connect([transfer])
        dispatched = create_ticket()
        with at(2025, 3, 3, 9):
            dispatch_ticket(dispatched, ns.county)
        guided = create_ticket(request_type='consult', **ANSWER)
        guided.rejection_reason, = Reason.search(
            [('code', '=', 'arbitration')])
        guided.guidance = '请向劳动人事争议仲裁委员会申请仲裁。'
        guided.save()
        Ticket.reject([guided])
        tickets = Ticket.browse([t.id for t in [answered, three_way,
                    transfer, dispatched, guided]])
        self.assertEqual([t.disposal for t in tickets], [
                'direct_answer', 'three_way_call', 'call_transfer',
                'dispatched', 'explain_and_redirect'])

        # a second disposal is refused, the first one stands
        with self.assertRaises(TransitionError):
            Ticket.answer_directly([Ticket(guided.id)])
        with self.assertRaises(DispatchError):
            with at(2025, 3, 3, 10):
                dispatch_ticket(Ticket(answered.id), ns.county)
        with self.assertRaises(TransitionError):
            Ticket.reject([Ticket(dispatched.id)])
        self.assertEqual(
            [t.disposal for t in Ticket.browse([answered.id, guided.id,
                        dispatched.id])],
            ['direct_answer', 'explain_and_redirect', 'dispatched'])

    @with_transaction()
    def test_tri01_classified_at_first_contact(self):
        """TRI-01: the request is classified at first contact: its request
        type is one of the six of INT-02 and is required"""
        Ticket = Pool().get('sushi.ticket')
        field = Ticket.fields_get(['request_type'])['request_type']
        self.assertTrue(field['required'])
        self.assertEqual({c for c, _ in field['selection'] if c},
            {'consult', 'help', 'suggestion', 'complaint', 'report',
                'praise'})

    # --- INT-05 -------------------------------------------------------

    @with_transaction()
    def test_int05_non_public_sources_flagged(self):
        """INT-05: provincial assignments and city-leader instructions are
        flagged on the work order, searchable, and fixed once dispatched"""
        Ticket = Pool().get('sushi.ticket')
        ns = setup_network()
        provincial = create_ticket(provincial=True)
        leader = create_ticket(leader_instruction=True)
        plain = create_ticket()
        self.assertEqual(Ticket.search([('provincial', '=', True)]),
            [provincial])
        self.assertEqual(Ticket.search([('leader_instruction', '=', True)]),
            [leader])
        self.assertFalse(plain.provincial or plain.leader_instruction)
        with at(2025, 3, 3, 9):
            dispatch_ticket(provincial, ns.county)
        states = Ticket.fields_get(['provincial'])['provincial']['states']
        self.assertTrue(self.pyson(eval_states(states, 'readonly'),
                {'state': 'dispatched'}))
        self.assertFalse(self.pyson(eval_states(states, 'readonly'),
                {'state': 'draft'}))

    # --- CONV-02 ------------------------------------------------------

    @with_transaction()
    def test_conv02_other_actors(self):
        """CONV-02: handling units are at tiers 2 and 3; requesters are
        individuals or enterprises (INT-03)"""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        ns = setup_network()
        self.assertEqual((ns.county.tier, ns.city.tier, ns.town.tier),
            ('2', '2', '3'))
        field = Ticket.fields_get(['requester_type'])['requester_type']
        self.assertTrue(field['required'])
        self.assertEqual({c for c, _ in field['selection']},
            {'individual', 'enterprise'})


def eval_states(states, name):
    "The PYSON of one state of a field, as fields_get encodes it."
    from trytond.pyson import PYSONDecoder
    return PYSONDecoder(noeval=True).decode(states)[name] if isinstance(
        states, str) else states[name]
