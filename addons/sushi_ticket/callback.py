# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Callback and rating (回访, 好差评, CBK-01..11): one method records a
phone callback, an SMS rating or an app rating; no answer means
satisfied; a bad rating is verified and leads to re-handling, an
explanation, or escalation; the second evaluation is kept for assessment."""
import datetime as dt

from sql import Literal, Null
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import clock
from .exceptions import CallbackError

CHANNELS = [
    ('phone_callback', "Telephone Callback"),
    ('sms_rating', "SMS Rating"),
    ('wanshitong_app_rating', "皖事通 App Rating"),
    ('default', "No Answer (Deemed Satisfied)"),
    ]
RESULTS = [
    ('satisfied', "Satisfied"),
    ('dissatisfied', "Dissatisfied"),
    ('default_satisfied', "Deemed Satisfied"),
    ]
RESOLUTIONS = [
    (None, ""),
    ('resolved', "Resolved"),
    ('partially_resolved', "Partially Resolved"),
    ('unresolved', "Unresolved"),
    ]


class Callback(ModelSQL, ModelView):
    __name__ = 'sushi.ticket.callback'
    __string__ = "Callback"

    ticket = fields.Many2One('sushi.ticket', "Ticket", required=True,
        ondelete='CASCADE', readonly=True)
    round = fields.Integer("Evaluation", readonly=True,
        help="1 for the first evaluation, 2 for the second (CBK-07).")
    channel = fields.Selection(CHANNELS, "Channel", readonly=True)
    given = fields.Selection(RESULTS, "Rating Given", readonly=True)
    result = fields.Selection(RESULTS, "Counts as", readonly=True,
        help="A first 'dissatisfied' without a clear reason counts as "
        "satisfied (CBK-06).")
    reason = fields.Text("Reason", readonly=True)
    reason_clear = fields.Boolean("Clear Reason", readonly=True)
    resolution = fields.Selection(RESOLUTIONS, "Resolution", readonly=True)
    recorded_by = fields.Many2One('res.user', "Recorded by", readonly=True)
    recorded_at = fields.DateTime("Recorded at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Range())))
        cls._order = [('recorded_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external:
            raise AccessError(gettext('sushi_ticket.msg_event_append_only'))

    @classmethod
    def request_rating(cls, tickets):
        """After the review accepts the reply: the rating SMS goes out and
        the rating window opens (CBK-01, CBK-06)."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Configuration = pool.get('sushi.configuration')
        SMS = pool.get('sushi.sms')
        days = Configuration.get_values()['rating_window_days']
        due = clock.now() + dt.timedelta(days=days)
        for ticket in tickets:
            if ticket.first_evaluation in {None, 'pending'}:
                ticket.first_evaluation = 'pending'
            else:
                ticket.second_evaluation = 'pending'
            ticket.rating_due_at = due
        Ticket.save(tickets)
        SMS.notify_requesters(tickets, 'rating')

    @classmethod
    def record_rating(cls, ticket, channel, given, reason=None,
            reason_clear=False, resolution=None):
        """Record a rating from any channel (CBK-01) and move the ticket on:
        satisfied closes it (and archives it at once, CBK-02); a first
        dissatisfied with a clear reason goes to verification (CBK-03,
        CBK-05); a second rating ends the order (CBK-07)."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Event = pool.get('sushi.ticket.event')
        if ticket.state != 'reviewed':
            raise CallbackError(gettext('sushi_ticket.msg_callback_state',
                    ticket=ticket.rec_name))
        if given not in dict(RESULTS) or given == 'default_satisfied':
            raise CallbackError(gettext('sushi_ticket.msg_callback_result',
                    ticket=ticket.rec_name))
        if (given == 'dissatisfied' and reason_clear
                and not (reason or '').strip()):
            raise CallbackError(gettext(
                    'sushi_ticket.msg_callback_reason_missing',
                    ticket=ticket.rec_name))
        first = ticket.first_evaluation in {None, 'pending'}
        result = given
        if given == 'dissatisfied' and first and not reason_clear:
            # CBK-06: dissatisfied without a clear reason
            result = 'default_satisfied'
        # Ratings are facts for assessment: created here only, with the
        # checks above, never by a client directly (no create right).
        with without_check_access():
            callback, = cls.create([{
                        'ticket': ticket.id,
                        'round': 1 if first else 2,
                        'channel': channel,
                        'given': given,
                        'result': result,
                        'reason': reason,
                        'reason_clear': bool(reason_clear),
                        'resolution': resolution,
                        'recorded_by': Transaction().user or None,
                        'recorded_at': clock.now(),
                        }])
        Event.log([ticket], 'callback', comment='%s: %s%s' % (
                dict(cls.fields_get(['result'])['result']['selection'])[
                    result], reason or '',
                '' if given == result else ' (%s)' % given))
        if first:
            ticket.first_evaluation = result
        else:
            ticket.second_evaluation = result
        ticket.rating_due_at = None
        if result == 'dissatisfied' and first:
            Ticket.save([ticket])
            Ticket.process([ticket])
        else:
            ticket.final_evaluation = result
            Ticket.save([ticket])
            Ticket.close([ticket])
            if result == 'satisfied' and first:
                # CBK-02, ARC-03: good-rated orders are archived at once
                Ticket.archive([ticket])
        return callback

    @classmethod
    def deem_satisfied(cls, now=None):
        """Cron (CBK-06): no rating within the window counts as satisfied;
        the tickets close.  Set-based over the tickets awaiting a rating."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Assignment = pool.get('sushi.ticket.assignment')
        Event = pool.get('sushi.ticket.event')
        t = Ticket.__table__()
        a = Assignment.__table__()
        c = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = now or clock.now()
        due = (t.state == 'reviewed') & (t.rating_due_at < now)
        first = t.first_evaluation == 'pending'
        cursor.execute(*c.insert(
                [c.ticket, c.round, c.channel, c.given, c.result,
                    c.reason_clear, c.recorded_at, c.create_uid,
                    c.create_date],
                t.select(t.id, Case((first, 1), else_=2),
                    Literal('default'), Literal('default_satisfied'),
                    Literal('default_satisfied'), Literal(False),
                    Literal(now), Literal(0), Literal(now), where=due)))
        Event.log_query(t.select(t.id, Literal(None), Literal(None),
                where=due), 'default_satisfied')
        Event.log_query(t.select(t.id, Literal(None), Literal(None),
                where=due), 'close')
        cursor.execute(*a.update([a.state, a.light, a.write_date],
                ['cancelled', Null, now],
                where=a.state.in_(Assignment.OPEN_STATES)
                & a.ticket.in_(t.select(t.id, where=due))))
        cursor.execute(*t.update(
                [t.first_evaluation, t.second_evaluation,
                    t.final_evaluation, t.state, t.closed_at,
                    t.rating_due_at, t.write_date],
                [Case((first, 'default_satisfied'),
                        else_=t.first_evaluation),
                    Case((first, t.second_evaluation),
                        else_='default_satisfied'),
                    'default_satisfied', 'closed', now, Null, now],
                where=due))
        clock.forget(cls.__name__, Ticket.__name__, Assignment.__name__)

    @classmethod
    def verify(cls, ticket, outcome, findings, escalate=False):
        """Apply the outcome of the verification of a bad rating."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Assignment = pool.get('sushi.ticket.assignment')
        Event = pool.get('sushi.ticket.event')
        if ticket.state != 'verifying':
            raise CallbackError(gettext('sushi_ticket.msg_verify_state',
                    ticket=ticket.rec_name))
        if not (findings or '').strip():
            raise CallbackError(gettext('sushi_ticket.msg_verify_findings',
                    ticket=ticket.rec_name))
        Event.log([ticket], 'verify', comment=findings)
        if escalate:
            ticket.escalation_requested = True
            Event.log([ticket], 'escalate', comment=findings)
        if outcome == 'rework':
            # CBK-03, LIM-06: a new round at the lead unit, with the original
            # class limit from now
            leads = [a for a in ticket.assignments
                if a.role == 'lead' and not a.parent and a.round == ticket.round
                and a.state == 'completed']
            if not leads:
                raise CallbackError(gettext('sushi_ticket.msg_verify_no_lead',
                        ticket=ticket.rec_name))
            previous = leads[-1]
            ticket.unit_at_fault = True
            ticket.round = (ticket.round or 1) + 1
            ticket.save()
            new, = Assignment.dispatch_units(ticket, previous.unit,
                basis=findings)
            # REV-03: a rework return counts toward consecutive returns
            new.consecutive_returns = (previous.consecutive_returns or 0) + 1
            new.review_return_count = 0
            new.save()
            Assignment.check_consecutive_returns([new])
            Event.log([ticket], 'rework', 'verifying', 'dispatched',
                comment=findings)
            Ticket.process([ticket])
            pool.get('sushi.notification').notify_assignments(
                [new.id], 'rework')
        else:
            # CBK-04: the unit explains; a second evaluation follows
            ticket.objective_cause = True
            ticket.save()
            Event.log([ticket], 'explain', 'verifying', 'reviewed',
                comment=findings)
            cls.request_rating([ticket])
            Ticket.process([ticket])


class RecordStart(ModelView):
    __name__ = 'sushi.ticket.callback.record.start'
    __string__ = "Record Callback"

    ticket = fields.Many2One('sushi.ticket', "Ticket", readonly=True)
    channel = fields.Selection(CHANNELS[:3], "Channel", required=True)
    given = fields.Selection(RESULTS[:2], "Rating", required=True)
    reason = fields.Text("Reason")
    reason_clear = fields.Boolean("Clear Reason",
        help="The requester gave a clear reason for the rating (CBK-06).")
    resolution = fields.Selection(RESOLUTIONS, "Resolution")

    @classmethod
    def default_channel(cls):
        return 'phone_callback'

    @classmethod
    def default_given(cls):
        return 'satisfied'


class Record(Wizard):
    "Record the result of a callback or a rating."
    __name__ = 'sushi.ticket.callback.record'
    __string__ = "Record Callback"

    start = StateView('sushi.ticket.callback.record.start',
        'sushi_ticket.callback_record_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'record_', 'tryton-ok', default=True),
            ])
    record_ = StateTransition()

    def default_start(self, fields):
        return {'ticket': self.record.id}

    def transition_record_(self):
        pool = Pool()
        Callback = pool.get('sushi.ticket.callback')
        Callback.record_rating(self.record, self.start.channel,
            self.start.given, reason=self.start.reason,
            reason_clear=self.start.reason_clear,
            resolution=self.start.resolution)
        return 'end'


class VerifyStart(ModelView):
    __name__ = 'sushi.ticket.verify.start'
    __string__ = "Verify Bad Rating"

    ticket = fields.Many2One('sushi.ticket', "Ticket", readonly=True)
    outcome = fields.Selection([
            ('rework', "Omissions Found: Re-Handle"),
            ('explain', "Objective Causes: Explain"),
            ], "Outcome", required=True,
        help="CBK-03: obvious omissions or non-implementation go back to "
        "the unit; CBK-04: legal, policy or other objective limits, or "
        "excessive expectations, are explained.")
    findings = fields.Text("Findings", required=True)
    escalate = fields.Boolean("Propose Escalated Supervision",
        help="CBK-05: propose the matter for escalated supervision.")


class Verify(Wizard):
    "Verify a bad rating and decide what follows (CBK-03..05)."
    __name__ = 'sushi.ticket.verify'
    __string__ = "Verify Bad Rating"

    start = StateView('sushi.ticket.verify.start',
        'sushi_ticket.verify_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Confirm", 'verify', 'tryton-ok', default=True),
            ])
    verify = StateTransition()

    def default_start(self, fields):
        return {'ticket': self.record.id, 'outcome': 'rework'}

    def transition_verify(self):
        Pool().get('sushi.ticket.callback').verify(self.record,
            self.start.outcome, self.start.findings, self.start.escalate)
        return 'end'
