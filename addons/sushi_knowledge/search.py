# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Chinese full-text search of the knowledge base (KB-08, TRI-02).

Each entry keeps its text cut into words by jieba (`search_title`,
`search_body`).  PostgreSQL indexes them as generated tsvector columns
('simple' configuration: the words are already cut), one of the title and
one of everything, with GIN indexes, and ranks with ts_rank; SQLite keeps
an FTS5 table in step through triggers and ranks with bm25.  Both weigh
the title, keywords and document number above the body, and look first
for entries with every word in the title, then every word anywhere, then
some words.  Snippets are cut from the original text, so they read as
written."""
import functools
import html
import re
import unicodedata
from functools import reduce

from sql import Cast, Column, Literal, Null, Table
from sql.operators import BinaryOperator, Concat
from sql.functions import Function

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import common
from .exceptions import QueryError

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
# PostgreSQL ranks at most this many matching entries per pass.
CANDIDATES = 200
# Near misses (some words only) are added below fewer strict matches,
# leaving out at most so many words.
NEAR_MISSES = 5
NEAR_MISS_STEPS = 4
FTS_TABLE = 'sushi_knowledge_entry_fts'
# Weights of (title, body) for bm25; ts_rank gives A 1.0 and B 0.4.
BM25_WEIGHTS = (10.0, 1.0)


class _TsMatch(BinaryOperator):
    __slots__ = ()
    _operator = '@@'


class _PlainToTsQuery(Function):
    __slots__ = ()
    _function = 'PLAINTO_TSQUERY'


class _TsRank(Function):
    __slots__ = ()
    _function = 'TS_RANK'


class _TsAnd(BinaryOperator):
    __slots__ = ()
    _operator = '&&'


class _FtsMatch(BinaryOperator):
    __slots__ = ()
    _operator = 'MATCH'


class _Bm25(Function):
    __slots__ = ()
    _function = 'bm25'


def register_index(Entry):
    """Create the full-text index of the entries when it is missing.

    Called by the entry's __register__, after its table is created."""
    cursor = Transaction().connection.cursor()
    table = Entry._table
    if backend.name == 'postgresql':
        handler = backend.TableHandler(Entry)
        vectors = {
            'search_vector': (
                "setweight(to_tsvector('simple', "
                "COALESCE(\"search_title\", '')), 'A') || "
                "setweight(to_tsvector('simple', "
                "COALESCE(\"search_body\", '')), 'B')"),
            'title_vector': (
                "to_tsvector('simple', COALESCE(\"search_title\", ''))"),
            }
        for name, expression in vectors.items():
            if not handler.column_exist(name):
                cursor.execute(
                    f'ALTER TABLE "{table}" ADD COLUMN "{name}" tsvector '
                    f'GENERATED ALWAYS AS ({expression}) STORED')
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{table}_{name}_gin" '
                f'ON "{table}" USING GIN ("{name}")')
    elif backend.name == 'sqlite':
        cursor.execute(
            f'CREATE VIRTUAL TABLE IF NOT EXISTS "{FTS_TABLE}" USING fts5('
            'search_title, search_body, '
            f"content='{table}', content_rowid='id')")
        cursor.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
            f"AND tbl_name = '{table}' AND name LIKE '{FTS_TABLE}%'")
        if cursor.fetchone()[0] == 3:
            return
        # A rebuilt table loses its triggers: create them again and
        # rebuild the index from the table.
        new = 'new."id", new."search_title", new."search_body"'
        old = 'old."id", old."search_title", old."search_body"'
        columns = f'"{FTS_TABLE}"(rowid, search_title, search_body)'
        delete = (f'INSERT INTO "{FTS_TABLE}"("{FTS_TABLE}", rowid, '
            f"search_title, search_body) VALUES ('delete', {old});")
        for suffix, event, body in [
                ('ai', 'INSERT', f'INSERT INTO {columns} VALUES ({new});'),
                ('ad', 'DELETE', delete),
                ('au', 'UPDATE', delete
                    + f' INSERT INTO {columns} VALUES ({new});'),
                ]:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{FTS_TABLE}_{suffix}"')
            cursor.execute(
                f'CREATE TRIGGER "{FTS_TABLE}_{suffix}" AFTER {event} '
                f'ON "{table}" BEGIN {body} END')
        cursor.execute(
            f'INSERT INTO "{FTS_TABLE}"("{FTS_TABLE}") VALUES (\'rebuild\')')


