# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The consultation facts the assessment scores (SCORING D4): candidates
detected by the system, with their origin and evidence, for the Office to
rule on.

- D4.2 (lead-unit duty, MANUAL): minutes not submitted by their due time.
- D4.3 (co-unit duty, SEMI): a letter not sent by its due time.

A fact is stored once per origin: when the due time passes without the
minutes or the letter (by the sweep, `done_at` empty), or when they come
late (`done_at` set); a missing one that comes later is completed."""
from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.sushi_ticket import clock
from trytond.pool import Pool
from trytond.transaction import Transaction

from .fact import FactMixin

KINDS = [
    ('late_minutes', "Minutes Late or Missing"),
    ('late_letter', "Letter Late or Missing"),
    ]
ITEMS = {'late_minutes': 'D4.2', 'late_letter': 'D4.3'}


class Fact(FactMixin, ModelSQL, ModelView):
    __name__ = 'sushi.consultation.fact'
    __string__ = "Consultation Assessment Candidate"

    item = fields.Selection([
            ('D4.2', "D4.2 Lead-Unit Duty"),
            ('D4.3', "D4.3 Co-Unit Duty"),
            ], "Assessment Item", readonly=True, required=True)
    kind = fields.Selection(KINDS, "Kind", readonly=True, required=True)
    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        readonly=True, required=True, ondelete='CASCADE')
    origin = fields.Reference("Origin", selection=[
            ('sushi.consultation', "Consultation Meeting"),
            ('sushi.consultation.letter', "Co-Unit Letter"),
            ], readonly=True, required=True)
    done_at = fields.DateTime("Done at", readonly=True,
        help="When the minutes or the letter came; empty while missing.")
    late_days = fields.Integer("Working Days Late", readonly=True,
        help="From the due time to when it came, or to the last sweep "
        "while it is missing.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('origin_unique', Unique(t, t.origin),
                'sushi_supervision.msg_consultation_fact_unique'),
            ]

    def get_rec_name(self, name):
        return '%s %s' % (self.item, self.topic.rec_name)

    @classmethod
    def _evidence(cls, kind, record, done_at):
        Calendar = Pool().get('sushi.calendar')

        def fmt(value):
            return (Calendar.to_local(value).strftime('%Y-%m-%d %H:%M')
                if value else '-')
        if kind == 'late_minutes':
            return gettext('sushi_supervision.msg_consultation_evidence_minutes',
                topic=record.topic.rec_name, unit=record.topic.lead_unit.name,
                held=fmt(record.held_at), due=fmt(record.minutes_due_at),
                done=fmt(done_at))
        return gettext('sushi_supervision.msg_consultation_evidence_letter',
            topic=record.topic.rec_name, unit=record.unit.name,
            requested=fmt(record.requested_at), due=fmt(record.due_at),
            done=fmt(done_at))

    @classmethod
    def _store(cls, kind, rows):
        """rows: (origin record, unit, due, done_at or None): create the
        fact of each origin, or complete the existing one."""
        Calendar = Pool().get('sushi.calendar')
        if not rows:
            return []
        now = clock.now()
        existing = {str(f.origin): f for f in cls.search([
                    ('origin', 'in', [str(r[0]) for r in rows]),
                    ])}
        to_create, to_save = [], []
        for record, unit, due, done in rows:
            late = Calendar.working_days_between(due, done or now)
            values = {
                'done_at': done,
                'late_days': late,
                'evidence': cls._evidence(kind, record, done),
                }
            fact = existing.get(str(record))
            if fact:
                if fact.done_at is None:
                    for name, value in values.items():
                        setattr(fact, name, value)
                    to_save.append(fact)
                continue
            values.update({
                    'item': ITEMS[kind],
                    'kind': kind,
                    'unit': unit.id,
                    'topic': record.topic.id,
                    'origin': str(record),
                    'due_at': due,
                    'occurred_at': due,
                    'detected_at': now,
                    })
            to_create.append(values)
        cls.save(to_save)
        return cls.create(to_create) + to_save

    @classmethod
    def record_minutes(cls, meetings):
        "Minutes submitted after their due time (CON-07, D4.2)."
        return cls._store('late_minutes', [
                (m, m.topic.lead_unit, m.minutes_due_at,
                    m.minutes_submitted_at) for m in meetings])

    @classmethod
    def record_letters(cls, letters):
        "Letters received after their due time (CON-04, D4.3)."
        return cls._store('late_letter', [
                (l, l.unit, l.due_at, l.received_at) for l in letters])

    @classmethod
    def detect(cls):
        """Store the minutes and letters that are past due and missing, and
        tell their units; found by two indexed queries."""
        pool = Pool()
        Meeting = pool.get('sushi.consultation')
        Letter = pool.get('sushi.consultation.letter')
        Notification = pool.get('sushi.notification')
        now = clock.now()
        cursor = Transaction().connection.cursor()
        meeting = Meeting.__table__()
        letter = Letter.__table__()
        cursor.execute(*meeting.select(meeting.id,
                where=(meeting.state == 'held')
                & (meeting.minutes_due_at != Null)
                & (meeting.minutes_due_at < now)))
        meeting_ids = [i for i, in cursor]
        cursor.execute(*letter.select(letter.id,
                where=(letter.state == 'requested') & (letter.due_at < now)))
        letter_ids = [i for i, in cursor]
        known = {str(f.origin) for f in cls.search([
                    ('origin', 'in',
                        ['sushi.consultation,%s' % i for i in meeting_ids]
                        + ['sushi.consultation.letter,%s' % i
                            for i in letter_ids]),
                    ])}
        meetings = Meeting.browse(meeting_ids)
        letters = Letter.browse(letter_ids)
        facts = cls.record_minutes(meetings) + cls.record_letters(letters)
        notices = []
        label = gettext('sushi_supervision.msg_consultation_notify_overdue')
        for record in meetings + letters:
            if str(record) in known:
                continue
            if record.__name__ == 'sushi.consultation':
                unit, text = record.topic.lead_unit, gettext(
                    'sushi_supervision.msg_consultation_overdue_minutes',
                    topic=record.topic.rec_name)
            else:
                unit, text = record.unit, record.notice_line()
            notices.append((unit.id, label, text, record.__name__,
                    [record.id]))
        if notices:
            Notification.notify_units(notices)
        return facts
