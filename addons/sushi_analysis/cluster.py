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
import datetime as dt
from collections import defaultdict, namedtuple

from sql import Column, Lateral, Values, Window
from sql.aggregate import Max
from sql.functions import RowNumber

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.security import mask_contacts
from trytond.modules.sushi_ticket.ticket import OPEN_STATES, normalize_phone
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
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
# A ticket as the cluster cron reads it by SQL (ticket_text reads it; the
# requester's name to mask it in a cluster's name)
TicketRow = namedtuple('TicketRow', TextRow._fields + ('state', 'region',
        'category', 'requester_name'))


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
        # update_clusters is the cron's (ir.cron calls it in-process); it
        # is not offered over RPC, where any user could start a whole run
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
        """Cluster the tickets created since the last run (ANA-11), in
        batches of 500 (`cluster_tickets`)."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        Ticket = pool.get('sushi.ticket')
        config = Configuration.get_values()
        now = clock.now()
        checkpoint = config['cluster_checkpoint'] or (
            now - dt.timedelta(days=config['one_to_many_days']))
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*t.select(t.id, t.create_date,
                where=(t.create_date > checkpoint)
                & ~t.state.in_(IGNORED_STATES),
                order_by=[t.id]))
        rows = cursor.fetchall()
        touched = set()
        for sub in grouped_slice([r[0] for r in rows], 500):
            touched |= cls.cluster_tickets(list(sub), config)
        if touched:
            cls.refresh(cls.browse(sorted(touched)))
        if rows:
            Configuration.write([Configuration(1)], {
                    'cluster_checkpoint': max(r[1] for r in rows)})

    @classmethod
    def cluster_tickets(cls, ids, config=None):
        """Put the tickets of ids (in that order) in their clusters: each
        joins the cluster of its matches (`_match_rows`) or opens one with
        them.  Set-based: the candidates of all of them in one query
        (`_candidates`), their texts in one, the clusters they are in
        already in one, the new clusters in one create and their lines in
        one INSERT; Python only scores the candidates.  Return the ids of
        the clusters touched (to `refresh`)."""
        if config is None:
            config = Pool().get('sushi.configuration').get_values()
        tickets = cls._ticket_rows(ids)
        return cls._assign(tickets, cls._match_rows(tickets, config), config)

    @classmethod
    def _ticket_rows(cls, ids):
        "Return the TicketRow of each ticket of ids, in that order."
        Ticket = Pool().get('sushi.ticket')
        t = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        rows = {}
        for sub in grouped_slice(ids, 1000):
            cursor.execute(*t.select(
                    *(getattr(t, f) for f in TicketRow._fields),
                    where=t.id.in_(list(sub))))
            rows.update((r[0], TicketRow(*r)) for r in cursor)
        return [rows[i] for i in ids if i in rows]

    @classmethod
    def _candidates(cls, lookups, limit):
        """Yield (ticket, other) for lookups [(ticket, key, until,
        since)]: the latest limit tickets but ticket itself sharing one of
        its keys, received between since and until; the latest first.  One
        query a thousand lookups: on PostgreSQL a LATERAL join reads only
        the last limit rows of each key, from the index on (key,
        received_at) that includes the ticket; elsewhere the rows of each
        key are ranked by a window function.  The keys' rows are then
        merged per ticket in the same query."""
        Key = Pool().get('sushi.analysis.ticket_key')
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice(sorted(lookups), 1000):
            v = Values([list(l) for l in sub])
            k = Key.__table__()
            match = ((k.key == v.column2) & (k.received_at <= v.column3)
                & (k.received_at >= v.column4) & (k.ticket != v.column1))
            if backend.name == 'postgresql':
                last = Lateral(k.select(
                        k.ticket.as_('other'), k.received_at.as_('received'),
                        where=match, order_by=[k.received_at.desc],
                        limit=limit))
                per_key = v.join(last, type_='CROSS').select(
                    v.column1.as_('ticket'), Column(last, 'other'),
                    Column(last, 'received'))
            else:
                ranked = v.join(k, condition=match).select(
                    v.column1.as_('ticket'), k.ticket.as_('other'),
                    k.received_at.as_('received'),
                    RowNumber(window=Window([v.column1, v.column2],
                            order_by=[k.received_at.desc])).as_('rank'))
                per_key = ranked.select(ranked.ticket, ranked.other,
                    ranked.received, where=ranked.rank <= limit)
            merged = per_key.select(per_key.ticket, per_key.other,
                Max(per_key.received).as_('received'),
                group_by=[per_key.ticket, per_key.other])
            ranked = merged.select(merged.ticket, merged.other,
                RowNumber(window=Window([merged.ticket], order_by=[
                            merged.received.desc, merged.other.desc])
                    ).as_('rank'))
            cursor.execute(*ranked.select(ranked.ticket, ranked.other,
                    where=ranked.rank <= limit,
                    order_by=[ranked.ticket, ranked.rank]))
            yield from cursor

    @classmethod
    def _match_rows(cls, tickets, config, limit=200):
        """Return {ticket id: [(TicketRow, same phone)]} of the earlier
        tickets on the matter of each of tickets (TicketRows): sharing a
        lookup key (place and problem, or phone) in the window before it
        (the longer of the two ANA-11 windows), the latest limit of them,
        scoring at least the cluster threshold; the latest first."""
        days = dt.timedelta(days=max(
                config['many_to_one_days'], config['one_to_many_days']))
        threshold = config['cluster_threshold']
        result = {t.id: [] for t in tickets}
        lookups, own = [], {}
        for ticket in tickets:
            text = ticket_text(ticket)
            phone = (normalize_phone(ticket.requester_phone)
                if ticket.requester_phone else None)
            own[ticket.id] = (ticket, text, phone)
            for key in sorted(dedup.lookup_keys(text, phone, threshold)):
                lookups.append((ticket.id, key, ticket.received_at,
                        ticket.received_at - days))
        candidates = defaultdict(list)
        for ticket, other in cls._candidates(lookups, limit):
            candidates[ticket].append(other)
        # the tickets of no matter are left out here, not in the lookup
        # (which reads the index only): they are few (drafts being typed,
        # rejected, transferred) and take no more than their place
        rows = {r.id: r for r in cls._ticket_rows(
                sorted(set().union(*candidates.values())))
            if r.state not in IGNORED_STATES}
        texts = {i: (ticket_text(r), normalize_phone(r.requester_phone)
                if r.requester_phone else None) for i, r in rows.items()}
        for ticket_id, others in candidates.items():
            _, text, phone = own[ticket_id]
            for other in others:
                if other not in texts:
                    continue
                other_text, other_phone = texts[other]
                same_phone = bool(phone and other_phone == phone)
                value = phone_score(
                    dedup.similarity(text, other_text), same_phone)
                if value >= threshold:
                    result[ticket_id].append((rows[other], same_phone))
        return result

    @classmethod
    def _assign(cls, tickets, matches, config):
        """Put each of tickets (TicketRows, in order) in its clusters given
        its matches {ticket id: [(TicketRow, same phone)]}: per kind, the
        latest cluster still open (not resolved, last request within the
        kind's window) of the ticket or its matches, else a new one named
        by the places and words they share.  The clusters the tickets and
        matches are in are read in one query, kept up to date in memory;
        the new clusters are created at once and all lines inserted by one
        query.  Return the ids of the clusters touched."""
        pool = Pool()
        Line = pool.get('sushi.analysis.cluster-sushi.ticket')
        line = Line.__table__()
        c = cls.__table__()
        cursor = Transaction().connection.cursor()
        involved = sorted({t.id for t in tickets} | {o.id
                for found in matches.values() for o, _ in found})
        # (kind, ticket) -> clusters; cluster -> [kind, last_at, members]
        of = defaultdict(set)
        clusters = {}
        for sub in grouped_slice(involved, 1000):
            cursor.execute(*line.join(c, condition=line.cluster == c.id
                    ).select(line.ticket, c.id, c.kind, c.last_at,
                    where=line.ticket.in_(list(sub))
                    & (c.state != 'resolved')))
            for ticket, cluster, kind, last_at in cursor:
                of[kind, ticket].add(cluster)
                clusters.setdefault(cluster, [kind, last_at, set()])[
                    2].add(ticket)
        new = {}  # temporary (negative) id -> values
        lines, touched = [], set()
        for ticket in tickets:
            found = matches.get(ticket.id, [])
            for kind, days, others in [
                    ('many_to_one', config['many_to_one_days'],
                        [o for o, _ in found]),
                    ('one_to_many', config['one_to_many_days'],
                        [o for o, same in found if same]),
                    ]:
                since = ticket.received_at - dt.timedelta(days=days)
                others = [o for o in others if o.received_at >= since]
                if not others:
                    continue
                open_ = [i for o in others + [ticket] for i in of[kind, o.id]
                    if clusters[i][1] and clusters[i][1] >= since]
                if open_:
                    cluster = max(open_, key=lambda i: (clusters[i][1], i))
                else:
                    cluster = -len(new) - 1
                    new[cluster] = cls._new_values(kind, ticket, others[0])
                    clusters[cluster] = [kind, None, set()]
                touched.add(cluster)
                _, last_at, members = clusters[cluster]
                for other in others + [ticket]:
                    if other.id not in members:
                        members.add(other.id)
                        of[kind, other.id].add(cluster)
                        lines.append([cluster, other.id])
                clusters[cluster][1] = max(filter(None, [last_at,
                            ticket.received_at]))
        if new:
            order = sorted(new, reverse=True)
            created = cls.create([new[i] for i in order])
            ids = dict(zip(order, (r.id for r in created)))
        else:
            ids = {}
        now, user = clock.now(), Transaction().user
        rows = [[ids.get(cluster, cluster), ticket, user, now]
            for cluster, ticket in lines]
        for chunk in grouped_slice(rows, 5000):
            cursor.execute(*line.insert([line.cluster, line.ticket,
                        line.create_uid, line.create_date], list(chunk)))
        return {ids.get(i, i) for i in touched}

    @classmethod
    def _new_values(cls, kind, ticket, other):
        """The values of a new cluster of kind opened by ticket with other
        (TicketRows): named by their shared places and problem words, or
        by ticket's title as who may not read requesters reads it: the
        analysts read clusters (PUB-06)."""
        text, other_text = ticket_text(ticket), ticket_text(other)
        place = dedup.shared_places(text, other_text)
        _, _, words = dedup.score(text, other_text)
        name = ' '.join(filter(None, ['、'.join(place[:2]),
                    '、'.join(words[:3])])) or mask_contacts(
            ticket.title or '', [ticket.requester_name])
        return {
            'kind': kind,
            'name': name[:100],
            'region': ticket.region,
            'category': ticket.category,
            'first_at': min(other.received_at, ticket.received_at),
            'last_at': ticket.received_at,
            }

    @classmethod
    def _batch_matches(cls, tickets, config):
        """Return {ticket id: [(earlier ticket, same phone)]} of tickets
        (records): `_match_rows` for the callers that hold records (the
        demo history)."""
        Ticket = Pool().get('sushi.ticket')
        matches = cls._match_rows(
            cls._ticket_rows([t.id for t in tickets]), config)
        return {i: [(Ticket(o.id), same) for o, same in found]
            for i, found in matches.items()}

    @classmethod
    def _cluster_ticket(cls, ticket, config, matches):
        """Put ticket (a record) in its clusters given its matches
        [(earlier ticket, same phone)] (`_batch_matches`); return the ids
        of the clusters touched.  `cluster_tickets` does a batch at once."""
        rows = {r.id: r for r in cls._ticket_rows(
                [ticket.id] + [o.id for o, _ in matches])}
        return cls._assign([rows[ticket.id]], {ticket.id: [
                    (rows[o.id], same) for o, same in matches]}, config)

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
