# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One guard for every model of the platform, for what comes from outside
(JSON-RPC, routes): the form's `states` hold on the server, create takes
only what the form lets a user type, every value is checked for type, size
and NUL bytes and every reference for existence before the database sees
it, nested reads and exports respect field access and record rules.

The models get it as a base of a small extension class (see
`GUARDED_MODELS` below and in the other modules), so one mechanism serves
them all; internal code (workflow transitions, crons) is not restricted."""
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.ir.resource import ResourceAccessMixin
from trytond.model import (
    Model as BaseModel, ModelSingleton, ModelSQL, ModelView, fields)
from trytond.model.exceptions import AccessError
from trytond.model.modelstorage import ModelStorage, _record_eval_pyson
from trytond.pool import Pool
from trytond.pyson import PYSON
from trytond.rpc import RPC
from trytond.transaction import (
    Transaction, check_access, without_check_access)
from trytond.wizard import StateView, Wizard

from .exceptions import ReadonlyFieldError, ValueCheckError
from .tools import SubstringTextMixin, rule_unrestricted

# Default sizes of text fields without their own: long enough for any
# honest value, short enough for a btree index and a list view.
CHAR_SIZE = 500
TEXT_SIZE = 20000
# Database integers are signed 64-bit.
MAX_ID = 2 ** 63 - 1
# Types a JSON-RPC value of each field type may have (after the decoding
# of Tryton's JSON: dates and datetimes come as objects).
TYPES = {
    'char': (str,), 'text': (str,), 'selection': (str,),
    'multiselection': (list, tuple),
    'integer': (int,), 'biginteger': (int,),
    'float': (int, float, Decimal), 'numeric': (int, float, Decimal),
    'boolean': (bool,), 'many2one': (int,),
    'date': (dt.date,), 'datetime': (dt.datetime,), 'timestamp': (dt.datetime,),
    'time': (dt.time,), 'timedelta': (dt.timedelta,),
    }


# Set while a guarded create runs: what its own code creates (logs,
# lines) is internal, as in a workflow transition.
INNER = '_sushi_guard_inner'


def external():
    "Whether the current call comes from a user through the client."
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access
        and not transaction.context.get(INNER))


def export_path_parts(name):
    """The field names of an export column's path (`a/b:lang=zh_CN/c`,
    `name.translated`), in order."""
    parts = []
    for part in name.split('/'):
        part = part.split(':lang=', 1)[0]
        if part.endswith('.translated'):
            part = part[:-len('.translated')]
        parts.append(part)
    return parts


def _base_name(name):
    "requester_party.name -> requester_party; state:string -> state."
    return name.split('.', 1)[0].split(':', 1)[0]


NESTED_OPERATORS = {'where', 'not where'}
# A search text with a run of 5 digits or more (separators allowed)
SEARCH_DIGITS = re.compile(r'\d(?:\D{0,2}\d){4,}')


def _check_search(Model, domain, order):
    """What Tryton's search does not check, for a search from outside:

    - a nested domain (`('assignments', 'where', [...])`) is checked as a
      path is, model access and field access of every step (Tryton checks
      only the field that carries it: `('users', 'where',
      [('password_hash', 'like', ...)])` on the groups searched the
      administrator's password hash letter by letter);
    - a user under the work orders' record rules (a unit) searches or
      orders by a requester's name, phone or party, and by the texts the
      requester typed (title, description, address), only on the orders
      themselves: Tryton searches a path's targets without their rules,
      so `ticket.requester_phone` of an assignment or `repeat_of.…` of
      an order tested the phone on other units' orders (PUB-06, ORG-11).
    """
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    FieldAccess = pool.get('ir.model.field.access')
    to_check = defaultdict(set)
    personal = []
    texts = []

    def walk(Model, path, value=None, nested=False, reference=None,
            searched=True, operand=None, operator=None):
        "One leaf's path; nested: reached through a relation already."
        parts = path.split('.')
        for i, part in enumerate(parts):
            field = Model._fields.get(part)
            if field is None:
                return  # Tryton refuses an unknown field
            if i == len(parts) - 1 and searched:
                _check_operand(Model, part, field, operator, operand)
            if (i == len(parts) - 1 and searched
                    and part in getattr(Model, 'FREE_TEXT_FIELDS', ())
                    and isinstance(operand, str)
                    and SEARCH_DIGITS.search(operand)):
                texts.append((Model, part))
            if (searched and isinstance(field, fields.Function)
                    and field.getter and not field.searcher):
                # Tryton's answer is a NotImplementedError: a programming
                # error, logged with its traceback at each hostile call
                raise ValueCheckError(gettext(
                        'ir.msg_search_function_missing',
                        **Model.__names__(part)))
            to_check[Model.__name__].add(part)
            if (Model.__name__ == 'sushi.ticket' and (nested or i)
                    and part in getattr(Model, 'PERSONAL_FIELDS', ())):
                personal.append((Model, part))
            if ((nested or i)
                    and part in getattr(Model, 'RELATED_TEXT_FIELDS', ())):
                # the texts the requester typed (a phone, a name, the
                # address in the description) of orders reached through a
                # relation: `duplicate_of.description like '%1390557%'`
                # tested another unit's order
                personal.append((Model, part))
            Target = None
            if field._type == 'reference' and reference:
                Target = pool.get(reference)
            elif hasattr(field, 'get_target'):
                Target = field.get_target()
            if Target is None:
                return
            if i == len(parts) - 1:
                if value is not None:
                    ModelAccess.check(Target.__name__, 'read')
                    check_domain(Target, value, nested=True)
                return
            Model = Target

    def check_domain(Model, domain, nested=False):
        if not isinstance(domain, (list, tuple)) or not domain:
            return
        if (len(domain) > 2 and isinstance(domain[0], str)
                and isinstance(domain[1], str)):
            operator = domain[1]
            reference = (domain[3] if len(domain) > 3
                and isinstance(domain[3], str) else None)
            walk(Model, domain[0],
                value=domain[2] if operator in NESTED_OPERATORS else None,
                nested=nested, reference=reference, operand=domain[2],
                operator=operator)
            return
        for item in domain:
            if isinstance(item, (list, tuple)):
                check_domain(Model, item, nested=nested)

    _check_order(order)
    check_domain(Model, domain)
    for item in order or []:
        walk(Model, item[0], searched=False)
    for model_name, names in to_check.items():
        ModelAccess.check(model_name, 'read')
        FieldAccess.check(model_name, sorted(names), 'read')
    if texts and not FieldAccess.check('sushi.ticket', ['requester_phone'],
            'read', raise_exception=False):
        # PUB-06: the order's texts by a run of digits (`description like
        # '%1390557%'`) test a phone a requester typed into the request,
        # directly or through any relation to the orders
        Ticket = texts[0][0]
        raise AccessError(gettext('ir.msg_access_rule_field_error',
                **Ticket.__names__('requester_phone')))
    if personal:
        Rule = pool.get('ir.rule')
        rules = Rule.domain_get('sushi.ticket', mode='read')
        if not rule_unrestricted(rules):
            Ticket, name = personal[0]
            raise AccessError(gettext('ir.msg_access_rule_field_error',
                    **Ticket.__names__(name)))


TEXT_TYPES = {'char', 'text'}
LIST_OPERATORS = {'in', 'not in'}
BOOLEAN_OPERATORS = {'=', '!=', 'in', 'not in'}


def _operand_of(operator, operand, valid):
    "Whether operand is None or valid, or a list of them for `in`."
    if operator in LIST_OPERATORS:
        return isinstance(operand, (list, tuple)) and all(
            v is None or valid(v) for v in operand)
    return operand is None or valid(operand)


def _check_operand(Model, name, field, operator, operand):
    """A leaf's value of the type its field and operator take: Tryton
    formats it without a check, so a number searched in a text field
    (`('number', 'like', 5)`) or a nested domain that is no list ended in a
    Python error (AttributeError, an English message and a traceback
    logged at each call) instead of a refusal."""
    if operator in NESTED_OPERATORS:
        valid = isinstance(operand, (list, tuple))
    elif field._type in TEXT_TYPES:
        valid = _operand_of(operator, operand, lambda v: isinstance(v, str))
    elif field._type == 'boolean':
        # a boolean is equal or not (`unread` of the notes asserts it: an
        # empty AssertionError; a list given to `=` a database error, 503)
        valid = (operator in BOOLEAN_OPERATORS
            and _operand_of(operator, operand,
                lambda v: isinstance(v, bool) or v in (0, 1)))
    else:
        return
    if not valid:
        raise ValueCheckError(gettext('sushi_ticket.msg_search_value_type',
                **Model.__names__(name)))


def _check_order(order):
    """A search's order is a list of (field path, direction) pairs, the
    direction a text or empty: Tryton unpacks and upper-cases them without
    a check, so `[[1, 2]]` or `[['id', 5]]` ended in a Python error."""
    if order is None:
        return
    if not isinstance(order, (list, tuple)) or not all(
            isinstance(item, (list, tuple)) and len(item) == 2
            and isinstance(item[0], str) and item[0]
            and (item[1] is None or isinstance(item[1], str))
            for item in order):
        raise ValueCheckError(gettext('sushi_ticket.msg_search_order_invalid'))


def personal_paths(domain, order, personal):
    """The paths of a search's domain leaves and order items whose first
    step is one of personal (field names), sorted."""
    found = set()

    def walk(domain):
        if not isinstance(domain, (list, tuple)) or not domain:
            return
        if (len(domain) > 2 and isinstance(domain[0], str)
                and isinstance(domain[1], str)):
            if _base_name(domain[0]) in personal:
                found.add(domain[0])
            return
        for item in domain:
            walk(item)

    walk(domain)
    for item in order or []:
        if (isinstance(item, (list, tuple)) and item
                and isinstance(item[0], str)
                and _base_name(item[0]) in personal):
            found.add(item[0])
    return sorted(found)


_core_search = ModelStorage.search.__func__


def _guarded_search(cls, domain, offset=0, limit=None, order=None,
        count=False):
    """ModelStorage.search, which every model's search calls first for
    its access checks, with _check_search for calls from outside on a
    database where this module is active."""
    if external() and _active():
        _check_search(cls, domain, order)
    return _core_search(cls, domain, offset=offset, limit=limit,
        order=order, count=count)


# Installed once: the check applies to every model (core models too:
# create_uid of any record reaches the users).
if getattr(ModelStorage.search, '__func__', None) is not _guarded_search:
    ModelStorage.search = classmethod(_guarded_search)


class ReadGuardMixin(SubstringTextMixin):
    """Reads and exports from outside: ids within 64 bits, field access on
    the first step of a nested path, record rules on exports.

    Every stored model has it (tests/guard_tools.assert_guarded), so it
    also carries what all of them share and is not the guard's: their
    Text fields searched by any part (tools.SubstringTextMixin)."""
    __slots__ = ()

    @classmethod
    def _guard_ids(cls, ids):
        for id_ in ids:
            if not isinstance(id_, int) or abs(id_) > MAX_ID:
                raise ValueCheckError(gettext(
                        'sushi_ticket.msg_id_invalid',
                        model=cls.__names__()['model']))

    @classmethod
    def _guard_paths(cls, fields_names):
        """The rights of every step of every nested path, whatever the
        data (PUB-06).  Tryton checks the field access of a path's later
        steps only when it reads the targets, that is when the relation is
        not empty: `tickets.ticket.requester_phone` of a topic without
        orders answered where one with orders is refused.  Checked on the
        models, as Tryton's search checks a domain's paths, a path is
        refused or allowed the same on every record."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        FieldAccess = pool.get('ir.model.field.access')
        to_check = defaultdict(set)
        targets = set()
        for name in fields_names:
            if not isinstance(name, str) or '.' not in name:
                continue
            Model = cls
            parts = name.split('.')
            for i, part in enumerate(parts):
                part = part.split(':', 1)[0]
                field = Model._fields.get(part)
                if field is None:
                    break  # Tryton's read refuses an unknown field
                to_check[Model.__name__].add(part)
                if i == len(parts) - 1 or not hasattr(field, 'get_target'):
                    break
                Model = field.get_target()
                targets.add(Model.__name__)
        for model_name in sorted(targets):
            ModelAccess.check(model_name, 'read')
        for model_name, names in to_check.items():
            FieldAccess.check(model_name, sorted(names), 'read')

    @classmethod
    def read(cls, ids, fields_names):
        if external():
            cls._guard_ids(ids)
            cls._guard_paths(fields_names)
        return super().read(ids, fields_names)

    @classmethod
    def delete(cls, records):
        if external():
            cls._guard_ids([r.id for r in records])
        super().delete(records)

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        """Export what a read would return, no more: record rules and
        field access on every step of every path, personal-data reads
        logged (the export reads through read())."""
        if external():
            ids = [r.id for r in records]
            cls._guard_ids(ids)
            paths = {'.'.join(export_path_parts(n)) for n in fields_names}
            paths.discard('id')
            cls._guard_paths(paths)
            if ids and paths:
                cls.read(ids, sorted(paths))
            rows = super().export_data(records, fields_names, header=header)
            # the order's texts for who may not read the requester
            Ticket = Pool().get('sushi.ticket')
            return Ticket.mask_export(cls, records, fields_names, rows,
                header)
        return super().export_data(records, fields_names, header=header)


class GuardMixin(ReadGuardMixin):
    "The guard; see the module docstring."
    __slots__ = ()
    # Per-model sizes of fields that have a tighter natural limit.
    _guard_sizes = {}
    # Many2One fields whose record a user from outside may set only when
    # the record rules let them read it (ORG-11): a record one cannot see
    # is refused as a missing one is, so the error says nothing of it.
    _guard_readable = frozenset()

    @classmethod
    def _guard_field_size(cls, name, field):
        size = cls._guard_sizes.get(name)
        if size is None and isinstance(field.size, int):
            size = field.size
        if size is None:
            size = TEXT_SIZE if field._type == 'text' else CHAR_SIZE
        return size

    @classmethod
    def _guard_values(cls, values):
        """Refuse, with a clear error, a value of the wrong type, too long,
        with a NUL byte, or a reference to a record that does not exist
        (SQLite does not check foreign keys; PostgreSQL would, with a
        database error)."""
        references = {}
        for name, value in values.items():
            field = cls._fields.get(name)
            if field is None or value is None:
                continue
            type_ = field._type
            if isinstance(field, fields.Function) and not field.setter:
                continue
            expected = TYPES.get(type_)
            if expected and (not isinstance(value, expected)
                    or (type_ != 'boolean' and isinstance(value, bool))):
                if type_ == 'boolean' and value in (0, 1):
                    continue
                cls._guard_raise('msg_value_type', name)
            if type_ in {'char', 'text', 'selection'}:
                if '\x00' in value:
                    cls._guard_raise('msg_value_nul', name)
                if (type_ != 'selection'
                        and len(value) > cls._guard_field_size(name, field)):
                    cls._guard_raise('msg_value_too_long', name,
                        size=cls._guard_field_size(name, field))
            elif type_ in {'integer', 'biginteger', 'many2one'}:
                if abs(value) > MAX_ID:
                    cls._guard_raise('msg_value_out_of_range', name)
                if type_ == 'many2one':
                    references.setdefault(name, set()).add(value)
        pool = Pool()
        for name, ids in references.items():
            Target = pool.get(cls._fields[name].model_name)
            if (not issubclass(Target, ModelSQL)
                    or callable(getattr(Target, 'table_query', None))):
                continue
            table = Target.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.id,
                    where=table.id.in_(list(ids))))
            if {r for r, in cursor} != ids:
                cls._guard_raise('msg_reference_missing', name)
            if name in cls._guard_readable and external():
                with Transaction().set_context(active_test=False):
                    if Target.search([('id', 'in', list(ids))],
                            count=True) != len(ids):
                        cls._guard_raise('msg_reference_missing', name)

    @classmethod
    def _guard_raise(cls, msg, name, **values):
        string = cls.fields_get([name])[name]['string']
        raise ValueCheckError(gettext('sushi_ticket.' + msg,
                model=cls.__names__()['model'], field=string, **values))

    @classmethod
    def _guard_readonly(cls, record, names):
        "The names the form shows read-only for the record as it is."
        locked = []
        for name in names:
            field = cls._fields.get(name)
            if field is None:
                continue
            if field.readonly:
                if field._type in {'one2many', 'many2many'}:
                    continue  # Tryton already ignores them
                locked.append(name)
                continue
            readonly = field.states.get('readonly', False)
            if isinstance(readonly, PYSON):
                readonly = _record_eval_pyson(record, readonly)
            if readonly:
                locked.append(name)
        return locked

    @classmethod
    def _guard_changed(cls, record, values):
        """The names of the values that change the record.  Saving a form,
        sao sends back values it shows without a change (an empty text as
        '', an empty multi-selection as []): writing a value the record
        already has changes nothing, locked or not."""
        changed = []
        for name, value in values.items():
            field = cls._fields.get(name)
            if field is None or field._type in {
                    'one2many', 'many2many', 'reference', 'dict', 'binary'}:
                changed.append(name)
                continue
            current = getattr(record, name, None)
            if field._type == 'many2one':
                current = current.id if current else None
            elif field._type == 'multiselection':
                current, value = sorted(current or []), sorted(value or [])
            elif field._type in {'char', 'text'}:
                current, value = current or '', value or ''
            if value != current:
                changed.append(name)
        return sorted(changed)

    @classmethod
    def _guard_refuse(cls, names):
        strings = cls.fields_get(names)
        raise ReadonlyFieldError(gettext('sushi_ticket.msg_field_locked',
                model=cls.__names__()['model'],
                fields='、'.join(strings[n]['string'] for n in names)))

    @classmethod
    def _guard_create_fields(cls, values, parent=None):
        """The fields a user may give at create: those the new form edits.
        A value the new form already shows (its default, or empty as sao
        sends it) is no change.  parent: {inverse field: parent record}
        of a line created nested in its parent (states may read
        `_parent_<field>`)."""
        changed = cls._guard_changed(cls._guard_new({}), values)
        return cls._guard_readonly(cls._guard_new(values, parent), changed)

    @classmethod
    def _guard_new(cls, values, parent=None):
        """The unsaved record a client's create values describe (its
        defaults, then its values, then its parent; no x2many lines)."""
        defaults = cls.default_get(list(cls._fields), with_rec_name=False)
        values = {k: v for k, v in {**defaults, **values}.items()
            if cls._fields[k]._type not in {'one2many', 'many2many'}}
        return cls(**{**values, **(parent or {})})

    @classmethod
    def _guard_create(cls, vlist, parent=None):
        """The checks of a client's create: known fields, values, only what
        the new form edits; and the same for the lines the client creates
        nested in it (the `create` actions of its one2many and many2many
        values), before anything is created.  The records the create
        makes then are all internal (INNER): those the client asked for
        are checked here, once, and those the model's own code makes (a
        log entry) are not the client's."""
        for values in vlist:
            if not isinstance(values, dict):
                raise ValueCheckError(gettext(
                        'sushi_ticket.msg_field_unknown',
                        model=cls.__names__()['model'], fields=repr(values)))
            unknown = [n for n in values if n not in cls._fields]
            if unknown:
                raise ValueCheckError(gettext(
                        'sushi_ticket.msg_field_unknown',
                        model=cls.__names__()['model'],
                        fields=', '.join(map(str, unknown))))
            cls._guard_values(values)
            with without_check_access():
                locked = cls._guard_create_fields(values, parent)
            if locked:
                cls._guard_refuse(locked)
            for name, value in values.items():
                field = cls._fields[name]
                if (field._type not in {'one2many', 'many2many'}
                        or not isinstance(value, (list, tuple))):
                    continue
                Target = field.get_target()
                for action in value:
                    if not isinstance(action, (list, tuple)) or not action:
                        continue  # Tryton refuses it
                    if action[0] == 'create' and len(action) > 1:
                        if issubclass(Target, GuardMixin):
                            inverse = getattr(field, 'field', None)
                            if inverse in Target._fields:
                                with without_check_access():
                                    line_parent = {
                                        inverse: cls._guard_new(values)}
                            else:
                                line_parent = None
                            Target._guard_create(action[1], line_parent)
                    elif isinstance(Target, type) and issubclass(
                            Target, ReadGuardMixin):
                        ids = action[1] if len(action) > 1 else []
                        if isinstance(ids, (list, tuple)):
                            Target._guard_ids(ids)

    @classmethod
    def create(cls, vlist):
        if external():
            cls._guard_create(vlist)
            # the records the model's own create makes are not the user's
            # (e.g. a topic's "proposed" log entry); the nested lines the
            # client asked for were checked above
            with Transaction().set_context({INNER: True}):
                return super().create(vlist)
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'write' and external:
            unknown = [n for n in values if n not in cls._fields]
            if unknown:
                raise ValueCheckError(gettext(
                        'sushi_ticket.msg_field_unknown',
                        model=cls.__names__()['model'],
                        fields=', '.join(map(str, unknown))))
            cls._guard_ids([r.id for r in records])
            cls._guard_values(values)
            # The form's states, evaluated on the records before the write,
            # on those the record rules let the user write (the others get
            # the rules' own error from the write)
            Rule = Pool().get('ir.rule')
            with Transaction().set_context(_check_access=True):
                domain = Rule.domain_get(cls.__name__, mode='write')
            if domain:
                with Transaction().set_context(active_test=False):
                    writable = set(cls.search([
                                ('id', 'in', [r.id for r in records]),
                                domain]))
                records = [r for r in records if r in writable]
            for record in records:
                locked = cls._guard_readonly(
                    record, cls._guard_changed(record, values))
                if locked:
                    cls._guard_refuse(locked)


