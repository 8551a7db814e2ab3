# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The domain dictionary and the Chinese word segmentation built on it.

Words are cut with jieba.  Its general dictionary does not know the names
of Suzhou's units, towns and policies, so administrators keep a domain
dictionary (`sushi.knowledge.term`); the names and other names of the
handling units are added to it automatically.  Each process keeps one
jieba tokenizer per database, rebuilt when the dictionary changes."""
import functools
import logging
import re
import threading
import unicodedata

import jieba
from sql import Null

from trytond.cache import Cache
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

# The stop words, the callers' fillers and the synonyms are dictionary
# data (term.xml, kinds 'stop', 'filler' and 'synonym'), which the
# administrators edit; these few punctuation-like words are always left out.
BASE_STOP_WORDS = frozenset({'的', '了', '吗', '呢', '啊', '吧'})
MAX_QUERY_WORDS = 32
# Runs of Chinese characters, whose bigrams are indexed and searched.
_HAN = re.compile(r'[\u3400-\u9fff\uf900-\ufaff]+')
# Latin letters and digits (12345, app, 80%)
_ALNUM = re.compile(r'[0-9a-z]+')

_lock = threading.Lock()
# database name -> (dictionary words, jieba.Tokenizer)
_tokenizers = {}


def normalize(text):
    """Fold full-width letters and digits to half-width and letters to lower
    case, so that ＡＢＣ１２３ and abc123 are the same words."""
    return unicodedata.normalize('NFKC', text or '').lower()


@functools.lru_cache(maxsize=4096)
def _fold_char(char):
    folded = normalize(char)
    return folded if len(folded) == 1 else char


def fold(text):
    """Return normalize(text) one character for one, so that a position in
    it is the same position in text (to mark words in the original text):
    a character that normalize would expand (㎡, ﬁ) stays as it is."""
    folded = normalize(text)
    if len(folded) == len(text or ''):
        return folded
    return ''.join(_fold_char(c) for c in text)


def is_word(token):
    "Tell whether a token holds a letter or digit (not only punctuation)."
    return any(c.isalnum() for c in token)


def unit_words(name, aliases):
    "Return the words of a unit's name and other names (comma separated)."
    words = (normalize(w).strip()
        for w in [name] + (aliases or '').replace('，', ',').split(','))
    return [w for w in words if len(w) > 1]


class Term(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'sushi.knowledge.term'
    __string__ = "Dictionary Word"

    word = fields.Char("Word", required=True, strip=True,
        help="A word jieba must keep whole: a place, a unit or a policy "
        "term.")
    frequency = fields.Integer("Frequency",
        domain=['OR', ('frequency', '=', None), ('frequency', '>', 0)],
        help="Leave empty to let jieba choose a frequency that keeps the "
        "word whole; a higher value also wins over longer words.")
    kind = fields.Selection([
            ('place', "Place Name"),
            ('unit', "Unit Name"),
            ('policy', "Policy Term"),
            ('other', "Other"),
            ('synonym', "Colloquial Synonym"),
            ('stop', "Stop Word"),
            ('filler', "Colloquial Filler"),
            ], "Kind", required=True, sort=False,
        help="Stop words and fillers are left out of questions; a synonym "
        "is read as its standard word in questions and entries alike.")
    canonical = fields.Char("Standard Word", strip=True,
        states={
            'required': Eval('kind') == 'synonym',
            'invisible': Eval('kind') != 'synonym',
            },
        help="The word the knowledge base uses for this colloquial word "
        "(辞职 → 离职, 电瓶车 → 电动车).")

    _words_cache = Cache('sushi.knowledge.term.words', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('word_unique', Unique(t, t.word),
                'sushi_knowledge.msg_term_word_unique'),
            ]
        cls._order = [('kind', 'ASC'), ('word', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'policy'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._words_cache.clear()
        if mode == 'create':
            cls.dictionary_changed([t.word for t in records])

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        if values.keys() & {'word', 'frequency', 'active', 'kind',
                'canonical'}:
            words = {t.word for t in records} | {
                t.canonical for t in records if t.canonical}
            for name in ['word', 'canonical']:
                if values.get(name):
                    words.add(values[name])
            callbacks.append(lambda: cls.dictionary_changed(words))
        return callbacks

    @classmethod
    def on_delete(cls, records):
        callbacks = super().on_delete(records)
        words = {t.word for t in records} | {
            t.canonical for t in records if t.canonical}
        callbacks.append(lambda: cls.dictionary_changed(words))
        return callbacks

    @classmethod
    def dictionary_changed(cls, words):
        """Re-index, in the background, the entries that contain words
        which the dictionary gained, lost or re-weighted."""
        Pool().get('sushi.knowledge.entry').reindex_words(
            [normalize(w) for w in words if w])

    @classmethod
    def words(cls):
        """Return the dictionary as a sorted tuple of (word, frequency):
        the active terms, then the names and other names of the units."""
        return tuple((w, f) for w, f, _, _ in cls.terms())

    @classmethod
    def terms(cls):
        """Return the dictionary as a sorted tuple of (word, frequency,
        kind, standard word)."""
        words = cls._words_cache.get(None)
        if words is None:
            Unit = Pool().get('sushi.unit')
            cursor = Transaction().connection.cursor()
            term = cls.__table__()
            unit = Unit.__table__()
            found = {}
            cursor.execute(*unit.select(unit.name, unit.aliases,
                    where=unit.active == True))  # noqa: E712
            for name, aliases in cursor:
                for word in unit_words(name, aliases):
                    found.setdefault(word, (None, 'unit', None))
            cursor.execute(*term.select(term.word, term.frequency,
                    term.kind, term.canonical,
                    where=(term.active == True)  # noqa: E712
                    & (term.word != Null)))
            for word, frequency, kind, canonical in cursor:
                word = normalize(word).strip()
                canonical = normalize(canonical).strip() or None
                if word:
                    found[word] = (frequency, kind, canonical)
            words = tuple(sorted(((w, *v) for w, v in found.items()),
                    key=lambda w: (w[0], w[1] or 0, w[2], w[3] or '')))
            cls._words_cache.set(None, words)
        return words

    @classmethod
    def tokenizer(cls):
        "Return this process's jieba tokenizer for the current database."
        terms = cls.terms()
        database = Transaction().database.name

        def jieba_words(terms):
            # a single character is a word to jieba already; the standard
            # words of synonyms are words of the domain
            words = {c: None for _, _, k, c in terms
                if k == 'synonym' and c and len(c) > 1}
            words.update((w, f) for w, f, _, _ in terms if len(w) > 1)
            return words
        with _lock:
            loaded, tokenizer = _tokenizers.get(database, ((), None))[:2]
            if tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
            if loaded != terms:
                old, new = jieba_words(loaded), jieba_words(terms)
                for word in old.keys() - new.keys():
                    tokenizer.del_word(word)
                for word, frequency in new.items():
                    if old.get(word, -1) != frequency:
                        tokenizer.add_word(word, frequency)
                _tokenizers[database] = (terms, tokenizer, None)
        return tokenizer

    @classmethod
    def lexicon(cls):
        """Return (stop words, synonyms, pattern) of the dictionary: the
        words left out of questions, {colloquial word: standard word} and
        the regular expression that finds the colloquial words, longest
        first."""
        tokenizer = cls.tokenizer()
        database = Transaction().database.name
        with _lock:
            words, tokenizer_, lexicon = _tokenizers[database]
            if lexicon is None:
                terms = cls.terms()
                stop = set(BASE_STOP_WORDS)
                synonyms = {}
                for word, _, kind, canonical in terms:
                    if kind in {'stop', 'filler'}:
                        stop.add(word)
                    elif kind == 'synonym' and canonical and (
                            canonical != word):
                        synonyms[word] = canonical
                # A standard word reads as itself: 执照 → 营业执照 must not
                # turn 营业执照 into 营业营业执照.
                for canonical in list(synonyms.values()):
                    synonyms.setdefault(canonical, canonical)
                pattern = (re.compile(_trie_pattern(synonyms))
                    if synonyms else None)
                # and a standard word that holds colloquial words reads as
                # their standard words, as the same text in an entry would
                for word, canonical in list(synonyms.items()):
                    for _ in range(3):
                        standard = pattern.sub(
                            lambda m: synonyms[m.group(0)]
                            if m.group(0) != canonical else canonical,
                            canonical)
                        if standard == canonical:
                            break
                        canonical = standard
                    synonyms[word] = canonical
                lexicon = (frozenset(stop), synonyms, pattern)
                _tokenizers[database] = (words, tokenizer_, lexicon)
        del tokenizer
        return lexicon

    @classmethod
    def standard_text(cls, text):
        """Return text normalized, its colloquial words replaced by their
        standard words."""
        return cls.standardizer()(text)

    @classmethod
    def standardizer(cls):
        "Return the function of standard_text for many texts."
        _, synonyms, pattern = cls.lexicon()
        tokenizer = cls.tokenizer()
        known = tokenizer.FREQ

        def is_known(word):
            return len(word) > 1 and known.get(word, 0) > 0

        def splits_word(text, start, end, cuts):
            """Tell whether replacing text[start:end] would split a word of
            jieba's cut of text: 付房租 in 支付|房租 would break 支付.  A word
            whose two sides of the cut are words themselves (住房|公积金 of
            住房公积金, for 公积金能取) is no broken word."""
            for i, j in cuts:
                if j <= start:
                    continue
                if i >= end:
                    break
                for place in (start, end):
                    if i < place < j and not (is_known(text[i:place])
                            and is_known(text[place:j])):
                        return True
            return False

        def replace(match, cuts):
            word, start = match.group(0), match.start()
            standard = synonyms[word]
            # the standard word already begins inside the colloquial one
            # (能报销: 能报 → 报销 would read 报销销): left as it is
            for i in range(1, len(word)):
                if match.string.startswith(standard, start + i):
                    return word
            if splits_word(match.string, start, match.end(), cuts):
                return word
            return standard

        def standard(text):
            text = normalize(text)
            if pattern is not None and pattern.search(text):
                cuts, i = [], 0
                for token in tokenizer.cut(text, HMM=False):
                    cuts.append((i, i + len(token)))
                    i += len(token)
                text = pattern.sub(lambda m: replace(m, cuts), text)
            return arabic_numerals(text)
        return standard

    @classmethod
    def index_words(cls, *texts):
        """Return the words of texts for the full-text index: every word
        and, for long words, their shorter words too (jieba's search
        mode), joined by spaces."""
        tokenizer = cls.tokenizer()
        stop, _, _ = cls.lexicon()
        words = []
        for text in texts:
            if text:
                text = cls.standard_text(text)
                words.extend(t for t in tokenizer.cut_for_search(text)
                    if is_word(t) and t.strip() not in stop)
                words.extend(bigrams(text))
                # and each character once, for the questions that share no
                # word with any entry
                words.extend(dict.fromkeys(''.join(_HAN.findall(text))))
        return ' '.join(t.strip() for t in words if t.strip())

    @classmethod
    def commonness(cls, word):
        """Return how common word is in general Chinese (jieba's count):
        the commonest words of a query are the first left out."""
        return cls.tokenizer().FREQ.get(word, 0)

    @classmethod
    def query_words(cls, query):
        """Return (words, all_words) of a query without stop words or
        fillers, colloquial words replaced by their standard words: words
        as cut in precise mode and all_words with their shorter words too.
        Both keep the query's order."""
        words, all_words, _ = cls.query_terms(query)
        return words, all_words

    @classmethod
    def query_terms(cls, query):
        """Return (words, all_words, grams) of a query: grams are the
        bigrams of the runs of Chinese characters left between the stop
        words and fillers, and its Latin words and numbers."""
        tokenizer = cls.tokenizer()
        stop, _, _ = cls.lexicon()
        text = cls.standard_text(query)

        def clean(tokens):
            seen = []
            for token in tokens:
                token = token.strip()
                if (token and is_word(token) and token not in stop
                        and token not in seen):
                    seen.append(token)
            return seen[:MAX_QUERY_WORDS]

        cut = list(tokenizer.cut(text))
        words = clean(cut)
        all_words = clean(tokenizer.cut_for_search(text))
        # what is left of the question once its stop words are out
        kept = ''.join(t if t.strip() not in stop else ' ' for t in cut)
        grams = []
        for gram in bigrams(kept) + _ALNUM.findall(kept):
            if gram not in grams:
                grams.append(gram)
        return words, all_words, grams[:4 * MAX_QUERY_WORDS]


_DIGITS = {'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
    '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
_UNITS = {'十': 10, '百': 100, '千': 1000}
# a run of Chinese numerals, and the measure word after it if any
_NUMERAL = re.compile(r'([零〇一二两三四五六七八九十百千万]+)'
    r'([岁周年个月天日元块号次层级倍套辆米里])?')


def chinese_number(run):
    """Return the value of a run of Chinese numerals (七十 70, 八十五 85,
    两万 20000, 一百零五 105); digits without units read one by one
    (一二三 123)."""
    if not set(run) & (set(_UNITS) | {'万'}):
        return int(''.join(str(_DIGITS[c]) for c in run))
    total = section = number = 0
    for char in run:
        if char in _DIGITS:
            number = _DIGITS[char]
        elif char in _UNITS:
            section += (number or 1) * _UNITS[char]
            number = 0
        else:  # 万
            total += (section + number or 1) * 10000
            section = number = 0
    return total + section + number


def arabic_numerals(text):
    """Return text with the Chinese numerals that count something written
    in digits, so that callers' 七十多岁, 八十五了, 四个月 meet the entries'
    70周岁, 85岁, 4个月.  Applied to questions and entries alike; a numeral
    is converted when a measure word follows it or when it has a unit
    (十, 百, 千, 万) and two characters at least, so that words such as
    统一, 第一 or 万一 stay as they are."""
    def replace(match):
        run, measure = match.group(1), match.group(2)
        if run[0] not in _DIGITS and run[0] != '十':
            return match.group(0)
        if not measure and (len(run) < 2
                or not set(run) & (set(_UNITS) | {'万'})):
            return match.group(0)
        return str(chinese_number(run)) + (measure or '')
    return _NUMERAL.sub(replace, text)


def _trie_pattern(words):
    """Return a regular expression matching any of words, the longest at
    each place, as a trie (much faster than an alternation of hundreds of
    words)."""
    trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[''] = True

    def build(node):
        end = node.get('', False)
        branches = [re.escape(c) + build(child)
            for c, child in sorted(node.items()) if c]
        if not branches:
            return ''
        group = (branches[0] if len(branches) == 1
            else '(?:' + '|'.join(branches) + ')')
        if end:
            group = '(?:' + group + ')?'
        return group
    return build(trie)


def bigrams(text):
    "Return the pairs of adjacent Chinese characters of text, in order."
    return [run[i:i + 2] for run in _HAN.findall(text)
        for i in range(len(run) - 1)]
