# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Chinese full-text search of the knowledge base (KB-08, TRI-02).

Callers do not speak like the entries' titles, so the search reads a
question as its words and its character bigrams together:

- Each entry keeps its text cut into words by jieba and the domain
  dictionary, plus every pair of adjacent Chinese characters
  (`search_title`, `search_body`).  PostgreSQL keeps them as a generated
  tsvector, copied by triggers into a narrow probe table of the published
  entries with GIN indexes of the whole text and of the title
  (register_probe); SQLite keeps an FTS5 table in step through triggers.
  A table counts how many published entries hold each word (the document
  frequency, kept up to date on publication and withdrawal).
- The question loses its stop words and fillers, and its colloquial words
  become the standard words of the knowledge base (辞职 → 离职), both as
  dictionary data (`sushi.knowledge.term`) applied to entries too.
- Candidates: the entries holding the question's rare bigrams, and those
  holding all its common ones, the least informative half (by inverse
  document frequency) left out while too few hold them all; the ranking
  then weighs every word of the question again, the subject words too.
- Ranking of at most FIRST_PASS candidates: the share of the question's
  weight an entry holds (coverage) plus a BM25 score over the tokens of
  its index (words, bigrams, characters: already in standard words, so
  nothing is cut again per candidate), the title counting more than the
  content; weights tuned on the relevance set of bench/data and fixed.
  The score (0 to 1) is also the confidence: below the configured
  thresholds the best entry is only a weak match.

Snippets are cut from the original text, so they read as written."""
import bisect
import contextlib
import functools
import html
import itertools
import math
import re
from collections import Counter

from sql import Flavor, Null, Table

from trytond import backend
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import common
from .exceptions import QueryError
from .term import fold

_HAN_CHAR = re.compile(r'[\u3400-\u9fff\uf900-\ufaff]')
_SPACES = re.compile(r'\s+')
MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
FTS_TABLE = 'sushi_knowledge_entry_fts'
DF_TABLE = 'sushi_knowledge_entry_df'
# PostgreSQL: the narrow side table the candidates are found in (see
# register_probe)
PROBE_TABLE = 'sushi_knowledge_entry_probe'
# PostgreSQL: the probe table's indexes are cut by the entries' length
# into these buckets too (partial GIN indexes, lower bounds of
# `search_length`: the tokens of the index, the title's TITLE times, the
# length BM25 reads in rank): the common words' probes ask the shortest
# bucket first and stop at RARE entries, instead of reading every entry
# that holds them to keep the shortest (74 000 probe rows for 公积金 in
# the titles at 1 000 000 entries).  The bounds only change the speed,
# not the rows; chosen on the generated entries (300-600 tokens; the
# set's answer scripts 130-330).
LENGTH_BUCKETS = (0, 330, 360, 390, 420, 450, 480, 520)
# ... when the rarest of the words is held by more than so many entries
# (below, one query that sorts them all costs less than planning one per
# bucket: at 100 000 entries the buckets made the search slower).
BUCKETED = 6000
# Units held by at most so many entries bring all their entries as
# candidates; the common ones at most so many per query.
RARE = 300
# At most so many question units are looked up in the index ...
MAX_UNITS = 24
# ... and so many candidates ranked, which is also the most results a
# search returns (30 rather than 50 or 100: the development questions'
# figures at 100 000 entries and on the set alone stay as they were, or
# better, for 40 % less reading and counting; see README).
FIRST_PASS = 30
# The first DIVERSE places of a result list go to entries that are no
# near-duplicate of a better one (titles sharing at least OVERLAP of the
# shorter's character bigrams: one matter's script for each of 20 places),
# where the candidates allow: the call-taker's first lines show different
# answers, not three copies of one (chosen on the development questions at
# 100 000 entries: hit@3 +2 of 207, the same from 0.7 to 0.9; see README).
DIVERSE = 3
OVERLAP = 0.7
# Weights tuned on the development part of bench/data/kb_questions.txt
# (bench/bench_knowledge_search.py --tune), then fixed; see README.
WEIGHTS = {'word': 1.0, 'gram': 0.3, 'char': 0.2}
TITLE = 3.0
K1 = 1.2
B = 0.5
COVERAGE = 0.6
# A caller's story ends with its question (…户口不在这边，这种情况能在这边上学吗):
# in a question of STORY characters and three clauses at least, the units
# of the last clause weigh LAST times as much (development questions: +1
# at rank 1 on the set alone and at 100 000 entries, nothing lost; 2 the
# same, with one judged answer fewer among the ranked)
STORY = 25
LAST = 1.5
_CLAUSES = re.compile(r'[,，。;；!！?？、\s]+')
# What a question asks of its subject (问点): an amount (多少钱, 能报多少,
# 利率), a time or duration (多久, 几天, 什么时候, 几点) or a telephone
# number (电话多少).  Its words are stop words, so they find nothing; an
# entry that does not state such a fact (a figure in 元 or %, a count of
# days, a number to dial) answers the subject only, and its score is
# ASKED less (a share): of two entries on the subject, the one that says
# how much or how long comes first, and the questions the base cannot
# answer (养老院怎么收费 with an entry that names the subsidies only) read
# as a weak match (KB-08): when the best entry does not state it, every
# score is scaled below the 'possible' line.  Narrative counts (好几天,
# 前几天, 断了几个月) ask nothing.
ASKED = 0.2
_ASKED = [
    ('amount', re.compile(
            r'多少钱|几块钱|多少块|多钱|几多钱|多少元|多少费用|费用多少'
            r'|[交缴收领给赔罚补退报发涨扣贷拿花要付减免]多少'
            r'(?![年天日月岁次人个])'
            r'|标准是?多少|比例是?多少|多少比例|利率|利息是?多少|多少利息'
            r'|[怎咋]么?收费|价格是?多少|什么价|啥价'),
        re.compile(r'\d\s*(?:元|万|%|‰|块|倍|角)|免费|不收|全额|减半|计发')),
    ('time', re.compile(
            r'多久|多长时间|多少天|(?<![好前这那过头])几天'
            r'|(?<![好前这那过头了])几个月|几个工作日|多少个?工作日'
            r'|什么时[候间]|啥时[候间]?|哪天|几号|何时|几点|多长时候'),
        re.compile(r'\d\s*个?(?:工作日|日|天|个月|月|年|周|小时|分钟|号)'
            r'|\d:\d|当场|当天|当日|即时|即办|立即|次月|随时|工作时间')),
    ('telephone', re.compile(
            r'电话(?:是|号码?)?(?:多少|几号)|电话(?:号码)?[？?]?$|号码是?多少'
            r'|[哪什啥]\S?个?电话|热线是?多少|联系方式|联系电话'),
        re.compile(r'\d{5}|\d{3,4}-\d{7}')),
    ]
BANDS = [
    ('confident', "Confident"),
    ('possible', "Possible"),
    ('weak', "Weak Match"),
    ]


def register_index(Entry):
    """Create the full-text index of the entries when it is missing.

    Called by the entry's __register__, after its table is created."""
    cursor = Transaction().connection.cursor()
    table = Entry._table
    cursor.execute(f'CREATE TABLE IF NOT EXISTS "{DF_TABLE}" ('
        'term VARCHAR PRIMARY KEY, df INTEGER NOT NULL)')
    if backend.name == 'postgresql':
        handler = backend.TableHandler(Entry)
        expression = (
            "setweight(to_tsvector('simple', "
            "COALESCE(\"search_title\", '')), 'A') || "
            "setweight(to_tsvector('simple', "
            "COALESCE(\"search_body\", '')), 'B')")
        if not handler.column_exist('search_vector'):
            cursor.execute(
                f'ALTER TABLE "{table}" ADD COLUMN "search_vector" tsvector '
                f'GENERATED ALWAYS AS ({expression}) STORED')
        # searched in the probe table, which has its own index
        cursor.execute(f'DROP INDEX IF EXISTS "{table}_search_vector_gin"')
        # The title alone is no longer searched apart.
        if handler.column_exist('title_vector'):
            cursor.execute(
                f'ALTER TABLE "{table}" DROP COLUMN "title_vector"')
        register_probe(Entry)
        _fill_statistics(Entry)
    elif backend.name == 'sqlite':
        cursor.execute(
            f'CREATE VIRTUAL TABLE IF NOT EXISTS "{FTS_TABLE}" USING fts5('
            'search_title, search_body, '
            f"content='{table}', content_rowid='id')")
        cursor.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
            f"AND tbl_name = '{table}' AND name LIKE '{FTS_TABLE}%'")
        if cursor.fetchone()[0] == 3:
            _fill_statistics(Entry)
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
    _fill_statistics(Entry)