# The records a client names in a form's values (on_change) or in a
# context's defaults (default_get): Tryton reads them without record rules
# or access rights (browse) and answers their rec_name, so any session got
# any requester's name and phone (`party.contact_mechanism,<id>` as a
# reference's default, `requester_party` in an order's on_change).

def _relational_ids(Model, name, value):
    """(target model name, id) of a relational value as a client gives it
    (an id, a list of ids, 'model,id', or records)."""
    field = Model._fields.get(name)
    if field is None:
        return []
    type_ = field._type
    if type_ not in {'many2one', 'one2one', 'reference', 'one2many',
            'many2many'}:
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    found = []
    for item in values:
        if isinstance(item, BaseModel):
            found.append((item.__name__, item.id))
        elif type_ == 'reference' and isinstance(item, str) and ',' in item:
            target, id_ = item.split(',', 1)
            try:
                found.append((target, int(id_)))
            except ValueError:
                pass
        elif isinstance(item, int) and not isinstance(item, bool):
            if hasattr(field, 'get_target'):
                found.append((field.get_target().__name__, item))
    return [(m, i) for m, i in found if i is not None and i >= 0]


def _unreadable(wanted):
    """The (model name, id) of wanted that the user may not read: model
    access, then record rules (a record that does not exist counts as
    unreadable)."""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    by_model = defaultdict(set)
    for model_name, id_ in wanted:
        by_model[model_name].add(id_)
    refused = set()
    for model_name, ids in by_model.items():
        try:
            Target = pool.get(model_name)
        except KeyError:
            refused.update((model_name, i) for i in ids)
            continue
        if not issubclass(Target, ModelStorage):
            continue  # a wizard's form: nothing stored to read
        if not ModelAccess.check(model_name, 'read', raise_exception=False):
            refused.update((model_name, i) for i in ids)
            continue
        with Transaction().set_context(active_test=False):
            readable = {r.id for r in Target.search(
                        [('id', 'in', sorted(i for i in ids if i <= MAX_ID))])}
        refused.update((model_name, i) for i in ids - readable)
    return refused