def check_query(query, limit, kinds):
    """Refuse, with a clear message, a query too long to be a question, a
    limit out of range or an unknown kind."""
    from .entry import KINDS
    if query and len(query) > MAX_QUERY_LENGTH:
        raise QueryError(gettext('sushi_knowledge.msg_query_too_long',
                length=len(query), maximum=MAX_QUERY_LENGTH))
    if (not isinstance(limit, int) or isinstance(limit, bool)
            or not 1 <= limit <= MAX_LIMIT):
        raise QueryError(gettext('sushi_knowledge.msg_query_bad_limit',
                limit=limit, maximum=MAX_LIMIT))
    known = {k for k, _ in KINDS}
    for kind in kinds or []:
        if kind not in known:
            raise QueryError(gettext('sushi_knowledge.msg_query_bad_kind',
                    kind=kind))


def match_query(Entry, groups, limit, kinds=None, scope='all',
        exclude=()):
    """Return the SQL query of the published, effective entries that hold
    a word of every group, as (id, rank) rows, best first.  With scope
    'title' the words must be in the title, keywords or document number;
    with 'all' anywhere.

    On PostgreSQL at most CANDIDATES matching rows are ranked, so that a
    vague query over a large knowledge base costs no more than a precise
    one (ts_rank reads each row's vector)."""
    entry = Entry.__table__()
    today = common.today()
    where = ((entry.state == 'published')
        & (entry.effective_date <= today)
        & ((entry.expiry_date == Null) | (entry.expiry_date >= today)))
    if kinds:
        where &= entry.kind.in_(list(kinds))
    if exclude:
        where &= ~entry.id.in_(list(exclude))
    if backend.name == 'postgresql':
        config = Cast(Literal('simple'), 'regconfig')
        tsquery = reduce(_TsAnd, [
                reduce(Concat, [_PlainToTsQuery(config, w) for w in group])
                for group in groups])
        vector = Column(entry,
            'title_vector' if scope == 'title' else 'search_vector')
        candidates = entry.select(entry.id,
            Column(entry, 'search_vector').as_('search_vector'),
            entry.usage_count,
            where=where & _TsMatch(vector, tsquery),
            limit=CANDIDATES)
        rank = _TsRank(candidates.search_vector, tsquery)
        return candidates.select(candidates.id, rank,
            order_by=[rank.desc, candidates.usage_count.desc,
                candidates.id.desc],
            limit=limit)
    fts = Table(FTS_TABLE)
    expression = ' AND '.join(
        '(%s)' % ' OR '.join('"%s"' % w.replace('"', '""') for w in group)
        for group in groups)
    if scope == 'title':
        expression = '{search_title} : (%s)' % expression
    rank = _Bm25(Column(fts, FTS_TABLE), *BM25_WEIGHTS)
    # bm25 is better when lower: negate it so that higher is better.
    return entry.join(fts, condition=Column(fts, 'rowid') == entry.id
        ).select(entry.id, -rank,
        where=where & _FtsMatch(Column(fts, FTS_TABLE), expression),
        order_by=[rank.asc, entry.usage_count.desc, entry.id.desc],
        limit=limit)