def register_probe(Entry):
    """Create, fill and keep in step (PostgreSQL) the probe table: one
    narrow row per published entry (id, kind, dates, title length,
    length of its index as BM25 reads it) with
    its index (`search_vector`) and that of its title (`title_vector`),
    both stored out of line.

    The candidates of a common word are taken shortest entry first among
    thousands of entries (公积金 提取: 5 000 of 100 000); in the entry's
    table each of them is a heap page of its own (about 1.7 kB a row),
    here about 80 rows share a page and the GIN index finds them without
    reading their vectors.  Triggers keep it in step with the entry's
    table (publication, withdrawal, expiry, re-indexing, new dates)."""
    cursor = Transaction().connection.cursor()
    table = Entry._table
    cursor.execute('SELECT COUNT(*) FROM information_schema.columns '
        "WHERE table_name = %s AND column_name = 'search_length'",
        (PROBE_TABLE,))
    if (backend.TableHandler.table_exist(PROBE_TABLE)
            and not cursor.fetchone()[0]):
        # a probe table of before the length order: made again (its
        # indexes too), which is quicker than updating every row under
        # its GIN indexes
        cursor.execute(f'DROP TABLE "{PROBE_TABLE}"')
    created = not backend.TableHandler.table_exist(PROBE_TABLE)
    if created:
        cursor.execute(f'CREATE TABLE "{PROBE_TABLE}" ('
            'id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, '
            'effective_date DATE NOT NULL, expiry_date DATE, '
            'title_length INTEGER NOT NULL, '
            'search_length INTEGER NOT NULL, '
            'title_vector TSVECTOR, search_vector TSVECTOR) '
            # every vector out of line: a row is about 100 bytes
            'WITH (toast_tuple_target = 128)')
        for column in ['title_vector', 'search_vector']:
            cursor.execute(f'ALTER TABLE "{PROBE_TABLE}" ALTER COLUMN '
                f'"{column}" SET STORAGE EXTERNAL')
    columns = ('"id", "kind", "effective_date", "expiry_date", '
        '"title_length", "search_length", "title_vector", "search_vector"')

    def tokens(column):
        return (f"COALESCE(ARRAY_LENGTH(STRING_TO_ARRAY(NULLIF({column}, "
            "''), ' '), 1), 0)")

    def values(row):
        title = f'COALESCE({row}."search_title", \'\')'
        length = (f'CAST({float(TITLE)!r} * {tokens(f"{row}.search_title")}'
            f' + {tokens(f"{row}.search_body")} AS INTEGER)')
        return (f'{row}."id", {row}."kind", {row}."effective_date", '
            f'{row}."expiry_date", LENGTH({title}), {length}, '
            f"TO_TSVECTOR('simple', {title}), {row}.\"search_vector\"")
    cursor.execute(f'CREATE OR REPLACE FUNCTION "{PROBE_TABLE}_sync"() '
        'RETURNS TRIGGER LANGUAGE plpgsql AS $$ BEGIN '
        "IF TG_OP <> 'INSERT' THEN "
        f'DELETE FROM "{PROBE_TABLE}" WHERE "id" = OLD."id"; END IF; '
        "IF TG_OP <> 'DELETE' AND NEW.state = 'published' THEN "
        f'INSERT INTO "{PROBE_TABLE}" ({columns}) '
        f'VALUES ({values("NEW")}); END IF; '
        'RETURN NULL; END $$')
    # (usage counts and review fields are written often: not watched)
    for name, event in [
            ('insert_delete', 'INSERT OR DELETE'),
            ('update', 'UPDATE OF "state", "kind", "effective_date", '
                '"expiry_date", "search_title", "search_body"'),
            ]:
        cursor.execute(f'DROP TRIGGER IF EXISTS "{PROBE_TABLE}_{name}" '
            f'ON "{table}"')
        cursor.execute(f'CREATE TRIGGER "{PROBE_TABLE}_{name}" '
            f'AFTER {event} ON "{table}" FOR EACH ROW '
            f'EXECUTE FUNCTION "{PROBE_TABLE}_sync"()')
    if created:
        cursor.execute(f'INSERT INTO "{PROBE_TABLE}" ({columns}) '
            f'SELECT {values("a")} FROM "{table}" AS a '
            "WHERE a.state = 'published'")
    cursor.execute(f'CREATE INDEX IF NOT EXISTS '
        f'"{PROBE_TABLE}_search_vector_gin" ON "{PROBE_TABLE}" '
        'USING GIN ("search_vector")')
    cursor.execute(f'CREATE INDEX IF NOT EXISTS '
        f'"{PROBE_TABLE}_title_vector_gin" ON "{PROBE_TABLE}" '
        'USING GIN ("title_vector")')
    # both again in length buckets (LENGTH_BUCKETS), for the probes of
    # words many entries hold, shortest entry first
    for i, (low, high) in enumerate(_length_buckets()):
        for name, column in [('title', 'title_vector'),
                ('search', 'search_vector')]:
            cursor.execute(f'CREATE INDEX IF NOT EXISTS '
                f'"{PROBE_TABLE}_{name}_l{i}_gin" ON "{PROBE_TABLE}" '
                f'USING GIN ("{column}") WHERE {_bucket_where(low, high)}')


