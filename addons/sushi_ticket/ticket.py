# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The work order (工单): intake, scope, triage and the order's summary
state; the per-unit steps live on `sushi.ticket.assignment`."""
import datetime as dt
import json
import re

from sql import Cast, From, Literal, Null, Table, Union
from sql.aggregate import Count, Max, Min
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.tools import reduce_ids
from trytond.transaction import Transaction

from . import clock
from .assignment import title_units
from .exceptions import (
    DispatchError, DraftError, IntakeError, IntakeValidationError)
from .time_limit import COMPLEXITIES, REQUEST_TYPES, URGENCIES
from .tools import (
    LIGHT_ROWS, PHONE, BigramChar, IdSearchMixin,
    and_clauses as _and_clauses, bigram_segments, create_bigram_index,
    create_trigram_extension, has_bigrams, normalize_phone, planner,
    rec_name_domain, rule_unrestricted as _unrestricted)
from .workflow import DraftOnlyMixin, transition

STATES = [
    ('draft', "Draft"),
    ('accepted', "Awaiting Dispatch"),
    ('rejected', "Not Accepted"),
    ('answered', "Answered at Intake"),
    ('transferred', "Emergency Transfer"),
    ('merged', "Merged"),
    ('dispatched', "Dispatched"),
    ('in_progress', "In Progress"),
    ('replied', "Replied"),
    ('reviewed', "Awaiting Callback"),
    ('verifying', "Verifying Bad Rating"),
    ('closed', "Closed"),
    ('archived', "Archived"),
    ]
# States in which the ticket is open at a unit.
HANDLING_STATES = ['dispatched', 'in_progress', 'replied']
OPEN_STATES = ['accepted'] + HANDLING_STATES + ['reviewed', 'verifying']
FINISHED_STATES = ['closed', 'archived']
INTAKE_STATES = ['draft', 'accepted']
# A unit's open orders (act_ticket_unit 在办): copied onto the assignments
# as ticket_open for the unit's exact count (issue #14: Ticket.write,
# Assignment.create, Callback.deem_satisfied)
UNIT_OPEN_STATES = ['dispatched', 'in_progress', 'replied', 'reviewed',
    'verifying']
# The tabs of the order lists over several states (ticket.xml): each has a
# partial index in the list order (issue #14); a test checks they agree
TAB_STATES = [
    ['dispatched', 'in_progress'],
    ['rejected', 'answered', 'transferred', 'merged'],
    FINISHED_STATES,
    UNIT_OPEN_STATES,
    ]


def tab_conditions(table):
    """state IN states of each tab of TAB_STATES, written so that no two
    have the same SQL text: Tryton compares and hashes an Index's where
    without its parameters, so `state IN (%s, %s)` of two tabs of two
    states would make one index.  The k-th tab of a length is written
    `state IN (the first n - k) OR state = … (the last k)`."""
    lengths = []
    for states in TAB_STATES:
        k = lengths.count(len(states))
        lengths.append(len(states))
        condition = table.state.in_(states[:len(states) - k])
        for state in states[len(states) - k:]:
            condition |= table.state == state
        yield condition


# Issue #14: search-bar matches read first as ids up to this many
# (Ticket._matches_first)
SEARCH_BAR_IDS = 30000
# the context key under which Ticket.search passes the units of a unit
# staff's rule to _matches_first (searchers run without access checks)
UNIT_RULE_KEY = '_sushi_rule_units'


def _rule_units(domain):
    """The units of a record rule domain that is exactly the unit staff's
    rule, ('assignments.unit', 'in', units) alone (in one-clause AND/OR
    wrappers, as ir.rule builds it), else None."""
    if not isinstance(domain, (list, tuple)):
        return None
    if (len(domain) == 3 and domain[0] == 'assignments.unit'
            and domain[1] == 'in' and isinstance(domain[2], (list, tuple))
            and all(isinstance(u, int) for u in domain[2])):
        return list(domain[2])
    items = list(domain)
    if items and items[0] in ('AND', 'OR'):
        items = items[1:]
    if len(items) == 1:
        return _rule_units(items[0])
    return None


# Issue #14: a search-bar text of Chinese characters (and LIKE's
# wildcards) matches no order number (INT-07: ASCII digits) and reads the
# same with LIKE and ILIKE: only the order's title, which its assignments
# copy (ticket_title), can match it
_TITLE_TEXT = re.compile(r'^[%_\u3000-\u303f\u3400-\u9fff\uf900-\ufaff]+$')
# Issue #14: the ids of a unit's orders in a list's states (the state copied
# on its assignments) are added to the list's search when at most this many
UNIT_STATE_IDS = 5000
# Issue #14: a unit's search-bar words are matched in a window of its newest
# rows sized from the planner's estimate, or in all its rows when testing
# all the expected matches costs less than the window: a window's entry of
# the (unit, received) index costs TITLE_ENTRY of a match's test (its row
# read and its title matched; at 10 M ~0.3 against ~6 us)
# (Ticket._unit_newest_matches, _newest_matches)
TITLE_ENTRY = 1 / 20
# Issue #14: a day of a dispatcher's window, one scan of the (received day,
# title trigrams) GIN index, reads the words' trigram entries: it costs
# TITLE_DAY x the words' expected matches, in match tests
# (Ticket._search_title_page)
TITLE_DAY = 1 / 60


def satisfaction_counted(table):
    """The orders of table (sushi.ticket) counted in a satisfaction rate
    (SCORING F1, CBK-09): not 行政调解类, 执法办案类 or outside the
    guidance (SCP-06, still called back), nor praise."""
    false = Literal(False)
    return ((Coalesce(table.admin_mediation, false) == false)
        & (Coalesce(table.law_enforcement_case, false) == false)
        & (Coalesce(table.outside_guidance_scope, false) == false)
        & (table.request_type != 'praise'))


def received_day(table):
    """Issue #14: the day (UTC) an order was received, as the (day, title
    trigrams) GIN index has it."""
    return Cast(table.received_at, 'DATE')


def _title_pattern(clause):
    """The LIKE pattern of a search-bar clause (rec_name ilike '%…%') that
    only the order's title can match, of three characters or more (a
    trigram), else None."""
    if (not isinstance(clause, (list, tuple)) or len(clause) != 3
            or clause[0] != 'rec_name' or clause[1] not in {'ilike', 'like'}
            or not isinstance(clause[2], str)):
        return None
    operand = clause[2]
    if (not _TITLE_TEXT.match(operand)
            or len(operand.replace('%', '').replace('_', '')) < 3):
        return None
    return operand


def _bar_clause(clause):
    """A search-bar clause as search_rec_name searches it: a text without
    letters (Chinese, digits) matches the same case-sensitively, so ilike
    is like when the database has no unaccent (issue #14)."""
    _, operator, operand, *extra = clause
    if (operator in {'ilike', 'not ilike'} and isinstance(operand, str)
            and operand.lower() == operand == operand.upper()
            and not Transaction().database.has_unaccent()):
        operator = operator[:-5] + 'like'
        clause = (clause[0], operator, operand, *extra)
    return clause


def _bar_title_only(operator, operand):
    """Whether a search-bar text is read from the title alone through the
    pairs of characters (issue #14, fourteenth session): a positive
    LIKE/ILIKE of Chinese characters (no order number holds them, INT-07:
    ASCII digits) that makes no trigram but has a run of two characters,
    on a database with the pairs' index (BigramChar)."""
    return bool(isinstance(operand, str) and _TITLE_TEXT.match(operand)
        and bigram_segments(operator, operand) and has_bigrams())


def _bar_digits(operator, operand):
    """The digits of a search-bar text that is a number by its beginning
    or title words (6 digits or more, INT-07, issue #14), else None."""
    digits = (operand.strip('%').strip()
        if isinstance(operand, str) else '')
    if (operator in {'ilike', 'like'} and len(digits) >= 6
            and digits.isdigit()):
        return digits
    return None


# States that Ticket.process derives from the assignments
PROCESSED_STATES = INTAKE_STATES + HANDLING_STATES + ['reviewed', 'verifying']
# The ticket state while its lead assignment is in a state
LEAD_TO_TICKET = {
    'dispatched': 'dispatched',
    'signed': 'in_progress',
    'return_requested': 'in_progress',
    'replied': 'replied',
    'informed': 'dispatched',
    }

DISPOSALS = [
    (None, ""),
    ('direct_answer', "Direct Answer"),
    ('three_way_call', "Three-Way Call"),
    ('call_transfer', "Call Transfer"),
    ('explain_and_redirect', "Explanation and Guidance"),
    ('emergency_transferred', "Transferred to Emergency Line"),
    ('duplicate_linked', "Linked to an Open Ticket"),
    ('rejected_repeat', "Repeat of a Closed Case"),
    ('dispatched', "Work Order Dispatched"),
    ]
EMERGENCY_NUMBERS = [
    (None, ""),
    ('110', "110 Police"),
    ('119', "119 Fire and Rescue"),
    ('120', "120 Ambulance"),
    ('122', "122 Traffic Accident"),
    ]
EVALUATIONS = [
    (None, ""),
    ('pending', "Pending"),
    ('satisfied', "Satisfied"),
    ('default_satisfied', "Deemed Satisfied"),
    ('dissatisfied', "Dissatisfied"),
    ]
LIGHTS = [
    (None, ""),
    ('green', "Green"),
    ('yellow', "Yellow"),
    ('red', "Red"),
    ]
# Two-digit codes of the classified ticket number (INT-07).
# TRI-06: request types the hotline passes on to the units at once, as it
# does law-enforcement cases
PASSED_ON_TYPES = ['complaint', 'report']
TYPE_CODES = {'consult': '01', 'help': '02', 'complaint': '03',
    'report': '04', 'suggestion': '05', 'praise': '06'}

_intake_readonly = ~Eval('state').in_(INTAKE_STATES)
# TRI-06: passed on to the units, never closed at first contact
_passed_on = (Eval('request_type').in_(PASSED_ON_TYPES)
    | Eval('law_enforcement_case', False))
# ARC-05: an archived order is read-only (check_modification refuses any
# change): the fields open in every other state are locked in the form too.
_archived_readonly = Eval('state') == 'archived'


def _intake_outcome(state):
    "The states of a field of one intake outcome: shown for it only."
    return {
        'readonly': _intake_readonly,
        'invisible': ~Eval('state').in_(INTAKE_STATES + [state]),
        }


class Ticket(IdSearchMixin, DraftOnlyMixin, Workflow, ModelSQL, ModelView,
        ChatMixin):
    # ChatMixin: the platform and the units discuss the order (chat.py
    # holds the chat to the order's record rules); the event trail keeps
    # the decisions, the chat the conversation.
    __name__ = 'sushi.ticket'
    __string__ = "Work Order"
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True,
        help="Classified number: date, channel, request type, serial "
        "(INT-07).")
    channel = fields.Many2One('sushi.channel', "Channel", required=True,
        states={'readonly': _intake_readonly})
    channel_ref = fields.Char("Channel Reference",
        states={'readonly': _intake_readonly},
        help="The identifier the channel gave the request: a resubmission "
        "with the same reference is the same ticket.")
    received_at = fields.DateTime("Received at", required=True,
        states={'readonly': _intake_readonly})
    # requester (INT-03, INT-04): personal data, see read()
    requester_phone = fields.Char("Requester Phone",
        states={
            'readonly': _intake_readonly,
            'required': ~Eval('state').in_(['draft', 'transferred']),
            })
    requester_name = fields.Char("Requester Name",
        states={
            'readonly': _intake_readonly,
            'invisible': Bool(Eval('anonymous')),
            })
    anonymous = fields.Boolean("Name Withheld",
        states={'readonly': _intake_readonly},
        help="The requester gives a contact but not their name (INT-04).")
    requester_party = fields.Many2One('party.party', "Requester Party",
        states={'readonly': _intake_readonly})
    requester_type = fields.Selection([
            ('individual', "Individual"),
            ('enterprise', "Enterprise"),
            ], "Requester Type", required=True,
        states={'readonly': _intake_readonly})
    earlier_tickets = fields.Function(fields.Many2Many(
            'sushi.ticket', None, None, "Earlier Requests",
            states={'invisible': ~Eval('state').in_(INTAKE_STATES)}),
        'on_change_with_earlier_tickets')
    # the request
    # issue #14: two-character words through the pairs' GIN index
    title = BigramChar("Title", states={'readonly': _intake_readonly})
    description = fields.Text("Request",
        states={
            'readonly': _intake_readonly,
            'required': ~Eval('state').in_(['draft', 'transferred']),
            })
    request_type = fields.Selection(REQUEST_TYPES, "Request Type",
        required=True, sort=False,
        states={'readonly': ~Eval('state').in_(INTAKE_STATES)})
    complexity = fields.Selection(COMPLEXITIES, "Complexity", required=True,
        states={'readonly': ~Eval('state').in_(INTAKE_STATES)},
        help="Complex: research across several policies or units, or a "
        "site investigation (LIM-04).")
    urgency = fields.Selection(URGENCIES, "Urgency", required=True,
        states={'readonly': ~Eval('state').in_(INTAKE_STATES)})
    category = fields.Many2One('sushi.category', "Category",
        states={'readonly': _intake_readonly})
    address = fields.Char("Address", states={'readonly': _intake_readonly})
    region = fields.Many2One('sushi.unit', "Region",
        domain=[('kind', 'in', ['county', 'park'])],
        states={'readonly': _intake_readonly},
        help="The county, district or park where the matter arises.")
    attachments = fields.One2Many('ir.attachment', 'resource', "Attachments",
        states={'readonly': _archived_readonly})
    # special classes (categories.md §1)
    provincial = fields.Boolean("Assigned by the Province",
        states={'readonly': _intake_readonly})
    leader_instruction = fields.Boolean("City Leader Instruction",
        states={'readonly': _intake_readonly})
    is_supervised = fields.Boolean("Supervised", readonly=True,
        help="Linked to a supervision case: replies need the principal "
        "leader's sign-off (RPL-04).")
    admin_mediation = fields.Boolean("Administrative Mediation",
        states={'readonly': _archived_readonly},
        help="Excluded from the satisfaction rate (SCP-06).")
    law_enforcement_case = fields.Boolean("Law-Enforcement Case",
        states={'readonly': _archived_readonly},
        help="Excluded from the satisfaction rate (SCP-06).")
    outside_guidance_scope = fields.Boolean("Outside the Guidance Scope",
        states={'readonly': _archived_readonly},
        help="Outside the scope of 国办发〔2020〕53号: excluded from the "
        "satisfaction rate (SCP-06).")
    disclosure = fields.Boolean("Disclose Publicly",
        states={'readonly': _archived_readonly},
        help="Publish the acceptance and result with personal data masked "
        "(PUB-02).")
    # intake outcome
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    disposal = fields.Selection(DISPOSALS, "Disposal", readonly=True)
    answer = fields.Text("Answer Given",
        states=_intake_outcome('answered'))
    answer_basis = fields.Text("Basis of the Answer",
        states=_intake_outcome('answered'),
        help="Where the answer comes from when no knowledge entry fits: "
        "the law, policy or notice the agent relied on (TRI-02).")
    rejection_reason = fields.Many2One('sushi.scope.reason',
        "Not-Accepted Reason",
        states=_intake_outcome('rejected'))
    guidance = fields.Text("Guidance to the Requester",
        states=_intake_outcome('rejected'),
        help="What the requester is told, and where to go (SCP-03).")
    transfer_mode = fields.Selection([
            (None, ""),
            ('three_way_call', "Three-Way Call"),
            ('call_transfer', "Call Transfer"),
            ], "Call Connection",
        states=_intake_outcome('answered'))
    transfer_unit = fields.Many2One('sushi.unit', "Connected Unit",
        states=_intake_outcome('answered'))
    transfer_consent = fields.Boolean("Requester Consented",
        states=_intake_outcome('answered'),
        help="A three-way call or transfer needs the requester's consent "
        "(TRI-03).")
    emergency_number = fields.Selection(EMERGENCY_NUMBERS,
        "Emergency Line",
        states=_intake_outcome('transferred'))
    duplicate_of = fields.Many2One('sushi.ticket', "Same Matter as",
        domain=[('state', 'in', OPEN_STATES), ('id', '!=', Eval('id', -1))],
        states=_intake_outcome('merged'),
        help="An open ticket on the same matter: this contact is merged "
        "into it (SCP-04 a).")
    repeat_of = fields.Many2One('sushi.ticket', "Repeat of",
        domain=[('state', 'in', FINISHED_STATES)],
        states={'readonly': _intake_readonly},
        help="The closed case the requester raises again (SCP-04 b, c).")
    is_repeat = fields.Function(fields.Boolean("Repeat"), 'get_is_repeat',
        searcher='search_is_repeat')
    similar_tickets = fields.Function(fields.Many2Many(
            'sushi.ticket', None, None, "Similar Open Tickets",
            states={'invisible': ~Eval('state').in_(INTAKE_STATES)}),
        'on_change_with_similar_tickets')
    repeat_candidates = fields.Function(fields.Many2Many(
            'sushi.ticket', None, None, "Earlier Closed Cases",
            states={'invisible': ~Eval('state').in_(INTAKE_STATES)}),
        'on_change_with_repeat_candidates')
    # dispatch and handling summary (stored for lists and reports)
    dispatch_deadline = fields.DateTime("Dispatch Deadline", readonly=True,
        help="Intake plus the dispatch window (TRI-04).")
    dispatched_at = fields.DateTime("Dispatched at", readonly=True)
    dispatch_late = fields.Boolean("Dispatched Late", readonly=True)
    dispatch_late_at = fields.DateTime("Dispatch Late at", readonly=True,
        help="The 24-hour dispatch window's end that passed (TRI-04).")
    lead_unit = fields.Many2One('sushi.unit', "Lead Unit", readonly=True)
    deadline = fields.DateTime("Due", readonly=True)
    statutory_due_at = fields.DateTime("Statutory Due",
        states={'readonly': ~Eval('state').in_(INTAKE_STATES)},
        help="A special limit set by law or a higher document replaces the "
        "standard one (LIM-02).")
    light = fields.Function(fields.Selection(LIGHTS, "Light"),
        'get_light', searcher='search_light')
    red_card = fields.Function(fields.Boolean("Red Card"),
        'get_light', searcher='search_red_card')
    round = fields.Integer("Handling Round", readonly=True)
    assignments = fields.One2Many('sushi.ticket.assignment', 'ticket',
        "Assignments", readonly=True)
    events = fields.One2Many('sushi.ticket.event', 'ticket', "Timeline",
        readonly=True)
    recordings = fields.One2Many('sushi.ticket.recording', 'ticket',
        "Call Recordings", states={'readonly': _archived_readonly})
    # callback and rating (CBK)
    callbacks = fields.One2Many('sushi.ticket.callback', 'ticket',
        "Callbacks", readonly=True)
    first_evaluation = fields.Selection(EVALUATIONS, "First Evaluation",
        readonly=True)
    second_evaluation = fields.Selection(EVALUATIONS, "Second Evaluation",
        readonly=True)
    final_evaluation = fields.Selection(EVALUATIONS, "Final Evaluation",
        readonly=True)
    objective_cause = fields.Boolean("Objective Cause", readonly=True,
        help="The bad rating came from legal, policy or other objective "
        "limits (CBK-04).")
    unit_at_fault = fields.Boolean("Unit at Fault", readonly=True,
        help="Verification found omissions or non-implementation "
        "(CBK-03).")
    escalation_requested = fields.Boolean("Escalation Requested",
        readonly=True,
        help="Proposed for escalated supervision after a bad rating "
        "(CBK-05).")
    rating_due_at = fields.DateTime("Rating Due", readonly=True)
    # CBK-05: a "dissatisfied" (or unclear) answer by SMS or app waits for
    # the platform's callback
    callback_required = fields.Boolean("Awaiting Platform Callback",
        readonly=True,
        help="A dissatisfied or unclear rating by SMS or app: the platform "
        "calls the requester back (CBK-05, CBK-06).")
    callback_required_at = fields.DateTime("Callback Asked at",
        readonly=True)
    closed_at = fields.DateTime("Closed at", readonly=True)
    archived_at = fields.DateTime("Archived at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('channel_ref_unique', Unique(t, t.channel, t.channel_ref),
                'sushi_ticket.msg_ticket_channel_ref_unique'),
            ('number_unique', Unique(t, t.number),
                'sushi_ticket.msg_ticket_number_unique'),
            ]
        # Issue #14: the indexes match the SQL Tryton emits.  An optional
        # Char is searched as COALESCE(column, ''), ILIKE through unaccent()
        # when the database has it (Index.Unaccent follows); the lists are
        # ordered by (received_at DESC, id DESC).
        phone = Coalesce(t.requester_phone, '')
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.received_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC'))),
                # earlier requests by phone, the newest first
                Index(t, (phone, Index.Equality()),
                    (t.received_at, Index.Range(order='DESC'))),
                Index(t, (t.lead_unit, Index.Equality()),
                    (t.state, Index.Equality())),
                # the repeats of an order (SCP-04 c) and the daily ACC-04
                # candidates read from them: a few in a hundred orders
                Index(t, (t.repeat_of, Index.Equality()),
                    where=t.repeat_of != Null),
                Index(t, (t.received_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC'))),
                # the open orders' lists and the look-alikes (SCP-04 a)
                Index(t, (t.received_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC')),
                    where=t.state.in_(OPEN_STATES)),
                # the tabs of more than one state (act_ticket_form,
                # act_ticket_unit): a page, deep or not, walks the tab's own
                # rows in the list order, index only
                *(Index(t, (t.received_at, Index.Range(order='DESC')),
                        (t.id, Index.Range(order='DESC')),
                        where=condition)
                    for condition in tab_conditions(t)),
                Index(t, (t.category, Index.Equality()),
                    (t.received_at, Index.Range())),
                # the search bar: number by its beginning (search_rec_name),
                # number, title and phone by any part (pg_trgm, see
                # __register__); the number (PostgreSQL reads an
                # expression index alone only with its column), received
                # time and id included: the dispatcher's page of a number
                # prefix is read from this index alone (_search_number_page)
                Index(t, (Coalesce(t.number, ''),
                        Index.Similarity(begin=True)),
                    include=[t.number, t.received_at, t.id]),
                Index(t, (Index.Unaccent(Coalesce(t.number, '')),
                        Index.Similarity())),
                Index(t, (Index.Unaccent(Coalesce(t.title, '')),
                        Index.Similarity())),
                # issue #14: the dispatcher's search-bar words in a window
                # of the newest orders: one GIN index over the received
                # day (btree_gin) and the title's trigrams, each day of the
                # window one scan intersecting the day's entries with the
                # words' (Ticket._search_title_page)
                Index(t, (received_day(t), Index.Equality()),
                    (Coalesce(t.title, ''), Index.Similarity())),
                Index(t, (Index.Unaccent(phone), Index.Similarity())),
                })
        cls._order = [('received_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'accepted'),
            ('draft', 'rejected'), ('accepted', 'rejected'),
            ('draft', 'answered'), ('accepted', 'answered'),
            ('draft', 'transferred'),
            ('draft', 'merged'), ('accepted', 'merged'),
            ('draft', 'dispatched'), ('accepted', 'dispatched'),
            ('dispatched', 'accepted'), ('in_progress', 'accepted'),
            ('dispatched', 'in_progress'),
            ('dispatched', 'replied'), ('in_progress', 'replied'),
            ('replied', 'in_progress'),
            ('replied', 'reviewed'),
            ('reviewed', 'closed'), ('reviewed', 'verifying'),
            ('verifying', 'dispatched'), ('verifying', 'reviewed'),
            ('verifying', 'closed'),
            ('dispatched', 'closed'),
            ('closed', 'archived'),
            }
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'dispatch': {
                    'invisible': ~Eval('state').in_(INTAKE_STATES),
                    'depends': ['state'],
                    },
                # TRI-06: not for complaints, reports and law-enforcement
                'answer_directly': {
                    'invisible': ~Eval('state').in_(INTAKE_STATES),
                    'readonly': _passed_on,
                    'depends': ['state', 'request_type',
                        'law_enforcement_case'],
                    },
                'connect': {
                    'invisible': ~Eval('state').in_(INTAKE_STATES),
                    'readonly': ~Eval('transfer_mode') | _passed_on,
                    'depends': ['state', 'transfer_mode', 'request_type',
                        'law_enforcement_case'],
                    },
                'reject': {
                    'invisible': ~Eval('state').in_(INTAKE_STATES),
                    'readonly': ~Eval('rejection_reason'),
                    'depends': ['state', 'rejection_reason'],
                    },
                'transfer_emergency': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('emergency_number'),
                    'depends': ['state', 'emergency_number'],
                    },
                'merge': {
                    'invisible': ~Eval('state').in_(INTAKE_STATES),
                    'readonly': ~Eval('duplicate_of'),
                    'depends': ['state', 'duplicate_of'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                'record_callback': {
                    'invisible': Eval('state') != 'reviewed',
                    'depends': ['state'],
                    },
                'verify': {
                    'invisible': Eval('state') != 'verifying',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        create_trigram_extension()  # before the indexes (issue #14)
        super().__register__(module)
        # issue #14: the titles' pairs of characters (two-character words)
        create_bigram_index(cls._table, 'title',
            'sushi_ticket_title_bigram_gin')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_received_at(cls):
        return clock.now()

    @classmethod
    def default_channel(cls):
        try:
            return Pool().get('ir.model.data').get_id(
                'sushi_ticket', 'channel_hotline_12345')
        except KeyError:
            return None

    @classmethod
    def default_requester_type(cls):
        return 'individual'

    @classmethod
    def default_request_type(cls):
        return 'consult'

    @classmethod
    def default_complexity(cls):
        return 'general'

    @classmethod
    def default_urgency(cls):
        return 'normal'

    @classmethod
    def default_anonymous(cls):
        return False

    @classmethod
    def default_round(cls):
        return 1

    @classmethod
    def default_disclosure(cls):
        return True

    @fields.depends('request_type')
    def on_change_request_type(self):
        # PUB-02, PUB-05: the types published by default are configuration
        Configuration = Pool().get('sushi.configuration')
        self.disclosure = self.request_type in Configuration.get_values()[
            'disclosed_request_types']
        if self.request_type == 'praise':
            self.complexity = 'general'

    @fields.depends('rejection_reason', 'guidance')
    def on_change_rejection_reason(self):
        if self.rejection_reason:
            self.guidance = self.rejection_reason.guidance

    @fields.depends('requester_phone', 'requester_name', 'requester_party',
        'requester_type', 'id')
    def on_change_requester_phone(self):
        "Find the requester by phone number, as the call comes in."
        if not self.requester_phone:
            return
        phone = normalize_phone(self.requester_phone)
        self.requester_phone = phone
        if self._hides_requesters():
            return
        earlier = self.earlier_requests(phone, limit=1)
        if earlier and not self.requester_name:
            last = earlier[0]
            self.requester_name = last.requester_name
            self.requester_party = last.requester_party
            self.requester_type = last.requester_type

    @fields.depends('requester_phone', 'id', 'state')
    def on_change_with_earlier_tickets(self, name=None):
        if (not self.requester_phone or self.state not in INTAKE_STATES
                or self._hides_requesters()):
            return []
        return self.earlier_requests(
            normalize_phone(self.requester_phone), limit=20)

    def earlier_requests(self, phone, limit=20):
        """The requester's earlier tickets that the user may read, the
        newest first (index on phone)."""
        return self.search([
                ('requester_phone', '=', phone),
                ('id', '!=', self.id if self.id and self.id > 0 else -1),
                ], limit=limit, order=[('received_at', 'DESC')])

    @fields.depends('description', 'title', 'category', 'region',
        'requester_phone', 'received_at', 'id', 'state')
    def on_change_with_similar_tickets(self, name=None):
        if self.state not in INTAKE_STATES or self._hides_requesters():
            return []
        return [t for t, _ in self.find_similar()]

    @fields.depends('description', 'title', 'requester_phone', 'id',
        'state')
    def on_change_with_repeat_candidates(self, name=None):
        if (self.state not in INTAKE_STATES or not self.requester_phone
                or self._hides_requesters()):
            return []
        return [t for t, _ in self.find_similar(finished=True)]

    @classmethod
    def _hides_requesters(cls):
        """PUB-06: whether the intake form's hints are hidden from the user:
        who reads requesters masked (city leaders, analysts, officers)
        would get other requesters' orders by a phone they type, their
        names and unmasked titles."""
        from .masked import masked_view
        return masked_view()

    def find_similar(self, finished=False, limit=5):
        """Return [(ticket, score)] of tickets that look like the same
        matter, the most similar first.

        Open tickets (SCP-04 a) by category, region or requester; or, with
        finished, the requester's closed cases (SCP-04 b, c).  Candidates
        are narrowed by indexed SQL first; only they are scored."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        config = Configuration.get_values()
        text = ' '.join(filter(None, [self.title, self.description]))
        if not text.strip():
            return []
        since = (self.received_at or clock.now()) - dt.timedelta(
            days=config['similar_window_days'])
        domain = [('id', '!=', self.id if self.id and self.id > 0 else -1)]
        if finished:
            domain += [
                ('state', 'in', FINISHED_STATES),
                ('requester_phone', '=',
                    normalize_phone(self.requester_phone)),
                ]
        else:
            alternatives = ['OR']
            if self.category:
                alternatives.append(('category', '=', self.category.id))
            if self.region:
                alternatives.append(('region', '=', self.region.id))
            if self.requester_phone:
                alternatives.append(('requester_phone', '=',
                        normalize_phone(self.requester_phone)))
            if len(alternatives) == 1:
                return []
            domain += [
                ('state', 'in', OPEN_STATES),
                ('received_at', '>=', since),
                alternatives,
                ]
        # the texts only, in one read (issue #14)
        candidates = self.search_read(domain, limit=300,
            order=[('received_at', 'DESC')],
            fields_names=['title', 'description'])
        scored = []
        for candidate in candidates:
            other = ' '.join(filter(None,
                    [candidate['title'], candidate['description']]))
            score = self.similarity(text, other)
            if score >= config['similar_threshold']:
                scored.append((candidate['id'], score))
        scored.sort(key=lambda s: -s[1])
        return [(self.__class__(i), score) for i, score in scored[:limit]]

    @classmethod
    def similarity(cls, a, b):
        """Return the similarity of two request texts between 0 and 1.

        The Dice coefficient of character bigrams: simple, and sound for
        Chinese without segmentation.  The analysis module replaces it."""
        def bigrams(text):
            text = re.sub(r'[\s\W_]+', '', text or '')
            return {text[i:i + 2] for i in range(len(text) - 1)}
        x, y = bigrams(a), bigrams(b)
        if not x or not y:
            return 0.0
        return 2 * len(x & y) / (len(x) + len(y))

    @classmethod
    def get_light(cls, tickets, names):
        """LGT-01: a ticket shows the worst light of its open assignments
        and whether the current round got a red card, in one query."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        a = Assignment.__table__()
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {'light': {}, 'red_card': {}}
        rank = Case((a.light == 'red', 3), (a.light == 'yellow', 2),
            (a.light == 'green', 1), else_=0)
        ids = [r.id for r in tickets]
        for i in range(0, len(ids), 1000):
            sub_ids = ids[i:i + 1000]
            cursor.execute(*a.join(t, condition=a.ticket == t.id).select(
                    a.ticket,
                    Max(Case((a.state.in_(Assignment.LIGHT_STATES), rank),
                            else_=0)),
                    Max(Case(((a.round == t.round)
                                & (a.red_card == Literal(True)), 1),
                            else_=0)),
                    where=a.ticket.in_(sub_ids), group_by=[a.ticket]))
            for ticket, worst, carded in cursor:
                result['light'][ticket] = {3: 'red', 2: 'yellow',
                    1: 'green'}.get(worst)
                result['red_card'][ticket] = bool(carded)
        return {n: {i: result[n].get(i, None if n == 'light' else False)
                for i in ids} for n in names}

    @classmethod
    def search_light(cls, name, clause):
        "Find tickets by their worst light: red, yellow, green or none."
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        _, operator, value = clause[:3]
        values = value if operator in {'in', 'not in'} else [value]
        open_ = ('state', 'in', Assignment.LIGHT_STATES)
        worse = {'green': ['yellow', 'red'], 'yellow': ['red'], 'red': []}
        alternatives = ['OR']
        for light in values:
            if light in worse:
                domain = [('assignments', 'where',
                        [open_, ('light', '=', light)])]
                if worse[light]:
                    domain.append(('assignments', 'not where',
                            [open_, ('light', 'in', worse[light])]))
            else:
                domain = [('assignments', 'not where',
                        [open_, ('light', '!=', None)])]
            alternatives.append(domain)
        if operator in {'!=', 'not in'}:
            return ['NOT', alternatives]
        return alternatives

    @classmethod
    def search_red_card(cls, name, clause):
        _, operator, value = clause[:3]
        carded = ('assignments', 'where', [('red_card', '=', True)])
        if (operator == '=') == bool(value):
            return [carded]
        return ['NOT', carded]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [LIGHT_ROWS]

    def get_is_repeat(self, name):
        return bool(self.repeat_of)

    @classmethod
    def search_is_repeat(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('repeat_of', '!=', None)]
        return [('repeat_of', '=', None)]

    def get_rec_name(self, name):
        if self.number:
            return self.number
        return '(%s)' % self.id

    @classmethod
    def search_rec_name(cls, name, clause):
        # issue #14: a text without letters (Chinese, digits) matches the
        # same case-sensitively; PostgreSQL's ILIKE folds the case of every
        # tested title (3 times LIKE's cost: 19 against 7 µs a title at
        # load 10), the trigram indexes serve both
        clause = _bar_clause(clause)
        _, operator, operand, *extra = clause
        digits = (operand.strip('%').strip()
            if isinstance(operand, str) else '')
        number = _bar_digits(operator, operand)
        if number is not None:
            # Issue #14: digits typed in the search bar are a number (by its
            # beginning: date, channel, type, serial; INT-07) or title
            # words, served by a B-tree prefix and a trigram index instead
            # of a scan of every number.
            domain = ['OR', ('number', 'like', digits + '%'),
                ('title', operator, operand, *extra)]
        elif _bar_title_only(operator, operand):
            # a two-character word: the title's pairs (the number's
            # trigrams would be a scan of their whole index)
            domain = [('title', operator, operand, *extra)]
        else:
            domain = rec_name_domain(clause, ['number', 'title'])
        if operator in {'ilike', 'like'} and (len(digits) >= 3
                or _bar_title_only(operator, operand)):
            # three characters make a trigram (pg_trgm reads a shorter
            # text from the whole index), two a pair (BigramChar)
            return cls._matches_first(domain,
                _title_pattern(('rec_name', operator, operand)),
                number=((number, operand)
                    if operator == 'like' and number else None),
                pairs=_bar_title_only(operator, operand))
        return domain

    @classmethod
    def _matches_first(cls, domain, title=None, number=None, pairs=False):
        """Issue #14: the orders of domain (a search-bar text) as their
        ids when they are at most SEARCH_BAR_IDS, else domain.

        PostgreSQL cannot estimate how many orders a few Chinese characters
        (trigrams) or a number prefix match; believing thousands, it walks
        the list order (received_at) filtering every order until it has a
        page: 20 s over ten million orders for a word (or a day) that
        matches a few or none.  The matches are read first from the
        trigram and prefix indexes (a bitmap, never a walk), at most
        SEARCH_BAR_IDS + 1 of them; when they are that few the list sorts
        those ids (with the user's record rules, as before).  The same
        orders either way (one transaction).  Function searchers run
        without access checks, so the matches are everybody's: a word
        common in the city but rare in a unit would walk the city's orders
        probing the unit's rule (20 s at 10 M); for a unit's staff (the
        units set by Ticket.search) the matches are then read from the
        unit's own orders (_unit_matches).  A text only the title can match
        (title: its LIKE pattern) is matched for a unit's staff on the
        title copied on the unit's assignments (_unit_title_matches), and
        digits (number: the digits and the title's LIKE pattern) on the
        number and title copied there (_unit_number_matches).

        A two-character word (pairs: BigramChar) is estimated well from
        the pairs' statistics: one the planner expects in more than
        SEARCH_BAR_IDS orders is left to the list's walk without reading
        its matches first (咨询, 400 000 orders at 1 M: 128 ms to read
        30 001 of them for nothing).  The estimate is of the pairs
        halved by the LIKE's CASE (BigramChar), so twice it is compared."""
        from trytond import backend
        cursor = Transaction().connection.cursor()
        # SQLite takes at most 32 766 parameters in a statement
        cap = (SEARCH_BAR_IDS if backend.name == 'postgresql'
            else min(SEARCH_BAR_IDS, 1000))
        units = Transaction().context.get(UNIT_RULE_KEY)
        if units is not None and title is not None:
            ids = cls._unit_title_matches(units, title, cap + 1)
            if len(ids) > cap:
                # as common in the unit: its walk soon finds a page
                return domain
            return [('id', 'in', ids)]
        if units is not None and number is not None:
            ids = cls._unit_number_matches(units, *number, limit=cap + 1)
            if len(ids) <= cap:
                return [('id', 'in', ids)]
        if pairs and 2 * cls._expected_rows(
                cls.search(domain, order=[], query=True)) > cap:
            return domain
        query = cls.search(domain, limit=cap + 1, order=[], query=True)
        # any SEARCH_BAR_IDS + 1 of them tell "more": no order (Tryton adds
        # the id to a limited search), which would read every match
        query.order_by = None
        # a bitmap of the indexes' matches, never a walk
        with planner(cursor, enable_seqscan='off', enable_indexscan='off'):
            cursor.execute(*query)
            ids = [i for i, in cursor]
        if len(ids) > cap:
            units = Transaction().context.get(UNIT_RULE_KEY)
            if units is None:
                return domain
            ids = cls._unit_matches(query, units)
            if ids is None or len(ids) > cap:
                # as common in the unit: its walk soon finds a page
                return domain
        elif units is not None:
            # the city's matches that are the units' orders (fourteenth
            # session): the unit's page then sorts its own few, instead of
            # walking the list order testing the city's matches (a
            # two-character word of 24 000 orders: 400 ms at 1 M)
            ids = cls._unit_orders_among(units, ids)
        return [('id', 'in', ids)]

    @classmethod
    def _unit_orders_among(cls, units, ids):
        """Issue #14: those of the orders ids that have an assignment of
        units (the unit staff's rule), from the (unit, ticket) index."""
        if not units or not ids:
            return []
        a = Pool().get('sushi.ticket.assignment').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*a.select(a.ticket, where=a.unit.in_(sorted(units))
                & reduce_ids(a.ticket, ids), distinct=True))
        return [i for i, in cursor]

    @classmethod
    def _unit_matches(cls, query, units):
        """Issue #14: the ids of query's orders (a search-bar text's,
        limited) that are orders of units, read from the units' own
        orders: each distinct order of the units' assignments (in id
        order, index only) is fetched by its id and tested, at most one
        unit's history (8 000-82 000 orders of the benchmark's units at
        1 M), instead of the city's list order walked to its end for a
        word the unit never had (20 s at 10 M).  The units' orders are a
        DISTINCT subquery (not flattened) and the planner may only loop
        over them: otherwise, believing the text common, it walks every
        order's primary key testing the unit (18 s for unit 4 at 1 M)."""
        if not units:
            return []
        Assignment = Pool().get('sushi.ticket.assignment')
        a = Assignment.__table__()
        table = query.from_[0]
        if not isinstance(table, Table):
            return None
        own = a.select(a.ticket.as_('ticket'), where=a.unit.in_(units),
            distinct=True)
        query.from_ = From([own.join(table,
                    condition=table.id == own.ticket)])
        cursor = Transaction().connection.cursor()
        with planner(cursor, enable_seqscan='off', enable_bitmapscan='off',
                enable_mergejoin='off', enable_hashjoin='off'):
            cursor.execute(*query)
            return [i for i, in cursor]

    @classmethod
    def _list_page_clauses(cls, domain, limit, order):
        """Issue #14: the AND clauses of a search that the pages read from
        their own indexes may serve (_search_title_page,
        _search_number_page, _search_red_page): a page (limit) in the
        list's own order, on PostgreSQL, by a user without record rules on
        the orders (the dispatcher); else None."""
        from trytond import backend
        own = [(n, d.upper()) for n, d in cls._order]
        if order is not None and [(n, (d or 'ASC').upper())
                for n, d in order] != own:
            return None
        if limit is None or limit <= 0 or backend.name != 'postgresql':
            return None
        if Transaction().check_access and not _unrestricted(
                Pool().get('ir.rule').domain_get(cls.__name__, mode='read')):
            return None
        return _and_clauses(domain)

    @classmethod
    def _search_title_page(cls, domain, offset, limit, order):
        """Issue #14: the ids of a page (list order) of the orders whose
        title matches the search bar's words, for a user without record
        rules on the orders (the dispatcher), or None for any other search.

        PostgreSQL walks the list order testing each title when it
        believes the words common (10 µs a title: 31 334 titles for 1 000
        matches of a word in 3 % of the orders), or reads every match
        from the trigram index and sorts them when it believes them rare
        (9 µs a match).  Both grow with the table.  Here the matches are
        read from a window of the newest days, sized from the planner's
        estimate of the matches: one scan a day of the (received day,
        title trigrams) GIN index, which intersects the day's entries with
        the words' inside the index (a bitmap of the date index's entries
        of the window was 0.3 µs an order: 411 000 for a 30-day window at
        10 M); or from the trigram index alone when that costs less
        (_newest_matches, TITLE_DAY); sorted here."""
        clauses = cls._list_page_clauses(domain, limit, order)
        if not clauses or len(clauses) != 1:
            return None
        pattern = _title_pattern(clauses[0])
        if pattern is None:
            return None
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        need = (offset or 0) + limit
        cursor.execute(*t.select(Max(t.received_at), Min(t.received_at)))
        newest, oldest = cursor.fetchone()
        if newest is None:
            return []
        per_day = cls.estimated_count() / max(
            (newest - oldest) / dt.timedelta(days=1), 1)

        def days(since):
            "The days of the window since a time (the GIN index's)"
            first = since.date()
            return [first + dt.timedelta(days=d)
                for d in range((newest.date() - first).days + 1)]

        def matches(since):
            where = Coalesce(t.title, '').like(pattern)
            if since is not None:
                # only the (day, title) GIN index serves the days: each
                # day's entries are intersected with the words' trigrams
                # inside it, never a bitmap of the window's date index
                # entries; the window's start is tested here
                where &= received_day(t).in_(days(since))
            with planner(cursor, enable_seqscan='off',
                    enable_indexscan='off'):
                cursor.execute(*t.select(t.received_at, t.id, where=where))
                return [r for r in cursor
                    if since is None or r[0] >= since]

        expected = cls._expected_rows(t.select(t.id,
                where=Coalesce(t.title, '').like(pattern)))
        found = cls._newest_matches(matches, expected,
            lambda since: per_day, need, newest, oldest,
            window_cost=lambda since: (
                len(days(since)) * TITLE_DAY * expected))
        found.sort(reverse=True)
        return [i for _, i in found[offset or 0:need]]

    @classmethod
    def _search_number_page(cls, domain, offset, limit, order):
        """Issue #14: the ids of a page (list order) of the orders found by
        digits in the search bar (a number by its beginning or title
        words, search_rec_name), for a user without record rules on the
        orders (the dispatcher), or None for any other search.

        A day and channel's prefix (2025091001…) matches ~8 400 orders at
        10 M: Tryton read them from the heap (the OR with the title
        rechecked there), then again by id to sort them (134-222 ms p95).
        Here the number's prefix index, which includes the number, the
        received time and the id, gives its matches index only, the
        title's trigram index its few, and the page is sorted here as for
        title words (_search_title_page).  More than SEARCH_BAR_IDS
        matches (a month's prefix): None, Tryton's search as before."""
        clauses = cls._list_page_clauses(domain, limit, order)
        if not clauses or len(clauses) != 1 or len(clauses[0]) != 3:
            return None
        if clauses[0][0] != 'rec_name':
            return None
        _, operator, operand = _bar_clause(clauses[0])
        digits = _bar_digits(operator, operand)
        if digits is None:
            return None
        t = cls.__table__()
        tables = {None: (t, None)}
        cursor = Transaction().connection.cursor()
        found = set()
        # the domain of search_rec_name, each branch from its own index:
        # the number's B-tree read alone (no bitmap, no heap), the title's
        # trigrams as a bitmap
        for where, settings in [
                (cls._fields['number'].convert_domain(
                        ('number', 'like', digits + '%'), tables, cls),
                    {'enable_seqscan': 'off', 'enable_bitmapscan': 'off'}),
                (cls._fields['title'].convert_domain(
                        ('title', operator, operand), tables, cls),
                    {'enable_seqscan': 'off', 'enable_indexscan': 'off'}),
                ]:
            with planner(cursor, **settings):
                cursor.execute(*t.select(t.received_at, t.id, where=where,
                        limit=SEARCH_BAR_IDS + 1))
                rows = cursor.fetchall()
            found.update(rows)
            if len(found) > SEARCH_BAR_IDS:
                return None
        # the list order: received DESC, id DESC
        found = sorted(found, reverse=True)
        return [i for _, i in found[offset or 0:(offset or 0) + limit]]

    @classmethod
    def _search_red_page(cls, domain, offset, limit, order):
        """Issue #14: the ids of a page (list order) of the orders with a
        red light (工单 红灯, [('light', '=', 'red')] alone), for a user
        without record rules on the orders (the dispatcher), or None for
        any other search.

        Tryton reads every red open assignment, then each of their orders
        by its key, and sorts them for the page: right after a first sweep
        at 10 M (372 413 red, 324 032 orders) 1.5 s.  The assignments
        carry their order's received time (ticket_received_at); the red
        open ones have an index in that order (ticket_received_at DESC,
        ticket DESC): the page is its first rows, an order with two red
        parts counted once."""
        if cls._list_page_clauses(domain, limit, order) != [
                ('light', '=', 'red')]:
            return None
        Assignment = Pool().get('sushi.ticket.assignment')
        a = Assignment.__table__()
        cursor = Transaction().connection.cursor()
        # an order's parts carry the same received time (its copy), so
        # they are next to each other in the index: DISTINCT is a Unique
        # over the index's order, and the page its rows after the offset
        cursor.execute(*a.select(a.ticket_received_at, a.ticket,
                where=(a.light == 'red')
                & a.state.in_(Assignment.LIGHT_STATES),
                distinct=True,
                order_by=[a.ticket_received_at.desc, a.ticket.desc],
                limit=limit, offset=offset or None))
        return [i for _, i in cursor]

    @staticmethod
    def _newest_matches(matches, expected, per_day, need, newest, oldest,
            window_cost=None):
        """Issue #14: at least need of the newest matches of a search-bar
        text (all of them when fewer), as [(received time, id)]:
        matches(since) reads the matches received since a time (None: all
        of them) from the trigram index ANDed with the date index;
        expected the planner's estimate of all the matches (close for
        trigrams with a UTF-8 ctype: 54 463 for 46 688, 324 531 for
        312 497 at 10 M); per_day(since) the rows a day of the date index
        from since.

        The window holds 1.25 × need at the expected rate; every match is
        read instead when testing all of them costs less than the window's
        date index entries (TITLE_ENTRY of a test each) and its matches'
        tests.  A window that holds need matches holds the newest need
        (every match outside it is older); one that holds fewer gives the
        rate for the next, at least twice as long.  window_cost(since),
        when given, is the cost of the window's index work in tests instead
        of its date index entries."""
        day = dt.timedelta(days=1)
        span = max((newest - oldest) / day, 1 / 24)
        rate = max(expected, 1) / span
        days = 1.25 * need / rate
        while True:
            if days >= span:
                return matches(None)
            since = newest - days * day
            if window_cost is not None:
                window = window_cost(since) + 1.25 * need
            else:
                window = days * per_day(since) * TITLE_ENTRY + 1.25 * need
            if rate * span <= window:
                return matches(None)
            found = matches(since)
            if len(set(found)) >= need:
                return found
            rate = max(len(set(found)), 1) / days
            days = max(1.25 * need / rate, 2 * days)

    @staticmethod
    def _expected_rows(query):
        "The planner's estimate of the rows of query (EXPLAIN)."
        cursor = Transaction().connection.cursor()
        cursor.execute('EXPLAIN (FORMAT JSON) ' + str(query), query.params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return plan[0]['Plan']['Plan Rows']

    @classmethod
    def _unit_state_domain(cls, domain):
        """Issue #14: domain, and the ids of the unit's orders in its
        states when the user's record rule is exactly the unit staff rule,
        domain's clauses are all ANDed, one of them is ('state', '=' or
        'in', …), and the unit has at most UNIT_STATE_IDS orders in those
        states (the state copied on its assignments, ticket_state).

        Tryton reads every order of the city in the state, in the list's
        order, probing the unit for each (a unit's 回访 待评价: the 25 088
        orders awaiting their rating at 10 M, 254 ms); the unit's own
        orders in the state are an index-only range of its rows, (unit,
        ticket_state, ticket).  The same orders: the clause is added, not
        replaced."""
        if not Transaction().check_access:
            return domain
        clauses = _and_clauses(domain)
        if not clauses:
            return domain
        states = None
        for clause in clauses:
            if len(clause) != 3 or clause[0] != 'state':
                continue
            if clause[1] == '=' and isinstance(clause[2], str):
                states = [clause[2]]
            elif (clause[1] == 'in' and isinstance(clause[2], (list, tuple))
                    and all(isinstance(v, str) for v in clause[2])):
                states = list(clause[2])
            if states is not None:
                break
        if not states:
            return domain
        Rule = Pool().get('ir.rule')
        units = _rule_units(Rule.domain_get(cls.__name__, mode='read'))
        if units is None:
            return domain
        a = Pool().get('sushi.ticket.assignment').__table__()
        cursor = Transaction().connection.cursor()
        ids = []
        if units:
            cursor.execute(*a.select(a.ticket,
                    where=a.unit.in_(sorted(units))
                    & a.ticket_state.in_(sorted(states)),
                    distinct=True, limit=UNIT_STATE_IDS + 1))
            ids = [i for i, in cursor]
        if len(ids) > UNIT_STATE_IDS:
            return domain
        return ['AND', domain, ('id', 'in', ids)]

    @classmethod
    def _unit_title_matches(cls, units, pattern, limit):
        """Issue #14: the ids of at most limit orders of units whose title
        matches pattern (LIKE), from the title copied on the units'
        assignments: a bitmap of the (unit, title trigrams) GIN index, the
        units' matches only, neither the city's nor the unit's whole
        history."""
        if not units:
            return []
        a = Pool().get('sushi.ticket.assignment').__table__()
        return cls._bitmap_ids(a.select(a.ticket,
                where=title_units(a, units)
                & (Coalesce(a.ticket_title, '').like(pattern)),
                distinct=True, limit=limit))

    @classmethod
    def _unit_number_matches(cls, units, digits, title, limit):
        """Issue #14: the ids of at most limit orders of units whose number
        begins with digits or whose title matches title (LIKE), the search
        bar's domain for digits (search_rec_name), from the number and
        title copied on the units' assignments: the (unit, number) B-tree
        and the (unit, title trigrams) GIN index, each with the units in
        its own condition (a unit condition outside the OR would be a
        bitmap of the units' whole history).  The city's orders of a day
        (about 14 000 at 10 M) were read first, then probed for the unit's
        rule."""
        if not units:
            return []
        a = Pool().get('sushi.ticket.assignment').__table__()
        keys = sorted(units)
        where = ((a.unit.in_(keys) & a.ticket_number.like(digits + '%'))
            | (title_units(a, keys)
                & Coalesce(a.ticket_title, '').like(title)))
        return cls._bitmap_ids(
            a.select(a.ticket, where=where, distinct=True, limit=limit))

    @staticmethod
    def _bitmap_ids(query):
        """The ids a query of one column selects, read through bitmaps of
        the indexes its conditions name (the unit-keyed GIN and B-trees),
        never a scan of the table or of one index in its order."""
        cursor = Transaction().connection.cursor()
        with planner(cursor, enable_seqscan='off', enable_indexscan='off'):
            cursor.execute(*query)
            return [i for i, in cursor]

    @classmethod
    def write(cls, *args):
        super().write(*args)
        Assignment = Pool().get('sushi.ticket.assignment')
        actions = iter(args)
        changed = set()
        for tickets, values in zip(actions, actions):
            # the order's copies on its assignments (issue #14)
            if values.keys() & {'state', 'received_at', 'title', 'number'}:
                changed.update(t.id for t in tickets)
        if changed:
            Assignment.sync_ticket_copy(sorted(changed))

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        transaction = Transaction()
        context = transaction.context
        if query:
            # a search inside another (a relation's orders): not the
            # list's own, whatever its rule
            if context.get(UNIT_RULE_KEY) is not None:
                with transaction.set_context({UNIT_RULE_KEY: None}):
                    return super().search(domain, offset=offset,
                        limit=limit, order=order, count=count, query=query)
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        if not count:
            ids = cls._search_unit_tab(domain, offset, limit, order)
            if ids is None:
                ids = cls._search_title_page(domain, offset, limit, order)
            if ids is None:
                ids = cls._search_number_page(domain, offset, limit, order)
            if ids is None:
                ids = cls._search_red_page(domain, offset, limit, order)
            if ids is not None:
                # the page's orders: Tryton applies the user's rules (they
                # all pass) and sorts them
                return super().search([('id', 'in', ids)], order=order)
        domain = cls._unit_state_domain(domain)
        units = None
        if transaction.check_access and 'rec_name' in repr(domain):
            # issue #14: the search bar's matches of a unit's staff can be
            # read from the unit's own orders (_matches_first)
            units = _rule_units(Pool().get('ir.rule').domain_get(
                    cls.__name__, mode='read'))
        if units is None:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count)
        with transaction.set_context({UNIT_RULE_KEY: units}):
            result = super().search(domain, offset=offset, limit=limit,
                order=order, count=count)
        return result if count else cls.browse(list(map(int, result)))

    @classmethod
    def _unit_tab(cls, domain):
        """Issue #14: (units, open only, title pattern) when the user's
        record rule is exactly the unit staff rule and domain is 本单位工单's
        全部 ([]) or exactly its 在办 tab, either with or without one
        search-bar text that only the title can match (_title_pattern),
        else None."""
        Rule = Pool().get('ir.rule')
        units = _rule_units(Rule.domain_get(cls.__name__, mode='read'))
        clauses = _and_clauses(domain)
        if units is None or clauses is None:
            return None
        open_only, pattern = False, None
        for clause in clauses:
            if (not open_only and len(clause) == 3
                    and tuple(clause[:2]) == ('state', 'in')
                    and isinstance(clause[2], (list, tuple))
                    and set(clause[2]) == set(UNIT_OPEN_STATES)):
                open_only = True
            elif pattern is None and _title_pattern(clause):
                pattern = clause[2]
            else:
                return None
        return units, open_only, pattern

    @classmethod
    def _search_unit_tab(cls, domain, offset, limit, order):
        """Issue #14: the ids of a page of 本单位工单 (全部, or the 在办 tab,
        with or without title words in the search bar) in the list order,
        read from the unit's own assignments, or None for any other search.

        Tryton walks the orders in the list order (received_at DESC) and
        probes the unit rule for each: the newest 1 000 orders of a unit
        with 1 % of the city's are 100 000 probes (300-900 ms at 10 M).
        The assignments carry their order's received time
        (ticket_received_at) and are indexed by (unit, received time DESC,
        order DESC): a unit's page is its own next rows of that index (one
        order met twice, e.g. two rounds, counts once).  With several units
        (a unit and its sub-units) each gives its first offset + limit
        orders and the newest of those are the page.  Only in the list's
        own order, for the rule and tabs of _unit_tab.

        Title words (the title copied on the assignments, ticket_title) are
        matched in the units' rows from the (unit, title trigrams) GIN
        index ANDed with the unit's newest rows (_unit_newest_matches) and
        the page sorted from those (a unit's whole history was tested, 5 s
        for the busiest unit at 10 M); on SQLite the unit's rows are walked
        in the list order, testing each title."""
        own = [(n, d.upper()) for n, d in cls._order]
        if order is not None and [(n, (d or 'ASC').upper())
                for n, d in order] != own:
            return None
        if limit is not None and limit <= 0:
            return None
        tab = cls._unit_tab(domain)
        if tab is None:
            return None
        units, open_only, pattern = tab
        if not units:
            return []
        a = Pool().get('sushi.ticket.assignment').__table__()
        offset = offset or 0
        cursor = Transaction().connection.cursor()

        def condition(where):
            if open_only:
                where &= a.ticket_open == Literal(True)
            if pattern is not None:
                where &= Coalesce(a.ticket_title, '').like(pattern)
            return where

        if pattern is not None and limit is not None:
            found = cls._unit_newest_matches(
                a, units, condition, offset + limit)
            if found is not None:
                # the list order: received DESC, id DESC
                found = sorted(set(found), reverse=True)
                return [t for _, t in found[offset:offset + limit]]

        def rows(unit, limit, offset):
            return a.select(a.ticket_received_at.as_('received_at'),
                a.ticket.as_('ticket'), where=condition(a.unit == unit),
                group_by=[a.ticket_received_at, a.ticket],
                order_by=[a.ticket_received_at.desc, a.ticket.desc],
                limit=limit, offset=offset or None)
        if len(units) == 1:
            query = rows(units[0], limit, offset)
        else:
            top = offset + limit if limit is not None else None
            # each part a subquery: a UNION's parts cannot carry their
            # own ORDER BY and LIMIT
            parts = [rows(u, top, 0) for u in sorted(units)]
            union = Union(*(p.select(p.received_at, p.ticket)
                    for p in parts), all_=True)
            query = union.select(union.ticket,
                group_by=[union.received_at, union.ticket],
                order_by=[union.received_at.desc, union.ticket.desc],
                limit=limit, offset=offset or None)
        if pattern is not None:
            # the walk in the list order, testing the unit's titles
            with planner(cursor, enable_bitmapscan='off'):
                cursor.execute(*query)
                return [r[-1] for r in cursor]
        cursor.execute(*query)
        return [r[-1] for r in cursor]

    @classmethod
    def _unit_newest_matches(cls, a, units, condition, need):
        """Issue #14: at least need of the newest of a unit's matches of a
        search-bar text (_newest_matches) from its own assignments (a, the
        table condition(where) is written on): the
        (unit, title trigrams) GIN index ANDed with the unit's rows since
        a time ((unit, ticket_received_at) index); None on SQLite."""
        from trytond import backend
        if backend.name != 'postgresql':
            return None
        cursor = Transaction().connection.cursor()
        own = a.unit.in_(sorted(units))
        # the units as the GIN index has them: only it can serve them
        key = title_units(a, units)
        # each unit's ends of its (unit, received time) index
        ends = []
        for unit in sorted(units):
            cursor.execute(*a.select(Max(a.ticket_received_at),
                    Min(a.ticket_received_at), where=a.unit == unit))
            ends.extend(e for e in cursor.fetchone() if e is not None)
        if not ends:
            return []
        newest, oldest = max(ends), min(ends)

        def matches(since):
            if since is None:
                # the GIN index alone: the units' entries intersected with
                # the words' trigrams in the index
                where = condition(key)
            else:
                # ANDed with the units' newest rows ((unit, received) index)
                where = condition(key & own) & (
                    a.ticket_received_at >= since)
            with planner(cursor, enable_seqscan='off',
                    enable_indexscan='off'):
                cursor.execute(*a.select(a.ticket_received_at, a.ticket,
                        where=where))
                return cursor.fetchall()

        # the units' rows a day, from the planner's estimate of their rows
        # (a count of the window's rows was 30-250 ms at 10 M for the
        # busiest unit, each window asked)
        rate = cls._expected_rows(a.select(a.id, where=own)) / max(
            (newest - oldest) / dt.timedelta(days=1), 1)

        def per_day(since):
            return rate

        expected = cls._expected_rows(a.select(a.id, where=condition(own)))
        return cls._newest_matches(matches, expected, per_day, need,
            newest, oldest)

    @classmethod
    def _search_count_full(cls, domain, offset, limit):
        count = cls._count_unit_tab(domain, offset, limit)
        if count is not None:
            return count
        return super()._search_count_full(domain, offset, limit)

    @classmethod
    def _count_unit_tab(cls, domain, offset, limit):
        """Issue #14: the exact count of a unit's 本单位工单 (all, or the
        在办 tab) from the unit's own assignments, or None for any other
        count.

        The record rule of unit staff is one clause, an order with an
        assignment of the user's units; Tryton counts it as a semi join of
        every order of the tab (half a million open orders, ten million in
        全部) with the unit's whole history: 1-2 s at 10 M.  The same
        number is the count of the distinct orders of the unit's
        assignments (全部), of those whose order is open (在办:
        ticket_open, kept by Ticket.write): an index-only walk of the
        unit's own rows.  Only for exactly that rule and a domain without
        any other clause; everything else is counted by Tryton."""
        Assignment = Pool().get('sushi.ticket.assignment')
        tab = cls._unit_tab(domain)
        if tab is None:
            return None
        units, open_only, pattern = tab
        if limit is not None and limit <= 0:
            return None
        if not units:
            return 0
        a = Assignment.__table__()
        if pattern is not None:
            # title words: the (unit, title trigrams) GIN index alone
            where = (title_units(a, units)
                & Coalesce(a.ticket_title, '').like(pattern))
        else:
            where = a.unit.in_(sorted(units))
        if open_only:
            where &= a.ticket_open == Literal(True)
        tickets = a.select(a.ticket, where=where, distinct=True,
            limit=limit, offset=offset or None)
        cursor = Transaction().connection.cursor()
        if pattern is not None:
            with planner(cursor, enable_seqscan='off',
                    enable_indexscan='off'):
                cursor.execute(*tickets.select(Count(Literal(1))))
                return cursor.fetchone()[0]
        cursor.execute(*tickets.select(Count(Literal(1))))
        return cursor.fetchone()[0]

    # --- numbering, creation, personal data ---------------------------

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('requester_phone'):
            values['requester_phone'] = normalize_phone(
                values['requester_phone'])
        if mode == 'create':
            if values.get('channel_ref') == '':
                values['channel_ref'] = None
            received = values.get('received_at') or clock.now()
            values.setdefault('dispatch_deadline', received + dt.timedelta(
                    hours=Pool().get('sushi.configuration').get_values()[
                        'dispatch_window_hours']))
        return values

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        defaults = cls.default_get(
            ['channel', 'request_type', 'received_at'], with_rec_name=False)
        vlist = [{**defaults, **v} for v in vlist]
        Sequence = pool.get('ir.sequence')
        Calendar = pool.get('sushi.calendar')
        Channel = pool.get('sushi.channel')
        Event = pool.get('sushi.ticket.event')
        vlist = [v.copy() for v in vlist]
        missing = [v for v in vlist if not v.get('number')]
        if missing:
            sequence = Sequence(Configuration.get_values()['ticket_sequence'])
            codes = {c.id: c.number_code for c in Channel.browse(
                    list({v['channel'] for v in missing if v.get('channel')}))}
            serials = sequence.get_many(len(missing))
            for values, serial in zip(missing, serials):
                received = values.get('received_at') or clock.now()
                values['number'] = '%s%s%s%s' % (
                    Calendar.to_local(received).strftime('%Y%m%d'),
                    codes.get(values.get('channel')) or '00',
                    TYPE_CODES.get(values.get('request_type'), '00'),
                    serial)
        tickets = super().create(vlist)
        Event.log(tickets, 'intake', to_state='draft')
        return tickets

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'channel_ref', 'assignments', 'events',
                'callbacks', 'recordings', 'dispatched_at', 'lead_unit', 'deadline',
                'closed_at', 'archived_at',
                'first_evaluation', 'second_evaluation', 'final_evaluation',
                'disposal']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        default.setdefault('round', 1)
        return super().copy(tickets, default=default)

    @classmethod
    def check_modification(cls, mode, tickets, values=None, external=False):
        super().check_modification(
            mode, tickets, values=values, external=external)
        if mode == 'delete':
            for ticket in tickets:
                if ticket.state != 'draft':
                    raise DraftError(gettext('sushi_ticket.msg_draft_only',
                            model=cls.__names__()['model'],
                            record=ticket.rec_name))
        if mode == 'write' and external:
            for ticket in tickets:
                if ticket.state == 'archived':
                    raise IntakeError(gettext(
                            'sushi_ticket.msg_ticket_archived_readonly',
                            ticket=ticket.rec_name))

    PERSONAL_FIELDS = {'requester_name', 'requester_phone',
        'requester_party'}

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        if (cls.PERSONAL_FIELDS & set(fields_names)
                and Transaction().check_access and Transaction().user):
            Pool().get('sushi.ticket.pii_access').log_reads(
                ids, sorted(cls.PERSONAL_FIELDS & set(fields_names)))
        return result

    @classmethod
    def validate_fields(cls, tickets, field_names):
        super().validate_fields(tickets, field_names)
        if field_names & {'requester_phone'}:
            for ticket in tickets:
                if (ticket.requester_phone
                        and not PHONE.match(ticket.requester_phone)):
                    raise IntakeValidationError(gettext(
                            'sushi_ticket.msg_ticket_phone_invalid',
                            phone=ticket.requester_phone))

    @classmethod
    def dispatch_to(cls, tickets, lead, co_units=(), basis=None, **options):
        """Dispatch each ticket to the lead unit and the co-units and
        return the new assignments (TRI-04..08; the contract of DESIGN.md).

        options: complexity, urgency, statutory_due_at (LIM-02) set on the
        ticket at dispatch."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Configuration = pool.get('sushi.configuration')
        Event = pool.get('sushi.ticket.event')
        Notification = pool.get('sushi.notification')
        SMS = pool.get('sushi.sms')
        config = Configuration.get_values()
        now = clock.now()
        units = [lead] + [u for u in co_units if u != lead]
        for unit in units:
            unit.check_dispatchable(config)
        statutory_due_at = options.get('statutory_due_at')
        if statutory_due_at is not None and statutory_due_at <= now:
            raise DispatchError(gettext(
                    'sushi_ticket.msg_dispatch_statutory_past',
                    ticket=', '.join(t.rec_name for t in tickets)))
        assignments, to_close, to_notify = [], [], []
        for ticket in tickets:
            ticket.check_intake_data()
            if ticket.state not in INTAKE_STATES:
                raise DispatchError(gettext('sushi_ticket.msg_dispatch_state',
                        ticket=ticket.rec_name))
            for name in ['complexity', 'urgency', 'statutory_due_at']:
                if options.get(name):
                    setattr(ticket, name, options[name])
            # TRI-04, RET-05: any dispatch later than its window counts
            if not ticket.dispatched_at:
                ticket.dispatched_at = now
            if (not ticket.dispatch_late and ticket.dispatch_deadline
                    and now > ticket.dispatch_deadline):
                ticket.dispatch_late = True
                ticket.dispatch_late_at = ticket.dispatch_deadline
            ticket.disposal = 'dispatched'
        cls.save(tickets)
        for ticket in tickets:
            # Co-units still working from an earlier dispatch keep their
            # part.
            busy = {a.unit for a in ticket.assignments
                if a.round == ticket.round and not a.parent
                and a.state in Assignment.OPEN_STATES}
            new = Assignment.dispatch_units(ticket, lead,
                [u for u in units[1:] if u not in busy], basis=basis,
                now=now)
            Event.log([ticket], 'dispatch', ticket.state, 'dispatched',
                comment=', '.join(u.rec_name for u in units))
            if ticket.state == 'draft':
                # Dispatched at first contact: the requester gets the number
                SMS.notify_requesters([ticket], 'intake')
            if all(a.for_information for a in new):
                to_close.append(ticket)
            else:
                to_notify.extend(new)
            assignments.extend(new)
        cls.process(tickets)
        if to_close:
            # LIM-03: praise closes once forwarded
            cls.close(to_close)
        if to_notify:
            Notification.notify_assignments(
                [a.id for a in to_notify], 'dispatched')
        return assignments

    @classmethod
    def submit(cls, values):
        """Create or, for a resubmission from a channel (same channel and
        reference), return the existing ticket: the intake entry point of
        channels and the API."""
        return cls.find_or_create(values, cls.create)

    @classmethod
    def find_or_create(cls, values, create):
        """(ticket, created): the ticket of the channel's reference in
        values if there is one, else the one create([values]) makes."""
        existing = cls.find_channel_ref(
            values.get('channel'), values.get('channel_ref'))
        if existing:
            return existing, False
        ticket, = create([values])
        return ticket, True

    @classmethod
    def find_channel_ref(cls, channel, ref):
        """The ticket of a channel's reference, or None: one lookup on the
        (channel, channel_ref) unique index (the ORM's search compares
        COALESCE(channel_ref, ''), which no index serves: a scan of every
        ticket on each channel submission)."""
        if not (channel and ref):
            return None
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id,
                where=(table.channel == int(channel))
                & (table.channel_ref == ref), limit=1))
        row = cursor.fetchone()
        return cls(row[0]) if row else None

    # --- intake outcomes ----------------------------------------------

    def check_passed_on(self):
        """TRI-06: law-enforcement cases, complaints and reports are passed
        at once to the local government and the departments concerned
        (附件2 四(三)): the hotline does not close them at first contact
        with an answer, a three-way call or a call transfer; they are
        dispatched (or not accepted, merged or sent to an emergency
        line)."""
        if (self.request_type in PASSED_ON_TYPES
                or self.law_enforcement_case):
            raise IntakeError(gettext(
                    'sushi_ticket.msg_ticket_passed_on',
                    ticket=self.rec_name))

    def check_intake_data(self):
        "INT-04: content, name (unless withheld) and a contact."
        missing = []
        if not (self.description or '').strip():
            missing.append('description')
        if not self.requester_phone:
            missing.append('requester_phone')
        if not self.anonymous and not (self.requester_name or '').strip():
            missing.append('requester_name')
        if missing:
            names = self.fields_get(missing)
            raise IntakeError(gettext(
                    'sushi_ticket.msg_ticket_intake_missing',
                    ticket=self.rec_name,
                    fields='、'.join(names[f]['string'] for f in missing)))

    @classmethod
    @ModelView.button
    @transition('accepted')
    def accept(cls, tickets):
        "Register the request as in scope; it waits for dispatch."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for ticket in tickets:
            ticket.check_intake_data()
        Event.log(tickets, 'accept', 'draft', 'accepted')
        # The requester gets the number to follow the request (INT-06)
        pool.get('sushi.sms').notify_requesters(tickets, 'intake')

    @classmethod
    @ModelView.button_action('sushi_ticket.wizard_dispatch')
    def dispatch(cls, tickets):
        for ticket in tickets:
            ticket.check_intake_data()

    @classmethod
    @ModelView.button
    @transition('answered')
    def answer_directly(cls, tickets):
        "TRI-02: answered at first contact from the knowledge base."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for ticket in tickets:
            ticket.check_intake_data()
            ticket.check_passed_on()
            if not (ticket.answer or '').strip():
                raise IntakeError(gettext(
                        'sushi_ticket.msg_ticket_answer_missing',
                        ticket=ticket.rec_name))
        cls.write(tickets, {
                'disposal': 'direct_answer',
                'closed_at': clock.now(),
                })
        for ticket in tickets:
            Event.log([ticket], 'answer', ticket.state, 'answered',
                comment=ticket.answer)

    @classmethod
    @ModelView.button
    @transition('answered')
    def connect(cls, tickets):
        "TRI-03: answered through a three-way call or a transfer."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for ticket in tickets:
            ticket.check_intake_data()
            ticket.check_passed_on()
            if not ticket.transfer_consent:
                raise IntakeError(gettext(
                        'sushi_ticket.msg_ticket_transfer_consent',
                        ticket=ticket.rec_name))
            if not ticket.transfer_unit:
                raise IntakeError(gettext(
                        'sushi_ticket.msg_ticket_transfer_unit',
                        ticket=ticket.rec_name))
        for ticket in tickets:
            ticket.disposal = ticket.transfer_mode
            ticket.closed_at = clock.now()
        cls.save(tickets)
        for ticket in tickets:
            Event.log([ticket], 'transfer', ticket.state, 'answered',
                comment=ticket.transfer_unit.rec_name)

    @classmethod
    @ModelView.button
    @transition('rejected')
    def reject(cls, tickets):
        """SCP-02, SCP-03, SCP-04 b: not accepted, with a coded reason and
        the guidance given to the requester."""
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for ticket in tickets:
            reason = ticket.rejection_reason
            if not reason:
                raise IntakeError(gettext(
                        'sushi_ticket.msg_ticket_reject_reason',
                        ticket=ticket.rec_name))
            if reason.requires_repeat_of and not ticket.repeat_of:
                raise IntakeError(gettext(
                        'sushi_ticket.msg_ticket_repeat_of_missing',
                        ticket=ticket.rec_name))
            if not (ticket.guidance or '').strip():
                ticket.guidance = reason.guidance
            ticket.disposal = ('rejected_repeat' if reason.requires_repeat_of
                else 'explain_and_redirect')
            ticket.closed_at = clock.now()
        cls.save(tickets)
        for ticket in tickets:
            Event.log([ticket], 'reject', ticket.state, 'rejected',
                comment='%s: %s' % (ticket.rejection_reason.name,
                    ticket.guidance or ''))

    @classmethod
    @ModelView.button
    @transition('transferred')
    def transfer_emergency(cls, tickets):
        "SCP-05: transferred at once to 110, 119, 120 or 122."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for ticket in tickets:
            if not ticket.emergency_number:
                raise IntakeError(gettext(
                        'sushi_ticket.msg_ticket_emergency_number',
                        ticket=ticket.rec_name))
        cls.write(tickets, {
                'disposal': 'emergency_transferred',
                'closed_at': clock.now(),
                })
        for ticket in tickets:
            Event.log([ticket], 'emergency', 'draft', 'transferred',
                comment=ticket.emergency_number)

    @classmethod
    @ModelView.button
    @transition('merged')
    def merge(cls, tickets):
        "SCP-04 a: the same matter as an open ticket: linked, not dispatched."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for ticket in tickets:
            if (not ticket.duplicate_of
                    or ticket.duplicate_of.state not in OPEN_STATES):
                raise IntakeError(gettext(
                        'sushi_ticket.msg_ticket_merge_target',
                        ticket=ticket.rec_name))
        cls.write(tickets, {
                'disposal': 'duplicate_linked',
                'closed_at': clock.now(),
                })
        for ticket in tickets:
            Event.log([ticket], 'merge', ticket.state, 'merged',
                comment=ticket.duplicate_of.rec_name)
            Event.log([ticket.duplicate_of], 'merge',
                comment=ticket.rec_name)

    # --- the handling state: one driver -------------------------------

    @classmethod
    def process(cls, tickets):
        """Work out the handling state, lead unit and due time of each
        ticket from its assignments and ratings (as Sale.process does from
        lines and shipments): the one place that moves a dispatched order.
        Intake outcomes, closing and archiving are transitions of their
        own.  The callers have locked the assignments they moved."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        tickets = cls.browse(sorted({t.id for t in tickets}))
        leads = {}
        for assignment in Assignment.search([
                    ('ticket', 'in', [t.id for t in tickets]),
                    ('role', '=', 'lead'),
                    ('parent', '=', None),
                    ('state', 'not in', Assignment.ENDED_STATES),
                    ], order=[('id', 'ASC')]):
            leads[assignment.ticket.id] = assignment
        window = dt.timedelta(hours=pool.get('sushi.configuration')
            .get_values()['dispatch_window_hours'])
        changed = []
        for ticket in tickets:
            if ticket.state not in PROCESSED_STATES:
                continue
            lead = leads.get(ticket.id)
            state = ticket.derive_state(lead)
            values = {
                'state': state,
                'lead_unit': lead.unit if lead else None,
                'deadline': lead.due_at if lead else None,
                }
            if state == 'accepted' and ticket.state in HANDLING_STATES:
                # RET-05: back in the queue, the dispatch window counts
                # again from now (the approval of the lead's return)
                values['dispatch_deadline'] = clock.now() + window
            if any(getattr(ticket, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(ticket, name, value)
                changed.append(ticket)
        cls.save(changed)

    def current_lead(self):
        "The lead assignment that answers for the order now, if any."
        leads = [a for a in self.assignments
            if a.role == 'lead' and not a.parent
            and a.state not in {'returned', 'cancelled'}]
        return max(leads, key=lambda a: a.id) if leads else None

    def derive_state(self, lead):
        "The ticket state that the lead assignment and the ratings imply."
        if lead is None:
            return 'accepted' if self.state in HANDLING_STATES else self.state
        if lead.state == 'completed':
            # CBK-05: a first bad rating waits for its verification
            if (self.first_evaluation == 'dissatisfied'
                    and not self.second_evaluation
                    and not self.unit_at_fault and not self.objective_cause):
                return 'verifying'
            return 'reviewed'
        return LEAD_TO_TICKET[lead.state]

    @classmethod
    @ModelView.button_action('sushi_ticket.wizard_callback_record')
    def record_callback(cls, tickets):
        pass

    @classmethod
    @ModelView.button_action('sushi_ticket.wizard_verify')
    def verify(cls, tickets):
        pass

    @classmethod
    @transition('closed')
    def close(cls, tickets):
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        Assignment = pool.get('sushi.ticket.assignment')
        now = clock.now()
        cls.write(tickets, {'closed_at': now})
        open_ = Assignment.search([
                ('ticket', 'in', [t.id for t in tickets]),
                ('state', 'in', Assignment.OPEN_STATES),
                ])
        if open_:
            Assignment.cancel(open_)
        Event.log(tickets, 'close', to_state='closed')

    @classmethod
    @ModelView.button
    @transition('archived')
    def archive(cls, tickets):
        "ARC-01: closed orders are archived and read-only from then on."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        cls.write(tickets, {'archived_at': clock.now()})
        Event.log(tickets, 'archive', 'closed', 'archived')

    @classmethod
    def sweep_dispatch_window(cls, now=None):
        """Cron (with the assignment sweep): flag, in one UPDATE, the
        accepted orders whose 24-hour dispatch window has passed (TRI-04),
        dated at the window's end, with an event each."""
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = now or clock.now()
        late = ((table.state == 'accepted')
            & (table.dispatch_deadline < now)
            & (Coalesce(table.dispatch_late, False) == Literal(False)))
        # LGT-05: the event too is dated when the window ended, not when
        # the sweep saw it (a sweep after a stop)
        Event.log_query(table.select(table.id, Literal(None), Literal(None),
                where=late), 'dispatch_late', at=table.dispatch_deadline)
        cursor.execute(*table.update(
                [table.dispatch_late, table.dispatch_late_at,
                    table.write_date],
                [True, table.dispatch_deadline, now], where=late))
        clock.forget(cls.__name__)

    @classmethod
    def archive_closed(cls):
        """Cron: archive the orders closed for longer than the configured
        delay (ARC-01), in two statements."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        Event = pool.get('sushi.ticket.event')
        Assignment = pool.get('sushi.ticket.assignment')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        # whole seconds, as the ORM stores a time (see clock.whole_seconds)
        now = clock.whole_seconds(clock.now())
        limit = now - dt.timedelta(
            days=Configuration.get_values()['archive_after_days'])
        due = (table.state == 'closed') & (table.closed_at <= limit)
        Event.log_query(table.select(table.id, Literal(None), Literal(None),
                where=due), 'archive')
        # the state copied on their assignments (issue #14)
        cursor.execute(*table.select(table.id, where=due))
        archived = sorted(i for i, in cursor)
        cursor.execute(*table.update(
                [table.state, table.archived_at, table.write_date],
                ['archived', now, now], where=due))
        Assignment.sync_ticket_copy(archived)
        clock.forget(cls.__name__)