def _check_form_record(record):
    """Refuse an on_change of a form whose values name a record the user
    may not read: the record itself (its id), every relational value, and
    the parent values (`_parent_<field>.…`) and lines nested in it.  A value
    the record already holds in the database is no client's choice: the
    user reads it with the record (its id and rec_name), so it passes."""
    wanted = set()
    seen = set()

    def visit(record):
        if id(record) in seen:
            return
        seen.add(id(record))
        Model = record.__class__
        if (issubclass(Model, ModelStorage) and record.id is not None
                and record.id >= 0):
            # the record first: its stored values are read below
            _refuse(_unreadable({(Model.__name__, record.id)}))
        values = record._values
        if values is None:
            return
        items = [(n, v) for n, v in values._items()
            if _relational_ids(Model, n, v)
            or isinstance(v, (BaseModel, list, tuple))]
        stored = set()
        if (items and issubclass(Model, ModelStorage)
                and record.id is not None and record.id >= 0):
            names = [n for n, _ in items
                if not isinstance(Model._fields[n], fields.Function)]
            if names:
                with without_check_access():
                    rows = Model.read([record.id], names)
                for row in rows:
                    for name in names:
                        stored.update(
                            _relational_ids(Model, name, row.get(name)))
        for name, value in items:
            wanted.update(set(_relational_ids(Model, name, value)) - stored)
            for item in (value if isinstance(value, (list, tuple))
                    else [value]):
                if isinstance(item, BaseModel):
                    visit(item)

    visit(record)
    _refuse(_unreadable(wanted))


