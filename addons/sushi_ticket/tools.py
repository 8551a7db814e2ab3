# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Small helpers the models of the sushi modules share."
import datetime as dt
import logging
import re
import threading
import time
from contextlib import contextmanager

from sql import Column, Literal, Values
from sql.conditionals import Case, Coalesce
from sql.functions import Function
from sql.operators import And, BinaryOperator, Concat

from trytond.cache import LRUDict
from trytond.model import Unique, fields
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

PHONE = re.compile(r'^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$')


def month_after(first):
    "The first day of the month after the one of a date."
    return (first + dt.timedelta(days=32)).replace(day=1)


def missed_months(newest, before, since):
    """The first days of the months a monthly cron that did not run
    missed: those after `newest` (the first day of the newest month made;
    None: nothing is missed in a new database) and before `before`, from
    the month of `since` on (how far back they are made, late rather than
    never)."""
    months = []
    if newest is None:
        return months
    month = max(month_after(newest), since.replace(day=1))
    while month < before:
        months.append(month)
        month = month_after(month)
    return months


class UniqueCodeMixin:
    """A record known by its code, unique among its kind (units,
    categories, channels, time limits, not-accepted reasons); the error is
    the ir.message named by _code_unique_message."""
    __slots__ = ()
    _code_unique_message = None

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints.append(
            ('code_unique', Unique(t, t.code), cls._code_unique_message))


class SubstringTextMixin:
    """The model's long texts (Text fields) found by any part of their
    text on PostgreSQL as on SQLite: the search bar and the filters of
    the staff's lists.

    Tryton searches a Text field (`search_full_text`) on PostgreSQL with
    a text-search match in the 'simple' configuration, which reads a
    Chinese sentence, without spaces, as one word: `description ilike
    '%污水管道%'` found nothing there, the order on SQLite.  Here every
    Text field of the model is searched as a Char field is (ILIKE on the
    column, Char.convert_domain); ordering by the field is
    unchanged (the column; a `Model.field.order` context ranks by
    similarity when pg_trgm is there, as for a Char).  None of these
    columns has a text-search index (the knowledge base's search keeps
    its own tsvector columns and SQL, search.py), so no index is lost.

    Every stored model of the sushi modules gets it through the guard
    (guard.ReadGuardMixin), the base each of them already has by its
    module's security.py, and so do the core models the guard extends
    (attachments, notes, users, parties): a Text field added to any of
    them is found by a part of it without more code."""
    __slots__ = ()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        for field in cls._fields.values():
            # a Function or MultiValue field passes it on to its own field
            if field._type == 'text':
                field.search_full_text = False


def rec_name_domain(clause, field_names):
    """Return the domain that searches the record name clause in each of
    field_names: any of them matching, or, for a negative operator, none."""
    _, operator, operand, *extra = clause
    if operator.startswith('!') or operator.startswith('not '):
        bool_op = 'AND'
    else:
        bool_op = 'OR'
    return [bool_op] + [
        (name, operator, operand, *extra) for name in field_names]


# LGT-01: red and yellow rows in every list of a model with a light
LIGHT_ROWS = ('/tree', 'visual', If(Eval('light') == 'red', 'danger',
        If(Eval('light') == 'yellow', 'warning', '')), ['light'])


def normalize_phone(phone):
    "Keep the digits and the dash of an area code; drop spaces and +86."
    phone = re.sub(r'[\s()（）]', '', phone or '')
    if phone.startswith('+86'):
        phone = phone[3:]
    elif phone.startswith('86') and len(phone) == 13:
        phone = phone[2:]
    return phone


