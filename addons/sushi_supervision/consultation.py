# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The consultation meeting (会商) and its minutes (会商纪要, CON-07), and the
agreed items tracked to their deadlines with lights."""
import datetime as dt
import logging

from sql import Null
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.exceptions import CalendarMissingYearError
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .consultation_exceptions import ConsultationError

# CON-07: the six elements the minutes must state
MINUTES_ELEMENTS = ['theme', 'participants', 'proceedings', 'items',
    'responsibilities', 'implementation_deadlines']
LIGHTS = [
    (None, ""),
    ('green', "Green"),
    ('yellow', "Yellow"),
    ('red', "Red"),
    ]
_minutes_open = Eval('state').in_(['planned', 'held'])

logger = logging.getLogger(__name__)


class Consultation(Workflow, ModelSQL, ModelView):
    "A consultation meeting of a topic and its minutes."
    __name__ = 'sushi.consultation'
    __string__ = "Consultation Meeting"

    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        required=True, ondelete='CASCADE', readonly=True)
    lead_unit = fields.Function(fields.Many2One('sushi.unit', "Lead Unit"),
        'get_topic_field')
    planned_at = fields.DateTime("Planned at",
        states={'readonly': Eval('state') != 'planned'})
    location = fields.Char("Place",
        states={'readonly': ~_minutes_open})
    held_at = fields.DateTime("Held at",
        states={
            'readonly': Eval('state') != 'planned',
            'required': Eval('state') != 'planned',
            })
    # CON-07 1..6
    theme = fields.Char("Theme", states={'readonly': ~_minutes_open})
    participants = fields.Text("Participants",
        states={'readonly': ~_minutes_open},
        help="The people present and their units.")
    proceedings = fields.Text("Proceedings",
        states={'readonly': ~_minutes_open})
    items = fields.One2Many('sushi.consultation.item', 'meeting',
        "Agreed Items", states={'readonly': ~_minutes_open},
        help="Each agreed item with the unit responsible and its deadline.")
    responsibilities = fields.Text("Division of Responsibilities",
        states={'readonly': ~_minutes_open})
    implementation_deadlines = fields.Text("Implementation Deadlines",
        states={'readonly': ~_minutes_open},
        help="The deadlines of the implementation as agreed; each agreed "
        "item also carries its own.")
    no_solution = fields.Boolean("No Clear Solution Agreed",
        states={'readonly': ~_minutes_open},
        help="For policy or similar reasons no clear solution was agreed "
        "(CON-08).")
    minutes_due_at = fields.DateTime("Minutes Due", readonly=True)
    minutes_submitted_at = fields.DateTime("Minutes Submitted at",
        readonly=True)
    minutes_submitted_by = fields.Many2One('res.user',
        "Minutes Submitted by", readonly=True)
    minutes_late = fields.Boolean("Minutes Late", readonly=True)
    held_by = fields.Many2One('res.user', "Recorded by", readonly=True)
    attachments = fields.One2Many('ir.attachment', 'resource',
        "Documents")
    state = fields.Selection([
            ('planned', "Planned"),
            ('held', "Held"),
            ('minutes_submitted', "Minutes Submitted"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('topic')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.minutes_due_at, Index.Range())),
                Index(t, (t.held_at, Index.Range())),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('planned', 'held'),
            ('held', 'minutes_submitted'),
            }
        cls._buttons.update({
                'hold': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'submit_minutes': {
                    'invisible': Eval('state') != 'held',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def default_no_solution(cls):
        return False

    def get_rec_name(self, name):
        return self.topic.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('topic.rec_name',) + tuple(clause[1:])]

    @classmethod
    def get_topic_field(cls, meetings, names):
        return {n: {m.id: getattr(m.topic, n).id
                    if getattr(m.topic, n) else None for m in meetings}
            for n in names}

    @classmethod
    def check_modification(cls, mode, meetings, values=None,
            external=False):
        super().check_modification(
            mode, meetings, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            for meeting in meetings:
                meeting.topic.check_lead()

    @classmethod
    def minutes_due(cls, held_at):
        """CON-07: the minutes are due in the week after the consultation:
        at office close on the last working day of the calendar week after
        the week of the meeting (a week without a working day moves to the
        next working day after it).  Naive UTC in and out."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        config = Configuration.get_values()
        weeks = config.get('consultation_minutes_weeks') or 1
        day = Calendar.to_local(held_at).date()
        monday = day - dt.timedelta(days=day.weekday()) + dt.timedelta(
            weeks=weeks)
        sunday = monday + dt.timedelta(days=6)
        date = sunday
        while date >= monday and not Calendar.is_working_day(date):
            date -= dt.timedelta(days=1)
        if date < monday:
            date = Calendar.next_working_day(sunday)
        return Calendar.local_datetime(date, config['office_close_time'])

    @classmethod
    def minutes_due_known(cls, held_at):
        """minutes_due, or None when the week after the meeting reaches a
        year without an official schedule (CONV-03, never guessed): the
        meeting is held all the same, the refusal logged, and the due time
        filled in by the sweep once the year is entered
        (fill_minutes_due)."""
        try:
            return cls.minutes_due(held_at)
        except CalendarMissingYearError as exception:
            logger.warning("%s", exception.message)
            return None

    @classmethod
    def fill_minutes_due(cls):
        """The minutes' due time of the meetings that have none (held
        when the week after reached a year without a schedule), now that
        it can be computed.  Minutes submitted meanwhile after that due
        time are late, as if it had been known (CON-07, LGT-05): flagged
        and stored as a D4.2 candidate done when they were submitted, not
        when the sweep saw it.  Only empty due times are written."""
        Fact = Pool().get('sushi.consultation.fact')
        meetings = cls.search([
                ('state', 'in', ['held', 'minutes_submitted']),
                ('minutes_due_at', '=', None),
                ('held_at', '!=', None),
                ])
        filled = []
        for meeting in meetings:
            due = cls.minutes_due_known(meeting.held_at)
            if not due:
                continue
            meeting.minutes_due_at = due
            if meeting.minutes_submitted_at:
                meeting.minutes_late = meeting.minutes_submitted_at > due
            filled.append(meeting)
        cls.save(filled)
        Fact.record_minutes([m for m in filled if m.minutes_late])

    @classmethod
    @ModelView.button
    @transition('held')
    def hold(cls, meetings):
        """The lead unit records that the meeting took place; the minutes
        fall due (CON-07)."""
        Topic = Pool().get('sushi.consultation.topic')
        now = clock.now()
        for meeting in meetings:
            meeting.topic.check_lead()
            if not meeting.held_at:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_held_at',
                        topic=meeting.rec_name))
            if meeting.held_at > now:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_future',
                        record=meeting.rec_name))
            if meeting.topic.state != 'scheduled':
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_topic_state',
                        topic=meeting.rec_name))
            meeting.minutes_due_at = cls.minutes_due_known(meeting.held_at)
            meeting.held_by = Transaction().user or None
        cls.save(meetings)
        Topic.set_held([m.topic for m in meetings])

    def missing_minutes_elements(self):
        missing = []
        for name in MINUTES_ELEMENTS:
            value = getattr(self, name)
            if isinstance(value, str):
                value = value.strip()
            if not value:
                missing.append(name)
        for item in self.items:
            if not item.unit or not item.deadline:
                missing.append('items')
                break
        return missing

    @classmethod
    @ModelView.button
    @transition('minutes_submitted')
    def submit_minutes(cls, meetings):
        """CON-07: the lead submits the minutes with all six elements;
        minutes after their due time are flagged and stored as a D4.2
        candidate (the lead unit's duty to report)."""
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Fact = pool.get('sushi.consultation.fact')
        now = clock.now()
        for meeting in meetings:
            meeting.topic.check_lead()
            missing = meeting.missing_minutes_elements()
            if missing:
                names = cls.fields_get(missing)
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_minutes_missing',
                        topic=meeting.rec_name,
                        fields='、'.join(
                            names[m]['string'] for m in missing)))
            meeting.minutes_submitted_at = now
            meeting.minutes_submitted_by = Transaction().user or None
            meeting.minutes_late = bool(
                meeting.minutes_due_at and now > meeting.minutes_due_at)
        cls.save(meetings)
        Fact.record_minutes([m for m in meetings if m.minutes_late])
        Topic.set_minutes_submitted([m.topic for m in meetings])


