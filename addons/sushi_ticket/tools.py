# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Small helpers the models of the sushi modules share."
import logging
import re

from trytond.model import Unique
from trytond.pyson import Eval, If

logger = logging.getLogger(__name__)

PHONE = re.compile(r'^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$')


class UniqueCodeMixin:
    """A record known by its code, unique among its kind (units,
    categories, channels, time limits, not-accepted reasons); the error is
    the ir.message named by _code_unique_message."""
    __slots__ = ()
    _code_unique_message = None

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints.append(
            ('code_unique', Unique(t, t.code), cls._code_unique_message))


def rec_name_domain(clause, field_names):
    """Return the domain that searches the record name clause in each of
    field_names: any of them matching, or, for a negative operator, none."""
    _, operator, operand, *extra = clause
    if operator.startswith('!') or operator.startswith('not '):
        bool_op = 'AND'
    else:
        bool_op = 'OR'
    return [bool_op] + [
        (name, operator, operand, *extra) for name in field_names]


# LGT-01: red and yellow rows in every list of a model with a light
LIGHT_ROWS = ('/tree', 'visual', If(Eval('light') == 'red', 'danger',
        If(Eval('light') == 'yellow', 'warning', '')), ['light'])


def normalize_phone(phone):
    "Keep the digits and the dash of an area code; drop spaces and +86."
    phone = re.sub(r'[\s()（）]', '', phone or '')
    if phone.startswith('+86'):
        phone = phone[3:]
    elif phone.startswith('86') and len(phone) == 13:
        phone = phone[2:]
    return phone


def create_trigram_extension():
    """Issue #14: create PostgreSQL's pg_trgm extension, if the database
    lets us, before the trigram indexes of the search bar are created.

    Without it (SQLite, or a role that may not create extensions) the
    Index.Similarity indexes fall back to B-tree: prefixes are still served,
    infix searches scan; see the README (scale)."""
    from trytond import backend
    from trytond.transaction import Transaction
    if backend.name != 'postgresql':
        return False
    transaction = Transaction()
    database = transaction.database
    if database.has_extension('pg_trgm'):
        return True
    cursor = transaction.connection.cursor()
    cursor.execute('SAVEPOINT sushi_trigram')
    try:
        cursor.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except Exception:
        cursor.execute('ROLLBACK TO SAVEPOINT sushi_trigram')
        logger.warning("pg_trgm could not be created: substring searches "
            "of numbers, titles and phones will scan the table "
            "(CREATE EXTENSION pg_trgm as a superuser)")
        return False
    cursor.execute('RELEASE SAVEPOINT sushi_trigram')
    database._extensions[database.name].pop('pg_trgm', None)
    return True


class IdSearchMixin:
    """Issue #14: search() selects the ids only.

    ModelSQL.search selects every eager column of each found row to fill
    the transaction cache, and trytond's cursor_dict rebuilds psycopg's
    column description for each row: a list page of 1 000 work orders cost
    a second in Python for columns the list does not show.  read() loads
    what the view shows, for the rows it shows."""
    __slots__ = ()

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        from trytond.transaction import Transaction
        if count or query:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        select = super().search(domain, offset=offset, limit=limit,
            order=order, query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*select)
        return cls.browse([r[0] for r in cursor])
