# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PUB-06: who reads the requester masked (city leaders, analysts,
assessment officers: no read of `requester_phone`) reads the order's texts
masked (security.mask_contacts: e-mails, runs of 7 digits or more and the
requester's name hidden) and searches them as shown, never by what the
mask hides.

Tryton searches the stored text, so a count by `title like '%1390%'`,
then `'%3905%'`…, or by the requester's name, rebuilt what the mask
hides, directly, through a path (`ticket.title` of an assignment), a
nested domain, the search bar (`rec_name`) or the assignment's copy of
the title; an order by the texts sorted by it.  For those users, a
domain's leaf on a masked text is answered on the masked text: the rows
whose whole text could match (SQL, the mask's characters and `_` made
`%`) are masked and matched in Python, and the leaf becomes `id in` (or
`not in`) them.  Comparisons (`<`, `>`…) and orders by a masked text are
refused.  The rewrite is done on the domain the client sent (the
search RPC methods), before the models' own search code sees it.

Issue #14 (the thirteenth session): masking changes a text only where it
has an `@`, a run of 7 digits or the requester's name; a text without
them is shown as stored and matches as stored.  So a positive LIKE of a
text whose characters have no case (Chinese, digits, punctuation: `like`
and `ilike` match the same on both backends and in Python) is searched
as stored, as for everyone, except the few matching rows that the mask
changes (found in SQL on PostgreSQL from `maskable`, served by a partial
index; on SQLite by masking the candidates): those are matched masked in
Python and put in or out by id (`_split`).  The search bar stays the
search bar (with its indexes and pages) when no such row is among its
matches.  A common word had every order that contains it masked in
Python, and its id list made the domain: seconds at 1 M orders."""
import functools
import re

from sql import Null
from sql.conditionals import Coalesce
from sql.functions import CharLength, Position
from sql.operators import BinaryOperator, ILike, Or

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelStorage
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.transaction import Transaction

from .exceptions import ValueCheckError
from .guard import _active, _check_order, _check_search, external

# the operator whose positive form a leaf is matched with, and whether
# the leaf is the negation of it
OPERATORS = {
    'like': ('like', False), 'ilike': ('ilike', False),
    '=': ('=', False), 'in': ('=', False),
    'not like': ('like', True), 'not ilike': ('ilike', True),
    '!=': ('=', True), 'not in': ('=', True),
    }
# the search RPC methods: position of their order argument
SEARCH_METHODS = {'search': 3, 'search_count': None, 'search_read': 3,
    'export_data_domain': 4}


def masked_view():
    "Whether the current call is a user's who reads the requester masked."
    if not external() or not _active():
        return False
    return not Pool().get('sushi.ticket')._reads_requesters()


def masked_field(Model, name):
    "Whether Model's field name is a text shown masked."
    return (name in getattr(Model, 'FREE_TEXT_FIELDS', ())
        and hasattr(Model, '_masked_source'))


def _tokens(pattern, like):
    "[(kind, character)] of a LIKE pattern, or of an exact text."
    if not like:
        return [('c', c) for c in pattern]
    tokens = []
    characters = iter(pattern)
    for c in characters:
        if c == '\\':
            tokens.append(('c', next(characters, '\\')))
        elif c in '%_':
            tokens.append((c, c))
        else:
            tokens.append(('c', c))
    return tokens


def _regex(tokens, ignore_case):
    return re.compile(''.join(
            '.*' if k == '%' else '.' if k == '_' else re.escape(c)
            for k, c in tokens),
        re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _relaxed(tokens):
    """A LIKE pattern that the whole text matches whenever its masked text
    matches tokens: what matched the mask's characters (or `_`) may be
    anything there."""
    from .security import CONTACT_MASK, NAME_MASK
    mask = set(CONTACT_MASK + NAME_MASK)
    pattern = []
    for kind, c in tokens:
        if kind != 'c' or c in mask:
            if not pattern or pattern[-1] != '%':
                pattern.append('%')
        else:
            pattern.append('\\' + c if c in '%_\\' else c)
    return ''.join(pattern)


class Regexp(BinaryOperator):
    "PostgreSQL's regular expression match (`~`)."
    __slots__ = ()
    _operator = '~'


# the characters in which Python's \d and \s are looked for (Unicode 15:
# none after the first two planes; test_masked checks every character)
CLASS_PLANES = 0x20000


def _class(pattern):
    """A PostgreSQL bracket expression of the characters that pattern (a
    Python character class) matches: Python's own classes, as the mask
    applies them, not the database's."""
    every = ''.join(map(chr, range(CLASS_PLANES)))
    ranges = [(m.start(), m.end() - 1)
        for m in re.finditer(pattern + '+', every)]
    return '[' + ''.join(
        '\\U%08x' % a if a == b else '\\U%08x-\\U%08x' % (a, b)
        for a, b in ranges) + ']'


@functools.lru_cache(maxsize=None)
def _digit_run():
    """The regular expression (PostgreSQL) of the texts in which
    security.CONTACT_PATTERNS finds a run of digits: 7 digits (any that
    Python's \\d matches) each apart by at most one separator (\\s or
    a dash), as CONTACT_PATTERNS[1]."""
    digit = _class(r'\d')
    separator = _class(r'[\s\-－—]')
    return f'{digit}(?:{separator}?{digit}){{6}}'


def maskable(text, name):
    """SQL: whether mask_contacts(text, [name]) may differ from text: an
    `@` (an e-mail), a run of 7 digits, the requester's name (2 characters
    or more).  NULL (never true) when the text is NULL, or when the name is
    NULL and nothing else is there.  Also the where of the partial indexes
    of those rows (security.Ticket): written once, so that PostgreSQL sees
    the query's condition is the index's.  PostgreSQL only."""
    return ((Position('@', text) > 0)
        | Regexp(text, _digit_run())
        | ((CharLength(name) >= 2) & (Position(name, text) > 0)))


def _uncased(tokens):
    """Whether no character of the pattern has a case: then LIKE, ILIKE
    (PostgreSQL: ASCII or Unicode folding, SQLite: ASCII) and Python's
    case-insensitive match of it are one same match."""
    return all(c.lower() == c == c.upper() == c.casefold()
        for kind, c in tokens if kind == 'c')


def _by_record(rows):
    """{id: (text, requesters' names)} of rows (id, text, requester's
    name) with a text: a record of several orders (a supervision case)
    has a row per requester, and its text is shown with all their names
    masked."""
    found = {}
    for id_, text, requester in rows:
        if text is not None:
            found.setdefault(id_, (text, set()))[1].add(requester)
    return found


def _split(Model, name, operator, value):
    """Issue #14: (changed, matched) for a positive LIKE of uncased
    characters on the masked text name, else None (visible_ids then).

    changed: the ids of the records whose text the mask changes and that
    could match (the relaxed pattern); matched: those of them whose masked
    text matches.  Every other record shows its text as stored, so the
    leaf as sent (case-sensitive) answers for it: the masked search is
    `(leaf and id not in changed) or id in matched`."""
    from .security import mask_contacts
    positive, negated = OPERATORS[operator]
    if (negated or positive not in {'like', 'ilike'}
            or not isinstance(value, str) or '\\' in value):
        # (an escape: a pattern ending with one is an error of the LIKE
        # as sent)
        return None
    tokens = _tokens(value, True)
    if not _uncased(tokens) or all(k == '%' for k, _ in tokens):
        # a cased letter (its folding differs between backends and
        # Python), or a pattern that the empty text of a NULL matches
        return None
    regex = _regex(tokens, False)
    from_, id_column, text_column, name_column = Model._masked_source(name)
    where = ((text_column != Null)
        & ILike(Coalesce(text_column, ''), _relaxed(tokens), escape='\\'))
    if backend.name == 'postgresql':
        where &= maskable(text_column, name_column)
    cursor = Transaction().connection.cursor()
    cursor.execute(*from_.select(id_column, text_column, name_column,
            where=where))
    found = _by_record(cursor)
    # a record of several orders (a supervision case) has a row per
    # requester: its text is masked with all their names, those of the
    # rows the condition above left out too
    candidates = sorted(found)
    for i in range(0, len(candidates), 1000):
        cursor.execute(*from_.select(id_column, name_column,
                where=id_column.in_(candidates[i:i + 1000])))
        for id_, requester in cursor:
            found[id_][1].add(requester)
    changed, matched = [], []
    for id_, (text, requesters) in sorted(found.items()):
        shown = mask_contacts(text, sorted(filter(None, requesters)))
        if shown == text:
            continue
        changed.append(id_)
        if regex.fullmatch(shown):
            matched.append(id_)
    return changed, matched


def _split_domain(at, leaf, split, extra):
    "The masked search of a positive leaf from its _split."
    changed, matched = split
    if not changed:
        return leaf
    return ['OR', [leaf, (at('id'), 'not in', changed, *extra)],
        (at('id'), 'in', matched, *extra)]


def visible_ids(Model, name, operator, value):
    """(ids, negated): the Model records whose masked text `name` matches
    the positive form of operator with value."""
    from .security import mask_contacts
    positive, negated = OPERATORS[operator]
    values = (value if operator in {'in', 'not in'}
        and isinstance(value, (list, tuple)) else [value])
    patterns = [_tokens(v, positive != '=') for v in values
        if isinstance(v, str)]
    from_, id_column, text_column, name_column = Model._masked_source(name)
    ids = []
    if patterns:
        regexes = [_regex(t, positive == 'ilike') for t in patterns]
        cursor = Transaction().connection.cursor()
        # COALESCE as Tryton writes it: the trigram indexes are of it
        cursor.execute(*from_.select(id_column, text_column, name_column,
                where=Or([ILike(Coalesce(text_column, ''), _relaxed(t),
                            escape='\\') for t in patterns])))
        for id_, (text, requesters) in _by_record(cursor).items():
            shown = mask_contacts(text, sorted(filter(None, requesters)))
            if any(r.fullmatch(shown) for r in regexes):
                ids.append(id_)
    return ids, negated


def masked_texts(Model, name, ids):
    """[(id, text, requester's name)] of the records ids of Model whose
    masked text name is set: one query per 1 000 ids."""
    from_, id_column, text_column, name_column = Model._masked_source(name)
    cursor = Transaction().connection.cursor()
    ids = sorted(set(ids))
    rows = []
    for i in range(0, len(ids), 1000):
        cursor.execute(*from_.select(id_column, text_column, name_column,
                where=id_column.in_(ids[i:i + 1000])))
        rows.extend(r for r in cursor if r[1])
    return rows


def shown_texts(rows):
    """{text: masked text} of rows [(id, text, requester's name)]: each
    text without the names of all the requesters whose record has it."""
    from .security import mask_contacts
    names = {}
    for _, text, requester in rows:
        names.setdefault(text, set()).add(requester)
    return {t: mask_contacts(t, sorted(filter(None, n)))
        for t, n in names.items()}


def masked_values(Model, name, ids):
    "{text: masked text} of the records ids of Model."
    return shown_texts(masked_texts(Model, name, ids))


def mask_rows(Model, rows, fields_names):
    """PUB-06: the masked texts of Model (its FREE_TEXT_FIELDS) in the rows
    of a read, as the order's title is shown, for who reads them masked
    (the read of a record holding a copy of an order's text)."""
    from .security import mask_contacts
    texts = Model.FREE_TEXT_FIELDS & set(fields_names)
    if not texts or not masked_view():
        return rows
    for name in texts:
        shown = masked_values(Model, name, [r['id'] for r in rows])
        for row in rows:
            if isinstance(row.get(name), str):
                row[name] = shown.get(row[name]) or mask_contacts(row[name])
    return rows


def _refuse(Model, name):
    raise ValueCheckError(gettext('sushi_ticket.msg_masked_text_compare',
            **Model.__names__(name)))


def _target(field, extra):
    if field._type == 'reference':
        return Pool().get(extra[0]) if extra and isinstance(
            extra[0], str) else None
    if hasattr(field, 'get_target'):
        return field.get_target()
    return None


def visible_domain(Model, domain):
    "domain with every leaf on a masked text matched on what is shown."
    if not isinstance(domain, (list, tuple)) or not domain:
        return domain
    if (len(domain) > 2 and isinstance(domain[0], str)
            and isinstance(domain[1], str)):
        return _visible_leaf(Model, tuple(domain))
    return [visible_domain(Model, d) if isinstance(d, (list, tuple)) else d
        for d in domain]


def _visible_leaf(Model, leaf):
    path, operator, value, *extra = leaf
    parts = path.split('.')
    Current = Model
    # through many2one fields only: a leaf and an id leaf on the same
    # prefix then test the same record (_split_domain)
    single = True
    for i, part in enumerate(parts):
        field = Current._fields.get(part)
        if field is None:
            return leaf  # Tryton refuses it
        prefix = parts[:i]

        def at(name):
            return '.'.join(prefix + [name])
        if i < len(parts) - 1:
            single &= field._type == 'many2one'
            Current = _target(field, extra)
            if Current is None:
                return leaf
            continue
        if masked_field(Current, part):
            if (operator in {'=', '!='} and value is None):
                return leaf
            if operator not in OPERATORS:
                _refuse(Current, part)
            split = single and _split(Current, part, operator, value)
            if split:
                return _split_domain(at,
                    (path, 'like', value, *extra), split, extra)
            ids, negated = visible_ids(Current, part, operator, value)
            return (at('id'), 'not in' if negated else 'in', ids, *extra)
        if part == 'rec_name' and getattr(Current, '_masked_rec_name',
                None):
            # the search bar: the number, and the text as shown (the
            # order's title, a supervision case's content)
            plain, text = Current._masked_rec_name
            number = (at(plain), operator, value, *extra)
            if operator not in {'like', 'ilike', 'not like', 'not ilike'}:
                return number
            split = single and _split(Current, text, operator, value)
            if split:
                as_stored = getattr(Current, '_masked_bar_as_stored', None)
                if (not split[0] and as_stored
                        and as_stored(operator, value)):
                    # no match the mask changes: the order's search bar as
                    # for everyone (its indexes and pages, issue #14)
                    return leaf
                title_only = getattr(Current, '_masked_bar_title_only', None)
                if title_only and title_only(operator, value):
                    # a text no number holds: the text alone (its index)
                    return _split_domain(at,
                        (at(text), 'like', value, *extra), split, extra)
                return ['OR', number, _split_domain(at,
                        (at(text), 'like', value, *extra), split, extra)]
            ids, negated = visible_ids(Current, text, operator, value)
            if negated:
                return [number, (at('id'), 'not in', ids, *extra)]
            return ['OR', number, (at('id'), 'in', ids, *extra)]
        Target = _target(field, extra)
        if Target is None:
            return leaf
        if operator in {'where', 'not where'}:
            return (path, operator, visible_domain(Target, value), *extra)
        if (getattr(Target, '_masked_rec_name', None)
                and isinstance(value, str) and operator in OPERATORS):
            # a relation searched by text searches the target's rec_name
            # (an order's, a supervision case's)
            return _visible_leaf(Model,
                (path + '.rec_name', operator, value, *extra))
        return leaf
    return leaf


def check_order(Model, order):
    "Refuse an order by a masked text (it sorts by what is hidden)."
    for item in order or []:
        if not (isinstance(item, (list, tuple)) and item
                and isinstance(item[0], str)):
            continue
        Current = Model
        parts = item[0].split('.')
        for i, part in enumerate(parts):
            field = Current._fields.get(part)
            if field is None:
                break
            if i == len(parts) - 1:
                if masked_field(Current, part):
                    _refuse(Current, part)
                break
            Current = _target(field, [])
            if Current is None:
                break


_core_rpc_decorate = RPC.decorate


def _masked_rpc_decorate(self, func):
    """RPC.decorate with, for the search methods of the models, the
    domain the client sent matched on the texts as the user sees them."""
    name = getattr(func, '__name__', None)
    owner = getattr(func, '__self__', None)
    func = _core_rpc_decorate(self, func)
    if (name not in SEARCH_METHODS or not isinstance(owner, type)
            or not issubclass(owner, ModelStorage)):
        return func
    position = SEARCH_METHODS[name]

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if args and external() and _active():
            # before a model's own search looks at it (the orders' unit
            # lists read it first): a malformed order is refused clearly
            _check_order(args[position] if position is not None
                and len(args) > position else kwargs.get('order'))
        if args and masked_view():
            args = list(args)
            order = (args[position] if position is not None
                and len(args) > position else kwargs.get('order'))
            # refusals of the domain as sent (rights, digit runs)
            _check_search(owner, args[0], order)
            check_order(owner, order)
            args[0] = visible_domain(owner, args[0])
        return func(*args, **kwargs)
    return wrapper


if getattr(RPC.decorate, '__name__', None) != '_masked_rpc_decorate':
    RPC.decorate = _masked_rpc_decorate
