# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the Open311 channels give beyond the ticket's own fields."""
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

OPEN311_CLOSED = {'rejected', 'answered', 'transferred', 'merged',
    'closed', 'archived'}
# what no public Open311 GET shows, not even its existence (PUB-02: the
# acceptance and the handling of a request are published, so an order
# shows once it is accepted as a request): a draft (an incomplete online
# request or a call being taken, not yet a service request) and an order
# not accepted (不予受理: out of scope, e.g. a private matter, SCP-02)
OPEN311_HIDDEN = {'draft', 'rejected'}
# what decides whether and how a public Open311 answer shows an order's
# text and place (open311.request_row): writing one clears the cache
OPEN311_PUBLIC = {'disclosure', 'request_type', 'requester_name',
    'description', 'address', 'latitude', 'longitude', 'media_url',
    'category', 'number'}

# what an Open311 POST gives that check_online validates against rules
# of the field alone (Ticket._validate of the queue's orders)
OPEN311_CONSTANT = {'title', 'requester_name', 'address', 'media_url',
    'channel_ref', 'latitude', 'longitude', 'channel_attributes'}


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    latitude = fields.Float("Latitude", digits=(3, 6), readonly=True)
    longitude = fields.Float("Longitude", digits=(3, 6), readonly=True)
    media_url = fields.Char("Media URL", readonly=True)
    channel_attributes = fields.Dict(None, "Channel Attributes",
        readonly=True)

    @property
    def open311_status(self):
        "Open311 knows open and closed only."
        return 'closed' if self.state in OPEN311_CLOSED else 'open'

    @classmethod
    def check_online(cls, values, known=()):
        """Refuse, before anything is stored or numbered, what creating
        the work order of an online channel's values would refuse: the
        guard (types, sizes, NUL bytes, references; known: the
        references the caller already holds as records) and Tryton's
        validation of the record the values describe (required fields,
        selections, digits, domains, the models' validate).  Both intake
        modes of Open311 run it, so a request the queue would turn into
        a failed token is refused at the POST."""
        cls._guard_values({k: v for k, v in values.items()
                if k not in known})
        # the new row as create would store it: its defaults, then the
        # values, the fields not given empty, times to the second;
        # function fields are computed from saved rows only
        stored = cls._online_stored
        with without_check_access():
            defaults = cls.default_get(list(stored), with_rec_name=False)
            row = cls.preprocess_values('create', {**defaults, **values})
        # what to validate: the values given or derived (preprocess), the
        # required fields, and (Tryton's _validate adds them) every field
        # whose domain or required state depends on one of those; a field
        # left at its default is valid as every new record's default is
        # (create's own validation of the queued request checks it again)
        checked = {n for n in stored
            if n in values or row.get(n, None) != defaults.get(n, None)}
        checked |= cls._online_required
        # the record holds only what validating checked reads (building
        # all ~80 fields cost a fifth of the check)
        record = {}
        for name in cls._online_needed(frozenset(checked)):
            field = cls._fields[name]
            if name not in row:
                record[name] = () if field._type in {
                    'one2many', 'many2many'} else None
            elif field._type in {'datetime', 'timestamp', 'time'}:
                record[name] = field.sql_format(row[name])
            else:
                record[name] = row[name]
        # unsaved, as a client's new record (the SQL constraints a
        # database lacks are checked against saved rows: none for it),
        # named so in the errors
        record['rec_name'] = gettext('sushi_portal.msg_new_work_order')
        ticket = cls(-1, **record)
        cls._validate([ticket], field_names=checked)

    @classmethod
    def _validate(cls, tickets, field_names=None):
        """Create's validation of the work orders the Open311 queue
        makes (Intake._create_tickets sets the context key) leaves out
        what cannot fail for them: the fields the POST's check_online
        validated whose rules depend on nothing that may change before
        the drain (texts' sizes, the coordinates' digits), and the
        optional relations empty on every order of the batch (an empty
        relation satisfies any domain).  Everything else — the state,
        number and times the drain and create set, the required fields,
        selections and relation domains that depend on the configuration
        — is validated as on every other path."""
        if (field_names is None
                and Transaction().context.get('_sushi_portal_prechecked')):
            skip = set(cls._online_constant)
            for name in cls._online_relations:
                if not any(getattr(t, name) for t in tickets):
                    skip.add(name)
            field_names = cls._fields.keys() - skip
        super()._validate(tickets, field_names=field_names)

    @classmethod
    def _online_needed(cls, checked):
        """The stored fields Tryton's _validate reads when it validates
        checked: the fields it validates (checked and those whose rules
        depend on one of checked, as _validate selects them) and those
        their rules depend on; per set of checked, computed once."""
        needed = cls._online_needed_cache.get(checked)
        if needed is None:
            functions = {n for n, f in cls._fields.items()
                if isinstance(f, fields.Function)}
            validated = set(checked) | {n for n, f in cls._fields.items()
                if f.validation_depends & (checked | functions)}
            needed = set(validated)
            for name in validated:
                needed |= cls._fields[name].validation_depends
            needed = frozenset(needed & cls._online_stored)
            if len(cls._online_needed_cache) < 256:
                cls._online_needed_cache[checked] = needed
        return needed

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        if any(OPEN311_PUBLIC & set(values)
                or values.get('state') in OPEN311_HIDDEN
                for _, values in zip(actions, actions)):
            cls._open311_changed()

    @classmethod
    def delete(cls, tickets):
        super().delete(tickets)
        cls._open311_changed()

    @staticmethod
    def _open311_changed():
        """Forget the public Open311 answers in every process once the
        transaction commits (one NOTIFY on PostgreSQL with the production
        configuration): an order withdrawn from publication, or whose
        text or place is corrected, shows so in the next answer.  A new
        order or a new state shows within the cache's 30 seconds (a
        clear on every create and accept would empty the cache at the
        intake's rate), except a move back to a state no public answer
        shows (an accepted order not accepted after all), which is rare
        and forgets them at once."""
        from .open311 import clear_public
        clear_public()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # check_online's field sets, fixed once the pool is set up
        cls._online_stored = frozenset(n for n, f in cls._fields.items()
            if n != 'id' and not isinstance(f, fields.Function))
        cls._online_required = frozenset(n for n in cls._online_stored
            if cls._fields[n].required
            or 'required' in (cls._fields[n].states or {}))
        cls._online_needed_cache = {}
        # _validate of the queue's orders: what an Open311 POST gives
        # whose rules are the field's own (size, digits, format), and the
        # optional relations with a domain
        cls._online_constant = frozenset(n for n in OPEN311_CONSTANT
            if n in cls._fields
            and not cls._fields[n].validation_depends
            and not cls._fields[n].required)
        cls._online_relations = frozenset(n for n in cls._online_stored
            if cls._fields[n]._type in {
                'many2one', 'one2many', 'many2many', 'reference'}
            and cls._fields[n].domain
            and n not in cls._online_required)

    @staticmethod
    def online_complete(values):
        """Whether an online request has its content and a contact
        (INT-04, INT-06): create_online's test on the values, and
        register_online's on the records."""
        return bool((values.get('description') or '').strip()
            and values.get('requester_phone')
            and (values.get('anonymous')
                or (values.get('requester_name') or '').strip()))

    @classmethod
    def create_online(cls, vlist):
        """Create the work orders of online requests and register the
        complete ones at once (INT-06): what create then register_online
        do, with the complete ones inserted in their registered state —
        one INSERT instead of INSERT, row lock and UPDATE.  Everything
        else is the same: the validation of the registered record (which
        accept's write re-checks), the intake and accept events, the
        transition in the model's log, the number and deadlines of
        create, the duplicate-check keys and the acknowledgement SMS."""
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        SMS = pool.get('sushi.sms')
        defaults = cls.default_get(['state', 'anonymous'],
            with_rec_name=False)
        vlist = [{**v, 'state': 'accepted'}
            if defaults.get('state') == 'draft' and 'state' not in v
            and cls.online_complete({**defaults, **v}) else v
            for v in vlist]
        tickets = cls.create(vlist)
        accepted = [t for t, v in zip(tickets, vlist)
            if v.get('state') == 'accepted']
        if accepted:
            Event.log(accepted, 'accept', 'draft', 'accepted')
            cls._log_transitions(accepted, 'state:accepted')
            hook = getattr(cls, 'on_transition', None)
            if hook:
                hook(accepted, 'accepted')
            # The requester gets the number to follow the request (INT-06)
            SMS.notify_requesters(accepted, 'intake')
        return tickets

    @classmethod
    def _log_transitions(cls, tickets, target):
        """The rows Workflow.transition's log adds to ir.model.log at
        commit (one ORM create per batch, about a tenth of the drain's
        time), inserted in one statement."""
        if not cls._log:
            return
        Log = Pool().get('ir.model.log')
        table = Log.__table__()
        transaction = Transaction()
        user = transaction.user
        cursor = transaction.connection.cursor()
        for sub in grouped_slice(tickets, 1000):
            cursor.execute(*table.insert([table.create_uid,
                        table.create_date, table.event, table.resource,
                        table.target, table.user],
                    [[user, CurrentTimestamp(), 'transition',
                            '%s,%s' % (cls.__name__, t.id), target, user]
                        for t in sub]))

    @classmethod
    def submit_online(cls, values):
        """submit for an online channel: the existing work order of a
        resubmission (same channel and channel_ref), else a new one
        through create_online."""
        return cls.find_or_create(values, cls.create_online)

    @classmethod
    def register_online(cls, tickets):
        """A request from an online channel with its content and a
        contact is registered at once (INT-06): it waits for dispatch and
        the requester gets the number by SMS; one lacking them stays a
        draft for the call-taker."""
        complete = [t for t in tickets if t.state == 'draft'
            and cls.online_complete({n: getattr(t, n) for n in [
                        'description', 'requester_phone', 'anonymous',
                        'requester_name']})]
        if complete:
            cls.accept(complete)