def match_entries(Entry, groups, limit, kinds=None, scope='all',
        exclude=()):
    "Return [(entry id, rank)] of match_query, best first."
    cursor = Transaction().connection.cursor()
    query = match_query(Entry, groups, limit, kinds, scope, exclude)
    if backend.name == 'postgresql':
        # With the candidates' LIMIT the planner may prefer to scan the
        # table, reading every row's vector until enough match; the GIN
        # index finds them directly (2 to 5 times faster for common words).
        cursor.execute('SET LOCAL enable_seqscan = off')
        try:
            cursor.execute(*query)
            rows = cursor.fetchall()
        finally:
            cursor.execute('SET LOCAL enable_seqscan TO DEFAULT')
    else:
        cursor.execute(*query)
        rows = cursor.fetchall()
    return [(id_, float(rank or 0)) for id_, rank in rows]


def search_entries(Entry, query, limit=20, kinds=None, marks=('【', '】'),
        escape=None):
    "The work of Entry.search_text; see there."
    Term = Pool().get('sushi.knowledge.term')
    check_query(query, limit, kinds)
    if not query or not query.strip():
        return []
    words, all_words = Term.query_words(query)
    if not words:
        return []
    found = []

    def add(groups, scope, band, width=1):
        found.extend((i, band + width * _squash(r)) for i, r in match_entries(
                Entry, groups, limit - len(found), kinds, scope,
                exclude=[i for i, _ in found]))

    # Every word in the title ranks from 2, every word anywhere from 1.
    add([[w] for w in words], 'title', 2)
    if len(found) < limit:
        add([[w] for w in words], 'all', 1)
    # Near misses, below 1, when there are few entries with every word:
    # the commonest words of the query (by jieba's frequencies) are left
    # out one by one, and a long word may be matched by its longest parts
    # (公积金 for 住房公积金); more words kept rank higher.
    parts = {w: [p for p in all_words
            if p != w and p in w and len(p) >= max(2, len(w) - 2)]
        for w in words}
    rarest = sorted(words, key=lambda w: (Term.commonness(w), words.index(w)))
    n = len(words)
    steps = [(n, True)] + [(k, loose) for k in range(n - 1, 0, -1)
        for loose in [False, True]]
    steps = [(k, loose) for k, loose in steps
        if not loose or any(parts[w] for w in rarest[:k])]
    for k, loose in steps[:NEAR_MISS_STEPS]:
        if len(found) >= min(limit, NEAR_MISSES):
            break
        kept = [w for w in words if w in rarest[:k]]
        add([[w] + (parts[w] if loose else []) for w in kept], 'all',
            (k - 0.5 * loose) / (n + 1), 0.5 / (n + 1))
    entries = Entry.browse([i for i, _ in found])
    marked = sorted(set(words) | set(all_words), key=len, reverse=True)
    return [(entry, rank,
            snippet(entry.content, marked, marks=marks, escape=escape))
        for entry, (_, rank) in zip(entries, found)]


def _squash(rank):
    "Map a backend's rank (0 or more) into [0, 1), keeping its order."
    rank = max(rank, 0)
    return rank / (1 + rank)


@functools.lru_cache(maxsize=4096)
def _fold_char(char):
    folded = unicodedata.normalize('NFKC', char).lower()
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _spans(text, words):
    "Return the sorted, non-overlapping (start, end) of words in text."
    folded = ''.join(_fold_char(c) for c in text)
    taken = []
    for word in words:
        start = folded.find(word)
        while start >= 0 and len(taken) < 500:
            end = start + len(word)
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
            start = folded.find(word, end)
    return sorted(taken)