def _length_buckets():
    "The (low, high) lengths of the buckets, high None for the last."
    return list(zip(LENGTH_BUCKETS, LENGTH_BUCKETS[1:] + (None,)))


def _bucket_where(low, high, alias=''):
    "The condition of the length bucket from low to high (excluded)."
    column = f'{alias}"search_length"'
    where = f'{column} >= {int(low)}'
    if high is not None:
        where += f' AND {column} < {int(high)}'
    return where


def _fill_statistics(Entry):
    "Count the words of the entries when nothing is counted yet."
    cursor = Transaction().connection.cursor()
    cursor.execute(f'SELECT COUNT(*) FROM "{DF_TABLE}"')
    if not cursor.fetchone()[0]:
        refresh_statistics(Entry)


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


# --- how many published entries hold each word (document frequency) ---

def _df_table():
    return Table(DF_TABLE)


# The document frequencies asked recently ('' for the number of published
# entries): callers ask about the same few thousand words all day, and the
# counts change only on publication, withdrawal and the daily recount,
# which clear it (on every process of the cluster, as Tryton's caches are).
_df_cache = Cache('sushi.knowledge.entry.df', context=False)


def count_tokens(texts, sign):
    """Add sign (1 or -1) times the entries of texts to the document
    frequencies: texts is a list of the index strings (title, body) of
    published entries that appear or disappear.  Set-based: one upsert per
    thousand words."""
    if not texts:
        return
    counts = Counter()
    for title, body in texts:
        counts.update(set(f'{title or ""} {body or ""}'.split()))
    counts[''] = len(texts)
    cursor = Transaction().connection.cursor()
    items = sorted(counts.items())
    param = Flavor.get().param
    for i in range(0, len(items), 1000):
        rows = items[i:i + 1000]
        # (python-sql quotes EXCLUDED, which PostgreSQL then does not know)
        cursor.execute(f'INSERT INTO "{DF_TABLE}" (term, df) VALUES '
            + ', '.join([f'({param}, {param})'] * len(rows))
            + ' ON CONFLICT (term) DO UPDATE '
            f'SET df = "{DF_TABLE}".df + excluded.df',
            [v for t, n in rows for v in (t, sign * n)])
    _df_cache.clear()


def count_entries(Entry, ids, sign):
    "count_tokens of the entries of ids."
    entry = Entry.__table__()
    cursor = Transaction().connection.cursor()
    texts = []
    for sub_ids in grouped_slice(list(ids), 1000):
        cursor.execute(*entry.select(entry.search_title, entry.search_body,
                where=entry.id.in_(list(sub_ids))))
        texts.extend(cursor)
    count_tokens(texts, sign)


def refresh_statistics(Entry):
    """Count again, set-based, how many published entries hold each word
    (after the dictionary changed many entries; the cron does it daily)."""
    cursor = Transaction().connection.cursor()
    table = Entry._table
    _df_cache.clear()
    cursor.execute(f'DELETE FROM "{DF_TABLE}"')
    if backend.name == 'postgresql':
        cursor.execute(
            f'INSERT INTO "{DF_TABLE}" (term, df) '
            "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM "
            f'"{table}" WHERE state = \'\'published\'\'\')')
        cursor.execute(
            f'INSERT INTO "{DF_TABLE}" (term, df) '
            f"SELECT '', COUNT(*) FROM \"{table}\" WHERE state = 'published'")
    else:
        entry = Entry.__table__()
        cursor.execute(*entry.select(entry.search_title, entry.search_body,
                where=entry.state == 'published'))
        count_tokens(cursor.fetchall(), 1)


def frequencies(terms):
    "Return ({term: document frequency}, number of published entries)."
    found, missing = {}, []
    for term in sorted(set(terms) | {''}):
        count = _df_cache.get(term)
        if count is None:
            missing.append(term)
        else:
            found[term] = count
    if missing:
        table = _df_table()
        cursor = Transaction().connection.cursor()
        read = {}
        for sub_terms in grouped_slice(missing, 500):
            cursor.execute(*table.select(table.term, table.df,
                    where=table.term.in_(list(sub_terms))))
            read.update((t, max(d, 0)) for t, d in cursor)
        for term in missing:
            found[term] = _df_cache.set(term, read.get(term, 0))
    total = found.pop('', 0)
    return {t: d for t, d in found.items() if d}, total


# --- the query ----------------------------------------------------------

class Unit:
    "A word or character bigram of a question, with its weight."
    __slots__ = ('text', 'kind', 'df', 'idf', 'weight')

    def __init__(self, text, kind):
        self.text, self.kind = text, kind
        self.df = self.idf = self.weight = 0


def query_units(query):
    """Return (units, words) of query: its words (precise cut, single
    Chinese characters apart), its bigrams and Latin words that are not
    already words, weighed by inverse document frequency; and the words to
    highlight.  Homophone typos are read as the word meant first
    (correct_homophones); in a story, the last clause weighs more (LAST)."""
    Term = Pool().get('sushi.knowledge.term')
    corrected = correct_homophones(query)
    words, all_words, grams = Term.query_terms(corrected)
    units = {}
    for word in words:
        if len(word) == 1 and not word.isascii():
            units[word] = Unit(word, 'char')
        else:
            units[word] = Unit(word, 'word')
    for gram in grams:
        units.setdefault(gram, Unit(gram, 'gram'))
    units = list(units.values())
    df, total = frequencies([u.text for u in units]
        + [g for u in units for g in _grams(u.text)])
    total = max(total, 1)
    for unit in units:
        count = df.get(unit.text, 0)
        parts = _grams(unit.text)
        if unit.kind == 'word' and not count and parts:
            # a word jieba cuts otherwise in the entries: as rare as its
            # rarest bigram at most
            count = min(df.get(g, 0) for g in parts)
        unit.df = count
        unit.idf = _idf(total, count)
        unit.weight = WEIGHTS[unit.kind] * unit.idf
    if len(corrected) >= STORY:
        clauses = [c for c in _CLAUSES.split(Term.standard_text(corrected))
            if c]
        if len(clauses) >= 3:
            for unit in units:
                if unit.text in clauses[-1]:
                    unit.weight *= LAST
    marked = sorted(set(words) | set(all_words) | {
            u.text for u in units if u.kind == 'gram'}, key=len, reverse=True)
    return units, marked, total