def _refuse(refused):
    "Refuse as a record that does not exist is (msg_id_invalid)."
    if refused:
        model_name, _ = sorted(refused)[0]
        try:
            model = Pool().get(model_name).__names__()['model']
        except KeyError:
            model = model_name
        raise AccessError(gettext('sushi_ticket.msg_id_invalid', model=model))


def _form_guard(method):
    "An on_change entry point of every model, checked for calls from outside."
    def wrapper(self, *args, **kwargs):
        if external() and _active():
            _check_form_record(self)
        return method(self, *args, **kwargs)
    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    wrapper._sushi_guarded = True
    for attr in ('on_change', 'depends', 'change'):
        if hasattr(method, attr):
            setattr(wrapper, attr, getattr(method, attr))
    return wrapper


def _active():
    "Whether the database of the current call has this module."
    try:
        Pool().get('sushi.ticket')
    except KeyError:
        return False
    return True


_core_default_get = BaseModel.default_get.__func__


def _guarded_default_get(cls, fields_names=None, with_rec_name=True,
        with_default=True):
    """Model.default_get without the records the user may not read: a
    default from the client's context (`default_<field>`) or from the
    context's active record is dropped with its rec_name, as if it were
    not there."""
    values = _core_default_get(cls, fields_names,
        with_rec_name=with_rec_name, with_default=with_default)
    if external() and _active():
        wanted = {}
        for name, value in values.items():
            if name in cls._fields:
                ids = _relational_ids(cls, name, value)
                if ids:
                    wanted[name] = ids
        refused = _unreadable({i for ids in wanted.values() for i in ids})
        for name, ids in wanted.items():
            if refused & set(ids):
                field = cls._fields[name]
                values[name] = ([] if field._type in {
                            'one2many', 'many2many'} else None)
                values.pop(name + '.', None)
    return values


