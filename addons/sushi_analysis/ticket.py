# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Duplicate detection at intake (PLT-02, SCP-04) and the ticket index the
analysis reads.

Each ticket gets index rows (`sushi.analysis.ticket_key`): the places it
names (estate, site, road, village), its requester's phone, and its words
cut by jieba with the knowledge base's domain dictionary.  The intake
check looks up the tickets sharing a place or the phone through the index
on (key, received_at), then scores only those (`dedup.score`); the hot
words and periodic issues count the word rows in SQL."""
import datetime as dt
import logging
import re
import threading
from collections import namedtuple

from sql import Cast
from sql.aggregate import Count, Max
from sql.conditionals import Coalesce, NullIf
from sql.operators import Concat, Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.security import mask_contacts
from trytond.modules.sushi_ticket.ticket import (
    FINISHED_STATES, INTAKE_STATES, OPEN_STATES, normalize_phone)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from . import dedup

logger = logging.getLogger(__name__)

KEY_KINDS = [
    ('place', "Place"),
    ('matter', "Place and Problem"),
    ('phone', "Phone"),
    ('word', "Word"),
    ('version', "Index Version"),
    ]
# The version of the lookup keys (places, place-and-problem, phone) that
# `index_keys` writes, kept as a 'version' row of each ticket: tickets of
# the lookup window indexed by an older version are re-keyed when the
# module is updated (`Ticket.__register__`).  Raise it whenever the keys
# a text gives change (dedup.CONCEPTS, the place suffixes, the key form).
# 1 (no row): places and phone; 2: + place-and-problem keys, suffix
# homophones (小曲, 露) and the place fixes of dedup (广场舞, 和); 3: the
# fields of a ticket joined by 。 (ticket_text), not a space.
KEY_VERSION = '3'
# The fillers of the duplicate finder say nothing of the matter either; the
# other such words are the setting statistics_stop_words.
FILLERS = frozenset(dedup._FILLERS)
INDEXED_FIELDS = {'title', 'description', 'address', 'requester_phone',
    'requester_name', 'requester_party', 'received_at'}
# PUB-06, ANA-04: a hot word names nobody.  It is shown (analysis reports,
# the leaders' dashboard) only when at least this many distinct requesters
# used it, and never below hot_word_min_count (k-anonymity): a word of one
# requester's texts (their name, estate, child's name) or of two who know
# each other is no hot word.  Its words never hold the requester's name,
# a person name jieba tags (nr, nrfg, nrt), a mask or anything but Chinese.
HOT_WORD_MIN_REQUESTERS = 3
CHINESE = re.compile(r'[\u4e00-\u9fa5]+')
_POSSEG = None
_POSSEG_LOCK = threading.Lock()


def posseg():
    "jieba's part-of-speech tagger (default dictionary), loaded once."
    global _POSSEG
    if _POSSEG is None:
        with _POSSEG_LOCK:
            if _POSSEG is None:
                import jieba
                import jieba.posseg
                jieba.setLogLevel(logging.WARNING)
                _POSSEG = jieba.posseg
    return _POSSEG


def public_word(word, flag=None):
    """Tell whether a word may be a hot word (PUB-06): Chinese, two
    characters or more, no mask (某某) and not tagged a person name."""
    return (len(word) >= 2 and '某' not in word
        and not (flag or '').startswith('nr')
        and CHINESE.fullmatch(word) is not None)


def person_names(words, title=None):
    """The words jieba tags as person names (nr, nrfg, nrt): by the tag of
    its dictionary, and in the title (where a caller's name mostly is:
    李秀英反映…) also the words its tagger finds (names it does not know).
    The tagger reads the title only: over the whole text it cost 2.7 ms a
    request and, a word out of its context, it took 养老 or 盖章 for
    names."""
    pos = posseg()
    tags = pos.dt.word_tag_tab
    names = {word for word in words
        if (tags.get(word) or '').startswith('nr')}
    if title:
        names.update(word for word, flag in pos.cut(title)
            if flag.startswith('nr'))
    return names


def requester_key(id_, name, phone, party):
    """Who asked, as the hot words count requesters: the phone, else the
    party, else the name, else the order itself."""
    if phone:
        return 'phone:%s' % phone
    if party:
        return 'party:%s' % int(party)
    if name:
        return 'name:%s' % name
    return 'order:%s' % id_


def requester_column(table):
    "requester_key as an SQL expression over the ticket table."
    return Coalesce(
        Concat('phone:', NullIf(table.requester_phone, '')),
        Concat('party:', Cast(table.requester_party, 'VARCHAR')),
        Concat('name:', NullIf(table.requester_name, '')),
        Concat('order:', Cast(table.id, 'VARCHAR')))


class TicketKey(ModelSQL):
    "Ticket Analysis Key"
    __name__ = 'sushi.analysis.ticket_key'
    ticket = fields.Many2One('sushi.ticket', "Ticket", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(KEY_KINDS, "Kind", required=True)
    key = fields.Char("Key", required=True)
    received_at = fields.DateTime("Received at", required=True)
    # of the word rows: who asked (requester_key), the hot words count
    # distinct requesters (PUB-06)
    requester = fields.Char("Requester")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                # the ticket included: the lookups (intake check, cluster
                # cron) read the index only
                Index(t, (t.key, Index.Equality()),
                    (t.received_at, Index.Range()), include=[t.ticket]),
                Index(t, (t.kind, Index.Equality()),
                    (t.received_at, Index.Range())),
                Index(t, (t.ticket, Index.Equality())),
                })

    @classmethod
    def __register__(cls, module):
        fill = (backend.TableHandler.table_exist(cls._table)
            and not cls.__table_handler__(module).column_exist('requester'))
        super().__register__(module)
        if fill:
            # the word rows indexed before the requester was kept: one
            # UPDATE, the requester read from the ticket (PUB-06)
            Ticket = Pool().get('sushi.ticket')
            k = cls.__table__()
            t = Ticket.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*k.update([k.requester],
                    [t.select(requester_column(t), where=t.id == k.ticket)],
                    where=k.kind == 'word'))


TEXT_FIELDS = ('title', 'description', 'address')
# A ticket's row as the set-based code reads it, for ticket_text
TextRow = namedtuple('TextRow', ('id',) + TEXT_FIELDS + ('requester_phone',
        'received_at'))


# index_keys' rows on PostgreSQL (table name, then the columns' arrays)
UNNEST_INSERT = ('INSERT INTO "%s" '
    '(ticket, kind, key, received_at, requester, create_uid, create_date) '
    'SELECT t, k, y, r, q, %%s, %%s FROM unnest('
    '%%s::integer[], %%s::varchar[], %%s::varchar[], %%s::timestamp[], '
    '%%s::varchar[]) AS u (t, k, y, r, q)')


def ticket_text(ticket):
    """The text a ticket is compared by: title, request and address (of a
    record or of a TextRow read by SQL)."""
    # joined by a full stop, not a space: the place reader ignores spaces,
    # so "…无人维修 埇桥区…" read as one run made a road "维修埇桥" (桥 ends
    # road names) out of a title's end and the district, and the same
    # complaint told twice scored 0.21 instead of 0.94
    return '。'.join(filter(None, [getattr(ticket, name, None)
                for name in TEXT_FIELDS]))


def phone_score(value, same_phone):
    """The duplicate score of two requests by the same caller: a like
    problem (0.4 at least) from the same phone is the same matter."""
    if same_phone and value >= 0.4:
        return min(1.0, value + 0.15)
    return value


def lookup_rows(ticket):
    """Return the lookup key rows [kind, key] of a ticket (record or
    TextRow): its places, place-and-problem keys, phone and the
    KEY_VERSION they were made by."""
    text = ticket_text(ticket)
    phone = (normalize_phone(ticket.requester_phone)
        if ticket.requester_phone else None)
    rows = [['phone' if key.startswith('phone:') else 'place', key]
        for key in sorted(dedup.keys(text, phone))]
    rows.extend(['matter', key] for key in sorted(dedup.matter_keys(text)))
    rows.append(['version', KEY_VERSION])
    return rows


def text_words(text, tokenizer, stop_words, names=(), title=None):
    """Return the sorted word keys of a text: jieba's words and the problem
    words of the dedup lexicon, which jieba may cut apart (路灯 in
    淮海路路灯不亮), and whole place names (汴河花园, not 汴河 and 花园);
    stop words, digits and single characters left out.  PUB-06: the text is
    cut with names (the requester's) and contacts masked, and person names
    jieba tags, masks and words not Chinese are left out."""
    text = mask_contacts(text, names)
    words = set(tokenizer.cut(dedup.normalize(text)))
    reading = dedup.analyse(text)
    words.update(reading[3])
    # the places the reader finds stay, even those jieba tags as names
    # (碧桂园, 马井镇)
    places = {name for kind, name in reading[0]
        if kind in {'estate', 'site', 'road', 'village'}}
    words -= person_names(words - places,
        title=mask_contacts(title, names) if title else None)
    words |= places
    return [word for word in sorted(words)
        if (public_word(word) and word not in stop_words)]


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    duplicate_hints = fields.Function(fields.Text("Possible Duplicates",
            states={'invisible': ~Eval('state').in_(INTAKE_STATES)},
            help="Open orders (and recently closed ones) on the same "
            "matter, the likeliest first, with why."),
        'on_change_with_duplicate_hints')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the cluster cron takes the tickets created since its checkpoint
        cls._sql_indexes.add(Index(t, (t.create_date, Index.Range())))

    @classmethod
    def similarity(cls, a, b):
        """Return the duplicate score of two request texts between 0 and 1
        (PLT-02): the same place and the same problem make a duplicate;
        see `dedup` for how places, problems and typos are read."""
        return dedup.similarity(a, b)

    def find_similar(self, finished=False, limit=5):
        return [(t, s) for t, s, _ in self.find_duplicates(
                finished=finished, limit=limit)]

    def find_duplicates(self, finished=False, limit=5):
        """Return [(ticket, score, reasons)] of the tickets on the same
        matter, the likeliest first: open ones (SCP-04 a) or, with
        finished, those closed within the repeat window (SCP-04 b, c).
        reasons is a list of short texts (same place, same problem words,
        same requester).  Candidates share an indexed place or the phone;
        only they are scored."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        Key = pool.get('sushi.analysis.ticket_key')
        config = Configuration.get_values()
        text = ticket_text(self)
        if not text.strip():
            return []
        phone = (normalize_phone(self.requester_phone)
            if self.requester_phone else None)
        threshold = config['similar_threshold']
        # place-and-problem keys: only the requests that can reach the
        # threshold are read (dedup.PRUNE_BELOW)
        keys = dedup.lookup_keys(text, phone, threshold)
        if not keys:
            # nothing to look up by: the ticket module's own narrowing
            return [(t, s, self._duplicate_reasons(t, text, phone))
                for t, s in super().find_similar(
                    finished=finished, limit=limit)]
        days = config['repeat_window_days' if finished
            else 'similar_window_days']
        since = (self.received_at or clock.now()) - dt.timedelta(days=days)
        k = Key.__table__()
        t = self.__table__()
        states = FINISHED_STATES if finished else OPEN_STATES
        own = self.id if self.id and self.id >= 0 else -1
        cursor = Transaction().connection.cursor()
        cursor.execute(*k.join(t, condition=k.ticket == t.id).select(
                k.ticket,
                where=k.key.in_(sorted(keys)) & (k.received_at >= since)
                & (k.ticket != own) & t.state.in_(states),
                group_by=[k.ticket],
                order_by=[Max(k.received_at).desc],
                limit=200))
        ids = [i for i, in cursor]
        # the user's rights apply: a unit sees only its own tickets
        candidates = self.search([('id', 'in', ids)]) if ids else []
        scored = []
        for candidate in candidates:
            value, relation, words, same_phone = self._duplicate_score(
                candidate, text, phone)
            if value >= threshold:
                scored.append((candidate, value, relation, words,
                        same_phone))
        scored.sort(key=lambda s: (-s[1], -s[0].id))
        # the reasons of the ones shown only
        return [(candidate, value, self._duplicate_reasons(
                    candidate, text, phone, relation, words, same_phone))
            for candidate, value, relation, words, same_phone
            in scored[:limit]]

    def _duplicate_score(self, other, text, phone):
        "Return (score, place relation, shared words, same phone)."
        value, relation, words = dedup.score(text, ticket_text(other))
        same_phone = bool(phone and other.requester_phone
            and normalize_phone(other.requester_phone) == phone)
        return phone_score(value, same_phone), relation, words, same_phone

    def _duplicate_reasons(self, other, text, phone, relation=None,
            words=None, same_phone=None):
        if relation is None and words is None:
            _, relation, words = dedup.score(text, ticket_text(other))
        if same_phone is None:
            same_phone = bool(phone and other.requester_phone
                and normalize_phone(other.requester_phone) == phone)
        reasons = []
        if relation == 'same':
            places = dedup.shared_places(text, ticket_text(other))
            reasons.append(gettext('sushi_analysis.msg_reason_place',
                    places='、'.join(places)))
        if words:
            reasons.append(gettext('sushi_analysis.msg_reason_problem',
                    words='、'.join(words)))
        if same_phone:
            reasons.append(gettext('sushi_analysis.msg_reason_requester'))
        return reasons

    @fields.depends('title', 'description', 'address', 'requester_phone',
        'received_at', 'id', 'state', 'category', 'region')
    def on_change_with_duplicate_hints(self, name=None):
        # PUB-06: not for who reads requesters masked (titles, same caller)
        if self.state not in INTAKE_STATES or self._hides_requesters():
            return None
        lines = []
        states = dict(self.fields_get(['state'])['state']['selection'])
        for finished in (False, True):
            for ticket, value, reasons in self.find_duplicates(
                    finished=finished):
                lines.append(gettext('sushi_analysis.msg_duplicate_line',
                        number=ticket.number or '',
                        title=ticket.title or '',
                        state=states.get(ticket.state, ticket.state),
                        score='%.0f' % (value * 100),
                        reasons='；'.join(reasons)))
        return '\n'.join(lines) or None

    @classmethod
    def on_modification(cls, mode, tickets, field_names=None):
        super().on_modification(mode, tickets, field_names=field_names)
        if mode == 'create' or (mode == 'write'
                and INDEXED_FIELDS & set(field_names or [])):
            cls.index_keys(tickets)

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if module == 'sushi_analysis':
            cls.rekey_outdated()

    @classmethod
    def _lookup_window_days(cls):
        """The longest window the duplicate check and the clusters look
        back over (similar, repeat and the ANA-11 windows), read by SQL:
        at update time the other modules' columns may not exist yet."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        names = ['similar_window_days', 'repeat_window_days',
            'many_to_one_days', 'one_to_many_days']
        c = Configuration.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*c.select(*(getattr(c, n) for n in names),
                order_by=[c.id], limit=1))
        row = cursor.fetchone() or [None] * len(names)
        return max(value if value is not None
            else getattr(Configuration, 'default_%s' % name)()
            for name, value in zip(names, row))

    @classmethod
    def rekey_outdated(cls, batch=2000):
        """Rewrite the lookup keys of the tickets of the lookup window that
        an older KEY_VERSION indexed (a database indexed before the
        place-and-problem keys: the duplicate check and the clusters would
        no longer find them).  Set-based: each batch of tickets is read by
        one query, its old lookup keys deleted by one and the new ones
        inserted by one; the words are left as they are (jieba's, not
        versioned).  Progress is logged.  Return the tickets re-keyed."""
        pool = Pool()
        Key = pool.get('sushi.analysis.ticket_key')
        k = Key.__table__()
        v = Key.__table__()
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        since = clock.now() - dt.timedelta(days=cls._lookup_window_days())
        outdated = (t.received_at >= since) & ~Exists(v.select(v.id,
                where=(v.ticket == t.id) & (v.kind == 'version')
                & (v.key == KEY_VERSION)))
        cursor.execute(*t.select(Count(t.id), where=outdated))
        total, = cursor.fetchone()
        if not total:
            return 0
        logger.info('re-keying %d tickets received since %s (analysis '
            'index version %s)', total, since, KEY_VERSION)
        user, now = Transaction().user, clock.now()
        done, last = 0, 0
        while True:
            cursor.execute(*t.select(*(getattr(t, f) for f in TextRow._fields),
                    where=outdated & (t.id > last),
                    order_by=[t.id], limit=batch))
            tickets = [TextRow(*r) for r in cursor]
            if not tickets:
                break
            last = tickets[-1].id
            ids = [r.id for r in tickets]
            cursor.execute(*k.delete(where=k.ticket.in_(ids)
                    & (k.kind != 'word')))
            rows = [[r.id, kind, key, r.received_at, user, now]
                for r in tickets
                for kind, key in lookup_rows(r)]
            for chunk in grouped_slice(rows, 5000):
                cursor.execute(*k.insert(
                        [k.ticket, k.kind, k.key, k.received_at,
                            k.create_uid, k.create_date], list(chunk)))
            done += len(tickets)
            logger.info('re-keyed %d of %d tickets', done, total)
        return done

    @classmethod
    def _word_cutter(cls):
        """Return (tokenizer, stop words) of the word rows: jieba with the
        domain dictionary, the stop words and fillers of the dictionary
        and the words of how a request is made (setting
        statistics_stop_words)."""
        pool = Pool()
        Term = pool.get('sushi.knowledge.term')
        stop_words = (Term.lexicon()[0] | FILLERS
            | pool.get('sushi.configuration').statistics_stop_word_set())
        return Term.tokenizer(), stop_words

    @classmethod
    def text_words(cls, text, names=(), title=None):
        "Return the sorted word keys of a text, as its word rows hold them."
        return text_words(text, *cls._word_cutter(), names=names,
            title=title)

    @classmethod
    def index_keys(cls, tickets):
        """(Re)write the analysis index rows of tickets: places, phone and
        words (jieba with the domain dictionary, stop words left out)."""
        pool = Pool()
        Key = pool.get('sushi.analysis.ticket_key')
        k = Key.__table__()
        cursor = Transaction().connection.cursor()
        tokenizer, stop_words = cls._word_cutter()
        now = clock.now()
        for sub in grouped_slice(tickets, 500):
            sub = list(sub)
            cursor.execute(*k.delete(
                    where=k.ticket.in_([t.id for t in sub])))
            rows = []
            for ticket in sub:
                text = ticket_text(ticket)
                received = ticket.received_at or now
                rows.extend([ticket.id, kind, key, received, None]
                    for kind, key in lookup_rows(ticket))
                requester = requester_key(ticket.id,
                    ticket.requester_name, ticket.requester_phone,
                    ticket.requester_party and ticket.requester_party.id)
                rows.extend([ticket.id, 'word', word, received, requester]
                    for word in text_words(text, tokenizer, stop_words,
                        names=[ticket.requester_name], title=ticket.title))
            if backend.name == 'postgresql':
                # one array a column: the same short statement whatever
                # the number of rows (a multi-row VALUES of ~25 rows an
                # order was compiled, then its placeholders rewritten by
                # psycopg, for every batch of the Open311 queue)
                if rows:
                    cursor.execute(UNNEST_INSERT % Key._table,
                        [Transaction().user, now]
                        + [list(c) for c in zip(*rows)])
                continue
            # 7 parameters a row: PostgreSQL takes at most 65 535 a query
            for chunk in grouped_slice(rows, 5000):
                cursor.execute(*k.insert(
                        [k.ticket, k.kind, k.key, k.received_at,
                            k.requester, k.create_uid, k.create_date],
                        [r + [Transaction().user, now] for r in chunk]))