def snippet(text, words, width=80, marks=('【', '】'), escape=None):
    """Return the passage of text of about width characters with the most
    of words in it, the words put between marks.

    Whitespace runs read as one space; '…' shows where text was cut.
    escape, when given, is applied to the text but not to the marks (the
    API escapes HTML)."""
    text = re.sub(r'\s+', ' ', text or '').strip()
    escape = escape or (lambda s: s)
    spans = _spans(text, [w for w in words if w])
    start, end = 0, len(text)
    if width and len(text) > width:
        best, best_score = 0, -1
        for i, (s, _) in enumerate(spans):
            window_end = s + width
            score = sum(e - b for b, e in spans[i:] if e <= window_end)
            if score > best_score:
                best, best_score = s, score
        start = max(0, min(best - width // 8, len(text) - width))
        end = start + width
    parts = ['…' if start > 0 else '']
    position = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(escape(text[position:s]))
        parts.append(marks[0] + escape(text[s:e]) + marks[1])
        position = e
    parts.append(escape(text[position:end]))
    parts.append('…' if end < len(text) else '')
    return ''.join(parts)


def html_escape(text):
    return html.escape(text, quote=False)


class SearchStart(ModelView):
    __name__ = 'sushi.knowledge.search.start'
    __string__ = "Knowledge Search"

    query = fields.Char("Question",
        help="The caller's question in Chinese: words, a unit or place name, "
        "a document number.")
    kinds = fields.MultiSelection('get_kinds', "Kinds",
        help="Leave empty to search every kind.")
    summary = fields.Char("Found", readonly=True)
    results = fields.One2Many('sushi.knowledge.search.result', None,
        "Results", readonly=True)

    @classmethod
    def get_kinds(cls):
        # The entry's selection, translated (a method's is not)
        Entry = Pool().get('sushi.knowledge.entry')
        return Entry.fields_get(['kind'])['kind']['selection']

    @fields.depends('query', 'kinds', 'results', 'summary')
    def on_change_query(self):
        self.run_search()

    @fields.depends('query', 'kinds', 'results', 'summary')
    def on_change_kinds(self):
        self.run_search()

    def run_search(self):
        pool = Pool()
        Entry = pool.get('sushi.knowledge.entry')
        Result = pool.get('sushi.knowledge.search.result')
        Term = pool.get('sushi.knowledge.term')
        self.results = []
        self.summary = None
        if not self.query or not self.query.strip():
            return
        try:
            found = Entry.search_text(self.query, limit=20,
                kinds=list(getattr(self, 'kinds', None) or []) or None)
        except QueryError as exception:
            self.summary = exception.message
            return
        words = sorted(set().union(*Term.query_words(self.query)),
            key=len, reverse=True)
        self.results = [Result(
                entry=entry,
                title=snippet(entry.title, words, width=None),
                kind=entry.kind,
                owner_unit=entry.owner_unit,
                rank=round(rank, 4),
                snippet=text,
                answer=entry.content,
                selected=False)
            for entry, rank, text in found]
        if found:
            self.summary = gettext('sushi_knowledge.msg_search_found',
                count=len(found))
        else:
            self.summary = gettext('sushi_knowledge.msg_search_nothing')


class SearchResult(ModelView):
    __name__ = 'sushi.knowledge.search.result'
    __string__ = "Knowledge Search Result"

    entry = fields.Many2One('sushi.knowledge.entry', "Entry", readonly=True)
    title = fields.Char("Title", readonly=True)
    kind = fields.Selection('get_kinds', "Kind", readonly=True)
    owner_unit = fields.Many2One('sushi.unit', "Owner Unit", readonly=True)
    rank = fields.Float("Rank", digits=(16, 4), readonly=True)
    snippet = fields.Text("Snippet", readonly=True)
    answer = fields.Text("Answer", readonly=True)
    selected = fields.Boolean("Use",
        help="Tick the entries the answer to the caller came from.")

    @classmethod
    def get_kinds(cls):
        # The entry's selection, translated (a method's is not)
        Entry = Pool().get('sushi.knowledge.entry')
        return Entry.fields_get(['kind'])['kind']['selection']


class Search(Wizard):
    "Search the knowledge base while talking to a caller."
    __name__ = 'sushi.knowledge.search'
    __string__ = "Knowledge Search"

    start = StateView('sushi.knowledge.search.start',
        'sushi_knowledge.search_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Search", 'search', 'tryton-search', default=True),
            ])
    search = StateTransition()

    def default_start(self, fields):
        # Back from a search: show the form again with fresh results.
        if getattr(self.start, 'query', None):
            self.start.run_search()
            return self.start._default_values
        return {}

    def transition_search(self):
        return 'start'
