# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The log of reads of requesters' personal data (PUB-06)."""
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import clock
from .workflow import AppendOnlyMixin

# Set while a search runs whose personal-data access is logged (or is the
# logging's own): its inner searches are not logged again.
SEARCH_LOGGED = '_sushi_search_logged'


class PersonalDataAccess(AppendOnlyMixin, ModelSQL, ModelView):
    "A read of a requester's name or phone by a user: PUB-06."
    __name__ = 'sushi.ticket.pii_access'
    __string__ = "Personal Data Access"

    ticket = fields.Many2One('sushi.ticket', "Ticket", required=True,
        ondelete='CASCADE', readonly=True)
    user = fields.Many2One('res.user', "User", required=True, readonly=True)
    at = fields.DateTime("At", required=True, readonly=True)
    fields_read = fields.Char("Fields", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('at', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.ticket, Index.Range()), (t.at, Index.Range())))

    @classmethod
    def logs_user(cls):
        """Whether the reads of the current user are logged: a unit user's,
        not platform staff's (they take the calls)."""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = set(User.get_groups())
        unit_groups = {
            ModelData.get_id('sushi_ticket', 'group_sushi_unit_handler'),
            ModelData.get_id('sushi_ticket', 'group_sushi_unit_leader'),
            }
        platform_groups = {
            ModelData.get_id('sushi_ticket', xml_id) for xml_id in [
                'group_sushi_intake', 'group_sushi_dispatcher',
                'group_sushi_reviewer', 'group_sushi_supervisor']}
        return bool(groups & unit_groups) and not (groups & platform_groups)

    @classmethod
    def log_search(cls, Model, domain, order, count, result, personal,
            tickets_of):
        """Log a search from outside by a unit user that filters or orders
        by personal fields (personal: the field names of Model that are),
        as a read of them (`search:<path>`) on every order it matched:
        testing a phone on one's orders reads it as much as reading it
        does.  result: the search's result; with count, the search is run
        again for its ids.  tickets_of(ids): the orders of Model's ids."""
        from .guard import external, personal_paths
        if not external() or Transaction().context.get(SEARCH_LOGGED):
            return
        paths = personal_paths(domain, order, personal)
        if not paths or not cls.logs_user():
            return
        if count:
            with Transaction().set_context({SEARCH_LOGGED: True}):
                result = Model.search(domain, order=[])
        ids = [int(r) for r in result]
        tickets = tickets_of(ids) if ids else []
        prefix = ('search:' if Model.__name__ == 'sushi.ticket'
            else 'search:%s:' % Model.__name__)
        cls.log_reads(sorted(set(tickets)), [prefix + p for p in paths])

    @classmethod
    def log_reads(cls, ticket_ids, field_names):
        """Log, in one INSERT, a read of personal fields by a unit user;
        platform staff reads are not logged (they take the calls)."""
        if not cls.logs_user():
            return
        ids = [i for i in ticket_ids if i is not None and i >= 0]
        if not ids:
            return
        transaction = Transaction()
        if transaction.readonly:
            # The client reads in read-only transactions: log in a short
            # transaction of its own, as core does for password hashes.
            with transaction.new_transaction():
                cls._insert_reads(ids, field_names)
        else:
            cls._insert_reads(ids, field_names)

    @classmethod
    def _insert_reads(cls, ids, field_names):
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        now = clock.now()
        user = transaction.user
        cursor.execute(*table.insert(
                [table.ticket, table.user, table.at, table.fields_read,
                    table.create_uid, table.create_date],
                [[i, user, now, ','.join(field_names), user, now]
                    for i in ids]))
