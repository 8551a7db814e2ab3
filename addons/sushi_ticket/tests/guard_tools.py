# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Checks of the guard (sushi_ticket/guard.py) that every module runs on
its own models inside one of its existing test methods (issue #16): every
stored model is guarded and closed by default, hostile values are refused
before the database sees them, and the form's states hold on the server.

They call the models as a client would (a user, access checks on), inside
the test's transaction."""
from contextlib import contextmanager

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.pyson import PYSON
from trytond.transaction import Transaction

from ..exceptions import ReadonlyFieldError, ValueCheckError
from ..guard import MAX_ID, GuardMixin, ReadGuardMixin


@contextmanager
def as_user(user):
    "Calls as `user` through the client: access checks on."
    user_id = getattr(user, 'id', user)
    with Transaction().set_user(user_id), \
            Transaction().set_context(_check_access=True):
        yield


def module_models(module):
    "The stored models (ModelSQL) that `module` defines: [(name, class)]."
    pool = Pool()
    Model = pool.get('ir.model')
    result = []
    for model in Model.search([('module', '=', module)]):
        try:
            Class = pool.get(model.name)
        except KeyError:
            continue
        if issubclass(Class, ModelSQL):
            result.append((model.name, Class))
    return result


def is_view(Class):
    "Whether the model is an SQL view (table_query)."
    return callable(getattr(Class, 'table_query', None))


def assert_guarded(test, module):
    """Every stored model of the module has the guard (the read guard for
    SQL views) and is closed by default: a model access row without group
    that grants nothing, or its access follows a parent (__access__)."""
    pool = Pool()
    Access = pool.get('ir.model.access')
    models = module_models(module)
    test.assertTrue(models, msg=module)
    for name, Class in models:
        base = ReadGuardMixin if is_view(Class) else GuardMixin
        test.assertTrue(issubclass(Class, base), msg=f'{name} not guarded')
        if Class.__access__:
            continue
        defaults = Access.search([
                ('model', '=', name), ('group', '=', None)])
        test.assertTrue(defaults, msg=f'{name}: no default access row')
        for access in defaults:
            # a default read right is allowed for reference data; never
            # a right to change
            test.assertFalse(access.perm_write or access.perm_create
                or access.perm_delete, msg=f'{name}: open by default')


def assert_values_checked(test, module, user):
    """On every guarded model of the module, a value too long, a NUL
    byte, a wrong type, a reference to no record and an unknown field are
    refused with a clear error before anything is stored."""
    for name, Class in module_models(module):
        if is_view(Class):
            continue
        for fname, field in sorted(Class._fields.items()):
            if isinstance(field, fields.Function) and not field.setter:
                continue
            bad = []
            if field._type in {'char', 'text'}:
                size = Class._guard_field_size(fname, field)
                bad = ['x' * (size + 1), 'a\x00b', 5]
            elif field._type == 'many2one':
                bad = [MAX_ID, 'x']
            elif field._type in {'integer', 'biginteger'}:
                bad = [MAX_ID + 1, 'x']
            elif field._type in {'date', 'datetime'}:
                bad = ['2025-01-01']
            for value in bad:
                with as_user(user):
                    with test.assertRaises(ValueCheckError,
                            msg=f'{name}.{fname} = {str(value)[:20]!r}'):
                        Class.create([{fname: value}])
        with as_user(user):
            with test.assertRaises(ValueCheckError, msg=name):
                Class.create([{'no_such_field': 1}])


def changed_value(field, value):
    """A value of the field's type other than value, or None when none can
    be made (the guard takes a value the record already has as no
    change)."""
    import datetime as dt
    from decimal import Decimal
    kind = field._type
    if kind in {'char', 'text'}:
        return (value or '') + '改'
    if kind == 'boolean':
        return not value
    if kind == 'selection' and isinstance(field.selection, (list, tuple)):
        return next((k for k, _ in field.selection
                if k != value and k is not None), None)
    if kind in {'integer', 'biginteger'}:
        return (value or 0) + 1
    if kind == 'float':
        return (value or 0) + 1.5
    if kind == 'numeric':
        return (value or Decimal(0)) + Decimal('1.5')
    if kind == 'date':
        return (value or dt.date(2026, 1, 5)) + dt.timedelta(days=1)
    if kind in {'datetime', 'timestamp'}:
        return (value or dt.datetime(2026, 1, 5, 1)) + dt.timedelta(hours=1)
    if kind == 'timedelta':
        return (value or dt.timedelta(0)) + dt.timedelta(hours=1)
    if kind == 'many2one':
        Target = Pool().get(field.model_name)
        current = value.id if isinstance(value, ModelSQL) else value
        with Transaction().set_context(active_test=False):
            other = Target.search([('id', '!=', current)] if current
                else [], limit=1)
        return other[0].id if other else None
    return None


def assert_states_enforced(test, records, user):
    """For each record, a new value is refused exactly for the fields the
    form shows read-only in the record's state (an open field is written
    its own value, valid as it is).  An open field must also be accepted
    by the model's own checks: a model that refuses any change to the
    record in its state (an archived order) while the form leaves a field
    open is a disagreement too; the record rules are not (the client
    reads them with the record and opens it read-only).

    A field the user may not write at all (AccessError: rights or record
    rules) decides nothing; a record none of whose fields was decided
    fails, so that the check cannot pass without checking."""
    wrong = []
    test.assertTrue(records, msg='no record to check')
    for record in records:
        Class = record.__class__
        checked, denied = 0, []
        for fname, field in sorted(Class._fields.items()):
            if (field._type in {'one2many', 'many2many', 'binary', 'dict',
                        'reference'}
                    or isinstance(field, fields.Function)
                    or fname in {'id', 'create_uid', 'create_date',
                        'write_uid', 'write_date'}):
                continue
            readonly = field.readonly
            if not readonly:
                readonly = field.states.get('readonly', False)
                if isinstance(readonly, PYSON):
                    readonly = Class._guard_readonly(record, [fname])
            value = getattr(record, fname)
            if isinstance(value, ModelSQL):
                value = value.id
            if readonly:
                value = changed_value(field, value)
                if value is None:
                    continue
            try:
                with as_user(user):
                    Class.write([Class(record.id)], {fname: value})
                refused = False
            except ReadonlyFieldError:
                refused = True
            except AccessError:
                # the record rules or the model's rights: not the form's
                denied.append(fname)
                continue
            except UserError as e:
                checked += 1
                if not readonly:
                    # the form offers what the model refuses
                    wrong.append(f'{Class.__name__} '
                        f'{getattr(record, "state", "")} {fname}: open in '
                        f'the form, refused by the model: {e.message}')
                # a locked field: the model's own checks refused first,
                # not the guard's decision
                continue
            checked += 1
            if refused != bool(readonly):
                wrong.append(f'{Class.__name__} {getattr(record, "state", "")}'
                    f' {fname}: {"refused" if refused else "accepted"}')
        if not checked:
            wrong.append(f'{Class.__name__} {record.id} '
                f'{getattr(record, "state", "")}: no field checked'
                f' (refused by the rights or rules: {", ".join(denied)})')
    test.assertFalse(wrong, msg='\n'.join(wrong))