if not getattr(ModelView.on_change, '_sushi_guarded', False):
    for _name in ['on_change', 'on_change_with', 'on_change_notify',
            'on_scan_code']:
        setattr(ModelView, _name, _form_guard(getattr(ModelView, _name)))
if (getattr(BaseModel.default_get, '__func__', None)
        is not _guarded_default_get):
    BaseModel.default_get = classmethod(_guarded_default_get)


# Wizards: Tryton runs a wizard's steps on a session id the client gives
# (sequential, never tied to its user) and on state values the client
# sends, read without record rules.  Another user's session answered what
# they typed (the call-taker's knowledge search: the caller's words and
# order) and could be run on or deleted; a state's values named other
# units' orders, answered with their number.

def _from_client():
    "Whether the current call is a user's JSON-RPC call."
    transaction = Transaction()
    return bool(transaction.user
        and transaction.context.get('_request') is not None)


def _check_wizard_session(session_id):
    "The session is the user's own, or refused as an ended one is."
    Session = Pool().get('ir.session.wizard')
    if (not isinstance(session_id, int) or isinstance(session_id, bool)
            or abs(session_id) > MAX_ID):
        raise AccessError(gettext('sushi_ticket.msg_wizard_session_invalid'))
    with without_check_access():
        owned = Session.search([
                ('id', '=', session_id),
                ('create_uid', '=', Transaction().user),
                ], count=True)
    if not owned:
        raise AccessError(gettext('sushi_ticket.msg_wizard_session_invalid'))


