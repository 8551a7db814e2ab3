# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Accountability rules named one by one (ACC-04..07, ACC-09): the
expected records are read off RULES.md §15 and the seed (附件2 四(八)),
not computed by the code under test."""
import datetime as dt
import unittest

from trytond.exceptions import UserError
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, create_ticket, local, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .test_module import dispatched, sql_write
from .tools import click


class AccountabilityRulesTestCase(DBTestCase, unittest.TestCase):
    "Accountability rules ACC-04..07 and ACC-09"
    module = 'sushi_supervision'

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import activate_module, drop_db
        super(DBTestCase, cls).setUpClass()
        drop_db()
        # as the module's other tests: the same database can be reused
        activate_module([cls.module, 'sushi_analysis'], lang='zh_CN')

    def closed_order(self, ns, **values):
        "A complaint dispatched to 埇桥区, replied to and closed."
        ticket, assignment = dispatched(ns, **values)
        sql_write('sushi.ticket', [ticket.id], state='closed',
            closed_at=local(2025, 3, 10, 16))
        return ticket

    def repeat(self, original, when, accept=True, **values):
        "The requester raises the closed order again (SCP-04 c)."
        Ticket = Pool().get('sushi.ticket')
        values.setdefault('description', '上次反馈已疏通,实际积水依旧,再次投诉。')
        ticket = create_ticket(repeat_of=original.id, received_at=when,
            **values)
        if accept:
            Ticket.accept([ticket])
        return ticket

    @with_transaction()
    def test_acc04_candidate_from_accepted_repeat(self):
        """ACC-04: a repeat request accepted as a new order (SCP-04 c)
        makes the unit that gave the closed order's feedback a candidate,
        dated at the repeat's intake, with both orders linked, once; a
        repeat refused on the same facts (SCP-04 b), a draft and the repeat
        of an order no unit handled make none"""
        pool = Pool()
        Accountability = pool.get('sushi.accountability')
        Ticket = pool.get('sushi.ticket')
        Reason = pool.get('sushi.scope.reason')
        ns = setup_network()
        original = self.closed_order(ns)
        again = self.repeat(original, local(2025, 3, 20, 10, 15))
        refused = self.repeat(original, local(2025, 3, 20, 11), accept=False)
        refused.rejection_reason, = Reason.search([
                ('code', '=', 'repeat_after_lawful_closure')])
        refused.guidance = '原诉求已依法办结答复,同一事实同一理由不再受理。'
        refused.save()
        Ticket.reject([refused])
        draft = self.repeat(original, local(2025, 3, 20, 14), accept=False)
        # answered at intake: closed with no unit's feedback
        answered = create_ticket(request_type='consult')
        sql_write('sushi.ticket', [answered.id], state='closed')
        self.repeat(answered, local(2025, 3, 20, 15), request_type='consult')

        Accountability.propose(now=local(2025, 3, 21, 9))
        Accountability.propose(now=local(2025, 3, 22, 9))
        records = Accountability.search(
            [('case_type', '=', 'acc04_falsification')])
        self.assertEqual(len(records), 1)
        record, = records
        self.assertEqual(
            (record.unit, record.state, record.automatic,
                record.fact_at, record.feedback_untrue),
            (ns.county, 'candidate', True, local(2025, 3, 20, 10, 15),
                False))
        self.assertEqual(sorted(t.id for t in record.tickets),
            sorted([original.id, again.id]))
        self.assertEqual(record.key, f'acc04_falsification:{again.id}')

        # the draft is accepted later: its own candidate, the next day
        Ticket.accept([draft])
        Accountability.propose(now=local(2025, 3, 23, 9))
        self.assertEqual(sorted(
                (r.fact_at, len(r.tickets)) for r in Accountability.search(
                    [('case_type', '=', 'acc04_falsification')])),
            [(local(2025, 3, 20, 10, 15), 2), (local(2025, 3, 20, 14), 2)])

    @with_transaction()
    def test_acc04_decided_only_after_verification(self):
        """ACC-04: the repeat is only half the case: the Office decides it
        only once its verification found the feedback untrue; a repeat on
        new facts is dismissed with the reason"""
        pool = Pool()
        Accountability = pool.get('sushi.accountability')
        ns = setup_network()
        original = self.closed_order(ns)
        self.repeat(original, local(2025, 3, 20, 10))
        self.repeat(original, local(2025, 3, 24, 10),
            description='积水已解决,但施工占道新问题。')
        Accountability.propose(now=local(2025, 3, 25, 9))
        first, second = sorted(Accountability.search(
                [('case_type', '=', 'acc04_falsification')]),
            key=lambda r: r.fact_at)
        click([first], 'investigate')
        first.method = 'circulated_criticism'
        first.deciding_body = 'office'
        first.decided_on = dt.date(2025, 3, 28)
        first.evidence = '3月26日现场核查:排水管道未疏通,与反馈不符。'
        first.save()
        with self.assertRaises(UserError) as cm:
            Accountability.decide([first])
        self.assertIn('ACC-04', cm.exception.message)
        self.assertIn('反馈情况与实际情况不一致', cm.exception.message)
        self.assertEqual(Accountability(first.id).state, 'open')
        first.feedback_untrue = True
        first.save()
        click([first], 'decide')
        self.assertEqual(Accountability(first.id).state, 'decided')

        second.decision = '诉求人反映的是新的事实,原反馈属实,不予追责。'
        second.save()
        click([second], 'dismiss')
        self.assertEqual(Accountability(second.id).state, 'dismissed')

    @with_transaction()
    def test_acc05_06_07_manual_cases(self):
        """ACC-05, ACC-06, ACC-07 are manual: the cron never proposes them;
        the Office records them (under investigation at once) and decides
        them with an ACC-08 method; ACC-09: the unit-level interview and
        named circular is one of the methods"""
        pool = Pool()
        Accountability = pool.get('sushi.accountability')
        ns = setup_network()
        ticket, assignment = dispatched(ns)
        # facts that would make automatic candidates of other cases
        sql_write('sushi.ticket.assignment', [assignment.id],
            red_card=True, red_card_at=local(2025, 3, 12, 17, 30),
            red_card_cause='overdue')
        Accountability.propose(now=local(2025, 3, 13, 9))
        self.assertEqual({r.case_type for r in Accountability.search([])},
            {'acc02_overdue'})
        cases = {
            'acc05_perfunctory': ('named_circular', 'office',
                '作为牵头单位推诿扯皮,事项久拖不结。'),
            'acc06_disclosure': ('warning', 'unit',
                '向被投诉商户透露诉求人住址,造成诉求人被骚扰。'),
            'acc07_attitude': ('disciplinary', 'discipline_commission',
                '回访中辱骂诉求人并打击报复。'),
            }
        records = Accountability.create([{
                    'unit': ns.county.id, 'case_type': code,
                    'tickets': [('add', [ticket.id])],
                    'description': text,
                    } for code, (_, _, text) in cases.items()])
        self.assertEqual({(r.case_type, r.state, r.automatic)
                for r in records},
            {(code, 'open', False) for code in cases})
        for record in records:
            method, body, _ = cases[record.case_type]
            record.method = method
            record.deciding_body = body
            record.decided_on = dt.date(2025, 3, 28)
            record.evidence = '调查笔录及通话录音'
            record.save()
        Accountability.decide(records)
        self.assertEqual(
            {(r.case_type, r.method, r.state)
                for r in Accountability.browse([r.id for r in records])},
            {('acc05_perfunctory', 'named_circular', 'decided'),
                ('acc06_disclosure', 'warning', 'decided'),
                ('acc07_attitude', 'disciplinary', 'decided')})
        # ACC-01..07: the seven cases, and the late return of ACC-09
        field = Accountability.fields_get(['case_type'])['case_type']
        self.assertEqual([c for c, _ in field['selection']], [
                'acc01_refusal', 'acc02_overdue', 'acc03_returned_twice',
                'acc04_falsification', 'acc05_perfunctory',
                'acc06_disclosure', 'acc07_attitude', 'ret03_late_return'])

    @with_transaction()
    def test_acc09_late_return_candidate(self):
        """ACC-09, RET-03: a return asked for after the return window is
        subject to accountability (逾期退回予以追责): a candidate against
        the returning unit, dated at the window's end it passed (Tuesday 4
        March 17:30 for a dispatch of Monday 3 March 09:00), once; a return
        in time is none"""
        pool = Pool()
        Accountability = pool.get('sushi.accountability')
        ns = setup_network()
        late, a_late = dispatched(ns, unit=ns.city, title='逾期退回')
        timely, a_timely = dispatched(ns, unit=ns.city, title='按时退回')
        sql_write('sushi.ticket.assignment', [a_late.id],
            state='return_requested', return_overdue=True,
            return_requested_at=local(2025, 3, 5, 10),
            return_overdue_at=local(2025, 3, 4, 17, 30))
        sql_write('sushi.ticket.assignment', [a_timely.id],
            state='return_requested', return_overdue=False,
            return_requested_at=local(2025, 3, 4, 10))
        Accountability.propose(now=local(2025, 3, 6, 9))
        Accountability.propose(now=local(2025, 3, 7, 9))
        records = Accountability.search(
            [('case_type', '=', 'ret03_late_return')])
        self.assertEqual(
            [(r.unit, [t.id for t in r.tickets], r.fact_at, r.state)
                for r in records],
            [(ns.city, [late.id], local(2025, 3, 4, 17, 30), 'candidate')])

    @with_transaction()
    def test_acc09_methods(self):
        """ACC-08, ACC-09: ordinary cases are criticised, warned or
        interviewed, units also interviewed and named in a circular;
        breaches of discipline get organisational handling or sanction;
        crimes go to the law"""
        Accountability = Pool().get('sushi.accountability')
        field = Accountability.fields_get(['method'])['method']
        self.assertEqual({c for c, _ in field['selection'] if c}, {
                'circulated_criticism', 'warning', 'interview',
                'named_circular', 'organisational', 'disciplinary',
                'legal'})
