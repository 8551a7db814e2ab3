# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of guard.py on every stored model of the module, and the work
order's own rules for what comes from outside: intake fields only at
create, a plausible reception time, content changes of a handled order
recorded with old and new values, personal-data reads through nested
paths logged, and the idempotent submit for channels over RPC."""
import datetime as dt
import re

from sql import Column

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from . import clock
from . import masked
from .exceptions import IntakeValidationError
from .guard import (
    GuardMixin, ReadGuardMixin, _base_name, export_path_parts, external,
    refuse_hidden)

# Content of a handled order whose change is an event with old and new values.
HANDLED_STATES = {'dispatched', 'in_progress', 'replied', 'reviewed',
    'verifying', 'closed', 'archived'}


class Configuration(metaclass=PoolMeta):
    __name__ = 'sushi.configuration'

    intake_future_minutes = fields.Integer(
        "Reception Time Ahead Tolerance (minutes)", required=True,
        domain=[('intake_future_minutes', '>=', 0)],
        help="A request may be given as received at most this long after "
        "the server's clock (clock skew of the channels).")
    intake_past_days = fields.Integer(
        "Reception Time Back Tolerance (days)", required=True,
        domain=[('intake_past_days', '>=', 0)],
        help="A request may be given as received at most this long ago "
        "(a channel resubmitting after an outage).")

    @classmethod
    def default_intake_future_minutes(cls):
        return 10

    @classmethod
    def default_intake_past_days(cls):
        return 7


# PUB-06: what a requester types into the request about themselves (an
# e-mail, an ID-card number, a phone: any run of 7 digits or more) and
# their name, hidden from the texts of the order for who may not read the
# requester (city leaders, analysts, officers).
CONTACT_PATTERNS = [
    re.compile(r'[\w.+-]+@[\w-]+(?:\.[\w-]+)+'),
    re.compile(r'\d(?:[\s\-－—]?\d){6,}[\dXx]?'),
    ]
CONTACT_MASK = '****'
NAME_MASK = '某某'
# (searching those texts by a run of digits: guard._check_search)


def mask_contacts(text, names=()):
    "text without e-mails, long digit runs and the given names."
    if not text:
        return text
    for pattern in CONTACT_PATTERNS:
        text = pattern.sub(CONTACT_MASK, text)
    for name in names:
        if name and len(name) >= 2:
            text = text.replace(name, NAME_MASK)
    return text


class Ticket(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket'
    # the texts a requester may have written their contact details in
    FREE_TEXT_FIELDS = {'title', 'description'}
    # what the requester typed, searched by a unit through a relation only
    # on the orders it reads (guard._check_search)
    RELATED_TEXT_FIELDS = {'title', 'description', 'address', 'rec_name'}
    # the search bar searches the number and the title (masked.py)
    _masked_rec_name = ('number', 'title')
    _guard_sizes = {
        'requester_phone': 30, 'requester_name': 100, 'channel_ref': 100,
        'title': 200, 'address': 300, 'number': 40,
        }

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the idempotent intake of channels and the API (intake role)
        cls.__rpc__['submit'] = RPC(readonly=False, result=lambda r: {
                'id': r[0].id, 'number': r[0].number, 'created': r[1]})
        # the request (description) is searched by any part of it, as
        # every Text field is: tools.SubstringTextMixin
        if backend.name == 'postgresql':
            # issue #14: the few orders whose text the mask changes (an
            # e-mail, a phone, the requester's name), read first when who
            # reads them masked searches that text (masked._split)
            t = cls.__table__()
            cls._sql_indexes.update(
                Index(t, (t.id, Index.Range()),
                    where=masked.maskable(Column(t, name), t.requester_name))
                for name in sorted(cls.FREE_TEXT_FIELDS))

    @classmethod
    def _masked_bar_as_stored(cls, operator, value):
        """Whether the search bar (search_rec_name) searches an uncased
        positive text as `number like value or title like value`, the
        masked search's own domain when the mask changes none of the
        titles (masked.py keeps the leaf then): not digits (a number by
        its beginning), no unaccent() (ILIKE through it is not LIKE)."""
        from .ticket import _bar_digits
        return (_bar_digits(operator, value) is None
            and not Transaction().database.has_unaccent())

    @classmethod
    def _masked_bar_title_only(cls, operator, value):
        """Whether the search bar searches a text in the title alone (a
        two-character Chinese word, search_rec_name, issue #14): the
        masked search leaves the number out too."""
        from .ticket import _bar_title_only
        return _bar_title_only(operator, value)

    @classmethod
    def _masked_source(cls, name):
        """(from, id, text, requester's name) columns of the masked text
        name (masked.py)."""
        table = cls.__table__()
        return table, table.id, Column(table, name), table.requester_name

    @classmethod
    def create(cls, vlist):
        if external():
            cls.check_received_at(vlist)
        return super().create(vlist)

    @classmethod
    def check_received_at(cls, vlist):
        "A reception time from outside lies within the tolerance of now."
        config = Pool().get('sushi.configuration').get_values()
        now = clock.now()
        earliest = now - dt.timedelta(days=config['intake_past_days'])
        latest = now + dt.timedelta(minutes=config['intake_future_minutes'])
        for values in vlist:
            received = values.get('received_at')
            if received is None:
                continue
            if (not isinstance(received, dt.datetime)
                    or not earliest <= received <= latest):
                raise IntakeValidationError(gettext(
                        'sushi_ticket.msg_ticket_received_at_tolerance',
                        received=received,
                        past=config['intake_past_days'],
                        future=config['intake_future_minutes']))

    @classmethod
    def submit(cls, values):
        if external():
            # only who may create orders submits: the resubmission lookup
            # reads the (channel, reference) index directly, so without
            # this a user without the right would learn an existing order
            Pool().get('ir.model.access').check(cls.__name__, 'create')
            # a channel's resubmission is answered with the same ticket,
            # its reception time is checked only when it is new
            cls._guard_values(values)
        return super().submit(values)

    @classmethod
    def write(cls, *args):
        if not external():
            return super().write(*args)
        changes = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            names = sorted(n for n in values if n in cls._fields
                and cls._fields[n]._type not in {'one2many', 'many2many'})
            for record in records:
                if record.state in HANDLED_STATES and names:
                    changes.append((record, names,
                            {n: cls._display(record, n) for n in names}))
        super().write(*args)
        if changes:
            Event = Pool().get('sushi.ticket.event')
            for record, names, old in changes:
                record = cls(record.id)
                strings = cls.fields_get(names)
                comment = '；'.join(
                    '%s：%s → %s' % (strings[n]['string'], old[n],
                        cls._display(record, n))
                    for n in names if old[n] != cls._display(record, n))
                if comment:
                    Event.log([record], 'edit', comment=comment[:2000])

    @classmethod
    def _display(cls, record, name):
        "The value as the form shows it."
        value = getattr(record, name, None)
        field = cls._fields[name]
        if field._type == 'boolean':
            return gettext('sushi_ticket.msg_value_true' if value
                else 'sushi_ticket.msg_value_false')
        if value is None or value == '':
            return '—'
        if field._type == 'selection':
            selection = cls.fields_get([name])[name].get('selection')
            if isinstance(selection, list):
                return dict(selection).get(value, str(value))
            return str(value)
        if field._type == 'datetime':
            Calendar = Pool().get('sushi.calendar')
            return Calendar.to_local(value).strftime('%Y-%m-%d %H:%M')
        if hasattr(value, 'rec_name'):
            return value.rec_name
        return str(value)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        """A unit user's search or order by the requester's name, phone or
        party (`requester_phone like '139%'`, `requester_party.name`) on
        its orders is logged as a read of them on the orders it matched
        (PUB-06): platform staff's are not, as their reads are not."""
        result = super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)
        if not query:
            Pool().get('sushi.ticket.pii_access').log_search(
                cls, domain, order, count, result, cls.PERSONAL_FIELDS,
                lambda ids: ids)
        return result

    @classmethod
    def _reads_requesters(cls):
        "Whether the current user may read the requester fields."
        return Pool().get('ir.model.field.access').check(cls.__name__,
            ['requester_phone'], 'read', raise_exception=False)

    @classmethod
    def mask_export(cls, Model, records, fields_names, rows, header):
        """The export columns of Model (paths `a/b/c`) that end on a text
        shown masked (the order's title and description, the
        assignment's copy of the title), masked for who may not read the
        requester, the requester's name too (the export reads the records
        without read()).

        In batches: the paths are followed on the models first, so that
        only those ending on a masked text read anything; the records a
        path prefix reaches are read once for all the paths sharing it,
        by read() of the one relation field per slice of 1 000 records;
        the texts of each masked field once for all the paths ending on
        it (masked.masked_texts: one query per 1 000 records), each path's
        texts masked with the names of its own records' requesters."""
        if not external() or cls._reads_requesters():
            return rows
        pool = Pool()
        # (column, path, model its last field is of) of the masked texts
        columns = []
        for index, path in enumerate(fields_names):
            Current, parts = Model, tuple(export_path_parts(path))
            for part in parts[:-1]:
                field = Current._fields.get(part)
                if field is None or not hasattr(field, 'get_target'):
                    Current = None
                    break
                Current = pool.get(field.get_target().__name__)
            if (Current is not None
                    and masked.masked_field(Current, parts[-1])):
                columns.append((index, parts, Current))
        if not columns:
            return rows
        # the ids each path prefix reaches
        reached = {(): (Model, {r.id for r in records})}

        def reach(prefix):
            if prefix not in reached:
                Current, ids = reach(prefix[:-1])
                part = prefix[-1]
                targets = set()
                with without_check_access():
                    for sub in grouped_slice(sorted(ids), 1000):
                        for row in Current.read(list(sub), [part]):
                            value = row[part]
                            for target in (value if isinstance(value,
                                        (list, tuple)) else [value]):
                                if target is not None and target >= 0:
                                    targets.add(target)
                Target = Current._fields[part].get_target()
                reached[prefix] = (pool.get(Target.__name__), targets)
            return reached[prefix]
        # the texts of each masked field, for all its paths at once
        wanted = {}
        for index, parts, Current in columns:
            wanted.setdefault((Current.__name__, parts[-1]), set()).update(
                reach(parts[:-1])[1])
        texts = {(name, field): masked.masked_texts(pool.get(name), field,
                ids) for (name, field), ids in wanted.items()}
        for index, parts, Current in columns:
            ids = reach(parts[:-1])[1]
            key = (Current.__name__, parts[-1])
            shown = masked.shown_texts(texts[key] if ids == wanted[key]
                else [r for r in texts[key] if r[0] in ids])
            for row in rows[1 if header else 0:]:
                if index < len(row) and isinstance(row[index], str):
                    row[index] = (shown.get(row[index])
                        or mask_contacts(row[index]))
        return rows

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        texts = cls.FREE_TEXT_FIELDS & set(fields_names)
        if texts and external() and not cls._reads_requesters():
            # PUB-06: a phone or a name typed into the request
            with without_check_access():
                names = {r.id: r.requester_name for r in cls.browse(
                        [r['id'] for r in result])}
            for row in result:
                for name in texts:
                    if isinstance(row.get(name), str):
                        row[name] = mask_contacts(row[name],
                            [names.get(row['id'])])
        if external():
            nested = ({_base_name(n) for n in fields_names}
                - set(fields_names)) & cls.PERSONAL_FIELDS
            if nested:
                Pool().get('sushi.ticket.pii_access').log_reads(
                    ids, sorted(nested))
        return result


class Event(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.event'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if ('edit', "Content Changed") not in cls.action.selection:
            cls.action.selection.append(('edit', "Content Changed"))


class EventGuard(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket.event'


class Assignment(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket.assignment'
    # the copy of the order's title (issue #14), masked as the title is
    FREE_TEXT_FIELDS = {'ticket_title'}
    RELATED_TEXT_FIELDS = {'ticket_title', 'rec_name'}

    @classmethod
    def _masked_source(cls, name):
        "(from, id, text, requester's name) columns (masked.py)."
        table = cls.__table__()
        ticket = Pool().get('sushi.ticket').__table__()
        return (table.join(ticket, condition=table.ticket == ticket.id),
            table.id, Column(table, name), ticket.requester_name)

    @classmethod
    def read(cls, ids, fields_names):
        # PUB-06: as the order's title is (Ticket.read)
        return masked.mask_rows(cls, super().read(ids, fields_names),
            fields_names)


class Reply(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket.reply'


class Extension(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket.extension'


class Callback(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket.callback'


class UnitCallback(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket.unit_callback'


class Recording(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket.recording'


class PersonalDataAccess(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket.pii_access'


class SMS(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.sms'
    # The requester's phone the message goes to (PUB-06).
    PERSONAL_FIELDS = {'phone'}

    @classmethod
    def read(cls, ids, fields_names):
        """A read of the phone from outside (read, search_read, exports,
        nested paths) is logged as a read of the order's phone is, for the
        same users (PersonalDataAccess.log_reads); the queue sending the
        messages reads internally, unlogged."""
        result = super().read(ids, fields_names)
        names = {_base_name(n) for n in fields_names} & cls.PERSONAL_FIELDS
        if external() and names and result:
            tickets = {r['id']: None for r in result}
            with without_check_access():
                for message in cls.browse(list(tickets)):
                    tickets[message.id] = (message.ticket.id
                        if message.ticket else None)
            Pool().get('sushi.ticket.pii_access').log_reads(
                sorted({t for t in tickets.values() if t is not None}),
                ['%s:%s' % (cls.__name__, n) for n in sorted(names)])
        return result


    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        "A search by the phone is logged as its read is (PUB-06)."
        result = super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)
        if not query:
            Pool().get('sushi.ticket.pii_access').log_search(
                cls, domain, order, count, result, cls.PERSONAL_FIELDS,
                cls._tickets_of)
        return result

    @classmethod
    def _tickets_of(cls, ids):
        with without_check_access():
            return [m.ticket.id for m in cls.browse(ids) if m.ticket]


class ScopeReason(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.scope.reason'


class Unit(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.unit'


class LeadingGroupPost(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.leading_group.post'


class ProgrammeTask(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.programme.task'


class Channel(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.channel'


class Category(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.category'


class TimeLimit(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.time_limit'


class CalendarYear(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.calendar.year'


class CalendarDay(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.calendar.day'


class ConfigurationGuard(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.configuration'


# Core models that hold or lead to personal data: their exports and nested
# reads go through the same checks as their reads.
class _ResourceGuard:
    """An attachment or a note on a record the user may not read (another
    unit's order) is refused as on a record that does not exist: Tryton
    answered a missing one with "resource required" and an existing one
    with the access error of its model, which told that it exists."""
    __slots__ = ()

    @classmethod
    def _guard_resources(cls, vlist):
        if not external():
            return
        pool = Pool()
        for values in vlist:
            resource = (values.get('resource')
                if isinstance(values, dict) else None)
            if isinstance(resource, str) and ',' in resource:
                resource = resource.split(',', 1)
            if not isinstance(resource, (list, tuple)) or len(resource) != 2:
                continue
            model, id_ = resource
            try:
                Model = pool.get(model)
                id_ = int(id_)
            except (KeyError, TypeError, ValueError):
                continue
            if id_ >= 0:
                refuse_hidden(Model, [id_])

    # what any reader of a note may set on it: that they have read it
    _guard_reader_fields = frozenset()

    @classmethod
    def _guard_author(cls, records):
        """A note or an attachment is changed or removed from outside only
        by who added it, or by an administrator: Tryton lets whoever may
        write the record it hangs on do it, so a unit rewrote or deleted
        the dispatcher's note ("已两次退回") and the platform's files on
        its own assignment, and staff rewrote each other's notes (ORG-11,
        ACC-04: the record of who said what stays as they said it)."""
        if not external() or not records:
            return
        User = Pool().get('res.user')
        if User._sees_logins():
            return
        ids = [r.id for r in records]
        # one the user may not read is refused as a missing one, first
        refuse_hidden(cls, ids)
        me = Transaction().user
        with without_check_access():
            for sub in grouped_slice(ids):
                for record in cls.browse(list(sub)):
                    author = record.create_uid
                    if (author.id if author else None) != me:
                        raise AccessError(gettext(
                                'sushi_ticket.msg_resource_author_only',
                                **cls.__names__(record=record)))

    @classmethod
    def create(cls, vlist):
        cls._guard_resources(vlist)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._guard_resources(args[1::2])
        for records, values in zip(args[::2], args[1::2]):
            if not (isinstance(values, dict)
                    and set(values) <= cls._guard_reader_fields):
                cls._guard_author(records)
        super().write(*args)

    @classmethod
    def delete(cls, records):
        cls._guard_author(records)
        super().delete(records)


class Attachment(_ResourceGuard, ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'ir.attachment'


class Note(_ResourceGuard, ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'ir.note'
    _guard_reader_fields = frozenset({'unread'})


class User(ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'res.user'
    # Staff see each other's names (who did what); logins, e-mails and
    # e-mail signatures (which carry phone numbers and addresses) are the
    # administrators'.  Masked rather than refused: clients read every
    # field of a user they show.
    _hidden_fields = {'login', 'email', 'signature'}
    # PUB-06 (staff accounts): the reset password and the password hashes
    # are the administrators' (field access of res.xml refuses searches,
    # orders and paths); a read masks them, one's own too, instead of
    # asking the field access (clients read every field of a user).
    _secret_fields = {'password_reset', 'password_reset_expire',
        'password_hash'}

    @classmethod
    def _sees_logins(cls):
        ModelData = Pool().get('ir.model.data')
        admins = {ModelData.get_id('res', 'group_admin'),
            ModelData.get_id('sushi_ticket', 'group_sushi_admin')}
        return bool(admins & set(cls.get_groups()))

    @classmethod
    def _refuse_fields(cls, names):
        if names and external() and not cls._sees_logins():
            raise AccessError(gettext('ir.msg_access_rule_field_error',
                    **cls.__names__(sorted(names)[0])))

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        cls._refuse_fields({n.split('/')[0] for n in fields_names}
            & (cls._hidden_fields | cls._secret_fields))
        return super().export_data(records, fields_names, header=header)

    @classmethod
    def _refuses_hidden(cls):
        "Whether the current call may not search by logins and e-mails."
        return external() and not cls._sees_logins()

    @classmethod
    def read(cls, ids, fields_names):
        secret = hidden = set()
        if cls._refuses_hidden():
            secret = cls._secret_fields & set(fields_names)
            hidden = cls._hidden_fields & set(fields_names)
            # the field access refuses them (FieldAccess below): one's own
            # are read without it
            fields_names = [n for n in fields_names
                if n not in secret | hidden]
        result = super().read(ids, fields_names)
        if secret or hidden:
            me = Transaction().user
            own = {}
            if hidden and me in ids:
                with without_check_access():
                    own, = super().read([me], sorted(hidden))
            for row in result:
                row.update(dict.fromkeys(secret))
                row.update({n: own.get(n) if row['id'] == me else None
                        for n in hidden})
        return result

    @classmethod
    def search_rec_name(cls, name, clause):
        """Who does not see logins finds users by name only: a name search
        (the client's completion, `rec_name`, a Many2One searched by text)
        matching logins tested whether a login exists.  Tryton converts a
        search's domain without access checks (a text search of a
        Many2One to the users, `create_uid`, comes here unchecked), so the
        user decides, not the check."""
        if Transaction().user and not cls._sees_logins():
            return [('name',) + tuple(clause[1:])]
        return super().search_rec_name(name, clause)


class FieldAccess(metaclass=PoolMeta):
    __name__ = 'ir.model.field.access'

    @classmethod
    def check(cls, model_name, fields, mode='read', raise_exception=True):
        """PUB-06 (staff data): the users' logins and e-mails are not read
        by who does not see them, also not through a search, an order or
        a path of another model (Tryton checks the field access of every
        step of those): a count by login told whether it exists.  Reads
        of the users themselves mask them (User.read)."""
        User = Pool().get('res.user')
        hidden = (sorted(User._hidden_fields & set(fields))
            if model_name == 'res.user' and mode == 'read' else None)
        if hidden and User._refuses_hidden():
            if not raise_exception:
                return False
            raise AccessError(gettext('ir.msg_access_rule_field_error',
                    **User.__names__(hidden[0])))
        return super().check(model_name, fields, mode=mode,
            raise_exception=raise_exception)


class _ReadByAdministrators:
    """Tables of several thousand rows every session may read in Tryton
    and nobody but the administrators needs: read whole, ir.translation
    (10 000 rows) took 18 s and 7.5 MB, ir.model.field (3 200 rows) 8.6 s,
    a cheap denial of service.  Their rows are the administrators' to read
    from outside; the client reads them only in the administrators' forms
    ("Translate view", which it offers to who may read and write the
    translations); the server reads them through its own queries and
    records (messages, field names), which stay open."""
    __slots__ = ()

    @classmethod
    def _refuse_outside(cls):
        if not external():
            return
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if ModelData.get_id('res', 'group_admin') not in User.get_groups():
            raise AccessError(gettext('ir.msg_access_rule_error',
                    **cls.__names__()))

    @classmethod
    def read(cls, ids, fields_names):
        cls._refuse_outside()
        return super().read(ids, fields_names)

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        cls._refuse_outside()
        return super().export_data(records, fields_names, header=header)


class Translation(_ReadByAdministrators, metaclass=PoolMeta):
    __name__ = 'ir.translation'


class ModelField(_ReadByAdministrators, metaclass=PoolMeta):
    __name__ = 'ir.model.field'


class Email(metaclass=PoolMeta):
    "The e-mail form of the client (sao's envelope button)."
    __name__ = 'ir.email'

    @classmethod
    def send(cls, to='', cc='', bcc='', subject='', body='', files=None,
            record=None, reports=None, attachments=None):
        # PUB-06, ORG-11: Tryton reads the attachments by id and the record
        # without their rights; the user must read both, as in the client
        if external():
            pool = Pool()
            if record:
                pool.get(record[0]).read([record[1]], ['id'])
            if attachments:
                pool.get('ir.attachment').read(list(attachments), ['id'])
        return super().send(to=to, cc=cc, bcc=bcc, subject=subject,
            body=body, files=files, record=record, reports=reports,
            attachments=attachments)

    @classmethod
    def _match(cls, name, email):
        """The address completion (open to every session) matches users by
        name, login and e-mail and shows their e-mails: only to who sees
        logins and e-mails on the users (PUB-06 staff data)."""
        User = Pool().get('res.user')
        if Transaction().user and not User._sees_logins():
            return iter(())
        return super()._match(name, email)
