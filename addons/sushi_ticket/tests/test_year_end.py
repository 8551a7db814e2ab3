# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The year after the last one entered (CONV-03): work orders keep being
dispatched from 23 December with provisional deadlines (weekends only),
and every such deadline, with the facts it dates, is recomputed when the
year's official schedule is entered.

The 2027 schedule below is a TEST schedule, not the State Council's (not
published when these tests were written): Friday 1 January 2027 a
holiday and Saturday 9 January a make-up working day (调休上班).  Every
expected value is counted by hand from RULES.md: CONV-05 (the day of the
act is not counted; 17:30 on the N-th working day), SGN-01/02 (morning:
17:30 the same day; afternoon: 12:00 the next working day), LGT-03 (the
yellow light at half the working time, a working day counting its whole
24 hours)."""
import datetime as dt
import os
import unittest
from unittest.mock import patch

import polib

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.tools import find_path
from trytond.transaction import Transaction

from ..exceptions import ArchiveError, CalendarMissingYearError
from .tools import (
    DBTestCase, as_local, at, create_ticket, local, run_queue,
    setup_network, dispatch_ticket)

SCHEDULE_2027 = '日期,类型,备注\n2027-01-01,休,元旦\n2027-01-09,班,调休上班\n'


def write_reply(assignment, contacted_at):
    Reply = Pool().get('sushi.ticket.reply')
    reply, = Reply.create([{
                'assignment': assignment.id,
                'content': '经现场核查,已协调相关部门处理完毕,并电话告知诉求人。',
                'result': 'resolved',
                'policy_references': '《宿州市12345政务服务便民热线管理办法》',
                'contacted_at': contacted_at,
                'contact_method': 'phone',
                'contact_summary': '电话告知诉求人处理结果,诉求人表示认可。',
                'requester_satisfaction': 'satisfied',
                'handler_name': '李工',
                'handler_phone': '0557-3021234',
                }])
    return reply


def import_2027(when, data=SCHEDULE_2027, replace=False):
    """The 2027 schedule data imported through the wizard at when (local
    wall-clock arguments of at), by the transaction's user; the queue
    run."""
    Import = Pool().get('sushi.calendar.import', type='wizard')
    with at(*when):
        session_id, _, _ = Import.create()
        Import.execute(session_id, {'start': {
                    'year': 2027, 'file_': data.encode('utf-8'),
                    'filename': '2027.csv', 'replace': replace}},
            'import_')
        Import.delete(session_id)
        run_queue()


class YearEndTestCase(DBTestCase, unittest.TestCase):
    "Work orders across 2026 → 2027 before and after 2027 is entered"

    def without_2027(self, policy='provisional'):
        pool = Pool()
        Year = pool.get('sushi.calendar.year')
        Year.delete(Year.search([('year', '=', 2027)]))
        self.policy(policy)

    def policy(self, policy):
        Configuration = Pool().get('sushi.configuration')
        config = Configuration(1)
        config.missing_year_policy = policy
        config.save()

    def import_2027(self, when, data=SCHEDULE_2027, replace=False):
        import_2027(when, data=data, replace=replace)

    def dispatch(self, ns, when, request_type='consult'):
        ticket = create_ticket(request_type=request_type)
        with at(*when):
            assignment, = dispatch_ticket(ticket, ns.county, basis='属地管理')
        return assignment

    def sign(self, ns, assignment, when):
        Assignment = Pool().get('sushi.ticket.assignment')
        with at(*when), Transaction().set_user(ns.handler.id):
            Assignment.sign([assignment])

    def submit_reply(self, ns, assignment, when):
        Reply = Pool().get('sushi.ticket.reply')
        with at(*when[:3], when[3] - 1), Transaction().set_user(
                ns.handler.id):
            reply = write_reply(assignment, local(*when[:3], when[3] - 1))
            Reply.request_sign_off([reply])
        with at(*when), Transaction().set_user(ns.leader.id):
            Reply.sign_off([reply])
        return Reply(reply.id)

    def events(self, assignment, action):
        Event = Pool().get('sushi.ticket.event')
        return [as_local(e.at) for e in Event.search([
                    ('assignment', '=', assignment.id),
                    ('action', '=', action),
                    ], order=[('at', 'ASC'), ('id', 'ASC')])]

    @with_transaction()
    def test_provisional_deadlines_recomputed_when_2027_entered(self):
        """CONV-03, CONV-05, SGN-01, SGN-02, SGN-04, LGT-02, LGT-03,
        LGT-05, ACC-02: orders dispatched while 2027 is not entered get
        provisional deadlines (weekends only), marked; when 2027 is
        imported their deadlines are recomputed, a red card the real
        deadline does not support is withdrawn and a late sign-in and a
        red card it supports are given, dated at the real deadlines"""
        Assignment = Pool().get('sushi.ticket.assignment')
        self.without_2027()
        ns = setup_network()

        # A: a consultation (1 working day) dispatched Thursday
        # 31 December 2026 10:00, a morning: signed by 17:30 the same day
        # (SGN-01, 2026 known); due 1 working day later: Friday 1 January
        # 2027 17:30 counting the weekends only (provisional)
        a = self.dispatch(ns, (2026, 12, 31, 10))
        self.assertEqual(as_local(a.sign_deadline),
            dt.datetime(2026, 12, 31, 17, 30))
        self.assertEqual(as_local(a.due_at), dt.datetime(2027, 1, 1, 17, 30))
        self.assertEqual(as_local(a.return_deadline),
            dt.datetime(2027, 1, 1, 17, 30))
        self.assertTrue(a.deadline_provisional)
        self.assertEqual(
            Assignment.search([('deadline_provisional', '=', True)]), [a])
        self.sign(ns, a, (2026, 12, 31, 11))
        # the sweep of Saturday 2 January: past the provisional due time,
        # a red card dated at it, with its ACC-02 candidate
        with at(2027, 1, 2, 10):
            Assignment.sweep()
            run_queue()
        a = Assignment(a.id)
        self.assertEqual((a.red_card, as_local(a.red_card_at), a.light),
            (True, dt.datetime(2027, 1, 1, 17, 30), 'red'))
        self.assertTrue(a.overdue_accountability_candidate)
        # the reply is submitted Monday 4 January 10:00
        reply = self.submit_reply(ns, a, (2027, 1, 4, 10))
        self.assertTrue(Assignment(a.id).late_completion)
        # REV-04: the platform's review, 1 working day: Tuesday 5 January
        self.assertEqual(as_local(reply.review_due_at),
            dt.datetime(2027, 1, 5, 17, 30))

        # B: a consultation dispatched Friday 8 January 2027 15:00, an
        # afternoon, 2027 still not entered: sign-in by 12:00 on the next
        # working day, due 17:30 on it: Monday 11 January (provisional)
        b = self.dispatch(ns, (2027, 1, 8, 15))
        self.assertEqual(as_local(b.sign_deadline),
            dt.datetime(2027, 1, 11, 12))
        self.assertEqual(as_local(b.due_at), dt.datetime(2027, 1, 11, 17, 30))
        with at(2027, 1, 9, 13):
            Assignment.sweep()
            run_queue()
        self.sign(ns, b, (2027, 1, 11, 9))
        b = Assignment(b.id)
        self.assertFalse(b.late_sign_in)
        self.assertFalse(b.red_card)

        # Monday 11 January 10:00: 2027 is imported (1 January a holiday,
        # Saturday 9 January a make-up working day)
        self.import_2027((2027, 1, 11, 10))

        # A: 1 January off, 2-3 January a weekend: due Monday 4 January
        # 17:30; the reply of 4 January 10:00 was in time: the card, the
        # late completion and the ACC-02 candidate are withdrawn.  Yellow
        # at half of the working time from 31 December 10:00 (14 h that
        # day, 17.5 h on 4 January: 31.5 h): 15.75 h, 4 January 01:45
        a = Assignment(a.id)
        self.assertEqual(as_local(a.due_at), dt.datetime(2027, 1, 4, 17, 30))
        self.assertEqual(as_local(a.original_due_at),
            dt.datetime(2027, 1, 4, 17, 30))
        self.assertEqual(as_local(a.return_deadline),
            dt.datetime(2027, 1, 4, 17, 30))
        self.assertEqual(as_local(a.yellow_at), dt.datetime(2027, 1, 4, 1, 45))
        self.assertEqual(as_local(a.ticket.deadline),
            dt.datetime(2027, 1, 4, 17, 30))
        self.assertFalse(a.deadline_provisional)
        self.assertEqual((a.red_card, a.red_card_at, a.late_completion),
            (False, None, False))
        self.assertFalse(a.overdue_accountability_candidate)
        self.assertIsNone(a.overdue_accountability_candidate_at)
        self.assertNotEqual(a.light, 'red')
        self.assertFalse(a.late_sign_in)
        # the unit's staff, told of the card on 2 January, are told it is
        # withdrawn (of A only)
        ResNotification = Pool().get('res.notification')
        told = ResNotification.search([('user', '=', ns.handler.id),
                ('label', 'like', 'Red card withdrawn%')])
        self.assertEqual([n.description.split(' ')[0] for n in told],
            [a.ticket.number])

        # B: Saturday 9 January is a working day: sign-in by 12:00 and
        # due 17:30 that day; signed Monday 11 January 9:00 it is late
        # (SGN-04) and, unreplied at 10:00 on the 11th, overdue (LGT-02,
        # ACC-02): each fact dated at its real deadline (LGT-05)
        b = Assignment(b.id)
        self.assertEqual(as_local(b.sign_deadline),
            dt.datetime(2027, 1, 9, 12))
        self.assertEqual(as_local(b.due_at), dt.datetime(2027, 1, 9, 17, 30))
        self.assertEqual((b.late_sign_in, as_local(b.late_sign_in_at)),
            (True, dt.datetime(2027, 1, 9, 12)))
        self.assertEqual((b.red_card, as_local(b.red_card_at), b.light),
            (True, dt.datetime(2027, 1, 9, 17, 30), 'red'))
        self.assertEqual(as_local(b.overdue_accountability_candidate_at),
            dt.datetime(2027, 1, 9, 17, 30))
        self.assertEqual(self.events(b, 'late_sign_in'),
            [dt.datetime(2027, 1, 9, 12)])
        self.assertEqual(self.events(b, 'red_card'),
            [dt.datetime(2027, 1, 9, 17, 30)])
        self.assertEqual(self.events(b, 'deadline_recompute'),
            [dt.datetime(2027, 1, 11, 10)])
        self.assertEqual(Assignment.search(
                [('deadline_provisional', '=', True)]), [])

        # reproducible: applied again (a day edited, a re-run), nothing
        # changes and no event is added
        Year = Pool().get('sushi.calendar.year')
        year, = Year.search([('year', '=', 2027)])
        self.assertIsNotNone(year.applied_at)
        with at(2027, 1, 12, 9):
            Year.fill_platform_deadlines([year])
        for record in [a, b]:
            self.assertEqual(len(self.events(record, 'deadline_recompute')),
                1)
        self.assertEqual(Assignment(b.id).red_card_at, b.red_card_at)
        self.assertFalse(Assignment(a.id).red_card)

    @with_transaction()
    def test_co_unit_counted_from_recomputed_lead(self):
        """LIM-01, TRI-08, CONV-05: a complaint (7 working days) dispatched
        Wednesday 30 December 2026 9:00 to 埇桥区 with 市城管局 as co-unit.
        Provisional (weekends only): 31 December, 1, 4, 5, 6, 7, 8 January:
        the lead is due Friday 8 January 17:30, the co-unit 1 working day
        before, Thursday 7 January 17:30.  With 2027 entered (1 January
        off, Saturday 9 January worked): 31 December, 4, 5, 6, 7, 8,
        9 January: the lead is due Saturday 9 January 17:30, the co-unit
        Friday 8 January 17:30"""
        Assignment = Pool().get('sushi.ticket.assignment')
        self.without_2027()
        ns = setup_network()
        ticket = create_ticket(request_type='complaint')
        with at(2026, 12, 30, 9):
            lead, co = dispatch_ticket(ticket, ns.county, [ns.city],
                basis='属地管理')
        self.assertEqual((lead.role, co.role), ('lead', 'co'))
        self.assertEqual(as_local(lead.due_at),
            dt.datetime(2027, 1, 8, 17, 30))
        self.assertEqual(as_local(co.due_at), dt.datetime(2027, 1, 7, 17, 30))
        self.import_2027((2026, 12, 31, 9))
        self.assertEqual(as_local(Assignment(lead.id).due_at),
            dt.datetime(2027, 1, 9, 17, 30))
        self.assertEqual(as_local(Assignment(co.id).due_at),
            dt.datetime(2027, 1, 8, 17, 30))
        self.assertEqual(as_local(Assignment(co.id).sign_deadline),
            dt.datetime(2026, 12, 30, 17, 30))

    @with_transaction()
    def test_extension_decided_in_january_without_2027(self):
        """EXT-03, EXT-04, CONV-03, LGT-02: an extension the leader
        consented to on Wednesday 30 December 2026 is decided on Monday
        4 January 2027 while 2027 is not entered.  With the refusing
        policy the decision is refused with a clear message naming the
        order and 2027; with provisional deadlines it is approved (3
        working days after Thursday 31 December 17:30, weekends only:
        Tuesday 5 January 17:30), and recomputed when 2027 is entered
        (1 January off: Wednesday 6 January 17:30), withdrawing the red
        card of a reply submitted on the 6th"""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Extension = pool.get('sushi.ticket.extension')
        self.without_2027('refuse')
        ns = setup_network()
        # a suggestion (3 working days) dispatched Monday 28 December
        # 9:00: 29, 30, 31 December, due Thursday 31 December 17:30
        assignment = self.dispatch(ns, (2026, 12, 28, 9), 'suggestion')
        self.sign(ns, assignment, (2026, 12, 28, 10))
        extension, = Extension.create([{
                    'assignment': assignment.id, 'days': 3,
                    'reason': '需协调多个部门现场会勘', 'basis': '涉及管网改造',
                    'application': '关于延期办理的申请',
                    'requester_informed_at': local(2026, 12, 29, 9),
                    'requester_informed_method': 'phone',
                    }])
        # EXT-03: filed by Wednesday 30 December 17:30
        with at(2026, 12, 30, 10), Transaction().set_user(ns.handler.id):
            Extension.submit([extension])
        with at(2026, 12, 30, 11), Transaction().set_user(ns.leader.id):
            Extension.leader_approve([extension])
        # RET-05/EXT-04: the platform decides within 1 working day:
        # Thursday 31 December 17:30
        self.assertEqual(as_local(Extension(extension.id).decision_due_at),
            dt.datetime(2026, 12, 31, 17, 30))

        with at(2027, 1, 4, 9), Transaction().set_user(ns.dispatcher.id), \
                self.assertRaises(CalendarMissingYearError) as cm:
            Extension.approve([Extension(extension.id)])
        self.assertIn('2027', cm.exception.message)
        self.assertIn(assignment.rec_name, cm.exception.message)
        self.assertEqual(Extension(extension.id).state, 'leader_approved')
        # the message the users read is Chinese, and names the year
        po = polib.pofile(find_path(os.path.join(
                    'sushi_ticket', 'locale', 'zh_CN.po')))
        entry, = [e for e in po if e.msgctxt
            == 'model:ir.message,text:msg_decision_missing_year']
        self.assertIn('顺延到%(year)s年', entry.msgstr)
        self.assertIn('工作日历尚未导入', entry.msgstr)
        self.assertIn('%(assignment)s', entry.msgstr)

        self.policy('provisional')
        with at(2027, 1, 4, 9), Transaction().set_user(ns.dispatcher.id):
            Extension.approve([Extension(extension.id)])
        assignment = Assignment(assignment.id)
        self.assertEqual(as_local(assignment.due_at),
            dt.datetime(2027, 1, 5, 17, 30))
        self.assertTrue(assignment.deadline_provisional)
        # the reply of Wednesday 6 January 10:00 is late on the
        # provisional due time: a red card (no ACC-02: extended)
        self.submit_reply(ns, assignment, (2027, 1, 6, 10))
        assignment = Assignment(assignment.id)
        self.assertEqual(
            (assignment.red_card, as_local(assignment.red_card_at)),
            (True, dt.datetime(2027, 1, 5, 17, 30)))
        self.assertFalse(assignment.overdue_accountability_candidate)

        self.import_2027((2027, 1, 7, 9))
        assignment = Assignment(assignment.id)
        extension = Extension(extension.id)
        # 4, 5, 6 January: Wednesday 6 January 17:30
        self.assertEqual(as_local(assignment.due_at),
            dt.datetime(2027, 1, 6, 17, 30))
        self.assertEqual(as_local(extension.new_due_at),
            dt.datetime(2027, 1, 6, 17, 30))
        self.assertEqual(as_local(assignment.original_due_at),
            dt.datetime(2026, 12, 31, 17, 30))
        self.assertEqual((assignment.red_card, assignment.late_completion),
            (False, False))

    @with_transaction()
    def test_messages_say_due_is_provisional(self):
        """CONV-03, EXT-04, LGT-03: a due time counted from the weekends
        only is told as provisional, and when it will be recomputed, in
        the unit's dispatch notice and the requester's extension SMS; a
        due time in a year entered is told as it is"""
        pool = Pool()
        Notification = pool.get('res.notification')
        SMS = pool.get('sushi.sms')
        Extension = pool.get('sushi.ticket.extension')
        self.without_2027()
        ns = setup_network()
        provisional = (' (provisional: recomputed when the 2027 holiday '
            'schedule is published)')

        def notices(assignment):
            return {n.description for n in Notification.search([
                        ('user', '=', ns.handler.id),
                        ('model', '=', 'sushi.ticket.assignment'),
                        ('label', '=', 'New work order')])
                if assignment.ticket.number in n.description}

        # a consultation (1 working day) dispatched Thursday 31 December
        # 2026 10:00: due Friday 1 January 2027 17:30, weekends only
        a = self.dispatch(ns, (2026, 12, 31, 10))
        line, = notices(a)
        self.assertTrue(line.endswith('2027-01-01 17:30' + provisional),
            msg=line)
        # one dispatched Monday 28 December 9:00 is due Tuesday
        # 29 December 17:30, in 2026 (entered): no mention
        b = self.dispatch(ns, (2026, 12, 28, 9))
        line, = notices(b)
        self.assertTrue(line.endswith('2026-12-29 17:30'), msg=line)

        # a suggestion (3 working days) dispatched Monday 28 December
        # 9:00, due Thursday 31 December 17:30; 2 days' extension approved
        # Wednesday 30 December: 2 working days after 31 December
        # counting the weekends only: Friday 1, Monday 4 January 17:30
        c = self.dispatch(ns, (2026, 12, 28, 9), 'suggestion')
        self.sign(ns, c, (2026, 12, 28, 10))
        extension, = Extension.create([{
                    'assignment': c.id, 'days': 2,
                    'reason': '需协调多个部门现场会勘', 'basis': '涉及管网改造',
                    'application': '关于延期办理的申请',
                    'requester_informed_at': local(2026, 12, 29, 9),
                    'requester_informed_method': 'phone',
                    }])
        with at(2026, 12, 29, 10), Transaction().set_user(ns.handler.id):
            Extension.submit([extension])
        with at(2026, 12, 29, 11), Transaction().set_user(ns.leader.id):
            Extension.leader_approve([extension])
        with at(2026, 12, 30, 9), Transaction().set_user(ns.dispatcher.id):
            Extension.approve([Extension(extension.id)])
        sms, = SMS.search([('ticket', '=', c.ticket.id),
                ('kind', '=', 'extension')])
        self.assertIn('extended to 2027-01-04 17:30' + provisional,
            sms.text)
        # the users read it in Chinese
        po = polib.pofile(find_path(os.path.join(
                    'sushi_ticket', 'locale', 'zh_CN.po')))
        entry, = [e for e in po if e.msgctxt
            == 'model:ir.message,text:msg_due_provisional']
        self.assertEqual(entry.msgstr, '（暂定，待%(year)s年节假日安排公布后重算）')

    @with_transaction()
    def test_return_decided_in_january_without_2027(self):
        """RET-01, RET-05, LGT-05, CONV-03: a return filed in time on
        Thursday 31 December 2026 10:00 is rejected on Monday 4 January
        2027 while 2027 is not entered: refused with a clear message when
        the policy refuses (the paused clock's working time needs 2027's
        days); decided with provisional deadlines otherwise.  A due time
        moved by the pause is left by the recompute and reported to the
        administrators"""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Attachment = pool.get('ir.attachment')
        Notification = pool.get('res.notification')
        self.without_2027()
        ns = setup_network()
        assignment = self.dispatch(ns, (2026, 12, 31, 9))
        assignment.return_reason = 'not_our_duty'
        assignment.return_reason_text = '该路段属市政道路,由市城管局负责'
        assignment.save()
        Attachment.create([{
                    'resource': str(assignment), 'name': '依据.pdf',
                    'type': 'data', 'data': b'%PDF-1.4 evidence'}])
        with at(2026, 12, 31, 10), Transaction().set_user(ns.handler.id):
            Assignment.request_return([assignment])
        assignment = Assignment(assignment.id)
        self.assertEqual(as_local(assignment.return_review_due_at),
            dt.datetime(2027, 1, 1, 17, 30))

        self.policy('refuse')
        with at(2027, 1, 4, 9), Transaction().set_user(ns.dispatcher.id), \
                self.assertRaises(CalendarMissingYearError) as cm:
            Assignment.reject_return([assignment])
        self.assertIn('2027', cm.exception.message)
        self.assertEqual(Assignment(assignment.id).state, 'return_requested')

        self.policy('provisional')
        with at(2027, 1, 4, 9), Transaction().set_user(ns.dispatcher.id):
            Assignment.reject_return([Assignment(assignment.id)])
        assignment = Assignment(assignment.id)
        self.assertEqual(assignment.state, 'dispatched')
        # the pause, 31 December 10:00 to 4 January 9:00, weekends only:
        # 14 h + 24 h (1 January) + 9 h = 47 h of working time, given back
        # from the provisional due time (1 January 17:30): 6.5 h that
        # day, 24 h on 4 January, 16.5 h on 5 January: 16:30
        self.assertEqual(as_local(assignment.due_at),
            dt.datetime(2027, 1, 5, 16, 30))
        self.import_2027((2027, 1, 4, 12))
        self.assertEqual(as_local(Assignment(assignment.id).due_at),
            dt.datetime(2027, 1, 5, 16, 30))
        admin_notes = Notification.search([('label', 'like', '%2027%')])
        self.assertTrue(any(assignment.rec_name in n.label
                for n in admin_notes))

    @with_transaction()
    def test_reimport_with_replace_recomputes(self):
        """RET-05, REV-04, CONV-05: 2027 imported, then imported again
        with "replace" and Monday 4 January a holiday too: the deadlines
        filled from the first import are recomputed from the second"""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        self.without_2027()
        ns = setup_network()
        # a consultation dispatched Thursday 31 December 2026 9:00, its
        # reply submitted at 16:00: review 1 working day later
        assignment = self.dispatch(ns, (2026, 12, 31, 9))
        self.sign(ns, assignment, (2026, 12, 31, 10))
        reply = self.submit_reply(ns, assignment, (2026, 12, 31, 16))
        self.assertEqual(as_local(reply.review_due_at),
            dt.datetime(2027, 1, 1, 17, 30))
        self.import_2027((2026, 12, 31, 18))
        reply = pool.get('sushi.ticket.reply')(reply.id)
        self.assertEqual(as_local(reply.review_due_at),
            dt.datetime(2027, 1, 4, 17, 30))
        self.assertEqual(as_local(Assignment(assignment.id).due_at),
            dt.datetime(2027, 1, 4, 17, 30))
        self.import_2027((2026, 12, 31, 19),
            SCHEDULE_2027 + '2027-01-04,休,测试\n', replace=True)
        reply = pool.get('sushi.ticket.reply')(reply.id)
        self.assertEqual(as_local(reply.review_due_at),
            dt.datetime(2027, 1, 5, 17, 30))
        self.assertEqual(as_local(Assignment(assignment.id).due_at),
            dt.datetime(2027, 1, 5, 17, 30))

    @with_transaction()
    def test_year_from_module_update_applied_without_worker(self):
        """CONV-03, REV-04: a module update (trytond-admin -u, no worker)
        brings 2026 from chinese-calendar; its queued task never runs,
        the next sweep applies the year: a reply signed off Wednesday
        31 December 2025 16:00, due for review on Thursday 1 January 2026
        17:30 provisionally, is due on the make-up Sunday 4 January"""
        pool = Pool()
        Year = pool.get('sushi.calendar.year')
        Reply = pool.get('sushi.ticket.reply')
        Assignment = pool.get('sushi.ticket.assignment')
        Year.delete(Year.search([('year', '>=', 2026)]))
        ns = setup_network()
        assignment = self.dispatch(ns, (2025, 12, 30, 9))
        self.sign(ns, assignment, (2025, 12, 30, 10))
        reply = self.submit_reply(ns, assignment, (2025, 12, 31, 16))
        self.assertEqual(as_local(reply.review_due_at),
            dt.datetime(2026, 1, 1, 17, 30))
        Year.seed_from_library()
        # what trytond-admin leaves in ir.queue with no worker
        Transaction().tasks.clear()
        year, = Year.search([('year', '=', 2026)])
        self.assertIsNone(year.applied_at)
        with at(2026, 1, 2, 9):
            Assignment.sweep()
        self.assertEqual(as_local(Reply(reply.id).review_due_at),
            dt.datetime(2026, 1, 4, 17, 30))
        self.assertEqual(Year(year.id).applied_at, local(2026, 1, 2, 9))

    @with_transaction()
    def test_nightly_crons_run_at_night_in_suzhou(self):
        """The hours of the sushi crons are Suzhou hours whatever the
        server's timezone (UTC here): the calendar reminder set for 08:30
        runs at 08:30 in Suzhou (00:30 UTC); another module's cron keeps
        the server's"""
        Cron = Pool().get('ir.cron')
        cron = Cron(method='sushi.calendar.year|remind_next_year',
            interval_number=1, interval_type='days', hour=8, minute=30,
            weekday=None, day=None)
        # Tuesday 1 December 2026 11:00 in Suzhou (03:00 UTC)
        self.assertEqual(cron.compute_next_call(dt.datetime(2026, 12, 1, 3)),
            dt.datetime(2026, 12, 2, 0, 30))
        # 23:00 in Suzhou (15:00 UTC): the next day's 08:30 is 2 December's
        # (the day counts in Suzhou, not in UTC)
        self.assertEqual(
            cron.compute_next_call(dt.datetime(2026, 12, 1, 15, 30)),
            dt.datetime(2026, 12, 2, 0, 30))
        self.assertEqual(cron.get_timezone('timezone'), 'Asia/Shanghai')
        other = Cron(method='ir.trigger|trigger_time', interval_number=1,
            interval_type='days', hour=8, minute=30, weekday=None,
            day=None)
        self.assertEqual(
            other.compute_next_call(dt.datetime(2026, 12, 1, 3)),
            dt.datetime(2026, 12, 2, 8, 30))

    @with_transaction()
    def test_retained_recording_message_suzhou_date(self):
        """ARC-02: a call ended at 07:05 on 10 March 2026 in Suzhou
        (23:05 UTC on the 9th) is kept until 10 March 2027: the refusal
        to delete it names the Suzhou date, not the UTC one"""
        Recording = Pool().get('sushi.ticket.recording')
        ticket = create_ticket()
        recording, = Recording.create([{
                    'ticket': ticket.id,
                    'call_started_at': local(2026, 3, 10, 7),
                    'call_ended_at': local(2026, 3, 10, 7, 5),
                    }])
        with at(2026, 12, 1, 9), self.assertRaises(ArchiveError) as cm:
            Recording.delete([recording])
        self.assertIn('2027-03-10', cm.exception.message)
        self.assertNotIn('2027-03-09', cm.exception.message)


