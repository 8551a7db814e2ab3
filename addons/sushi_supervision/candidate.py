# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Automatic supervision candidates (SUP-14): a set-based cron proposes
cases from the facts of the work orders; an Office officer confirms or
dismisses each one with a reason.  Levels 2 and 3 are proposed only from
their detectable trigger (SUP-06 1) and are always decided by a person."""
import datetime as dt

from sql import Cast, Expression, Literal, Null
from sql.aggregate import Count, Max, Min
from sql.conditionals import Case, Coalesce
from sql.operators import Concat, Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.tools import update_from_values
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import CandidateError
from .supervision import (
    COUNTED_STATES, ESCALATED_LEVELS, LEVELS, LEVEL_BODY, LEVEL_METHOD,
    TRIGGERS, trigger_level)

# The ticket states in which an order is still in the units' hands.
HANDLING = ['dispatched', 'in_progress', 'replied', 'reviewed', 'verifying']


def cast(column):
    return Cast(column, 'VARCHAR')


def candidate_key(trigger, *parts):
    """The key of a candidate, unique: the trigger and the parts that name
    its fact (ticket, unit, round; request; cluster), joined by ':'.  The
    one definition of the key: with SQL columns among parts it is the
    expression the cron's INSERT ... SELECT stores; with values only, the
    string to look a candidate up by."""
    if not any(isinstance(p, Expression) for p in parts):
        return ':'.join(str(p) for p in (trigger, *parts))
    # typed literals: PostgreSQL cannot infer "param || param"
    expression = cast(Literal(trigger))
    for part in parts:
        if not isinstance(part, Expression):
            part = Literal(str(part))
        expression = Concat(Concat(expression, cast(Literal(':'))),
            cast(part))
    return expression


def ticket_flags(t):
    """The ticket conditions of the per-ticket triggers, by name.  The
    ticket table has a partial index on each (ticket.py), so that at 1 M
    orders each trigger reads its few flagged orders, not the table."""
    true = Literal(True)
    return {
        'second_dissatisfied': (t.second_evaluation == 'dissatisfied')
        & (t.unit_at_fault == true),
        'provincial_repeat': (t.provincial == true) & (t.repeat_of != Null),
        'callback': t.escalation_requested == true,
        'important': (t.leader_instruction == true) | (t.provincial == true),
        'first_dissatisfied': t.first_evaluation == 'dissatisfied',
        }


class Candidate(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.supervision.candidate'
    __string__ = "Supervision Candidate"

    key = fields.Char("Key", readonly=True, required=True,
        help="Trigger, ticket or duty, unit and round: one candidate each.")
    trigger = fields.Selection(TRIGGERS, "Trigger", required=True,
        readonly=True)
    level = fields.Selection(LEVELS, "Proposed Level", required=True,
        readonly=True)
    ticket = fields.Many2One('sushi.ticket', "Work Order", readonly=True,
        ondelete='CASCADE')
    knowledge_request = fields.Many2One('sushi.knowledge.request',
        "Answer Script Request", readonly=True, ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", readonly=True,
        ondelete='CASCADE')
    fact_at = fields.DateTime("Fact Dated", readonly=True,
        help="When the fact that triggers the proposal happened.")
    proposed_at = fields.DateTime("Proposed at", required=True,
        readonly=True)
    state = fields.Selection([
            ('proposed', "Proposed"),
            ('confirmed', "Confirmed"),
            ('dismissed', "Dismissed"),
            ('withdrawn', "Withdrawn"),
            ], "State", required=True, readonly=True)
    reason = fields.Text("Reason",
        states={'readonly': Eval('state') != 'proposed'},
        help="Why the officer confirms or dismisses the proposal.")
    decided_at = fields.DateTime("Decided at", readonly=True)
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        readonly=True, ondelete='SET NULL')
    # CONV-03: the red card it was proposed from was withdrawn when the
    # year's official schedule was entered (withdraw_red_cards)
    basis_withdrawn_at = fields.DateTime("Basis Withdrawn at",
        readonly=True,
        help="When the fact the proposal came from (a red card) was "
        "withdrawn: a proposal still undecided is withdrawn with it; a "
        "decided one is kept and flagged for the Office to review.")
    basis_withdrawn_by = fields.Many2One('res.user', "Basis Withdrawn by",
        readonly=True)
    basis_withdrawn_reason = fields.Text("Why the Basis Was Withdrawn",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('key_unique', Unique(t, t.key),
                'sushi_supervision.msg_candidate_key_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.proposed_at, Index.Range())),
                Index(t, (t.ticket, Index.Equality())),
                })
        cls._order = [('proposed_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('proposed', 'confirmed'),
            ('proposed', 'dismissed'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'proposed',
                    'depends': ['state'],
                    },
                'dismiss': {
                    'invisible': Eval('state') != 'proposed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'proposed'

    def trigger_name(self):
        "The trigger as the user reads it, in their language."
        return dict(self.fields_get(['trigger'])['trigger']['selection'])[
            self.trigger]

    def get_rec_name(self, name):
        subject = self.ticket or self.knowledge_request
        return '%s %s' % (self.trigger_name(),
            subject.rec_name if subject else '')

    # --- the cron ---------------------------------------------------

    @classmethod
    def queries(cls, now):
        """Return [(trigger, select)] of the facts that propose a case:
        each select gives (key, ticket, knowledge request, unit, fact
        date).  Every query reads stored facts over indexed columns.  An
        item (trigger, select, names) selects further values after these
        five, stored in the candidate's fields names (other modules'
        extensions add their triggers so)."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Ticket = pool.get('sushi.ticket')
        Action = pool.get('sushi.supervision.action')
        Request = pool.get('sushi.knowledge.request')
        Callback = pool.get('sushi.ticket.callback')
        Event = pool.get('sushi.ticket.event')
        Configuration = pool.get('sushi.configuration')
        config = Configuration.get_values()
        a = Assignment.__table__()
        t = Ticket.__table__()
        act = Action.__table__()
        r = Request.__table__()
        light = Assignment.LIGHT_STATES
        true = Literal(True)
        grace = now - dt.timedelta(days=config['routine_grace_days'])

        overdue = ((a.red_card == true) & a.state.in_(light)
            & (a.due_at < now))
        # "未办理": not signed in, or signed with nothing reported since
        not_handled = ((a.state == 'dispatched')
            | (a.progress_reported_at == Null))
        routine_done = Exists(act.select(Literal(1),
                where=(act.ticket == a.ticket) & (act.unit == a.unit)
                & (act.at >= a.red_card_at) & (act.at <= grace)
                & act.kind.in_(['phone', 'on_site', 'reminder_letter'])))
        # SUP-02 (1), SUP-05 (1), SUP-05 (2); LGT-04
        per_assignment = [
            ('l1_not_handled', overdue & not_handled),
            ('scope_overdue', overdue & ~not_handled),
            ('l1_overdue_after_routine', overdue & ~not_handled
                & routine_done),
            ]
        result = []
        for trigger, where in per_assignment:
            result.append((trigger, a.select(
                        candidate_key(trigger, a.ticket, a.unit, a.round),
                        a.ticket, Literal(None), a.unit,
                        Coalesce(a.red_card_at, a.due_at),
                        where=where)))
        flag = ticket_flags(t)
        first_dissatisfied = (flag['first_dissatisfied']
            & t.state.in_(HANDLING))
        # the facts are dated when they happened: the callback that
        # recorded the rating, the event of the verifier's proposal; the
        # ticket's own times only for orders rated before those records
        cb = Callback.__table__()
        ev = Event.__table__()

        def rated(aggregate, *rounds):
            where = (cb.ticket == t.id) & (cb.result == 'dissatisfied')
            if rounds:
                where &= cb.round.in_(list(rounds))
            return cb.select(aggregate(cb.recorded_at), where=where)
        escalated = ev.select(Min(ev.at),
            where=(ev.ticket == t.id) & (ev.action == 'escalate'))
        important_overdue = Exists(a.select(Literal(1),
                where=(a.ticket == t.id) & overdue))
        per_ticket = [
            # SUP-05 (3), CBK-07
            ('l1_second_dissatisfied', flag['second_dissatisfied'],
                Coalesce(rated(Min, 2), t.closed_at)),
            # SUP-05 (5)
            ('l1_provincial_repeat',
                flag['provincial_repeat'] & t.state.in_(HANDLING),
                t.dispatched_at),
            # CBK-05: the verifier proposed escalated supervision
            ('l1_callback', flag['callback'],
                Coalesce(escalated, t.write_date)),
            # SUP-06 (1), SUP-13: overdue or badly handled important order:
            # dated at its deadline, or at the bad rating
            ('l2_important_order', flag['important']
                & (important_overdue
                    | (t.final_evaluation == 'dissatisfied')),
                Case((important_overdue, t.deadline),
                    else_=Coalesce(rated(Max), t.closed_at))),
            ]
        # SUP-12: the switch decides what a first dissatisfaction starts
        first_at = Coalesce(rated(Min, 1), t.write_date)
        if config['l1_on_first_dissatisfaction']:
            per_ticket.append(('l1_first_dissatisfied', first_dissatisfied,
                    first_at))
        else:
            per_ticket.append(('scope_dissatisfied', first_dissatisfied,
                    first_at))
        for trigger, where, fact in per_ticket:
            result.append((trigger, t.select(
                        candidate_key(trigger, t.id, t.lead_unit, t.round),
                        t.id, Literal(None), t.lead_unit, fact,
                        where=where & (t.lead_unit != Null))))
        # SUP-02 (4), KB-07: answer scripts not submitted by their due time
        result.append(('scope_knowledge', r.select(
                    candidate_key('scope_knowledge', r.id), Literal(None),
                    r.id, r.unit, r.due_at,
                    where=(r.state == 'requested') & (r.due_at < now))))
        return result

    @classmethod
    def propose(cls, now=None):
        """Cron: insert the new candidates, one INSERT ... SELECT per
        trigger.  A ticket already in a registered case of the proposed
        level or above is not proposed again; a key is never proposed
        twice (dismissed stays dismissed)."""
        now = now or clock.now()
        cls._insert(cls.queries(now), now)

    @classmethod
    def _insert(cls, queries, now):
        "Insert the new candidates of the (trigger, select[, names])."
        now = clock.whole_seconds(now)
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Link = pool.get('sushi.supervision-sushi.ticket')
        table = cls.__table__()
        existing = cls.__table__()
        case = Supervision.__table__()
        link = Link.__table__()
        cursor = Transaction().connection.cursor()
        user = Transaction().user or 0
        ranks = {'routine': ['routine'] + ESCALATED_LEVELS,
            'L1': ESCALATED_LEVELS, 'L2': ['L2', 'L3'], 'L3': ['L3']}
        for trigger, query, *extra in queries:
            # extra: the candidate columns of further selected values
            extra = list(extra[0]) if extra else []
            level = trigger_level(trigger)
            key, ticket = query.columns[0], query.columns[1]
            covered = Exists(link.join(case,
                    condition=link.supervision == case.id).select(
                    Literal(1),
                    where=(link.ticket == ticket)
                    & case.level.in_(ranks[level])
                    & case.state.in_(COUNTED_STATES + ['draft'])))
            query.where &= ~Exists(existing.select(Literal(1),
                    where=existing.key == key))
            query.where &= ~covered
            base, values = query.columns[:5], query.columns[5:]
            base = base[:4] + (clock.whole_seconds(base[4]),)
            query.columns = base + (Literal(trigger), Literal(level),
                Literal('proposed'), Literal(now), Literal(user),
                Literal(now)) + values
            cursor.execute(*table.insert([
                        table.key, table.ticket, table.knowledge_request,
                        table.unit, table.fact_at, table.trigger,
                        table.level, table.state, table.proposed_at,
                        table.create_uid, table.create_date]
                    + [getattr(table, c) for c in extra], query))

    # --- the officer's decision -------------------------------------

    @classmethod
    @ModelView.button
    @transition('confirmed')
    def confirm(cls, candidates):
        """SUP-14: the officer confirms; a draft case is made with the
        candidate's level, trigger, ticket and unit, to be registered.
        Of two officers confirming at once, the first makes the case and
        the second gets an error (the candidate row is locked).  Returns
        nothing (a button's answer goes to the client): the case is the
        candidate's `supervision`."""
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        now = clock.now()
        cases = Supervision.create([c.case_values() for c in candidates])
        for candidate, case in zip(candidates, cases):
            candidate.supervision = case
            candidate.decided_at = now
            candidate.decided_by = Transaction().user or None
        cls.save(candidates)

    def case_values(self):
        "The values of the draft case the confirmation makes."
        subject = self.ticket or self.knowledge_request
        content = self.ticket and (
            self.ticket.title or self.ticket.description)
        if self.knowledge_request:
            content = self.knowledge_request.subject
        return {
            'level': self.level,
            'trigger': self.trigger,
            'body': LEVEL_BODY[self.level],
            'method': LEVEL_METHOD[self.level],
            'tickets': [('add', [self.ticket.id])] if self.ticket else [],
            'lead_unit': self.unit.id if self.unit else None,
            'content': '%s %s' % (
                subject.rec_name if subject else '', content or ''),
            'candidate': self.id,
            }

    @classmethod
    @ModelView.button
    @transition('dismissed')
    def dismiss(cls, candidates):
        "The officer dismisses the proposal with a reason, kept on record."
        for candidate in candidates:
            if not (candidate.reason or '').strip():
                raise CandidateError(gettext(
                        'sushi_supervision.msg_candidate_reason',
                        candidate=candidate.rec_name))
        cls.write(candidates, {
                'decided_at': clock.now(),
                'decided_by': Transaction().user or None,
                })


    # --- a red card withdrawn (CONV-03) ------------------------------

    # the triggers proposed from one unit's red card (queries), keyed by
    # ticket, unit and round; l2_important_order may come from any red
    # card of the order (or its bad rating), keyed by its lead unit
    RED_CARD_TRIGGERS = ['l1_not_handled', 'scope_overdue',
        'l1_overdue_after_routine']

    @classmethod
    def red_cards_recomputed(cls, withdrawn, redated, reasons):
        """The red cards of the assignments withdrawn were withdrawn when
        a year was entered (Assignment.recompute_deadlines); reasons gives
        the why of each ({assignment id: text}).  The candidates proposed
        from them are withdrawn, dated and explained (basis_withdrawn_*),
        their key freed so that a red card given later is proposed anew;
        one an officer already decided keeps its state and is flagged the
        same way.  The still-proposed candidates of the red cards redated
        are dated at the new red card.  Return the flagged candidates.

        Set-based: the assignments' orders, units and rounds, and the
        orders' lead units, ratings and rounds and whether they keep
        another red card, are read by one query each per slice of 1 000;
        the candidates are found by one search per slice of keys and
        written by one UPDATE ... FROM (VALUES (id, reason, freed key))
        per state and slice of 1 000 (update_from_values), the new dates
        by one UPDATE ... FROM (VALUES (key, date)) per slice."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Ticket = pool.get('sushi.ticket')
        table = cls.__table__()
        a = Assignment.__table__()
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        now = clock.whole_seconds(clock.now())
        user = Transaction().user or None

        def read(query, ids):
            "{id: the other columns} of query's rows, 1 000 ids a query."
            rows = {}
            for sub in grouped_slice(sorted(set(ids)), 1000):
                cursor.execute(*query(list(sub)))
                rows.update((r[0], r[1:]) for r in cursor)
            return rows
        # (ticket, unit, round) of each assignment, as its keys name it
        parts = read(lambda ids: a.select(a.id, a.ticket, a.unit, a.round,
                where=a.id.in_(ids)),
            [x.id for x in list(withdrawn) + list(redated)])
        keys = {}
        # the first assignment withdrawn of each order
        firsts = {}
        for assignment in withdrawn:
            ticket_id, unit_id, round_ = parts[assignment.id]
            for trigger in cls.RED_CARD_TRIGGERS:
                keys[candidate_key(trigger, ticket_id, unit_id,
                        round_)] = assignment
            firsts.setdefault(ticket_id, assignment)
        # an important order's candidate stands while another red card of
        # it, or its bad rating, does
        carded = read(lambda ids: a.select(a.ticket, Literal(True),
                where=a.ticket.in_(ids) & (a.red_card == Literal(True)),
                group_by=[a.ticket]), firsts)
        orders = read(lambda ids: t.select(t.id, t.lead_unit,
                t.final_evaluation, t.round, where=t.id.in_(ids)), firsts)
        for ticket_id, assignment in firsts.items():
            lead_unit, evaluation, round_ = orders[ticket_id]
            if (lead_unit and evaluation != 'dissatisfied'
                    and ticket_id not in carded):
                keys[candidate_key('l2_important_order', ticket_id,
                        lead_unit, round_)] = assignment
        found = []
        for sub in grouped_slice(list(keys), backend.MAX_QUERY_PARAMS):
            found.extend(cls.search_read([
                        ('key', 'in', list(sub)),
                        ('basis_withdrawn_at', '=', None),
                        ], fields_names=['key', 'state']))
        # the proposals withdrawn, the decided ones kept and flagged
        flagged = [c['id'] for c in found if c['state'] != 'proposed']
        stamp = [(table.basis_withdrawn_at, now),
            (table.basis_withdrawn_by, user), (table.write_date, now)]
        for proposed, constants in [
                (True, stamp + [(table.state, 'withdrawn')]),
                (False, stamp)]:
            update_from_values(table, table.id,
                [table.basis_withdrawn_reason, table.key],
                [(c['id'], reasons[keys[c['key']].id],
                        '%s:withdrawn:%s' % (c['key'], c['id']))
                    for c in found if (c['state'] == 'proposed') == proposed],
                constants=constants)
        # a red card kept, dated at the real due time (LGT-05)
        dates = {}
        for assignment in redated:
            for trigger in cls.RED_CARD_TRIGGERS:
                dates[candidate_key(trigger, *parts[assignment.id])] = (
                    clock.whole_seconds(assignment.red_card_at))
        update_from_values(table, table.key, [table.fact_at],
            [(k, d) for k, d in dates.items() if d is not None],
            where=table.state == 'proposed')
        undated = [k for k, d in dates.items() if d is None]
        for sub in grouped_slice(undated, 1000):
            cursor.execute(*table.update([table.fact_at], [Null],
                    where=table.key.in_(list(sub))
                    & (table.state == 'proposed')))
        return cls.browse(flagged)


class CandidateCluster(metaclass=PoolMeta):
    """SUP-02 (3): a matter reported repeatedly or by many (一人多投,
    多人一投) is proposed for routine supervision from the clusters of the
    analysis module.  Registered only when sushi_analysis is activated
    too (tryton.cfg extras_depend): supervision reads the clusters, the
    analysis module knows nothing of supervision, so the module graph
    stays acyclic and either module works without the other."""
    __name__ = 'sushi.supervision.candidate'
    CLUSTER_TRIGGER = 'scope_repeated'

    cluster = fields.Many2One('sushi.analysis.cluster', "Request Cluster",
        readonly=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.cluster, Index.Equality()),
                where=t.cluster != Null))

    def get_rec_name(self, name):
        if self.cluster and not self.ticket:
            return '%s %s' % (self.trigger_name(), self.cluster.rec_name)
        return super().get_rec_name(name)

    @classmethod
    def queries(cls, now):
        return super().queries(now) + [cls.cluster_query(now)]

    @classmethod
    def cluster_query(cls, now, clusters=None):
        """The (trigger, select, names) of the clusters to propose, all or
        among clusters (ids)."""
        pool = Pool()
        Cluster = pool.get('sushi.analysis.cluster')
        Line = pool.get('sushi.analysis.cluster-sushi.ticket')
        Ticket = pool.get('sushi.ticket')
        c = Cluster.__table__()
        line = Line.__table__()
        t = Ticket.__table__()
        # the unit most of the cluster's requests were dispatched to, else
        # the cluster's region
        lead = line.join(t, condition=line.ticket == t.id).select(
            t.lead_unit,
            where=(line.cluster == c.id) & (t.lead_unit != Null),
            group_by=[t.lead_unit],
            order_by=[Count(t.id).desc, t.lead_unit.asc],
            limit=1)
        key = candidate_key(cls.CLUSTER_TRIGGER, 'cluster', c.id)
        # an active cluster (past the ANA-11 thresholds) with requests
        # still open, not yet made into a topic or a case; dated when it
        # became active (the request that passed the threshold; clusters
        # activated before that time was recorded: their latest request)
        where = ((c.state == 'active') & (c.open_count > 0)
            & (c.proposed_as == Null))
        if clusters is not None:
            where &= c.id.in_(list(clusters))
        return (cls.CLUSTER_TRIGGER, c.select(
                key, Literal(None), Literal(None),
                Coalesce(lead, c.region), Coalesce(c.activated_at, c.last_at),
                c.id, where=where),
            ['cluster'])

    @classmethod
    def cluster_key(cls, cluster):
        "The key of the candidate of a cluster: one per cluster."
        return candidate_key(cls.CLUSTER_TRIGGER, 'cluster', cluster.id)

    @classmethod
    def propose_clusters(cls, clusters, now=None):
        """SUP-02 (3): propose the clusters now (the analysts' button
        提请督办), as the cron would: one INSERT ... SELECT of those not
        proposed yet.  Return the candidate of each cluster, in order; a
        cluster already proposed keeps its candidate (whatever the
        officer decided).  A cluster that is not active with open
        requests, or already made into a topic or case, is refused."""
        now = now or clock.now()
        ids = [c.id for c in clusters]
        for sub in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cls._insert([cls.cluster_query(now, sub)], now)
        keys = {cls.cluster_key(c): c for c in clusters}
        found = {}
        for sub in grouped_slice(list(keys), backend.MAX_QUERY_PARAMS):
            for candidate in cls.search([('key', 'in', list(sub))]):
                found[keys[candidate.key].id] = candidate
        for cluster in clusters:
            if cluster.id not in found:
                raise CandidateError(gettext(
                        'sushi_supervision.msg_candidate_cluster',
                        cluster=cluster.rec_name))
        return [found[c.id] for c in clusters]

    def case_values(self):
        values = super().case_values()
        if self.cluster and not self.ticket:
            Cluster = Pool().get('sushi.analysis.cluster')
            proposal = Cluster.proposal_values([self.cluster])[
                self.cluster.id]
            values['tickets'] = [('add', proposal['tickets'])]
            values['content'] = proposal['description']
            if not values.get('lead_unit') and proposal['units']:
                values['lead_unit'] = proposal['units'][0]
        return values

    @classmethod
    def confirm(cls, candidates):
        Cluster = Pool().get('sushi.analysis.cluster')
        super().confirm(candidates)
        # as the button's body: the cluster remembers the case
        with without_check_access():
            for candidate in cls.browse([c.id for c in candidates]):
                if candidate.cluster and candidate.supervision:
                    Cluster.mark_proposed([candidate.cluster],
                        candidate.supervision)