# --- homophone typos ----------------------------------------------------
# Callers' questions are typed on a phone's pinyin keyboard or come
# through speech recognition: 公基金 for 公积金, 生份证 for 身份证, 底保 for
# 低保.  A run of two to four characters that is no word (neither jieba's
# nor the dictionary's) and that no entry holds, but that becomes a word
# entries hold when one of its characters is replaced by another read
# alike, is read as that word.  "Alike" forgives the confusions of
# southern and northern speakers that pinyin keyboards forgive too
# (zh/z, ch/c, sh/s, -ng/-n, l/n).

# characters commoner than this (jieba's count) may stand in a correction
COMMON_CHAR = 100
# ... and the commonest (不, 也, 还, 着, 只 …: 90 000 and more) are taken as
# typed right (只 → 子 made 养只狗 养子狗)
TYPED_RIGHT = 90000
# a run of two characters becomes a word of jieba's this common at least
COMMON_PAIR = 10
_FUZZY = [(re.compile(p), r) for p, r in [
        (r'^zh', 'z'), (r'^ch', 'c'), (r'^sh', 's'), (r'^l', 'n'),
        (r'ng$', 'n')]]
_homophone_tables = {}
_homophone_cache = {}


def syllable_key(reading):
    "Return the toneless, fuzzy key of a pinyin reading: zhèng → zen."
    import unicodedata
    key = ''.join(c for c in unicodedata.normalize('NFD', reading)
        if not unicodedata.combining(c)).replace('ü', 'v')
    for pattern, replacement in _FUZZY:
        key = pattern.sub(replacement, key)
    return key


def _homophone_table(freq):
    """Return ({character: its keys}, {key: common characters}) of the
    characters pypinyin reads; the commonest characters have no keys (they
    are not replaced)."""
    table = _homophone_tables.get(id(freq))
    if table is None:
        from pypinyin.constants import PINYIN_DICT
        keys, chars = {}, {}
        for code, readings in PINYIN_DICT.items():
            char = chr(code)
            if not _HAN_CHAR.match(char):
                continue
            # the first reading only: the rare readings of polyphones
            # (还 fú, 坏 pī) made 还能 → 不能 and 坏 → 否
            key = syllable_key(readings.split(',')[0])
            count = freq.get(char) or 0
            if count < TYPED_RIGHT:
                keys[char] = (key,)
            if count >= COMMON_CHAR:
                chars.setdefault(key, []).append(char)
        table = (keys, {k: tuple(v) for k, v in chars.items()})
        _homophone_tables.clear()
        _homophone_tables[id(freq)] = table
    return table


def _alike(window, freq, synonyms, keys, chars):
    """Return the words (jieba's, or colloquial words of the dictionary;
    for two characters, a word of jieba's counted COMMON_PAIR times at
    least and no colloquial word) window becomes when one of its
    characters is replaced by one read alike."""
    found = []
    for i, char in enumerate(window):
        for key in keys.get(char, ()):
            for other in chars.get(key, ()):
                if other == char:
                    continue
                word = window[:i] + other + window[i + 1:]
                if word in found:
                    continue
                if len(word) > 2:
                    if freq.get(word) or word in synonyms:
                        found.append(word)
                # two characters: a common word only, and no colloquial
                # turn of the dictionary that is no more than another
                # two-character word (完还 is not 晚还, read 逾期); a
                # standard word is one (底保 → 低保, 依保 → 医保), and so is
                # a short name of a longer term (违张 → 违章, read
                # 交通违法; 欠新 → 欠薪, read 拖欠工资)
                elif (freq.get(word) or 0) >= COMMON_PAIR and (
                        len(synonyms.get(word, word)) > 2
                        or synonyms.get(word, word) == word):
                    found.append(word)
    return found


_HAN_RUN = re.compile(r'[\u3400-\u9fff\uf900-\ufaff]+')


def correct_homophones(query):
    """Return query (normalized) with its homophone typos replaced by the
    words meant: 公基金 → 公积金, 生份证 → 身份证, 架照 → 驾照 (then read
    as 驾驶证 by the synonyms).  A run of 2 to 4 characters is replaced
    when it is no word, no entry holds it and one character read alike
    makes it a word entries hold (the one most entries hold); longer runs
    first, no two overlapping."""
    from .term import normalize
    text = normalize(query or '')
    if not _HAN_RUN.search(text):
        return text
    Term = Pool().get('sushi.knowledge.term')
    freq = Term.tokenizer().FREQ
    _, synonyms, _ = Term.lexicon()
    keys, chars = _homophone_table(freq)
    cache = _homophone_cache.get((id(freq), id(synonyms)))
    if cache is None:
        _homophone_cache.clear()
        cache = _homophone_cache[id(freq), id(synonyms)] = {}
    # a typo is cut into pieces (公|基金, 生|份|证): the runs considered
    # begin and end where jieba's cut of the question does, so that the
    # two halves of neighbouring words (监管|电话: 管电 → 广电) are not
    # (without jieba's guesses of unknown words, which join a typo to its
    # neighbours: 开|怎所要|什么)
    bounds, place = {0}, 0
    for token in Term.tokenizer().cut(text, HMM=False):
        place += len(token)
        bounds.add(place)
    windows = []
    for match in _HAN_RUN.finditer(text):
        run = match.group(0)
        for size in (4, 3, 2):
            for i in range(len(run) - size + 1):
                window = run[i:i + size]
                start = match.start() + i
                if (start not in bounds or start + size not in bounds
                        or freq.get(window) or window in synonyms):
                    continue
                alike = cache.get(window)
                if alike is None:
                    if len(cache) > 100000:
                        cache.clear()
                    alike = cache[window] = _alike(
                        window, freq, synonyms, keys, chars)
                if alike:
                    windows.append((start, window, alike))
    if not windows:
        return text

    def held(word):
        return word if word not in synonyms else synonyms[word]

    def seams(start, window, word):
        """The (pair as typed, pair once corrected) across the ends of
        window, where its end character changes."""
        end = start + len(window)
        pairs = []
        if start > 0 and word[0] != window[0]:
            pairs.append((text[start - 1] + window[0], text[start - 1] + word[0]))
        if end < len(text) and word[-1] != window[-1]:
            pairs.append((window[-1] + text[end], word[-1] + text[end]))
        return pairs
    df, _ = frequencies([w for _, w, _ in windows]
        + [held(a) for _, _, alike in windows for a in alike]
        + [p for s_, w, alike in windows for a in alike
            for pair in seams(s_, w, a) for p in pair])
    taken = bytearray(len(text))
    fixes = []
    for start, window, alike in sorted(windows,
            key=lambda w: (-len(w[1]), w[0])):
        if df.get(window) or taken.find(1, start, start + len(window)) >= 0:
            continue
        best = max(alike, key=lambda a: df.get(held(a), 0))
        # nor a correction that breaks a pair of characters entries hold
        # into one they do not, across an end of the run: 被人盗刷 is
        # 被|人|盗|刷 to jieba, but 人盗 → 人道 would break 盗刷
        if df.get(held(best), 0) and not any(
                df.get(old) and not df.get(new)
                for old, new in seams(start, window, best)):
            fixes.append((start, window, best))
            taken[start:start + len(window)] = b'\x01' * len(window)
    for start, window, best in sorted(fixes, reverse=True):
        text = text[:start] + best + text[start + len(window):]
    return text