def create_trigram_extension():
    """Issue #14: create PostgreSQL's pg_trgm extension, if the database
    lets us, before the trigram indexes of the search bar are created;
    and btree_gin, with which a unit and its orders' title trigrams make
    one GIN index (a unit's search bar on its assignments' title copy).

    Without them (SQLite, or a role that may not create extensions) the
    Index.Similarity indexes fall back to B-tree: prefixes are still served,
    infix searches scan; see the README (scale)."""
    from trytond import backend
    from trytond.transaction import Transaction
    if backend.name != 'postgresql':
        return False
    transaction = Transaction()
    database = transaction.database
    cursor = transaction.connection.cursor()
    created = True
    for extension, warning in [
            ('pg_trgm', "pg_trgm could not be created: substring searches "
                "of numbers, titles and phones will scan the table "
                "(CREATE EXTENSION pg_trgm as a superuser)"),
            ('btree_gin', "btree_gin could not be created: a unit's "
                "search bar reads its orders' titles without the "
                "unit-and-title index (CREATE EXTENSION btree_gin as a "
                "superuser)"),
            ]:
        if database.has_extension(extension):
            continue
        cursor.execute('SAVEPOINT sushi_extension')
        try:
            cursor.execute('CREATE EXTENSION IF NOT EXISTS %s' % extension)
        except Exception:
            cursor.execute('ROLLBACK TO SAVEPOINT sushi_extension')
            logger.warning(warning)
            created = False
            continue
        cursor.execute('RELEASE SAVEPOINT sushi_extension')
        database._extensions[database.name].pop(extension, None)
    return created


# Issue #14 (fourteenth session): a word of two characters (most Chinese
# words: 噪音, 停水, 路灯) makes no trigram, so pg_trgm cannot serve its
# LIKE '%ab%'; on PostgreSQL a GIN index of the title's character pairs
# does (BigramChar).  The function is IMMUTABLE (an index expression, and
# folded by the planner when its argument is a constant): the distinct
# pairs of adjacent characters of the lower-cased text.
BIGRAM_FUNCTION = 'sushi_bigrams'
BIGRAM_FUNCTION_SQL = (
    'CREATE OR REPLACE FUNCTION "%s"(text) RETURNS text[] '
    'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ '
    'SELECT COALESCE(ARRAY_AGG(DISTINCT SUBSTR(l.t, i, 2)), '
    "'{}'::text[]) "
    'FROM (SELECT LOWER($1) AS t) AS l, '
    'GENERATE_SERIES(1, LENGTH(l.t) - 1) AS i $$' % BIGRAM_FUNCTION)


class Bigrams(Function):
    "sushi_bigrams(text): the distinct pairs of characters, lower-cased."
    __slots__ = ()
    _function = BIGRAM_FUNCTION


class Contains(BinaryOperator):
    "array @> array"
    __slots__ = ()
    _operator = '@>'


def like_segments(pattern):
    """The literal runs of a LIKE pattern (backslash escapes), split at
    its wildcards % and _."""
    segments, current, escaped = [], [], False
    for char in pattern:
        if escaped:
            current.append(char)
            escaped = False
        elif char == '\\':
            escaped = True
        elif char in '%_':
            segments.append(''.join(current))
            current = []
        else:
            current.append(char)
    segments.append(''.join(current))
    return [s for s in segments if s]


def bigram_segments(operator, value):
    """The literal runs of two characters of a positive LIKE/ILIKE pattern
    that makes no trigram (every run shorter than three characters: the
    trigram indexes serve the others), else []."""
    if operator not in {'like', 'ilike'} or not isinstance(value, str):
        return []
    segments = like_segments(value)
    if any(len(s) >= 3 for s in segments):
        return []
    return [s for s in segments if len(s) == 2]


def has_bigrams():
    "Whether the database has sushi_bigrams (PostgreSQL, the module's)."
    from trytond import backend
    if backend.name != 'postgresql':
        return False
    return bool(Transaction().database.has_proc(BIGRAM_FUNCTION))


def create_bigram_index(table, column, name):
    """Issue #14: on PostgreSQL, sushi_bigrams and a GIN index of the pairs
    of COALESCE(column, '') of table (as BigramChar searches it); ANALYZE
    when the index is new, so that the planner knows how common each pair
    is (the statistics of the index's expression).  SQLite: nothing, the
    LIKE scans as before."""
    from trytond import backend
    if backend.name != 'postgresql':
        return
    transaction = Transaction()
    database = transaction.database
    cursor = transaction.connection.cursor()
    cursor.execute(BIGRAM_FUNCTION_SQL)
    database._has_proc[database.name].pop(BIGRAM_FUNCTION, None)
    cursor.execute('SELECT 1 FROM pg_class WHERE relname = %s '
        "AND relkind = 'i'", (name,))
    if cursor.fetchone():
        return
    cursor.execute('CREATE INDEX "%s" ON "%s" USING GIN '
        '("%s"(COALESCE("%s", \'\')))'
        % (name, table, BIGRAM_FUNCTION, column))
    cursor.execute('ANALYZE "%s"' % table)


