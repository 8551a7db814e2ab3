# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The domain dictionary and the Chinese word segmentation built on it.

Words are cut with jieba.  Its general dictionary does not know the names
of Suzhou's units, towns and policies, so administrators keep a domain
dictionary (`sushi.knowledge.term`); the names and other names of the
handling units are added to it automatically.  Each process keeps one
jieba tokenizer per database, rebuilt when the dictionary changes."""
import logging
import threading
import unicodedata

import jieba
from sql import Null

from trytond.cache import Cache
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.transaction import Transaction

# Words that say how a caller asks, not what about: left out of queries so
# that "公积金怎么提取" finds what "公积金提取" finds.
STOP_WORDS = frozenset("""
    的 了 吗 呢 啊 吧 呀 嘛 么 哦 呗 着 过 得 地 之 其 而 及 与 和 或 跟 同
    在 是 有 没 没有 不 也 都 就 还 又 再 才 很 太 更 最 被 把 让 给 对 向 从
    我 你 您 他 她 它 我们 你们 他们 她们 咱们 大家 自己 本人 家里
    这 那 这个 那个 这些 那些 这里 那里 这儿 那儿 这样 那样 一个 一下 一些
    请 请问 问 问一下 咨询 想 想要 想问 要 需 需要 能 能否 能不能 可以 可不可以
    可否 是否 是不是 有没有 会 会不会 应该 应当
    怎么 怎么样 怎样 如何 什么 啥 哪 哪里 哪儿 哪个 哪些 哪家 多少 几 为什么
    为何 谁 何时 什么时候 多久 多长时间 几点 几天 怎么办 咋办 咋 怎么弄
    怎么搞 办好 办完 能办 可办
    吗 呢 谢谢 你好 您好 麻烦 帮忙 帮 一 下
    a an the of to and or is are am be in on at for by with how what
    where when why who which do does can could please i you we
    """.split())
MAX_QUERY_WORDS = 32

_lock = threading.Lock()
# database name -> (dictionary words, jieba.Tokenizer)
_tokenizers = {}


def normalize(text):
    """Fold full-width letters and digits to half-width and letters to lower
    case, so that ＡＢＣ１２３ and abc123 are the same words."""
    return unicodedata.normalize('NFKC', text or '').lower()


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
            ], "Kind", required=True, sort=False)

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
        if values.keys() & {'word', 'frequency', 'active'}:
            words = {t.word for t in records}
            if values.get('word'):
                words.add(values['word'])
            callbacks.append(lambda: cls.dictionary_changed(words))
        return callbacks

    @classmethod
    def on_delete(cls, records):
        callbacks = super().on_delete(records)
        words = {t.word for t in records}
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
                    found.setdefault(word, None)
            cursor.execute(*term.select(term.word, term.frequency,
                    where=(term.active == True)  # noqa: E712
                    & (term.word != Null)))
            for word, frequency in cursor:
                word = normalize(word).strip()
                if word:
                    found[word] = frequency
            words = tuple(sorted(found.items(),
                    key=lambda w: (w[0], w[1] or 0)))
            cls._words_cache.set(None, words)
        return words

    @classmethod
    def tokenizer(cls):
        "Return this process's jieba tokenizer for the current database."
        words = cls.words()
        database = Transaction().database.name
        with _lock:
            loaded, tokenizer = _tokenizers.get(database, ((), None))
            if tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
            if loaded != words:
                new = dict(words)
                for word, frequency in loaded:
                    if word not in new:
                        tokenizer.del_word(word)
                for word, frequency in words:
                    tokenizer.add_word(word, frequency)
                _tokenizers[database] = (words, tokenizer)
        return tokenizer

    @classmethod
    def index_words(cls, *texts):
        """Return the words of texts for the full-text index: every word
        and, for long words, their shorter words too (jieba's search
        mode), joined by spaces."""
        tokenizer = cls.tokenizer()
        words = []
        for text in texts:
            if text:
                words.extend(t for t in tokenizer.cut_for_search(
                        normalize(text)) if is_word(t))
        return ' '.join(t.strip() for t in words if t.strip())

    @classmethod
    def commonness(cls, word):
        """Return how common word is in general Chinese (jieba's count):
        the commonest words of a query are the first left out."""
        return cls.tokenizer().FREQ.get(word, 0)

    @classmethod
    def query_words(cls, query):
        """Return (words, all_words) of a query without stop words:
        words as cut in precise mode, which an entry must all contain to
        match strictly, and all_words with their shorter words too, which
        find the near misses.  Both keep the query's order."""
        tokenizer = cls.tokenizer()
        text = normalize(query)

        def clean(tokens):
            seen = []
            for token in tokens:
                token = token.strip()
                if (token and is_word(token) and token not in STOP_WORDS
                        and token not in seen):
                    seen.append(token)
            return seen[:MAX_QUERY_WORDS]

        words = clean(tokenizer.cut(text))
        all_words = clean(tokenizer.cut_for_search(text))
        return words, all_words