class Item(ModelSQL, ModelView):
    "An agreed item (议定事项) of the minutes, tracked to its deadline."
    __name__ = 'sushi.consultation.item'
    __string__ = "Agreed Item"

    meeting = fields.Many2One('sushi.consultation', "Meeting",
        required=True, ondelete='CASCADE')
    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        readonly=True, ondelete='CASCADE')
    description = fields.Text("Agreed Item", required=True,
        states={'readonly': Eval('state') == 'done'})
    unit = fields.Many2One('sushi.unit', "Responsible Unit",
        states={'readonly': Eval('state') == 'done'})
    deadline = fields.DateTime("Deadline",
        states={'readonly': Eval('state') == 'done'})
    yellow_from = fields.DateTime("Yellow from", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('done', "Done"),
            ], "State", readonly=True, required=True)
    done_at = fields.DateTime("Done at", readonly=True)
    done_by = fields.Many2One('res.user', "Done by", readonly=True)
    result = fields.Text("Result",
        states={'readonly': Eval('state') == 'done'})
    late = fields.Boolean("Late", readonly=True)
    light = fields.Selection(LIGHTS, "Light", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('meeting')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.deadline, Index.Range())),
                Index(t, (t.topic, Index.Equality())),
                })
        cls._order = [('deadline', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'complete': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('light') == 'red', 'danger',
                    If(Eval('light') == 'yellow', 'warning', ''))),
            ]

    def get_rec_name(self, name):
        text = (self.description or '').strip().splitlines()
        return text[0][:40] if text else str(self.id)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('meeting'):
            Meeting = pool.get('sushi.consultation')
            values['topic'] = Meeting(values['meeting']).topic.id
        if values.get('deadline'):
            days = Configuration.get_values().get(
                'consultation_item_yellow_days') or 0
            # LGT-like: yellow the given working days before the deadline
            values['yellow_from'] = Calendar.add_working_days(
                values['deadline'], -days) if days else values['deadline']
            values['yellow_from'] = min(values['yellow_from'],
                values['deadline'])
        return values

    @classmethod
    def check_modification(cls, mode, items, values=None, external=False):
        super().check_modification(
            mode, items, values=values, external=external)
        if external and mode in {'create', 'write', 'delete'}:
            for item in items:
                if item.meeting.state == 'minutes_submitted' and (
                        mode != 'write' or set(values) - {'result'}):
                    raise ConsultationError(gettext(
                            'sushi_supervision.msg_consultation_minutes_done',
                            topic=item.meeting.rec_name))
                if mode == 'write' and set(values) <= {'result'}:
                    item.check_responsible()
                else:
                    item.meeting.topic.check_lead()

    def check_responsible(self):
        "The item's unit or the lead unit."
        from .consultation_topic import is_admin, user_units
        if is_admin():
            return
        units = user_units()
        if not ((self.unit and self.unit.id in units)
                or self.meeting.topic.lead_unit.id in units):
            self.meeting.topic.check_lead()

    @classmethod
    @ModelView.button
    def complete(cls, items):
        "The responsible unit (or the lead) reports the item done."
        now = clock.now()
        for item in items:
            item.check_responsible()
            if item.meeting.topic.state != 'implementing':
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_topic_state',
                        topic=item.meeting.rec_name))
            if item.state != 'open':
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_item_done',
                        item=item.rec_name))
            if not (item.result or '').strip():
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_item_result',
                        item=item.rec_name))
            item.state = 'done'
            item.done_at = now
            item.done_by = Transaction().user or None
            item.late = bool(item.deadline and now > item.deadline)
            item.light = None
        cls.save(items)

    @classmethod
    def sweep(cls, items=None):
        """The lights of the open agreed items of implementing topics, in
        one statement: red past the deadline, yellow from `yellow_from`; or
        of the given items (a topic going into implementation)."""
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        table = cls.__table__()
        topic = Topic.__table__()
        cursor = Transaction().connection.cursor()
        now = clock.now()
        where = table.state == 'open'
        if items is not None:
            ids = [i.id for i in items]
            if not ids:
                return
            where &= table.id.in_(ids)
        else:
            where &= table.topic.in_(topic.select(topic.id,
                    where=topic.state == 'implementing'))
        cursor.execute(*table.update([table.light], [Case(
                        (table.deadline == Null, Null),
                        (table.deadline < now, 'red'),
                        (table.yellow_from <= now, 'yellow'),
                        else_='green')],
                where=where))
        clock.forget(cls.__name__)