class BigramChar(fields.Char):
    """A Char searched on PostgreSQL with, beside its LIKE/ILIKE, the
    containment of the pattern's pairs of characters in the text's
    (sushi_bigrams, the GIN index of create_bigram_index) when the pattern
    makes no trigram but has a run of two characters: `COALESCE(title, '')
    LIKE '%噪音%' AND sushi_bigrams(COALESCE(title, '')) @>
    sushi_bigrams('噪音')`.  The LIKE is kept (exact: a text holding 噪 and
    音 apart has both pairs' characters but not the pair); the pairs are a
    superset test (LIKE and ILIKE both imply the lower-cased text holds the
    lower-cased run, PostgreSQL's ILIKE being lower() on both sides).  Not
    through unaccent() (an ILIKE through it matches pairs the text does not
    hold) nor on SQLite: the LIKE alone, as before.

    The LIKE is written inside `CASE WHEN … THEN TRUE ELSE FALSE END`
    (the same rows: COALESCE makes it never NULL) for the planner: as a
    bare LIKE it matches the column's trigram index, which for a pattern
    without a trigram is a scan of the whole index (ANDed with the pairs'
    bitmap: 0.7-0.9 s at 1 M), and its own selectivity multiplied by the
    pairs' (the planner takes them as independent, though the LIKE implies
    the pairs) made every word look a hundred times rarer than it is.  The
    CASE is estimated at one half: the pairs' statistics (their most
    common elements, kept for the index's expression) decide.  In a walk
    of the list order the LIKE is tested first (cheaper than the
    function)."""

    def convert_domain(self, domain, tables, Model):
        expression = super().convert_domain(domain, tables, Model)
        name, operator, value = domain
        segments = bigram_segments(operator, value)
        if (not segments or self.translate or not has_bigrams()
                or (operator == 'ilike'
                    and Transaction().database.has_unaccent())):
            return expression
        pairs = None
        for segment in segments:
            pair = Bigrams(segment)
            pairs = pair if pairs is None else Concat(pairs, pair)
        column = Coalesce(self.sql_column(tables, Model), '')
        return And([Contains(Bigrams(column), pairs),
                Case((expression, Literal(True)), else_=Literal(False))])


# Issue #14: where the page before ended, per user, model, domain, order
# and context: {(…): {offset: (order value, id, monotonic time)}}
_PAGES = LRUDict(4096)
_PAGES_LOCK = threading.Lock()
# seconds a page's end is remembered: a working day (a list left open over
# lunch still continues after the rows on the screen; 10 minutes before the
# fourth session, after which the next page walked its OFFSET again)
PAGE_TTL = 8 * 3600
# Issue #14: counts that reached their limit ("at least limit rows"), per
# statement: {(database, SQL, parameters): (count, monotonic time)}
_FULL_COUNTS = LRUDict(1024)
FULL_COUNT_TTL = 300   # seconds a count that reached its limit is reused
FULL_COUNT_MIN = 1000  # sao's tab counts (1 000) and list counts (100 000)


