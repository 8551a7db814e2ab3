# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the benchmark process: the database, timing and profiling.

Import trytond only inside the functions: the TRYTOND_* environment of the
benchmark process must be set before trytond reads its configuration."""
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = 'bench'
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def local(*args):
    "The naive UTC datetime of a wall-clock time in Asia/Shanghai."
    return dt.datetime(*args, tzinfo=SHANGHAI).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def log(message):
    print(message, flush=True)


def create_database(name=DATABASE, module='sushi_ticket', ctype=None):
    """Create the database and activate module with trytond-admin; ctype:
    the PostgreSQL database's LC_CTYPE (by default the cluster's: C in the
    throwaway clusters, under which pg_trgm makes no trigram of Chinese
    characters)."""
    from trytond import backend
    database = backend.Database().connect()
    connection = database.get_connection(autocommit=True)
    try:
        if ctype:
            from psycopg.sql import SQL, Identifier, Literal
            connection.cursor().execute(SQL("CREATE DATABASE {} "
                    "TEMPLATE template0 ENCODING 'unicode' LC_CTYPE {}")
                .format(Identifier(name), Literal(ctype)))
            connection.commit()
        else:
            database.create(connection, name)
    finally:
        database.put_connection(connection)
        database.close()
    admin = Path(sys.executable).with_name('trytond-admin')
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write('bench-admin')
        passfile.flush()
        env = dict(os.environ, TRYTONPASSFILE=passfile.name)
        subprocess.run([sys.executable, str(admin), '-d', name,
                '-u', module, '--activate-dependencies',
                '--email', 'admin@example.org'],
            env=env, check=True, stdout=subprocess.DEVNULL)


def database_version():
    from trytond import backend
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        if backend.name == 'postgresql':
            import psycopg
            cursor.execute('SHOW server_version')
            return 'PostgreSQL %s (psycopg %s, %s implementation)' % (
                cursor.fetchone()[0].split()[0], psycopg.__version__,
                psycopg.pq.__impl__)
        cursor.execute('SELECT sqlite_version()')
        return 'SQLite ' + cursor.fetchone()[0]


def vacuum(*tables):
    "VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite) outside a transaction."
    from trytond import backend
    database = backend.Database(DATABASE).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        if backend.name == 'postgresql':
            cursor.execute('VACUUM ANALYZE %s' % ', '.join(
                    '"%s"' % t for t in tables))
        else:
            connection.commit()
            cursor.execute('ANALYZE')
            connection.commit()
    finally:
        database.put_connection(connection)


def table_columns(cursor, name):
    "The column names of a table, in table order."
    cursor.execute('SELECT * FROM "%s" WHERE 1 = 0' % name)
    return [d[0] for d in cursor.description]


class cprofiled:
    "Profile the block with cProfile when --cprofile DIR is given."

    def __init__(self, args, name):
        self.directory = args.cprofile
        self.name = name

    def __enter__(self):
        if self.directory:
            import cProfile
            self.profile = cProfile.Profile()
            self.profile.enable()
        return self

    def __exit__(self, *exc):
        if self.directory:
            import pstats
            self.profile.disable()
            os.makedirs(self.directory, exist_ok=True)
            path = os.path.join(self.directory, f'{self.name}.prof')
            self.profile.dump_stats(path)
            log(f'cProfile of {self.name} in {path}; top functions:')
            pstats.Stats(self.profile).sort_stats('cumulative').print_stats(
                30)
