# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Clusters of requests on one matter (ANA-04, ANA-11): 多人一投 (many
requesters, one matter) and 一人多投 (one requester, many requests).

The cron takes the tickets created since its last run, finds for each the
earlier tickets on the same matter through the analysis index (same place
and problem, or phone; duplicate score at least the cluster threshold; the
candidates of a batch of 500 in one query) and adds it to their cluster,
or opens one.  A cluster is `active` once it passes the
thresholds of the configuration (ANA-11), `forming` before.

API for other modules (supervision, consultation, reports):

- `Cluster.update_clusters()`: the incremental run (cron).
- `Cluster.active_clusters(kind=None, since=None, region=None)`: active
  clusters, the largest first.
- `Cluster.blocking_clusters(date=None)`: active clusters still open
  after `blocking_open_days` (ANA-07, 堵点).
- `Cluster.proposal_values(clusters)`: {cluster id: dict(title,
  description, tickets, units, kind)} to create a consultation topic
  (CON-05 a) or a supervision (SUP-02 (3)) from a cluster.
- `Cluster.mark_proposed(clusters, record)`: remember the topic or
  supervision made from them (`proposed_as`).

The buttons 提请会商议题 (CON-05 a) and 提请督办 (SUP-02 (3)) of an active
cluster call sushi_supervision's `Topic.propose_from_tickets` or
`Candidate.propose_clusters`, when that module is installed (looked up in
the pool at run time: analysis does not depend on supervision)."""
import bisect
import datetime as dt
import heapq
from collections import defaultdict

from sql.aggregate import Max

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.ticket import OPEN_STATES, normalize_phone
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from . import dedup
from .ticket import TextRow, phone_score, ticket_text

KINDS = [
    ('many_to_one', "Many Requesters, One Matter"),
    ('one_to_many', "One Requester, Many Requests"),
    ]
STATES = [
    ('forming', "Forming"),
    ('active', "Active"),
    ('resolved', "Resolved"),
    ]
# Tickets that are no request on a matter of the city.
IGNORED_STATES = ['draft', 'rejected', 'transferred']


class Cluster(ModelSQL, ModelView):
    "Request Cluster"
    __name__ = 'sushi.analysis.cluster'
    _rec_name = 'name'
    name = fields.Char("Matter", readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    kind_string = kind.translated('kind')
    state = fields.Selection(STATES, "State", required=True,
        readonly=True, sort=False)
    tickets = fields.Many2Many('sushi.analysis.cluster-sushi.ticket',
        'cluster', 'ticket', "Requests", readonly=True)
    ticket_count = fields.Integer("Requests", readonly=True)
    requester_count = fields.Integer("Requesters", readonly=True)
    open_count = fields.Integer("Still Open", readonly=True)
    first_at = fields.DateTime("First Request", readonly=True)
    last_at = fields.DateTime("Last Request", readonly=True)
    activated_at = fields.DateTime("Activated at", readonly=True,
        help="When the cluster first passed its threshold: the time of "
        "the request that made it active (SUP-02 3 dates its fact so).")
    region = fields.Many2One('sushi.unit', "Region", readonly=True)
    category = fields.Many2One('sushi.category', "Category", readonly=True)
    units = fields.Function(fields.Many2Many('sushi.unit', None, None,
            "Responsible Units"), 'get_units')
    proposed_as = fields.Reference("Proposed as",
        selection='get_proposed_models', readonly=True,
        help="The consultation topic, supervision or supervision "
        "candidate made from the cluster.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('last_at', 'DESC'), ('id', 'DESC')]
        cls.__rpc__.update({
                'update_clusters': RPC(readonly=False),
                })
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.last_at, Index.Range())),
                })
        proposable = (Eval('state') != 'active') | Bool(Eval('proposed_as'))
        cls._buttons.update({
                'propose_topic': {
                    'invisible': proposable,
                    'depends': ['state', 'proposed_as'],
                    },
                'propose_supervision': {
                    'invisible': proposable,
                    'depends': ['state', 'proposed_as'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'forming'

    @classmethod
    def get_proposed_models(cls):
        "The models a cluster may be proposed as, when installed."
        pool = Pool()
        models = [(None, '')]
        for name in ['sushi.consultation.topic', 'sushi.supervision',
                'sushi.supervision.candidate']:
            try:
                Model = pool.get(name)
            except KeyError:
                continue
            models.append((name, Model.__names__()['model']))
        return models

    @classmethod
    def get_units(cls, clusters, name):
        pool = Pool()
        Line = pool.get('sushi.analysis.cluster-sushi.ticket')
        Ticket = pool.get('sushi.ticket')
        line = Line.__table__()
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        result = {c.id: [] for c in clusters}
        for sub in grouped_slice([c.id for c in clusters], 1000):
            cursor.execute(*line.join(t, condition=line.ticket == t.id
                    ).select(line.cluster, t.lead_unit, t.region,
                    where=line.cluster.in_(list(sub)),
                    group_by=[line.cluster, t.lead_unit, t.region]))
            for cluster, lead, region in cursor:
                unit = lead or region
                if unit and unit not in result[cluster]:
                    result[cluster].append(unit)
        return result

    @classmethod
    def update_clusters(cls):
        """Cluster the tickets created since the last run (ANA-11): the
        candidates of a batch of new tickets are looked up in one query
        through the analysis index and read in one query; each new ticket
        then joins its matches' cluster or opens one."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        Ticket = pool.get('sushi.ticket')
        config = Configuration.get_values()
        now = clock.now()
        checkpoint = config['cluster_checkpoint'] or (
            now - dt.timedelta(days=config['one_to_many_days']))
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*t.select(t.id, Max(t.create_date),
                where=(t.create_date > checkpoint)
                & ~t.state.in_(IGNORED_STATES),
                group_by=[t.id], order_by=[t.id]))
        rows = cursor.fetchall()
        touched = set()
        for sub in grouped_slice([r[0] for r in rows], 500):
            tickets = Ticket.browse(list(sub))
            matches = cls._batch_matches(tickets, config)
            for ticket in tickets:
                touched |= cls._cluster_ticket(
                    ticket, config, matches[ticket.id])
        if touched:
            cls.refresh(cls.browse(sorted(touched)))
        if rows:
            Configuration.write([Configuration(1)], {
                    'cluster_checkpoint': max(r[1] for r in rows)})

    @classmethod
    def _batch_matches(cls, tickets, config, limit=200):
        """Return {ticket id: [(earlier ticket, same phone)]} of the tickets
        on the matter of each ticket: sharing a place and problem key or
        the phone in the window before it (the longer of the two ANA-11
        windows), at most limit candidates each (the latest), scoring at
        least the cluster threshold.  One query for the candidates' keys,
        one for their texts."""
        pool = Pool()
        Key = pool.get('sushi.analysis.ticket_key')
        Ticket = pool.get('sushi.ticket')
        days = dt.timedelta(days=max(
                config['many_to_one_days'], config['one_to_many_days']))
        threshold = config['cluster_threshold']
        result = {t.id: [] for t in tickets}
        lookups = {}
        for ticket in tickets:
            text = ticket_text(ticket)
            phone = (normalize_phone(ticket.requester_phone)
                if ticket.requester_phone else None)
            keys = dedup.lookup_keys(text, phone, threshold)
            if keys:
                lookups[ticket.id] = (ticket, text, phone, keys)
        if not lookups:
            return result
        k = Key.__table__()
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        all_keys = sorted(set().union(*(l[3] for l in lookups.values())))
        first = min(l[0].received_at for l in lookups.values()) - days
        last = max(l[0].received_at for l in lookups.values())
        by_key = defaultdict(list)
        for sub in grouped_slice(all_keys, 1000):
            cursor.execute(*k.join(t, condition=k.ticket == t.id).select(
                    k.key, k.ticket, k.received_at,
                    where=k.key.in_(list(sub)) & (k.received_at >= first)
                    & (k.received_at <= last)
                    & ~t.state.in_(IGNORED_STATES)))
            for key, other, received in cursor:
                by_key[key].append((received, other))
        times = {}
        for key, rows in by_key.items():
            rows.sort()
            times[key] = [r[0] for r in rows]

        def newest(key, until):
            "The rows of key received up to until, the latest first."
            rows = by_key.get(key, [])
            for i in range(bisect.bisect_right(times.get(key, []), until)
                    - 1, -1, -1):
                yield rows[i]
        candidates = {}
        for ticket, _, _, keys in lookups.values():
            since = ticket.received_at - days
            chosen, seen = [], {ticket.id}
            for received, other in heapq.merge(
                    *(newest(key, ticket.received_at) for key in keys),
                    reverse=True):
                if received < since:
                    break
                if other not in seen:
                    seen.add(other)
                    chosen.append(other)
                    if len(chosen) >= limit:
                        break
            candidates[ticket.id] = chosen
        texts = {}
        others = sorted(set().union(*candidates.values()))
        for sub in grouped_slice(others, 1000):
            cursor.execute(*t.select(
                    *(getattr(t, f) for f in TextRow._fields),
                    where=t.id.in_(list(sub))))
            for row in cursor:
                row = TextRow(*row)
                texts[row.id] = (ticket_text(row),
                    normalize_phone(row.requester_phone)
                    if row.requester_phone else None)
        matched = {}
        for ticket, text, phone, _ in lookups.values():
            for other in candidates[ticket.id]:
                other_text, other_phone = texts[other]
                same_phone = bool(phone and other_phone == phone)
                value = phone_score(
                    dedup.similarity(text, other_text), same_phone)
                if value >= threshold:
                    matched.setdefault(ticket.id, []).append(
                        (other, same_phone))
        records = {r.id: r for r in Ticket.browse(sorted({o
                        for m in matched.values() for o, _ in m}))}
        for ticket_id, found in matched.items():
            result[ticket_id] = [(records[o], same) for o, same in found]
        return result

    @classmethod
    def _cluster_ticket(cls, ticket, config, matches):
        """Put ticket in its clusters, given its matches [(earlier ticket,
        same phone)] (`_batch_matches`); return the ids of the clusters
        touched."""
        pool = Pool()
        Line = pool.get('sushi.analysis.cluster-sushi.ticket')
        touched = set()
        for kind, days, others in [
                ('many_to_one', config['many_to_one_days'],
                    [o for o, _ in matches]),
                ('one_to_many', config['one_to_many_days'],
                    [o for o, same in matches if same]),
                ]:
            since = ticket.received_at - dt.timedelta(days=days)
            others = [o for o in others if o.received_at >= since]
            if not others:
                continue
            lines = Line.search([
                    ('ticket', 'in', [o.id for o in others] + [ticket.id]),
                    ('cluster.kind', '=', kind),
                    ('cluster.state', '!=', 'resolved'),
                    ('cluster.last_at', '>=', since),
                    ], order=[('cluster.last_at', 'DESC')])
            if lines:
                cluster = lines[0].cluster
                members = {l.ticket.id for l in lines
                    if l.cluster == cluster}
            else:
                place = dedup.shared_places(
                    ticket_text(ticket), ticket_text(others[0]))
                _, _, words = dedup.score(
                    ticket_text(ticket), ticket_text(others[0]))
                name = ' '.join(filter(None, ['、'.join(place[:2]),
                            '、'.join(words[:3])])) or (ticket.title or '')
                cluster, = cls.create([{
                            'kind': kind,
                            'name': name[:100],
                            'region': ticket.region.id
                            if ticket.region else None,
                            'category': ticket.category.id
                            if ticket.category else None,
                            'first_at': min(o.received_at
                                for o in others + [ticket]),
                            'last_at': ticket.received_at,
                            }])
                members = set()
            new = [o.id for o in others + [ticket] if o.id not in members]
            if cluster.last_at and ticket.received_at > cluster.last_at:
                # later tickets of this run must find it
                cls.write([cluster], {'last_at': ticket.received_at})
            if new:
                Line.create([{'cluster': cluster.id, 'ticket': i}
                        for i in dict.fromkeys(new)])
            touched.add(cluster.id)
        return touched

    @classmethod
    def refresh(cls, clusters):
        """Recompute the figures and state of clusters in one query:
        active once past the ANA-11 thresholds, resolved once every
        request is finished."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        Line = pool.get('sushi.analysis.cluster-sushi.ticket')
        Ticket = pool.get('sushi.ticket')
        config = Configuration.get_values()
        line = Line.__table__()
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        figures = {}
        phones = defaultdict(set)
        requests = defaultdict(list)
        for sub in grouped_slice([c.id for c in clusters], 1000):
            cursor.execute(*line.join(t, condition=line.ticket == t.id
                    ).select(line.cluster, t.requester_phone, t.state,
                    t.received_at, t.id, where=line.cluster.in_(list(sub))))
            for cluster, phone, state, received, ticket in cursor:
                count, open_, first, last = figures.get(
                    cluster, (0, 0, received, received))
                figures[cluster] = (count + 1,
                    open_ + (state in OPEN_STATES + ['merged']),
                    min(first, received), max(last, received))
                requester = (normalize_phone(phone) if phone
                    else 'anonymous-%s' % ticket)
                phones[cluster].add(requester)
                requests[cluster].append((received, ticket, requester))
        to_write = []
        for cluster in clusters:
            count, open_, first, last = figures.get(
                cluster.id, (0, 0, None, None))
            requesters = len(phones[cluster.id])
            if cluster.kind == 'many_to_one':
                active = requesters >= config['many_to_one_requesters']
            else:
                active = count >= config['one_to_many_tickets']
            state = 'active' if active else 'forming'
            if active and not open_:
                state = 'resolved'
            values = {
                'ticket_count': count,
                'requester_count': requesters,
                'open_count': open_,
                'first_at': first,
                'last_at': last,
                'state': state,
                }
            # SUP-02 (3): the first activation is a fact, kept as it was
            if active and not cluster.activated_at:
                values['activated_at'] = cls._activated_at(
                    cluster.kind, requests[cluster.id], config)
            to_write.extend([[cluster], values])
        if to_write:
            cls.write(*to_write)

    @staticmethod
    def _activated_at(kind, requests, config):
        """The time of the request with which the cluster passed its
        threshold: the N-th distinct requester (多人一投) or the N-th
        request (一人多投) in the order received."""
        seen = set()
        for number, (received, _, requester) in enumerate(
                sorted(requests), 1):
            seen.add(requester)
            if kind == 'many_to_one':
                if len(seen) >= config['many_to_one_requesters']:
                    return received
            elif number >= config['one_to_many_tickets']:
                return received

    @classmethod
    def active_clusters(cls, kind=None, since=None, region=None):
        "Return the active clusters, the most requesters first."
        domain = [('state', '=', 'active')]
        if kind:
            domain.append(('kind', '=', kind))
        if since:
            domain.append(('last_at', '>=', since))
        if region:
            domain.append(('region', '=', region))
        return cls.search(domain, order=[('requester_count', 'DESC'),
                ('ticket_count', 'DESC'), ('id', 'ASC')])

    @classmethod
    def blocking_clusters(cls, date=None):
        """Return the active clusters with open requests whose first
        request is older than `blocking_open_days` (ANA-07)."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        days = Configuration.get_values()['blocking_open_days']
        # the local start of the day (Asia/Shanghai), stored as UTC
        now = clock.now() if date is None else Calendar.local_datetime(
            date, dt.time())
        return cls.search([
                ('state', '=', 'active'),
                ('open_count', '>', 0),
                ('first_at', '<=', now - dt.timedelta(days=days)),
                ], order=[('first_at', 'ASC'), ('id', 'ASC')])

    @classmethod
    def proposal_values(cls, clusters):
        """Return {cluster id: values} to make a consultation topic
        (CON-05 a) or a supervision (SUP-02 (3)) of each cluster: title,
        description, kind, tickets (ids), units (ids), first_at, last_at."""
        result = {}
        for cluster in clusters:
            result[cluster.id] = {
                'title': cluster.name,
                'description': '%s：%s，%d 件诉求，%d 位诉求人，%d 件未办结' % (
                    cluster.kind_string, cluster.name,
                    cluster.ticket_count or 0, cluster.requester_count or 0,
                    cluster.open_count or 0),
                'kind': cluster.kind,
                'tickets': [t.id for t in cluster.tickets],
                'units': [u.id for u in cluster.units],
                'first_at': cluster.first_at,
                'last_at': cluster.last_at,
                }
        return result

    @classmethod
    def mark_proposed(cls, clusters, record):
        "Remember the record (topic, supervision) made from clusters."
        cls.write(list(clusters), {'proposed_as': str(record)})

    @classmethod
    def _proposable(cls, clusters, model):
        """Return the model of sushi_supervision the clusters are proposed
        to; only active clusters not proposed yet."""
        try:
            Model = Pool().get(model)
        except KeyError:
            raise AccessError(gettext(
                    'sushi_analysis.msg_cluster_propose_unavailable'))
        for cluster in clusters:
            if cluster.state != 'active' or cluster.proposed_as:
                raise AccessError(gettext(
                        'sushi_analysis.msg_cluster_propose_state',
                        cluster=cluster.rec_name))
        return Model

    @classmethod
    @ModelView.button
    def propose_topic(cls, clusters):
        """CON-05 (a): propose each cluster to the 1+X consultation's
        topic pool, from big-data analysis, with its requests; the suggested
        lead is the units' most frequent lead (the Office decides)."""
        Topic = cls._proposable(clusters, 'sushi.consultation.topic')
        values = cls.proposal_values(clusters)
        for cluster in clusters:
            proposal = values[cluster.id]
            # the button's groups decide who proposes; the pool is the
            # Office's, which analysts do not otherwise write
            with without_check_access():
                topic = Topic.propose_from_tickets(
                    cluster.tickets, proposal['title'],
                    description=proposal['description'], source='big_data')
            cls.mark_proposed([cluster], topic)

    @classmethod
    @ModelView.button
    def propose_supervision(cls, clusters):
        """SUP-02 (3): propose routine supervision of each cluster
        (reported repeatedly or by many) to the Office's candidates through
        sushi_supervision's `Candidate.propose_clusters`, as its cron would
        (one candidate per cluster, never twice); the officer confirms or
        dismisses it."""
        Candidate = cls._proposable(clusters, 'sushi.supervision.candidate')
        # the button's groups decide who proposes; the candidates are the
        # Office's, which analysts do not otherwise write
        with without_check_access():
            candidates = Candidate.propose_clusters(clusters)
        for cluster, candidate in zip(clusters, candidates):
            cls.mark_proposed([cluster], candidate)


class ClusterTicket(ModelSQL):
    "Request Cluster - Ticket"
    __name__ = 'sushi.analysis.cluster-sushi.ticket'
    cluster = fields.Many2One('sushi.analysis.cluster', "Cluster",
        required=True, ondelete='CASCADE')
    ticket = fields.Many2One('sushi.ticket', "Ticket", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.ticket, Index.Equality())),
                Index(t, (t.cluster, Index.Equality())),
                })
