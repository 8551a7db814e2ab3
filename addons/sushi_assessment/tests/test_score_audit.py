# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A second independent check of the monthly assessment (附件5, SCORING.md)
by hand: April 2025, a month with two holidays at its edges — 清明 (Fri 4
April; 5–6 April a weekend), 劳动节 (1–5 May) and its make-up working day
(Sun 27 April) — and the facts that come after the month.  Every expected
score is worked out with a pencil from the rules; the arithmetic is in the
comments with the rule IDs.

April 2025 working days: 1–3, 7–11, 14–18, 21–25, 27–30; May: 6 onward."""
import datetime as dt
import unittest
from decimal import Decimal as D

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, create_ticket, local)

from . import test_audit
from .test_assessment import AssessmentCases, Facts, attach


class ScoreAuditTestCase(DBTestCase, unittest.TestCase):
    "Hand-computed scores of April 2025 and the P3 candidates"
    module = 'sushi_assessment'

    units = AssessmentCases.units
    event = AssessmentCases.event
    points = AssessmentCases.points
    result = AssessmentCases.result
    # the audit's helpers (its test case itself is not imported here, so
    # that its tests do not run twice)
    leader = test_audit.AuditTestCase.leader
    supervise = test_audit.AuditTestCase.supervise
    deductions = test_audit.AuditTestCase.deductions
    check = test_audit.AuditTestCase.check

    def compute(self, when, kind='month', date=dt.date(2025, 4, 1)):
        "Compute the period at the wall-clock time when."
        Period = Pool().get('sushi.assessment.period')
        period = Period.get_or_create(kind, date)
        with at(*when):
            Period.compute([period])
        return period

    def snapshot(self, period):
        "Every deduction and score of the period, comparable."
        pool = Pool()
        Deduction = pool.get('sushi.assessment.deduction')
        Score = pool.get('sushi.assessment.score')
        return (sorted((d.score.unit.id, d.score.item, d.kind, d.amount,
                    str(d.origin), d.occurred_at)
                for d in Deduction.search([
                        ('score.period', '=', period.id)])),
            sorted((s.unit.id, s.item, s.points, s.applicable)
                for s in Score.search([('period', '=', period.id)])))

    # --- scenario 1 ------------------------------------------------------

    @with_transaction()
    def test_april_around_the_holidays(self):
        """埇桥区 and 萧县 (counties) in April 2025 through the workflow:
        SGN-02 an afternoon sign-in carried over 清明 (in time) and over
        劳动节 (late, a May fact), SGN-01 a morning order of 30 April signed
        in May (an April fact), the make-up Sunday counted as a working
        day (CONV-08), a yellow light without red card (LGT-03: nothing),
        red cards (LGT-02), an order re-assigned from 萧县 to 埇桥区 after
        a valid return (nothing for 萧县, 埇桥区's order in F1), a return
        without valid reason (RET-04), a late co-unit letter (D4.3), a
        level-1 case on an unreviewed 督办件 (D3.2, D1.4), F3 exactly one
        step of 5 below 30 %, a B2 city-media bonus, a D2.6 leak entered
        in May dated in April; recomputing gives the same rows, and the
        second rating of an April order arriving on 7 May moves April's
        D2.5 (F1: the order's quarter)"""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Callback = pool.get('sushi.ticket.callback')
        Unit = pool.get('sushi.unit')
        Topic = pool.get('sushi.consultation.topic')
        Letter = pool.get('sushi.consultation.letter')
        Fact = pool.get('sushi.consultation.fact')
        ns = self.units()
        county, other = ns.county, ns.other
        flow = test_audit.Flow(ns)
        flow.unit_staff(county, ns.handler, ns.leader)
        flow.unit_staff(other, ns.other_handler,
            self.leader(other, 'xiao_leader'))

        # X1 (萧县): Tue 1 April 09:00, due after 7 working days (CONV-05:
        # 2, 3, 7, 8, 9, 10, 11) Fri 11 April 17:30; reviewed by its
        # leader; replied Thu 17 April → red card dated 11 April 17:30;
        # h = 2, 3, 7…11, 14…17 = 11
        x1 = flow.dispatch(create_ticket(), other, (2025, 4, 1, 9))
        flow.sign(x1, (2025, 4, 1, 10))
        flow.review(x1, (2025, 4, 1, 11))
        # X2 (萧县): Wed 2 April 09:00, return asked 10:00 (in time) and
        # rejected for no valid reason (RET-04: −0.5 dated at the
        # decision); due (3, 7…11, 14) Mon 14 April 17:30; replied Wed 16
        # April → red card dated 14 April 17:30; h = 3, 7…11, 14…16 = 9
        x2 = flow.dispatch(create_ticket(), other, (2025, 4, 2, 9))
        flow.sign(x2, (2025, 4, 2, 9, 30))
        flow.review(x2, (2025, 4, 2, 9, 45))
        flow.request_return(x2, (2025, 4, 2, 10))
        flow.decide_return(x2, (2025, 4, 2, 11), approve=False)

        # E9 spans the month end: Mon 24 March 09:00, due (25…28, 31, 1,
        # 2) Wed 2 April 17:30, replied 2 April 10:00 in time (h = 25…28,
        # 31, 1, 2 = 7): March's in D1.4, April's in D2.3 and D2.5
        e9 = flow.dispatch(create_ticket(), county, (2025, 3, 24, 9))
        flow.sign(e9, (2025, 3, 24, 10))
        flow.done(e9, (2025, 4, 2, 10), (2025, 4, 2, 11))
        flow.rate(e9, (2025, 4, 2, 12))

        # E1: Thu 3 April 09:00 (morning: sign by 17:30), signed 09:30,
        # reviewed; due (7…11, 14, 15) Tue 15 April 17:30; replied Wed 16
        # April 10:00 → red card dated 15 April 17:30; h = 7…11, 14…16 = 8
        e1 = flow.dispatch(create_ticket(), county, (2025, 4, 3, 9))
        flow.sign(e1, (2025, 4, 3, 9, 30))
        flow.review(e1, (2025, 4, 3, 10))
        # E2: Thu 3 April 15:00 (afternoon: SGN-02 "下一个工作日上午12点",
        # the next working day after 清明 and the weekend is Mon 7 April)
        # signed Mon 7 April 11:00: in time; replied Thu 10 April (h = 7,
        # 8, 9, 10 = 4; 4 April is a holiday); first "dissatisfied" with a
        # clear reason, explained (no defect), second "dissatisfied" Mon 14
        # April: one D2 (F1)
        e2 = flow.dispatch(create_ticket(), county, (2025, 4, 3, 15))
        flow.sign(e2, (2025, 4, 7, 11))
        self.assertFalse(Assignment(e2.id).late_sign_in)
        flow.done(e2, (2025, 4, 10, 10), (2025, 4, 10, 11))
        flow.rate(e2, (2025, 4, 10, 12), 'dissatisfied', reason='路面仍破损',
            clear=True)
        flow.verify(e2, (2025, 4, 11, 9), 'explain',
            explanation='路面修复需待雨季后施工')
        flow.rate(e2, (2025, 4, 14, 9), 'dissatisfied', reason='仍未修复',
            clear=True)
        # E3: Mon 7 April 09:00, due (8…11, 14…16) Wed 16 April 17:30
        e3 = flow.dispatch(create_ticket(), county, (2025, 4, 7, 9))
        flow.sign(e3, (2025, 4, 7, 9, 30))
        # E6, re-assigned between units: to 萧县 Mon 7 April 09:00, its
        # return in time approved (valid: nothing for 萧县); to 埇桥区 Tue
        # 8 April 09:00, reviewed; replied Mon 14 April (h = 9, 10, 11, 14
        # = 4); the requester answers the rating SMS "基本满意": satisfied
        t6 = create_ticket(requester_phone='13905572222')
        x6 = flow.dispatch(t6, other, (2025, 4, 7, 9))
        flow.request_return(x6, (2025, 4, 7, 10))
        flow.decide_return(x6, (2025, 4, 7, 11))
        e6 = flow.dispatch(t6, county, (2025, 4, 8, 9))
        flow.sign(e6, (2025, 4, 8, 9, 30))
        flow.review(e6, (2025, 4, 8, 10))
        flow.done(e6, (2025, 4, 14, 10), (2025, 4, 14, 11))
        with at(2025, 4, 14, 12):
            Callback.record_sms_answer('13905572222', '基本满意')
        self.assertEqual(flow.Ticket(t6.id).first_evaluation, 'satisfied')
        # D4.3: a letter of 萧县 (co-unit of a topic 埇桥区 leads) due Thu
        # 10 April 17:30 comes on the 14th: −0.5 dated at the due time
        topic, = Topic.create([{'title': '汴河路片区道路修复',
                    'source': 'office', 'lead_unit': county.id}])
        letter, = Letter.create([{'topic': topic.id, 'unit': other.id,
                    'requested_at': local(2025, 4, 8, 9),
                    'due_at': local(2025, 4, 10, 17, 30)}])
        with at(2025, 4, 14, 9):
            letter_fact, = Fact.record_letters([letter])

        flow.done(x2, (2025, 4, 16, 10), (2025, 4, 16, 11))
        flow.rate(x2, (2025, 4, 16, 12))
        flow.done(e1, (2025, 4, 16, 10), (2025, 4, 16, 11))
        flow.rate(e1, (2025, 4, 16, 12))
        # E3 at noon of its last day: yellow (LGT-03), not red; replied
        # 15:00 in time (h = 8…11, 14…16 = 7): no deduction
        with at(2025, 4, 16, 12):
            Assignment.sweep()
        self.assertEqual(Assignment(e3.id).light, 'yellow')
        flow.done(e3, (2025, 4, 16, 15), (2025, 4, 16, 16))
        flow.rate(e3, (2025, 4, 16, 17))
        flow.done(x1, (2025, 4, 17, 10), (2025, 4, 17, 11))
        flow.rate(x1, (2025, 4, 17, 12))
        # B2: a city-media report of 埇桥区's practice (+0.5)
        self.event(county, 'B2', '0.5', date=dt.date(2025, 4, 15))
        # E7: Mon 21 April 09:00, replied Mon 28 April (h = 22…25, Sun
        # 27 (make-up working day), 28 = 6); first "dissatisfied" with a
        # clear reason 29 April, explained; its second rating comes on 7
        # May (below)
        e7 = flow.dispatch(create_ticket(), county, (2025, 4, 21, 9))
        flow.sign(e7, (2025, 4, 21, 9, 30))
        flow.done(e7, (2025, 4, 28, 10), (2025, 4, 28, 11))
        flow.rate(e7, (2025, 4, 29, 9), 'dissatisfied', reason='噪音仍在',
            clear=True)
        flow.verify(e7, (2025, 4, 29, 10), 'explain',
            explanation='施工许可期内夜间作业')
        # E8: Tue 22 April 09:00, a level-1 case registered 11:00 (D3.2
        # −1), a 督办件 no leader reviews (D1.4 −1); the principal signs
        # the reply (RPL-04) Thu 24 April (h = 23, 24 = 2)
        e8 = flow.dispatch(create_ticket(), county, (2025, 4, 22, 9))
        flow.sign(e8, (2025, 4, 22, 9, 30))
        case = self.supervise(e8.ticket, county, 'L1', (2025, 4, 22, 11),
            'l1_not_handled')
        flow.done(e8, (2025, 4, 24, 10), (2025, 4, 24, 11),
            leader=ns.principal)
        flow.rate(e8, (2025, 4, 24, 12))
        # E4: Wed 30 April 10:00 (morning: sign by 17:30), signed Tue 6
        # May 09:00 → late, dated 30 April 17:30: an April fact
        e4 = flow.dispatch(create_ticket(), county, (2025, 4, 30, 10))
        # E5: Wed 30 April 15:00 (afternoon: sign by the next working day
        # 12:00 = Tue 6 May, after 劳动节), signed 6 May 13:00 → late,
        # dated 6 May 12:00: a May fact
        e5 = flow.dispatch(create_ticket(), county, (2025, 4, 30, 15))
        # the sweep of the holiday night flags E4 (not E5, whose deadline
        # is 6 May); April computed on 1 May, before the leak below is
        # known and E7's second rating comes:
        with at(2025, 5, 1, 0, 10):
            Assignment.sweep()
        early = self.compute((2025, 5, 1, 9))
        # D2.1a 1.5 (E4), D2.6 4; D2.5 (F1) N = E9, E1, E2, E3, E6, E7,
        #   E8 = 7, D2 = E2 → 6/7 = 85.71 %; 萧县 100 %; mean 13/14 =
        #   92.86: 1/14 = 7.14 points below, 7 full → 10 − 3.5 = 6.5
        # daily 69.5 + 1 (D2.6 not yet deducted) = 70.5 → 88.125 + 0.5 =
        # 88.625 → 88.63 (half up)
        self.check(early, county, {'D2.1a': '1.5', 'D2.6': 4, 'D2.5': '6.5'})
        self.assertEqual(self.result(early, county).total, D('88.63'))
        flow.sign(e4, (2025, 5, 6, 9))
        flow.sign(e5, (2025, 5, 6, 13))
        self.assertEqual(
            [Assignment(a.id).late_sign_in_at for a in [e4, e5]],
            [local(2025, 4, 30, 17, 30), local(2025, 5, 6, 12)])
        # D2.6: a verified leak of 28 April, entered on 6 May (SCORING
        # §6.3): booked on the day it happened
        with at(2025, 5, 6, 9):
            leak = self.event(county, 'D2.6', 1, date=dt.date(2025, 4, 28))

        april = self.compute((2025, 5, 6, 10))
        # 埇桥区, by hand:
        # D1.1 deputy, section, staff → 3
        # D1.4 (F3) n = E1…E8 dispatched in April = 8 (E9 is March's;
        #   E6 once: its first dispatch was 萧县's); r = E1, E6 = 2 → 25 %: 5 points
        #   below 30, one full step → −1; E8 督办件 not reviewed → −1 → 1
        # D2.1a E4 late (E2 in time after 清明; E5's lateness is May's)
        #   → 2 − 0.5 = 1.5
        # D2.1b, D2.1c → 2, 3
        # D2.2 E1 red card (E3 only yellow) → 5 − 0.5 = 4.5
        # D2.3 (F2) complaints (limit 7) completed in April: E9 7, E1 8,
        #   E2 4, E3 7, E6 4, E7 6, E8 2 = 38 / 7 = 5.43; counties pooled
        #   (38 + 11 + 9) / 9 = 6.44 → base max(6.44, 7) = 7: not above
        #   → 6
        # D2.4a no defect → 6; D2.4b all signed off → 3; D2.4c → 1
        # D2.5 (F1) Q2 to date: N = E9, E1, E2, E3, E6, E7, E8 = 7,
        #   second dissatisfied E2 = 1 (E7's second rating not yet) → 6/7
        #   = 85.71 %; 萧县 2 of 2 → 100 %; mean 92.86: 7.14 below, 7 full
        #   points → 10 − 3.5 = 6.5
        # D2.6 one leak → 3; D3.1 → 4; D3.2 level 1 → 7; D4 → 1, 3, 2
        # D5.1 → 4; D5.2 no entry, 4 categories, −2 at most → 1; D5.3 → 3
        expected = {
            'D1.1': 3, 'D1.2': 2, 'D1.3': 2, 'D1.4': 1,
            'D2.1a': '1.5', 'D2.1b': 2, 'D2.1c': 3, 'D2.2': '4.5',
            'D2.3': 6, 'D2.4a': 6, 'D2.4b': 3, 'D2.4c': 1, 'D2.5': '6.5',
            'D2.6': 3, 'D3.1': 4, 'D3.2': 7, 'D4.1': 1, 'D4.2': 3,
            'D4.3': 2, 'D5.1': 4, 'D5.2': 1, 'D5.3': 3,
            'K1': None, 'K2': None, 'K3': None, 'K4': None,
            'B1': 0, 'B2': '0.5', 'B3': 0, 'P1': 0, 'P2': 0, 'P3': 0,
            }
        self.check(april, county, expected)
        # daily D1 3 + 2 + 2 + 1 = 8; D2 1.5 + 2 + 3 + 4.5 + 6 + 6 + 3
        # + 1 + 6.5 + 3 = 36.5; D3 4 + 7 = 11; D4 6; D5 4 + 1 + 3 = 8 →
        # 69.5; A = +0.5; total 69.5 × 100 / 80 + 0.5 = 86.875 + 0.5 =
        # 87.375 → 87.38 (half up)
        result = self.result(april, county)
        self.assertEqual((result.daily, result.key, result.additional,
                result.applicable_max, result.total),
            (D('69.5'), D(0), D('0.5'), D(80), D('87.38')))
        # every deduction points at the record that caused it
        leak_event = pool.get('sushi.assessment.event')(leak.id)
        b2, = pool.get('sushi.assessment.event').search([
                ('item', '=', 'B2'), ('unit', '=', county.id)])
        self.assertEqual(self.deductions(april, county), sorted([
                    ('B2', 'event', D('-0.5'), str(b2)),
                    ('D1.4', 'formula', D(1), str(april)),
                    ('D1.4', 'not_reviewed', D(1), str(e8)),
                    ('D2.1a', 'late_sign_in', D('0.5'), str(e4)),
                    ('D2.2', 'red_card', D('0.5'), str(e1)),
                    ('D2.5', 'formula', D('3.5'), str(april)),
                    ('D2.6', 'event', D(1), str(leak_event)),
                    ('D3.2', 'supervision', D(1), str(case)),
                    ] + [('D5.2', 'knowledge_category', D('0.5'),
                        str(county))] * 4))
        Deduction = pool.get('sushi.assessment.deduction')
        dated = {(d.kind, str(d.origin)): d.occurred_at
            for d in Deduction.search([('score.period', '=', april.id),
                    ('score.unit', '=', county.id)])}
        self.assertEqual(dated['late_sign_in', str(e4)],
            local(2025, 4, 30, 17, 30))
        self.assertEqual(dated['red_card', str(e1)],
            local(2025, 4, 15, 17, 30))
        self.assertEqual(dated['event', str(leak_event)],
            local(2025, 4, 28))

        # 萧县, by hand:
        # D1.1 deputy and staff, no section → 2
        # D1.4 n = X1, X2, X6 (E6's first dispatch) = 3; r = X1, X2 = 2 →
        #   66.7 % ≥ 30 → 3
        # D2.1a all in time → 2; D2.1b X2 no valid reason → 1.5 (X6's
        #   approved return costs nothing); D2.1c → 3
        # D2.2 X1, X2 red cards → 4
        # D2.3 avg (11 + 9) / 2 = 10 against base 7 → 3 full days → −1.5
        #   → 4.5
        # D2.5 100 % ≥ 92.86 → 10
        # D4.3 the late letter → 2 − 0.5 = 1.5
        self.check(april, other, {
                'D1.1': 2, 'D1.4': 3, 'D2.1a': 2, 'D2.1b': '1.5',
                'D2.1c': 3, 'D2.2': 4, 'D2.3': '4.5', 'D2.4a': 6,
                'D2.4b': 3, 'D2.4c': 1, 'D2.5': 10, 'D2.6': 4, 'D3.2': 8,
                'D4.3': '1.5', 'D5.2': 1,
                })
        self.assertEqual(self.deductions(april, other), sorted([
                    ('D1.1', 'designation', D(1), str(other)),
                    ('D2.1b', 'no_valid_reason', D('0.5'), str(x2)),
                    ('D2.2', 'red_card', D('0.5'), str(x1)),
                    ('D2.2', 'red_card', D('0.5'), str(x2)),
                    ('D2.3', 'formula', D('1.5'), str(april)),
                    ('D4.3', 'consultation', D('0.5'), str(letter_fact)),
                    ] + [('D5.2', 'knowledge_category', D('0.5'),
                        str(other))] * 4))
        # daily D1 2 + 2 + 2 + 3 = 9; D2 2 + 1.5 + 3 + 4 + 4.5 + 6 + 3 + 1
        # + 10 + 4 = 39; D3 12; D4 1 + 3 + 1.5 = 5.5; D5 8 → 73.5;
        # × 1.25 = 91.875 → 91.88 (half up)
        result_other = self.result(april, other)
        self.assertEqual((result_other.daily, result_other.total),
            (D('73.5'), D('91.88')))
        # (the pooled base of 萧县's D2.3 is 7 either way)
        # the three counties without orders: D1.4, D2.3, D2.5 合理缺项
        # (80 − 19 = 61), D1.1 0, D5.2 1: 56 / 61 × 100 = 91.80, sharing
        # rank 2 behind 萧县; 埇桥区 5th
        for code in ['dangshan_county', 'lingbi_county', 'si_county']:
            unit, = Unit.search([('code', '=', code)])
            result_unit = self.result(april, unit)
            self.assertEqual((result_unit.applicable_max, result_unit.total,
                    result_unit.rank), (D(61), D('91.80'), 2), msg=code)
        self.assertEqual((result_other.rank, result.rank), (1, 5))

        # reproducibility: the same facts computed again (later) give the
        # same rows, deduction by deduction with their dates
        first = self.snapshot(april)
        self.compute((2025, 5, 6, 18))
        self.assertEqual(self.snapshot(april), first)

        # May holds E5's late sign-in (6 May 12:00), not E4's nor the leak
        may = self.compute((2025, 6, 3, 9), date=dt.date(2025, 5, 1))
        self.assertEqual([d for d in self.deductions(may, county)
                if d[0] in {'D2.1a', 'D2.6'}],
            [('D2.1a', 'late_sign_in', D('0.5'), str(e5))])

        # E7's second rating arrives on Wed 7 May: "dissatisfied".  F1
        # counts the orders completed in the quarter whose second
        # evaluation is dissatisfied: E7 was completed in April, so
        # April (Q2 to date) now has D2 = 2: 5/7 = 71.43 %; mean with
        # 萧县's 100 % 6/7 = 85.71: 1/7 = 14.29 below, 14 full points →
        # 10 − 7 = 3; daily 69.5 − 3.5 = 66 → 82.5 + 0.5 = 83.00
        flow.rate(e7, (2025, 5, 7, 9), 'dissatisfied', reason='仍有噪音',
            clear=True)
        april = self.compute((2025, 5, 7, 10))
        self.check(april, county, {'D2.5': 3})
        self.assertEqual(self.result(april, county).total, D('83.00'))
        self.assertEqual(self.result(april, other).total, D('91.88'))

    # --- scenario 2 ------------------------------------------------------

    def closed_order(self, f, unit):
        "An order of unit, closed and archived in March."
        order = f.order(unit).ticket
        f._update(f.Ticket, order, {'state': 'archived',
                'lead_unit': unit.id})
        return order

    def repeat(self, f, original, day, **values):
        "A request of day April repeating original (SCP-04)."
        ticket = create_ticket()
        f._update(f.Ticket, ticket, {'repeat_of': original.id,
                'received_at': local(2025, 4, day, 10), **values})
        return ticket

    @with_transaction()
    def test_repeat_complaints_p3(self):
        """P3 (附件5 四(三)2(3)) and ACC-04 (附件2 四(八)4) read the same
        fact, a repeat complaint after closure: by default only a repeat
        accepted as a new order (SCP-04 c) is proposed, as ACC-04 proposes
        it — not a draft intake, nor one refused as lawfully closed (SCP-04
        b) — and once per closed order (每件扣1分); `repeat_candidates` =
        any also proposes the draft; an approved P3 costs 1 point (§2.3)"""
        pool = Pool()
        Event = pool.get('sushi.assessment.event')
        Configuration = pool.get('sushi.assessment.configuration')
        Accountability = pool.get('sushi.accountability')
        ns = self.units()
        f = Facts()
        county, other = ns.county, ns.other
        o1 = self.closed_order(f, county)
        o2 = self.closed_order(f, county)
        o3 = self.closed_order(f, other)
        # R1 repeats O1 on 8 April, still a draft intake (undecided)
        r1 = self.repeat(f, o1, 8)
        self.assertEqual(r1.state, 'draft')
        # R2 and R3 repeat O2 on 9 and 10 April, accepted as new orders
        r2 = self.repeat(f, o2, 9, state='dispatched')
        r3 = self.repeat(f, o2, 10, state='accepted')
        # R4 repeats O3, refused: closed lawfully, same facts (SCP-04 b)
        self.repeat(f, o3, 11, state='rejected',
            disposal='rejected_repeat')

        with at(2025, 5, 6, 9):
            proposed = [e for e in Event.propose(dt.date(2025, 4, 1),
                    dt.date(2025, 4, 30)) if e.item == 'P3']
        # one candidate: O2, dated at its first repeat (9 April)
        self.assertEqual([(e.unit, e.ticket, e.date, e.amount, e.state)
                for e in proposed],
            [(county, o2, dt.date(2025, 4, 9), D(1), 'draft')])
        # ACC-04 reads the same repeats (not R1, not R4): one candidate
        # per repeat request, the accountability of each
        with at(2025, 5, 6, 9):
            Accountability.propose()
        acc04 = Accountability.search([
                ('case_type', '=', 'acc04_falsification')])
        self.assertEqual(sorted(a.key for a in acc04),
            sorted([f'acc04_falsification:{r2.id}',
                    f'acc04_falsification:{r3.id}']))

        # the other reading: every repeat not refused, the draft included;
        # O2 is not proposed again (its candidate is pending)
        config = Configuration(1)
        config.repeat_candidates = 'any'
        config.save()
        with at(2025, 5, 6, 10):
            more = [e for e in Event.propose(dt.date(2025, 4, 1),
                    dt.date(2025, 4, 30)) if e.item == 'P3']
        self.assertEqual([(e.ticket, e.date) for e in more],
            [(o1, dt.date(2025, 4, 8))])
        # verified as fake handling (evidence attached): P3 −1, dated at
        # the repeat; O1's candidate rejected (new facts)
        p3, = proposed
        attach(p3)
        Event.approve([p3])
        Event.reject(more)
        period = self.compute((2025, 5, 7, 9))
        # 埇桥区 has no order dispatched or completed in April: D1.4,
        # D2.3, D2.5 are 合理缺项 (80 − 19 = 61); D5.2 1 → earned 59;
        # A = −1: 59 / 61 × 100 − 1 = 96.721… − 1 = 95.72
        self.check(period, county, {'P3': -1, 'D1.4': None, 'D2.3': None,
                'D2.5': None, 'D5.2': 1})
        self.assertEqual([d for d in self.deductions(period, county)
                if d[0] == 'P3'], [('P3', 'event', D(1), str(p3))])
        result = self.result(period, county)
        self.assertEqual((result.daily, result.additional, result.total),
            (D(59), D(-1), D('95.72')))
        # a later repeat of O1 (rejected candidate) is proposed again; O2
        # (approved) is not: one deduction per order
        self.repeat(f, o1, 25, state='accepted')
        self.repeat(f, o2, 25, state='accepted')
        config.repeat_candidates = 'accepted'
        config.save()
        with at(2025, 5, 6, 11):
            last = [e for e in Event.propose(dt.date(2025, 4, 1),
                    dt.date(2025, 4, 30)) if e.item == 'P3']
        self.assertEqual([(e.ticket, e.date) for e in last],
            [(o1, dt.date(2025, 4, 25))])

    # --- scenario 3 ------------------------------------------------------

    @with_transaction()
    def test_parks_quarter_both_aggregations(self):
        """Q2 2025 of two parks (市经开区, 宿马园区; D-13: threshold 30 %)
        from stored facts, summed over the quarter (D-21 cumulative) and
        as the mean of the monthly scores (monthly_mean): F3 counts an
        order dispatched twice once (RET-06 re-dispatch), an improper
        return dated at the second dispatch (May), red cards of 30 June
        and 2 July, F2 per month and category, F1 per quarter, D5.2 from
        the categories covered at each month's end (a state, not an
        event), B1–B3 caps and a penalty (§2.3)"""
        pool = Pool()
        Unit = pool.get('sushi.unit')
        Entry = pool.get('sushi.knowledge.entry')
        Config = pool.get('sushi.assessment.configuration')
        self.units()
        f = Facts()
        park, = Unit.search([('code', '=', 'econ_dev_zone')])
        suma, = Unit.search([('code', '=', 'suma_park')])
        park.responsible_section = '经开区政务服务办'
        park.save()
        leader = self.leader(park, 'jkq_leader')

        def late(day, month=4):
            return {'late_sign_in': True,
                'sign_deadline': local(2025, month, day, 17, 30),
                'late_sign_in_at': local(2025, month, day, 17, 30)}
        # 市经开区: P1–P4 dispatched 7–10 April, each signed late (SGN-01,
        # −0.5 × 4 in April); P1 completed 21 April (h = 10, limit 7),
        # reviewed by the deputy leader
        p1 = f.order(park, dispatched=(2025, 4, 7, 9), handling_days=10,
            limit_days=7, completed_at=local(2025, 4, 21, 10), **late(7))
        AssessmentCases.review(self, p1, leader, (2025, 4, 7, 10))
        # P2 red-carded at its due time 30 June 17:30 (June)
        p2 = f.order(park, dispatched=(2025, 4, 8, 9), red_card=True,
            red_card_at=local(2025, 6, 30, 17, 30), **late(8))
        # P3 returned, approved, dispatched to the park again Tue 6 May
        # 09:00: the return was improper, confirmed (RET-06, −1 dated 6
        # May)
        p3 = f.order(park, dispatched=(2025, 4, 9, 9),
            improper_return='confirmed',
            return_decided_at=local(2025, 4, 9, 15), **late(9))
        p3b = f.order(park, dispatched=(2025, 5, 6, 9), ticket=p3.ticket)
        f._update(f.Assignment, p3, {'redispatched_as': p3b.id})
        f.order(park, dispatched=(2025, 4, 10, 9), **late(10))
        # P5 Tue 6 May, signed late (May), completed 12 May (h = 4)
        f.order(park, dispatched=(2025, 5, 6, 10), handling_days=4,
            limit_days=7, completed_at=local(2025, 5, 12, 10),
            **late(6, 5))
        # P6 Tue 3 June, reviewed, completed 16 June (h = 9), second
        # evaluation dissatisfied
        p6 = f.order(park, dispatched=(2025, 6, 3, 9), handling_days=9,
            limit_days=7, completed_at=local(2025, 6, 16, 10),
            ticket_values={'second_evaluation': 'dissatisfied'})
        AssessmentCases.review(self, p6, leader, (2025, 6, 3, 10))
        # P7 Wed 4 June, red-carded 2 July (Q3's)
        f.order(park, dispatched=(2025, 6, 4, 9), red_card=True,
            red_card_at=local(2025, 7, 2, 17, 30))
        # 宿马园区: S1 14 April → 18 April (h = 4), S2 9 June → 16 June
        # (h = 5)
        f.order(suma, dispatched=(2025, 4, 14, 9), handling_days=4,
            limit_days=7, completed_at=local(2025, 4, 18, 10))
        f.order(suma, dispatched=(2025, 6, 9, 9), handling_days=5,
            limit_days=7, completed_at=local(2025, 6, 16, 10))
        # D5.2: the park's policy interpretation published 15 May
        entry, = Entry.create([{'title': '经开区企业用工补贴政策解读',
                    'kind': 'policy_interpretation', 'owner_unit': park.id,
                    'effective_date': dt.date(2025, 5, 15)}])
        f._update(Entry, entry, {'state': 'published',
                'published_at': local(2025, 5, 15, 10)})
        # D5.1 (F5): an answer script the Office asked for on Wed 23 April,
        # due Fri 25 April 17:30, never sent
        Request = pool.get('sushi.knowledge.request')
        request, = Request.create([{'subject': '企业用工补贴答复口径',
                    'unit': park.id}])
        f._update(Request, request, {'state': 'requested',
                'requested_at': local(2025, 4, 23, 9),
                'due_at': local(2025, 4, 25, 17, 30)})
        # events: two leaks in April (D2.6); B3 three times (+0.5, ≤ 1),
        # B1 once (+1), B2 provincial media twice (+1, ≤ 2), P1 once (−1)
        for day in [14, 15]:
            self.event(park, 'D2.6', 1, date=dt.date(2025, 4, day))
        for date in [dt.date(2025, 4, 15), dt.date(2025, 5, 15),
                dt.date(2025, 6, 16)]:
            self.event(park, 'B3', '0.5', date=date)
        self.event(park, 'B1', 1, date=dt.date(2025, 5, 20))
        for day in [21, 22]:
            self.event(park, 'B2', 1, date=dt.date(2025, 4, day))
        self.event(park, 'P1', 1, date=dt.date(2025, 6, 10))

        quarter = self.compute((2025, 7, 3, 9), 'quarter')
        # 市经开区, cumulative:
        # D1.1 deputy and section, no staff → 2
        # D1.4 (F3) orders dispatched in Q2: P1, P2, P3 (twice: one
        #   order), P4, P5, P6, P7 = 7; reviewed P1, P6 = 2 → 28.57 %:
        #   1.43 below 30, no full step of 5 → 3 (dispatches 2/8 = 25 %
        #   would cost 1)
        # D2.1a P1–P5 late: 2 − 2.5 → 0 (扣完为止)
        # D2.1c P3 → 3 − 1 = 2; D2.2 P2 (P7 is July's) → 4.5
        # D2.3 (F2) April: parks pooled (10 + 4) / 2 = 7 → base 7; P1 10
        #   → 3 full days → 4.5; May: P5 4 → 6; June: pooled (9 + 5) / 2
        #   = 7; P6 9 → 2 days → 5; mean (4.5 + 6 + 5) / 3 = 5.17
        # D2.5 (F1) Q2: N = P1, P5, P6 = 3, D2 = 1 → 66.67 %; 宿马园区
        #   100 %; mean 83.33: 16.67 below, 16 full points → 10 − 8 = 2
        # D2.6 two leaks → 2
        # D5.1 the script late from 25 April to 30 June: 27 (make-up
        #   Sunday)…30 April 4, May 19 (1–5 and 31 May holidays), June 20
        #   (2 June holiday) = 43 working days → 4 − 43 → 0
        # D5.2 at the quarter's end 3 categories missing → 3 − 1.5 = 1.5
        # B1 1, B2 2 (capped), B3 1 (capped) = 4; P1 −1 → A = 3
        self.check(quarter, park, {
                'D1.1': 2, 'D1.4': 3, 'D2.1a': 0, 'D2.1b': 2, 'D2.1c': 2,
                'D2.2': '4.5', 'D2.3': '5.17', 'D2.5': 2, 'D2.6': 2,
                'D5.1': 0, 'D5.2': '1.5', 'B1': 1, 'B2': 2, 'B3': 1,
                'P1': -1,
                })
        # daily D1 2 + 2 + 2 + 3 = 9; D2 0 + 2 + 2 + 4.5 + 5.17 + 6 + 3
        # + 1 + 2 + 2 = 27.67; D3 12; D4 6; D5 0 + 1.5 + 3 = 4.5 → 59.17;
        # × 1.25 = 73.9625, + 3 = 76.9625 → 76.96
        result = self.result(quarter, park)
        self.assertEqual((result.daily, result.additional, result.total),
            (D('59.17'), D(3), D('76.96')))
        late, = [d for d in self.deductions(quarter, park)
            if d[0] == 'D5.1']
        self.assertEqual(late, ('D5.1', 'knowledge_late', D(43),
                str(request)))
        found = [d for d in self.deductions(quarter, park)
            if d[0] in {'D1.4', 'D2.1c', 'D2.2', 'D2.3', 'D2.5'}]
        self.assertEqual(found, sorted([
                    ('D2.1c', 'improper_return', D(1), str(p3)),
                    ('D2.2', 'red_card', D('0.5'), str(p2)),
                    ('D2.3', 'formula', D('1.5'), str(quarter)),
                    ('D2.3', 'formula', D(1), str(quarter)),
                    ('D2.5', 'formula', D(8), str(quarter)),
                    ]))
        Deduction = pool.get('sushi.assessment.deduction')
        improper, = Deduction.search([('score.period', '=', quarter.id),
                ('kind', '=', 'improper_return')])
        self.assertEqual(improper.occurred_at, local(2025, 5, 6, 9))
        # 宿马园区: D1.1 0 (nothing designated); D1.4 S1, S2 not reviewed
        # → 0 % → −6 → 0; D2.3 6 (both months); D2.5 100 % → 10; D5.2 1
        # daily 4 + 42 + 12 + 6 + 8 = 72 → 90.00
        self.check(quarter, suma, {'D1.1': 0, 'D1.4': 0, 'D2.3': 6,
                'D2.5': 10, 'D5.2': 1})
        self.assertEqual(self.result(quarter, suma).total, D('90.00'))
        # the two parks without orders: 56 / 61 → 91.80, rank 1 of the
        # parks; 宿马园区 3rd, 市经开区 4th
        for code in ['high_tech_zone', 'shoe_city']:
            unit, = Unit.search([('code', '=', code)])
            self.assertEqual((self.result(quarter, unit).total,
                    self.result(quarter, unit).rank), (D('91.80'), 1))
        self.assertEqual((self.result(quarter, suma).rank, result.rank),
            (3, 4))
        first = self.snapshot(quarter)
        self.compute((2025, 7, 4, 9), 'quarter')
        self.assertEqual(self.snapshot(quarter), first)

        # monthly_mean (D-21 alternative): each event item per month,
        # floored per month, then averaged over the three months
        config = Config(1)
        config.aggregation_mode = 'monthly_mean'
        config.save()
        quarter = self.compute((2025, 7, 3, 9), 'quarter')
        # D2.1a April 2 − 2 = 0, May 2 − 0.5 = 1.5, June 2 → 3.5 / 3 =
        #   1.17
        # D2.1c April 3, May 2, June 3 → 2.67
        # D2.2 5, 5, 4.5 → 4.83; D2.6 2, 4, 4 → 3.33
        # D5.2 April's end 4 categories missing → 1, May's and June's 3
        #   → 1.5, 1.5 → 4 / 3 = 1.33 (the categories of the quarter's
        #   end booked in June alone would give (3 + 3 + 1.5) / 3 = 2.5)
        # D5.1 each month its own days: April 4 (27…30), May 19, June 20
        #   → 0, 0, 0 → 0 (all 43 booked in April would leave May and June
        #   4 each: 2.67)
        # D1.1, D1.4, D2.3, D2.5 as above
        self.check(quarter, park, {'D5.1': 0, 
                'D1.1': 2, 'D1.4': 3, 'D2.1a': '1.17', 'D2.1c': '2.67',
                'D2.2': '4.83', 'D2.3': '5.17', 'D2.5': 2, 'D2.6': '3.33',
                'D5.2': '1.33', 'B1': 1, 'B2': 2, 'B3': 1, 'P1': -1,
                })
        # daily D1 9; D2 1.17 + 2 + 2.67 + 4.83 + 5.17 + 6 + 3 + 1 + 2 +
        # 3.33 = 31.17; D3 12; D4 6; D5 0 + 1.33 + 3 = 4.33 → 62.5;
        # × 1.25 = 78.125, + 3 = 81.125 → 81.13
        result = self.result(quarter, park)
        self.assertEqual((result.daily, result.total),
            (D('62.5'), D('81.13')))
        self.assertEqual(sorted(d[2] for d in self.deductions(quarter, park)
                if d[0] == 'D5.1'), [D(4), D(19), D(20)])
        # 宿马园区: D5.2 1 each month → 1; the total is unchanged
        self.check(quarter, suma, {'D5.2': 1})
        self.assertEqual(self.result(quarter, suma).total, D('90.00'))
