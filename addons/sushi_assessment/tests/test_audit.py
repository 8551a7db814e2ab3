# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""An independent audit of the assessment (附件5, SCORING.md): the facts
are made through the work-order workflow a unit and the platform use —
dispatch, sign-in, return, re-dispatch, extension, reply and sign-off,
review, callback, verification, rework, supervision case, leader review —
and never written into the tables; every expected score is worked out by
hand from the rules, the arithmetic in the comments (calendar: March 2025
has no holiday; 1 March is a Saturday)."""
import datetime as dt
import unittest
from decimal import Decimal as D

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket.tests.test_ticket import write_reply
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, create_ticket, dispatch_ticket, local)

from .test_assessment import AssessmentCases, attach


class Flow:
    "The acts of the units and of the platform, each at its local time."

    def __init__(self, ns):
        pool = Pool()
        self.ns = ns
        self.Assignment = pool.get('sushi.ticket.assignment')
        self.Reply = pool.get('sushi.ticket.reply')
        self.Ticket = pool.get('sushi.ticket')
        self.Callback = pool.get('sushi.ticket.callback')
        self.Extension = pool.get('sushi.ticket.extension')
        self.Review = pool.get('sushi.assessment.review')
        self.staff = {}   # unit id → (handler, leader)

    def unit_staff(self, unit, handler, leader):
        self.staff[unit.id] = (handler, leader)

    def dispatch(self, ticket, unit, when):
        with at(*when), Transaction().set_user(self.ns.dispatcher.id):
            assignment, = dispatch_ticket(ticket, unit, basis='属地管理')
        return assignment

    def sign(self, assignment, when):
        handler, _ = self.staff[assignment.unit.id]
        with at(*when), Transaction().set_user(handler.id):
            self.Assignment.sign([self.Assignment(assignment.id)])

    def request_return(self, assignment, when):
        handler, _ = self.staff[assignment.unit.id]
        assignment = self.Assignment(assignment.id)
        assignment.return_reason = 'not_our_duty'
        assignment.return_reason_text = '不属本单位职责'
        assignment.save()
        attach(assignment)
        with at(*when), Transaction().set_user(handler.id):
            self.Assignment.request_return([assignment])

    def decide_return(self, assignment, when, approve=True):
        with at(*when), Transaction().set_user(self.ns.dispatcher.id):
            assignment = self.Assignment(assignment.id)
            if approve:
                self.Assignment.approve_return([assignment])
            else:
                self.Assignment.reject_return([assignment])

    def reply(self, assignment, when, leader=None):
        "The handler writes the reply, the leader signs it off at when."
        handler, unit_leader = self.staff[assignment.unit.id]
        with at(*when), Transaction().set_user(handler.id):
            reply = write_reply(self.Assignment(assignment.id),
                contacted_at=local(*when))
            self.Reply.request_sign_off([reply])
        with at(*when), Transaction().set_user((leader or unit_leader).id):
            self.Reply.sign_off([self.Reply(reply.id)])
        return reply

    def accept(self, reply, when):
        with at(*when), Transaction().set_user(self.ns.reviewer.id):
            self.Reply.accept([self.Reply(reply.id)])

    def done(self, assignment, submitted, accepted, leader=None):
        "Reply signed off at submitted, accepted by the review."
        reply = self.reply(assignment, submitted, leader=leader)
        self.accept(reply, accepted)
        return reply

    def rate(self, assignment, when, given='satisfied', channel=None,
            reason=None, clear=False):
        ticket = self.Ticket(assignment.ticket.id)
        with at(*when):
            return self.Callback.record_rating(ticket,
                channel or 'phone_callback', given, reason=reason,
                reason_clear=clear)

    def verify(self, assignment, when, outcome, **values):
        ticket = self.Ticket(assignment.ticket.id)
        with at(*when), Transaction().set_user(self.ns.reviewer.id):
            self.Callback.verify(ticket, outcome, '经核查属实', **values)

    def review(self, assignment, when, leader=None):
        "D1.4: a leader of the unit records the review (阅批)."
        _, unit_leader = self.staff[assignment.unit.id]
        with at(*when), Transaction().set_user((leader or unit_leader).id):
            self.Review.create([{'assignment': assignment.id,
                        'annotation': '阅，请抓紧办理。'}])

    def extend(self, assignment, days, filed, consented, approved):
        handler, leader = self.staff[assignment.unit.id]
        extension, = self.Extension.create([{
                    'assignment': assignment.id, 'days': days,
                    'reason': '需协调多个部门现场会勘', 'basis': '涉及管网改造',
                    'application': '关于延期办理的申请',
                    'requester_informed_at': local(*filed),
                    'requester_informed_method': 'phone'}])
        with at(*filed), Transaction().set_user(handler.id):
            self.Extension.submit([extension])
        with at(*consented), Transaction().set_user(leader.id):
            self.Extension.leader_approve([extension])
        with at(*approved), Transaction().set_user(self.ns.dispatcher.id):
            self.Extension.approve([extension])
        return extension


class AuditTestCase(DBTestCase, unittest.TestCase):
    "Audit of the assessment against hand-computed scores"
    module = 'sushi_assessment'

    # the module tests' helpers, not their tests
    units = AssessmentCases.units
    event = AssessmentCases.event
    compute = AssessmentCases.compute
    points = AssessmentCases.points
    result = AssessmentCases.result

    def two_counties(self):
        """The network, 埇桥区 and 萧县 with their handler and leader, and
        the workflow that acts for them."""
        ns = self.units()
        flow = Flow(ns)
        flow.unit_staff(ns.county, ns.handler, ns.leader)
        flow.unit_staff(ns.other, ns.other_handler,
            self.leader(ns.other, 'xiao_leader'))
        return ns, ns.county, ns.other, flow

    def leader(self, unit, login, role='deputy_in_charge'):
        "A leader of unit (a user of the unit-leader group)."
        pool = Pool()
        User = pool.get('res.user')
        Leader = pool.get('sushi.unit.leader')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{'login': login, 'name': login,
                    'groups': [('add', [ModelData.get_id(
                                    'sushi_ticket', 'group_sushi_unit_leader')])],
                    }])
        Leader.create([{'unit': unit.id, 'user': user.id, 'role': role}])
        return user

    def supervise(self, ticket, unit, level, when, trigger):
        "A supervision case on ticket against unit, registered at when."
        Supervision = Pool().get('sushi.supervision')
        case, = Supervision.create([{
                    'level': level, 'trigger': trigger,
                    'tickets': [('add', [ticket.id])],
                    'lead_unit': unit.id,
                    'registered_on': dt.date(*when[:3]),
                    'content': '督办事项',
                    'instructions': '三个工作日内办结并回复诉求人',
                    'deadline': local(*when[:3], 17, 30)
                    + dt.timedelta(days=3),
                    'responsible_person': '李主任',
                    'responsible_phone': '0557-3021234',
                    }])
        with at(*when):
            Supervision.register([case])
        return case

    def deductions(self, period, unit):
        Deduction = Pool().get('sushi.assessment.deduction')
        return sorted((d.score.item, d.kind, d.amount, str(d.origin))
            for d in Deduction.search([
                    ('score.period', '=', period.id),
                    ('score.unit', '=', unit.id)]))

    def check(self, period, unit, expected):
        scores = self.points(period, unit)
        for item, value in expected.items():
            if value is None:
                self.assertFalse(scores[item][1], msg=f'{item} applies')
            else:
                self.assertEqual(scores[item], (D(value), True), msg=item)

    # --- scenario 1 ------------------------------------------------------

    @with_transaction()
    def test_march_counties_through_the_workflow(self):
        """埇桥区 and 萧县 (counties) in March 2025, every ticket fact made
        through the workflow: SGN-01/02/04 late sign-ins (one of a
        February afternoon dispatch, one of 31 March in April), RET-03
        overdue return, RET-04 return without valid reason, RET-06
        improper return of an order re-assigned between units, LGT-02 red
        cards (LGT-05 dated at the due time), EXT-02/EXT-08 an extended
        order, CBK-06 default satisfaction (no answer; first dissatisfied
        without clear reason), CBK-07 second dissatisfaction after an
        explanation and after a rework round (one order, counted once in
        F1), RPL-03/RPL-07 verified defects and a refusal (D2.4a), F3 at
        exactly the threshold with orders dispatched twice counted once,
        a supervised (SUP-05) and a provincial order, D3.2, D5.2, §3 with
        half-up rounding at .625, ranking ties; the three other counties
        have no order (D1.4, D2.3, D2.5 are 合理缺项)."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Callback = pool.get('sushi.ticket.callback')
        Unit = pool.get('sushi.unit')
        ns, county, other, flow = self.two_counties()

        # A1: dispatched Mon 3 March 09:00 (morning, SGN-01: sign by 17:30),
        # signed 18:00 → late sign-in dated 3 March 17:30; replied Wed 5
        # March 16:00 (h = 4, 5 March = 2 working days, CONV-08), reviewed
        # by the deputy leader; satisfied
        a1 = flow.dispatch(create_ticket(), county, (2025, 3, 3, 9))
        flow.sign(a1, (2025, 3, 3, 18))
        flow.review(a1, (2025, 3, 3, 19))
        r1 = flow.done(a1, (2025, 3, 5, 16), (2025, 3, 6, 9))
        flow.rate(a1, (2025, 3, 6, 10))
        # A2: dispatched Mon 3 March 14:00 (afternoon, SGN-02: sign by Tue 4
        # March 12:00), signed 11:00 in time; due 12 March 17:30 (7
        # working days, CONV-05), extended by 5 working days on 10 March
        # (EXT-02 ≤ 7) → due 19 March 17:30; replied Mon 17 March 10:00:
        # no red card, but h = 4…7, 10…14, 17 March = 10 days (EXT-08);
        # no rating within the window → deemed satisfied (CBK-06)
        a2 = flow.dispatch(create_ticket(), county, (2025, 3, 3, 14))
        flow.sign(a2, (2025, 3, 4, 11))
        flow.extend(a2, 5, (2025, 3, 10, 10), (2025, 3, 10, 11),
            (2025, 3, 10, 15))
        self.assertEqual(Assignment(a2.id).due_at, local(2025, 3, 19, 17, 30))
        flow.done(a2, (2025, 3, 17, 10), (2025, 3, 17, 11))
        with at(2025, 3, 21, 12):
            Callback.deem_satisfied()
        # A3: dispatched 3 March 09:00, due 12 March 17:30, replied Thu 13
        # March 10:00 → red card dated 12 March 17:30 (LGT-02, LGT-05);
        # h = 4…7, 10…13 March = 8; first dissatisfied with a clear
        # reason, verified: objective cause explained, but the reply had
        # not been discussed with the requester (RPL-03 defect); second
        # evaluation dissatisfied (counts, CBK-07 default)
        a3 = flow.dispatch(create_ticket(), county, (2025, 3, 3, 9))
        flow.sign(a3, (2025, 3, 3, 10))
        r3 = flow.done(a3, (2025, 3, 13, 10), (2025, 3, 13, 11))
        flow.rate(a3, (2025, 3, 14, 9), 'dissatisfied', reason='积水仍在',
            clear=True)
        flow.verify(a3, (2025, 3, 14, 10), 'explain',
            defects=['no_contact'], explanation='管网改造需纳入年度计划')
        flow.rate(a3, (2025, 3, 17, 9), 'dissatisfied', reason='仍未解决',
            clear=True)
        # A4, re-assigned between units: to 埇桥区 Tue 4 March 09:00, its
        # return (in time) approved; to 萧县 14:00, returned and approved
        # (a valid return: nothing for 萧县); to 埇桥区 again Wed 5 March
        # 09:00 → 埇桥区's return was improper (RET-06), confirmed: −1,
        # dated at the second dispatch; replied Fri 7 March 16:00 (h = 2)
        t4 = create_ticket()
        a4 = flow.dispatch(t4, county, (2025, 3, 4, 9))
        flow.request_return(a4, (2025, 3, 4, 10))
        flow.decide_return(a4, (2025, 3, 4, 11))
        x4 = flow.dispatch(t4, other, (2025, 3, 4, 14))
        flow.request_return(x4, (2025, 3, 4, 15))
        flow.decide_return(x4, (2025, 3, 4, 16))
        a4b = flow.dispatch(t4, county, (2025, 3, 5, 9))
        self.assertEqual(Assignment(a4.id).improper_return, 'candidate')
        with at(2025, 3, 5, 9, 30), Transaction().set_user(ns.reviewer.id):
            Assignment.confirm_improper_return([Assignment(a4.id)])
        flow.sign(a4b, (2025, 3, 5, 10))
        flow.done(a4b, (2025, 3, 7, 16), (2025, 3, 10, 9))
        flow.rate(a4b, (2025, 3, 10, 10), channel='sms_rating')
        # A5: dispatched Wed 5 March 09:00, return window until Thu 6
        # March 17:30 (RET-01); asked Fri 7 March → overdue (RET-03, −0.5
        # dated 6 March 17:30), rejected as already deemed accepted (no
        # second deduction, RET-07); replied 12 March (h = 5); first
        # "dissatisfied" at the callback without a clear reason → deemed
        # satisfied (CBK-06)
        a5 = flow.dispatch(create_ticket(), county, (2025, 3, 5, 9))
        flow.sign(a5, (2025, 3, 5, 10))
        flow.request_return(a5, (2025, 3, 7, 9))
        flow.decide_return(a5, (2025, 3, 7, 10), approve=False)
        flow.done(a5, (2025, 3, 12, 10), (2025, 3, 12, 11))
        flow.rate(a5, (2025, 3, 12, 12), 'dissatisfied', reason='不满意')
        # A6: dispatched Thu 6 March 09:00, return asked in time and
        # rejected for no valid reason (RET-04, −0.5 dated 6 March 11:00);
        # replied Mon 10 March (h = 7, 10 March = 2); first dissatisfied
        # with a clear reason, verified: untrue content and the unit
        # refused to improve it (−0.5 and −1, RPL-03, RPL-07) → rework
        # round 2 dispatched Tue 11 March 09:00, replied 12 March (h = 1);
        # second evaluation dissatisfied: one order, one D2 in F1
        a6 = flow.dispatch(create_ticket(), county, (2025, 3, 6, 9))
        flow.sign(a6, (2025, 3, 6, 9, 30))
        flow.request_return(a6, (2025, 3, 6, 10))
        flow.decide_return(a6, (2025, 3, 6, 11), approve=False)
        r6 = flow.done(a6, (2025, 3, 10, 10), (2025, 3, 10, 11))
        flow.rate(a6, (2025, 3, 10, 12), 'dissatisfied', reason='说已处理其实没有',
            clear=True)
        flow.verify(a6, (2025, 3, 11, 9), 'rework', defects=['untrue'],
            refused_to_cooperate=True)
        a6b, = [a for a in Assignment.search([('ticket', '=', a6.ticket.id)])
            if a.round == 2]
        flow.sign(a6b, (2025, 3, 11, 9, 30))
        flow.done(a6b, (2025, 3, 12, 10), (2025, 3, 12, 11))
        flow.rate(a6b, (2025, 3, 13, 9), 'dissatisfied', reason='仍不满意',
            clear=True)
        # A7 spans two months: dispatched Fri 28 February 15:00 (afternoon:
        # sign by Mon 3 March 12:00), signed 13:00 → late sign-in dated 3
        # March 12:00, a March fact; replied Tue 4 March (h = 3, 4 March =
        # 2): counts in March's D2.3 and D2.5, in February's D1.4
        a7 = flow.dispatch(create_ticket(), county, (2025, 2, 28, 15))
        flow.sign(a7, (2025, 3, 3, 13))
        flow.done(a7, (2025, 3, 4, 10), (2025, 3, 4, 11))
        flow.rate(a7, (2025, 3, 4, 12))
        # A8: dispatched Mon 31 March 15:00, signed Tue 1 April 14:00 →
        # late, dated 1 April 12:00: an April fact; in March's D1.4
        a8 = flow.dispatch(create_ticket(), county, (2025, 3, 31, 15))
        flow.sign(a8, (2025, 4, 1, 14))
        # A9 supervised: a level-1 case registered Mon 10 March 11:00
        # (D3.2 −1); the principal leader signs the reply (RPL-04); no
        # leader review → −1 (督办件阅批每少1件扣1分); h = 2
        t9 = create_ticket()
        a9 = flow.dispatch(t9, county, (2025, 3, 10, 9))
        flow.sign(a9, (2025, 3, 10, 10))
        case = self.supervise(t9, county, 'L1', (2025, 3, 10, 11),
            'l1_not_handled')
        self.assertTrue(flow.Ticket(t9.id).is_supervised)
        flow.done(a9, (2025, 3, 12, 10), (2025, 3, 12, 11),
            leader=ns.principal)
        flow.rate(a9, (2025, 3, 12, 12))
        # A10 provincial (省级件), reviewed: 1/1 = 100 %; h = 2
        a10 = flow.dispatch(create_ticket(provincial=True), county,
            (2025, 3, 10, 9))
        flow.sign(a10, (2025, 3, 10, 10))
        flow.review(a10, (2025, 3, 10, 11))
        flow.done(a10, (2025, 3, 12, 10), (2025, 3, 12, 11))
        flow.rate(a10, (2025, 3, 12, 12))
        # A11: dispatched Tue 11 March 09:00, reviewed, replied 12 March
        # (h = 1); the requester answers the rating SMS "基本满意":
        # satisfied (not a dissatisfaction)
        a11 = flow.dispatch(create_ticket(requester_phone='13905571111'),
            county, (2025, 3, 11, 9))
        flow.sign(a11, (2025, 3, 11, 9, 30))
        flow.review(a11, (2025, 3, 11, 10))
        flow.done(a11, (2025, 3, 12, 10), (2025, 3, 12, 11))
        with at(2025, 3, 12, 12):
            Callback.record_sms_answer('13905571111', '基本满意')
        self.assertEqual(flow.Ticket(a11.ticket.id).first_evaluation,
            'satisfied')
        # 萧县: X1, X2 dispatched 3 March 09:00, signed 10:00, replied Thu
        # 13 March (h = 8 each) → two red cards dated 12 March 17:30
        xs = []
        for minute in [0, 30]:
            x = flow.dispatch(create_ticket(), other, (2025, 3, 3, 9))
            flow.sign(x, (2025, 3, 3, 10))
            flow.done(x, (2025, 3, 13, 10, minute), (2025, 3, 13, 11))
            xs.append(x)
        flow.rate(xs[0], (2025, 3, 13, 12))
        with at(2025, 3, 17, 12):
            Callback.deem_satisfied()
        # the sweep of the night of 31 March (nothing overdue is left open)
        with at(2025, 4, 1, 0, 10):
            Assignment.sweep()

        period = self.compute()
        # 埇桥区, by hand:
        # D1.1 deputy, section, staff all designated → 3
        # D1.4 (F3) n = orders dispatched in March = A1, A2, A3, A4, A5,
        #   A6, A8, A9, A10, A11 = 10 (A4 and A6 were dispatched to it
        #   twice: still one order each; A7 is February's); r = A1, A10,
        #   A11 = 3 → 30 % = threshold (30, county) → d1 = 0; A9 督办件 not
        #   reviewed → −1; 省级件 1/1 → 0: 3 − 1 = 2
        # D2.1a A1, A7 late (A8's is April's) → 2 − 1 = 1
        # D2.1b A5 overdue, A6 no valid reason → 2 − 1 = 1
        # D2.1c A4 improper once → 3 − 1 = 2
        # D2.2 A3 red card → 5 − 0.5 = 4.5
        # D2.3 (F2) complaints (limit 7) completed in March: A1 2, A2 10,
        #   A3 8, A4 2, A5 5, A6 2 and its rework 1, A7 2, A9 2, A10 2,
        #   A11 1 = 37 / 11 = 3.36; counties pooled (37 + 16) / 13 = 4.08
        #   → base max(4.08, 7) = 7: not above → 6
        # D2.4a A3 defect −0.5; A6 defect −0.5, refusal −1 → 6 − 2 = 4
        # D2.5 (F1) orders completed in Q1 to date: A1, A2, A3, A4, A5, A6
        #   (its rework round, once), A7, A9, A10, A11 = 10; second
        #   dissatisfied: A3, A6 = 2 → 80 %; 萧县 2 orders, 0 → 100 %;
        #   category mean (80 + 100) / 2 = 90: 10 points below, exactly
        #   10 full points → 10 − 5 = 5
        # D3.2 one level-1 case → 8 − 1 = 7
        # D5.2 no knowledge entry: 4 categories missing, −2 at most → 1
        self.check(period, county, {
                'D1.1': 3, 'D1.2': 2, 'D1.3': 2, 'D1.4': 2,
                'D2.1a': 1, 'D2.1b': 1, 'D2.1c': 2, 'D2.2': '4.5',
                'D2.3': 6, 'D2.4a': 4, 'D2.4b': 3, 'D2.4c': 1, 'D2.5': 5,
                'D2.6': 4, 'D3.1': 4, 'D3.2': 7, 'D4.1': 1, 'D4.2': 3,
                'D4.3': 2, 'D5.1': 4, 'D5.2': 1, 'D5.3': 3,
                'K1': None, 'K4': None,
                'B1': 0, 'B2': 0, 'B3': 0, 'P1': 0,
                })
        # daily 9 + 31.5 + 11 + 6 + 8 = 65.5; × 100/80 = 81.875 → 81.88
        result = self.result(period, county)
        self.assertEqual((result.daily, result.applicable_max, result.total),
            (D('65.5'), D(80), D('81.88')))
        # every deduction points at the record that caused it
        Reply = pool.get('sushi.ticket.reply')
        self.assertEqual(self.deductions(period, county), sorted([
                    ('D1.4', 'not_reviewed', D(1), str(a9)),
                    ('D2.1a', 'late_sign_in', D('0.5'), str(a1)),
                    ('D2.1a', 'late_sign_in', D('0.5'), str(a7)),
                    ('D2.1b', 'no_valid_reason', D('0.5'), str(a6)),
                    ('D2.1b', 'overdue_return', D('0.5'), str(a5)),
                    ('D2.1c', 'improper_return', D(1), str(a4)),
                    ('D2.2', 'red_card', D('0.5'), str(a3)),
                    ('D2.4a', 'reply_defect', D('0.5'), str(Reply(r3.id))),
                    ('D2.4a', 'reply_defect', D('0.5'), str(Reply(r6.id))),
                    ('D2.4a', 'reply_refused', D(1), str(Reply(r6.id))),
                    ('D2.5', 'formula', D(5), str(period)),
                    ('D3.2', 'supervision', D(1), str(case)),
                    ] + [('D5.2', 'knowledge_category', D('0.5'),
                        str(county))] * 4))
        # the facts are dated when they happened (LGT-05)
        Deduction = pool.get('sushi.assessment.deduction')
        dated = {(d.kind, str(d.origin)): d.occurred_at
            for d in Deduction.search([('score.period', '=', period.id),
                    ('score.unit', '=', county.id)])}
        self.assertEqual(dated['late_sign_in', str(a7)],
            local(2025, 3, 3, 12))
        self.assertEqual(dated['red_card', str(a3)],
            local(2025, 3, 12, 17, 30))
        self.assertEqual(dated['overdue_return', str(a5)],
            local(2025, 3, 6, 17, 30))
        self.assertEqual(dated['improper_return', str(a4)],
            local(2025, 3, 5, 9))
        del r1

        # 萧县: D1.1 no section → 2; D1.4 n = X1, X2 and A4 (dispatched,
        # returned) = 3, none reviewed: 0 % is 30 points short → −6,
        # floor 0; D2.2 two red cards → 4; D2.3 avg 16/2 = 8 against 7 →
        # 1 full day → 6 − 0.5 = 5.5; D2.5 100 % ≥ 90 → 10
        self.check(period, other, {
                'D1.1': 2, 'D1.4': 0, 'D2.1a': 2, 'D2.1b': 2, 'D2.1c': 3,
                'D2.2': 4, 'D2.3': '5.5', 'D2.4a': 6, 'D2.5': 10,
                'D3.2': 8, 'D5.2': 1,
                })
        # daily 6 + 40.5 + 12 + 6 + 8 = 72.5; × 1.25 = 90.625 → 90.63
        # (half up, not to even)
        result_other = self.result(period, other)
        self.assertEqual((result_other.daily, result_other.total),
            (D('72.5'), D('90.63')))
        # the other counties have no order: D1.4, D2.3, D2.5 leave the
        # maximum (80 − 3 − 6 − 10 = 61); D1.1 0 (nothing designated),
        # D5.2 1: 56 / 61 × 100 = 91.803 → 91.80, the three share rank 1;
        # 萧县 4th, 埇桥区 5th
        lingbi, = Unit.search([('code', '=', 'lingbi_county')])
        self.check(period, lingbi, {'D1.4': None, 'D2.3': None,
                'D2.5': None, 'D1.1': 0})
        ranks = {}
        for code in ['dangshan_county', 'lingbi_county', 'si_county']:
            unit, = Unit.search([('code', '=', code)])
            result_unit = self.result(period, unit)
            self.assertEqual((result_unit.applicable_max, result_unit.total),
                (D(61), D('91.80')), msg=code)
            ranks[code] = result_unit.rank
        self.assertEqual(set(ranks.values()), {1})
        self.assertEqual((result_other.rank, result.rank), (4, 5))

    # --- scenario 2 ------------------------------------------------------

    @with_transaction()
    def test_department_key_work_and_caps(self):
        """市城管局 (三类: key work, no expert seat) in March 2025: one
        order improperly returned twice, the second verified as
        buck-passing (RET-06: D2.1c 0 though 3 − 2 = 1), the department
        threshold of F3 (50 %) reached exactly by counting the order sent
        three times once, a level-2 case on a second order (D3.2 −2, and
        that 督办件 unreviewed −1), D2.6 below its floor, B1/B2 caps,
        the penalty cap of −5, K2 7 working days late (以上: 0), K3, K4 a
        justified missing item, §3 × 100/96; D-17 with the case's order"""
        ns = self.units()
        city = ns.city
        flow = Flow(ns)
        city_leader = self.leader(city, 'cgj_leader')
        flow.unit_staff(city, ns.city_handler, city_leader)
        flow.unit_staff(ns.county, ns.handler, ns.leader)
        other_leader = self.leader(ns.other, 'xiao_leader')
        flow.unit_staff(ns.other, ns.other_handler, other_leader)
        Assignment = flow.Assignment
        # T: 城管局 Mon 3 March 09:00 → returned (approved) → 埇桥区 14:00
        # → returned → 城管局 Tue 4 March 09:00 (improper 1) → returned →
        # 萧县 14:00 → returned → 城管局 Wed 5 March 09:00 (improper 2)
        t = create_ticket()
        c1 = flow.dispatch(t, city, (2025, 3, 3, 9))
        flow.request_return(c1, (2025, 3, 3, 10))
        flow.decide_return(c1, (2025, 3, 3, 11))
        k = flow.dispatch(t, ns.county, (2025, 3, 3, 14))
        flow.request_return(k, (2025, 3, 3, 15))
        flow.decide_return(k, (2025, 3, 3, 16))
        c2 = flow.dispatch(t, city, (2025, 3, 4, 9))
        flow.request_return(c2, (2025, 3, 4, 10))
        flow.decide_return(c2, (2025, 3, 4, 11))
        x = flow.dispatch(t, ns.other, (2025, 3, 4, 14))
        flow.request_return(x, (2025, 3, 4, 15))
        flow.decide_return(x, (2025, 3, 4, 16))
        c3 = flow.dispatch(t, city, (2025, 3, 5, 9))
        self.assertEqual([Assignment(a.id).improper_return for a in [c1, c2]],
            ['candidate', 'candidate'])
        Assignment.write([Assignment(c2.id)], {'buck_passing': True})
        with at(2025, 3, 5, 9, 30), Transaction().set_user(ns.reviewer.id):
            Assignment.confirm_improper_return(
                [Assignment(c1.id), Assignment(c2.id)])
        flow.sign(c3, (2025, 3, 5, 10))
        flow.review(c3, (2025, 3, 5, 11))
        flow.done(c3, (2025, 3, 7, 10), (2025, 3, 7, 11))       # h = 2
        flow.rate(c3, (2025, 3, 7, 12))
        # U: Thu 6 March 09:00, replied Mon 10 March (h = 2), no rating;
        # a level-2 case registered on it Tue 11 March
        u = flow.dispatch(create_ticket(), city, (2025, 3, 6, 9))
        flow.sign(u, (2025, 3, 6, 10))
        flow.done(u, (2025, 3, 10, 10), (2025, 3, 10, 11))
        case = self.supervise(u.ticket, city, 'L2', (2025, 3, 11, 9),
            'l2_media_exposure')
        with at(2025, 3, 14, 12):
            flow.Callback.deem_satisfied()
        # events, approved with evidence: five verified leaks (D2.6); B1
        # three times (+1 each, ≤ 2); B2 provincial media twice (+1) and
        # city media once (+0.5) = 2.5 (≤ 2); B3 once (+0.5); P1 three
        # times, P3 twice, P4 twice (−1 each) = −7 (≤ −5); K2 7 working
        # days late; K3a and K3h not done
        for _ in range(5):
            self.event(city, 'D2.6', 1)
        for day in [3, 4, 5]:
            self.event(city, 'B1', 1, date=dt.date(2025, 3, day))
        for amount in ['1', '0.5', '1']:
            self.event(city, 'B2', amount)
        self.event(city, 'B3', '0.5')
        for item, times in [('P1', 3), ('P3', 2), ('P4', 2)]:
            for _ in range(times):
                self.event(city, item, 1)
        # and P1 on U itself, the order of the level-2 case (D-17)
        self.event(city, 'P1', 1, ticket=u.ticket.id)
        self.event(city, 'K2', 0, quantity=7)
        self.event(city, 'K3a', '0.5')
        self.event(city, 'K3h', 1)

        period = self.compute()
        # D1.1 a deputy leader and staff, no section → 2
        # D1.4 (F3, department 50 %): n = T (dispatched three times: one
        #   order) and U = 2; r = T = 1 → 50 %: not below → d1 = 0; U is a
        #   督办件 (the level-2 case) not reviewed → −1 → 2
        # D2.1a all signed in time → 2; D2.1b returns in time, approved →
        #   2; D2.1c −1 −1 on the same order, the second verified as
        #   buck-passing → 0 (RET-06), not 1
        # D2.2 → 5; D2.3 avg (2 + 2) / 2 = 2 < 7 → 6; D2.5 2 orders, none
        #   dissatisfied → 100 % = category mean → 10; D2.6 4 − 5 → 0
        # D3.2 level 2 → 8 − 2 = 6; D5.2 → 1
        self.check(period, city, {
                'D1.1': 2, 'D1.4': 2, 'D2.1a': 2, 'D2.1b': 2, 'D2.1c': 0,
                'D2.2': 5, 'D2.3': 6, 'D2.5': 10, 'D2.6': 0, 'D3.2': 6,
                'D5.2': 1, 'K1': 5, 'K2': 0, 'K3': '4.5', 'K4': None,
                'B1': 2, 'B2': 2, 'B3': '0.5', 'P1': -4, 'P3': -2,
                'P4': -2,
                })
        Score = Pool().get('sushi.assessment.score')
        d21c, = Score.search([('period', '=', period.id),
                ('unit', '=', city.id), ('item', '=', 'D2.1c')])
        self.assertTrue(d21c.zeroed)
        self.assertEqual(sorted(str(d.origin) for d in d21c.deductions),
            sorted([str(c1), str(c2)]))
        d14 = [d for d in self.deductions(period, city) if d[0] == 'D1.4']
        self.assertEqual(d14, [('D1.4', 'not_reviewed', D(1), str(u))])
        self.assertIn(('D3.2', 'supervision', D(2), str(case)),
            self.deductions(period, city))
        # daily: D1 2 + 2 + 2 + 2 = 8; D2 2 + 2 + 0 + 5 + 6 + 6 + 3 + 1
        # + 10 + 0 = 35; D3 4 + 6 = 10; D4 6; D5 4 + 1 + 3 = 8 → 67
        # key 5 + 0 + 4.5 = 9.5 of 16 (K4 missing)
        # A = min(5, 2 + 2 + 0.5) − min(5, 8) = 4.5 − 5 = −0.5
        # total (67 + 9.5) × 100 / 96 − 0.5 = 79.6875 − 0.5 = 79.1875
        # → 79.19
        result = self.result(period, city)
        self.assertEqual((result.daily, result.key, result.additional,
                result.applicable_max, result.total),
            (D(67), D('9.5'), D('-0.5'), D(96), D('79.19')))
        # D-17 switched on: the P1 on U, whose level-2 case already costs
        # D3.2 −2, is not counted again: P1 −3; A still −0.5 (7 ≥ 5)
        Config = Pool().get('sushi.assessment.configuration')
        config = Config(1)
        config.no_double_count_penalty_vs_escalation = True
        config.save()
        period = self.compute()
        self.check(period, city, {'P1': -3, 'D3.2': 6})
        self.assertEqual(self.result(period, city).total, D('79.19'))

    # --- scenario 3 ------------------------------------------------------

    @with_transaction()
    def test_quarter_and_year_aggregation(self):
        """SCORING §4 (D-21 cumulative): Q1 2025 of 埇桥区 and 萧县 with
        orders in January and March (埇桥区 none in February): event items
        accumulate over the quarter, D2.3 is the mean of the months in
        which it applies, D2.5 one quarterly rate, D2.5 floored at 0 in
        February (quarter to date) while D1.4 and D2.3 do not apply there
        (no order); the year equals the quarter; ranks share ties"""
        ns, county, other, flow = self.two_counties()
        # January (1 January a holiday; Mon 6 January): J1, J2 to 埇桥区
        # 09:00, due Wed 15 January 17:30; J1 signed 18:00 (late, dated
        # 17:30); both replied Thu 16 January → two red cards; h = 7…10,
        # 13…16 January = 8 each; J1: second evaluation dissatisfied
        # after an explanation
        j1 = flow.dispatch(create_ticket(), county, (2025, 1, 6, 9))
        flow.sign(j1, (2025, 1, 6, 18))
        j2 = flow.dispatch(create_ticket(), county, (2025, 1, 6, 9))
        flow.sign(j2, (2025, 1, 6, 10))
        flow.done(j1, (2025, 1, 16, 10), (2025, 1, 16, 11))
        flow.done(j2, (2025, 1, 16, 10, 30), (2025, 1, 16, 11))
        flow.rate(j1, (2025, 1, 17, 9), 'dissatisfied', reason='积水仍在',
            clear=True)
        flow.verify(j1, (2025, 1, 17, 10), 'explain',
            explanation='管网改造需纳入年度计划')
        flow.rate(j1, (2025, 1, 20, 9), 'dissatisfied', reason='仍未解决',
            clear=True)
        flow.rate(j2, (2025, 1, 17, 9))
        # J3 to 萧县 6 January, replied Wed 8 January (h = 2)
        j3 = flow.dispatch(create_ticket(), other, (2025, 1, 6, 9))
        flow.sign(j3, (2025, 1, 6, 10))
        flow.done(j3, (2025, 1, 8, 10), (2025, 1, 8, 11))
        flow.rate(j3, (2025, 1, 8, 12))
        # February: F1 to 萧县 Mon 10 February, replied 12 February (h = 2)
        f1 = flow.dispatch(create_ticket(), other, (2025, 2, 10, 9))
        flow.sign(f1, (2025, 2, 10, 10))
        flow.done(f1, (2025, 2, 12, 10), (2025, 2, 12, 11))
        flow.rate(f1, (2025, 2, 12, 12))
        # March: M1 to 埇桥区 Mon 3 March, signed 18:00 (late), replied
        # Fri 14 March (due 12 March: red card; h = 9); M2 to 萧县, h = 2
        m1 = flow.dispatch(create_ticket(), county, (2025, 3, 3, 9))
        flow.sign(m1, (2025, 3, 3, 18))
        flow.done(m1, (2025, 3, 14, 10), (2025, 3, 14, 11))
        flow.rate(m1, (2025, 3, 14, 12))
        m2 = flow.dispatch(create_ticket(), other, (2025, 3, 3, 9))
        flow.sign(m2, (2025, 3, 3, 10))
        flow.done(m2, (2025, 3, 5, 10), (2025, 3, 5, 11))
        flow.rate(m2, (2025, 3, 5, 12))

        quarter = self.compute('quarter')
        # 埇桥区 over the quarter:
        # D1.4 n = J1, J2, M1 = 3, none reviewed → −6 → floor 0
        # D2.1a J1, M1 late → 2 − 1 = 1 (accumulated)
        # D2.2 J1, J2, M1 red cards → 5 − 1.5 = 3.5
        # D2.3 January: counties pooled (8 + 8 + 2) / 3 = 6 → base 7; avg 8
        #   → 1 full day → 5.5; February: no completion, not counted;
        #   March: pooled (9 + 2) / 2 = 5.5 → base 7; avg 9 → 2 days → 5;
        #   mean (5.5 + 5) / 2 = 5.25
        # D2.5 Q1: J1, J2, M1 = 3, one second dissatisfied → 66.67 %;
        #   萧县 3 of 3 → 100 %; mean 83.33: 16.67 below, 16 full points →
        #   10 − 8 = 2
        self.check(quarter, county, {
                'D1.4': 0, 'D2.1a': 1, 'D2.2': '3.5', 'D2.3': '5.25',
                'D2.5': 2, 'D1.1': 3, 'D5.2': 1,
                })
        # daily: D1 3 + 2 + 2 + 0 = 7; D2 1 + 2 + 3 + 3.5 + 5.25 + 6 + 3
        # + 1 + 2 + 4 = 30.75; D3 12; D4 6; D5 8 → 63.75; × 1.25 =
        # 79.6875 → 79.69
        result = self.result(quarter, county)
        self.assertEqual((result.daily, result.total),
            (D('63.75'), D('79.69')))
        # 萧县: D1.1 2 (no section); D1.4 n = 3, r = 0 → 0; D2.3 each month
        # avg 2 < 7 → 6; D2.5 100 % → 10. Daily 6 + 42 + 12 + 6 + 8 = 74
        # → 92.50; the three counties without orders 91.80 share rank 2
        self.check(quarter, other, {'D1.1': 2, 'D1.4': 0, 'D2.3': 6,
                'D2.5': 10})
        result_other = self.result(quarter, other)
        self.assertEqual((result_other.total, result_other.rank),
            (D('92.50'), 1))
        Unit = Pool().get('sushi.unit')
        for code in ['dangshan_county', 'lingbi_county', 'si_county']:
            unit, = Unit.search([('code', '=', code)])
            self.assertEqual((self.result(quarter, unit).total,
                    self.result(quarter, unit).rank), (D('91.80'), 2))
        self.assertEqual(result.rank, 5)

        # the year: the same facts, D2.3 over its applicable months (5.25),
        # D2.5 over its applicable quarters (Q1: 2) → the same total
        year = self.compute('year', dt.date(2025, 1, 1))
        self.check(year, county, {'D2.3': '5.25', 'D2.5': 2, 'D2.2': '3.5'})
        self.assertEqual(self.result(year, county).total, D('79.69'))

        # February: 埇桥区 has no order (D1.4 and D2.3 are 合理缺项), but
        # D2.5 is the quarter to date: J1, J2 → 50 %; 萧县 J3, F1 → 100 %;
        # mean 75: 25 points below → −12.5 → floor 0.  Applicable maximum
        # 80 − 3 − 6 = 71; earned 71 − 10 (D2.5) − 2 (D5.2) = 59;
        # 59 / 71 × 100 = 83.098… → 83.10
        # an objection upheld against March's D2.3 deduction of the
        # published quarter: March scores 6, the quarter's D2.3 the mean
        # (5.5 + 6) / 2 = 5.75 (not 5.25 + 1); daily 64.25 × 1.25 =
        # 80.3125 → 80.31
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Deduction = pool.get('sushi.assessment.deduction')
        Objection = pool.get('sushi.assessment.objection')
        with at(2025, 4, 3, 10):
            Period.publish([quarter])
        march, = Deduction.search([('score.period', '=', quarter.id),
                ('score.unit', '=', county.id), ('score.item', '=', 'D2.3'),
                ('occurred_at', '>=', local(2025, 3, 1))])
        self.assertEqual(march.amount, D(1))
        with at(2025, 4, 7, 10), Transaction().set_user(ns.handler.id), \
                Transaction().set_context(_check_access=True):
            objection, = Objection.create([{'deduction': march.id,
                        'reason': '三月工单系平台延迟派发'}])
        objection.decision_reason = '经核实属实'
        objection.save()
        Objection.cancel_deduction([objection])
        self.check(quarter, county, {'D2.3': '5.75'})
        self.assertEqual(self.result(quarter, county).total, D('80.31'))

        february = self.compute('month', dt.date(2025, 2, 1))
        self.check(february, county, {'D1.4': None, 'D2.3': None,
                'D2.5': 0, 'D2.1a': 2, 'D2.2': 5})
        result = self.result(february, county)
        self.assertEqual((result.applicable_max, result.total),
            (D(71), D('83.10')))
