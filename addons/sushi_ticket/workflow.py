# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A stricter Workflow.transition, shared by the work-order models."""
from functools import wraps

from sql import For

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Workflow
from trytond.model.exceptions import AccessError
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import DraftError, ReadonlyFieldError, TransitionError


def transition(state, event=None):
    """Like Workflow.transition, but lock the records first and refuse,
    with a clear error, any record whose state (read again from the
    database) does not allow the move, instead of silently skipping it.
    With event, the move writes its audit event (sushi.ticket.event),
    from the state each record had under the lock to state, with the
    comment of record.transition_comment(event).  Then
    cls.on_transition(records, state) runs, if the model has it: the
    assignments hand the derived ticket state to Ticket.process there.

    Of two users acting on the same record at once, the first wins.  On
    PostgreSQL the second waits on the row lock; when the first commits,
    its repeatable-read snapshot is stale, the request is retried by the
    dispatcher, and the retry sees the new state and gets the error.  On
    SQLite writes are serialized by the database lock with the same
    outcome.  The FOR UPDATE wait is chosen on purpose over ModelSQL.lock
    (which refuses at once and replays the whole request): the second
    user gets the clear "wrong state" error, not a retry storm."""
    def decorator(func):
        moved = Workflow.transition(state)(func)

        @wraps(func)
        def wrapper(cls, records, *args, **kwargs):
            ids = [r.id for r in records if r.id is not None and r.id >= 0]
            if ids:
                table = cls.__table__()
                cursor = Transaction().connection.cursor()
                states = {}
                for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
                    query = table.select(
                        table.id, getattr(table, cls._transition_state),
                        where=SQL_OPERATORS['in'](table.id, list(sub_ids)))
                    if backend.name == 'postgresql':
                        query.for_ = For('UPDATE')
                    cursor.execute(*query)
                    states.update(cursor)
                selection = dict(cls.fields_get(
                        [cls._transition_state])[cls._transition_state][
                        'selection'])
                for record in records:
                    current = states.get(record.id)
                    if (current, state) not in cls._transitions:
                        raise TransitionError(gettext(
                                'sushi_ticket.msg_wrong_state',
                                model=cls.__names__()['model'],
                                record=record.rec_name,
                                state=selection.get(current, current)))
                    # What this transaction read before the lock may be
                    # stale: use the state the lock guarantees.
                    record._local_cache.pop(record.id, None)
                    record._cache.pop(record.id, None)
            else:
                states = {}
            result = moved(cls, records, *args, **kwargs)
            if event:
                Pool().get('sushi.ticket.event').log_moves(
                    records, event, states, state)
            moved_hook = getattr(cls, 'on_transition', None)
            if moved_hook:
                moved_hook(records, state)
            return result
        return wrapper
    return decorator


def check_user_values(cls, values):
    """Refuse a write from outside (RPC, routes) to fields that only the
    workflow sets: the client hides them, the server must refuse them."""
    names = sorted(n for n in values
        if n in cls._fields and cls._fields[n].readonly
        and cls._fields[n]._type not in {'one2many', 'many2many'})
    if names:
        strings = cls.fields_get(names)
        raise ReadonlyFieldError(gettext('sushi_ticket.msg_field_readonly',
                model=cls.__names__()['model'],
                fields='、'.join(strings[n]['string'] for n in names)))


class DraftOnlyMixin:
    """For workflow records a user drafts (replies, extensions): from
    outside, workflow fields are not written and only drafts are created or
    deleted; everything else goes through the buttons."""
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if not external:
            return
        if mode == 'write':
            check_user_values(cls, values)
        elif mode in {'create', 'delete'}:
            for record in records:
                if record.state != 'draft':
                    raise DraftError(gettext('sushi_ticket.msg_draft_only',
                            model=cls.__names__()['model'],
                            record=record.rec_name))


class AppendOnlyMixin:
    """For records kept as facts (the audit trail, the personal-data log,
    the ratings): created by the platform, never written or deleted."""
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext('sushi_ticket.msg_event_append_only'))
