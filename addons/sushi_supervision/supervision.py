# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Supervision cases (督办件): routine and the three levels of 附件3, the
seven steps of its 第五条, opinions with deadlines and escalation that keeps
the history (SUP-01..14)."""
import datetime as dt
import hashlib

from sql import Literal, Null
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.ticket import LIGHT_ROWS
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import SupervisionError

LEVELS = [
    ('routine', "Routine"),
    ('L1', "Level 1"),
    ('L2', "Level 2"),
    ('L3', "Level 3"),
    ]
ESCALATED_LEVELS = ['L1', 'L2', 'L3']
LEVEL_RANK = {'routine': 0, 'L1': 1, 'L2': 2, 'L3': 3}

# SUP-02 (scope), SUP-05 (L1), SUP-06 (L2), SUP-07 (L3): the code says the
# level it belongs to.
TRIGGERS = [
    ('scope_overdue', "Overdue and not completed (SUP-02 1)"),
    ('scope_dissatisfied', "Dissatisfied with the first result (SUP-02 2)"),
    ('scope_repeated', "Reported repeatedly or by many (SUP-02 3)"),
    ('scope_knowledge', "Knowledge base late or non-compliant (SUP-02 4)"),
    ('scope_hot', "Sudden, emerging or hot issue (SUP-02 5)"),
    ('scope_coordination', "Needs multi-department coordination (SUP-02 6)"),
    ('scope_leak', "Suspected leak of personal data (SUP-02 7)"),
    ('scope_other', "Other matter (SUP-02 8)"),
    ('l1_not_handled', "Overdue and not handled (SUP-05 1)"),
    ('l1_overdue_after_routine',
        "Still overdue after routine supervision (SUP-05 2)"),
    ('l1_second_dissatisfied',
        "Second result dissatisfied, unit at fault (SUP-05 3)"),
    ('l1_opinion_risk', "Repeated hot issue with opinion risk (SUP-05 4)"),
    ('l1_provincial_repeat', "Provincial repeat order (SUP-05 5)"),
    ('l1_first_dissatisfied',
        "First result dissatisfied, reasonable request (Plan, SUP-12)"),
    ('l1_callback', "Escalation proposed at the callback (CBK-05)"),
    ('l2_important_order',
        "City-leader or provincial order overdue or badly handled "
        "(SUP-06 1)"),
    ('l2_media_exposure', "No action after media exposure (SUP-06 2)"),
    ('l2_buck_passing', "Buck-passing after a ruling (SUP-06 3)"),
    ('l2_false_handling', "Suspected fake handling (SUP-06 4)"),
    ('l2_leak_retaliation', "Leak causing retaliation (SUP-06 5)"),
    ('l3_hot_difficult', "Wide-impact hot or difficult issue (SUP-07 1)"),
    ('l3_jurisdiction', "Duty or jurisdiction dispute (SUP-07 2)"),
    ('l3_inaction_petition',
        "Inaction causing petitions beyond level (SUP-07 3)"),
    ('l3_major', "Other major complex problem (SUP-07 4)"),
    ]


def trigger_level(trigger):
    "The level a trigger code belongs to."
    prefix = (trigger or '').split('_', 1)[0]
    return {'scope': 'routine', 'l1': 'L1', 'l2': 'L2', 'l3': 'L3'}.get(
        prefix)


# SUP-05..07: who runs each level; SUP-08: who is interviewed by whom.
BODIES = [
    ('office', "Hotline Office"),
    ('inspection_office', "City Party Committee Inspection Office"),
    ('city_leaders', "City Party and Government Leaders"),
    ]
LEVEL_BODY = {'routine': 'office', 'L1': 'office',
    'L2': 'inspection_office', 'L3': 'city_leaders'}
# SUP-03
METHODS = [
    (None, ""),
    ('phone', "Telephone"),
    ('on_site', "On-Site"),
    ('reminder_letter', "Work Reminder Letter"),
    ('notice', "Supervision Notice"),
    ('thematic', "Thematic"),
    ('meeting', "Meeting"),
    ('interview', "Interview and Reminder"),
    ('media', "News-Media Exposure"),
    ('representatives', "Two Representatives and One Member"),
    ('coordination', "Special Coordination"),
    ]
LEVEL_METHOD = {'routine': 'phone', 'L1': 'notice', 'L2': 'notice',
    'L3': 'thematic'}
STATES = [
    ('draft', "Draft"),
    ('registered', "Registered"),
    ('assigned', "Assigned"),
    ('fed_back', "Fed Back"),
    ('verified', "Verified"),
    ('archived', "Archived"),
    ('escalated', "Escalated"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = ['registered', 'assigned', 'fed_back']
# A case links its tickets for good once registered (SUP-11).
COUNTED_STATES = OPEN_STATES + ['verified', 'archived', 'escalated']
# SUP-09 (1): what a registration needs, in the order of 附件3 第五条.
REGISTER_FIELDS = ['registered_on', 'content', 'lead_unit', 'deadline',
    'instructions']
# What a unit's staff may write on a case: their feedback (SUP-09 4).
UNIT_FIELDS = {'feedback'}

_draft = Eval('state') != 'draft'


def platform_user():
    """Whether the user acts for the platform (supervisor or
    administrator) rather than for a unit."""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    # Buttons run their body without access checks: decide by the user's
    # groups, whatever the context; the root user (cron, tests) is the
    # platform.
    if not Transaction().user:
        return True
    groups = set(User.get_groups())
    return bool(groups & {
            ModelData.get_id('sushi_ticket', 'group_sushi_supervisor'),
            ModelData.get_id('sushi_ticket', 'group_sushi_admin')})


class Supervision(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.supervision'
    __string__ = "Supervision Case"
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True)
    level = fields.Selection(LEVELS, "Level", required=True, sort=False,
        states={'readonly': _draft})
    trigger = fields.Selection(TRIGGERS, "Trigger", required=True,
        sort=False, states={'readonly': _draft},
        help="The rule of 附件3 that puts the matter under this level.")
    body = fields.Selection(BODIES, "Supervising Body", required=True,
        states={'readonly': _draft})
    method = fields.Selection(METHODS, "Method",
        states={'readonly': ~Eval('state').in_(['draft', 'registered'])})
    tickets = fields.Many2Many('sushi.supervision-sushi.ticket',
        'supervision', 'ticket', "Work Orders",
        states={'readonly': _draft})
    # step 1: register (SUP-09 1)
    registered_on = fields.Date("Registration Date",
        states={'readonly': _draft, 'required': ~Eval('state').in_(
                    ['draft', 'cancelled'])})
    content = fields.Text("Supervision Content",
        states={'readonly': _draft})
    lead_unit = fields.Many2One('sushi.unit', "Lead Unit",
        ondelete='RESTRICT', states={'readonly': _draft})
    co_units = fields.Many2Many('sushi.supervision-co_unit', 'supervision',
        'unit', "Co-Units", states={'readonly': _draft})
    responsible_units = fields.Many2Many(
        'sushi.supervision-responsible_unit', 'supervision', 'unit',
        "Responsible Units", states={'readonly': _draft},
        help="The units the case counts against in the assessment (SCORING "
        "D3.2); the lead and co-units when left empty.")
    deadline = fields.DateTime("Completion Deadline",
        states={'readonly': ~Eval('state').in_(['draft', 'registered'])})
    instructions = fields.Text("Handling Instructions",
        states={'readonly': _draft})
    registered_at = fields.DateTime("Registered at", readonly=True)
    registered_by = fields.Many2One('res.user', "Registered by",
        readonly=True)
    # step 2: assign (SUP-09 2); the person and phone go to the requester
    responsible_person = fields.Char("Responsible Person",
        states={'readonly': ~Eval('state').in_(['draft', 'registered'])},
        help="Named to the requester in the assignment SMS.")
    responsible_phone = fields.Char("Responsible Person's Phone",
        states={'readonly': ~Eval('state').in_(['draft', 'registered'])})
    assigned_at = fields.DateTime("Assigned at", readonly=True)
    assigned_by = fields.Many2One('res.user', "Assigned by", readonly=True)
    # step 3: track (SUP-09 3)
    tracked_at = fields.DateTime("Last Reminded at", readonly=True)
    actions = fields.One2Many('sushi.supervision.action', 'supervision',
        "Supervision Actions", readonly=True)
    opinions = fields.One2Many('sushi.supervision.opinion', 'supervision',
        "Opinions", states={'readonly': ~Eval('state').in_(
                    ['draft', 'registered', 'assigned'])})
    # step 4: feedback (SUP-09 4)
    feedback = fields.Text("Feedback",
        states={'readonly': Eval('state') != 'assigned'},
        help="What the lead unit reported to the requester and the Office.")
    fed_back_at = fields.DateTime("Fed Back at", readonly=True)
    fed_back_by = fields.Many2One('res.user', "Fed Back by", readonly=True)
    fed_back_late = fields.Boolean("Fed Back Late", readonly=True)
    # step 5: verify (SUP-09 5)
    verification_drawn = fields.Boolean("Drawn for Re-check", readonly=True,
        help="The random draw of SUP-09 (5) chose the case for a re-check.")
    verification_note = fields.Text("Re-check Findings",
        states={'readonly': Eval('state') != 'fed_back'})
    verification_result = fields.Selection([
            (None, ""),
            ('confirmed', "Confirmed"),
            ('re_supervise', "Supervise Again"),
            ], "Re-check Result", readonly=True)
    verified_at = fields.DateTime("Verified at", readonly=True)
    verified_by = fields.Many2One('res.user', "Verified by", readonly=True)
    # step 6: bulletin (SUP-09 6), set by the monthly report
    bulletined_at = fields.DateTime("Bulletined at", readonly=True)
    # step 7: archive (SUP-09 7)
    archived_at = fields.DateTime("Archived at", readonly=True)
    # escalation (SUP-11): a new record per level, the old one kept
    previous = fields.Many2One('sushi.supervision', "Escalated from",
        readonly=True, ondelete='RESTRICT')
    escalated_to = fields.Many2One('sushi.supervision', "Escalated to",
        readonly=True, ondelete='SET NULL')
    escalated_at = fields.DateTime("Escalated at", readonly=True)
    escalation_reason = fields.Text("Escalation Reason", readonly=True)
    consequences = fields.One2Many('sushi.supervision.consequence',
        'supervision', "Consequences")
    candidate = fields.Many2One('sushi.supervision.candidate',
        "From Candidate", readonly=True, ondelete='SET NULL')
    attachments = fields.One2Many('ir.attachment', 'resource', "Materials")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    light = fields.Function(fields.Selection([
                (None, ""),
                ('green', "Green"),
                ('yellow', "Yellow"),
                ('red', "Red"),
                ], "Light"), 'get_light')
    overdue_opinions = fields.Function(fields.Integer("Overdue Opinions"),
        'get_light')
    # the graph by level and unit counts these
    count_routine = fields.Function(fields.Integer("Routine"), 'get_count')
    count_l1 = fields.Function(fields.Integer("Level 1"), 'get_count')
    count_l2 = fields.Function(fields.Integer("Level 2"), 'get_count')
    count_l3 = fields.Function(fields.Integer("Level 3"), 'get_count')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.deadline, Index.Range())),
                Index(t, (t.lead_unit, Index.Equality()),
                    (t.level, Index.Equality())),
                Index(t, (t.registered_at, Index.Range())),
                })
        cls._order = [('registered_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'registered'),
            ('registered', 'assigned'),
            ('assigned', 'fed_back'),
            ('fed_back', 'verified'),
            ('fed_back', 'assigned'),
            ('fed_back', 'archived'),
            ('verified', 'archived'),
            ('registered', 'escalated'),
            ('assigned', 'escalated'),
            ('fed_back', 'escalated'),
            ('draft', 'cancelled'),
            ('registered', 'cancelled'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'assign': {
                    'invisible': Eval('state') != 'registered',
                    'depends': ['state'],
                    },
                'remind': {
                    'invisible': Eval('state') != 'assigned',
                    'depends': ['state'],
                    },
                'submit_feedback': {
                    'invisible': Eval('state') != 'assigned',
                    'readonly': ~Eval('feedback'),
                    'depends': ['state', 'feedback'],
                    },
                'confirm_verification': {
                    'invisible': ((Eval('state') != 'fed_back')
                        | ~Eval('verification_drawn')),
                    'depends': ['state', 'verification_drawn'],
                    },
                're_supervise': {
                    'invisible': ((Eval('state') != 'fed_back')
                        | ~Eval('verification_drawn')),
                    'depends': ['state', 'verification_drawn'],
                    },
                'escalate': {
                    'invisible': ~Eval('state').in_(OPEN_STATES)
                    | (Eval('level') == 'L3'),
                    'depends': ['state', 'level'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'registered']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_level(cls):
        return 'L1'

    @classmethod
    def default_body(cls):
        return 'office'

    @classmethod
    def default_registered_on(cls):
        Calendar = Pool().get('sushi.calendar')
        return Calendar.to_local(clock.now()).date()

    @classmethod
    def default_deadline(cls):
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        try:
            return Calendar.add_working_days(clock.now(),
                Configuration.get_values()['supervision_days'])
        except Exception:
            # a year without calendar data: the officer enters it
            return None

    @fields.depends('level', 'trigger', 'body', 'method')
    def on_change_level(self):
        if self.level:
            self.body = LEVEL_BODY[self.level]
            self.method = LEVEL_METHOD[self.level]
            if trigger_level(self.trigger) != self.level:
                self.trigger = None

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [LIGHT_ROWS]

    def get_rec_name(self, name):
        return self.number or '(%s)' % self.id

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, value),
            ('content', operator, value),
            ]

    @classmethod
    def get_light(cls, cases, names):
        """LGT-01 for cases: red when the case or one of its open opinions
        is past its deadline, yellow in the last working day before it."""
        pool = Pool()
        Opinion = pool.get('sushi.supervision.opinion')
        Calendar = pool.get('sushi.calendar')
        now = clock.now()
        ids = [c.id for c in cases]
        overdue = {i: 0 for i in ids}
        nearest = {}
        for opinion in Opinion.search([
                    ('supervision', 'in', ids),
                    ('state', '=', 'open'),
                    ]):
            case = opinion.supervision.id
            if opinion.deadline and opinion.deadline < now:
                overdue[case] += 1
            if opinion.deadline:
                nearest[case] = min(nearest.get(case, opinion.deadline),
                    opinion.deadline)
        result = {'light': {}, 'overdue_opinions': overdue}
        for case in cases:
            light = None
            if case.state in OPEN_STATES and case.state != 'fed_back':
                due = min(filter(None, [case.deadline,
                            nearest.get(case.id)]), default=None)
                light = 'green'
                if overdue[case.id] or (due and due < now):
                    light = 'red'
                elif due:
                    try:
                        soon = Calendar.add_working_days(now, 1)
                    except Exception:
                        soon = now + dt.timedelta(days=1)
                    if due <= soon:
                        light = 'yellow'
            result['light'][case.id] = light
        return {n: result[n] for n in names}

    def get_count(self, name):
        return int({'count_routine': 'routine', 'count_l1': 'L1',
                'count_l2': 'L2', 'count_l3': 'L3'}[name] == self.level)

    # --- creation, rights ---------------------------------------------

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        Configuration = pool.get('sushi.configuration')
        vlist = [v.copy() for v in vlist]
        missing = [v for v in vlist if not v.get('number')]
        if missing:
            sequence = Sequence(
                Configuration.get_values()['supervision_sequence'])
            for values, number in zip(missing,
                    sequence.get_many(len(missing))):
                values['number'] = number
        for values in vlist:
            if values.get('level') and not values.get('body'):
                values['body'] = LEVEL_BODY[values['level']]
        return super().create(vlist)

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'registered_at', 'registered_by',
                'assigned_at', 'assigned_by', 'tracked_at', 'fed_back_at',
                'fed_back_by', 'fed_back_late', 'feedback',
                'verification_drawn', 'verification_note',
                'verification_result', 'verified_at', 'verified_by',
                'bulletined_at', 'archived_at', 'previous', 'escalated_to',
                'escalated_at', 'escalation_reason', 'candidate', 'actions',
                'consequences']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(cases, default=default)

    @classmethod
    def check_modification(cls, mode, cases, values=None, external=False):
        super().check_modification(
            mode, cases, values=values, external=external)
        if not external:
            return
        if mode == 'delete':
            for case in cases:
                if case.state != 'draft':
                    raise SupervisionError(gettext(
                            'sushi_supervision.msg_supervision_delete',
                            case=case.rec_name))
        elif mode == 'write':
            if not platform_user():
                # SUP-09 (4): a unit answers; the Office decides the rest
                names = set(values) - UNIT_FIELDS
                if names:
                    raise SupervisionError(gettext(
                            'sushi_supervision.msg_supervision_unit_write',
                            case=', '.join(c.rec_name for c in cases[:3])))
            for case in cases:
                if case.state in {'archived', 'escalated', 'cancelled'}:
                    raise SupervisionError(gettext(
                            'sushi_supervision.msg_supervision_closed',
                            case=case.rec_name))

    @classmethod
    def validate_fields(cls, cases, field_names):
        super().validate_fields(cases, field_names)
        if field_names & {'level', 'trigger'}:
            for case in cases:
                if trigger_level(case.trigger) != case.level:
                    raise SupervisionError(gettext(
                            'sushi_supervision.msg_supervision_trigger_level',
                            case=case.rec_name))
        if field_names & {'level', 'body'}:
            # SUP-01 graded responsibility, SUP-05..07: each level is run
            # by its body (the Office, 市委督查办, the city leaders)
            for case in cases:
                if case.body != LEVEL_BODY[case.level]:
                    bodies = cls.fields_get(['body'])['body']['selection']
                    raise SupervisionError(gettext(
                            'sushi_supervision.msg_supervision_body_level',
                            case=case.rec_name,
                            level=cls.level_name(case.level),
                            body=dict(bodies)[LEVEL_BODY[case.level]]))

    # --- the facts on the tickets -------------------------------------

    @classmethod
    def update_supervised(cls, ticket_ids):
        """SUP-11: set `is_supervised` on the tickets from the cases, in one
        UPDATE: true while the ticket is linked to a registered L1-L3 case
        (open or closed), false otherwise.  RPL-04 reads it.  SQLite
        stores every boolean as 0/1 and gives it back so: the ticket's
        `read` (ticket.py) returns it as a boolean on both backends."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Link = pool.get('sushi.supervision-sushi.ticket')
        ticket = Ticket.__table__()
        link = Link.__table__()
        case = cls.__table__()
        cursor = Transaction().connection.cursor()
        ticket_ids = sorted(set(ticket_ids))
        for i in range(0, len(ticket_ids), 1000):
            sub_ids = ticket_ids[i:i + 1000]
            supervised = Exists(link.join(case,
                    condition=link.supervision == case.id).select(
                    Literal(1),
                    where=(link.ticket == ticket.id)
                    & case.level.in_(ESCALATED_LEVELS)
                    & case.state.in_(COUNTED_STATES)))
            cursor.execute(*ticket.update(
                    [ticket.is_supervised], [supervised],
                    where=ticket.id.in_(sub_ids)))
        clock.forget(Ticket.__name__)

    # --- the seven steps (SUP-09) -------------------------------------

    @classmethod
    @ModelView.button
    @transition('registered')
    def register(cls, cases):
        "Step 1: the Office registers the case with its mandatory fields."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        Consequence = pool.get('sushi.supervision.consequence')
        names = cls.fields_get(REGISTER_FIELDS)
        for case in cases:
            missing = [n for n in REGISTER_FIELDS if not getattr(case, n)
                or (isinstance(getattr(case, n), str)
                    and not getattr(case, n).strip())]
            if missing:
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_register_missing',
                        case=case.rec_name,
                        fields='、'.join(names[n]['string'] for n in missing)))
            if case.level != 'routine' and not case.tickets and not (
                    case.trigger or '').startswith(('l1_opinion', 'l2_', 'l3_')):
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_no_ticket',
                        case=case.rec_name))
            if case.lead_unit in case.co_units:
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_lead_co',
                        case=case.rec_name))
        now = clock.now()
        user = Transaction().user or None
        for case in cases:
            case.registered_at = now
            case.registered_by = user
            if not case.method:
                case.method = LEVEL_METHOD[case.level]
            if not case.responsible_units:
                case.responsible_units = [case.lead_unit] + list(
                    case.co_units)
        cls.save(cases)
        # SUP-08: the commitments and interviews levels 2 and 3 require
        Consequence.plan(cases)
        for case in cases:
            Event.log(list(case.tickets), 'supervise',
                comment='%s %s' % (case.number, cls.level_name(case.level)))

    @classmethod
    @ModelView.button
    @transition('assigned')
    def assign(cls, cases):
        """Step 2: assign the case to the units and tell each requester by
        SMS the unit, the responsible person, their phone and the deadline;
        the messages are stored in this transaction and delivered after
        commit (queued, retried, never lost)."""
        pool = Pool()
        SMS = pool.get('sushi.sms')
        Notification = pool.get('sushi.notification')
        for case in cases:
            if not (case.responsible_person or '').strip() or not (
                    case.responsible_phone or '').strip():
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_assign_person',
                        case=case.rec_name))
            if not case.deadline:
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_register_missing',
                        case=case.rec_name,
                        fields=cls.fields_get(['deadline'])['deadline'][
                            'string']))
        now = clock.now()
        cls.write(cases, {
                'assigned_at': now,
                'assigned_by': Transaction().user or None,
                })
        SMS.notify_supervision(cases)
        notices = []
        for case in cases:
            text = gettext('sushi_supervision.msg_notify_case',
                number=case.number, level=cls.level_name(case.level),
                content=case.content or '', due=cls.local(case.deadline))
            for unit in [case.lead_unit] + list(case.co_units):
                notices.append((unit.id,
                        gettext('sushi_supervision.msg_notify_assigned'),
                        text, cls.__name__, [case.id]))
        Notification.notify_units(notices)

    @classmethod
    def level_name(cls, level):
        "The level as the user reads it (一级督办 …), in their language."
        return dict(cls.fields_get(['level'])['level']['selection'])[level]

    @classmethod
    def local(cls, value):
        Calendar = Pool().get('sushi.calendar')
        return (Calendar.to_local(value).strftime('%Y-%m-%d %H:%M')
            if value else '')

    @classmethod
    @ModelView.button
    def remind(cls, cases):
        """Step 3: the Office tracks the case on its ledger and reminds the
        units (logged as a routine supervision action)."""
        pool = Pool()
        Action = pool.get('sushi.supervision.action')
        Notification = pool.get('sushi.notification')
        for case in cases:
            if case.state != 'assigned':
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_not_assigned',
                        case=case.rec_name))
        now = clock.now()
        Action.create([{
                    'supervision': c.id,
                    'unit': c.lead_unit.id,
                    'ticket': c.tickets[0].id if c.tickets else None,
                    'kind': 'reminder',
                    'note': gettext('sushi_supervision.msg_reminder_note',
                        due=cls.local(c.deadline)),
                    } for c in cases])
        cls.write(cases, {'tracked_at': now})
        Notification.notify_units([(c.lead_unit.id,
                    gettext('sushi_supervision.msg_notify_reminder'),
                    gettext('sushi_supervision.msg_notify_case',
                        number=c.number, level=cls.level_name(c.level),
                        content=c.content or '', due=cls.local(c.deadline)),
                    cls.__name__, [c.id]) for c in cases])

    def check_lead_member(self):
        "SUP-09 (4): the lead unit feeds back, for all the units."
        pool = Pool()
        Unit = pool.get('sushi.unit')
        if platform_user():
            return
        if self.lead_unit.id not in Unit.user_units():
            raise SupervisionError(gettext(
                    'sushi_supervision.msg_supervision_feedback_lead',
                    case=self.rec_name, unit=self.lead_unit.rec_name))

    @classmethod
    def draw(cls, case, share=None, seed=None):
        """SUP-09 (5): whether the random re-check draws the case.  The
        draw hashes the seed and the case number, so the same case is
        always drawn the same way (reproducible) and about `share` of the
        cases are drawn."""
        Configuration = Pool().get('sushi.configuration')
        config = Configuration.get_values()
        share = config['verify_share'] if share is None else share
        seed = config['verify_seed'] if seed is None else seed
        digest = hashlib.sha256(
            ('%s:%s' % (seed, case.number)).encode('utf-8')).digest()
        return int.from_bytes(digest[:8], 'big') / 2 ** 64 < share

    @classmethod
    @ModelView.button
    def submit_feedback(cls, cases):
        """Step 4: the lead unit reports completion to the requester and
        the Office; the draw decides whether the Office re-checks it, the
        others are archived at once (step 7)."""
        cls.feed_back(cases)
        cases = cls.browse([c.id for c in cases])
        cls.archive([c for c in cases if not c.verification_drawn])

    @classmethod
    @transition('fed_back')
    def feed_back(cls, cases):
        now = clock.now()
        user = Transaction().user or None
        for case in cases:
            case.check_lead_member()
            if not (case.feedback or '').strip():
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_feedback_missing',
                        case=case.rec_name))
        for case in cases:
            case.fed_back_at = now
            case.fed_back_by = user
            case.fed_back_late = bool(case.deadline and now > case.deadline)
            case.verification_drawn = cls.draw(case)
        cls.save(cases)

    @classmethod
    @ModelView.button
    def confirm_verification(cls, cases):
        "Step 5: the re-check confirms the feedback; the case is archived."
        cls.verify(cases)
        cls.archive(cls.browse([c.id for c in cases]))

    @classmethod
    @transition('verified')
    def verify(cls, cases):
        for case in cases:
            if not (case.verification_note or '').strip():
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_verify_note',
                        case=case.rec_name))
        cls.write(cases, {
                'verification_result': 'confirmed',
                'verified_at': clock.now(),
                'verified_by': Transaction().user or None,
                })

    @classmethod
    @ModelView.button
    @transition('assigned')
    def re_supervise(cls, cases):
        """Step 5: the re-check finds the feedback untrue: the case goes
        back to the units (再督查) with the findings as an opinion."""
        pool = Pool()
        Opinion = pool.get('sushi.supervision.opinion')
        for case in cases:
            if not (case.verification_note or '').strip():
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_verify_note',
                        case=case.rec_name))
        Opinion.create([{
                    'supervision': c.id,
                    'unit': c.lead_unit.id,
                    'text': c.verification_note,
                    'deadline': c.deadline if c.deadline and (
                        c.deadline > clock.now()) else
                    Opinion.default_deadline(),
                    } for c in cases])
        # the findings live on as the opinion: the next re-check of the
        # new feedback writes its own
        cls.write(cases, {
                'verification_result': 're_supervise',
                'verified_at': clock.now(),
                'verified_by': Transaction().user or None,
                'verification_note': None,
                })

    @classmethod
    @transition('archived')
    def archive(cls, cases):
        "Step 7: completed cases are archived automatically (ARC-04)."
        if cases:
            cls.write(cases, {'archived_at': clock.now()})

    @classmethod
    @ModelView.button
    @transition('cancelled')
    def cancel(cls, cases):
        pass

    @classmethod
    def on_transition(cls, cases, state):
        """Called by sushi_ticket's transition once the new state is
        written: registering or cancelling a case changes whether its
        tickets are supervised (SUP-11)."""
        if state in {'registered', 'cancelled'}:
            cls.update_supervised([t.id for c in cases for t in c.tickets])

    @classmethod
    @ModelView.button_action('sushi_supervision.wizard_escalate')
    def escalate(cls, cases):
        pass

    @classmethod
    def escalate_to(cls, cases, level, trigger, reason, body=None):
        """SUP-11, SUP-14: escalate each case to a new case of a higher
        level, recorded as the human decision it is; the old case is kept
        as escalated and points to the new one.  Return the new cases."""
        if trigger_level(trigger) != level:
            raise SupervisionError(gettext(
                    'sushi_supervision.msg_supervision_trigger_level',
                    case=', '.join(c.rec_name for c in cases)))
        if not (reason or '').strip():
            raise SupervisionError(gettext(
                    'sushi_supervision.msg_supervision_escalate_reason'))
        for case in cases:
            if LEVEL_RANK[level] <= LEVEL_RANK[case.level]:
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_supervision_escalate_level',
                        case=case.rec_name))
        new_cases = cls.create([{
                    'level': level,
                    'trigger': trigger,
                    'body': body or LEVEL_BODY[level],
                    'method': LEVEL_METHOD[level],
                    'tickets': [('add', [t.id for t in c.tickets])],
                    'content': c.content,
                    'lead_unit': c.lead_unit.id if c.lead_unit else None,
                    'co_units': [('add', [u.id for u in c.co_units])],
                    'responsible_units': [('add',
                            [u.id for u in c.responsible_units])],
                    'deadline': c.deadline,
                    'instructions': c.instructions,
                    'responsible_person': c.responsible_person,
                    'responsible_phone': c.responsible_phone,
                    'previous': c.id,
                    } for c in cases])
        cls._escalated(cases, new_cases, reason)
        return new_cases

    @classmethod
    @transition('escalated')
    def _escalated(cls, cases, new_cases, reason):
        now = clock.now()
        for case, new in zip(cases, new_cases):
            case.escalated_to = new
            case.escalated_at = now
            case.escalation_reason = reason
        cls.save(cases)

    @classmethod
    def open_overdue_cases(cls):
        "Return the ids of the open cases past their deadline."
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id,
                where=table.state.in_(['registered', 'assigned'])
                & (table.deadline != Null)
                & (table.deadline < clock.now())))
        return [i for i, in cursor]