def _idf(total, count):
    "The inverse document frequency of a unit count entries of total hold."
    return math.log(1 + (total - count + 0.5) / (count + 0.5))


def char_units(units):
    "Return the Chinese characters of units as units of their own."
    chars = dict.fromkeys(c for u in units if u.kind != 'char'
        for c in u.text if _HAN_CHAR.match(c))
    chars = [Unit(c, 'char') for c in chars if c not in {
            u.text for u in units}]
    df, total = frequencies([u.text for u in chars])
    total = max(total, 1)
    for unit in chars:
        unit.df = df.get(unit.text, 0)
        unit.idf = _idf(total, unit.df)
        unit.weight = WEIGHTS['char'] * unit.idf
    return chars


def _grams(text):
    from .term import bigrams
    return bigrams(text) if len(text) > 2 else []


def _where(entry, kinds, today):
    where = ((entry.state == 'published')
        & (entry.effective_date <= today)
        & ((entry.expiry_date == Null) | (entry.expiry_date >= today)))
    if kinds:
        where &= entry.kind.in_(list(kinds))
    return where


def _base_query(Entry, kinds):
    """Return (sql, params) of the published entries in force, the
    condition on their index to be appended ({match} in sql)."""
    sql, params = _base_sql(Entry, tuple(sorted(kinds or [])),
        common.today(), backend.name)
    return sql, list(params)


@functools.lru_cache(maxsize=64)
def _base_sql(Entry, kinds, today, backend_name):
    """The SQL of _base_query, built once a day per kinds: {unit} is the
    selected constant, and on PostgreSQL {vector} the probe table's
    column matched ('search_vector' or 'title_vector')."""
    param = Flavor.get().param
    if backend_name == 'postgresql':
        # the probe table holds the published entries only
        probe = Table(PROBE_TABLE)
        where = ((probe.effective_date <= today)
            & ((probe.expiry_date == Null) | (probe.expiry_date >= today)))
        if kinds:
            where &= probe.kind.in_(list(kinds))
        sql, params = tuple(probe.select(probe.id, where=where))
        match = (' AND "a"."{vector}" @@ '
            f"PLAINTO_TSQUERY('simple'::regconfig, {param})")
    else:
        entry = Entry.__table__()
        sql, params = tuple(entry.select(entry.id,
                where=_where(entry, kinds, today)))
        match = (f' AND "a"."id" IN (SELECT rowid FROM "{FTS_TABLE}" '
            f'WHERE "{FTS_TABLE}" MATCH {param})')
    return sql.replace('SELECT "a"."id" FROM', 'SELECT "a"."id", {unit} FROM'
        ) + match, tuple(params)


def _terms(terms):
    "The argument of the match condition for entries holding all terms."
    if backend.name == 'postgresql':
        return ' '.join(terms)
    return ' AND '.join('"%s"' % t.replace('"', '""') for t in terms)


@contextlib.contextmanager
def _index_scans():
    """Run the block's probes with the GIN indexes (PostgreSQL): the index
    finds the entries of a word directly, while the planner may prefer to
    scan the table, reading every vector.  One SET and one RESET for all
    the probes of a question (each is a round trip to the server)."""
    if backend.name != 'postgresql':
        yield
        return
    cursor = Transaction().connection.cursor()
    cursor.execute('SET LOCAL enable_seqscan = off')
    try:
        yield
    finally:
        cursor.execute('SET LOCAL enable_seqscan TO DEFAULT')


def _execute(sql, params):
    cursor = Transaction().connection.cursor()
    cursor.execute(sql, params)
    return cursor.fetchall()


def candidates(Entry, units, kinds, chars=False):
    "See _candidates."
    with _index_scans():
        return _candidates(Entry, units, kinds, chars=chars)