def _check_wizard_data(Wizard_, data):
    """Every state's values as the client sends them name only records
    the user may read (as an on_change's values)."""
    pool = Pool()
    if not isinstance(data, dict):
        return  # Tryton refuses it
    for state_name, values in data.items():
        state = Wizard_.states.get(state_name)
        if not isinstance(values, dict) or not isinstance(state, StateView):
            continue
        View = pool.get(state.model_name)
        values = {k: v for k, v in values.items()
            if k in View._fields and k != 'id'}
        with check_access():
            _check_form_record(View(**values))


_core_wizard_execute = Wizard.execute.__func__
_core_wizard_delete = Wizard.delete.__func__


def _guarded_wizard_execute(cls, session_id, data, state_name):
    if _from_client() and _active():
        _check_wizard_session(session_id)
        _check_wizard_data(cls, data)
    return _core_wizard_execute(cls, session_id, data, state_name)


def _guarded_wizard_delete(cls, session_id):
    if _from_client() and _active():
        _check_wizard_session(session_id)
    return _core_wizard_delete(cls, session_id)


if getattr(Wizard.execute, '__func__', None) is not _guarded_wizard_execute:
    Wizard.execute = classmethod(_guarded_wizard_execute)
    Wizard.delete = classmethod(_guarded_wizard_delete)