class SupervisionTicket(ModelSQL):
    "The work orders of a supervision case."
    __name__ = 'sushi.supervision-sushi.ticket'
    __string__ = "Supervision Case - Work Order"

    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        required=True, ondelete='CASCADE')
    ticket = fields.Many2One('sushi.ticket', "Work Order", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.ticket, Index.Equality()),
                    (t.supervision, Index.Equality())),
                Index(t, (t.supervision, Index.Equality())),
                })


class SupervisionCoUnit(ModelSQL):
    __name__ = 'sushi.supervision-co_unit'
    __string__ = "Supervision Case - Co-Unit"

    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        required=True, ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='CASCADE')


class SupervisionResponsibleUnit(ModelSQL):
    "SCORING D3.2 counts a case against each of these units."
    __name__ = 'sushi.supervision-responsible_unit'
    __string__ = "Supervision Case - Responsible Unit"

    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        required=True, ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.unit, Index.Equality()),
                (t.supervision, Index.Equality())))


class Opinion(Workflow, ModelSQL, ModelView):
    """A supervision opinion (督办意见) to a unit, with its own deadline;
    not answered in time it is a non-implementation fact (D3.1)."""
    __name__ = 'sushi.supervision.opinion'
    __string__ = "Supervision Opinion"

    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        required=True, ondelete='CASCADE',
        states={'readonly': Eval('state') != 'open'})
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('state') != 'open'})
    text = fields.Text("Opinion", required=True,
        states={'readonly': Eval('state') != 'open'})
    deadline = fields.DateTime("Deadline", required=True,
        states={'readonly': Eval('state') != 'open'})
    answer = fields.Text("Answer",
        states={'readonly': Eval('state') != 'open'})
    answered_at = fields.DateTime("Answered at", readonly=True)
    answered_by = fields.Many2One('res.user', "Answered by", readonly=True)
    answered_late = fields.Boolean("Answered Late", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('answered', "Answered"),
            ], "State", readonly=True, required=True)
    light = fields.Function(fields.Selection([
                (None, ""),
                ('green', "Green"),
                ('yellow', "Yellow"),
                ('red', "Red"),
                ], "Light"), 'get_light')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.deadline, Index.Range()),
                where=t.state == 'open'))
        cls._order = [('deadline', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {('open', 'answered')}
        cls._buttons.update({
                'answer_opinion': {
                    'invisible': Eval('state') != 'open',
                    'readonly': ~Eval('answer'),
                    'depends': ['state', 'answer'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_deadline(cls):
        return Supervision.default_deadline()

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [LIGHT_ROWS]

    def get_light(self, name):
        if self.state != 'open' or not self.deadline:
            return None
        now = clock.now()
        if self.deadline < now:
            return 'red'
        if self.deadline < now + dt.timedelta(days=1):
            return 'yellow'
        return 'green'

    @classmethod
    def check_modification(cls, mode, opinions, values=None, external=False):
        super().check_modification(
            mode, opinions, values=values, external=external)
        if external and mode in {'write', 'create', 'delete'}:
            if not platform_user():
                if mode != 'write' or set(values) - {'answer'}:
                    raise SupervisionError(gettext(
                            'sushi_supervision.msg_opinion_unit_write'))

    @classmethod
    @ModelView.button
    @transition('answered')
    def answer_opinion(cls, opinions):
        "A unit answers the opinion; late answers are facts (D3.1)."
        pool = Pool()
        Unit = pool.get('sushi.unit')
        Fact = pool.get('sushi.supervision.fact')
        now = clock.now()
        mine = set(Unit.user_unit_tree())
        for opinion in opinions:
            if not platform_user() and opinion.unit.id not in mine:
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_opinion_not_yours',
                        unit=opinion.unit.rec_name))
            if not (opinion.answer or '').strip():
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_opinion_answer_missing'))
            opinion.answered_at = now
            opinion.answered_by = Transaction().user or None
            opinion.answered_late = now > opinion.deadline
        cls.save(opinions)
        # D3.1: an answer after the deadline is a fact, dated at it
        Fact.record_answers(opinions)


class EscalateStart(ModelView):
    __name__ = 'sushi.supervision.escalate.start'
    __string__ = "Escalate Supervision"

    level = fields.Selection(LEVELS[1:], "New Level", required=True)
    trigger = fields.Selection(TRIGGERS, "Trigger", required=True,
        help="A trigger of the new level (SUP-05, SUP-06, SUP-07).")
    reason = fields.Text("Reason", required=True,
        help="The decision to escalate, and by whom it was taken.")


class Escalate(Wizard):
    "SUP-11, SUP-14: escalation is a decision recorded by a person."
    __name__ = 'sushi.supervision.escalate'

    start = StateView('sushi.supervision.escalate.start',
        'sushi_supervision.supervision_escalate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Escalate", 'escalate', 'tryton-ok', default=True),
            ])
    escalate = StateTransition()

    def transition_escalate(self):
        Supervision = Pool().get('sushi.supervision')
        Supervision.escalate_to(list(self.records), self.start.level,
            self.start.trigger, self.start.reason)
        return 'end'