class IdSearchMixin:
    """Issue #14: search() selects the ids only, and the next page of a
    list continues where the one before ended.

    ModelSQL.search selects every eager column of each found row to fill
    the transaction cache, and trytond's cursor_dict rebuilds psycopg's
    column description for each row: a list page of 1 000 work orders cost
    a second in Python for columns the list does not show.  read() loads
    what the view shows, for the rows it shows.

    sao pages by OFFSET, and PostgreSQL walks every row before the offset:
    a page near the millionth row walks a million index entries.  When a
    search in the model's own order (`(column DESC, id DESC)`) asks the
    offset at which a page of the same user, domain, order and context
    ended less than PAGE_TTL ago, it continues after that page's last row
    instead (`column <= last AND (column < last OR id < last id)`, no
    OFFSET): the same rows while the list does not change, and no row seen
    twice or skipped when new orders arrive at its top.  PostgreSQL only
    (SQLite compares datetimes as text)."""
    __slots__ = ()

    @classmethod
    def estimated_count(cls):
        """Issue #14: PostgreSQL forgets its table statistics after a crash
        or an immediate shutdown (n_live_tup is 0 until the next ANALYZE)
        and Tryton's estimate is then 0: search_count would ignore its
        limit and count every row of sao's lists (millions, seconds).  The
        planner's reltuples survive; they are used while the statistics are
        empty."""
        from trytond import backend
        from trytond.transaction import Transaction
        count = super().estimated_count()
        if not count and backend.name == 'postgresql':
            cursor = Transaction().connection.cursor()
            cursor.execute('SELECT reltuples FROM pg_class '
                'WHERE oid = to_regclass(%s)', (cls._table,))
            row = cursor.fetchone()
            if row and row[0] and row[0] > 0:
                count = int(row[0])
        return count

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        from trytond.transaction import Transaction
        if count and not query:
            return cls._search_count_full(domain, offset, limit)
        if count or query:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        select = super().search(domain, offset=offset, limit=limit,
            order=order, query=True)
        table, column = cls._page_column(select, order, limit)
        key = None
        if column is not None:
            transaction = Transaction()
            try:
                key = (transaction.database.name, transaction.user,
                    cls.__name__, repr(domain), repr(order), limit,
                    repr(sorted(transaction.context.items(),
                            key=lambda i: i[0])))
            except Exception:
                key = None
        if key is not None:
            with _PAGES_LOCK:
                start = _PAGES.get(key, {}).get(offset) if offset else None
            if start and time.monotonic() - start[2] < PAGE_TTL:
                value, last, _ = start
                # `column <= value` first: the index of the order starts
                # there (an OR alone would be a filter of every row)
                after = (column <= value) & (
                    (column < value) | (table.id < last))
                select.where = (after if select.where is None
                    else select.where & after)
                select.offset = None
            select.columns = tuple(select.columns) + (
                column.as_('_page_value'),)
        cursor = Transaction().connection.cursor()
        cursor.execute(*select)
        rows = cursor.fetchall()
        if key is not None and rows and len(rows) == limit:
            with _PAGES_LOCK:
                pages = _PAGES.setdefault(key, {})
                if len(pages) > 1000:
                    pages.clear()
                pages[offset + limit] = (
                    rows[-1][-1], rows[-1][0], time.monotonic())
        return cls.browse([r[0] for r in rows])

    @classmethod
    def _search_count_full(cls, domain, offset, limit):
        """Count as Tryton does; a count of a large limit that reached it
        is reused for FULL_COUNT_TTL by the same statement (same domain,
        rules and limit: the same SQL and parameters).

        sao asks the count of every full list page up to 100 pages
        (search_count(domain, 0, 100 000)), an index walk of 100 000 entries
        (100-200 ms) each time a list is shown, and shows a count that
        reached the limit as "100k+": while the list keeps at least that
        many rows the answer does not change.  A smaller count is exact and
        counted each time.  PostgreSQL only (the tests' SQLite databases
        are small and change between counts)."""
        from trytond import backend
        from trytond.transaction import Transaction
        select = super().search(domain, offset=offset, limit=limit,
            order=[], count=True, query=True)
        transaction = Transaction()
        key = None
        if (backend.name == 'postgresql' and limit is not None
                and limit >= FULL_COUNT_MIN):
            sql, params = tuple(select)
            key = (transaction.database.name, sql, repr(params))
            with _PAGES_LOCK:
                known = _FULL_COUNTS.get(key)
            if known and time.monotonic() - known[1] < FULL_COUNT_TTL:
                return known[0]
        cursor = transaction.connection.cursor()
        cursor.execute(*select)
        result = cursor.fetchone()[0]
        if key is not None and result >= limit:
            with _PAGES_LOCK:
                _FULL_COUNTS[key] = (result, time.monotonic())
        return result

    @classmethod
    def _page_column(cls, select, order, limit):
        """The main table of select and the column of the model's order if
        its pages can continue from the one before, else (None, None)."""
        from sql import Join, Table
        from trytond import backend
        none = None, None
        if backend.name != 'postgresql' or not limit:
            return none
        own = [(n, d.upper()) for n, d in cls._order]
        if (len(own) != 2 or own[0][1] != 'DESC'
                or own[1] != ('id', 'DESC')):
            return none
        if order is not None and [(n, (d or 'ASC').upper())
                for n, d in order] != own:
            return none
        if (select.distinct or select.group_by or select.having
                or len(select.from_) != 1):
            return none
        table = select.from_[0]
        while isinstance(table, Join):
            table = table.left
        if not isinstance(table, Table) or table._name != cls._table:
            return none
        field = cls._fields[own[0][0]]
        if not field.required or isinstance(field, fields.Function):
            return none
        return table, Column(table, own[0][0])


