# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The consultation topic (会商议题, RULES §17): the pool, the monthly
themes and ad-hoc consultations, and the topic's way from a proposal to
done or filed without a solution.

Who acts: the Office (platform administrators and supervisors) accepts,
declines and files; the lead unit ("1") schedules, records the meeting,
submits the minutes, drives the implementation and closes; the co-units
("X") answer by letter and complete their agreed items.  A unit acts only
on topics where it is the lead or a co-unit."""
import datetime as dt
from functools import wraps

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from .consultation_exceptions import (
    ConsultationError, ConsultationRightError)

STATES = [
    ('proposed', "Proposed"),
    ('accepted', "Accepted"),
    ('scheduled', "Scheduled"),
    ('held', "Held"),
    ('minutes_submitted', "Minutes Submitted"),
    ('implementing', "Implementing"),
    ('done', "Done"),
    ('filed_no_solution', "Filed without Solution"),
    ('declined', "Declined"),
    ]
SOURCES = [
    ('unit_proposal', "Proposed by a Unit"),
    ('office', "Set by the Office"),
    ('big_data', "Big-Data Analysis"),
    ]
# CON-01: the "long-standing hard" matters
NATURES = [
    (None, ""),
    ('legacy', "Historical Legacy Problem"),
    ('broad_reach', "Broad Reach, May Trigger Public Opinion"),
    ('policy_gap', "No Policy Basis or Incompatible Policies"),
    ('other', "Other Key, Difficult or Blocking Problem"),
    ]
FORMS = [
    (None, ""),
    ('case_by_case', "Case-by-Case Deliberation"),
    ('one_plus_x', "1+X Consultation"),
    ]
KINDS = [
    (None, ""),
    ('monthly_theme', "Monthly Theme"),
    ('ad_hoc', "Ad-hoc Consultation"),
    ]
_closed = Eval('state').in_(['done', 'filed_no_solution', 'declined'])


def office_group_ids():
    ModelData = Pool().get('ir.model.data')
    return {ModelData.get_id('sushi_ticket', 'group_sushi_' + g)
        for g in ['admin', 'supervisor']}


def is_office():
    "The Office (领导小组办公室): platform administrators and supervisors."
    User = Pool().get('res.user')
    if not Transaction().user:
        return True
    return bool(office_group_ids() & set(User.get_groups()))


def is_admin():
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if not Transaction().user:
        return True
    return ModelData.get_id('sushi_ticket', 'group_sushi_admin') in (
        User.get_groups())


def is_analyst():
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    return ModelData.get_id('sushi_ticket', 'group_sushi_analyst') in (
        User.get_groups())


def user_units():
    return set(Pool().get('sushi.unit').user_units())


def logged_transition(state):
    """sushi_ticket's locking transition to state, and the topic's history:
    one event per topic from the state it had (read in this transaction,
    which the lock keeps) to state, by the user, with the comment of
    topic.transition_comment(state).  The one place a topic's move is
    logged (CON-11)."""
    def decorator(func):
        moved = transition(state)(func)

        @wraps(func)
        def wrapper(cls, topics, *args, **kwargs):
            TopicEvent = Pool().get('sushi.consultation.topic.event')
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            before = {}
            ids = [t.id for t in topics if t.id is not None and t.id >= 0]
            for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
                cursor.execute(*table.select(table.id, table.state,
                        where=reduce_ids(table.id, sub_ids)))
                before.update(cursor)
            result = moved(cls, topics, *args, **kwargs)
            TopicEvent.log_moves(topics, before, state)
            return result
        return wrapper
    return decorator


class Topic(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.consultation.topic'
    __string__ = "Consultation Topic"

    title = fields.Char("Topic", required=True,
        states={'readonly': ~Eval('state').in_(['proposed', 'accepted'])})
    description = fields.Text("Problem",
        states={'readonly': ~Eval('state').in_(['proposed', 'accepted'])},
        help="The key, difficult or blocking problem found, and why "
        "it needs a consultation.")
    nature = fields.Selection(NATURES, "Nature",
        states={'readonly': ~Eval('state').in_(['proposed', 'accepted'])})
    # CON-05, CON-11: the source and the proposal
    source = fields.Selection(SOURCES, "Source", required=True,
        states={'readonly': Bool(Eval('id', -1) >= 0)})
    proposing_unit = fields.Many2One('sushi.unit', "Proposing Unit",
        states={
            'readonly': Bool(Eval('id', -1) >= 0),
            'required': Eval('source') == 'unit_proposal',
            'invisible': Eval('source') != 'unit_proposal',
            })
    proposed_by = fields.Many2One('res.user', "Proposed by", readonly=True)
    proposed_at = fields.DateTime("Proposed at", readonly=True)
    suggested_lead = fields.Many2One('sushi.unit', "Suggested Lead Unit",
        states={'readonly': Eval('state') != 'proposed'})
    suggested_co_units = fields.Many2Many(
        'sushi.consultation.topic-suggested_unit', 'topic', 'unit',
        "Suggested Co-Units",
        states={'readonly': Eval('state') != 'proposed'})
    tickets = fields.One2Many('sushi.consultation.topic-sushi.ticket',
        'topic', "Linked Orders",
        states={'readonly': _closed})
    # CON-06: the Office's decision
    kind = fields.Selection(KINDS, "Kind",
        states={
            'readonly': Eval('state') != 'proposed',
            'required': ~Eval('state').in_(['proposed', 'declined']),
            })
    theme_month = fields.Date("Theme Month",
        states={
            'readonly': Eval('state') != 'proposed',
            'required': Eval('kind') == 'monthly_theme',
            'invisible': Eval('kind') != 'monthly_theme',
            },
        help="The first day of the month whose consultation theme this is.")
    lead_unit = fields.Many2One('sushi.unit', "Lead Unit (1)",
        states={
            'readonly': Eval('state') != 'proposed',
            'required': ~Eval('state').in_(['proposed', 'declined']),
            })
    co_units = fields.Many2Many('sushi.consultation.topic-co_unit',
        'topic', 'unit', "Co-Units (X)",
        states={'readonly': Eval('state') != 'proposed'})
    decline_reason = fields.Text("Reason Declined",
        states={
            'readonly': Eval('state') != 'proposed',
            'invisible': Eval('state') != 'declined',
            })
    # CON-03: the lead decides the form and organises the meeting
    form = fields.Selection(FORMS, "Form",
        states={
            'readonly': Eval('state') != 'accepted',
            'required': ~Eval('state').in_(
                ['proposed', 'accepted', 'declined']),
            })
    planned_at = fields.DateTime("Meeting Planned at",
        states={'readonly': Eval('state') != 'accepted'})
    location = fields.Char("Meeting Place",
        states={'readonly': Eval('state') != 'accepted'})
    meetings = fields.One2Many('sushi.consultation', 'topic', "Meetings",
        readonly=True)
    meeting = fields.Function(fields.Many2One('sushi.consultation',
            "Meeting"), 'get_meeting')
    items = fields.One2Many('sushi.consultation.item', 'topic',
        "Agreed Items", readonly=True)
    letters = fields.One2Many('sushi.consultation.letter', 'topic',
        "Co-Unit Letters", readonly=True)
    letter_due_at = fields.DateTime("Letters Due",
        states={'readonly': _closed | (Eval('state') == 'proposed')},
        help="When the co-units' written replies are due; the lead sets it "
        "before asking for the letters (CON-04).")
    # CON-03, CON-08: the outcome
    consolidated_reply = fields.Text("Consolidated Reply",
        states={'readonly': _closed},
        help="The lead unit's consolidated answer to the linked orders.")
    solution_ideas = fields.Text("Ideas and Suggestions",
        states={'readonly': _closed},
        help="Without an agreed solution: the ideas and suggestions for "
        "one, filed with the Office (CON-08).")
    communications = fields.One2Many('sushi.consultation.communication',
        'topic', "Communication with Requesters",
        states={'readonly': Eval('state').in_(['done', 'declined'])})
    facts = fields.One2Many('sushi.consultation.fact', 'topic',
        "Assessment Candidates", readonly=True)
    events = fields.One2Many('sushi.consultation.topic.event', 'topic',
        "History", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    closed_at = fields.DateTime("Closed at", readonly=True)
    light = fields.Function(fields.Selection([
                (None, ""),
                ('green', "Green"),
                ('yellow', "Yellow"),
                ('red', "Red"),
                ], "Light"), 'get_light')
    is_lead = fields.Function(fields.Boolean("My Unit Leads"), 'get_role',
        searcher='search_role')
    is_co_unit = fields.Function(fields.Boolean("My Unit Assists"),
        'get_role', searcher='search_role')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.theme_month, Index.Range())),
                Index(t, (t.lead_unit, Index.Equality())),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('proposed', 'accepted'),
            ('proposed', 'declined'),
            ('accepted', 'scheduled'),
            ('scheduled', 'held'),
            ('held', 'minutes_submitted'),
            ('minutes_submitted', 'implementing'),
            ('implementing', 'done'),
            ('minutes_submitted', 'filed_no_solution'),
            ('implementing', 'filed_no_solution'),
            }
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('state') != 'proposed',
                    'depends': ['state'],
                    },
                'decline': {
                    'invisible': Eval('state') != 'proposed',
                    'depends': ['state'],
                    },
                'schedule': {
                    'invisible': Eval('state') != 'accepted',
                    'depends': ['state'],
                    },
                'request_letters': {
                    'invisible': ~Eval('state').in_(['scheduled', 'held',
                            'minutes_submitted', 'implementing']),
                    'depends': ['state'],
                    },
                'implement': {
                    'invisible': Eval('state') != 'minutes_submitted',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'implementing',
                    'depends': ['state'],
                    },
                'file_no_solution': {
                    'invisible': ~Eval('state').in_(
                        ['minutes_submitted', 'implementing']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'proposed'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('light') == 'red', 'danger',
                    If(Eval('light') == 'yellow', 'warning', ''))),
            ]

    @classmethod
    def default_source(cls):
        return 'office' if is_office() else 'unit_proposal'

    @classmethod
    def default_proposing_unit(cls):
        units = sorted(user_units())
        if units and not is_office():
            return units[0]

    def get_rec_name(self, name):
        return self.title

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('title',) + tuple(clause[1:])]

    def get_meeting(self, name):
        if self.meetings:
            return max(self.meetings, key=lambda m: m.id).id

    def get_light(self, name):
        "The worst light of the open agreed items."
        lights = {i.light for i in self.items if i.state == 'open'}
        for light in ['red', 'yellow', 'green']:
            if light in lights:
                return light

    @classmethod
    def get_role(cls, topics, names):
        units = user_units()
        result = {n: {} for n in names}
        for topic in topics:
            if 'is_lead' in names:
                result['is_lead'][topic.id] = bool(
                    topic.lead_unit and topic.lead_unit.id in units)
            if 'is_co_unit' in names:
                result['is_co_unit'][topic.id] = bool(
                    {u.id for u in topic.co_units} & units)
        return result

    @classmethod
    def search_role(cls, name, clause):
        _, operator, value = clause[:3]
        field = 'lead_unit' if name == 'is_lead' else 'co_units'
        positive = (operator == '=') == bool(value)
        return [(field, 'in' if positive else 'not in',
                sorted(user_units()))]

    # --- checks -------------------------------------------------------

    def check_lead(self):
        "Only the lead unit's staff act as the lead (CON-03)."
        if is_admin():
            return
        if not self.lead_unit or self.lead_unit.id not in user_units():
            raise ConsultationRightError(gettext(
                    'sushi_supervision.msg_consultation_not_lead',
                    topic=self.rec_name))

    def check_party(self):
        "The lead unit or a co-unit."
        if is_admin():
            return
        units = user_units()
        if not ((self.lead_unit and self.lead_unit.id in units)
                or {u.id for u in self.co_units} & units):
            raise ConsultationRightError(gettext(
                    'sushi_supervision.msg_consultation_not_party',
                    topic=self.rec_name))

    def check_add_orders(self):
        """CON-05: orders are added to a topic by its proposing unit (its
        own orders, which it reads) and the Office; the analyst only to
        the big-data proposal it is making."""
        if is_office():
            return
        with without_check_access():
            topic = self.__class__(self.id)
            if topic.proposing_unit and topic.proposing_unit.id in (
                    user_units()):
                return
            if (topic.source == 'big_data' and topic.state == 'proposed'
                    and topic.proposed_by
                    and topic.proposed_by.id == Transaction().user):
                return
        raise ConsultationRightError(gettext(
                'sushi_supervision.msg_consultation_link_orders',
                topic=self.rec_name))

    @classmethod
    def check_office(cls, topics):
        if not is_office():
            raise ConsultationRightError(gettext(
                    'sushi_supervision.msg_consultation_not_office',
                    topic=', '.join(t.rec_name for t in topics)))

    @classmethod
    def validate_fields(cls, topics, field_names):
        super().validate_fields(topics, field_names)
        if field_names & {'theme_month', 'lead_unit', 'co_units'}:
            for topic in topics:
                topic.check_units()
                if topic.theme_month and topic.theme_month.day != 1:
                    raise ConsultationError(gettext(
                            'sushi_supervision.msg_consultation_theme_month',
                            topic=topic.rec_name))

    def check_units(self):
        if self.lead_unit and self.lead_unit in self.co_units:
            raise ConsultationError(gettext(
                    'sushi_supervision.msg_consultation_lead_co',
                    topic=self.rec_name, unit=self.lead_unit.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.setdefault('proposed_at', clock.now())
            values.setdefault('proposed_by', Transaction().user or None)
            if values.get('theme_month'):
                values['theme_month'] = values['theme_month'].replace(day=1)
        elif 'theme_month' in values and values['theme_month']:
            values['theme_month'] = values['theme_month'].replace(day=1)
        return values

    @classmethod
    def create(cls, vlist):
        topics = super().create(vlist)
        office = is_office()
        units = user_units()
        analyst = is_analyst()
        for topic in topics:
            # CON-05: a unit proposes in its own name (b); analysts put the
            # big-data analysis' topics in the pool (a); the rest is the
            # Office's.
            if office or (analyst and topic.source == 'big_data'):
                continue
            if (topic.source != 'unit_proposal'
                    or not topic.proposing_unit
                    or topic.proposing_unit.id not in units):
                raise ConsultationRightError(gettext(
                        'sushi_supervision.msg_consultation_propose_unit',
                        topic=topic.rec_name))
        TopicEvent = Pool().get('sushi.consultation.topic.event')
        TopicEvent.log(topics, None, 'proposed')
        return topics

    @classmethod
    def check_modification(cls, mode, topics, values=None, external=False):
        super().check_modification(
            mode, topics, values=values, external=external)
        if external and mode == 'delete':
            for topic in topics:
                if topic.state != 'proposed':
                    raise ConsultationError(gettext(
                            'sushi_supervision.msg_consultation_delete',
                            topic=topic.rec_name))
        if external and mode == 'write' and not is_office():
            office_fields = {'kind', 'theme_month', 'lead_unit', 'co_units',
                'decline_reason'}
            if set(values) & office_fields:
                cls.check_office(topics)
            units = user_units()
            for topic in topics:
                # the proposing unit edits its proposal; afterwards only
                # the lead unit writes on the topic
                if topic.state == 'proposed':
                    if not (topic.proposing_unit
                            and topic.proposing_unit.id in units):
                        raise ConsultationRightError(gettext(
                                'sushi_supervision'
                                '.msg_consultation_propose_unit',
                                topic=topic.rec_name))
                else:
                    topic.check_lead()

    # --- the pool -----------------------------------------------------

    @classmethod
    def propose_from_tickets(cls, tickets, title, description=None,
            source='big_data', lead=None, co_units=(), nature=None,
            proposing_unit=None):
        """Turn a set of tickets into a proposed topic of the pool (CON-05
        (a)): the hook of the analysis module's clusters (多人一投 /
        一人多投).  The suggested lead defaults to the most frequent lead
        unit of the tickets, the suggested co-units to their other units.
        Return the topic."""
        from collections import Counter
        leads = Counter(t.lead_unit.id for t in tickets if t.lead_unit)
        if lead is None and leads:
            lead = leads.most_common(1)[0][0]
        lead = getattr(lead, 'id', lead)
        if not co_units:
            co_units = sorted({a.unit.id for t in tickets
                    for a in t.assignments
                    if a.unit and not a.parent and a.unit.id != lead})
        co_units = [getattr(u, 'id', u) for u in co_units]
        topic, = cls.create([{
                    'title': title,
                    'description': description,
                    'nature': nature,
                    'source': source,
                    'proposing_unit': getattr(
                        proposing_unit, 'id', proposing_unit),
                    'suggested_lead': lead,
                    'suggested_co_units': [('add', co_units)],
                    'tickets': [('create', [{'ticket': t.id}
                                for t in tickets])],
                    }])
        return topic

    # --- the workflow -------------------------------------------------

    @classmethod
    @ModelView.button
    @logged_transition('accepted')
    def accept(cls, topics):
        """CON-06: the Office takes the topic into the month's themes or as
        an ad-hoc consultation, with its lead unit (1) and co-units (X);
        the suggestion is the default.  CON-01: the topic's nature (one of
        the "long-standing hard" kinds) is stated."""
        cls.check_office(topics)
        for topic in topics:
            if not topic.lead_unit and topic.suggested_lead:
                topic.lead_unit = topic.suggested_lead
                if not topic.co_units:
                    topic.co_units = [u for u in topic.suggested_co_units
                        if u != topic.suggested_lead]
            if not topic.kind:
                topic.kind = 'monthly_theme' if topic.theme_month else 'ad_hoc'
            if not topic.lead_unit or (topic.kind == 'monthly_theme'
                    and not topic.theme_month):
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_accept_missing',
                        topic=topic.rec_name))
            # CON-01: consultation is for the "long-standing hard"
            # matters: the Office says which kind the topic is
            if not topic.nature:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_accept_nature',
                        topic=topic.rec_name))
        cls.save(topics)
        # the units learn their part in the client and by e-mail
        Notification = Pool().get('sushi.notification')
        label = gettext('sushi_supervision.msg_consultation_notify_accepted')
        notices = []
        for topic in topics:
            for unit, role in [(topic.lead_unit, 'lead')] + [
                    (u, 'co') for u in topic.co_units]:
                notices.append((unit.id, label, gettext(
                            'sushi_supervision.msg_consultation_accepted_'
                            + role, topic=topic.rec_name),
                        cls.__name__, [topic.id]))
        Notification.notify_units(notices)

    @classmethod
    @ModelView.button
    @logged_transition('declined')
    def decline(cls, topics):
        cls.check_office(topics)
        for topic in topics:
            if not (topic.decline_reason or '').strip():
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_decline_reason',
                        topic=topic.rec_name))
        cls.write(topics, {'closed_at': clock.now()})

    @classmethod
    @ModelView.button
    @logged_transition('scheduled')
    def schedule(cls, topics):
        """CON-03: the lead decides the form and convenes the meeting; the
        meeting record is opened.  CON-02: a 1+X consultation needs its
        co-units (X); a case-by-case deliberation may be the lead's
        alone."""
        Meeting = Pool().get('sushi.consultation')
        for topic in topics:
            topic.check_lead()
            if not topic.form or not topic.planned_at:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_schedule_missing',
                        topic=topic.rec_name))
            # CON-02: "1+X" is the lead unit (1) with its co-units (X)
            if topic.form == 'one_plus_x' and not topic.co_units:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_one_plus_x',
                        topic=topic.rec_name))
        Meeting.create([{
                    'topic': t.id,
                    'planned_at': t.planned_at,
                    'location': t.location,
                    'theme': t.title,
                    } for t in topics])

    @classmethod
    @logged_transition('held')
    def set_held(cls, topics):
        "Driven by the meeting's `hold`."
        pass

    @classmethod
    @logged_transition('minutes_submitted')
    def set_minutes_submitted(cls, topics):
        "Driven by the meeting's `submit_minutes`."
        pass

    @classmethod
    @ModelView.button
    def request_letters(cls, topics):
        """The button 请求函复: `ask_for_letters`; nothing for the client
        (a button returns no records: sao could not read them)."""
        cls.ask_for_letters(topics)

    @classmethod
    def ask_for_letters(cls, topics):
        """CON-04: the lead asks each co-unit for its written reply by the
        due time it sets; a co-unit with an open request is not asked
        again.  Returns the letters requested."""
        pool = Pool()
        Letter = pool.get('sushi.consultation.letter')
        Notification = pool.get('sushi.notification')
        now = clock.now()
        vlist = []
        for topic in topics:
            topic.check_lead()
            if topic.state not in {'scheduled', 'held', 'minutes_submitted',
                    'implementing'}:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_letters_state',
                        topic=topic.rec_name))
            if not topic.letter_due_at or topic.letter_due_at <= now:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_letter_due',
                        topic=topic.rec_name))
            if not topic.co_units:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_no_co_units',
                        topic=topic.rec_name))
            asked = {l.unit.id for l in topic.letters
                if l.state == 'requested'}
            for unit in topic.co_units:
                if unit.id not in asked:
                    vlist.append({
                            'topic': topic.id,
                            'unit': unit.id,
                            'requested_at': now,
                            'requested_by': Transaction().user or None,
                            'due_at': topic.letter_due_at,
                            })
        letters = Letter.create(vlist)
        if letters:
            Notification.notify_units([
                    (l.unit.id, gettext(
                            'sushi_supervision.msg_consultation_notify_letter'),
                        l.notice_line(), Letter.__name__, [l.id])
                    for l in letters])
        return letters

    @classmethod
    @ModelView.button
    @logged_transition('implementing')
    def implement(cls, topics):
        "The agreed items are broken down and go live with their lights."
        Item = Pool().get('sushi.consultation.item')
        for topic in topics:
            topic.check_lead()
        Item.sweep([i for t in topics for i in t.items])

    @classmethod
    @ModelView.button
    @logged_transition('done')
    def close(cls, topics):
        """Every agreed item is done: the lead gives the consolidated reply
        to the linked orders (CON-03)."""
        for topic in topics:
            topic.check_lead()
            if not (topic.consolidated_reply or '').strip():
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_reply_missing',
                        topic=topic.rec_name))
            open_items = [i for i in topic.items if i.state != 'done']
            if open_items:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_items_open',
                        topic=topic.rec_name,
                        items='、'.join(i.rec_name for i in open_items)))
        cls.write(topics, {'closed_at': clock.now()})
        cls.reply_to_orders(topics, 'resolved')

    @classmethod
    @ModelView.button
    @logged_transition('filed_no_solution')
    def file_no_solution(cls, topics):
        """CON-08: no clear solution was agreed: the lead files its ideas
        and suggestions with the Office and records its communication with
        the requesters; the linked orders get the explanation."""
        for topic in topics:
            topic.check_lead()
            missing = []
            if not (topic.solution_ideas or '').strip():
                missing.append('solution_ideas')
            if not (topic.consolidated_reply or '').strip():
                missing.append('consolidated_reply')
            if not topic.communications:
                missing.append('communications')
            if missing:
                names = cls.fields_get(missing)
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_file_missing',
                        topic=topic.rec_name,
                        fields='、'.join(
                            names[m]['string'] for m in missing)))
        now = clock.now()
        cls.write(topics, {'closed_at': now})
        cls.reply_to_orders(topics, 'explained_not_resolvable_now')

    def transition_comment(self, state):
        "The comment of the topic's move to state in its history."
        return {
            'declined': self.decline_reason,
            'filed_no_solution': self.solution_ideas,
            }.get(state)

    @classmethod
    def reply_to_orders(cls, topics, result):
        """CON-03: draft the consolidated reply on each linked order whose
        lead part is still open with the topic's lead unit or a co-unit;
        the unit completes the contact record and its leader signs it off
        through the reply workflow of the work order."""
        pool = Pool()
        Reply = pool.get('sushi.ticket.reply')
        Link = pool.get('sushi.consultation.topic-sushi.ticket')
        for topic in topics:
            units = {topic.lead_unit.id} | {u.id for u in topic.co_units}
            for link in topic.tickets:
                if link.reply:
                    continue
                assignment = next((a for a in link.ticket.assignments
                        if a.role == 'lead' and not a.parent
                        and a.unit.id in units
                        and a.state in {'dispatched', 'signed'}), None)
                if not assignment:
                    continue
                values = {
                    'assignment': assignment.id,
                    'content': topic.consolidated_reply,
                    'result': result,
                    }
                if result == 'explained_not_resolvable_now':
                    values['explanation'] = topic.solution_ideas
                # The platform drafts it for the unit: no member check.
                with Transaction().set_user(0):
                    reply, = Reply.create([values])
                link.reply = reply
                Link.save([link])


    @classmethod
    def sweep(cls):
        """Cron: the lights of the agreed items, and the minutes and
        letters past due stored as D4 candidates (the minutes' due time
        first filled in where a missing calendar year had left it empty)."""
        pool = Pool()
        Meeting = pool.get('sushi.consultation')
        Item = pool.get('sushi.consultation.item')
        Fact = pool.get('sushi.consultation.fact')
        Meeting.fill_minutes_due()
        Item.sweep()
        Fact.detect()


class TopicSuggestedUnit(ModelSQL):
    __name__ = 'sushi.consultation.topic-suggested_unit'
    __string__ = "Consultation Topic - Suggested Unit"
    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        required=True, ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('topic')


class TopicCoUnit(ModelSQL):
    __name__ = 'sushi.consultation.topic-co_unit'
    __string__ = "Consultation Topic - Co-Unit"
    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        required=True, ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('topic')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.unit, Index.Equality())))


class TopicTicket(ModelSQL, ModelView):
    "A work order linked to a topic, and the consolidated reply drafted on it."
    __name__ = 'sushi.consultation.topic-sushi.ticket'
    __string__ = "Consultation Topic - Order"
    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        required=True, ondelete='CASCADE')
    ticket = fields.Many2One('sushi.ticket', "Order", required=True,
        ondelete='RESTRICT')
    ticket_state = fields.Function(fields.Selection('get_ticket_states',
            "Order State"), 'get_ticket_state')
    reply = fields.Many2One('sushi.ticket.reply', "Consolidated Reply",
        readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('topic')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Equality())))

    @classmethod
    def get_ticket_states(cls):
        Ticket = Pool().get('sushi.ticket')
        return Ticket.fields_get(['state'])['state']['selection']

    def get_ticket_state(self, name):
        return self.ticket.state

    @classmethod
    def check_modification(cls, mode, links, values=None, external=False):
        super().check_modification(
            mode, links, values=values, external=external)
        # CON-05, ORG-11: the links' access follows the topic's, which let
        # whoever writes on a topic (the analyst, a lead unit) add orders
        # to a unit's proposal through this model
        if not external or is_office():
            return
        Topic = Pool().get('sushi.consultation.topic')
        if mode == 'create':
            topics = [l.topic for l in links]
        elif mode == 'write' and set(values) & {'topic', 'ticket'}:
            topics = [l.topic for l in links]
            topic_id = values.get('topic')
            if isinstance(topic_id, int) and abs(topic_id) < 2 ** 63:
                topics.extend(Topic.search([('id', '=', topic_id)]))
        else:
            return
        for topic in set(topics):
            topic.check_add_orders()


class TopicEvent(ModelSQL, ModelView):
    "Who moved the topic, and when (append-only)."
    __name__ = 'sushi.consultation.topic.event'
    __string__ = "Consultation Topic Event"
    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        required=True, ondelete='CASCADE', readonly=True)
    at = fields.DateTime("At", required=True, readonly=True)
    user = fields.Many2One('res.user', "By", readonly=True)
    from_state = fields.Selection(STATES + [(None, "")], "From",
        readonly=True)
    to_state = fields.Selection(STATES, "To", readonly=True)
    comment = fields.Text("Comment", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('topic')
        cls._order = [('at', 'ASC'), ('id', 'ASC')]

    @classmethod
    def log_moves(cls, topics, from_states, to_state):
        "Log the move of each topic from from_states[topic.id] to to_state."
        now = clock.now()
        user = Transaction().user or None
        cls.create([{
                    'topic': t.id, 'at': now, 'user': user,
                    'from_state': from_states.get(t.id), 'to_state': to_state,
                    'comment': t.transition_comment(to_state),
                    } for t in topics])

    @classmethod
    def log(cls, topics, from_state, to_state, comment=None):
        now = clock.now()
        user = Transaction().user or None
        cls.create([{
                    'topic': t.id, 'at': now, 'user': user,
                    'from_state': from_state, 'to_state': to_state,
                    'comment': comment,
                    } for t in topics])

    @classmethod
    def check_modification(cls, mode, events, values=None, external=False):
        super().check_modification(
            mode, events, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise ConsultationError(gettext(
                    'sushi_supervision.msg_consultation_event_readonly'))


class Communication(ModelSQL, ModelView):
    "CON-08: the lead's communication with the enterprises and public."
    __name__ = 'sushi.consultation.communication'
    __string__ = "Consultation Communication"
    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        required=True, ondelete='CASCADE')
    ticket = fields.Many2One('sushi.ticket', "Order",
        domain=[If(Bool(Eval('topic_tickets')),
                ('id', 'in', Eval('topic_tickets', [])), ())],
        help="The linked order of the requester, if any.")
    topic_tickets = fields.Function(fields.Many2Many('sushi.ticket', None,
            None, "Topic Orders"), 'on_change_with_topic_tickets')
    contacted_at = fields.DateTime("Contacted at", required=True)
    method = fields.Selection([
            ('phone', "Telephone"),
            ('visit', "Visit"),
            ('meeting', "Meeting"),
            ('letter', "Letter"),
            ('other', "Other"),
            ], "Method", required=True)
    summary = fields.Text("Explanation and Reassurance", required=True)
    outcome = fields.Selection([
            ('understood', "Understood and Supports"),
            ('partly', "Partly Understood"),
            ('not_understood', "Not Understood"),
            ], "Requester's Response", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('topic')
        cls._order = [('contacted_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_contacted_at(cls):
        return clock.now()

    @fields.depends('topic', '_parent_topic.tickets')
    def on_change_with_topic_tickets(self, name=None):
        if self.topic:
            return [l.ticket.id for l in self.topic.tickets if l.ticket]
        return []

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        now = clock.now()
        for record in records:
            if record.contacted_at and record.contacted_at > (
                    now + dt.timedelta(minutes=5)):
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_future',
                        record=record.topic.rec_name))

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external and mode in {'create', 'write', 'delete'}:
            for record in records:
                record.topic.check_lead()


class ProposeStart(ModelView):
    __name__ = 'sushi.consultation.propose.start'
    __string__ = "Propose a Consultation Topic"
    title = fields.Char("Topic", required=True)
    description = fields.Text("Problem", required=True)
    nature = fields.Selection(NATURES, "Nature", required=True)
    proposing_unit = fields.Many2One('sushi.unit', "Proposing Unit",
        required=True, domain=[('id', 'in', Eval('my_units', []))])
    my_units = fields.Many2Many('sushi.unit', None, None, "My Units",
        readonly=True)
    suggested_lead = fields.Many2One('sushi.unit', "Suggested Lead Unit",
        required=True)
    suggested_co_units = fields.Many2Many('sushi.unit', None, None,
        "Suggested Co-Units")
    tickets = fields.Many2Many('sushi.ticket', None, None, "Linked Orders",
        readonly=True)


class Propose(Wizard):
    """CON-05 (b): from the orders it handles, a unit asks for a topic to be
    added to the pool, with its suggested lead and co-units."""
    __name__ = 'sushi.consultation.propose'
    start = StateView('sushi.consultation.propose.start',
        'sushi_supervision.consultation_propose_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Propose", 'propose', 'tryton-ok', default=True),
            ])
    propose = StateAction('sushi_supervision.act_consultation_topic')

    def default_start(self, fields):
        units = sorted(user_units())
        return {
            'tickets': [t.id for t in self.records],
            'my_units': units,
            'proposing_unit': units[0] if units else None,
            'suggested_lead': units[0] if units else None,
            'title': self.records[0].title if self.records else None,
            }

    def do_propose(self, action):
        Topic = Pool().get('sushi.consultation.topic')
        topic = Topic.propose_from_tickets(self.records, self.start.title,
            description=self.start.description, source='unit_proposal',
            lead=self.start.suggested_lead,
            co_units=self.start.suggested_co_units,
            nature=self.start.nature,
            proposing_unit=self.start.proposing_unit)
        action['res_id'] = [topic.id]
        action['views'].reverse()
        return action, {}
