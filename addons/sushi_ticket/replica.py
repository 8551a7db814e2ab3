# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Heavy reads from a PostgreSQL streaming replica (issue #14).

Tryton routes every query to its one database.  Reports and scores that
only read can use `replica_cursor()` instead: a cursor on the read-only
standby named by the option

    [sushi]
    replica_uri = postgresql://tryton@replica:5432/

(the database name is the transaction's).  Without the option, on SQLite,
or while the standby cannot be reached, it is the transaction's own cursor,
so callers behave the same everywhere.  The standby lags the primary by
the replication delay (usually well under a second): use it for figures of
past periods, never for what the same transaction has just written."""
import logging
import threading
from contextlib import contextmanager

from trytond import backend
from trytond.config import config
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)
_local = threading.local()


def replica_uri():
    "The configured replica URI, '' when none."
    return config.get('sushi', 'replica_uri', default='') or ''


def _connection(database_name):
    "This thread's open connection to the replica, or None."
    import psycopg
    connections = getattr(_local, 'connections', None)
    if connections is None:
        connections = _local.connections = {}
    connection = connections.get(database_name)
    if connection is not None and not connection.closed:
        return connection
    uri = replica_uri().rstrip('/') + '/' + database_name
    try:
        connection = psycopg.connect(uri, autocommit=True, connect_timeout=5)
        connection.read_only = True
    except psycopg.Error:
        logger.warning("replica %s unreachable: reading from the primary",
            replica_uri(), exc_info=True)
        return None
    connections[database_name] = connection
    return connection


@contextmanager
def replica_cursor():
    """A cursor for read-only queries: on the replica when configured and
    reachable, otherwise the transaction's cursor."""
    transaction = Transaction()
    connection = None
    if replica_uri() and backend.name == 'postgresql':
        connection = _connection(transaction.database.name)
    if connection is None:
        yield transaction.connection.cursor()
        return
    with connection.cursor() as cursor:
        yield cursor
