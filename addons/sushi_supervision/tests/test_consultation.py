# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The 1+X consultation (会商, RULES §17), rule by rule.  The story runs
in March 2025 (an ordinary month) and around the 2025 National Day
holiday (1-8 October off, Sunday 28 September and Saturday 11 October
worked)."""
import datetime as dt
import io
import unittest
import zipfile
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, as_local, at, create_ticket, local, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..consultation_exceptions import ConsultationError, ConsultationRightError
from .tools import click


def as_user(user):
    return Transaction().set_user(user.id)


class ConsultationTestCase(DBTestCase, unittest.TestCase):
    "The 1+X consultation"
    module = 'sushi_supervision'

    # --- helpers: each step as the person who does it -------------------

    def ticket(self, ns):
        "A complaint dispatched to 埇桥区 on Monday 3 March 2025."
        Ticket = Pool().get('sushi.ticket')
        with at(2025, 3, 3, 9):
            ticket = create_ticket()
            Ticket.dispatch_to([ticket], ns.county, basis='属地管理')
        return ticket

    def proposed(self, ns, ticket=None):
        "埇桥区 proposes a topic while handling the order (CON-05 b)."
        Topic = Pool().get('sushi.consultation.topic')
        values = {
            'title': '汴河路片区排水管网历史遗留问题',
            'description': '片区排水管网建设年代久远,权属不清,多次投诉。',
            'nature': 'legacy',
            'source': 'unit_proposal',
            'proposing_unit': ns.county.id,
            'suggested_lead': ns.county.id,
            'suggested_co_units': [('add', [ns.city.id])],
            }
        if ticket:
            values['tickets'] = [('create', [{'ticket': ticket.id}])]
        with at(2025, 3, 3, 15), as_user(ns.handler):
            topic, = Topic.create([values])
        return topic

    def accepted(self, ns, ticket=None):
        Topic = Pool().get('sushi.consultation.topic')
        topic = self.proposed(ns, ticket)
        with at(2025, 3, 4, 9), as_user(ns.supervisor):
            topic = Topic(topic.id)
            topic.kind = 'monthly_theme'
            topic.theme_month = dt.date(2025, 3, 1)
            topic.save()
            click([topic], 'accept')
        return Topic(topic.id)

    def schedule(self, ns, topic, now, planned_at):
        "The lead convenes a 1+X meeting (CON-03) for planned_at."
        Topic = Pool().get('sushi.consultation.topic')
        with at(*now), as_user(ns.handler):
            topic = Topic(topic.id)
            topic.form = 'one_plus_x'
            topic.planned_at = local(*planned_at)
            topic.save()
            Topic.schedule([topic])
        return Topic(topic.id)

    def held(self, ns, ticket=None):
        "Convened on the 4th, held on Wednesday 5 March."
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        topic = self.accepted(ns, ticket)
        with at(2025, 3, 4, 10), as_user(ns.handler):
            topic = Topic(topic.id)
            topic.form = 'one_plus_x'
            topic.planned_at = local(2025, 3, 5, 9)
            topic.location = '埇桥区政府第三会议室'
            topic.save()
            click([topic], 'schedule')
        with at(2025, 3, 5, 12), as_user(ns.handler):
            meeting = Meeting(Topic(topic.id).meeting.id)
            meeting.held_at = local(2025, 3, 5, 9)
            meeting.save()
            click([meeting], 'hold')
        return Topic(topic.id), Meeting(meeting.id)

    def write_minutes(self, meeting, ns, deadline=(2025, 3, 31, 17, 30)):
        Meeting = Pool().get('sushi.consultation')
        meeting.theme = meeting.topic.title
        meeting.participants = '埇桥区:李强;市城管局:赵工'
        meeting.proceedings = '现场查看后逐项研究,明确管网权属和改造方案。'
        meeting.responsibilities = '埇桥区牵头改造,市城管局负责技术指导。'
        meeting.implementation_deadlines = '3月底前完成疏通。'
        meeting.items = [
            {'description': '疏通汴河路排水管道', 'unit': ns.county.id,
                'deadline': local(*deadline)},
            {'description': '出具管网改造技术意见', 'unit': ns.city.id,
                'deadline': local(*deadline)},
            ]
        meeting.save()
        return Meeting(meeting.id)

    # --- CON-07 ---------------------------------------------------------

    @with_transaction()
    def test_minutes_due_week_after(self):
        "CON-07: minutes due at 17:30 on the last working day of next week"
        Meeting = Pool().get('sushi.consultation')
        # Wednesday 5 March 2025 -> Friday 14 March
        self.assertEqual(as_local(Meeting.minutes_due(local(2025, 3, 5, 9))),
            dt.datetime(2025, 3, 14, 17, 30))
        # Sunday 9 March is still the week of 3 March
        self.assertEqual(as_local(Meeting.minutes_due(local(2025, 3, 9, 9))),
            dt.datetime(2025, 3, 14, 17, 30))
        # Thursday 25 September: the week after ends in the holiday, its
        # last working day is Tuesday 30 September
        self.assertEqual(
            as_local(Meeting.minutes_due(local(2025, 9, 25, 15))),
            dt.datetime(2025, 9, 30, 17, 30))
        # Thursday 2 October: the week after ends with the make-up
        # working Saturday 11 October
        self.assertEqual(
            as_local(Meeting.minutes_due(local(2025, 10, 2, 15))),
            dt.datetime(2025, 10, 11, 17, 30))

    @with_transaction()
    def test_held_in_week_before_year_without_calendar(self):
        """CON-07, CONV-03: a meeting held on Thursday 24 December 2026,
        whose minutes fall due in the week of 28 December – 3 January, is
        held though 2027 has no official schedule yet: the due time stays
        empty (never guessed) until the year is entered, then the sweep
        fills it — Thursday 31 December 17:30, 1 January 2027 a holiday
        and 2–3 January a weekend"""
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        Year = pool.get('sushi.calendar.year')
        Year.delete(Year.search([('year', '=', 2027)]))
        ns = setup_network()
        topic = self.accepted(ns, self.ticket(ns))
        topic = self.schedule(ns, topic, (2026, 12, 21, 10),
            (2026, 12, 24, 9))
        with at(2026, 12, 24, 12), as_user(ns.handler):
            meeting = Meeting(Topic(topic.id).meeting.id)
            meeting.held_at = local(2026, 12, 24, 9)
            meeting.save()
            with self.assertLogs('trytond.modules.sushi_supervision',
                    'WARNING'):
                Meeting.hold([meeting])
        meeting = Meeting(meeting.id)
        self.assertEqual(meeting.state, 'held')
        self.assertIsNone(meeting.minutes_due_at)
        with at(2026, 12, 28, 9):
            Topic.sweep()
        self.assertIsNone(Meeting(meeting.id).minutes_due_at)
        # the administrator enters 2027: 1 January a holiday
        Year.create([{'year': 2027, 'days': [('create', [{
                                'date': dt.date(2027, 1, 1),
                                'kind': 'holiday', 'note': '元旦'}])]}])
        with at(2026, 12, 28, 10):
            Topic.sweep()
        self.assertEqual(as_local(Meeting(meeting.id).minutes_due_at),
            dt.datetime(2026, 12, 31, 17, 30))

    @with_transaction()
    def test_minutes_submitted_before_due_time_known(self):
        """CON-07, LGT-05, CONV-03: two meetings held on Thursday
        24 December 2026 while 2027 has no official schedule; their
        minutes come on Wednesday 30 December and on Monday 4 January
        2027, with no due time to compare with.  Once 2027 is entered the
        sweep fills the due time, Thursday 31 December 17:30, and the
        minutes of 4 January are late: flagged, and a D4.2 candidate done
        when they came (4 January 10:00), not when the sweep saw it"""
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        Fact = pool.get('sushi.consultation.fact')
        Year = pool.get('sushi.calendar.year')
        Year.delete(Year.search([('year', '=', 2027)]))
        ns = setup_network()
        meetings = []
        for _ in range(2):
            topic = self.schedule(ns, self.accepted(ns, self.ticket(ns)),
                (2026, 12, 21, 10), (2026, 12, 24, 9))
            with at(2026, 12, 24, 12), as_user(ns.handler):
                meeting = Meeting(Topic(topic.id).meeting.id)
                meeting.held_at = local(2026, 12, 24, 9)
                meeting.save()
                with self.assertLogs('trytond.modules.sushi_supervision',
                        'WARNING'):
                    Meeting.hold([meeting])
            meetings.append(self.write_minutes(Meeting(meeting.id), ns,
                    deadline=(2026, 12, 31, 17, 30)))
        on_time, late = meetings
        with at(2026, 12, 30, 10), as_user(ns.handler):
            Meeting.submit_minutes([Meeting(on_time.id)])
        with at(2027, 1, 4, 10), as_user(ns.handler):
            Meeting.submit_minutes([Meeting(late.id)])
        for meeting in meetings:
            meeting = Meeting(meeting.id)
            self.assertEqual(meeting.state, 'minutes_submitted')
            self.assertIsNone(meeting.minutes_due_at)
            self.assertFalse(meeting.minutes_late)
        self.assertFalse(Fact.search([]))
        # Tuesday 5 January 2027: the administrator enters 2027 (1 January
        # a holiday) and the hourly sweep runs, twice
        Year.create([{'year': 2027, 'days': [('create', [{
                                'date': dt.date(2027, 1, 1),
                                'kind': 'holiday', 'note': '元旦'}])]}])
        for minute in [0, 0, 1]:
            with at(2027, 1, 5, 9, minute):
                Topic.sweep()
        # the week after that of 24 December is 28 December - 3 January;
        # its last working day is Thursday 31 December (1 January a
        # holiday, 2-3 January a weekend): 17:30, 09:30 UTC
        due = local(2026, 12, 31, 17, 30)
        self.assertEqual(due, dt.datetime(2026, 12, 31, 9, 30))
        on_time, late = Meeting.browse([on_time.id, late.id])
        self.assertEqual(on_time.minutes_due_at, due)
        self.assertFalse(on_time.minutes_late)
        self.assertEqual(late.minutes_due_at, due)
        self.assertTrue(late.minutes_late)
        self.assertEqual(late.minutes_submitted_at, local(2027, 1, 4, 10))
        fact, = Fact.search([])
        self.assertEqual(fact.origin, late)
        self.assertEqual((fact.item, fact.kind, fact.unit),
            ('D4.2', 'late_minutes', ns.county))
        # missed at the due time (a fact of December), done when the
        # minutes came; seen by the first sweep
        self.assertEqual(fact.due_at, due)
        self.assertEqual(fact.occurred_at, due)
        self.assertEqual(fact.done_at, local(2027, 1, 4, 10))
        self.assertEqual(fact.detected_at, local(2027, 1, 5, 9))
        # working days from Thursday 31 December to Monday 4 January: 1
        self.assertEqual(fact.late_days, 1)

    # --- the whole cycle -----------------------------------------------

    @with_transaction()
    def test_cycle_to_done(self):
        "CON-03..07, CON-11: proposal to done, with who and when"
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        Letter = pool.get('sushi.consultation.letter')
        Item = pool.get('sushi.consultation.item')
        Fact = pool.get('sushi.consultation.fact')
        ns = setup_network()
        ticket = self.ticket(ns)
        topic = self.accepted(ns, ticket)
        self.assertEqual(topic.lead_unit, ns.county)
        self.assertEqual(list(topic.co_units), [ns.city])
        self.assertEqual(topic.state, 'accepted')
        # each unit is told its part, in the client
        ResNotification = pool.get('res.notification')
        note, = ResNotification.search([
                ('user', '=', ns.city_handler.id),
                ('model', '=', 'sushi.consultation.topic'),
                ])
        self.assertIn('co-unit ("X")', note.description)
        self.assertEqual(ResNotification.search_count([
                    ('user', '=', ns.other_handler.id)]), 0)

        # CON-03: the lead decides the form before convening
        with at(2025, 3, 4, 10), as_user(ns.handler):
            with self.assertRaises(ConsultationError):
                Topic.schedule([Topic(topic.id)])
        topic = self.schedule(ns, topic, (2025, 3, 4, 10), (2025, 3, 5, 9))
        with at(2025, 3, 4, 10), as_user(ns.handler):
            # CON-04: the lead sets the letters' due time
            topic = Topic(topic.id)
            topic.letter_due_at = local(2025, 3, 12, 17, 30)
            topic.save()
            # the button as sao presses it: no records for the client
            self.assertIsNone(click([topic], 'request_letters'))
        letter, = Topic(topic.id).letters
        self.assertEqual(letter.unit, ns.city)
        self.assertEqual(letter.state, 'requested')

        with at(2025, 3, 5, 12), as_user(ns.handler):
            meeting = Meeting(Topic(topic.id).meeting.id)
            meeting.held_at = local(2025, 3, 5, 9)
            meeting.save()
            Meeting.hold([meeting])
        meeting = Meeting(meeting.id)
        self.assertEqual(as_local(meeting.minutes_due_at),
            dt.datetime(2025, 3, 14, 17, 30))

        # CON-07: all six elements are required
        with at(2025, 3, 17, 9), as_user(ns.handler):
            meeting.theme = topic.title
            meeting.save()
            with self.assertRaises(ConsultationError) as cm:
                Meeting.submit_minutes([Meeting(meeting.id)])
            # (the test database speaks English)
            self.assertIn('Participants', str(cm.exception.message))
            self.assertIn('Agreed Items', str(cm.exception.message))
            self.assertNotIn('Theme', str(cm.exception.message))
            meeting = self.write_minutes(Meeting(meeting.id), ns)
            click([meeting], 'submit_minutes')
        meeting = Meeting(meeting.id)
        # Monday 17 March is past Friday 14 March 17:30: late, D4.2
        self.assertTrue(meeting.minutes_late)
        fact, = Fact.search([('origin', '=', str(meeting))])
        self.assertEqual((fact.item, fact.kind, fact.unit),
            ('D4.2', 'late_minutes', ns.county))
        self.assertEqual(as_local(fact.occurred_at),
            dt.datetime(2025, 3, 14, 17, 30))
        self.assertEqual(fact.late_days, 1)
        self.assertIn('2025-03-17 09:00', fact.evidence)

        # CON-04: the co-unit's letter comes a day late: D4.3
        with at(2025, 3, 13, 10), as_user(ns.city_handler):
            letter = Letter(letter.id)
            letter.opinion = '同意出具技术意见,月底前完成。'
            letter.save()
            click([letter], 'send')
        letter = Letter(letter.id)
        self.assertTrue(letter.late)
        self.assertEqual(as_local(letter.received_at),
            dt.datetime(2025, 3, 13, 10))
        fact, = Fact.search([('origin', '=', str(letter))])
        self.assertEqual((fact.item, fact.unit, fact.late_days),
            ('D4.3', ns.city, 1))

        # agreed items with lights: yellow 2 working days before 31 March
        with at(2025, 3, 18, 9), as_user(ns.handler):
            click([Topic(topic.id)], 'implement')
        items = Item.search([('topic', '=', topic.id)])
        self.assertEqual(len(items), 2)
        self.assertEqual(as_local(items[0].yellow_from),
            dt.datetime(2025, 3, 27, 17, 30))
        self.assertEqual({i.light for i in items}, {'green'})
        with at(2025, 3, 28, 9):
            Topic.sweep()
        self.assertEqual({i.light for i in Item.browse(items)}, {'yellow'})

        # the co-unit does its item, the lead cannot close before all done
        county_item, city_item = sorted(items, key=lambda i: i.unit.id !=
            ns.county.id)
        with at(2025, 3, 28, 10), as_user(ns.city_handler):
            city_item = Item(city_item.id)
            city_item.result = '技术意见已出具。'
            city_item.save()
            Item.complete([city_item])
            with self.assertRaises(ConsultationRightError):
                Item.complete([Item(county_item.id)])
        with at(2025, 4, 1, 9):
            Topic.sweep()
        self.assertEqual(Item(county_item.id).light, 'red')
        self.assertEqual(Topic(topic.id).light, 'red')
        with at(2025, 4, 1, 10), as_user(ns.handler):
            topic = Topic(topic.id)
            topic.consolidated_reply = '经会商,汴河路排水管道已疏通,'\
                '管网改造纳入年度计划。'
            topic.save()
            with self.assertRaises(ConsultationError):
                Topic.close([topic])
            county_item = Item(county_item.id)
            county_item.result = '管道已疏通。'
            county_item.save()
            click([county_item], 'complete')
            click([Topic(topic.id)], 'close')
        topic = Topic(topic.id)
        self.assertEqual(topic.state, 'done')
        self.assertTrue(Item(county_item.id).late)
        # CON-03: the consolidated reply is drafted on the linked order
        link, = topic.tickets
        self.assertEqual(link.reply.state, 'draft')
        self.assertEqual(link.reply.result, 'resolved')
        self.assertEqual(link.reply.assignment.unit, ns.county)
        self.assertIn('纳入年度计划', link.reply.content)
        # who and when, for each step, from the state it left (CON-11)
        self.assertEqual(
            [(e.from_state, e.to_state, e.user) for e in topic.events],
            [(None, 'proposed', ns.handler),
                ('proposed', 'accepted', ns.supervisor),
                ('accepted', 'scheduled', ns.handler),
                ('scheduled', 'held', ns.handler),
                ('held', 'minutes_submitted', ns.handler),
                ('minutes_submitted', 'implementing', ns.handler),
                ('implementing', 'done', ns.handler)])
        self.assertEqual(as_local(topic.events[-1].at),
            dt.datetime(2025, 4, 1, 10))

    @with_transaction()
    def test_missing_letter_and_minutes_detected(self):
        "CON-04, CON-07: the sweep stores missing letters and minutes"
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        Fact = pool.get('sushi.consultation.fact')
        ns = setup_network()
        topic, meeting = self.held(ns)
        with at(2025, 3, 6, 9), as_user(ns.handler):
            topic.letter_due_at = local(2025, 3, 10, 17, 30)
            topic.save()
            Topic.request_letters([topic])
        with at(2025, 3, 14, 17), patch(
                'trytond.modules.sushi_ticket.notification.'
                'send_message_transactional') as send:
            Topic.sweep()
        fact, = Fact.search([])
        self.assertEqual((fact.item, fact.unit, fact.done_at),
            ('D4.3', ns.city, None))
        self.assertEqual(fact.late_days, 4)  # 11, 12, 13, 14 March
        self.assertTrue(send.called)
        # Monday 17 March: the minutes are missing too; nothing twice
        with at(2025, 3, 17, 9):
            Topic.sweep()
            Topic.sweep()
        self.assertEqual(sorted(f.item for f in Fact.search([])),
            ['D4.2', 'D4.3'])
        # the minutes come on the 18th: the candidate is completed
        with at(2025, 3, 18, 9), as_user(ns.handler):
            Meeting.submit_minutes([self.write_minutes(meeting, ns)])
        fact, = Fact.search([('item', '=', 'D4.2')])
        self.assertEqual(as_local(fact.done_at), dt.datetime(2025, 3, 18, 9))
        self.assertEqual(fact.late_days, 2)

    @with_transaction()
    def test_file_without_solution(self):
        "CON-08: ideas, filing and communication before closing"
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        Communication = pool.get('sushi.consultation.communication')
        ns = setup_network()
        ticket = self.ticket(ns)
        topic, meeting = self.held(ns, ticket)
        with at(2025, 3, 10, 9), as_user(ns.handler):
            meeting = self.write_minutes(meeting, ns)
            meeting.no_solution = True
            meeting.save()
            Meeting.submit_minutes([meeting])
            topic = Topic(topic.id)
            with self.assertRaises(ConsultationError) as cm:
                Topic.file_no_solution([topic])
            for label in ['Ideas and Suggestions', 'Consolidated Reply',
                    'Communication with Requesters']:
                self.assertIn(label, str(cm.exception.message))
            topic.solution_ideas = '待省级政策出台后纳入改造计划。'
            topic.consolidated_reply = '因缺少政策依据,暂无法解决。'
            topic.save()
            Communication.create([{
                        'topic': topic.id, 'ticket': ticket.id,
                        'contacted_at': local(2025, 3, 10, 8, 30),
                        'method': 'phone', 'outcome': 'understood',
                        'summary': '电话说明原因,诉求人表示理解。',
                        }])
            click([Topic(topic.id)], 'file_no_solution')
        topic = Topic(topic.id)
        self.assertEqual(topic.state, 'filed_no_solution')
        link, = topic.tickets
        self.assertEqual(link.reply.result, 'explained_not_resolvable_now')
        self.assertEqual(link.reply.explanation, topic.solution_ideas)

    # --- CON-05 (a): the analysis module's hook --------------------------

    @with_transaction()
    def test_propose_from_tickets(self):
        "CON-05: a set of orders becomes a proposed topic of the pool"
        Topic = Pool().get('sushi.consultation.topic')
        ns = setup_network()
        Ticket = Pool().get('sushi.ticket')
        tickets = [self.ticket(ns) for _ in range(3)]
        with at(2025, 3, 3, 10):
            other = create_ticket()
            Ticket.dispatch_to([other], ns.city, co_units=[ns.county],
                basis='职责')
        topic = Topic.propose_from_tickets(tickets + [other],
            '汴河路积水多人一投')
        self.assertEqual((topic.state, topic.source), ('proposed',
                'big_data'))
        self.assertEqual(topic.suggested_lead, ns.county)
        self.assertEqual(list(topic.suggested_co_units), [ns.city])
        self.assertEqual(len(topic.tickets), 4)
        # CON-05: the Office declines it, not without a reason (the button
        # as sao presses it)
        with at(2025, 3, 4, 9), as_user(ns.supervisor):
            with self.assertRaises(ConsultationError):
                click([topic], 'decline')
            topic.decline_reason = '已纳入本月主题会商，不再单独会商'
            topic.save()
            self.assertIsNone(click([topic], 'decline'))
        self.assertEqual(Topic(topic.id).state, 'declined')

    @with_transaction()
    def test_propose_wizard(self):
        "CON-05 (b): a unit proposes a topic from the order it handles"
        pool = Pool()
        Propose = pool.get('sushi.consultation.propose', type='wizard')
        ns = setup_network()
        ticket = self.ticket(ns)
        with at(2025, 3, 3, 15), as_user(ns.handler), \
                Transaction().set_context(active_model='sushi.ticket',
                    active_id=ticket.id, active_ids=[ticket.id]):
            session_id, _, _ = Propose.create()
            propose = Propose(session_id)
            defaults = propose.default_start(None)
            self.assertEqual(defaults['proposing_unit'], ns.county.id)
            self.assertEqual(defaults['tickets'], [ticket.id])
            propose.start.title = '汴河路排水管网'
            propose.start.description = '权属不清'
            propose.start.nature = 'legacy'
            propose.start.proposing_unit = ns.county
            propose.start.suggested_lead = ns.county
            propose.start.suggested_co_units = [ns.city]
            action, _ = propose.do_propose({'views': [1, 2]})
        Topic = pool.get('sushi.consultation.topic')
        topic = Topic(action['res_id'][0])
        self.assertEqual((topic.state, topic.source, topic.proposing_unit,
                topic.proposed_by), ('proposed', 'unit_proposal', ns.county,
                ns.handler))
        self.assertEqual(list(topic.suggested_co_units), [ns.city])
        self.assertEqual([l.ticket for l in topic.tickets], [ticket])

    # --- rights ------------------------------------------------------------

    @with_transaction()
    def test_rights_matrix(self):
        "CON-03, CON-04: units act only on topics they lead or assist"
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        Letter = pool.get('sushi.consultation.letter')
        ns = setup_network()
        topic = self.accepted(ns)

        def visible(user):
            with as_user(user), Transaction().set_context(
                    _check_access=True):
                return Topic.search_count([('id', '=', topic.id)])
        # who sees the topic
        self.assertEqual({u.login: visible(u) for u in [
                    ns.handler, ns.city_handler, ns.other_handler,
                    ns.supervisor, ns.city_leader, ns.dispatcher]
                if u is not ns.dispatcher}, {
                'handler': 1, 'city_handler': 1, 'other_handler': 0,
                'supervisor': 1, 'city_leader': 1})
        with as_user(ns.dispatcher), Transaction().set_context(
                _check_access=True):
            with self.assertRaises(AccessError):
                Topic.search([])

        # who acts as the lead
        with at(2025, 3, 4, 10):
            topic.form = 'case_by_case'
            topic.planned_at = local(2025, 3, 5, 9)
            topic.save()
            for user in [ns.city_handler, ns.other_handler, ns.supervisor]:
                with as_user(user):
                    with self.assertRaises(ConsultationRightError):
                        Topic.schedule([Topic(topic.id)])
            with as_user(ns.handler):
                Topic.schedule([Topic(topic.id)])
                topic = Topic(topic.id)
                topic.letter_due_at = local(2025, 3, 12, 17, 30)
                topic.save()
                letter, = Topic.ask_for_letters([topic])
        # a co-unit does not write on the lead's topic
        with at(2025, 3, 4, 10, 30), as_user(ns.city_handler), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(ConsultationRightError):
                Topic.write([Topic(topic.id)], {'location': '市城管局'})
        # the Office accepts, not the units
        with at(2025, 3, 4, 11), as_user(ns.handler):
            other = self.proposed(ns)
            with self.assertRaises(ConsultationRightError):
                Topic.accept([other])
        # a unit proposes only in its own name
        with at(2025, 3, 4, 11), as_user(ns.other_handler):
            with self.assertRaises(ConsultationRightError):
                Topic.create([{'title': '代提议题', 'source': 'unit_proposal',
                            'proposing_unit': ns.county.id}])
        # an analyst puts a big-data topic in the pool, not a unit's one
        with at(2025, 3, 4, 11), as_user(ns.analyst):
            Topic.create([{'title': '多人一投:汴河路积水',
                        'source': 'big_data'}])
            with self.assertRaises(ConsultationRightError):
                Topic.create([{'title': '代提议题', 'source': 'office'}])
        # only the co-unit answers its letter, only the lead records
        with at(2025, 3, 5, 12):
            letter.opinion = '意见'
            letter.save()
            for user in [ns.handler, ns.other_handler]:
                with as_user(user):
                    with self.assertRaises(ConsultationRightError):
                        Letter.send([Letter(letter.id)])
            meeting = Meeting(Topic(topic.id).meeting.id)
            meeting.held_at = local(2025, 3, 5, 9)
            meeting.save()
            with as_user(ns.city_handler):
                with self.assertRaises(ConsultationRightError):
                    Meeting.hold([meeting])
            with as_user(ns.city_handler):
                Letter.send([Letter(letter.id)])
            with as_user(ns.handler):
                Meeting.hold([meeting])

    @with_transaction()
    def test_orders_linked_by_proposer_or_office(self):
        """CON-05, ORG-11: orders are added to a topic by its proposing
        unit (its own orders) and by the Office (supervisor, admin) only:
        the analyst adds none to 埇桥区's proposal, not through the link
        model either (whose access followed the topic's); the analyst's
        own big-data proposal keeps the orders it was proposed with"""
        from trytond.i18n import gettext
        from trytond.modules.sushi_ticket.tests.guard_tools import (
            as_user as client)
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Link = pool.get('sushi.consultation.topic-sushi.ticket')
        ns = setup_network()
        ticket, other = self.ticket(ns), self.ticket(ns)
        topic = self.proposed(ns)
        message = gettext('sushi_supervision.msg_consultation_link_orders',
            topic=topic.rec_name)

        with at(2025, 3, 4, 9):
            with client(ns.analyst):
                with self.assertRaises(ConsultationRightError) as cm:
                    Link.create([{'topic': topic.id, 'ticket': ticket.id}])
                self.assertEqual(cm.exception.message, message)
                # its own big-data proposal, with the order
                pool_topic, = Topic.create([{
                            'title': '多人一投:汴河路积水',
                            'source': 'big_data',
                            'tickets': [('create', [
                                        {'ticket': ticket.id}])]}])
            self.assertEqual(len(Link.search(
                        [('topic', '=', pool_topic.id)])), 1)
            # (the refused link is rolled back with the client's call)
            # the proposing unit its own order, the Office any
            with client(ns.handler):
                own, = Link.create([{'topic': topic.id,
                            'ticket': ticket.id}])
            with client(ns.supervisor):
                office, = Link.create([{'topic': topic.id,
                            'ticket': other.id}])
        self.assertEqual((own.topic, own.ticket, office.topic, office.ticket),
            (topic, ticket, topic, other))

    # --- CON-09 ---------------------------------------------------------------

    @with_transaction()
    def test_monthly_report(self):
        "CON-09: compiled from the 21st, as Excel and document, e-mailed"
        pool = Pool()
        Meeting = pool.get('sushi.consultation')
        Report = pool.get('sushi.consultation.report')
        Workbook = pool.get('sushi.consultation.report.xlsx', type='report')
        Document = pool.get('sushi.consultation.report.document',
            type='report')
        ns = setup_network()
        topic, meeting = self.held(ns)
        with at(2025, 3, 17, 9), as_user(ns.handler):
            Meeting.submit_minutes([self.write_minutes(meeting, ns)])
        topic.title = '汴河路 <排水> & 管网'
        topic.save()
        with at(2025, 3, 20, 23), patch('trytond.modules.sushi_supervision.'
                'consultation_report.send_message_transactional') as send:
            self.assertEqual(Report.compile_due(), [])
        with at(2025, 3, 21, 1), patch('trytond.modules.sushi_supervision.'
                'consultation_report.send_message_transactional') as send:
            report, = Report.compile_due()
            self.assertEqual(Report.compile_due(), [])
        self.assertEqual(report.month, dt.date(2025, 3, 1))
        self.assertEqual(report.theme_count, 1)
        self.assertFalse(report.theme_missing)
        self.assertEqual(list(report.month_topics), [topic])
        lines = {l.unit: l for l in report.lines}
        self.assertEqual((lines[ns.county].lead_topics,
                lines[ns.county].minutes_late,
                lines[ns.county].candidates), (1, 1, 1))
        self.assertEqual(lines[ns.city].co_topics, 1)
        self.assertIsNotNone(report.sent_at)
        # the supervisor and the city leader have e-mail addresses
        self.assertEqual(send.call_count, 2)
        message = send.call_args[0][0]
        names = [p.get_filename() for p in message.iter_attachments()]
        self.assertEqual(len(names), 2)
        self.assertTrue(names[0].endswith('-2025-03.xlsx'))
        self.assertTrue(names[1].endswith('.html'))
        # a cron stopped from Friday 18 April to Friday 2 May 2025 missed
        # April's report (due from the 21st): made late, once, on 2 May;
        # May's from 21 May
        for when in [(2025, 4, 18, 9), (2025, 5, 2, 9), (2025, 5, 2, 9),
                (2025, 5, 20, 9), (2025, 5, 21, 9), (2025, 5, 21, 9)]:
            with at(*when), patch('trytond.modules.sushi_supervision.'
                    'consultation_report.send_message_transactional'):
                Report.compile_due()
        self.assertEqual([r.month for r in Report.search(
                    [], order=[('month', 'ASC')])],
            [dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1)])
        april, = Report.search([('month', '=', dt.date(2025, 4, 1))])
        self.assertEqual(april.generated_at, local(2025, 5, 2, 9))

        ext, data, _, name = Workbook.execute([report.id], {})
        self.assertEqual(ext, 'xlsx')
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            self.assertIn('xl/workbook.xml', book.namelist())
        ext, data, _, name = Document.execute([report.id], {})
        self.assertEqual(ext, 'html')
        if isinstance(data, bytes):
            data = data.decode('utf-8')
        self.assertIn('汴河路 &lt;排水&gt; &amp; 管网', data)
        self.assertIn('三、各责任单位履责办理情况', data)
        # compiled and sent again from the client (the buttons as sao
        # presses them)
        with at(2025, 3, 24, 9), patch('trytond.modules.sushi_supervision.'
                'consultation_report.send_message_transactional') as send:
            self.assertIsNone(click([report], 'generate'))
            self.assertIsNone(click([report], 'send'))
        report = Report(report.id)
        self.assertEqual(report.generated_at, local(2025, 3, 24, 9))
        self.assertEqual(send.call_count, 2)
