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
search RPC methods), before the models' own search code sees it."""
import functools
import re

from sql.operators import ILike, Or

from trytond.i18n import gettext
from trytond.model import ModelStorage
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.transaction import Transaction

from .exceptions import ValueCheckError
from .guard import _active, _check_search, external

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
        cursor.execute(*from_.select(id_column, text_column, name_column,
                where=Or([ILike(text_column, _relaxed(t), escape='\\')
                        for t in patterns])))
        for id_, text, requester in cursor:
            if text is None:
                continue
            shown = mask_contacts(text, [requester])
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
    pool = Pool()
    Ticket = pool.get('sushi.ticket')
    path, operator, value, *extra = leaf
    parts = path.split('.')
    Current = Model
    for i, part in enumerate(parts):
        field = Current._fields.get(part)
        if field is None:
            return leaf  # Tryton refuses it
        prefix = parts[:i]

        def at(name):
            return '.'.join(prefix + [name])
        if i < len(parts) - 1:
            Current = _target(field, extra)
            if Current is None:
                return leaf
            continue
        if masked_field(Current, part):
            if (operator in {'=', '!='} and value is None):
                return leaf
            if operator not in OPERATORS:
                _refuse(Current, part)
            ids, negated = visible_ids(Current, part, operator, value)
            return (at('id'), 'not in' if negated else 'in', ids, *extra)
        if Current.__name__ == Ticket.__name__ and part == 'rec_name':
            # the search bar: the number, and the title as shown
            number = (at('number'), operator, value, *extra)
            if operator not in {'like', 'ilike', 'not like', 'not ilike'}:
                return number
            ids, negated = visible_ids(Current, 'title', operator, value)
            if negated:
                return [number, (at('id'), 'not in', ids, *extra)]
            return ['OR', number, (at('id'), 'in', ids, *extra)]
        Target = _target(field, extra)
        if Target is None:
            return leaf
        if operator in {'where', 'not where'}:
            return (path, operator, visible_domain(Target, value), *extra)
        if (Target.__name__ == Ticket.__name__ and isinstance(value, str)
                and operator in OPERATORS):
            # a relation searched by text searches the order's rec_name
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