def _candidates(Entry, units, kinds, chars=False):
    """Return {entry id: first-pass score} of the entries that share
    words or bigrams with the question.

    The units an index can find (bigrams, Latin words) are taken rarest
    first.  Each rare one (held by at most RARE entries) brings all its
    entries; the common ones are asked together, all of them in one
    entry, and when too few entries hold them all the least informative
    half (lowest inverse document frequency) is left out.  The
    first-pass score is the weight of the units an entry is known to
    hold.  With chars, the single characters of the question are the
    units instead."""
    base, params = _base_query(Entry, kinds)
    found = Counter()
    searchable = sorted((u for u in units
            if u.df > 0 and (u.kind != 'char') != chars and _indexed(u)),
        key=lambda u: -u.idf)[:MAX_UNITS]
    rare = [u for u in searchable if u.df <= RARE]
    common = [u for u in searchable if u.df > RARE]
    held = {}
    if rare:
        sql = ' UNION ALL '.join(
            base.format(unit=int(i), vector='search_vector')
            for i in range(len(rare)))
        values = [v for u in rare for v in params + [_terms([u.text])]]
        for id_, i in _execute(sql, values):
            found[id_] += rare[i].weight
            held.setdefault(id_, set()).add(rare[i].text)
    credited = set()
    while common:
        rows = _common_rows(base, params, units, common)
        weight = sum(u.weight for u in common)
        for position, (id_, _) in enumerate(rows):
            if id_ not in credited:
                # in the probe's order (title first, shortest first) where
                # the weights tie, not in the order of the ids
                found[id_] += weight * (1 - position * 1e-6)
                credited.add(id_)
                held.setdefault(id_, set()).update(u.text for u in common)
        if len(found) >= FIRST_PASS or len(common) == 1:
            break
        # the least informative half left out: a few queries at most
        common = common[:(len(common) + 1) // 2]
    # A long word the index does not hold as such (拖欠工资) is found by
    # its bigrams, which weigh a bigram's weight each: an entry holding
    # all of them is credited the word's weight too, as the ranking will
    # (a story's rare side words, 反映, 公司, would otherwise push the
    # answer out of the first pass)
    searched = {u.text for u in searchable}
    for unit in units:
        if unit.kind != 'word' or _indexed(unit) or not unit.df:
            continue
        grams = set(_grams(unit.text))
        if not grams or not grams <= searched:
            continue
        for id_, texts in held.items():
            if grams <= texts:
                found[id_] += unit.weight
    return found


def _common_rows(base, params, units, common):
    """Return the [(id, 0)] of at most RARE entries holding all of common,
    those whose title holds the most of the question first.

    PostgreSQL: the entries whose title holds them all, then, when fewer
    than can be ranked (FIRST_PASS), the others, shortest entry first each
    time (the length BM25 reads: among entries holding the same words it
    ranks the shorter first), from the probe table (its narrow rows and
    precomputed length make reading thousands of them cheap).  (Asking the text as
    well whenever the titles gave fewer than RARE left every development
    figure at 100 000 entries as it was, 184 of 207 answers among the
    ranked, and cost a probe of thousands of rows for a question in four.)"""
    terms = _terms([u.text for u in common])
    limit = f' LIMIT {int(RARE)}'
    if backend.name != 'postgresql':
        order, order_params = _title_order(units)
        return _execute(base.format(unit=0) + order + limit,
            params + [terms] + order_params)
    # a title rarely holds the bigrams across two words of the caller's
    # sentence (公积金提取: 金提), nor across the words of a compound
    # (提取公积金: 取公, where a title says 提取住房公积金): only those
    # inside its words are asked
    words = [p for u in units if u.kind == 'word'
        for p in ((len(u.text) > 2 and word_parts(u.text)) or [u.text])]
    inside = [u.text for u in common if any(u.text in w for w in words)]
    # (at most as many entries hold them all as hold the rarest)
    bucketed = min(u.df for u in common) > BUCKETED
    rows = _shortest(base, params, 'title_vector',
        _terms(inside or [u.text for u in common]), bucketed)
    if len(rows) < FIRST_PASS:
        rows += _shortest(base, params, 'search_vector', terms, bucketed)
    return rows


def _shortest(base, params, vector, terms, bucketed=True):
    """PostgreSQL: return the [(id, 0)] of at most RARE entries whose
    vector holds terms, shortest entry first (search_length).

    With bucketed, the length buckets are asked shortest first, each
    through its own partial index: PostgreSQL runs the parts of a UNION
    ALL in turn and stops when the LIMIT is reached, so the longer entries'
    buckets are not read when the shorter gave enough.  The same rows as
    ordering all the entries holding terms (what is done without
    bucketed), for a few hundred probe rows read instead of tens of
    thousands."""
    order = ' ORDER BY "a"."search_length", "a"."id"'
    limit = f' LIMIT {int(RARE)}'
    sql = base.format(unit=0, vector=vector)
    if not bucketed:
        return _execute(sql + order + limit, params + [terms])
    alias = '"a".'
    parts = [f'({sql} AND {_bucket_where(low, high, alias=alias)}'
        f'{order}{limit})' for low, high in _length_buckets()]
    return _execute(' UNION ALL '.join(parts) + limit,
        (params + [terms]) * len(parts))


def _title_order(units, count=8):
    """SQLite: return (sql, params) of the ORDER BY that takes, among more
    entries than can be ranked, first those whose title and keywords hold
    the most of the question (the weight of its count heaviest units held
    as tokens of `search_title`), then the shortest entries (the length
    BM25 reads, as the probe table's search_length on PostgreSQL): an
    answer script that holds the words before a long text that mentions
    them.  Without it the entries would be cut in the table's order, the
    newest last."""
    param = Flavor.get().param
    chosen = sorted(units, key=lambda u: -u.weight)[:count]
    if not chosen:
        return ' ORDER BY "a"."id"', []
    cases = ' + '.join(
        f"CASE WHEN (' ' || \"a\".\"search_title\" || ' ') LIKE {param} "
        f'THEN {float(u.weight)!r} ELSE 0 END' for u in chosen)

    def tokens(column):
        column = f'COALESCE("a"."{column}", \'\')'
        return (f"(LENGTH({column}) - LENGTH(REPLACE({column}, ' ', '')) "
            f"+ ({column} <> ''))")
    return (f' ORDER BY ({cases}) DESC, '
        f'{float(TITLE)!r} * {tokens("search_title")} + '
        f'{tokens("search_body")}, "a"."id"',
        [f'% {u.text} %' for u in chosen])


def _indexed(unit):
    "Tell whether the index holds unit as such (a bigram or a Latin word)."
    return (unit.kind in {'gram', 'char'} or len(unit.text) <= 2
        or unit.text.isascii())


def asked_parts(query):
    """Return the parts of what a question asks that an entry must state
    (ASKED): 'amount', 'time', 'telephone'; the fact patterns with them."""
    from .term import arabic_numerals, normalize
    text = arabic_numerals(normalize(query))
    return [(name, stated) for name, asks, stated in _ASKED
        if asks.search(text)]


def states(values, asked):
    """Return how many of the asked parts the text of an entry (values:
    title, keywords, content) states."""
    if not asked:
        return 0
    from .term import arabic_numerals, normalize
    text = arabic_numerals(normalize(' '.join(filter(None, (
                        values.get('title'), values.get('keywords'),
                        values.get('content'))))))
    return sum(bool(stated.search(text)) for _, stated in asked)


def rank(Entry, ids, units, asked=()):
    """Return [(score, usage, id, values)] of the entries of ids for the
    question of units, best first; values are the content, title,
    keywords, document number, kind and owner unit read with the text.

    The score is in [0, 1): COVERAGE times the share of the question's
    weight the entry holds (title, keywords and document number or
    content) plus the rest times a BM25 score over the question's words
    and bigrams, with the title TITLE times the content, scaled by its
    highest value; the first DIVERSE places then go to entries that are
    no near-duplicate of a better one (diversify).  The entries' texts are
    read as they are indexed
    (`search_title`, `search_body`: already in standard words), so that
    nothing is cut or replaced again per candidate."""
    entry = Entry.__table__()
    cursor = Transaction().connection.cursor()
    rows = []
    for sub_ids in grouped_slice(list(ids), FIRST_PASS):
        cursor.execute(*entry.select(entry.id, entry.search_title,
                entry.search_body, entry.content, entry.usage_count,
                entry.kind, entry.owner_unit,
                entry.title, entry.keywords, entry.document_number,
                where=entry.id.in_(list(sub_ids))))
        rows.extend(cursor)
    if not rows or not units:
        return []
    from .term import normalize
    texts = []
    wanted = [(u.text, f' {u.text} ') for u in units]
    words = [u.text for u in units if u.kind == 'word' and len(u.text) > 2]
    parts = {w: word_parts(w) for w in words}
    for id_, head, body, content, usage, kind, unit, *title in rows:
        # what the result lists show, read here once
        values = dict(content=content, kind=kind, owner_unit=unit,
            **dict(zip(['title', 'keywords', 'document_number'], title)))
        # the index is a bag of tokens (words, bigrams, characters) joined
        # by single spaces: doubled, every token stands between spaces of
        # its own, and str.count finds each occurrence (no split, no
        # Counter of the whole text per candidate)
        head, body = head or '', body or ''
        length = (TITLE * (head.count(' ') + 1 if head else 0)
            + (body.count(' ') + 1 if body else 0))
        head = f" {head.replace(' ', '  ')} "
        body = f" {body.replace(' ', '  ')} "
        counts = {t: TITLE * head.count(n) + body.count(n)
            for t, n in wanted}
        raw = None
        for word in words:
            if counts[word]:
                continue
            # a long word jieba cut otherwise in this text (共享单车乱停放:
            # 共享 单车) is still in its text, where it begins with one of
            # the text's own words (not 月工资 in 一个月|工资)
            if raw is None:
                raw = (normalize(' '.join(filter(None, title))),
                    normalize(content or ''))
            counts[word] = (TITLE * aligned_count(raw[0], word)
                + aligned_count(raw[1], word))
            if not counts[word] and parts.get(word):
                # a compound word held as its words (提取公积金 in
                # 提取住房公积金: 提取, 公积金), and so the bigrams across
                # them (取公)
                counts[word] = min(TITLE * head.count(f' {p} ')
                    + body.count(f' {p} ') for p in parts[word])
                for gram in seams(parts[word]):
                    if gram in counts and not counts[gram]:
                        counts[gram] = counts[word]
        title = fold(values['title'] or '')
        group = frozenset(title[i:i + 2] for i in range(len(title) - 1))
        texts.append((id_, usage or 0, values, counts, length, group))
    average = sum(t[4] for t in texts) / len(texts) or 1
    total = sum(u.weight for u in units) or 1
    k1, b = K1, B
    best = total * (k1 + 1)
    ranked = []
    groups = {}
    for id_, usage, values, counts, length, group in texts:
        groups[id_] = group
        norm = k1 * (1 - b + b * length / average)
        score = covered = 0
        for unit in units:
            x = counts.get(unit.text)
            if x:
                covered += unit.weight
                score += unit.weight * x * (k1 + 1) / (x + norm)
        value = COVERAGE * covered / total + (1 - COVERAGE) * score / best
        if asked:
            # the share of the asked parts the entry does not state
            value *= 1 - ASKED * (1 - states(values, asked) / len(asked))
        ranked.append((value, usage, id_, values))
    ranked.sort(key=lambda r: r[:3], reverse=True)
    return diversify(ranked, groups)


def word_parts(word):
    """Return the fewest shorter words of word (jieba's search mode, two
    characters at least) that make it up, in order, or None: 提取公积金 →
    (提取, 公积金), 贷款额度 → (贷款, 额度); 占道经营 → None."""
    Term = Pool().get('sushi.knowledge.term')
    subs = {t for t in Term.tokenizer().cut_for_search(word)
        if 2 <= len(t) < len(word)}
    best = {0: ()}
    for i in range(len(word)):
        if i not in best:
            continue
        for sub in subs:
            if word.startswith(sub, i):
                j = i + len(sub)
                if j not in best or len(best[j]) > len(best[i]) + 1:
                    best[j] = best[i] + (sub,)
    return best.get(len(word)) or None


def seams(parts):
    "Return the bigrams across the words of parts: (提取, 公积金) → [取公]."
    return [a[-1] + b[0] for a, b in zip(parts, parts[1:])]


# what ends a clause: jieba cuts a text into blocks at these
_CLAUSE = re.compile(r'[\s。；;！!？?，,、：:（）()《》“”"]')


def aligned_count(text, word):
    """Return how many times word is in text where it begins with one of
    the words jieba cuts text into (precise mode): 共享单车 in
    共享|单车|乱|停放 counts, and 大学毕业 in 大学|毕业生, but not 月工资 in
    一个月|工资 (a question's 这个|月工资 would otherwise hold an entry's
    一个月工资)."""
    count = 0
    start = text.find(word)
    if start < 0:
        return 0
    Term = Pool().get('sushi.knowledge.term')
    tokenizer = Term.tokenizer()
    cuts = {}
    while start >= 0:
        # the clause around the place, and the places its words begin at
        left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)),
            default=0)
        match = _CLAUSE.search(text, start + len(word))
        right = match.start() if match else len(text)
        bounds = cuts.get((left, right))
        if bounds is None:
            bounds, place = {left}, left
            for token in tokenizer.cut(text[left:right]):
                place += len(token)
                bounds.add(place)
            cuts[left, right] = bounds
        count += start in bounds
        start = text.find(word, start + 1)
    return count