# Records of other units: Tryton answers a missing id with "does not exist"
# (msg_read_error) and an existing one the record rules hide with the
# rules' refusal (msg_*_rule_error, naming the rules and the user's
# groups), so any call on an id told whether it exists.  For calls from
# outside, an id the user may not read (record rules of mode read) is now
# refused exactly as a missing one is, on every path that checks the
# rules: read (and so buttons, reports, wizards' active records, copy,
# export), write, delete, and the resource checks of attachments, notes
# and the chat.  Ids the user may read but not change keep the rules'
# refusal: that error is theirs to see.

def _history_read(Model):
    return bool(getattr(Model, '_history', False)
        and Transaction().context.get('_datetime'))


def hidden_ids(Model, ids):
    """The ids, in their order, that do not exist or that the read rules
    hide from the user (inactive records count as existing)."""
    ids = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
    if not ids:
        return []
    if issubclass(Model, ModelSingleton):
        # a settings singleton answers every id with its one record, made
        # on its first write: before it, id 1 is the client's (its search
        # gives [1]) and must read the defaults and save (a new database)
        return []
    Rule = Pool().get('ir.rule')
    found = set()
    if issubclass(Model, ResourceAccessMixin):
        # attachments, notes: readable with the record they are on (the
        # user's own search filters by it), not by rules of their own
        access, domain = check_access(), None
    else:
        domain = Rule.domain_get(Model.__name__, mode='read')
        access = without_check_access()
    with access, \
            Transaction().set_context(active_test=False, _datetime=None):
        for i in range(0, len(ids), 1000):
            sub_ids = sorted({i for i in ids[i:i + 1000] if 0 <= i <= MAX_ID})
            found.update(map(int, Model.search(
                        [('id', 'in', sub_ids)] + ([domain] if domain else []),
                        order=[])))
    return [i for i in dict.fromkeys(ids) if i not in found]


def _hidden_error(Model, ids):
    "The error of a missing id, as Tryton words it (msg_read_error)."
    shown = ', '.join(map(str, ids[:5]))
    if len(ids) > 5:
        shown += '...'
    try:
        model = Pool().get('ir.model').get_name(Model.__name__)
    except KeyError:
        model = Model.__name__
    return AccessError(
        gettext('ir.msg_read_error', ids=shown, model=model), '')


def refuse_hidden(Model, ids):
    "Refuse ids that do not exist or the user may not read, as missing."
    if (external() and _active() and issubclass(Model, ModelSQL)
            and not _history_read(Model)):
        hidden = hidden_ids(Model, ids)
        if hidden:
            raise _hidden_error(Model, hidden)