class FillApartTestCase(DBTestCase, unittest.TestCase):
    """The fill of a year the sweep applies (fill_pending) and the sweep
    do not undo each other; the data is committed, as the cron finds it"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with Transaction().start(DB_NAME, 0) as transaction:
            ns = setup_network()
            cls.county_id, cls.handler_id = ns.county.id, ns.handler.id
            transaction.commit()

    def setUp(self):
        super().setUp()
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Year = pool.get('sushi.calendar.year')
            county = pool.get('sushi.unit')(self.county_id)
            # a consultation (1 working day) dispatched Monday 9 March
            # 2026 9:00, signed at 10:00: due Tuesday 10 March 17:30
            ticket = create_ticket(request_type='consult')
            with at(2026, 3, 9, 9):
                assignment, = dispatch_ticket(ticket, county,
                    basis='属地管理')
            with at(2026, 3, 9, 10), Transaction().set_user(self.handler_id):
                pool.get('sushi.ticket.assignment').sign([assignment])
            self.assignment_id = assignment.id
            # 2026 entered by a module update with no worker: pending
            year, = Year.search([('year', '=', 2026)])
            table = Year.__table__()
            Transaction().connection.cursor().execute(*table.update(
                    [table.applied_at], [None], where=table.id == year.id))
            self.year_id = year.id
            transaction.commit()

    def state(self):
        "The assignment's card and light, and the year's application."
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            a = pool.get('sushi.ticket.assignment')(self.assignment_id)
            year = pool.get('sushi.calendar.year')(self.year_id)
            return (a.red_card, a.red_card_at and as_local(a.red_card_at),
                a.light), year.applied_at

    def test_failing_fill_leaves_sweep_committed(self):
        """LGT-02, LGT-03, LGT-05, CONV-03: the sweep of Wednesday 11 March
        2026 9:00 finds 2026 pending and its fill fails: the failure is
        logged, the sweep's red card (dated at the due time, Tuesday
        10 March 17:30) and red light are committed, and 2026 stays
        pending for the next sweep"""
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Year = pool.get('sushi.calendar.year')
            with patch.object(Year, 'fill_platform_deadlines',
                    side_effect=RuntimeError("fill broken")), \
                    self.assertLogs('trytond.modules.sushi_ticket.calendar',
                        'ERROR'), at(2026, 3, 11, 9):
                pool.get('sushi.ticket.assignment').sweep()
            transaction.commit()
        self.assertEqual(self.state(),
            ((True, dt.datetime(2026, 3, 10, 17, 30), 'red'), None))
        # the next sweep applies it
        with Transaction().start(DB_NAME, 0) as transaction, \
                at(2026, 3, 11, 9, 5):
            Pool().get('sushi.ticket.assignment').sweep()
            transaction.commit()
        self.assertEqual(self.state()[1], local(2026, 3, 11, 9, 5))

    @unittest.skipIf(backend.name == 'sqlite',
        "SQLite's one connection holds one transaction: the fill is "
        "behind a savepoint of the sweep's")
    def test_failing_sweep_keeps_fill(self):
        """CONV-03, LGT-02, LGT-05: the fill the sweep of Wednesday
        11 March 2026 9:00 commits stays when the sweep's transaction
        fails: 2026 applied, and the red card its recompute gave the
        order unreplied past its due time, dated at it (Tuesday 10 March
        17:30), with the red light; the next sweep changes nothing"""
        with self.assertRaises(RuntimeError), \
                Transaction().start(DB_NAME, 0), at(2026, 3, 11, 9):
            Pool().get('sushi.ticket.assignment').sweep()
            raise RuntimeError("the sweep's transaction fails")
        carded = (True, dt.datetime(2026, 3, 10, 17, 30), 'red')
        self.assertEqual(self.state(), (carded, local(2026, 3, 11, 9)))
        with Transaction().start(DB_NAME, 0) as transaction, \
                at(2026, 3, 11, 9, 5):
            Pool().get('sushi.ticket.assignment').sweep()
            transaction.commit()
        self.assertEqual(self.state(), (carded, local(2026, 3, 11, 9)))