def diversify(ranked, groups, count=None):
    """Return ranked with its first count (DIVERSE) places given in turn to
    the best entries that are no near-duplicate of one placed before
    (groups: {id: the character bigrams of its title}), the others after
    them in their order; the scores stay the entries' own."""
    count = DIVERSE if count is None else count
    top, rest, seen = [], [], set()
    for row in ranked:
        group = groups[row[2]]
        near = any(g and group and len(group & g)
                >= OVERLAP * min(len(group), len(g)) for g in seen)
        if len(top) < count and not near:
            top.append(row)
            seen.add(group)
        else:
            rest.append(row)
    return top + rest


class Found(list):
    """The (entry, rank, snippet) of a search, with the words of the
    question that were marked (`marked`, longest first): the wizard shows
    them in the titles without cutting the question again."""
    marked = ()


def search_entries(Entry, query, limit=20, kinds=None, marks=('【', '】'),
        escape=None):
    "The work of Entry.search_text; see there."
    check_query(query, limit, kinds)
    if not query or not query.strip():
        return Found()
    units, marked, _ = query_units(query)
    if not units:
        # A question made only of stop words and colloquial fillers
        # (俺就想问问啥时候能给俺办好, 现在能办不): the characters of all
        # but its stop words, which still say something (办, 啥时候), as
        # below, so that it finds something, marked weak; stop words alone
        # (请问怎么样) find nothing
        from .term import BASE_STOP_WORDS
        Term = Pool().get('sushi.knowledge.term')
        stop = {w for w, _, k, _ in Term.terms() if k == 'stop'}
        stop |= BASE_STOP_WORDS
        text = Term.standard_text(query)
        said = ''.join(t for t in Term.tokenizer().cut(text)
            if t not in stop)
        units = char_units([Unit(''.join(_HAN_CHAR.findall(said)), 'word')])
        found = candidates(Entry, units, kinds, chars=True) if units else {}
        weak = True
    else:
        found = candidates(Entry, units, kinds)
        weak = False
    if not found and not weak:
        # No entry shares a word or bigram: the characters of the
        # question, so that a question with an answer never finds nothing;
        # single characters are no confident answer, whatever their share
        # (the scores are scaled below the 'possible' band).
        units += char_units(units)
        found = candidates(Entry, units, kinds, chars=True)
        weak = True
    if not found:
        return Found()
    first = sorted(found, key=lambda i: (-found[i], -i))[:FIRST_PASS]
    asked = asked_parts(query)
    ranked = rank(Entry, first, units, asked)[:limit]
    if asked and ranked and states(ranked[0][3], asked) < len(asked):
        # the best entry names the subject but does not say how much, how
        # long or what number to dial: no confident answer (KB-08)
        weak = True
    if weak:
        Configuration = Pool().get('sushi.configuration')
        factor = 0.99 * Configuration.get_values()[
            'knowledge_possible_score']
        ranked = [(v * factor, *r) for v, *r in ranked]
    result = Found((entry, round(score, 6),
            snippet(values['content'], marked, marks=marks, escape=escape))
        for entry, (score, _, _, values) in zip(
            _records(Entry, ranked), ranked))
    result.marked = marked
    return result