@contextmanager
def planner(cursor, **settings):
    """PostgreSQL's planner settings for the statements inside (set_config
    local to the transaction, restored after); nothing on SQLite."""
    from trytond import backend
    if backend.name != 'postgresql':
        yield
        return
    names = sorted(settings)
    cursor.execute('SELECT ' + ', '.join(
            'current_setting(%s)' for _ in names), names)
    before = cursor.fetchone()
    cursor.execute('SELECT ' + ', '.join(
            'set_config(%s, %s, true)' for _ in names),
        [v for n in names for v in (n, settings[n])])
    try:
        yield
    finally:
        cursor.execute('SELECT ' + ', '.join(
                'set_config(%s, %s, true)' for _ in names),
            [v for n, b in zip(names, before) for v in (n, b)])


def and_clauses(domain):
    """The leaf clauses of a domain made of ANDs only (sao's
    ['AND', screen domain, tab domain]), else None."""
    if not isinstance(domain, (list, tuple)):
        return None
    if (len(domain) >= 2 and isinstance(domain[0], str)
            and domain[0] not in ('AND', 'OR')):
        return [tuple(domain)]
    items = list(domain)
    if items and items[0] == 'OR':
        if len(items) > 2:
            return None
        items = items[1:]
    elif items and items[0] == 'AND':
        items = items[1:]
    clauses = []
    for item in items:
        sub = and_clauses(item)
        if sub is None:
            return None
        clauses.extend(sub)
    return clauses


def rule_unrestricted(domain):
    """Whether a record rule domain (ir.rule.domain_get) lets every record
    through: empty, an OR with an empty branch (a group whose rule group
    has no rule: ('OR', ())), or an AND of such."""
    if not domain:
        return True
    if isinstance(domain, (list, tuple)) and domain[0] == 'OR':
        return any(rule_unrestricted(d) for d in domain[1:])
    if isinstance(domain, (list, tuple)) and domain[0] == 'AND':
        return all(rule_unrestricted(d) for d in domain[1:])
    return False


def update_from_values(table, match, columns, rows, constants=(),
        where=None, size=1000):
    """Write per-row values set-based: rows are (match value, value of
    each of columns...); one `UPDATE table SET column = v.columnN, ...
    FROM (VALUES ...) AS v WHERE match = v.column1 [AND where]` per size
    rows, instead of one UPDATE per row.  constants: (column, value)
    pairs set alike on every row matched.  A VALUES column must not be
    NULL in every row of a slice (PostgreSQL would type it text)."""
    cursor = Transaction().connection.cursor()
    for sub in grouped_slice(rows, size):
        v = Values([list(r) for r in sub])
        condition = match == Column(v, 'column1')
        if where is not None:
            condition &= where
        cursor.execute(*table.update(
                list(columns) + [c for c, _ in constants],
                [Column(v, 'column%s' % (i + 2))
                    for i in range(len(columns))]
                + [value for _, value in constants],
                from_=[v], where=condition))
