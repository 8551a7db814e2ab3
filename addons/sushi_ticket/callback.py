# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Callback and rating (回访, 好差评, CBK-01..11): one method records a
phone callback, an SMS rating or an app rating; no answer means
satisfied; a bad rating is verified and leads to re-handling, an
explanation, or escalation; the second evaluation is kept for assessment."""
import datetime as dt
import re
import unicodedata

from sql import Literal, Null
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import clock
from .exceptions import CallbackError, RatingTargetError
from .workflow import AppendOnlyMixin

ORDER_NUMBER = re.compile(r'(?<![0-9])([0-9]{18})(?![0-9])')


def pool_config():
    return Pool().get('sushi.configuration').get_values()

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
# CBK-05, CBK-06: what an SMS or app answer counts as until the callback
QUEUED = ('callback', "Awaiting Platform Callback")
# Answers by these channels never close a rating as dissatisfied or
# deemed satisfied by themselves: the platform calls back (CBK-05).
SELF_RATING_CHANNELS = {'sms_rating', 'wanshitong_app_rating'}
# "没有不满意" is not a complaint
DOUBLE_NEGATIVE = re.compile(r'没(有|什么)?(不满意|意见)的?')
# 不满意, 不太满意, 不是很满意, 满意度不高, 满意度低, 没解决, 未处理 ...
NEGATED = re.compile(
    r'不[^满，,。]{0,3}满意|满意度?[^，,。]{0,2}(不高|低|差)'
    r'|(没|未)[有能]?[^，,。]{0,2}(解决|处理|落实|办)')
RATING_DIGIT = re.compile(r'^([12])(?![0-9])[\s,，.。:：;；!！、]*')
RESOLUTIONS = [
    (None, ""),
    ('resolved', "Resolved"),
    ('partially_resolved', "Partially Resolved"),
    ('unresolved', "Unresolved"),
    ]


class Callback(AppendOnlyMixin, ModelSQL, ModelView):
    __name__ = 'sushi.ticket.callback'
    __string__ = "Callback"

    ticket = fields.Many2One('sushi.ticket', "Ticket", required=True,
        ondelete='CASCADE', readonly=True)
    round = fields.Integer("Evaluation", readonly=True,
        help="1 for the first evaluation, 2 for the second (CBK-07).")
    channel = fields.Selection(CHANNELS, "Channel", readonly=True)
    given = fields.Selection([(None, "")] + RESULTS, "Rating Given",
        readonly=True,
        help="Empty when the SMS answer could not be read (CBK-05).")
    result = fields.Selection(RESULTS + [QUEUED], "Counts as", readonly=True,
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
            # ratings are created by record_rating only, never by a client
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
        if channel in SELF_RATING_CHANNELS and given == 'dissatisfied':
            return cls.queue_callback(ticket, channel, given, reason)
        first = ticket.first_evaluation in {None, 'pending'}
        result = given
        if given == 'dissatisfied' and first and not reason_clear:
            # CBK-06: only at the platform's callback does a first
            # "dissatisfied" without a clear reason count as satisfied
            result = 'default_satisfied'
        callback = cls._store(ticket, channel, given, result, reason=reason,
            reason_clear=bool(reason_clear), resolution=resolution)
        Event.log([ticket], 'callback', comment='%s: %s%s' % (
                dict(cls.fields_get(['result'])['result']['selection'])[
                    result], reason or '',
                '' if given == result else ' (%s)' % given))
        if first:
            ticket.first_evaluation = result
        else:
            ticket.second_evaluation = result
        ticket.rating_due_at = None
        ticket.callback_required = False
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
    def _store(cls, ticket, channel, given, result, **values):
        """Create the rating row.  Ratings are facts for assessment:
        created here only, never by a client directly (no create right)."""
        first = ticket.first_evaluation in {None, 'pending'}
        with without_check_access():
            callback, = cls.create([{
                        'ticket': ticket.id,
                        'round': 1 if first else 2,
                        'channel': channel,
                        'given': given,
                        'result': result,
                        'recorded_by': Transaction().user or None,
                        'recorded_at': clock.now(),
                        **values,
                        }])
        return callback

    @classmethod
    def queue_callback(cls, ticket, channel, given=None, reason=None):
        """CBK-05, CBK-06: a "dissatisfied" answer by SMS or app, with or
        without a reason, or an answer that cannot be read, goes to the
        platform's callback queue; the rating window stops (no default
        satisfaction) and the agent sees the answer."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Event = pool.get('sushi.ticket.event')
        now = clock.now()
        callback = cls._store(ticket, channel, given, QUEUED[0],
            reason=reason, reason_clear=False)
        Ticket.write([ticket], {
                'callback_required': True,
                'callback_required_at': now,
                'rating_due_at': None,
                })
        Event.log([ticket], 'callback_queue', comment=reason)
        return callback

    @classmethod
    def parse_sms_answer(cls, text):
        """Return (given, reason) of an answer to the rating SMS, given
        None when unsure (the callback agent asks then): "1", "满意",
        "非常满意", "好评" are satisfied; "2", "不满意", "不太满意",
        "满意度不高", "没解决", "差评" are dissatisfied; "一般", "还行" or a
        contradiction are unsure.  The words are configuration."""
        config = pool_config()
        raw = unicodedata.normalize('NFKC', text or '').strip()
        match = RATING_DIGIT.match(raw)
        digit = match.group(1) if match else None
        rest = raw[match.end():] if match else raw
        reason = rest.strip(' \t,，.。:：;；!！、?？') or None
        # negations are read within a clause ("不错，满意" is no negation)
        clauses = DOUBLE_NEGATIVE.sub('满意', raw)
        compact = re.sub(r'[\s\W_]+', '', clauses)

        def words(name):
            return [w for w in re.split(r'[\s,，、]+', config[name] or '')
                if w]
        negative = bool(NEGATED.search(clauses)) or any(
            w in compact for w in words('sms_dissatisfied_words'))
        unsure = any(w in compact for w in words('sms_unsure_words'))
        positive = any(
            w in compact for w in words('sms_satisfied_words'))
        if digit == '2':
            return 'dissatisfied', reason
        if digit == '1':
            if negative or unsure:
                return None, raw
            return 'satisfied', reason
        if negative:
            return 'dissatisfied', raw
        if unsure or not positive:
            return None, raw or None
        return 'satisfied', None

    @classmethod
    def record_sms_answer(cls, phone, text):
        """Record the requester's answer to the rating SMS of their latest
        order awaiting it (or of the order number the text names): a
        satisfied answer closes it, anything else goes to the callback
        queue (CBK-01, CBK-05).  Return the callback."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        SMS = pool.get('sushi.sms')
        number = ORDER_NUMBER.search(text or '')
        domain = [('requester_phone', '=', phone), ('state', '=', 'reviewed')]
        if number:
            domain.append(('number', '=', number.group(1)))
        # The order whose rating SMS went out last
        asked = SMS.search([
                ('phone', '=', phone), ('kind', '=', 'rating'),
                ('ticket.state', '=', 'reviewed'),
                ] + ([('ticket.number', '=', number.group(1))]
                if number else []),
            order=[('id', 'DESC')], limit=1)
        tickets = ([asked[0].ticket] if asked
            else Ticket.search(domain, order=[('id', 'DESC')], limit=1))
        if not tickets:
            raise RatingTargetError(gettext(
                    'sushi_ticket.msg_sms_inbound_no_ticket', phone=phone))
        ticket, = tickets
        if number:
            text = text.replace(number.group(1), '')
        given, reason = cls.parse_sms_answer(text)
        if given is None or ticket.callback_required:
            # unsure, or already waiting for the agent: the agent decides
            return cls.queue_callback(ticket, 'sms_rating', None, reason)
        return cls.record_rating(ticket, 'sms_rating', given, reason=reason)

    @classmethod
    def deem_satisfied(cls, now=None):
        """Cron (CBK-06): no rating within the window counts as satisfied;
        the tickets close.  Set-based over the tickets awaiting a rating.
        LGT-05: the default rating, its events and the closing are dated
        when the window ended, not when the cron saw it (a cron stopped
        over a weekend or a month end would move them)."""
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
                    t.rating_due_at, Literal(0), Literal(now), where=due)))
        Event.log_query(t.select(t.id, Literal(None), Literal(None),
                where=due), 'default_satisfied', at=t.rating_due_at)
        Event.log_query(t.select(t.id, Literal(None), Literal(None),
                where=due), 'close', at=t.rating_due_at)
        cursor.execute(*a.update([a.state, a.light, a.write_date],
                ['cancelled', Null, now],
                where=a.state.in_(Assignment.OPEN_STATES)
                & a.ticket.in_(t.select(t.id, where=due))))
        # the orders leave their units' 在办 (the copies on their
        # assignments: ticket_open, ticket_state, issue #14)
        cursor.execute(*t.select(t.id, where=due))
        closing = sorted(i for i, in cursor)
        cursor.execute(*t.update(
                [t.first_evaluation, t.second_evaluation,
                    t.final_evaluation, t.state, t.closed_at,
                    t.rating_due_at, t.write_date],
                [Case((first, 'default_satisfied'),
                        else_=t.first_evaluation),
                    Case((first, t.second_evaluation),
                        else_='default_satisfied'),
                    'default_satisfied', 'closed', t.rating_due_at, Null,
                    now],
                where=due))
        Assignment.sync_ticket_copy(closing)
        clock.forget(cls.__name__, Ticket.__name__, Assignment.__name__)

    @classmethod
    def verify(cls, ticket, outcome, findings, escalate=False, defects=(),
            refused_to_cooperate=False, explanation=None):
        """Apply the outcome of the verification of a bad rating (CBK-03,
        CBK-04), recording on the lead's reply the defects found (RPL-03)
        and a refusal to cooperate (RPL-07), and on the lead's part the
        unit's explanation of objective causes (CBK-04)."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Assignment = pool.get('sushi.ticket.assignment')
        Event = pool.get('sushi.ticket.event')
        Reply = pool.get('sushi.ticket.reply')
        if ticket.state != 'verifying':
            raise CallbackError(gettext('sushi_ticket.msg_verify_state',
                    ticket=ticket.rec_name))
        if not (findings or '').strip():
            raise CallbackError(gettext('sushi_ticket.msg_verify_findings',
                    ticket=ticket.rec_name))
        if outcome == 'explain' and not (explanation or '').strip():
            raise CallbackError(gettext(
                    'sushi_ticket.msg_verify_explanation',
                    ticket=ticket.rec_name))
        Event.log([ticket], 'verify', comment=findings)
        lead = ticket.current_lead()
        if lead and (defects or refused_to_cooperate):
            replies = [r for r in lead.replies if r.state == 'accepted']
            if replies:
                Reply.record_findings(replies[-1:], defects,
                    refused=refused_to_cooperate, note=findings,
                    origin='rating_verification')
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
            if lead:
                Assignment.write([lead], {
                        'objective_explanation': explanation,
                        'objective_explanation_at': clock.now(),
                        'objective_explanation_by': (
                            Transaction().user or None),
                        })
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
    defects = fields.MultiSelection('get_defects', "Defects Found",
        help="RPL-03: what in the reply proved wrong.")
    refused_to_cooperate = fields.Boolean("Unit Refused to Improve",
        help="RPL-07: the unit refused to complete or improve its reply.")
    explanation = fields.Text("Unit's Explanation",
        states={
            'invisible': Eval('outcome') != 'explain',
            'required': Eval('outcome') == 'explain',
            },
        help="CBK-04: how the unit explained the objective limits to the "
        "requester.")
    escalate = fields.Boolean("Propose Escalated Supervision",
        help="CBK-05: propose the matter for escalated supervision.")

    @classmethod
    def get_defects(cls):
        return Pool().get('sushi.ticket.reply').fields_get(
            ['defects'])['defects']['selection']


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
            self.start.outcome, self.start.findings, self.start.escalate,
            defects=self.start.defects,
            refused_to_cooperate=self.start.refused_to_cooperate,
            explanation=self.start.explanation)
        return 'end'
