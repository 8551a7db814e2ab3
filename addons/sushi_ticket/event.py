# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The append-only audit trail of every work order."""

import datetime as dt

from sql import Literal

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import clock
from .tools import planner
from .workflow import AppendOnlyMixin

ACTIONS = [
    ('intake', "Intake"),
    ('accept', "Accept"),
    ('reject', "Not Accepted"),
    ('answer', "Direct Answer"),
    ('transfer', "Three-Way Call / Transfer"),
    ('emergency', "Emergency Transfer"),
    ('merge', "Merged"),
    ('dispatch', "Dispatch"),
    ('redispatch', "Re-Dispatch to Sub-Unit"),
    ('sign', "Sign-in"),
    ('late_sign_in', "Late Sign-in"),
    ('return_request', "Return Requested"),
    ('return_approve', "Return Approved"),
    ('return_reject', "Return Rejected"),
    ('deemed_accepted', "Deemed Accepted"),
    ('improper_return', "Improper Return"),
    ('progress', "Progress Update"),
    ('extension_request', "Extension Requested"),
    ('extension_leader', "Extension Approved by Leader"),
    ('extension_approve', "Extension Approved"),
    ('extension_reject', "Extension Rejected"),
    ('reply_draft', "Reply Drafted"),
    ('reply_send_back', "Reply Sent Back to the Handler"),
    ('reply_sign_off', "Reply Signed Off"),
    ('reply_submit', "Reply Submitted"),
    ('sub_reply_accept', "Sub-Unit Reply Accepted"),
    ('sub_reply_return', "Sub-Unit Reply Returned"),
    ('review_accept', "Review Accepted"),
    ('review_return', "Review Returned"),
    ('consecutive_returns', "Returned Twice in a Row"),
    ('callback', "Callback / Rating"),
    ('callback_queue', "To the Callback Queue"),
    ('findings', "Verification Findings"),
    ('default_satisfied', "Deemed Satisfied"),
    ('verify', "Bad Rating Verified"),
    ('rework', "Re-Handling Round"),
    ('explain', "Explanation"),
    ('escalate', "Escalation Requested"),
    ('close', "Closed"),
    ('archive', "Archived"),
    ('yellow', "Yellow Light"),
    ('red_card', "Red Card"),
    ('clock_pause', "Clock Paused"),
    ('clock_resume', "Clock Resumed"),
    ('dispatch_late', "Dispatch Window Passed"),
    ('year_end', "Calendar Missing Reminder"),
    ('deadline_recompute', "Deadlines Recomputed"),
    ('cancel', "Cancelled"),
    ('note', "Note"),
    ]


class Event(AppendOnlyMixin, ModelSQL, ModelView):
    "What happened to a work order: who, when, from which state to which."
    __name__ = 'sushi.ticket.event'
    __string__ = "Ticket Event"

    ticket = fields.Many2One('sushi.ticket', "Ticket", required=True,
        ondelete='CASCADE', readonly=True)
    assignment = fields.Many2One('sushi.ticket.assignment', "Assignment",
        ondelete='CASCADE', readonly=True)
    unit = fields.Many2One('sushi.unit', "Unit", readonly=True)
    action = fields.Selection(ACTIONS, "Action", required=True,
        readonly=True)
    actor = fields.Many2One('res.user', "By", readonly=True)
    at = fields.DateTime("At", required=True, readonly=True)
    from_state = fields.Char("From", readonly=True)
    to_state = fields.Char("To", readonly=True)
    comment = fields.Text("Comment", readonly=True)
    from_label = fields.Function(fields.Char("From"), 'get_state_labels')
    to_label = fields.Function(fields.Char("To"), 'get_state_labels')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Unit staff see the ticket-level events and those of their own
        # assignments (rules in event.xml), not other units' parts.
        cls._order = [('at', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.ticket, Index.Range())),
                Index(t, (t.assignment, Index.Range())),
                Index(t, (t.action, Index.Equality()), (t.at, Index.Range())),
                })

    @classmethod
    def get_state_labels(cls, events, names):
        """The states in the user's language: an assignment's event names
        the states of the assignment, its reply or its extension; a
        ticket's event the states of the ticket."""
        pool = Pool()
        labels = {}
        for model in ['sushi.ticket', 'sushi.ticket.assignment',
                'sushi.ticket.reply', 'sushi.ticket.extension']:
            labels[model] = dict(pool.get(model).fields_get(
                    ['state'])['state']['selection'])
        order = {
            True: ['sushi.ticket.assignment', 'sushi.ticket.reply',
                'sushi.ticket.extension', 'sushi.ticket'],
            False: ['sushi.ticket']}
        result = {n: {} for n in names}
        for event in events:
            for name in names:
                code = event.from_state if name == 'from_label' else (
                    event.to_state)
                label = code
                for model in order[bool(event.assignment)]:
                    if code in labels[model]:
                        label = labels[model][code]
                        break
                result[name][event.id] = label
        return result

    @classmethod
    def log(cls, records, action, from_state=None, to_state=None,
            comment=None):
        """Append one event per record: a ticket, or an assignment whose
        ticket and unit are recorded too; one INSERT, no ORM overhead (the
        trail is written by the workflow only and never validated)."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        table = cls.__table__()
        now = clock.now()
        user = Transaction().user or None
        rows = []
        for record in records:
            if isinstance(record, Ticket):
                ticket, assignment, unit = record.id, None, None
            else:
                ticket, assignment, unit = (
                    record.ticket.id, record.id, record.unit.id)
            rows.append([ticket, assignment, unit, action, user, now,
                    from_state, to_state, comment, user or 0, now])
        if rows:
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.insert([
                        table.ticket, table.assignment, table.unit,
                        table.action, table.actor, table.at,
                        table.from_state, table.to_state, table.comment,
                        table.create_uid, table.create_date], rows))

    @classmethod
    def log_moves(cls, records, action, from_states, to_state):
        """Append the event of a workflow move of each record (a ticket,
        an assignment, a reply or an extension) from
        from_states[record.id] to to_state, with the comment
        record.transition_comment(action)."""
        for record in records:
            # A reply or an extension writes its event on its assignment,
            # under the action its kind names (transition_record/_action).
            target = getattr(record, 'transition_record', None)
            name = getattr(record, 'transition_action', None)
            comment = getattr(record, 'transition_comment', None)
            cls.log([target() if target else record],
                name(action) if name else action,
                from_states.get(record.id), to_state,
                comment=comment(action) if comment else None)

    @classmethod
    def log_query(cls, query, action, comment=None, at=None):
        """Append events for the (ticket, assignment, unit) rows of a
        python-sql query, in one INSERT: the sweeps use it.  at is when
        the fact happened (LGT-05: a deadline that passed): a time, or an
        expression of the query's rows; now by default.

        Issue #14: each row's foreign keys (order, assignment, unit, actor)
        are checked by PostgreSQL's RI triggers, one prepared lookup per key
        and row; with the production setting plan_cache_mode =
        force_custom_plan (README "Scale") every one of those lookups is
        planned again: 30 of the 33 s that 46 000 events took at 10 M.
        The INSERT runs with the default (auto: the lookups' generic plans
        are reused), 6.3 s for the same rows."""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = clock.now()
        columns = [table.ticket, table.assignment, table.unit, table.action,
            table.at, table.comment, table.create_uid, table.create_date]
        if at is None:
            at = now
        if isinstance(at, dt.datetime):
            at = Literal(at)
        query.columns += (Literal(action), at, Literal(comment),
            Literal(0), Literal(now))
        with planner(cursor, plan_cache_mode='auto'):
            cursor.execute(*table.insert(columns, query))
