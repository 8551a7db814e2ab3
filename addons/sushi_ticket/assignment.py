# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One unit's part in a work order: dispatch, sign-in, return, handling
deadline, traffic light and red card (SGN, RET, LIM, LGT).

Assessment counts assignments, so every fact a score needs is stored here
with its timestamp."""
import datetime as dt
import logging
import time

from sql import Cast, Column, Literal, Null
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.modelstorage import is_leaf
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from . import clock
from .exceptions import (
    AssignmentError, CalendarMissingYearError, DispatchError, ReturnError)
from .tools import LIGHT_ROWS, IdSearchMixin, and_clauses
from .workflow import check_user_values, transition

logger = logging.getLogger(__name__)
# Issue #14: the upgrade's fill of the orders' copies drops and re-creates
# the table's indexes above this many rows (_drop_indexes_for_fill)
FILL_DROP_INDEXES = 100000


def title_unit(table):
    """Issue #14: the unit as the (unit, title trigrams) GIN index of the
    assignments has it: negated, so that no B-tree on unit can serve a
    condition on it.  A unit's title words are then one GIN scan that
    intersects the unit's entries with the words' trigrams; with the unit
    itself PostgreSQL ANDed the words' city-wide matches with a bitmap of
    all the unit's rows from a B-tree on unit (818 407 rows of the busiest
    unit at 10 M: 128 of 186 ms)."""
    return -table.unit


def title_units(table, units):
    """Issue #14: the condition "unit in units" as the (unit, title
    trigrams) GIN index can serve it (title_unit).  Each value is cast to
    an integer: psycopg sends a small int as a smallint, and btree_gin's
    integer operator class has no integer = smallint (PostgreSQL then read
    the words' city-wide matches, filtering the unit: 421 ms at 10 M)."""
    return title_unit(table).in_([Cast(Literal(-u), 'INTEGER')
            for u in sorted(units)])

STATES = [
    ('dispatched', "Awaiting Sign-in"),
    ('signed', "Handling"),
    ('return_requested', "Return Requested"),
    ('returned', "Returned"),
    ('replied', "Replied"),
    ('completed', "Completed"),
    ('informed', "Forwarded for Information"),
    ('cancelled', "Cancelled"),
    ]
RETURN_REASONS = [
    (None, ""),
    ('not_our_duty', "Not Our Duty"),
    ('wrong_locality', "Wrong Locality"),
    ('out_of_scope', "Out of Scope"),
    ('duplicate', "Duplicate"),
    ('other', "Other"),
    ]


class Assignment(IdSearchMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.ticket.assignment'
    __string__ = "Assignment"

    # States whose clock runs: they get lights and red cards.  A reply
    # waiting for review does not: completion is its submission (CONV-07).
    LIGHT_STATES = ['dispatched', 'signed', 'return_requested']
    OPEN_STATES = LIGHT_STATES + ['replied']
    # Parts that no longer count for the order
    ENDED_STATES = ['returned', 'cancelled']

    ticket = fields.Many2One('sushi.ticket', "Ticket", required=True,
        ondelete='CASCADE', readonly=True)
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        readonly=True)
    role = fields.Selection([
            ('lead', "Lead Unit"),
            ('co', "Co-Unit"),
            ], "Role", required=True, readonly=True)
    parent = fields.Many2One('sushi.ticket.assignment', "Dispatched by",
        readonly=True, ondelete='CASCADE',
        help="The tier-2 assignment this sub-unit assignment comes from "
        "(ORG-10).")
    children = fields.One2Many('sushi.ticket.assignment', 'parent',
        "Sub-Unit Assignments", readonly=True)
    round = fields.Integer("Round", required=True, readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    for_information = fields.Boolean("For Information", readonly=True)
    # dispatch
    dispatched_at = fields.DateTime("Dispatched at", required=True,
        readonly=True)
    dispatched_by = fields.Many2One('res.user', "Dispatched by",
        readonly=True)
    dispatch_basis = fields.Text("Dispatch Basis", readonly=True,
        help="Why this unit: duties, jurisdiction, ruling (TRI-07).")
    # sign-in (SGN)
    sign_deadline = fields.DateTime("Sign-in Deadline", readonly=True)
    signed_at = fields.DateTime("Signed at", readonly=True)
    signed_by = fields.Many2One('res.user', "Signed by", readonly=True)
    late_sign_in = fields.Boolean("Late Sign-in", readonly=True)
    late_sign_in_at = fields.DateTime("Late Sign-in at", readonly=True,
        help="The sign-in deadline that passed (LGT-05).")
    sign_reminded = fields.Boolean("Sign-in Reminded", readonly=True)
    # return (RET)
    return_deadline = fields.DateTime("Return Deadline", readonly=True)
    deemed_accepted = fields.Boolean("Deemed Accepted", readonly=True,
        help="No return was asked for within the window (RET-02).")
    return_reason = fields.Selection(RETURN_REASONS, "Return Reason",
        states={
            'readonly': ~Eval('state').in_(['dispatched', 'signed']),
            'invisible': Eval('for_information', False),
            })
    return_reason_text = fields.Text("Return Explanation",
        states={
            'readonly': ~Eval('state').in_(['dispatched', 'signed']),
            'invisible': Eval('for_information', False),
            })
    return_requested_at = fields.DateTime("Return Requested at",
        readonly=True)
    return_requested_by = fields.Many2One('res.user', "Return Requested by",
        readonly=True)
    return_from_state = fields.Char("State before Return", readonly=True)
    return_overdue = fields.Boolean("Overdue Return", readonly=True,
        help="Asked for after the return window (RET-03).")
    return_overdue_at = fields.DateTime("Overdue Return at", readonly=True,
        help="The return window's end that passed (LGT-05).")
    return_review_due_at = fields.DateTime("Return Decision Due",
        readonly=True,
        help="When the platform should have decided on the return "
        "(RET-05).")
    return_decision = fields.Selection([
            (None, ""),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "Return Decision", readonly=True)
    return_rejection_cause = fields.Selection([
            (None, ""),
            ('no_valid_reason', "No Valid Reason or Evidence"),
            ('deemed_accepted', "Already Deemed Accepted"),
            ], "Rejection Cause",
        states={
            'readonly': Eval('state') != 'return_requested',
            'invisible': ~Eval('state').in_(['return_requested', 'signed',
                    'dispatched', 'replied', 'completed']),
            })
    return_decision_note = fields.Text("Decision Note",
        states={'readonly': Eval('state') != 'return_requested'})
    return_decided_at = fields.DateTime("Decided at", readonly=True)
    return_decided_by = fields.Many2One('res.user', "Decided by",
        readonly=True)
    improper_return = fields.Selection([
            (None, ""),
            ('candidate', "Candidate"),
            ('confirmed', "Confirmed"),
            ('dismissed', "Dismissed"),
            ], "Improper Return", readonly=True,
        help="The same order came back to this unit after its return was "
        "approved (RET-06).")
    redispatched_as = fields.Many2One('sushi.ticket.assignment',
        "Dispatched Again as", readonly=True)
    buck_passing = fields.Boolean("Verified Buck-Passing",
        states={'readonly': Eval('improper_return') != 'candidate'},
        help="Confirmed improper return verified as buck-passing "
        "(RET-06).")
    # handling (LIM)
    time_limit = fields.Many2One('sushi.time_limit', "Time Limit",
        readonly=True)
    limit_days = fields.Integer("Limit (working days)", readonly=True)
    due_at = fields.DateTime("Due", readonly=True)
    original_due_at = fields.DateTime("Original Due", readonly=True)
    statutory = fields.Boolean("Statutory Limit", readonly=True)
    progress_due_at = fields.DateTime("Progress Update Due", readonly=True)
    progress_reported_at = fields.DateTime("Progress Reported at",
        readonly=True)
    progress_note = fields.Text("Progress Update",
        states={'invisible': ~Eval('state').in_(['signed'])})
    # traffic light (LGT)
    yellow_at = fields.DateTime("Yellow from", readonly=True)
    light = fields.Selection([
            (None, ""),
            ('green', "Green"),
            ('yellow', "Yellow"),
            ('red', "Red"),
            ], "Light", readonly=True)
    light_changed_at = fields.DateTime("Light Changed at", readonly=True)
    # CONV-03: computed in a year not entered yet (Calendar.provisional)
    deadline_provisional = fields.Function(fields.Boolean(
            "Provisional Deadlines",
            help="A deadline lies in a year whose official holidays are not "
            "entered yet: it counts the weekends only and is recomputed, "
            "with the late sign-in and red card it dates, when the year is "
            "entered."),
        'get_deadline_provisional', searcher='search_deadline_provisional')
    red_card = fields.Boolean("Red Card", readonly=True)
    red_card_at = fields.DateTime("Red Card at", readonly=True)
    red_card_cause = fields.Selection([
            (None, ""),
            ('overdue', "Overdue"),
            ('progress', "No Progress Update"),
            ], "Red Card Cause", readonly=True)
    late_completion = fields.Boolean("Late Completion", readonly=True,
        help="The reply was submitted after the due time (LGT-05).")
    overdue_accountability_candidate = fields.Boolean(
        "Overdue without Extension", readonly=True,
        help="Red card with no approved extension: an automatic "
        "accountability candidate (ACC-02).")
    overdue_accountability_candidate_at = fields.DateTime(
        "Overdue without Extension at", readonly=True)
    # LGT-05: the platform's time is not the unit's
    clock_paused_at = fields.DateTime("Clock Paused since", readonly=True,
        help="A request the unit filed in time awaits the platform.")
    clock_paused_for = fields.Char("Clock Paused for", readonly=True)
    paused_duration = fields.TimeDelta("Time Paused", readonly=True,
        help="Platform decision time added to the unit's deadlines.")
    decision_due_at = fields.DateTime("Platform Decision Due",
        readonly=True,
        help="When the platform must decide the return (RET-05) or the "
        "extension (EXT-04) this unit asked for; empty when none waits.")
    decision_light = fields.Function(fields.Selection([
                (None, ""),
                ('green', "Green"),
                ('red', "Red"),
                ], "Platform Decision"), 'get_decision_light',
        searcher='search_decision_light')
    # results
    extensions = fields.One2Many('sushi.ticket.extension', 'assignment',
        "Extensions", readonly=True)
    replies = fields.One2Many('sushi.ticket.reply', 'assignment', "Replies",
        readonly=True)
    completed_at = fields.DateTime("Completed at", readonly=True,
        help="Submission time of the reply the review accepted (CONV-07).")
    handling_days = fields.Integer("Handling Days", readonly=True,
        help="Working days from dispatch (day 0) to completion (CONV-08).")
    review_return_count = fields.Integer("Review Returns", readonly=True)
    consecutive_returns = fields.Integer("Consecutive Returns",
        readonly=True)
    accountability_candidate = fields.Boolean(
        "Accountability Candidate", readonly=True,
        help="Returned for re-handling twice in a row (REV-03, ACC-03).")
    accountability_candidate_at = fields.DateTime(
        "Accountability Candidate at", readonly=True,
        help="When the second return in a row flagged it (REV-03, ACC-03).")
    # CBK-04: the unit's explanation of objective causes to the requester
    objective_explanation = fields.Text("Explanation of Objective Causes",
        readonly=True)
    objective_explanation_at = fields.DateTime("Explained at",
        readonly=True)
    objective_explanation_by = fields.Many2One('res.user', "Explanation by",
        readonly=True)
    attachments = fields.One2Many('ir.attachment', 'resource',
        "Evidence and Files")
    mine = fields.Function(fields.Boolean("Of My Units"), 'get_mine',
        searcher='search_mine')
    # list helpers
    # issue #14: copies of the order's title and state, kept in step with
    # the order (sync_ticket_copy: Assignment.create, Ticket.write, the
    # set-based writes of the order's state): a unit's lists and search
    # bar filter and sort its own rows, not the city's orders
    ticket_title = fields.Char("Title", readonly=True)
    # issue #14: the order's number (copy, sync_ticket_copy): a unit's
    # search-bar number prefix is read from its own rows
    ticket_number = fields.Char("Order Number", readonly=True)
    request_type = fields.Function(fields.Selection(
            'get_request_types', "Request Type"), 'get_ticket_field')
    ticket_state = fields.Selection('get_ticket_states', "Ticket State",
        readonly=True, sort=False)
    # issue #14: True while the order is in its units' 在办 tab
    # (ticket.UNIT_OPEN_STATES), else empty; kept by Ticket.write and
    # Assignment.create (sync_ticket_copy).  A unit's exact count of its
    # open orders walks the unit's open rows (Ticket._count_unit_tab).
    ticket_open = fields.Boolean("Order Open", readonly=True)
    # issue #14: the order's received time (Ticket.received_at, the order
    # lists' order), kept by Assignment.create and Ticket.write
    # (sync_ticket_copy): a unit's 本单位工单 page is read from its own
    # rows in the list order (Ticket._search_unit_tab)
    ticket_received_at = fields.DateTime("Order Received at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # No __access__ on the ticket: a unit sees its own part of a shared
        # order, not the other units' parts (record rules in the XML).
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.ticket, Index.Range())),
                # the unit's per-state tabs (本单位派件), in the list order
                # ('mine' with one unit searches unit = x, see search_mine)
                # (the order, included: the unit staff's rule reads it, so
                # the tab's page and count are index-only walks, not a
                # bitmap of the unit's whole history; issue #14)
                Index(t, (t.unit, Index.Equality()),
                    (t.state, Index.Equality()),
                    (t.dispatched_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC')),
                    include=[t.ticket]),
                # issue #14: the record rules' subqueries (unit -> tickets,
                # the lead unit's tickets) and the lists' order
                Index(t, (t.unit, Index.Equality()),
                    (t.ticket, Index.Range())),
                Index(t, (t.unit, Index.Equality()),
                    (t.ticket, Index.Range()),
                    where=(t.role == 'lead') & (t.parent == Null)),
                # issue #14: a unit's count of its open orders
                Index(t, (t.unit, Index.Equality()),
                    (t.ticket, Index.Range()),
                    where=t.ticket_open == Literal(True)),
                # issue #14: a unit's page of 本单位工单 (全部, 在办), in the
                # orders' list order, from its own rows
                Index(t, (t.unit, Index.Equality()),
                    (t.ticket_received_at, Index.Range(order='DESC')),
                    (t.ticket, Index.Range(order='DESC'))),
                Index(t, (t.unit, Index.Equality()),
                    (t.ticket_received_at, Index.Range(order='DESC')),
                    (t.ticket, Index.Range(order='DESC')),
                    where=t.ticket_open == Literal(True)),
                # issue #14: a unit's search-bar words in its orders'
                # titles (the copy): one GIN index over the unit (negated,
                # title_unit) and the title's trigrams (btree_gin, see
                # create_trigram_extension)
                Index(t, (title_unit(t), Index.Equality()),
                    (Coalesce(t.ticket_title, ''), Index.Similarity())),
                # issue #14: a unit's search-bar number prefix (the copy)
                Index(t, (t.unit, Index.Equality()),
                    (t.ticket_number, Index.Similarity(begin=True))),
                # issue #14: a unit's orders in a state (the copy), e.g. its
                # orders awaiting their rating (回访 待评价)
                Index(t, (t.unit, Index.Equality()),
                    (t.ticket_state, Index.Equality()),
                    (t.ticket, Index.Range())),
                Index(t, (t.dispatched_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC'))),
                # issue #14: the return requests' list (act_assignment_
                # returns) and its tabs, in the list order: the few
                # assignments ever asked back, not a walk of all of them
                Index(t, (t.dispatched_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC')),
                    where=t.return_requested_at != Null),
                Index(t, (t.unit, Index.Equality()),
                    (t.dispatched_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC')),
                    include=[t.ticket]),
                Index(t, (t.state, Index.Equality()),
                    (t.due_at, Index.Range())),
                Index(t, (t.light_changed_at, Index.Range())),
                # the dispatcher's queue of decisions (RET-05, EXT-04)
                Index(t, (t.decision_due_at, Index.Range()),
                    where=t.decision_due_at != Null),
                # the sweep's conditions, on the open rows only
                Index(t, (t.sign_deadline, Index.Range()),
                    where=t.state == 'dispatched'),
                Index(t, (t.return_deadline, Index.Range()),
                    where=t.state.in_(['dispatched', 'signed'])),
                Index(t, (t.yellow_at, Index.Range()),
                    where=t.state.in_(cls.LIGHT_STATES)),
                Index(t, (t.progress_due_at, Index.Range()),
                    where=t.state.in_(cls.LIGHT_STATES)),
                # issue #14: a unit's red-light tab (本单位派件 红灯, 'mine'
                # with one unit): the unit's few red rows in the list order,
                # not a filter over its whole history (818 407 rows of the
                # busiest unit at 10 M: 2.4 s)
                Index(t, (t.unit, Index.Equality()),
                    (t.dispatched_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC')),
                    where=t.light == 'red'),
                # the red-light tabs (orders and assignments): the few
                # open assignments of a light, not all the open ones
                Index(t, (t.light, Index.Equality()),
                    (t.ticket, Index.Range()),
                    where=t.state.in_(cls.LIGHT_STATES)),
                # issue #14: the dispatcher's 工单 红灯 tab: the red open rows
                # in their orders' list order (the order's received time
                # copied here), a page read from the newest
                # (Ticket._search_red_page)
                Index(t,
                    (t.ticket_received_at, Index.Range(order='DESC')),
                    (t.ticket, Index.Range(order='DESC')),
                    where=(t.light == 'red')
                    & t.state.in_(cls.LIGHT_STATES)),
                })
        cls._order = [('dispatched_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('dispatched', 'signed'),
            ('dispatched', 'return_requested'),
            ('signed', 'return_requested'),
            ('return_requested', 'returned'),
            ('return_requested', 'signed'),
            ('return_requested', 'dispatched'),
            ('dispatched', 'replied'), ('signed', 'replied'),
            ('replied', 'signed'),
            ('replied', 'completed'),
            ('dispatched', 'cancelled'), ('signed', 'cancelled'),
            ('return_requested', 'cancelled'), ('replied', 'cancelled'),
            }
        cls._buttons.update({
                'sign': {
                    'invisible': Eval('state') != 'dispatched',
                    'depends': ['state'],
                    },
                'request_return': {
                    'invisible': ~Eval('state').in_(['dispatched', 'signed'])
                    | Eval('for_information', False),
                    'depends': ['state', 'for_information'],
                    },
                'approve_return': {
                    'invisible': Eval('state') != 'return_requested',
                    'depends': ['state'],
                    },
                'reject_return': {
                    'invisible': Eval('state') != 'return_requested',
                    'depends': ['state'],
                    },
                'confirm_improper_return': {
                    'invisible': Eval('improper_return') != 'candidate',
                    'depends': ['improper_return'],
                    },
                'dismiss_improper_return': {
                    'invisible': Eval('improper_return') != 'candidate',
                    'depends': ['improper_return'],
                    },
                'report_progress': {
                    'invisible': Eval('state') != 'signed',
                    'depends': ['state'],
                    },
                'redispatch': {
                    'invisible': ~Eval('state').in_(['dispatched', 'signed']),
                    'depends': ['state'],
                    },
                'new_extension': {
                    'invisible': Eval('state') != 'signed',
                    'depends': ['state'],
                    },
                'new_reply': {
                    'invisible': ~Eval('state').in_(['dispatched', 'signed']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        # issue #14: the order's copies (ticket_open, ticket_received_at,
        # ticket_title, ticket_state, ticket_number) are filled together,
        # in one UPDATE, when one of them is new
        fill = not all(table_h.column_exist(c) for c in [
                'ticket_open', 'ticket_received_at', 'ticket_title',
                'ticket_state', 'ticket_number'])
        super().__register__(module)
        if fill:
            start = time.perf_counter()
            cls._drop_indexes_for_fill()
            cls.sync_ticket_copy()
            logger.info("the orders' copies filled on the assignments "
                "in %.1f s", time.perf_counter() - start)

    @classmethod
    def _drop_indexes_for_fill(cls):
        """Issue #14: before the upgrade's one UPDATE of every assignment
        (PostgreSQL, more than FILL_DROP_INDEXES rows), drop the table's
        own indexes (Tryton's idx_…, not those of constraints): each new
        row version would otherwise enter every one of them (929 307 rows:
        236 s with them, at 1 M).  Tryton creates the declared indexes
        again right after the modules' registration (set_indexes)."""
        if backend.name != 'postgresql':
            return
        cursor = Transaction().connection.cursor()
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s "
            "AND relkind = 'r'", (cls._table,))
        row = cursor.fetchone()
        if not row or row[0] < FILL_DROP_INDEXES:
            return
        cursor.execute("SELECT i.indexname FROM pg_indexes i "
            "WHERE i.tablename = %s AND i.indexname LIKE 'idx\\_%%' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)", (cls._table,))
        for name, in cursor.fetchall():
            cursor.execute('DROP INDEX "%s"' % name)

    @classmethod
    def create(cls, vlist):
        assignments = super().create(vlist)
        cls.sync_ticket_copy(sorted({a.ticket.id for a in assignments}))
        return assignments

    @classmethod
    def sync_ticket_copy(cls, ticket_ids=None):
        """Issue #14: the copies of the order on the assignments of the
        tickets (of every assignment when None): its title, number, state,
        received time and ticket_open (True while the order is in UNIT_OPEN_STATES,
        else NULL).  Set-based (one UPDATE ... FROM per slice of orders, of
        the rows that differ), in the caller's transaction."""
        from .ticket import UNIT_OPEN_STATES
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        a = cls.__table__()
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        columns = [a.ticket_title, a.ticket_number, a.ticket_state,
            a.ticket_received_at, a.ticket_open]
        values = [t.title, t.number, t.state, t.received_at,
            Case((t.state.in_(UNIT_OPEN_STATES), Literal(True)),
                else_=Null)]
        differ = ((Coalesce(a.ticket_state, '') != t.state)
            | (Coalesce(a.ticket_title, '') != Coalesce(t.title, ''))
            | (Coalesce(a.ticket_number, '') != Coalesce(t.number, ''))
            | (a.ticket_received_at == Null)
            | (a.ticket_received_at != t.received_at)
            | (Coalesce(a.ticket_open, False)
                != t.state.in_(UNIT_OPEN_STATES)))
        if ticket_ids is None:
            # the upgrade: one statement over every row
            cursor.execute(*a.update(columns, values, from_=[t],
                    where=(t.id == a.ticket) & differ))
        else:
            # (a size: without one, grouped_slice gives one id at a time)
            for sub_ids in grouped_slice(ticket_ids,
                    backend.MAX_QUERY_PARAMS):
                cursor.execute(*a.update(columns, values, from_=[t],
                        where=(t.id == a.ticket)
                        & reduce_ids(a.ticket, list(sub_ids)) & differ))
        # the assignments cached in the transaction are stale now
        clock.forget(cls.__name__)

    @classmethod
    def default_state(cls):
        return 'dispatched'

    @classmethod
    def default_round(cls):
        return 1

    @classmethod
    def default_role(cls):
        return 'lead'

    @classmethod
    def default_review_return_count(cls):
        return 0

    @classmethod
    def default_consecutive_returns(cls):
        return 0

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [LIGHT_ROWS,
            # RET-05, EXT-04: the platform's own light, apart from the
            # unit's, in the platform's decision queue
            ('/tree/field[@name="decision_light"]', 'visual',
                If(Eval('decision_light') == 'red', 'danger',
                    If(Eval('decision_light') == 'green', 'success', '')),
                ['decision_light']),
            ]

    def get_rec_name(self, name):
        return '%s · %s' % (self.ticket.rec_name, self.unit.rec_name)

    @classmethod
    def check_modification(cls, mode, assignments, values=None,
            external=False):
        super().check_modification(
            mode, assignments, values=values, external=external)
        if external:
            if mode == 'write':
                check_user_values(cls, values)
            elif mode in {'create', 'delete'}:
                # Assignments are made by dispatch and kept as facts
                raise AssignmentError(gettext(
                        'sushi_ticket.msg_assignment_workflow_only'))

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('ticket.number',) + tuple(clause[1:]),
            ('unit.name',) + tuple(clause[1:]),
            ]

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        # issue #14: a search that keeps to units whose every assignment the
        # read rule already grants (本单位派件: 'mine', i.e. unit = x) is
        # run without the rule's OR (`unit IN tree OR the lead unit's
        # subquery`): the OR is true on every row the domain keeps, but
        # PostgreSQL cannot see it, misestimates the tab (8 339 for 15 059)
        # and ANDs three bitmaps of the unit's whole history instead of
        # walking the tab's (unit, state, dispatched_at, id) index (the
        # busiest unit's count at 10 M: 190-410 ms -> 6 ms).  The same rows
        # either way; the model access is still checked.
        if cls._read_rule_implied(domain, order):
            pool = Pool()
            pool.get('ir.model.access').check(cls.__name__, 'read')
            pool.get('ir.model.field.access').check(cls.__name__,
                cls._domain_fields(domain)
                | {o.partition('.')[0] for o, _ in order or []}, 'read')
            with without_check_access():
                return super().search(domain, offset=offset, limit=limit,
                    order=order, count=count, query=query)
        return super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)

    @classmethod
    def _domain_fields(cls, domain):
        if is_leaf(domain):
            return {domain[0].split('.', 1)[0]}
        if isinstance(domain, (list, tuple)):
            return set().union(*(cls._domain_fields(d) for d in domain
                    if isinstance(d, (list, tuple))))
        return set()

    @classmethod
    def _domain_own_fields_only(cls, domain):
        "Whether every leaf is on a plain column of the assignment (or mine)"
        if is_leaf(domain):
            if len(domain) != 3 or '.' in domain[0]:
                return False
            name, operator, _ = domain
            if name == 'mine':
                return True
            field = cls._fields.get(name)
            return (field is not None
                and not isinstance(field, fields.Function)
                and field._type not in {
                    'one2many', 'many2many', 'reference'}
                and operator not in {'where', 'not where', 'child_of',
                    'not child_of', 'parent_of', 'not parent_of'})
        if isinstance(domain, (list, tuple)):
            return all(cls._domain_own_fields_only(d) for d in domain
                if d not in ('AND', 'OR'))
        return False

    @classmethod
    def _read_rule_implied(cls, domain, order=None):
        """Whether the domain keeps only rows of units the user's read rule
        grants whole: its top-level AND restricts `unit` (or `mine`) to a
        set S, and the rule domain is true for any row whose unit is in S
        (a clause `unit in U` with S within U, in an OR of the rule
        groups; a global rule or any other shape keeps the rule)."""
        transaction = Transaction()
        if not transaction.check_access or not transaction.user:
            return False
        if (not cls._domain_own_fields_only(domain)
                or any('.' in o for o, _ in order or [])):
            return False
        units = None

        def restrict(values):
            nonlocal units
            values = set(values)
            units = values if units is None else units & values

        clauses = and_clauses(domain)
        if clauses is None:
            return False
        for leaf in clauses:
            if len(leaf) != 3:
                continue
            name, operator, value = leaf
            if name == 'mine' and operator == '=' and value is True:
                restrict(Pool().get('sushi.unit').user_unit_tree())
            elif (name == 'unit' and operator == '='
                    and isinstance(value, int) and not isinstance(value, bool)):
                restrict([value])
            elif (name == 'unit' and operator == 'in'
                    and isinstance(value, (list, tuple))
                    and all(isinstance(v, int) for v in value)):
                restrict(value)
        if units is None:
            return False
        Rule = Pool().get('ir.rule')
        rule = Rule.domain_get(cls.__name__, mode='read')
        if not rule:
            return False

        def implied(clause):
            if is_leaf(clause):
                if len(clause) != 3 or clause[0] != 'unit':
                    return False
                _, operator, value = clause
                if operator == 'in' and isinstance(value, (list, tuple)):
                    return units <= set(value)
                if operator == '=':
                    return units <= {value}
                return False
            if isinstance(clause, (list, tuple)) and clause:
                if clause[0] == 'OR':
                    return any(implied(c) for c in clause[1:])
                parts = clause[1:] if clause[0] == 'AND' else clause
                return bool(parts) and all(implied(c) for c in parts)
            return False
        return implied(rule)

    @classmethod
    def get_mine(cls, assignments, name):
        units = set(Pool().get('sushi.unit').user_unit_tree())
        return {a.id: a.unit.id in units for a in assignments}

    @classmethod
    def search_mine(cls, name, clause):
        "The parts of the user's units and sub-units, not those it reads."
        _, operator, value = clause[:3]
        units = Pool().get('sushi.unit').user_unit_tree()
        if (operator == '=') == bool(value):
            if len(units) == 1:
                # issue #14: `unit = x`, not `unit = ANY([x])`, so that the
                # (unit, dispatched_at DESC, id DESC) index gives the list's
                # order (PostgreSQL does not take the order from an index
                # searched with ANY)
                return [('unit', '=', units[0])]
            return [('unit', 'in', units)]
        return [('unit', 'not in', units)]

    @classmethod
    def get_request_types(cls):
        return Pool().get('sushi.ticket').fields_get(
            ['request_type'])['request_type']['selection']

    @classmethod
    def get_ticket_states(cls):
        # empty until sync_ticket_copy, right after the row's creation
        return [(None, "")] + Pool().get('sushi.ticket').fields_get(
            ['state'])['state']['selection']

    @classmethod
    def get_ticket_field(cls, assignments, names):
        """The ticket's type in one query per slice of rows (issue #14:
        browsing the tickets loaded every column of each; the title and
        state are copies on the row, sync_ticket_copy)."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        a = cls.__table__()
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        source = {'request_type': 'request_type'}
        result = {n: {} for n in names}
        # issue #14: a size, else grouped_slice gives one id at a time (a
        # query per row of the list)
        for sub_ids in grouped_slice([r.id for r in assignments],
                backend.MAX_QUERY_PARAMS):
            cursor.execute(*a.join(t, condition=a.ticket == t.id).select(
                    a.id, *[Column(t, source[n]) for n in names],
                    where=reduce_ids(a.id, list(sub_ids))))
            for id_, *values in cursor:
                for name, value in zip(names, values):
                    result[name][id_] = value
        return result

    PROVISIONAL_FIELDS = ['sign_deadline', 'return_deadline', 'due_at',
        'progress_due_at', 'return_review_due_at', 'decision_due_at']

    @classmethod
    def get_deadline_provisional(cls, assignments, name):
        start = Pool().get('sushi.calendar').provisional_from()
        return {a.id: bool(start) and any(
                getattr(a, f) is not None and getattr(a, f) >= start
                for f in cls.PROVISIONAL_FIELDS)
            for a in assignments}

    @classmethod
    def search_deadline_provisional(cls, name, clause):
        _, operator, value = clause
        start = Pool().get('sushi.calendar').provisional_from()
        positive = (operator == '=') == bool(value)
        if start is None:
            return [] if not positive else [('id', '=', -1)]
        if positive:
            return ['OR'] + [(f, '>=', start)
                for f in cls.PROVISIONAL_FIELDS]
        return [['OR', (f, '=', None), (f, '<', start)]
            for f in cls.PROVISIONAL_FIELDS]

    # --- dispatch -----------------------------------------------------

    @classmethod
    def deadlines(cls, ticket, dispatched_at, lead_due=None, role='lead',
            limit=None):
        """Return the deadline fields of a new assignment of ticket
        dispatched at dispatched_at: sign-in (SGN), return window (RET-01),
        due time (LIM, CONV-05, CONV-06) and yellow light (LGT-03).  In a
        year not entered yet they may be provisional (Calendar.provisional).
        limit is the time limit to apply (by default the ticket's)."""
        Calendar = Pool().get('sushi.calendar')
        with Calendar.provisional():
            return cls._deadlines(ticket, dispatched_at, lead_due=lead_due,
                role=role, limit=limit)

    @classmethod
    def _deadlines(cls, ticket, dispatched_at, lead_due=None, role='lead',
            limit=None):
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        TimeLimit = pool.get('sushi.time_limit')
        Configuration = pool.get('sushi.configuration')
        config = Configuration.get_values()
        limit = limit or TimeLimit.find(
            ticket.request_type, ticket.complexity, ticket.urgency)
        values = {
            'time_limit': limit.id,
            'limit_days': limit.working_days,
            'for_information': limit.kind == 'information',
            }
        if limit.kind == 'information':
            # LIM-03: praise is forwarded, with no obligation.
            return values
        if limit.kind == 'same_day':
            # LIM-05: 23:59:59 on the calendar day of dispatch; signing and
            # returning cannot come after it.  The next working day always
            # comes later, so only a working day's morning has an earlier
            # sign-in deadline (SGN-01), and no next year's calendar is
            # asked for (a sudden event on 31 December is dispatched)
            local = Calendar.to_local(dispatched_at)
            due = Calendar.local_datetime(local.date(),
                dt.time(23, 59, 59))
            morning = (Calendar.is_working_day(local.date())
                and local.time().replace(tzinfo=None) < config['noon_time'])
            values['sign_deadline'] = (Calendar.local_datetime(
                    local.date(), config['office_close_time'])
                if morning else due)
            values['return_deadline'] = due
        else:
            values['sign_deadline'] = Calendar.sign_deadline(dispatched_at)
            values['return_deadline'] = Calendar.return_deadline(
                dispatched_at)
            due = Calendar.add_working_days(
                dispatched_at, limit.working_days)
        if ticket.statutory_due_at:
            # LIM-02: the special limit replaces the standard one; a
            # progress update is still due by the standard limit.
            values['statutory'] = True
            values['progress_due_at'] = due
            due = ticket.statutory_due_at
        if role == 'co' and lead_due:
            # TRI-08: co-units report to the lead before its due time, but
            # never before the end of their first working day after their
            # own sign-in deadline; when the limit is too short for that,
            # they share the lead's due time (LIM-07).
            co_due = Calendar.add_working_days(
                lead_due, -config['co_unit_lead_days'])
            floor = Calendar.add_working_days(values['sign_deadline'], 1)
            due = lead_due if floor >= lead_due else max(co_due, floor)
        elif lead_due:
            due = lead_due
        values['due_at'] = values['original_due_at'] = due
        if limit.kind == 'same_day' and not ticket.statutory_due_at and (
                not lead_due):
            # LIM-05 counts calendar time: half of it, on a Saturday too
            # (the working time of a holiday is none: yellow at once)
            values['yellow_at'] = clock.whole_seconds(dispatched_at
                + (due - dispatched_at) * config['yellow_fraction'])
        else:
            values['yellow_at'] = Calendar.working_time_point(
                dispatched_at, due, config['yellow_fraction'])
        values['light'] = 'green'
        return values

    @classmethod
    def dispatch_units(cls, ticket, lead, co_units=(), basis=None,
            parent=None, now=None, round_=None, lead_due=None):
        """Create the assignments of a dispatch: one lead unit and any
        co-units (TRI-07), or one sub-unit under parent (ORG-10).
        Return the new assignments."""
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        now = now or clock.now()
        user = Transaction().user or None
        round_ = round_ or ticket.round or 1
        vlist = []
        lead_values = None
        for unit, role in [(lead, 'lead')] + [(u, 'co') for u in co_units]:
            if unit is None:
                continue
            values = cls.deadlines(ticket, now,
                lead_due=(lead_values or {}).get('due_at', lead_due),
                role=role)
            values.update({
                    'ticket': ticket.id,
                    'unit': unit.id,
                    'role': role,
                    'parent': parent.id if parent else None,
                    'round': round_,
                    'dispatched_at': now,
                    'dispatched_by': user,
                    'dispatch_basis': basis,
                    'state': ('informed' if values['for_information']
                        else 'dispatched'),
                    })
            if role == 'lead':
                lead_values = values
            vlist.append(values)
        assignments = cls.create(vlist)
        Event.log(assignments, 'redispatch' if parent else 'dispatch',
            to_state='dispatched', comment=basis)
        cls.detect_improper_returns(assignments)
        return assignments

    @classmethod
    def detect_improper_returns(cls, assignments):
        """RET-06: a dispatch of a ticket to a unit whose earlier return of
        the same ticket was approved makes that return a candidate."""
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for assignment in assignments:
            earlier = cls.search([
                    ('ticket', '=', assignment.ticket.id),
                    ('unit', '=', assignment.unit.id),
                    ('state', '=', 'returned'),
                    ('return_decision', '=', 'approved'),
                    ('improper_return', '=', None),
                    ('id', '!=', assignment.id),
                    ])
            if earlier:
                cls.write(earlier, {
                        'improper_return': 'candidate',
                        'redispatched_as': assignment.id,
                        })
                Event.log(earlier, 'improper_return',
                    comment=assignment.rec_name)

    # --- sign-in ------------------------------------------------------

    @classmethod
    @ModelView.button
    @transition('signed', event='sign')
    def sign(cls, assignments):
        "Sign for the order (SGN-01..05): receipt, not acceptance."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        Unit = pool.get('sushi.unit')
        now = clock.now()
        user = Transaction().user or None
        late = []
        for assignment in assignments:
            Unit.check_member([assignment.unit], assignment)
            if assignment.return_requested_at and not (
                    assignment.return_decision):
                # the return request must be decided first, not left open
                raise ReturnError(gettext(
                        'sushi_ticket.msg_sign_return_pending',
                        assignment=assignment.rec_name))
            assignment.signed_at = now
            assignment.signed_by = user
            if (assignment.sign_deadline and now > assignment.sign_deadline
                    and not assignment.clock_paused_at
                    and not assignment.late_sign_in):
                # SGN-04, LGT-05: a fact of the deadline, recorded at the
                # sign-in when the sweep has not flagged it yet
                assignment.late_sign_in = True
                assignment.late_sign_in_at = assignment.sign_deadline
                late.append(assignment)
        cls.save(assignments)
        Event.log(late, 'late_sign_in')

    # --- return (RET) -------------------------------------------------

    @classmethod
    @ModelView.button
    @transition('return_requested', event='return_request')
    def request_return(cls, assignments):
        """RET-01: ask to return an order outside the unit's duties, with a
        reason and at least one piece of evidence; late requests are
        accepted and flagged (RET-03)."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Unit = pool.get('sushi.unit')
        review_days = pool.get('sushi.configuration').get_values()[
            'return_review_days']
        now = clock.now()
        user = Transaction().user or None
        for assignment in assignments:
            Unit.check_member([assignment.unit], assignment)
            if assignment.return_requested_at:
                raise ReturnError(gettext(
                        'sushi_ticket.msg_return_once',
                        assignment=assignment.rec_name))
            if (not assignment.return_reason
                    or not (assignment.return_reason_text or '').strip()):
                raise ReturnError(gettext(
                        'sushi_ticket.msg_return_reason_missing',
                        assignment=assignment.rec_name))
            if not assignment.attachments:
                raise ReturnError(gettext(
                        'sushi_ticket.msg_return_evidence_missing',
                        assignment=assignment.rec_name))
            assignment.return_from_state = assignment.state
            assignment.return_requested_at = now
            assignment.return_requested_by = user
            with Calendar.provisional():
                assignment.return_review_due_at = Calendar.platform_deadline(
                    now, review_days)
            assignment.return_overdue = bool(
                assignment.return_deadline
                and now > assignment.return_deadline)
            if assignment.return_overdue:
                assignment.return_overdue_at = assignment.return_deadline
        cls.save(assignments)
        # LGT-05: the platform's decision time is not held against a
        # request filed in time
        cls.pause_clock([a for a in assignments if not a.return_overdue],
            'return')

    @classmethod
    @ModelView.button
    @transition('returned', event='return_approve')
    def approve_return(cls, assignments):
        """RET-05: the platform agrees; a returned lead sends the ticket
        back to the dispatch queue, where re-dispatch restarts the clocks
        (RET-08)."""
        now = clock.now()
        cls.write(assignments, {
                'return_decision': 'approved',
                'return_rejection_cause': None,
                'return_decided_at': now,
                'return_decided_by': Transaction().user or None,
                'light': None,
                })
        cls.resume_clock(assignments)
        children = [c for a in assignments for c in a.children
            if c.state in cls.OPEN_STATES]
        if children:
            cls.cancel(children)

    @classmethod
    @ModelView.button
    def reject_return(cls, assignments):
        """RET-04, RET-05: the order stays with the unit; the clock was
        never paused.  A rejection without a stated cause counts as "no
        valid reason"."""
        now = clock.now()
        cls.resume_clock(assignments)
        back = {'signed': [], 'dispatched': []}
        for assignment in assignments:
            back[assignment.return_from_state or 'signed'].append(assignment)
        if back['signed']:
            cls.resume_handling(back['signed'])
        if back['dispatched']:
            cls.resume_awaiting_sign_in(back['dispatched'])
        for assignment in assignments:
            cause = assignment.return_rejection_cause or (
                'deemed_accepted' if assignment.return_overdue
                else 'no_valid_reason')
            assignment.return_decision = 'rejected'
            assignment.return_rejection_cause = cause
            assignment.return_decided_at = now
            assignment.return_decided_by = Transaction().user or None
        cls.save(assignments)

    @classmethod
    @transition('signed', event='return_reject')
    def resume_handling(cls, assignments):
        "A rejected return of a signed order: handling goes on (RET-05)."

    @classmethod
    @transition('dispatched', event='return_reject')
    def resume_awaiting_sign_in(cls, assignments):
        "A rejected return asked for before sign-in: the unit must sign."

    @classmethod
    def pause_clock(cls, assignments, cause):
        """LGT-05: stop the unit's sign-in and due clocks while the
        platform decides on a request the unit filed in time (setting
        pause_clock_while_platform_decides)."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        Event = pool.get('sushi.ticket.event')
        if not Configuration.get_values()[
                'pause_clock_while_platform_decides']:
            return
        now = clock.now()
        assignments = [a for a in assignments if not a.clock_paused_at
            and not (a.due_at and now > a.due_at)]
        if assignments:
            cls.write(assignments, {
                    'clock_paused_at': now, 'clock_paused_for': cause})
            Event.log(assignments, 'clock_pause', comment=cause)

    @classmethod
    def resume_clock(cls, assignments, shift=True):
        """LGT-05: the platform decided; the unit's deadlines move by the
        time it took (carried down to the sub-units that share them,
        ORG-13), unless shift is False (an approved extension sets its own
        due time)."""
        Calendar = Pool().get('sushi.calendar')
        try:
            with Calendar.provisional():
                cls._resume_clock(assignments, shift=shift)
        except CalendarMissingYearError:
            # the policy refuses a year not entered yet (CONV-03): say
            # which decision waits for which year, in the user's words
            paused = [a for a in assignments if a.clock_paused_at]
            raise CalendarMissingYearError(gettext(
                    'sushi_ticket.msg_decision_missing_year',
                    assignment=', '.join(
                        a.rec_name for a in paused or assignments),
                    year=(Calendar.last_year() or 0) + 1))

    @classmethod
    def _resume_clock(cls, assignments, shift=True):
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        Calendar = pool.get('sushi.calendar')
        now = clock.now()
        paused = [a for a in assignments if a.clock_paused_at]
        for assignment in paused:
            delta = now - assignment.clock_paused_at
            # the unit gets back the working time the pause took, counted
            # in working time from each deadline: a weekend or a holiday
            # within the pause is not given twice, and a deadline never
            # lands on a day off (CONV-03)
            seconds = Calendar.working_seconds_between(
                assignment.clock_paused_at, now)

            def moved(value):
                return clock.whole_seconds(
                    Calendar.add_working_seconds(value, seconds))
            shifted = [assignment] + [c for c in assignment.children
                if c.state in cls.OPEN_STATES
                and c.due_at == assignment.due_at] if shift else []
            for record in shifted:
                for name in ['due_at', 'yellow_at', 'progress_due_at']:
                    if getattr(record, name):
                        setattr(record, name, moved(getattr(record, name)))
            if (shift and assignment.sign_deadline
                    and not assignment.signed_at):
                assignment.sign_deadline = moved(assignment.sign_deadline)
            assignment.paused_duration = (
                (assignment.paused_duration or dt.timedelta()) + delta)
            assignment.clock_paused_at = None
            cls.save([r for r in shifted if r != assignment])
            Event.log([assignment], 'clock_resume', comment='%s (%s)' % (
                    assignment.clock_paused_for or '',
                    str(delta).split('.')[0]))
        if paused:
            cls.save(paused)

    @classmethod
    def get_decision_light(cls, assignments, name):
        "RET-05, EXT-04: is the platform late with its decision?"
        now = clock.now()
        return {a.id: None if a.decision_due_at is None
            else 'red' if now > a.decision_due_at else 'green'
            for a in assignments}

    @classmethod
    def search_decision_light(cls, name, clause):
        _, operator, value = clause
        values = set(value if operator in {'in', 'not in'} else [value])
        if operator in {'!=', 'not in'}:
            values = {None, 'green', 'red'} - values
        now = clock.now()
        domains = {
            None: ('decision_due_at', '=', None),
            'green': ('decision_due_at', '>=', now),
            'red': ('decision_due_at', '<', now),
            }
        return ['OR'] + [domains[v] for v in values if v in domains]

    @classmethod
    def update_decision_due(cls, assignments):
        """RET-05, EXT-04: store when the platform must decide what the
        unit asked for (a pending return, an extension the leader
        consented to), so the dispatcher's queue searches and sorts by it.
        Called by the assignment's and the extension's workflow moves."""
        changes = {}
        for assignment in cls.browse(assignments):
            if assignment.state == 'return_requested':
                due = assignment.return_review_due_at
            else:
                due = min((e.decision_due_at for e in assignment.extensions
                        if e.state == 'leader_approved'
                        and e.decision_due_at), default=None)
            if due != assignment.decision_due_at:
                changes.setdefault(due, []).append(assignment)
        args = []
        for due, records in changes.items():
            args.extend((records, {'decision_due_at': due}))
        if args:
            cls.write(*args)

    @classmethod
    def record_late_completion(cls, assignments, submitted_at):
        """LGT-02, LGT-05: a reply submitted after the due time is a late
        completion and carries its red card, dated at the due time, even
        if no sweep ran in between."""
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        late = [a for a in assignments if a.due_at and not a.for_information
            and submitted_at > a.due_at and not a.clock_paused_at]
        if not late:
            return
        carded = [a for a in late if not a.red_card]
        for assignment in late:
            assignment.late_completion = True
        for assignment in carded:
            assignment.red_card = True
            assignment.red_card_at = assignment.due_at
            assignment.red_card_cause = 'overdue'
            assignment.light = 'red'
            assignment.light_changed_at = assignment.due_at
            if not assignment.has_approved_extension():
                # ACC-02: overdue without a proper extension
                assignment.overdue_accountability_candidate = True
                assignment.overdue_accountability_candidate_at = (
                    assignment.due_at)
        cls.save(late)
        Event.log(carded, 'red_card', comment='late_completion')

    def has_approved_extension(self):
        return any(e.state == 'approved' for e in self.extensions)

    @classmethod
    def on_transition(cls, assignments, state):
        "Every move of a part may move its order: Ticket.process decides."
        cls.update_decision_due(assignments)
        Pool().get('sushi.ticket').process([a.ticket for a in assignments])

    def transition_comment(self, event):
        "The comment of the audit event of a move (see workflow.transition)."
        return {
            'return_request': self.return_reason_text,
            'return_approve': self.return_decision_note,
            'return_reject': self.return_decision_note,
            }.get(event)

    @classmethod
    @ModelView.button
    def confirm_improper_return(cls, assignments):
        "RET-06: a reviewer confirms the improper return (−1 each)."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for assignment in assignments:
            if assignment.improper_return != 'candidate':
                raise ReturnError(gettext(
                        'sushi_ticket.msg_improper_not_candidate',
                        assignment=assignment.rec_name))
        cls.write(assignments, {'improper_return': 'confirmed'})
        Event.log(assignments, 'improper_return', 'candidate', 'confirmed')

    @classmethod
    @ModelView.button
    def dismiss_improper_return(cls, assignments):
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        for assignment in assignments:
            if assignment.improper_return != 'candidate':
                raise ReturnError(gettext(
                        'sushi_ticket.msg_improper_not_candidate',
                        assignment=assignment.rec_name))
        cls.write(assignments, {
                'improper_return': 'dismissed', 'buck_passing': False})
        Event.log(assignments, 'improper_return', 'candidate', 'dismissed')

    # --- handling -----------------------------------------------------

    @classmethod
    @ModelView.button
    def report_progress(cls, assignments):
        "LIM-02: a progress update (动态办理信息) on a long order."
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        Unit = pool.get('sushi.unit')
        now = clock.now()
        for assignment in assignments:
            Unit.check_member([assignment.unit], assignment)
            if not (assignment.progress_note or '').strip():
                raise AssignmentError(gettext(
                        'sushi_ticket.msg_progress_missing',
                        assignment=assignment.rec_name))
        for assignment in assignments:
            Event.log([assignment], 'progress',
                comment=assignment.progress_note)
        cls.write(assignments, {
                'progress_reported_at': now, 'progress_note': None})

    @classmethod
    @ModelView.button_action('sushi_ticket.wizard_redispatch')
    def redispatch(cls, assignments):
        Unit = Pool().get('sushi.unit')
        for assignment in assignments:
            Unit.check_member([assignment.unit], assignment)
            if assignment.unit.tier != '2' or assignment.parent:
                raise DispatchError(gettext(
                        'sushi_ticket.msg_redispatch_tier',
                        assignment=assignment.rec_name))

    @classmethod
    def redispatch_to(cls, assignments, unit, basis=None):
        """Pass each tier-2 assignment on to its tier-3 unit and return
        the new assignments (ORG-10, ORG-13)."""
        pool = Pool()
        Notification = pool.get('sushi.notification')
        Unit = pool.get('sushi.unit')
        children = []
        for assignment in assignments:
            Unit.check_member([assignment.unit], assignment)
            if assignment.unit.tier != '2' or assignment.parent:
                raise DispatchError(gettext(
                        'sushi_ticket.msg_redispatch_tier',
                        assignment=assignment.rec_name))
            if unit.parent != assignment.unit:
                raise DispatchError(gettext(
                        'sushi_ticket.msg_redispatch_child',
                        unit=unit.rec_name, parent=assignment.unit.rec_name))
            if assignment.state not in {'dispatched', 'signed'}:
                raise DispatchError(gettext(
                        'sushi_ticket.msg_redispatch_state',
                        assignment=assignment.rec_name))
            # ORG-13: the tier-2 deadlines stand for the sub-unit
            children.extend(cls.dispatch_units(assignment.ticket, unit, [],
                    basis=basis, parent=assignment, round_=assignment.round,
                    lead_due=assignment.due_at))
        Notification.notify_assignments(
            [c.id for c in children], 'dispatched')
        return children

    @classmethod
    @ModelView.button_action('sushi_ticket.act_extension_new')
    def new_extension(cls, assignments):
        Unit = Pool().get('sushi.unit')
        for assignment in assignments:
            Unit.check_member([assignment.unit], assignment)

    @classmethod
    @ModelView.button_action('sushi_ticket.act_reply_new')
    def new_reply(cls, assignments):
        Unit = Pool().get('sushi.unit')
        for assignment in assignments:
            Unit.check_member([assignment.unit], assignment)

    @classmethod
    @transition('cancelled', event='cancel')
    def cancel(cls, assignments):
        "End open assignments that the order no longer needs."
        cls.write(assignments, {'light': None})

    @classmethod
    @transition('replied')
    def reply_submitted(cls, assignments):
        "A reply went to the platform (or to the lead / tier-2 unit)."

    @classmethod
    @transition('signed')
    def reply_returned(cls, assignments, grace_from=None):
        """REV-01, REV-02: the reply came back: handling resumes and the
        clock runs on; an optional grace period applies when little time
        is left (review_return_grace_days)."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        grace = Configuration.get_values()['review_return_grace_days']
        for assignment in assignments:
            assignment.review_return_count = (
                (assignment.review_return_count or 0) + 1)
            assignment.consecutive_returns = (
                (assignment.consecutive_returns or 0) + 1)
            if grace and assignment.due_at:
                now = grace_from or clock.now()
                with Calendar.provisional():
                    floor = Calendar.add_working_days(now, grace)
                    if assignment.due_at < floor:
                        assignment.due_at = floor
                        assignment.yellow_at = Calendar.working_time_point(
                            assignment.dispatched_at, floor,
                            Configuration.get_values()['yellow_fraction'])
        cls.save(assignments)
        cls.check_consecutive_returns(assignments)

    @classmethod
    def check_consecutive_returns(cls, assignments):
        """REV-03, ACC-03: the second return in a row (setting
        consecutive_returns_limit) makes a candidate."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        Event = pool.get('sushi.ticket.event')
        limit = Configuration.get_values()['consecutive_returns_limit']
        flagged = [a for a in assignments
            if (a.consecutive_returns or 0) >= limit
            and not a.accountability_candidate]
        if flagged:
            # the fact is dated when it happens (ACC-03)
            cls.write(flagged, {'accountability_candidate': True,
                    'accountability_candidate_at': clock.now()})
            Event.log(flagged, 'consecutive_returns')

    @classmethod
    @transition('completed')
    def complete(cls, assignments, completed_at):
        "CONV-07, CONV-08: completion is the accepted reply's submission."
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        for assignment in assignments:
            assignment.completed_at = completed_at
            with Calendar.provisional():
                assignment.handling_days = Calendar.working_days_between(
                    assignment.dispatched_at, completed_at)
            assignment.consecutive_returns = 0
            assignment.light = None
        cls.save(assignments)

    @classmethod
    def extend(cls, assignments, due_at):
        "EXT-04: an approved extension moves the due time and the light."
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        Ticket = pool.get('sushi.ticket')
        fraction = Configuration.get_values()['yellow_fraction']
        now = clock.now()
        # ORG-13: the sub-units that share the tier-2 due time move with it
        assignments = list(assignments) + [c for a in assignments
            for c in a.children
            if c.state in cls.OPEN_STATES and c.due_at == a.due_at]
        for assignment in assignments:
            assignment.due_at = due_at
            with Calendar.provisional():
                assignment.yellow_at = Calendar.working_time_point(
                    assignment.dispatched_at, due_at, fraction)
            if assignment.state in cls.LIGHT_STATES and not (
                    assignment.red_card):
                assignment.light = ('yellow' if now >= assignment.yellow_at
                    else 'green')
        cls.save(assignments)
        Ticket.process([a.ticket for a in assignments])

    # --- a year entered after its deadlines (CONV-03) ------------------

    @classmethod
    def recompute_deadlines(cls, since):
        """A year was entered (CalendarYear.fill_platform_deadlines): the
        deadlines at or after since (local midnight of its 1 January) were
        computed without its holidays: provisionally from the weekends
        (Calendar.provisional), or from the days a re-import replaced.
        Each is computed again from the dispatch, as the dispatch computed
        it, and the facts it dates follow: a late sign-in (SGN-04), an
        overdue return (RET-03), a deemed acceptance (RET-02), a red card
        (LGT-02, LIM-02) with its ACC-02 candidate and the light; a fact
        the new deadline no longer supports is withdrawn, a new one is
        dated at the new deadline (LGT-05), whenever the recompute runs.
        A due time moved since the dispatch is recomputed when one
        approved extension moved it; one moved by a paused clock or a
        review's grace is left, logged and reported to the administrators.
        The rows are written in one UPDATE per distinct set of values.
        Return the ids of the assignments changed."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        Event = pool.get('sushi.ticket.event')
        Extension = pool.get('sushi.ticket.extension')
        Ticket = pool.get('sushi.ticket')
        config = Configuration.get_values()
        a = cls.__table__()
        inner = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = clock.now()
        touched = None
        for name in ['sign_deadline', 'return_deadline', 'due_at',
                'original_due_at', 'progress_due_at']:
            condition = Column(inner, name) >= since
            touched = condition if touched is None else touched | condition
        # the whole dispatch: a co-unit's due time is counted back from
        # its lead's (TRI-08), a sub-unit's is its parent's (ORG-10)
        cursor.execute(*a.select(a.id,
                where=a.ticket.in_(inner.select(inner.ticket, where=touched))
                & (a.dispatched_at != Null)
                & (Coalesce(a.for_information, False) == Literal(False))))
        ids = [i for i, in cursor]
        if not ids:
            return []
        records = []
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            records.extend(cls.browse(list(sub_ids)))
        # leads first, then co-units, then sub-units
        records.sort(key=lambda r: (bool(r.parent), r.role != 'lead', r.id))
        new_due, leads = {}, {}
        by_values, extension_values = {}, []
        new_facts = {'late_sign_in': [], 'red_card': []}
        withdrawn, unresolved = [], []
        # the red cards withdrawn, and those kept but dated anew
        uncarded, redated = [], []
        fraction = config['yellow_fraction']
        with Calendar.provisional():
            for record in records:
                if record.parent:
                    lead_due = new_due.get(record.parent.id)
                    if lead_due is None:
                        if record._deadline_since(since):
                            unresolved.append(record)
                        continue
                elif record.role == 'co':
                    lead_due = leads.get(
                        (record.ticket.id, record.dispatched_at))
                    if lead_due is None:
                        # its lead was left as it was (moved)
                        if record._deadline_since(since):
                            unresolved.append(record)
                        continue
                else:
                    lead_due = None
                values = cls._deadlines(record.ticket, record.dispatched_at,
                    lead_due=lead_due, role=record.role,
                    limit=record.time_limit)
                if record.statutory and not values.get('statutory'):
                    unresolved.append(record)
                    continue
                due = values['due_at']
                if record.due_at != record.original_due_at:
                    extension = record._recomputable_extension()
                    if not extension:
                        if any(values.get(n) != getattr(record, n)
                                for n in ['original_due_at', 'sign_deadline',
                                    'return_deadline']):
                            unresolved.append(record)
                        else:
                            # the new days do not touch it
                            new_due[record.id] = record.due_at
                            if record.role == 'lead' and not record.parent:
                                leads[(record.ticket.id,
                                        record.dispatched_at)] = (
                                    record.original_due_at)
                        continue
                    due = Calendar.add_working_days(
                        values['original_due_at'], extension.days)
                    extension_values.append((extension, {
                                'due_before': values['original_due_at'],
                                'filing_deadline': Calendar.add_working_days(
                                    values['original_due_at'], -1),
                                'new_due_at': due,
                                }))
                    values['yellow_at'] = Calendar.working_time_point(
                        record.dispatched_at, due, fraction)
                new_due[record.id] = due
                if record.role == 'lead' and not record.parent:
                    # the co-units' due times were counted from the lead's
                    # at the dispatch (TRI-08)
                    leads[(record.ticket.id, record.dispatched_at)] = (
                        values['original_due_at'])
                changes = record._recomputed(values, due, now)
                if not changes:
                    continue
                for fact in ['late_sign_in', 'red_card']:
                    if changes.get(fact):
                        new_facts[fact].append(record.id)
                if any(changes.get(f) is False for f in [
                            'late_sign_in', 'red_card', 'deemed_accepted',
                            'return_overdue']):
                    withdrawn.append(record)
                if changes.get('red_card') is False:
                    uncarded.append(record.id)
                elif (record.red_card and 'red_card' not in changes
                        and changes.get('red_card_at')):
                    redated.append(record.id)
                key = tuple(sorted(changes.items()))
                by_values.setdefault(key, []).append(record.id)
        for key, record_ids in by_values.items():
            names = [k for k, _ in key]
            for sub_ids in grouped_slice(record_ids,
                    backend.MAX_QUERY_PARAMS):
                cursor.execute(*a.update(
                        [Column(a, n) for n in names] + [a.write_date],
                        [v for _, v in key] + [CurrentTimestamp()],
                        where=a.id.in_(list(sub_ids))))
        for extension, values in extension_values:
            if any(getattr(extension, k) != v for k, v in values.items()):
                e = Extension.__table__()
                cursor.execute(*e.update(
                        [Column(e, k) for k in values],
                        list(values.values()),
                        where=e.id == extension.id))
        changed = sorted({i for ids_ in by_values.values() for i in ids_})
        clock.forget(cls.__name__, Extension.__name__, 'sushi.ticket')
        if changed:
            changed_records = cls.browse(changed)
            Event.log(changed_records, 'deadline_recompute',
                comment=gettext('sushi_ticket.msg_deadlines_recomputed',
                    year=Calendar.to_local(since).year))
            for action, fact_ids in new_facts.items():
                if fact_ids:
                    cls.log_swept(cls.browse(fact_ids), action, now)
            Ticket.process(list({r.ticket for r in changed_records}))
        if withdrawn:
            logger.info("recompute: facts withdrawn on %s assignments",
                len(withdrawn))
        if uncarded or redated:
            cls.red_cards_recomputed(cls.browse(uncarded),
                cls.browse(redated), since)
        if unresolved:
            cls._report_unresolved(unresolved, since)
        return changed

    @classmethod
    def red_cards_recomputed(cls, withdrawn, redated, since):
        """Hook of recompute_deadlines (a year entered, CONV-03), once the
        assignments are written: the red cards (LGT-02) of withdrawn were
        withdrawn, their real due time (due_at) not being passed; those of
        redated are kept, dated at the real due time (red_card_at).  The
        modules that derive records from a red card (sushi_supervision:
        the ACC-02 candidates, the supervision candidates) override it to
        withdraw or re-date them; here the assignments' own facts are
        already right (_recomputed), and the staff of the units told of a
        red card withdrawn are told it is (queued, as the sweep's
        notices)."""
        if withdrawn:
            cls.__queue__.notify_swept(withdrawn, 'red_card_withdrawn')

    def _deadline_since(self, since):
        "Whether a deadline of the assignment is at or after since."
        return any(getattr(self, n) is not None and getattr(self, n) >= since
            for n in ['sign_deadline', 'return_deadline', 'due_at'])

    def _recomputable_extension(self):
        """The one approved extension that moved the due time from the
        dispatch's (EXT-04), or None when something else moved it too."""
        approved = [e for e in self.extensions if e.state == 'approved']
        # moved neither before the filing (due_before) nor after the
        # approval (new_due_at); the extension's own pause does not move
        # it (resume_clock with shift=False)
        if (len(approved) == 1 and approved[0].new_due_at == self.due_at
                and approved[0].due_before == self.original_due_at):
            return approved[0]
        return None

    def _recomputed(self, values, due, now):
        """The columns that change with the recomputed deadline values and
        due time, with the facts they date (see recompute_deadlines)."""
        new = {
            'sign_deadline': values.get('sign_deadline'),
            'return_deadline': values.get('return_deadline'),
            'due_at': due,
            'original_due_at': values.get('original_due_at'),
            'progress_due_at': values.get('progress_due_at'),
            'yellow_at': values.get('yellow_at'),
            }
        running = not self.clock_paused_at
        # SGN-04
        late = bool(self.late_sign_in)
        if self.signed_at:
            late = self.signed_at > new['sign_deadline']
        elif self.state == 'dispatched' and running:
            late = now > new['sign_deadline']
        new['late_sign_in'] = late
        new['late_sign_in_at'] = new['sign_deadline'] if late else None
        # RET-03, RET-02
        if self.return_requested_at:
            overdue = self.return_requested_at > new['return_deadline']
            new['return_overdue'] = overdue
            new['return_overdue_at'] = (
                new['return_deadline'] if overdue else None)
        elif self.state in {'dispatched', 'signed'}:
            new['deemed_accepted'] = now > new['return_deadline']
        # LGT-02, LIM-02, ACC-02
        submitted = None
        if self.completed_at:
            submitted = self.completed_at
        elif self.state == 'replied':
            submitted = max((r.submitted_at for r in self.replies
                    if r.submitted_at and r.kind == 'reply'), default=None)
        done = submitted
        if done is None and self.state in self.LIGHT_STATES and running:
            done = now
        # a progress card (LIM-02) is left as it is
        if done is not None and self.red_card_cause in {None, 'overdue'}:
            card = done > due
            new['red_card'] = card
            new['red_card_at'] = due if card else None
            new['red_card_cause'] = 'overdue' if card else None
            if submitted is not None:
                new['late_completion'] = card
            candidate = card and not self.has_approved_extension()
            new['overdue_accountability_candidate'] = candidate
            new['overdue_accountability_candidate_at'] = (
                due if candidate else None)
            if self.state in self.LIGHT_STATES or (
                    self.state in self.OPEN_STATES and self.light):
                light = ('red' if card
                    else 'yellow' if now >= new['yellow_at'] else 'green')
                new['light'] = light
                if light != self.light:
                    new['light_changed_at'] = (
                        due if card else clock.whole_seconds(now))
        changes = {}
        for name, value in new.items():
            old = getattr(self, name)
            if name in {'late_sign_in', 'red_card', 'deemed_accepted',
                    'return_overdue', 'late_completion',
                    'overdue_accountability_candidate'}:
                old = bool(old)
            if old != value:
                changes[name] = value
        return changes

    @classmethod
    def _report_unresolved(cls, assignments, since):
        """Tell the administrators which orders' moved deadlines the
        recompute left as they were (a paused clock, a review's grace,
        several extensions): to be checked by hand."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        ResNotification = pool.get('res.notification')
        Calendar = pool.get('sushi.calendar')
        logger.warning("recompute: %s assignments with moved deadlines left "
            "as they were: %s", len(assignments),
            ', '.join(str(a.id) for a in assignments[:50]))
        admin = ModelData.get_id('sushi_ticket', 'group_sushi_admin')
        label = gettext('sushi_ticket.msg_deadlines_not_recomputed',
            year=Calendar.to_local(since).year, count=len(assignments),
            orders='、'.join(a.rec_name for a in assignments[:10]))
        with without_check_access():
            users = User.search([('groups', '=', admin)])
            ResNotification.create([{
                        'user': u.id, 'label': label[:250],
                        'icon': 'tryton-warning'} for u in users])

    # --- the sweep (LGT, SGN-04, RET-02) ------------------------------

    @classmethod
    def sweep(cls, now=None):
        """Cron: flag late sign-ins (SGN-04), deemed acceptances (RET-02),
        red cards (LGT-02, LIM-02) and lights (LGT-03) of the open
        assignments in ONE UPDATE of the rows that change (a row updated
        twice in a transaction is written twice), with an event per late
        sign-in and red card (queued, see below); the notices for the
        reminders, the yellow lights and the red cards are queued
        (notify_swept).  The tickets' lights are read from their
        assignments (Ticket.get_light), so no ticket row is written.

        Issue #14: the facts are on the rows when the transaction commits
        (flags and their dates); the timeline's events of the late
        sign-ins and red cards are queued, dated as the facts (LGT-05)
        (log_swept, slices of 10 000): at 10 M a first sweep recorded
        544 484 of them, each with four foreign keys checked per row,
        about as long again as the UPDATE, holding the open rows' locks
        meanwhile."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        config = Configuration.get_values()
        # a year entered with no worker to apply it (trytond-admin -u):
        # its deadlines are filled and recomputed before the sweep reads
        # them (one look at the few calendar years otherwise), apart from
        # the sweep (a failure of one does not undo the other); when that
        # fill was committed on its own, this transaction still reads the
        # rows as they were: the next sweep, 5 minutes on, reads the
        # recomputed ones
        if pool.get('sushi.calendar.year').fill_pending():
            logger.info("sweep: a calendar year applied, the sweep waits "
                "for the next run")
            return
        a = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = now or clock.now()
        false = Literal(False)

        def unset(column):
            return Coalesce(column, False) == false

        remind = now + dt.timedelta(hours=config['sign_reminder_hours'])
        reminded = ((a.state == 'dispatched') & (a.sign_deadline <= remind)
            & (a.sign_deadline >= now) & unset(a.sign_reminded))
        running = a.clock_paused_at == Null
        late = ((a.state == 'dispatched') & (a.sign_deadline < now)
            & unset(a.late_sign_in) & running)
        deemed = (a.state.in_(['dispatched', 'signed'])
            & (a.return_deadline < now) & unset(a.deemed_accepted))
        open_ = (a.state.in_(cls.LIGHT_STATES) & (a.due_at != Null)
            & running)
        overdue = open_ & (a.due_at < now) & unset(a.red_card)
        progress = false
        if config['progress_red_card']:
            progress = (open_ & (a.progress_due_at < now)
                & (a.progress_reported_at == Null) & unset(a.red_card))
        carded = overdue | progress
        # ACC-02: a red card for an overdue order without an approved
        # extension is an automatic accountability candidate
        e = Pool().get('sushi.ticket.extension').__table__()
        unextended = overdue & ~a.id.in_(e.select(e.assignment,
                where=e.state == 'approved'))
        to_red = open_ & (a.due_at < now) & (Coalesce(a.light, '') != 'red')
        to_yellow = (open_ & (a.due_at >= now) & (a.yellow_at <= now)
            & (Coalesce(a.light, '') == 'green'))
        # an approved extension turns a red light back; the card stays
        back = open_ & (a.due_at >= now) & (Coalesce(a.light, '') == 'red')
        relit = to_red | to_yellow | back

        def ids(condition):
            cursor.execute(*a.select(a.id, where=condition))
            return [i for i, in cursor]
        carded_ids = ids(carded)
        notices = [('sign_reminder', ids(reminded)),
            ('overdue', carded_ids), ('near_due', ids(to_yellow))]
        facts = [('late_sign_in', ids(late)), ('red_card', carded_ids)]

        def set_if(condition, column, value):
            return Case((condition, value), else_=column)
        cursor.execute(*a.update([
                    a.sign_reminded, a.late_sign_in, a.late_sign_in_at,
                    a.deemed_accepted,
                    a.red_card, a.red_card_at, a.red_card_cause,
                    a.overdue_accountability_candidate,
                    a.overdue_accountability_candidate_at, a.light,
                    a.light_changed_at, a.write_date], [
                    set_if(reminded, a.sign_reminded, True),
                    set_if(late, a.late_sign_in, True),
                    # LGT-05: facts dated when the deadline passed
                    set_if(late, a.late_sign_in_at, a.sign_deadline),
                    set_if(deemed, a.deemed_accepted, True),
                    set_if(carded, a.red_card, True),
                    Case((overdue, a.due_at), (progress, a.progress_due_at),
                        else_=a.red_card_at),
                    Case((overdue, 'overdue'), (progress, 'progress'),
                        else_=a.red_card_cause),
                    set_if(unextended, a.overdue_accountability_candidate,
                        True),
                    set_if(unextended, a.overdue_accountability_candidate_at,
                        a.due_at),
                    Case((to_red, 'red'), (to_yellow, 'yellow'),
                        (back & (a.yellow_at <= now), 'yellow'),
                        (back, 'green'), else_=a.light),
                    # whole seconds, as the ORM stores a time (sao)
                    set_if(relit, a.light_changed_at,
                        clock.whole_seconds(now)),
                    now],
                where=reminded | late | deemed | carded | relit))
        clock.forget(cls.__name__, 'sushi.ticket')
        pool.get('sushi.ticket').sweep_dispatch_window(now)
        # issue #14: the sweep records the facts; their events and the
        # notices are queued (a worker, or the cron after its commit,
        # writes and sends them), in slices so that several workers share
        # a first sweep's tens of thousands
        at = clock.now()
        for action, assignment_ids in facts:
            for sub_ids in grouped_slice(assignment_ids, 10000):
                cls.__queue__.log_swept(cls.browse(list(sub_ids)), action,
                    at)
        for kind, assignment_ids in notices:
            for sub_ids in grouped_slice(assignment_ids, 10000):
                cls.__queue__.notify_swept(cls.browse(list(sub_ids)), kind)

    @classmethod
    def log_swept(cls, assignments, action, at):
        """Queue task of the sweep: the events of action (late_sign_in,
        red_card) for assignments, in one INSERT, dated as the sweep dated
        the facts on the rows: when the deadline passed (LGT-05: a sweep
        after a weekend or a stopped cron notices them later); at, the
        sweep's time, only for a row whose fact date is gone."""
        Event = Pool().get('sushi.ticket.event')
        a = cls.__table__()
        happened = {
            'late_sign_in': a.late_sign_in_at,
            'red_card': a.red_card_at,
            }[action]
        for sub_ids in grouped_slice([x.id for x in assignments],
                backend.MAX_QUERY_PARAMS):
            Event.log_query(a.select(a.ticket, a.id, a.unit,
                    where=reduce_ids(a.id, list(sub_ids))), action,
                at=Coalesce(happened, Literal(at)))

    @classmethod
    def notify_swept(cls, assignments, kind):
        "Queue task of the sweep: the notices of kind for assignments."
        Pool().get('sushi.notification').notify_assignments(
            [a.id for a in assignments], kind)