def _records(Entry, ranked):
    """Return the records of ranked holding the fields the result lists
    show, from the row read for the ranking (reading the records again
    would fetch their 30 columns): the values are put in the records'
    shared local cache, as a read would leave them, so any other field is
    read for all of them at once, and so are their owner units."""
    Unit = Pool().get('sushi.unit')
    units = {v['owner_unit'] for *_, v in ranked}
    units = dict(zip(units, Unit.browse(list(units))))
    records = Entry.browse([i for _, _, i, _ in ranked])
    if records:
        cache = records[0]._local_cache
        for record, (_, _, _, values) in zip(records, ranked):
            cached = cache[record.id]
            for name, value in values.items():
                cached[name] = value
            cached['owner_unit'] = units[values['owner_unit']]
    return records


def band(score):
    """Return the confidence band of a score: 'confident', 'possible' or
    'weak' (the thresholds are in the configuration)."""
    Configuration = Pool().get('sushi.configuration')
    values = Configuration.get_values()
    if score >= values['knowledge_confident_score']:
        return 'confident'
    if score >= values['knowledge_possible_score']:
        return 'possible'
    return 'weak'


def matched_words(text, marked):
    "Return the words of marked found in text, longest first."
    folded = fold(text or '')
    return [w for w in marked if w in folded]


def _spans(text, words):
    """Return the sorted, non-overlapping (start, end) of words in text,
    each word's places taken in the order of words (the longest first)
    where no earlier word took them."""
    folded = fold(text)
    taken = []
    # the characters taken so far, to test a place in one call
    occupied = bytearray(len(folded))
    for word in words:
        size = len(word)
        start = folded.find(word)
        while start >= 0 and len(taken) < 500:
            end = start + size
            if occupied.find(1, start, end) < 0:
                taken.append((start, end))
                occupied[start:end] = b'\x01' * size
            start = folded.find(word, end)
    return sorted(taken)


def snippet(text, words, width=80, marks=('【', '】'), escape=None):
    """Return the passage of text of about width characters with the most
    of words in it, the words put between marks.

    Whitespace runs read as one space; '…' shows where text was cut.
    escape, when given, is applied to the text but not to the marks (the
    API escapes HTML)."""
    text = _SPACES.sub(' ', text or '').strip()
    escape = escape or (lambda s: s)
    spans = _spans(text, [w for w in words if w])
    start, end = 0, len(text)
    if width and len(text) > width:
        # the characters marked in the window of width from each span on:
        # the spans do not overlap, so their ends rise with their starts
        ends = [e for _, e in spans]
        marked = list(itertools.accumulate(
                (e - b for b, e in spans), initial=0))
        best, best_score = 0, -1
        for i, (s, _) in enumerate(spans):
            score = marked[max(i, bisect.bisect_right(ends, s + width))] - marked[i]
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
        # why each entry matched: the question's words in its title (as
        # the search cut them; cut again only if an extension of
        # search_text returned a plain list)
        marked = getattr(found, 'marked', None)
        if marked is None:
            _, marked, _ = query_units(self.query) if found else (None, [], 0)
        self.results = [Result(
                entry=entry,
                title=snippet(entry.title, marked, width=None),
                kind=entry.kind,
                owner_unit=entry.owner_unit,
                rank=round(rank, 4),
                band=band(rank),
                matched='、'.join(matched_words(
                        ' '.join(filter(None, [entry.title, entry.keywords,
                                    entry.content])),
                        [w for w in marked if len(w) > 1])[:8]),
                snippet=text,
                answer=entry.content,
                selected=False)
            for entry, rank, text in found]
        if not found:
            self.summary = gettext('sushi_knowledge.msg_search_nothing')
        elif self.results[0].band == 'weak':
            # TRI-02: no confident answer rather than a wrong one
            self.summary = gettext('sushi_knowledge.msg_search_weak',
                count=len(found))
        else:
            self.summary = gettext('sushi_knowledge.msg_search_found',
                count=len(found))


class SearchResult(ModelView):
    __name__ = 'sushi.knowledge.search.result'
    __string__ = "Knowledge Search Result"

    entry = fields.Many2One('sushi.knowledge.entry', "Entry", readonly=True)
    title = fields.Char("Title", readonly=True)
    kind = fields.Selection('get_kinds', "Kind", readonly=True)
    owner_unit = fields.Many2One('sushi.unit', "Owner Unit", readonly=True)
    rank = fields.Float("Score", digits=(16, 4), readonly=True,
        help="How well the entry answers the question, from 0 to 1.")
    band = fields.Selection(BANDS, "Confidence", readonly=True,
        help="A weak match is no confident answer: check it before "
        "reading it to the caller.")
    matched = fields.Char("Matched Words", readonly=True,
        help="The words of the question found in the entry.")
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
