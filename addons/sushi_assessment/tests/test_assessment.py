# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Hand-computed scores of March 2025 (SCORING §2–§5).

The facts are stored as the ticket and knowledge modules store them; every
expected value below was worked out with a pencil from SCORING.md and is
written as a literal."""
import datetime as dt
import io
import uuid
import zipfile
from decimal import Decimal as D

from trytond.model.exceptions import AccessError
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket.tests.guard_tools import as_user
from trytond.modules.sushi_ticket.tests.test_ticket import write_reply
from trytond.modules.sushi_ticket.tests.tools import (
    MAILDIR, as_local, at, create_ticket, dispatch_ticket, local,
    maildir_messages, run_queue, setup_network)

from .. import items as I
from ..exceptions import ReviewError


def delivered(address, count, timeout=5):
    "The messages the SMTP server delivered to address (waits for count)."
    return [message for message, _ in maildir_messages(
            lambda message: address in {
                a.addr_spec for a in message['To'].addresses},
            count, timeout)]


def send_queued_mail(transaction):
    """Deliver the e-mails the transaction queued for its commit, as the
    commit would (a test transaction is rolled back, which drops them)."""
    from trytond.sendmail import SMTPDataManager
    for manager in transaction._datamanagers:
        if isinstance(manager, SMTPDataManager):
            manager.tpc_begin(transaction)
            manager.commit(transaction)
            manager.tpc_vote(transaction)
            manager.tpc_finish(transaction)


def attach(record):
    Pool().get('ir.attachment').create([{
                'resource': str(record), 'name': '证明材料.pdf',
                'type': 'data', 'data': b'%PDF-1.4'}])


class Facts:
    "Store facts of orders directly, as the ticket module records them."

    def __init__(self):
        pool = Pool()
        self.Assignment = pool.get('sushi.ticket.assignment')
        self.Ticket = pool.get('sushi.ticket')
        self.Reply = pool.get('sushi.ticket.reply')
        self.cursor = Transaction().connection.cursor()

    def _update(self, Model, record, values):
        from trytond.modules.sushi_ticket import clock
        table = Model.__table__()
        columns = [getattr(table, k) for k in values]
        self.cursor.execute(*table.update(columns, list(values.values()),
                where=table.id == record.id))
        clock.forget(Model.__name__)

    def order(self, unit, dispatched=(2025, 3, 3, 9), ticket=None,
            ticket_values=None, role='lead', **values):
        ticket = ticket or create_ticket()
        if ticket_values:
            self._update(self.Ticket, ticket, ticket_values)
        assignment, = self.Assignment.create([{
                    'ticket': ticket.id, 'unit': unit.id, 'role': role,
                    'dispatched_at': local(*dispatched), 'round': 1}])
        if values:
            self._update(self.Assignment, assignment, values)
        return assignment

    def reply(self, assignment, **values):
        reply, = self.Reply.create([{
                    'assignment': assignment.id, 'content': '已处理。',
                    'result': 'resolved', 'handler_name': '李工',
                    'handler_phone': '0557-3021234'}])
        self._update(self.Reply, reply, values)
        if 'submitted_at' in values:
            # what the sign-off records with the reply (ticket.py)
            self.Assignment.sync_first_reply([assignment.id])
        return reply


class AssessmentCases:
    """Scores, results and their rules, computed by hand; mixed into the
    module's test case so that the module is activated once."""

    def units(self):
        ns = setup_network()
        ns.county.responsible_section = '区政务服务中心热线科'
        ns.county.save()
        ns.city.requires_expert_seat = False
        ns.city.save()
        return ns

    def officer(self):
        "The Office's assessment officer (考核专员)."
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        officer, = User.create([{'login': 'officer', 'name': '考核专员',
                    'groups': [('add', [ModelData.get_id(
                                    'sushi_assessment',
                                    'group_assessment_officer')])]}])
        return officer

    def event(self, unit, item, amount, date=dt.date(2025, 3, 10),
            approve=True, **values):
        Event = Pool().get('sushi.assessment.event')
        event, = Event.create([{
                    'unit': unit.id, 'item': item, 'amount': D(amount),
                    'date': date, 'description': '经核查属实', **values}])
        if approve:
            attach(event)
            Event.approve([event])
        return event

    def review(self, assignment, user, when, annotation='阅，请抓紧办理。'):
        "D1.4: `user`, a leader of the order's unit, records the review."
        Review = Pool().get('sushi.assessment.review')
        with at(*when), Transaction().set_user(user.id):
            review, = Review.create([{'assignment': assignment.id,
                        'annotation': annotation}])
        return review

    def review_as(self, user, assignment, values, when=(2025, 3, 5, 9)):
        "A review of `assignment` created by `user` with `values`."
        Review = Pool().get('sushi.assessment.review')
        with at(*when), Transaction().set_user(getattr(user, 'id', user)):
            review, = Review.create([{'assignment': assignment.id,
                        'annotation': '阅', **values}])
        return review.id

    def march(self, ns):
        """埇桥区 and 萧县 in March 2025 (both counties, non-key units)."""
        f = Facts()
        county, other = ns.county, ns.other
        # D2.1a: three late sign-ins (−1.5); 萧县 five (floor at 0)
        # (dated, as sushi_ticket dates them, at the deadline that passed)
        for _ in range(3):
            f.order(county, late_sign_in=True,
                sign_deadline=local(2025, 3, 3, 17, 30),
                late_sign_in_at=local(2025, 3, 3, 17, 30))
        for _ in range(5):
            f.order(other, late_sign_in=True,
                sign_deadline=local(2025, 3, 4, 17, 30),
                late_sign_in_at=local(2025, 3, 4, 17, 30))
        # D2.1b: one overdue return (its window closed 5 March 17:30),
        # one without valid reason (−1)
        f.order(county, return_overdue=True,
            return_requested_at=local(2025, 3, 6, 10),
            return_deadline=local(2025, 3, 5, 17, 30),
            return_overdue_at=local(2025, 3, 5, 17, 30))
        f.order(county, return_decision='rejected',
            return_rejection_cause='no_valid_reason',
            return_decided_at=local(2025, 3, 7, 10))
        # D2.1c: one confirmed improper return (−1)
        f.order(county, improper_return='confirmed',
            return_decided_at=local(2025, 3, 8, 10))
        # D2.2: two red cards in March (−1); the ones of 28 February
        # 23:00 and 1 April 00:30 (local) belong to other months
        for when in [(2025, 3, 12, 17, 30), (2025, 3, 31, 23, 59),
                (2025, 2, 28, 23), (2025, 4, 1, 0, 30)]:
            f.order(county, red_card=True, red_card_at=local(*when))
        # D2.3 and D2.5: four complaints (limit 7) completed by 埇桥区
        # in 10, 10, 12, 12 working days, one second 'dissatisfied';
        # two by 萧县 in 3 and 5 days
        completed = []
        for days, evaluation, done, due in [
                (10, 'dissatisfied', 14, 20), (10, None, 14, 20),
                (12, None, 18, 20), (12, None, 25, 20)]:
            completed.append(f.order(county, handling_days=days,
                    limit_days=7, completed_at=local(2025, 3, done, 10),
                    due_at=local(2025, 3, due, 17, 30),
                    ticket_values={'second_evaluation': evaluation}))
        for days in [3, 5]:
            f.order(other, handling_days=days, limit_days=7,
                completed_at=local(2025, 3, 14, 10))
        # D2.4b, D2.4c and the feedback rate: two replies before due,
        # one without sign-off, one without the handler's phone
        f.reply(completed[0], submitted_at=local(2025, 3, 13, 9),
            signed_off_by=ns.leader.id)
        f.reply(completed[1], submitted_at=local(2025, 3, 13, 9),
            signed_off_by=None, handler_phone=None)
        # D1.4 (F3): of the 14 orders dispatched to 埇桥区 in March, the
        # deputy leader reviewed two in the system (one of them the
        # provincial order) and the officer entered one reviewed on paper;
        # a review of 2 April is after the period: 3/14 = 21.4 % < 30 %,
        # 8.6 points short, one full step of 5 → −1; the supervised order
        # is not reviewed → −1 (the officer's event on it does not count
        # again): 3 − 1 − 1 = 1
        f._update(f.Ticket, completed[3].ticket, {'provincial': True})
        for assignment, when in [(completed[0], (2025, 3, 14, 9)),
                (completed[3], (2025, 3, 31, 18)),
                (completed[1], (2025, 4, 2, 9))]:
            self.review(assignment, ns.leader, when)
        self.event(county, 'D1.4', 0, quantity=1)
        supervised = completed[2].ticket
        f._update(f.Ticket, supervised, {'is_supervised': True})
        self.event(county, 'D1.4', 1, ticket=supervised.id)
        # D3.2: one level-1 case (−1); a draft level-3 case does not count
        self.event(county, 'D3.2', 1)
        self.event(county, 'D3.2', 3, approve=False)
        # B1 three times (capped at +2) and P2 once (−1)
        for day in [5, 6, 7]:
            self.event(county, 'B1', 1, date=dt.date(2025, 3, day))
        self.event(county, 'P2', 1)
        self.march_orders = completed
        return completed

    def compute(self, kind='month', date=dt.date(2025, 3, 1)):
        Period = Pool().get('sushi.assessment.period')
        period = Period.get_or_create(kind, date)
        with at(2025, 4, 3, 9):
            Period.compute([period])
        return period

    def points(self, period, unit):
        Score = Pool().get('sushi.assessment.score')
        return {s.item: (s.points, s.applicable) for s in Score.search([
                    ('period', '=', period.id), ('unit', '=', unit.id)])}

    def result(self, period, unit):
        Result = Pool().get('sushi.assessment.result')
        result, = Result.search([
                ('period', '=', period.id), ('unit', '=', unit.id)])
        return result

    # --- formulas ------------------------------------------------------

    def test_formula_examples(self):
        "F1, F2, F3, §2.3 and §3 worked examples of SCORING.md"
        # F3: a department at 41 % with one supervised order not reviewed
        self.assertEqual(I.review_deduction(100, 41, 1, 50), D(2))
        # §3: a 二类 unit, daily 72, bonus +1.5, penalty −1 → 90.5
        self.assertEqual(I.additional({'B1': D('1.5')}, D(1)), D('0.5'))
        self.assertEqual(I.total(D(72), D(80), D('0.5')), D('90.50'))
        # §3: key-work unit without expert seats: (D + K) × 100/96
        self.assertEqual(I.total(D(90), D(96), D(0)), D('93.75'))
        # F1: 75 % against an average of 87.5 % → 12 full points → −6
        rate = I.satisfaction_rate(4, 1)
        average = I.category_average([(4, 1), (2, 0), (0, 0)])
        self.assertEqual(I.satisfaction_score(rate, average),
            (D(4), D(6)))
        # F1 pooled: 1 − 1/6 = 83.33 %, 8.33 below → 8 → −4
        pooled = I.category_average([(4, 1), (2, 0)], 'pooled')
        self.assertEqual(I.satisfaction_score(rate, pooled)[0], D(6))
        # F1 ceil: 12.5 → 13 → −6.5
        self.assertEqual(I.satisfaction_score(rate, average, 'ceil')[0],
            D('3.5'))
        # F2: 11 days against a baseline of 52/6 → 2 full days → −1
        from fractions import Fraction
        self.assertEqual(I.speed_deduction([(Fraction(11),
                        Fraction(52, 6))]), D(1))
        # K2: 3 days late −2; 7 days (以上 includes 7) 0; 6 days −2
        self.assertEqual(I.k2_deduction(3), D(2))
        self.assertEqual(I.k2_deduction(7), D(5))
        self.assertEqual(I.k2_deduction(7, inclusive=False), D(2))
        # §2.3: A never exceeds +5 or −5
        self.assertEqual(I.additional({'B1': D(2), 'B2': D(2),
                    'B3': D(1)}, D(7)), D(0))
        self.assertEqual(I.additional({}, D(7)), D(-5))

    @with_transaction()
    def test_period_bounds_are_suzhou_days(self):
        """ASM-01, LGT-05: a month, quarter or year runs from 00:00 of its
        first day to 00:00 after its last day in Suzhou, i.e. 16:00 UTC of
        the day before: a card at 23:59:59 on 31 March belongs to March and
        Q1, one at 00:00 on 1 April (16:00 UTC on 31 March) to April"""
        Period = Pool().get('sushi.assessment.period')
        utc = dt.datetime
        for kind, date, first, last, bounds in [
                ('month', dt.date(2025, 3, 31), dt.date(2025, 3, 1),
                    dt.date(2025, 3, 31),
                    (utc(2025, 2, 28, 16), utc(2025, 3, 31, 16))),
                ('quarter', dt.date(2025, 2, 14), dt.date(2025, 1, 1),
                    dt.date(2025, 3, 31),
                    (utc(2024, 12, 31, 16), utc(2025, 3, 31, 16))),
                ('year', dt.date(2025, 12, 31), dt.date(2025, 1, 1),
                    dt.date(2025, 12, 31),
                    (utc(2024, 12, 31, 16), utc(2025, 12, 31, 16))),
                # the leap month ends on the 29th
                ('month', dt.date(2024, 2, 10), dt.date(2024, 2, 1),
                    dt.date(2024, 2, 29),
                    (utc(2024, 1, 31, 16), utc(2024, 2, 29, 16))),
                ]:
            period = Period.get_or_create(kind, date)
            self.assertEqual((period.start_date, period.end_date),
                (first, last), (kind, date))
            self.assertEqual(period.utc_bounds(), bounds, (kind, date))

    # --- a month ----------------------------------------------------------

    @with_transaction()
    def test_month_scores(self):
        """D1.1–D5.3, §2.3 and §3 for 埇桥区 and 萧县 in March 2025;
        recomputing gives the same rows"""
        ns = self.units()
        self.march(ns)
        period = self.compute()
        county = self.points(period, ns.county)
        expected = {
            'D1.1': 3, 'D1.2': 2, 'D1.3': 2, 'D1.4': 1,
            'D2.1a': '0.5', 'D2.1b': 1, 'D2.1c': 2, 'D2.2': 4, 'D2.3': 5,
            'D2.4a': 6, 'D2.4b': '2.5', 'D2.4c': '0.5', 'D2.5': 4,
            'D2.6': 4, 'D3.1': 4, 'D3.2': 7, 'D4.1': 1, 'D4.2': 3,
            'D4.3': 2, 'D5.1': 4, 'D5.2': 1, 'D5.3': 3,
            'B1': 2, 'B2': 0, 'B3': 0, 'P1': 0, 'P2': -1,
            }
        for item, value in expected.items():
            self.assertEqual(county[item][0], D(value), msg=item)
        # key work is a justified missing item of a county
        self.assertFalse(county['K1'][1])
        result = self.result(period, ns.county)
        # daily 62.5; 62.5 × 1.25 + (2 − 1) = 79.125 → 79.13
        self.assertEqual(result.daily, D('62.5'))
        self.assertEqual(result.key, D(0))
        self.assertEqual(result.additional, D(1))
        self.assertEqual(result.applicable_max, D(80))
        self.assertEqual(result.total, D('79.13'))
        # ASM-02: 4 orders due in March, 2 replies before due, 3 done
        # in time; satisfaction (1 − 1/4) × 100
        self.assertEqual(result.orders_due, 4)
        self.assertEqual(result.on_time_feedback_rate, D('50.00'))
        self.assertEqual(result.on_time_completion_rate, D('75.00'))
        self.assertEqual(result.satisfaction_rate, D('75.00'))

        other = self.points(period, ns.other)
        # 萧县: five late sign-ins floor at 0; no deputy leader and no
        # section (−2); 4 days of average against 52/6 → 6; 100 % → 10;
        # D1.4 (F3): 7 orders dispatched, none reviewed: 0 % is 30
        # points below 30 %, six steps of 5 → −6, floor 0
        self.assertEqual(other['D2.1a'][0], D(0))
        self.assertEqual(other['D1.1'][0], D(1))
        self.assertEqual(other['D2.3'][0], D(6))
        self.assertEqual(other['D2.5'][0], D(10))
        self.assertEqual(other['D1.4'], (D(0), True))
        # 萧县: 80 − 2 − 2 − 2 (D5.2) − 3 (D1.4) = 71 → 88.75
        result_other = self.result(period, ns.other)
        self.assertEqual(result_other.daily, D(71))
        self.assertEqual(result_other.total, D('88.75'))
        # the three other counties have no order: D1.4, D2.3, D2.5 leave
        # the maximum (61), D1.1 0 (nobody designated), D5.2 1:
        # 56 / 61 × 100 = 91.80, sharing rank 1; 萧县 4th, 埇桥区 5th
        Unit = Pool().get('sushi.unit')
        lingbi, = Unit.search([('code', '=', 'lingbi_county')])
        result_lingbi = self.result(period, lingbi)
        self.assertEqual(result_lingbi.applicable_max, D(61))
        self.assertEqual(result_lingbi.total, D('91.80'))
        self.assertEqual(result_lingbi.rank, 1)
        self.assertEqual(result_other.rank, 4)
        self.assertEqual(result.rank, 5)
        # D1.4: the rate and the unreviewed supervised order, pointing at
        # the order's assignment
        Deduction = Pool().get('sushi.assessment.deduction')
        self.assertEqual(sorted((d.kind, d.amount, str(d.origin))
                for d in Deduction.search([
                        ('score.period', '=', period.id),
                        ('score.unit', '=', ns.county.id),
                        ('score.item', '=', 'D1.4')])),
            [('formula', D(1), str(period)),
                ('not_reviewed', D(1), str(self.march_orders[2]))])

        # computing the draft again gives the same rows

        def snapshot():
            return sorted((d.score.unit.id, d.score.item, d.amount,
                    str(d.origin), d.occurred_at)
                for d in Deduction.search([('score.period', '=', period.id)]))
        first = snapshot(), self.points(period, ns.county)
        self.compute()
        self.assertEqual((snapshot(), self.points(period, ns.county)), first)
        # every deduction of an order points at its assignment or reply
        origins = {d.kind: d.origin.__name__ for d in Deduction.search([
                    ('score.unit', '=', ns.county.id),
                    ('score.period', '=', period.id)])}
        self.assertEqual(origins['late_sign_in'], 'sushi.ticket.assignment')
        self.assertEqual(origins['no_real_name'], 'sushi.ticket.reply')
        self.assertEqual(origins['event'], 'sushi.assessment.event')

    @with_transaction()
    def test_review_event_counted_once(self):
        """D1.4 (F3 d2): the officer's event on an unreviewed 督办件 the
        records already deduct is not counted again; an approved event on
        any other order counts, for a month and for its quarter"""
        ns = self.units()
        f = Facts()
        Leader = Pool().get('sushi.unit.leader')
        deputy, = Leader.search([('unit', '=', ns.county.id),
                ('role', '=', 'deputy_in_charge')])
        supervised = {'is_supervised': True}
        # 埇桥区 in March: an order reviewed on 5 March, a 督办件 not
        # reviewed, and a 督办件 sent for information only (not in F3's n,
        # not deducted from the records), each 督办件 with an approved
        # per-order event
        reviewed = f.order(ns.county)
        self.review(reviewed, deputy.user, (2025, 3, 5, 9), '已阅。')
        unreviewed = f.order(ns.county, ticket_values=supervised)
        informed = f.order(ns.county, for_information=True,
            ticket_values=supervised)
        self.event(ns.county, 'D1.4', 1, ticket=unreviewed.ticket.id)
        self.event(ns.county, 'D1.4', 1, ticket=informed.ticket.id)
        # n = 2, r = 1: 50 % ≥ 30 %, d1 = 0; the unreviewed 督办件 −1 from
        # the records (its event not again), the informed one's event −1:
        # 3 − 1 − 1 = 1; the first quarter has the same orders: 1
        for kind in ['month', 'quarter']:
            period = self.compute(kind)
            self.assertEqual(self.points(period, ns.county)['D1.4'],
                (D(1), True), msg=kind)

    @with_transaction()
    def test_key_work_conversion(self):
        "§3: a 三类 unit without expert seats: (D + K) × 100 / (80 + 16)"
        ns = self.units()
        city = ns.city
        self.assertTrue(city.has_key_work)  # D-19
        self.event(city, 'K2', 0, quantity=3)    # late 3 days: −2
        self.event(city, 'K3c', 1)               # not done: −1
        period = self.compute()
        scores = self.points(period, city)
        self.assertEqual(scores['K1'], (D(5), True))
        self.assertEqual(scores['K2'], (D(3), True))
        self.assertEqual(scores['K3'], (D(5), True))
        self.assertFalse(scores['K4'][1])
        # no order: D1.4, D2.3, D2.5 are justified missing items
        for item in ['D1.4', 'D2.3', 'D2.5']:
            self.assertFalse(scores[item][1], msg=item)
        result = self.result(period, city)
        # daily: 61 applicable − 2 (D1.1: no deputy, no section)
        # − 2 (D5.2: no knowledge) = 57; key 13 of 16; 70/77 × 100
        self.assertEqual(result.daily, D(57))
        self.assertEqual(result.key, D(13))
        self.assertEqual(result.applicable_max, D(77))
        self.assertEqual(result.total, D('90.91'))

    @with_transaction()
    def test_items_by_hand(self):
        """SCORING §2 item by item for 市城管局 (三类, key work, no expert
        seat) in March 2025, hand-computed: D1.1 zeroing (communication
        failure), D1.2 floor, D1.3, D1.4 department threshold 50 (F3),
        D2.1c zeroing (RET-06 twice + buck-passing), D2.4a, D2.6, D3.2,
        D4.1, D4.2, D5.1 (F5), D5.3, K1–K4, B2/B3 caps, P1–P5, §3 with
        100/80, D-17, D-01 (44) and the ASM-02 resolution rate"""
        pool = Pool()
        Config = pool.get('sushi.assessment.configuration')
        Leader = pool.get('sushi.unit.leader')
        Request = pool.get('sushi.knowledge.request')
        Entry = pool.get('sushi.knowledge.entry')
        Correction = pool.get('sushi.knowledge.correction')
        Callback = pool.get('sushi.ticket.callback')
        ns = self.units()
        city = ns.city
        f = Facts()
        # D2.1c: the same order improperly returned twice, verified as
        # buck-passing: 3 − 1 − 1 = 1, but the item scores 0 (RET-06)
        twice = create_ticket()
        for day in [5, 12]:
            f.order(city, ticket=twice, improper_return='confirmed',
                buck_passing=True, return_decided_at=local(2025, 3, day, 10))
        # D1.4 (F3): 3 orders dispatched, 1 reviewed by its leader:
        # 33.3 % < 50 % (department), 16.7 points short, 3 full steps of 5
        # → 3 − 3 = 0 (a county would keep 3 at 30 %)
        plain = f.order(city)
        leader, = Leader.create([{'unit': city.id, 'user': ns.principal.id,
                    'role': 'principal'}])
        self.review(plain, ns.principal, (2025, 3, 4, 9))
        # ASM-02 on-time feedback of a statutory order: its progress
        # report in time, or else a reply by the due time.  Three such
        # orders dispatched in February, due 28 March, progress due 14
        # March, not completed: reported on 10 March (fed back); reported
        # late but replied on 25 February (fed back); reported late, no
        # reply (not) → 2 / 3 = 66.67 %, completion in time 0 / 3
        for reported, replied in [(10, False), (20, True), (20, False)]:
            statutory = f.order(city, dispatched=(2025, 2, 20, 9),
                statutory=True, due_at=local(2025, 3, 28, 17, 30),
                progress_due_at=local(2025, 3, 14, 17, 30),
                progress_reported_at=local(2025, 3, reported, 10))
            if replied:
                f.reply(statutory, submitted_at=local(2025, 2, 25, 9))
        # D5.1 (F5): an answer script due Mon 10 March 17:30, sent Thu 13
        # March: 11, 12, 13 March = 3 working days → 4 − 3 = 1
        request, = Request.create([{'subject': '占道经营投诉答复口径',
                    'unit': city.id}])
        f._update(Request, request, {'state': 'submitted',
                'requested_at': local(2025, 3, 6, 9),
                'due_at': local(2025, 3, 10, 17, 30),
                'submitted_at': local(2025, 3, 13, 10)})
        # D5.3: one confirmed correction of its entry → 3 − 1 = 2
        entry, = Entry.create([{'title': '占道经营投诉答复口径',
                    'kind': 'faq_script',
                    'owner_unit': city.id,
                    'effective_date': dt.date(2025, 1, 1)}])
        f._update(Entry, entry, {'state': 'expired'})  # never published
        correction, = Correction.create([{'entry': entry.id,
                    'description': '处罚标准已修订'}])
        f._update(Correction, correction, {'state': 'confirmed',
                'unit': city.id, 'confirmed_at': local(2025, 3, 20, 10)})
        # events: D1.1 communication failure (item 0), D1.2 three
        # missing rules (2 − 3 → floor 0), D1.3 −0.5, D2.4a −0.5 −1,
        # D2.6 −1, D4.1 −0.5, D4.2 −0.5, D3.2 level 2 on order X (−2)
        x = create_ticket()
        self.event(city, 'D1.1', 0, zeroing=True)
        for _ in range(3):
            self.event(city, 'D1.2', 1)
        self.event(city, 'D1.3', '0.5')
        self.event(city, 'D2.4a', '0.5')
        self.event(city, 'D2.4a', 1)
        self.event(city, 'D2.6', 1)
        self.event(city, 'D4.1', '0.5')
        self.event(city, 'D4.2', '0.5')
        self.event(city, 'D3.2', 2, ticket=x.id)
        # key work: K1 no plan (0), K2 7 working days late (以上 → 0),
        # K3a and K3e not done (6 − 0.5 − 1 = 4.5), K4 justified missing
        self.event(city, 'K1', 5)
        self.event(city, 'K2', 0, quantity=7)
        self.event(city, 'K3a', '0.5')
        self.event(city, 'K3e', 1)
        # additional: B2 1 + 0.5 + 1 (cap 2), B3 3 × 0.5 (cap 1);
        # P1, P2, P3, P4 on order X, P5: −5 → A = 3 − 5 = −2
        for amount in ['1', '0.5', '1']:
            self.event(city, 'B2', amount)
        for _ in range(3):
            self.event(city, 'B3', '0.5')
        self.event(city, 'P1', 1)
        self.event(city, 'P2', 1)
        self.event(city, 'P3', 1)
        self.event(city, 'P4', 1, ticket=x.id)
        self.event(city, 'P5', 1)
        # ASM-02 resolution rate: 2 of the 3 March callbacks resolved;
        # the one of 1 April (local) is another month's
        for resolution, when in [('resolved', (2025, 3, 20, 10)),
                ('resolved', (2025, 3, 21, 10)),
                ('unresolved', (2025, 3, 22, 10)),
                ('unresolved', (2025, 4, 1, 0, 30))]:
            ticket = create_ticket()
            f._update(f.Ticket, ticket, {'lead_unit': city.id})
            callback, = Callback.create([{'ticket': ticket.id,
                        'round': 1, 'channel': 'phone_callback',
                        'given': 'satisfied', 'result': 'satisfied'}])
            f._update(Callback, callback, {'resolution': resolution,
                    'recorded_at': local(*when)})
        period = self.compute()
        scores = self.points(period, city)
        expected = {
            'D1.1': 0, 'D1.2': 0, 'D1.3': '1.5', 'D1.4': 0,
            'D2.1a': 2, 'D2.1b': 2, 'D2.1c': 0, 'D2.2': 5,
            'D2.4a': '4.5', 'D2.4b': 3, 'D2.4c': 1, 'D2.6': 3,
            'D3.1': 4, 'D3.2': 6, 'D4.1': '0.5', 'D4.2': '2.5', 'D4.3': 2,
            'D5.1': 1, 'D5.2': 1, 'D5.3': 2,
            'K1': 0, 'K2': 0, 'K3': '4.5',
            'B1': 0, 'B2': 2, 'B3': 1, 'P1': -1, 'P2': -1, 'P3': -1,
            'P4': -1, 'P5': -1,
            }
        for item, value in expected.items():
            self.assertEqual(scores[item], (D(value), True), msg=item)
        # no order completed: D2.3 and D2.5 are justified missing items;
        # no expert seat: K4 too
        for item in ['D2.3', 'D2.5', 'K4']:
            self.assertFalse(scores[item][1], msg=item)
        # §3: daily 41 of 64, key 4.5 of 16: 100 × 45.5 / 80 − 2 = 54.875
        result = self.result(period, city)
        self.assertEqual((result.daily, result.key, result.additional,
                result.applicable_max, result.total),
            (D(41), D('4.5'), D(-2), D(80), D('54.88')))
        self.assertEqual(result.resolution_rate, D('66.67'))
        self.assertEqual((result.orders_due, result.on_time_feedback_rate,
                result.on_time_completion_rate), (3, D('66.67'), D(0)))
        # D-17: P4 on order X already cost the level-2 escalation (D3.2):
        # not counted again → penalty 4, A = −1, total 55.88
        config = Config(1)
        config.no_double_count_penalty_vs_escalation = True
        config.save()
        period = self.compute()
        self.assertEqual(self.points(period, city)['P4'][0], D(0))
        self.assertEqual(self.result(period, city).total, D('55.88'))
        # D-01 with 44: the handling sub-items count 44/42; earned × 42 =
        # (41 − 20.5) × 42 + 20.5 × 44 + 4.5 × 42 = 1952, maximum × 42 =
        # (64 − 26) × 42 + 26 × 44 + 16 × 42 = 3412: 57.2098… − 2 → 55.21
        config.no_double_count_penalty_vs_escalation = False
        config.handling_points = '44'
        config.save()
        period = self.compute()
        result = self.result(period, city)
        self.assertEqual((result.daily, result.total),
            (D('41.98'), D('55.21')))

    @with_transaction()
    def test_exclusions_interview_policy_year_by_hand(self):
        """F1 and F2 exclusions (SCORING §5: 行政调解类, 执法办案类, outside
        《指导意见》, 表扬, information-only; statutory and sudden orders out
        of F2 only), only the SECOND 'dissatisfied' counts (CBK-06), the
        CBK-04 switch; D2.3 (b) the interview −1 in its month; D2.1b both
        deductions on one order; D5.1 (F5) a policy never submitted, late
        up to the period end; §4 B and P capped over the year"""
        pool = Pool()
        Config = pool.get('sushi.assessment.configuration')
        Entry = pool.get('sushi.knowledge.entry')
        ns = self.units()
        county, other = ns.county, ns.other
        f = Facts()

        def done(unit, days, ticket_values=None, **values):
            return f.order(unit, handling_days=days, limit_days=7,
                completed_at=local(2025, 3, 14, 10),
                ticket_values=ticket_values, **values)
        bad = {'second_evaluation': 'dissatisfied'}
        # 埇桥区, complaints (limit 7) completed in March, 10 working days:
        # a dissatisfied twice; b dissatisfied the first time only; c, d,
        # e dissatisfied twice but 行政调解类, 执法办案类, outside the
        # guidance; j dissatisfied twice for an objective cause (CBK-04);
        # four plain orders
        done(county, 10, bad)
        done(county, 10, {'first_evaluation': 'dissatisfied'})
        for flag in ['admin_mediation', 'law_enforcement_case',
                'outside_guidance_scope']:
            done(county, 10, {**bad, flag: True})
        done(county, 10, {**bad, 'objective_cause': True})
        for _ in range(4):
            done(county, 10)
        # 60 days each: f statutory, g sudden (both in F1, not in F2),
        # h 表扬 and i sent for information, dissatisfied (in neither)
        done(county, 60, statutory=True)
        done(county, 60, {'urgency': 'sudden'})
        done(county, 60, {**bad, 'request_type': 'praise'})
        done(county, 60, bad, for_information=True)
        # 萧县: two plain orders in 3 days
        for _ in range(2):
            done(other, 3)
        # D2.3 (b): the interview of 埇桥区's deputy on 20 March, −1
        self.event(county, 'D2.3', 1, date=dt.date(2025, 3, 20))
        # D2.1b: one order returned late AND refused as without a valid
        # reason: −0.5 − 0.5 → 2 − 1 = 1
        f.order(county, return_overdue=True,
            return_requested_at=local(2025, 3, 6, 10),
            return_deadline=local(2025, 3, 5, 17, 30),
            return_overdue_at=local(2025, 3, 5, 17, 30),
            return_decision='rejected',
            return_rejection_cause='no_valid_reason',
            return_decided_at=local(2025, 3, 7, 10))
        # D5.1 (F5): a policy issued Tue 18 March is due in 7 working days
        # (19, 20, 21, 24, 25, 26, 27 March) and never submitted: late on
        # 28 and 31 March up to the period end → 4 − 2 = 2
        Entry.create([{'title': '宿州市城区占道经营管理办法',
                    'kind': 'policy_document', 'owner_unit': county.id,
                    'document_number': '宿政办〔2025〕3号',
                    'issued_on': dt.date(2025, 3, 18),
                    'effective_date': dt.date(2025, 3, 18)}])
        # B1 on 5 and 6 March and 12 May, P1 three times in March and
        # three times in May
        for date in [dt.date(2025, 3, 5), dt.date(2025, 3, 6),
                dt.date(2025, 5, 12)]:
            self.event(county, 'B1', 1, date=date)
        for date in [dt.date(2025, 3, 10)] * 3 + [dt.date(2025, 5, 12)] * 3:
            self.event(county, 'P1', 1, date=date)
        march = self.compute()
        scores = self.points(march, county)
        # F2: 埇桥区's ten orders (f, g, h, i left out) average 10; the
        # counties pooled (100 + 6) / 12 = 8.83 > 7: 1.17 above → 1 full
        # day → −0.5, and the interview −1: 6 − 1.5 = 4.5; 萧县 3 → 6
        # F1: N = a, b, j, the four, f, g = 9, D2 = a, j = 2: 77.78 %;
        # 萧县 100 %; the mean 88.89, 11.11 below → 11 → −5.5 → 4.5
        # A = 2 (B1 capped) − 3 (P1) = −1
        self.assertEqual((scores['D2.3'], scores['D2.5'], scores['D2.1b'],
                scores['D5.1'], scores['B1'], scores['P1']), (
                (D('4.5'), True), (D('4.5'), True), (D(1), True),
                (D(2), True), (D(2), True), (D(-3), True)))
        result = self.result(march, county)
        self.assertEqual((result.additional, result.orders_completed,
                result.satisfaction_rate), (D(-1), 9, D('77.78')))
        other_scores = self.points(march, other)
        self.assertEqual((other_scores['D2.3'][0], other_scores['D2.5'][0]),
            (D(6), D(10)))
        # CBK-04 switch off: j no longer counts: 8/9 = 88.89 %, the mean
        # 94.44, 5.56 below → 5 → −2.5 → 7.5
        config = Config(1)
        config.count_objective_dissatisfaction = False
        config.save()
        march = self.compute()
        self.assertEqual(self.points(march, county)['D2.5'][0], D('7.5'))
        # §4, the year: B1 3 → capped 2, P1 6 → the penalty capped at 5:
        # A = 2 − 5 = −3; D2.3 the mean of March alone (4.5)
        year = self.compute('year', dt.date(2025, 1, 1))
        scores = self.points(year, county)
        self.assertEqual((scores['B1'][0], scores['P1'][0], scores['D2.3'][0]),
            (D(2), D(-6), D('4.5')))
        self.assertEqual(self.result(year, county).additional, D(-3))

    @with_transaction()
    def test_year_aggregation(self):
        "§4: cumulative deductions or the mean of monthly scores"
        Config = Pool().get('sushi.assessment.configuration')
        ns = self.units()
        self.march(ns)
        Facts().order(ns.county, late_sign_in=True,
            sign_deadline=local(2025, 5, 6, 17, 30),
            late_sign_in_at=local(2025, 5, 6, 17, 30))
        year = self.compute('year', dt.date(2025, 1, 1))
        scores = self.points(year, ns.county)
        # 4 late sign-ins in the year: 2 − 2 = 0; D2.3 mean of March
        # only; D2.5 mean of Q1 only
        self.assertEqual(scores['D2.1a'][0], D(0))
        self.assertEqual(scores['D2.3'][0], D(5))
        self.assertEqual(scores['D2.5'][0], D(4))
        config = Config(1)
        config.aggregation_mode = 'monthly_mean'
        config.save()
        year = self.compute('year', dt.date(2025, 1, 1))
        scores = self.points(year, ns.county)
        # March 0.5, May 1.5, ten months 2: 22/12 = 1.83
        self.assertEqual(scores['D2.1a'][0], D('1.83'))

    @with_transaction()
    def test_leader_review_provincial_park_quarter_year(self):
        """D1.4 (F3, D-13): 督办件 −1 each; 省级件 must reach 100 %, 1 per
        full 5 points below (the seed, default) or −1 each (SCORING F3,
        `review_provincial` = per_order); the park threshold; a quarter
        and a year from the review records"""
        pool = Pool()
        Config = pool.get('sushi.assessment.configuration')
        Deduction = pool.get('sushi.assessment.deduction')
        Leader = pool.get('sushi.unit.leader')
        Unit = pool.get('sushi.unit')
        ns = self.units()
        f = Facts()
        county = ns.county

        def flagged(**values):
            order = f.order(county)
            f._update(f.Ticket, order.ticket, values)
            return order
        # March, 埇桥区: p1 provincial, reviewed 10 March; p2 provincial,
        # reviewed only on 2 April; m1 reviewed 12 March; s1 supervised,
        # never reviewed (and the officer's −1 on it too)
        p1, p2 = flagged(provincial=True), flagged(provincial=True)
        m1 = f.order(county)
        s1 = flagged(is_supervised=True)
        for order, when in [(p1, (2025, 3, 10, 9)), (p2, (2025, 4, 2, 9)),
                (m1, (2025, 3, 12, 9))]:
            self.review(order, ns.leader, when)
        self.event(county, 'D1.4', 1, ticket=s1.ticket.id)
        # January, 埇桥区: eight orders not reviewed, j9 reviewed
        for _ in range(8):
            f.order(county, dispatched=(2025, 1, 6, 9))
        j9 = f.order(county, dispatched=(2025, 1, 6, 9))
        self.review(j9, ns.principal, (2025, 1, 20, 9))
        # March, 市经开区 (park): 5 orders, 1 reviewed by its leader
        park, = Unit.search([('code', '=', 'econ_dev_zone')])
        Leader.create([{'unit': park.id, 'user': ns.analyst.id}])
        parks = [f.order(park) for _ in range(5)]
        self.review(parks[0], ns.analyst, (2025, 3, 20, 9))

        def d14(period, unit):
            return sorted((d.kind, d.amount, str(d.origin))
                for d in Deduction.search([
                        ('score.period', '=', period.id),
                        ('score.unit', '=', unit.id),
                        ('score.item', '=', 'D1.4')]))
        march = self.compute()
        # 埇桥区, seed: n = 4, r = 2 (p1, m1): 50 % ≥ 30 → d1 = 0;
        # s1 −1 (the officer's event on it is not counted again);
        # 省级件 1 of 2 = 50 %, 50 points below 100, 10 steps → −10:
        # 3 − 11 → 0
        self.assertEqual(self.points(march, county)['D1.4'], (D(0), True))
        self.assertEqual(d14(march, county), [
                ('not_reviewed', D(1), str(s1)),
                ('provincial_rate', D(10), str(march))])
        # 市经开区: 1 of 5 = 20 %, 10 below the park's 30 (D-13): 2 steps
        # → 3 − 2 = 1
        self.assertEqual(self.points(march, park)['D1.4'], (D(1), True))
        # Q1 (Review.counts): n = 13, r = 3 (p1, m1, j9): 23.08 %, 6.92
        # below 30 → −1; s1 −1; 省级件 50 % → −10: deductions 12 → 0
        quarter = self.compute('quarter', dt.date(2025, 1, 1))
        self.assertEqual(d14(quarter, county), [
                ('formula', D(1), str(quarter)),
                ('not_reviewed', D(1), str(s1)),
                ('provincial_rate', D(10), str(quarter))])
        self.assertEqual(self.points(quarter, county)['D1.4'][0], D(0))
        # the year: p2's review of 2 April counts: r = 4 of 13 = 30.77 %
        # → 0; 省级件 2 of 2 = 100 % → 0; s1 −1: 3 − 1 = 2
        year = self.compute('year', dt.date(2025, 1, 1))
        self.assertEqual(d14(year, county), [
                ('not_reviewed', D(1), str(s1))])
        self.assertEqual(self.points(year, county)['D1.4'][0], D(2))

        config = Config(1)
        config.review_provincial = 'per_order'
        config.review_threshold_park = 25
        config.save()
        march = self.compute()
        # SCORING F3: s1 −1, p2 −1: 3 − 2 = 1; no rate for 省级件
        self.assertEqual(d14(march, county), sorted([
                    ('not_reviewed', D(1), str(p2)),
                    ('not_reviewed', D(1), str(s1))]))
        self.assertEqual(self.points(march, county)['D1.4'][0], D(1))
        # park threshold 25: 20 % is 5 below, one step → 3 − 1 = 2
        self.assertEqual(self.points(march, park)['D1.4'][0], D(2))
        # Q1: −1 (rate) −1 (s1) −1 (p2) → 0; the year: s1 → 2
        quarter = self.compute('quarter', dt.date(2025, 1, 1))
        self.assertEqual(sum(d[1] for d in d14(quarter, county)), D(3))
        year = self.compute('year', dt.date(2025, 1, 1))
        self.assertEqual(self.points(year, county)['D1.4'][0], D(2))

    @with_transaction()
    def test_speed_and_satisfaction_alternatives(self):
        """F2 (D2.3) baselines by category, by request type across all
        units or the limit alone, per full or started day; F1 (D2.5) mean
        or pooled category average, per full or started point"""
        Config = Pool().get('sushi.assessment.configuration')
        ns = self.units()
        f = Facts()
        # complaints (limit 7) completed in March: 埇桥区 10, 10, 12, 12
        # working days, one second 'dissatisfied'; 萧县 3, 5; 市城管局
        # (三类, another category) 16
        for unit, days, evaluation in [
                (ns.county, 10, 'dissatisfied'), (ns.county, 10, None),
                (ns.county, 12, None), (ns.county, 12, None),
                (ns.other, 3, None), (ns.other, 5, None),
                (ns.city, 16, None)]:
            f.order(unit, handling_days=days, limit_days=7,
                completed_at=local(2025, 3, 14, 10),
                ticket_values={'second_evaluation': evaluation})
        config = Config(1)
        results = []
        for speed, speed_rounding, average, rounding in [
                ('category', 'floor', 'mean', 'floor'),
                ('category', 'ceil', 'pooled', 'floor'),
                ('type', 'floor', 'mean', 'ceil'),
                ('limit', 'floor', 'pooled', 'ceil')]:
            config.speed_baseline = speed
            config.speed_rounding = speed_rounding
            config.satisfaction_average = average
            config.satisfaction_rounding = rounding
            config.save()
            period = self.compute()
            scores = [self.points(period, u)
                for u in [ns.county, ns.other, ns.city]]
            results.append(tuple(s[i][0] for s in scores
                    for i in ['D2.3', 'D2.5']))
        # F2 by category: counties pooled 52/6 = 8.67 > 7; 埇桥区 11, 2.33
        # above: 2 full days → 5 (3 started → 4.5); 萧县 4 → 6; 市城管局
        # its own category 16 → 6. By type across all units: 68/7 = 9.71:
        # 埇桥区 1.29 → 1 → 5.5, 市城管局 6.29 → 6 → 3. The limit 7 alone:
        # 埇桥区 4 → 4, 市城管局 9 → 1.5.
        # F1: 埇桥区 75 %, 萧县 100 %, 市城管局 100 % (its category): the
        # mean 87.5, 12.5 below → 12 → 4 (13 → 3.5); pooled 1 − 1/6 =
        # 83.33, 8.33 below → 8 → 6 (9 → 5.5)
        self.assertEqual(results, [
                (D(5), D(4), D(6), D(10), D(6), D(10)),
                (D('4.5'), D(6), D(6), D(10), D(6), D(10)),
                (D('5.5'), D('3.5'), D(6), D(10), D(3), D(10)),
                (D(4), D('5.5'), D(6), D(10), D('1.5'), D(10)),
                ])

    @with_transaction()
    def test_expert_seat_and_knowledge_cap(self):
        """K4a/K4b for a unit with expert seats (requires_expert_seat),
        each all or nothing, 100 = 80 + 20 applicable; D-16: the reviewer's
        D5.2 point beyond the categories' 2 only when allowed"""
        Config = Pool().get('sushi.assessment.configuration')
        ns = self.units()
        city = ns.city
        city.requires_expert_seat = True
        city.save()
        # K4a, K4b: all or nothing (2 points each)
        with self.assertRaises(UserError):
            self.event(city, 'K4b', 1, approve=False)
        self.event(city, 'K4a', 2)
        # D5.2: no knowledge entry (4 categories missing, −2) and the
        # reviewer's −0.5 for non-uniform scripts
        self.event(city, 'D5.2', '0.5')
        period = self.compute()
        scores = self.points(period, city)
        self.assertEqual(scores['K4'], (D(2), True))
        self.assertEqual(scores['D5.2'], (D(1), True))  # at most −2
        # daily: 61 applicable (no order: D1.4, D2.3, D2.5 missing) − 2
        # (D1.1: no deputy, no section) − 2 (D5.2) = 57; key 5 + 5 + 6 +
        # 2 = 18 of 20: 100 × 75 / 81 = 92.59
        result = self.result(period, city)
        self.assertEqual((result.daily, result.key, result.applicable_max,
                result.total), (D(57), D(18), D(81), D('92.59')))
        # D-16 allowed: 3 − 2.5 = 0.5; 100 × 74.5 / 81 = 91.98
        config = Config(1)
        config.knowledge_extra_deduction = True
        config.save()
        period = self.compute()
        self.assertEqual(self.points(period, city)['D5.2'][0], D('0.5'))
        self.assertEqual(self.result(period, city).total, D('91.98'))

    # --- publishing, bad input, objections, isolation --------------------

    @with_transaction()
    def test_publish_freezes(self):
        "A published period does not change; overlaps are refused"
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Score = pool.get('sushi.assessment.score')
        ns = self.units()
        period = self.compute()
        with at(2025, 4, 3, 10):
            Period.publish([period])
        self.assertEqual(period.state, 'published')
        with self.assertRaises(UserError):
            Period.compute([period])
        score, = Score.search([('period', '=', period.id),
                ('unit', '=', ns.county.id), ('item', '=', 'D2.2')])
        with self.assertRaises(AccessError):
            Score.write([score], {'points': D(5)})
        with self.assertRaises(UserError):
            Period.create([{'name': '三月', 'kind': 'month',
                        'start_date': dt.date(2025, 3, 1),
                        'end_date': dt.date(2025, 3, 31)}])
        with self.assertRaises(UserError):
            Period.create([{'name': '半月', 'kind': 'month',
                        'start_date': dt.date(2025, 4, 1),
                        'end_date': dt.date(2025, 4, 15)}])

    @with_transaction()
    def test_event_bad_input(self):
        "Events: evidence before approval, amounts of the item, 106 units"
        pool = Pool()
        Event = pool.get('sushi.assessment.event')
        ns = self.units()
        event = self.event(ns.county, 'D2.6', 1, approve=False)
        with self.assertRaises(UserError):
            Event.approve([event])
        self.assertEqual(event.state, 'draft')
        for item, amount in [('D2.6', '0.5'), ('D3.2', 4), ('B2', 2),
                ('D5.1', '1.5')]:
            with self.assertRaises(UserError, msg=item):
                self.event(ns.county, item, amount, approve=False)
        with self.assertRaises(UserError):
            self.event(ns.town, 'D2.6', 1, approve=False)
        # D1.4: the point per order is for a 督办件 only (附件5 四(一)1(4))
        plain = Facts().order(ns.county)
        with self.assertRaises(UserError):
            self.event(ns.county, 'D1.4', 1, approve=False,
                ticket=plain.ticket.id)
        # D1.4 review records: only a leader of the unit the order was
        # dispatched to, in their own name, once per order, and a recorded
        # review is a fact
        Review = pool.get('sushi.assessment.review')
        Leader = pool.get('sushi.unit.leader')
        stranger, = Leader.create([{'unit': ns.other.id,
                    'user': ns.other_handler.id}])
        deputy, principal = [Leader.search([('unit', '=', ns.county.id),
                        ('role', '=', role)])[0]
            for role in ['deputy_in_charge', 'principal']]
        # a leader of another unit, and the administrator: no leader of
        # 埇桥区, refused whatever leader they name; root (imports, the
        # demo) names the leader, who must be one of 埇桥区
        for user, values in [(ns.other_handler, {}),
                (ns.other_handler, {'leader': deputy.id}),
                (Transaction().user, {'leader': deputy.id}),
                (0, {'leader': stranger.id}), (0, {})]:
            with self.assertRaises(ReviewError):
                self.review_as(user, plain, values)
        # a leader of 埇桥区 naming a colleague: refused by the model, and
        # through the client (RPC, access checks on) the leader cannot be
        # given at all
        with self.assertRaises(ReviewError):
            self.review_as(ns.principal, plain, {'leader': deputy.id})
        with as_user(ns.principal), self.assertRaises(UserError):
            self.review_as(ns.principal, plain, {'leader': deputy.id})
        self.assertEqual(Review.search([]), [])
        # the leader is the user who records it, dated by the clock
        with as_user(ns.principal):
            review = self.review_as(ns.principal, plain, {})
        review = Review(review)
        self.assertEqual((review.leader, review.unit, review.reviewed_at),
            (principal, ns.county, local(2025, 3, 5, 9)))
        with self.assertRaises(UserError):
            Review.write([review], {'annotation': '改'})
        self.assertEqual(Review.search([]), [review])
        # the unit's staff read it in the client; another unit does not
        with as_user(ns.handler):
            self.assertEqual(Review.search([]), [review])
        with as_user(ns.other_handler):
            self.assertEqual(Review.search([]), [])
        # once per order (last: the database refuses the second row)
        with self.assertRaises(UserError):
            self.review_as(ns.leader, plain, {})

    @with_transaction()
    def test_objection_and_isolation(self):
        "A unit sees only its deductions and objects in time; cancelled"
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Deduction = pool.get('sushi.assessment.deduction')
        Objection = pool.get('sushi.assessment.objection')
        ns = self.units()
        self.march(ns)
        period = self.compute()
        with at(2025, 4, 3, 10):
            Period.publish([period])
        with Transaction().set_user(ns.handler.id), \
                Transaction().set_context(_check_access=True):
            mine = Deduction.search([])
            self.assertTrue(mine)
            self.assertEqual({d.score.unit.id for d in mine},
                {ns.county.id})
            card = [d for d in mine if d.kind == 'red_card'][0]
            with at(2025, 4, 8, 10):
                objection, = Objection.create([{'deduction': card.id,
                            'reason': '系统故障导致超期'}])
        # five working days after 3 April (4 April is a holiday)
        with at(2025, 4, 14, 10), self.assertRaises(UserError):
            Objection.create([{'deduction': card.id, 'reason': '再议'}])
        objection.decision_reason = '经核实系平台故障'
        objection.save()
        Objection.cancel_deduction([objection])
        self.assertTrue(card.cancelled)
        # D2.2 back to 4.5; daily 63 → 63 × 1.25 + 1 = 79.75
        self.assertEqual(self.points(period, ns.county)['D2.2'][0],
            D('4.5'))
        self.assertEqual(self.result(period, ns.county).total, D('79.75'))

    @with_transaction()
    def test_objection_rights(self):
        """Issue #11 item 4 (security): the unit objects, the officer
        decides.  From the client the objecting unit writes only its
        reason and evidence while the objection is open, never the
        decision (reason, state, who, when); the officer writes the
        decision's reason, not the unit's; units change no score, result,
        deduction, period or event; an officer approves no event by
        writing its state"""
        from trytond.model.exceptions import AccessButtonError
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Score = pool.get('sushi.assessment.score')
        Result = pool.get('sushi.assessment.result')
        Deduction = pool.get('sushi.assessment.deduction')
        Event = pool.get('sushi.assessment.event')
        Objection = pool.get('sushi.assessment.objection')
        Attachment = pool.get('ir.attachment')
        ns = self.units()
        officer = self.officer()
        # one approved D3.2 event of 埇桥区 (−1), computed and published
        approved = self.event(ns.county, 'D3.2', 1,
            ticket=create_ticket().id)
        period = self.compute()
        with at(2025, 4, 3, 10):
            Period.publish([period])
        deduction, = [d for d in Deduction.search([])
            if d.score.unit == ns.county and d.score.item == 'D3.2']
        result = self.result(period, ns.county)
        with as_user(ns.handler), at(2025, 4, 7, 10):
            # the decision cannot come with the objection
            with self.assertRaises(UserError):
                Objection.create([{'deduction': deduction.id,
                            'reason': '已按时报送', 'decision_reason': '撤销'}])
            objection, = Objection.create([{'deduction': deduction.id,
                        'reason': '已按时报送'}])
            for values in [{'decision_reason': '经核实，撤销扣分'},
                    {'state': 'cancelled'}, {'decided_by': ns.handler.id},
                    {'decided_at': local(2025, 4, 7, 10)},
                    {'unit': ns.other.id}]:
                with self.assertRaises(UserError, msg=str(values)):
                    Objection.write([Objection(objection.id)], values)
            # its own reason and evidence, while open
            Objection.write([Objection(objection.id)],
                {'reason': '已按时报送，附回执'})
            Attachment.create([{'resource': str(objection),
                        'name': '回执.pdf', 'type': 'data',
                        'data': b'%PDF-1.4'}])
            # nor does it decide by the buttons
            with self.assertRaises(AccessButtonError):
                Objection.cancel_deduction([Objection(objection.id)])
            # and changes nothing of the assessment itself
            score = deduction.score
            for call in [
                    lambda: Score.write([score], {'points': D(3)}),
                    lambda: Result.write([result], {'total': D(100)}),
                    lambda: Deduction.write([deduction],
                        {'cancelled': True}),
                    lambda: Period.write([period], {'state': 'draft'}),
                    lambda: Period.draft([period]),
                    lambda: Event.create([{'unit': ns.county.id,
                                'item': 'B1', 'amount': D(1),
                                'date': dt.date(2025, 3, 3),
                                'description': '自报加分'}]),
                    ]:
                with self.assertRaises(UserError):
                    call()
        # another unit neither sees nor writes it
        with as_user(ns.other_handler):
            self.assertEqual(Objection.search([]), [])
        with as_user(officer), at(2025, 4, 8, 10):
            with self.assertRaises(UserError):
                Objection.write([Objection(objection.id)],
                    {'reason': '改写单位的理由'})
            Objection.write([Objection(objection.id)],
                {'decision_reason': '回执时间在时限内，撤销扣分'})
            Objection.cancel_deduction([Objection(objection.id)])
        objection = Objection(objection.id)
        self.assertEqual((objection.state, objection.reason,
                objection.decision_reason, objection.decided_by),
            ('cancelled', '已按时报送，附回执', '回执时间在时限内，撤销扣分',
                officer))
        # decided: the unit's reason and evidence are locked too
        with as_user(ns.handler):
            with self.assertRaises(UserError):
                Objection.write([objection], {'reason': '再补充'})
            with self.assertRaises(UserError):
                Attachment.create([{'resource': str(objection),
                            'name': '补充.pdf', 'type': 'data',
                            'data': b'%PDF-1.4'}])
        # the evidence of an approved event stays
        with as_user(officer), self.assertRaises(UserError):
            Attachment.delete(Attachment.search([
                        ('resource', '=', str(approved))]))
        # the entering officer: an event counts only through approve
        # (evidence), never by writing its state or approver
        with as_user(officer):
            event, = Event.create([{'unit': ns.county.id, 'item': 'D3.2',
                        'amount': D(1), 'date': dt.date(2025, 5, 6),
                        'description': '未按要求报送'}])
            self.assertEqual(event.officer, officer)
            for values in [{'state': 'approved'},
                    {'approved_by': officer.id},
                    {'officer': ns.handler.id}]:
                with self.assertRaises(UserError, msg=str(values)):
                    Event.write([Event(event.id)], values)
            with self.assertRaises(UserError):
                Event.create([{'unit': ns.county.id, 'item': 'D3.2',
                            'amount': D(1), 'date': dt.date(2025, 5, 6),
                            'description': '未按要求报送',
                            'state': 'approved'}])
            with self.assertRaises(UserError):
                Event.approve([Event(event.id)])  # no evidence
        self.assertEqual(Event(event.id).state, 'draft')

    @with_transaction()
    def test_bulletin_cron_year_end_without_next_year(self):
        """ASM-01, SCORING §4, CONV-03: on Tuesday 5 January 2027 (the
        bulletin day) the cron scores December 2026 and the fourth quarter
        (1 October to 31 December); with no official schedule for 2027
        the objection deadline cannot be counted, so the scores are kept
        computed and nothing is published (never a guessed deadline); once
        2027 is entered the next run publishes them, the objection window
        closing 5 working days later: 6, 7, 8, 11, 12 January 17:30 (a
        2027 entered without holidays)"""
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Bulletin = pool.get('sushi.assessment.bulletin')
        Year = pool.get('sushi.calendar.year')
        self.units()
        Year.delete(Year.search([('year', '=', 2027)]))
        with at(2027, 1, 5, 9):
            self.assertEqual(Period.run_bulletins(), [])
        periods = Period.search([], order=[('kind', 'ASC')])
        self.assertEqual(
            [(p.kind, p.start_date, p.end_date, p.state) for p in periods], [
                ('month', dt.date(2026, 12, 1), dt.date(2026, 12, 31),
                    'computed'),
                ('quarter', dt.date(2026, 10, 1), dt.date(2026, 12, 31),
                    'computed'),
                # ASM-04: the year, scored for the Office, never published
                # by the cron
                ('year', dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                    'computed')])
        self.assertEqual(Bulletin.search([]), [])
        Year.create([{'year': 2027, 'source': 'manual'}])
        with at(2027, 1, 5, 9):
            done = Period.run_bulletins()
        self.assertEqual(sorted((p.kind, p.state, as_local(
                        p.objection_deadline)) for p in done), [
                ('month', 'published', dt.datetime(2027, 1, 12, 17, 30)),
                ('quarter', 'published', dt.datetime(2027, 1, 12, 17, 30))])

    @with_transaction()
    def test_held_periods_published_when_year_entered(self):
        """ASM-01, CONV-03: December 2026 and the fourth quarter, scored on
        Tuesday 5 January 2027 and held (no schedule for 2027), are
        published when 2027 is entered on Wednesday 3 February, in the
        following month: at the entry (queued), not only while it is
        still January.  The objection window closes 5 working days later
        (a 2027 entered without holidays): 4, 5, 8, 9, 10 February 17:30;
        their bulletins are sent"""
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Bulletin = pool.get('sushi.assessment.bulletin')
        Year = pool.get('sushi.calendar.year')
        self.units()
        Year.delete(Year.search([('year', '=', 2027)]))
        with at(2027, 1, 5, 9):
            self.assertEqual(Period.run_bulletins(), [])
        held = Period.search([('held_for_calendar', '=', True)])
        self.assertEqual(sorted(p.kind for p in held), ['month', 'quarter'])
        with at(2027, 2, 3, 10):
            Year.create([{'year': 2027, 'source': 'manual'}])
            run_queue()
        periods = Period.search([('kind', '!=', 'year')],
            order=[('kind', 'ASC')])
        self.assertEqual([(p.kind, p.state, p.held_for_calendar,
                    as_local(p.published_at), as_local(p.objection_deadline))
                for p in periods], [
                ('month', 'published', False, dt.datetime(2027, 2, 3, 10),
                    dt.datetime(2027, 2, 10, 17, 30)),
                ('quarter', 'published', False, dt.datetime(2027, 2, 3, 10),
                    dt.datetime(2027, 2, 10, 17, 30))])
        self.assertTrue(Bulletin.search([]))
        # ASM-04: the year 2026, scored on 5 January, waits for the Office
        year, = Period.search([('kind', '=', 'year')])
        self.assertEqual((year.start_date, year.state, year.published_at),
            (dt.date(2026, 1, 1), 'computed', None))

    @with_transaction()
    def test_bulletin_cron_after_a_stop(self):
        """ASM-01: the bulletin cron run twice a day publishes once; after
        a cron stopped from 4 May to Monday 2 June 2025 (before the
        bulletin day, the 5th) April's month is scored and published late
        on 2 June, May's from 5 June"""
        Period = Pool().get('sushi.assessment.period')
        self.units()
        with at(2025, 4, 7, 9):
            done = Period.run_bulletins(dt.date(2025, 4, 7))
            self.assertEqual(Period.run_bulletins(dt.date(2025, 4, 7)), [])
        self.assertEqual(sorted((p.kind, p.start_date) for p in done), [
                ('month', dt.date(2025, 3, 1)),
                ('quarter', dt.date(2025, 1, 1))])
        with at(2025, 6, 2, 9):
            done = Period.run_bulletins(dt.date(2025, 6, 2))
            self.assertEqual(Period.run_bulletins(dt.date(2025, 6, 2)), [])
        self.assertEqual([(p.kind, p.start_date, p.state) for p in done],
            [('month', dt.date(2025, 4, 1), 'published')])
        with at(2025, 6, 5, 9):
            done = Period.run_bulletins(dt.date(2025, 6, 5))
        self.assertEqual([(p.kind, p.start_date) for p in done],
            [('month', dt.date(2025, 5, 1))])

    @with_transaction()
    def test_bulletin_cron(self):
        "ASM-01: the cron scores, publishes and sends March and Q1"
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Bulletin = pool.get('sushi.assessment.bulletin')
        ns = self.units()
        self.march(ns)
        # an address of this run only, to find the handler's e-mail
        address = f'handler-{uuid.uuid4().hex[:12]}@example.org'
        ns.handler.email = address
        ns.handler.save()
        with at(2025, 4, 4, 9):
            self.assertEqual(Period.run_bulletins(dt.date(2025, 4, 4)), [])
        with at(2025, 4, 7, 9):
            done = Period.run_bulletins(dt.date(2025, 4, 7))
        self.assertEqual(sorted((p.kind, p.state) for p in done),
            [('month', 'published'), ('quarter', 'published')])
        bulletins = Bulletin.search([])
        self.assertEqual(len(bulletins), 2)
        for bulletin in bulletins:
            self.assertTrue(bytes(bulletin.workbook).startswith(b'PK'))
            with zipfile.ZipFile(io.BytesIO(bulletin.workbook)) as book:
                # the ranking bars and the rates of each group sheet
                self.assertIn('xl/charts/chart1.xml', book.namelist())
                sheet = book.read('xl/worksheets/sheet1.xml').decode()
                strings = book.read('xl/sharedStrings.xml').decode()
                core = book.read('docProps/core.xml').decode()
                # (the part after '#' is the link's location in the sheet)
                links = ''.join(book.read(n).decode()
                    for n in book.namelist()
                    if n.startswith('xl/worksheets/'))
            # the workbook's title; the origin's number links to the
            # record in the web client (#11 item 5)
            self.assertIn('<dc:title>' + gettext(
                    'sushi_assessment.msg_bulletin_subject',
                    period=bulletin.period.rec_name) + '</dc:title>', core)
            self.assertIn('/model/sushi.ticket.assignment/%d"'
                % self.march_orders[2].id, links)
            # frozen headers; the deductions sheet names the origin record
            # (the supervised order not reviewed, D1.4)
            self.assertIn('<pane', sheet)
            self.assertIn(self.march_orders[2].rec_name, strings)
            html = bytes(bulletin.document).decode('utf-8')
            self.assertIn('埇桥区', html)
            self.assertIn('<svg', html)
        # sent in the client to the staff and the leaders of 埇桥区
        ResNotification = pool.get('res.notification')
        notified = {n.user for n in ResNotification.search([
                    ('model', '=', 'sushi.assessment.result')])}
        self.assertLessEqual({ns.handler, ns.leader, ns.principal},
            notified)
        # ... and by e-mail: one message per bulletin reaches the SMTP
        # server (the Maildir of the server process the test runner
        # starts), the month's with the unit's total of March, 79.13
        if MAILDIR:
            send_queued_mail(Transaction())
            found = delivered(address, count=len(done))
            subject = {p.kind: '[宿事速办] ' + gettext(
                    'sushi_assessment.msg_bulletin_subject',
                    period=p.rec_name) for p in done}
            self.assertEqual(sorted(m['Subject'] for m in found),
                sorted(subject.values()))
            month_mail, = [m for m in found
                if m['Subject'] == subject['month']]
            self.assertIn('埇桥区: 79.13 (', month_mail.get_content())
        # the unit × item table: one row per unit, one column per item
        Pivot = pool.get('sushi.assessment.pivot')
        month = [p for p in done if p.kind == 'month'][0]
        row, = Pivot.search([('period', '=', month.id),
                ('unit', '=', ns.county.id)])
        # the March worked by hand in test_month_scores: D2.2 4, D2.1a 0.5,
        # no key work for a county, total 79.13
        self.assertEqual((row.i_d2_2, row.i_d2_1a, row.i_k1, row.total),
            (D(4), D('0.5'), None, D('79.13')))
        # one row per assessed unit of the network
        self.assertEqual(Pivot.search_count([('period', '=', month.id)]),
            pool.get('sushi.unit').search_count([('assessed', '=', True)]))
        ext, content, _, name = pool.get(
            'sushi.assessment.pivot.xlsx', type='report').execute(
            [month.id], {})
        self.assertEqual(ext, 'xlsx')
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            sheet = book.read('xl/worksheets/sheet1.xml').decode()
        self.assertIn('<pane xSplit="2" ySplit="2"', sheet)
        # the quarter scores D2.5 on the whole quarter: the same 4
        quarter = [p for p in done if p.kind == 'quarter'][0]
        self.assertEqual(self.points(quarter, ns.county)['D2.5'][0], D(4))
        # the city leader's board, read as sao reads it (each action's
        # domain, the graph's x and y fields): the ranking bars are the
        # last published month's (not the quarter's), the trend lines the
        # months', the results list the published periods'
        ActWindow = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        Result = pool.get('sushi.assessment.result')

        def shown(xml_id):
            action = ActWindow(ModelData.get_id('sushi_assessment', xml_id))
            return Result.search(
                PYSONDecoder().decode(action.pyson_domain))
        ranking = shown('act_board_ranking')
        self.assertEqual({r.period for r in ranking}, {month})
        bars = {r['unit.']['rec_name']: r['total'] for r in Result.read(
                [r.id for r in ranking], ['unit.rec_name', 'total'])}
        self.assertEqual(bars[ns.county.rec_name], D('79.13'))
        # 得分趋势: one point per month, the average of the units' totals
        # (sao's graph adds up the records at a month: over the results it
        # drew the sum, ~9 700 on the demo); the quarter is not a month
        Trend = pool.get('sushi.assessment.result.trend')
        trend_action = ActWindow(
            ModelData.get_id('sushi_assessment', 'act_trend'))
        self.assertEqual(trend_action.res_model, Trend.__name__)
        point, = Trend.search(
            PYSONDecoder().decode(trend_action.pyson_domain))
        totals = [r.total for r in Result.search(
                [('period', '=', month.id)])]
        self.assertEqual(point.period, month)
        self.assertEqual(point.units, len(totals))
        self.assertEqual(point.average.quantize(D('0.01')),
            (sum(totals) / len(totals)).quantize(D('0.01')))
        self.assertEqual((point.highest, point.lowest),
            (max(totals), min(totals)))
        # the graph's line is the average, not a sum of the units' totals
        View = pool.get('ir.ui.view')
        graph = View(ModelData.get_id(
                'sushi_assessment', 'trend_view_graph'))
        arch = graph.view_get(model=Trend.__name__)['arch']
        self.assertIn('name="average"', arch)
        self.assertNotIn('name="total"', arch)
        self.assertEqual({r.period for r in shown('act_board_results')},
            {month, quarter})
        # the board's results list loads one page, newest month first (it
        # loaded all 742 demo rows, with the trend's 742, and the tab died)
        results_action = ActWindow(
            ModelData.get_id('sushi_assessment', 'act_board_results'))
        self.assertEqual(results_action.limit, 120)
        self.assertEqual(Result.search(
                PYSONDecoder().decode(results_action.pyson_domain),
                order=PYSONDecoder().decode(results_action.pyson_order),
                limit=1)[0].period, month)
        # sao's board makes each action's screen without the action's
        # domain and ANDs only its context domain: the board's filters are
        # there too (without, the ranking summed every month of a unit and
        # the board drew 742 results twice)
        for xml_id in ['act_board_ranking', 'act_board_results',
                'act_board_objections']:
            action = ActWindow(ModelData.get_id('sushi_assessment', xml_id))
            self.assertEqual(PYSONDecoder().decode(action.context_domain),
                PYSONDecoder().decode(action.pyson_domain), xml_id)
        # the board's view as the client asks for it, twice (the second
        # answer comes from the view cache): its actions by database id
        board = View(ModelData.get_id('sushi_assessment', 'board_view'))
        expected = ModelData.get_id('sushi_assessment', 'act_board_ranking')
        for _ in range(2):
            arch = board.view_get(model=board.model)['arch']
            self.assertIn(f'name="{expected}"', arch)
            self.assertNotIn('sushi_assessment.', arch)

    @with_transaction()
    def test_supervision_cases(self):
        "D3.2 per escalated case and responsible unit, D3.1 per finding"
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Action = pool.get('sushi.supervision.action')
        ns = self.units()
        cursor = Transaction().connection.cursor()
        table = Supervision.__table__()

        def case(level, lead, co_units=(), responsible=(), day=10):
            trigger = {'routine': 'scope_other', 'L1': 'l1_not_handled',
                'L2': 'l2_media_exposure', 'L3': 'l3_major'}[level]
            record, = Supervision.create([{
                        'level': level, 'trigger': trigger,
                        'lead_unit': lead.id, 'content': '督办事项',
                        'co_units': [('add', [u.id for u in co_units])],
                        'responsible_units': [
                            ('add', [u.id for u in responsible])],
                        }])
            cursor.execute(*table.update(
                    [table.state, table.registered_at],
                    ['registered', local(2025, 3, day, 10)],
                    where=table.id == record.id))
            return record
        # L2 against 埇桥区 (lead) and 萧县 (co-unit): −2 each;
        # L3 naming 埇桥区 alone as responsible: −3; a routine case and an
        # L1 registered in April do not count in March
        case('L2', ns.county, co_units=[ns.other])
        case('L3', ns.city, co_units=[ns.other], responsible=[ns.county])
        case('routine', ns.county)
        case('L1', ns.county, day=31)  # 31 March 10:00 counts
        april, = Supervision.create([{'level': 'L1',
                    'trigger': 'l1_not_handled',
                    'lead_unit': ns.county.id, 'content': '督办事项'}])
        cursor.execute(*table.update([table.state, table.registered_at],
                ['registered', local(2025, 4, 1, 10)],
                where=table.id == april.id))
        # two findings of non-cooperation against 萧县: −0.5 each
        routine, = Supervision.search([('level', '=', 'routine')])
        Action.create([{'supervision': routine.id, 'unit': ns.other.id,
                    'kind': 'phone', 'at': local(2025, 3, day, 11),
                    'note': '电话督办', 'non_cooperation': 'delay',
                    'evidence': '督办意见逾期未落实'}
                for day in [11, 12]])
        period = self.compute()
        county = self.points(period, ns.county)
        other = self.points(period, ns.other)
        self.assertEqual(county['D3.2'][0], D(2))   # 8 − 2 − 3 − 1
        self.assertEqual(other['D3.2'][0], D(6))    # 8 − 2
        self.assertEqual(other['D3.1'][0], D(3))    # 4 − 0.5 − 0.5
        self.assertEqual(self.points(period, ns.city)['D3.2'][0], D(8))

    @with_transaction()
    def test_facts_and_candidates(self):
        """D4.3 from the consultation facts (origin: the fact); D2.3 (b),
        P1, P3, D3.1 and D4.2 proposed as draft events; an automatic fact
        confirmed by an event is not counted twice"""
        pool = Pool()
        Event = pool.get('sushi.assessment.event')
        Deduction = pool.get('sushi.assessment.deduction')
        Configuration = pool.get('sushi.assessment.configuration')
        Topic = pool.get('sushi.consultation.topic')
        Letter = pool.get('sushi.consultation.letter')
        Fact = pool.get('sushi.consultation.fact')
        Supervision = pool.get('sushi.supervision')
        Opinion = pool.get('sushi.supervision.opinion')
        ns = self.units()
        f = Facts()
        config = Configuration(1)
        config.interview_rank = 1
        config.save()
        # D4.3: 萧县's letter due 10 March 17:30 comes on the 14th (−0.5);
        # D4.2: 埇桥区's minutes due 12 March are late (a candidate only)
        topic, = Topic.create([{'title': '汴河路片区排水', 'source': 'office',
                    'lead_unit': ns.county.id}])
        letter, minutes = Letter.create([{'topic': topic.id,
                    'unit': unit.id, 'requested_at': local(2025, 3, 6, 9),
                    'due_at': local(2025, 3, day, 17, 30)}
                for unit, day in [(ns.other, 10), (ns.county, 12)]])
        with at(2025, 3, 14, 9):
            letter_fact, = Fact.record_letters([letter])
            minutes_fact, = Fact.create([{'item': 'D4.2',
                        'kind': 'late_minutes', 'unit': ns.county.id,
                        'topic': topic.id, 'origin': str(minutes),
                        'due_at': local(2025, 3, 12, 17, 30),
                        'occurred_at': local(2025, 3, 12, 17, 30)}])
        # D3.1: an opinion to 埇桥区 due 17 March, never answered
        case, = Supervision.create([{'level': 'routine',
                    'trigger': 'scope_other', 'lead_unit': ns.county.id,
                    'content': '督办事项'}])
        opinion, = Opinion.create([{'supervision': case.id,
                    'unit': ns.county.id, 'text': '请于3月17日前落实',
                    'deadline': local(2025, 3, 17, 17, 30)}])
        try:
            # the stored fact of the overdue opinion (sushi_supervision,
            # issue #9), once installed, is what the assessment reads
            OpinionFact = pool.get('sushi.supervision.fact')
        except KeyError:
            overdue = opinion
        else:
            with at(2025, 3, 18, 9):
                OpinionFact.detect()
            overdue, = OpinionFact.search([('opinion', '=', opinion.id)])
        # P1: a city-leader instruction order red-carded on 12 March
        flagged = f.order(ns.county, red_card=True,
            red_card_at=local(2025, 3, 12, 17, 30),
            ticket_values={'leader_instruction': True})
        # P3: a request of 20 March repeating an order 埇桥区 closed,
        # accepted as a new order (SCP-04 c)
        closed = f.order(ns.county).ticket
        f._update(f.Ticket, closed, {'state': 'archived',
                'lead_unit': ns.county.id})
        repeat = create_ticket()
        f._update(f.Ticket, repeat, {'repeat_of': closed.id,
                'received_at': local(2025, 3, 20, 10), 'state': 'accepted'})
        # SCP-04 b: a repeat of 21 March not accepted, the order having
        # been closed lawfully on the same facts: no suspicion, no P3
        rejected = create_ticket()
        f._update(f.Ticket, rejected, {'repeat_of': closed.id,
                'received_at': local(2025, 3, 21, 10),
                'disposal': 'rejected_repeat', 'state': 'rejected'})
        # D2.3 (b): complaints (limit 7) completed in January, February
        # and March: 埇桥区 10 days, 萧县 3 days (10/7 > 3/7 each month:
        # 埇桥区 is the slowest county every month); 城管局 alone in its
        # category but without a February order
        for month in [1, 2, 3]:
            for unit, days in [(ns.county, 10), (ns.other, 3)]:
                f.order(unit, handling_days=days, limit_days=7,
                    dispatched=(2025, month, 3, 9),
                    completed_at=local(2025, month, 20, 10))
            if month != 2:
                f.order(ns.city, handling_days=20, limit_days=7,
                    dispatched=(2025, month, 3, 9),
                    completed_at=local(2025, month, 20, 10))
        with at(2025, 4, 3, 9):
            proposed = Event.propose(dt.date(2025, 3, 1),
                dt.date(2025, 3, 31))
            self.assertEqual(Event.propose(dt.date(2025, 3, 1),
                    dt.date(2025, 3, 31)), [])
        self.assertEqual(sorted((e.item, e.unit.id, e.amount, e.date,
                    e.state, str(e.link) if e.link else None)
                for e in proposed), sorted([
                    ('D2.3', ns.county.id, D(1), dt.date(2025, 4, 1),
                        'draft', None),
                    ('D3.1', ns.county.id, D('0.5'), dt.date(2025, 3, 17),
                        'draft', str(overdue)),
                    ('D4.2', ns.county.id, D('0.5'), dt.date(2025, 3, 12),
                        'draft', str(minutes_fact)),
                    ('P1', ns.county.id, D(1), dt.date(2025, 3, 12),
                        'draft', str(flagged)),
                    ('P3', ns.county.id, D(1), dt.date(2025, 3, 20),
                        'draft', None),
                    ]))
        p1, = [e for e in proposed if e.item == 'P1']
        p3, = [e for e in proposed if e.item == 'P3']
        self.assertEqual(p3.ticket, closed)
        # the red card is the evidence of P1; P3 needs the verification
        Event.approve([p1])
        with self.assertRaises(UserError):
            Event.approve([p3])
        period = self.compute()
        county = self.points(period, ns.county)
        self.assertEqual(county['P1'][0], D(-1))
        self.assertEqual(county['D3.1'][0], D(4))   # a candidate only
        self.assertEqual(county['D4.2'][0], D(3))
        self.assertEqual(self.points(period, ns.other)['D4.3'][0],
            D('1.5'))                               # 2 − 0.5
        deduction, = Deduction.search([('score.item', '=', 'D4.3')])
        self.assertEqual((deduction.origin, deduction.occurred_at),
            (letter_fact, local(2025, 3, 10, 17, 30)))
        # overdue opinions made automatic: −0.5 pointing at the opinion;
        # the approved candidate of the same opinion does not count again
        config.overdue_opinions_automatic = True
        config.save()
        d31, = [e for e in proposed if e.item == 'D3.1']
        attach(d31)
        Event.approve([d31])
        period = self.compute()
        self.assertEqual(self.points(period, ns.county)['D3.1'][0],
            D('3.5'))
        deduction, = Deduction.search([('score.item', '=', 'D3.1'),
                ('score.period', '=', period.id)])
        self.assertEqual(deduction.origin, overdue)

    @with_transaction()
    def test_first_reply_recorded(self):
        """ASM-02: the earliest submitted reply of an order is recorded on
        it when a reply is submitted (signed off through the workflow),
        written or deleted: what the on-time feedback counts"""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Reply = pool.get('sushi.ticket.reply')
        ns = self.units()
        f = Facts()
        order = f.order(ns.county)

        def first():
            return Assignment(order.id).first_reply_at
        self.assertIsNone(first())
        values = {'assignment': order.id, 'content': '已处理。',
            'result': 'resolved', 'handler_name': '李工',
            'handler_phone': '0557-3021234'}
        early, = Reply.create([{**values,
                    'submitted_at': local(2025, 3, 12, 9)}])
        self.assertEqual(first(), local(2025, 3, 12, 9))
        later, = Reply.create([values])
        self.assertEqual(first(), local(2025, 3, 12, 9))
        Reply.write([later], {'submitted_at': local(2025, 3, 10, 9)})
        self.assertEqual(first(), local(2025, 3, 10, 9))
        Reply.delete([later])
        self.assertEqual(first(), local(2025, 3, 12, 9))
        # the workflow: recorded when the leader signs the reply off, dated
        # then (not when it was written or sent for sign-off)
        with at(2025, 3, 3, 9):
            signed, = dispatch_ticket(create_ticket(), ns.county,
                basis='属地管理')
        with at(2025, 3, 3, 10), Transaction().set_user(ns.handler.id):
            Assignment.sign([signed])
        with at(2025, 3, 5, 15), Transaction().set_user(ns.handler.id):
            reply = write_reply(signed)
            Reply.request_sign_off([reply])
        self.assertIsNone(Assignment(signed.id).first_reply_at)
        with at(2025, 3, 5, 16), Transaction().set_user(ns.leader.id):
            Reply.sign_off([reply])
        self.assertEqual(Assignment(signed.id).first_reply_at,
            local(2025, 3, 5, 16))