_core_check_domain_rule = ModelSQL._ModelSQL__check_domain_rule.__func__


def _guarded_check_domain_rule(cls, ids, mode):
    """ModelSQL's record rule check (read, write, delete) with the ids the
    user may not read refused as missing ones, before the rules of the
    mode are checked on those they may read."""
    if mode in {'read', 'write', 'delete'}:
        refuse_hidden(cls, list(ids))
    return _core_check_domain_rule(cls, ids, mode)


if (getattr(ModelSQL._ModelSQL__check_domain_rule, '__func__', None)
        is not _guarded_check_domain_rule):
    ModelSQL._ModelSQL__check_domain_rule = classmethod(
        _guarded_check_domain_rule)


_core_copy = ModelStorage.copy.__func__


def _guarded_copy(cls, records, default=None):
    """ModelStorage.copy reads the records without rules (it copies all
    their fields): from outside, only records the user may read."""
    refuse_hidden(cls, [r.id for r in records])
    return _core_copy(cls, records, default=default)


if getattr(ModelStorage.copy, '__func__', None) is not _guarded_copy:
    ModelStorage.copy = classmethod(_guarded_copy)


_core_export_data = ModelStorage.export_data.__func__


def _guarded_export_data(cls, records, fields_names, header=False):
    "Exports of records the user may not read are refused as missing ones."
    refuse_hidden(cls, [r.id for r in records])
    return _core_export_data(cls, records, fields_names, header=header)


if (getattr(ModelStorage.export_data, '__func__', None)
        is not _guarded_export_data):
    ModelStorage.export_data = classmethod(_guarded_export_data)


# The records a client names to an instance method (write, delete, copy,
# export, buttons and every RPC with `instantiate`): Tryton makes the
# records and the method's own code may read them before any access check
# (internal reads without rules: a missing id fails there with "does not
# exist", an existing one passes to the model access check, so the two
# errors differ).  Checked first: the model's read access (the same
# refusal for any id), then the ids, refused as missing when they do not
# exist or the record rules hide them.

_core_rpc_convert = RPC.convert


def _instantiated_ids(rpc, args):
    positions = []
    if isinstance(rpc.instantiate, slice):
        positions = range(len(args))[rpc.instantiate]
    elif isinstance(rpc.instantiate, int) and rpc.instantiate < len(args):
        positions = [rpc.instantiate]
    ids = []
    for position in positions:
        value = args[position]
        records = (value if isinstance(value, (list, tuple))
            else [value])
        for record in records:
            if isinstance(record, ModelStorage) and record.id is not None:
                if not isinstance(record.id, int) or record.id >= 0:
                    ids.append(record.id)
    return ids


def _guarded_rpc_convert(self, obj, *args, **kwargs):
    c_args, c_kwargs, context, timestamp = _core_rpc_convert(
        self, obj, *args, **kwargs)
    # The context's `user` is the real user of code the server runs as
    # root (Transaction.set_user(0, set_context=True)), never a client's:
    # Tryton's chat post took the message's author from it, so any
    # session posted as another user or as root (ORG-11).  Tryton drops
    # the client's keys starting with `_` (`_groups`…) only.
    context.pop('user', None)
    transaction = Transaction()
    if (self.instantiate is not None and self.check_access
            and transaction.user
            and isinstance(obj, type) and issubclass(obj, ModelSQL)
            and _active()):
        ids = _instantiated_ids(self, c_args)
        if ids:
            with transaction.set_context(context, _check_access=True):
                if not all(isinstance(i, int) and not isinstance(i, bool)
                        and i <= MAX_ID for i in ids):
                    raise _hidden_error(obj, [i for i in ids
                            if not isinstance(i, int) or i > MAX_ID])
                Pool().get('ir.model.access').check(obj.__name__, 'read')
                refuse_hidden(obj, ids)
    return c_args, c_kwargs, context, timestamp


if RPC.convert is not _guarded_rpc_convert:
    RPC.convert = _guarded_rpc_convert


_core_resource_check = ResourceAccessMixin.check_access.__func__


def _guarded_resource_check(cls, ids, mode='read'):
    """Attachments, notes, e-mails and the model log: one on a record the
    user may not read is refused as a missing one is, under its own name
    and id (Tryton's check refused it with the record's model and id, so
    a note's id told which order it is on)."""
    refuse_hidden(cls, list(ids))
    return _core_resource_check(cls, ids, mode=mode)


if (getattr(ResourceAccessMixin.check_access, '__func__', None)
        is not _guarded_resource_check):
    ResourceAccessMixin.check_access = classmethod(_guarded_resource_check)
