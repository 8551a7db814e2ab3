# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Intake throughput: tickets through the ORM against a raw SQL INSERT of
the same rows."""
import time

from benchtools import DATABASE, cprofiled, log, table_columns, vacuum
from generate import Generator, Resolver


def bench_intake(args):
    """Create args.tickets tickets with Ticket.create in batches of
    args.batch in one transaction, then commit; read the stored rows back,
    empty the table and insert the same rows with one INSERT per batch, then
    commit.  Return the figures."""
    from sql import Column, Literal
    from sql.aggregate import Count
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    n, batch = args.tickets, args.batch
    t0 = time.perf_counter()
    requests = Generator(seed=args.seed).requests(n)
    log(f'intake: {n:,} requests generated in '
        f'{time.perf_counter() - t0:.1f} s')

    # The ORM: the path of the channels, the API and the intake form
    with Transaction().start(DATABASE, 1) as transaction:
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Event = pool.get('sushi.ticket.event')
        vlist = Resolver().ticket_values(requests)
        transaction.commit()
        start = time.perf_counter()
        with cprofiled(args, 'intake_orm'):
            for i in range(0, n, batch):
                Ticket.create(vlist[i:i + batch])
        created = time.perf_counter() - start
        transaction.commit()
        orm_seconds = time.perf_counter() - start
    log(f'intake: ORM created {n:,} tickets in {created:.2f} s, '
        f'commit {orm_seconds - created:.2f} s: '
        f'{n / orm_seconds:,.0f} tickets/s')

    # Read the stored rows back and empty the table (only the benchmark's
    # rows exist: nothing else is lost)
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        table = Ticket.__table__()
        names = table_columns(cursor, Ticket._table)
        columns = [Column(table, c) for c in names]
        cursor.execute(*table.select(*columns, order_by=[table.id.asc]))
        rows = [list(r) for r in cursor]
        event = Event.__table__()
        cursor.execute(*event.select(Count(Literal(1))))
        events, = cursor.fetchone()
        if backend.name == 'postgresql':
            cursor.execute('TRUNCATE "%s" CASCADE' % Ticket._table)
        else:
            cursor.execute('DELETE FROM "%s"' % Event._table)
            cursor.execute('DELETE FROM "%s"' % Ticket._table)
        transaction.commit()
    vacuum(Ticket._table)

    # Raw SQL: one multi-row INSERT per batch, same columns and values
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        if args.explain and backend.name == 'postgresql':
            explain_insert(cursor, table.insert(columns, rows[:batch]))
        start = time.perf_counter()
        for i in range(0, n, batch):
            cursor.execute(*table.insert(columns, rows[i:i + batch]))
        inserted = time.perf_counter() - start
        transaction.commit()
        raw_seconds = time.perf_counter() - start
    log(f'intake: raw INSERT of the same {n:,} rows ({len(names)} columns) '
        f'in {inserted:.2f} s, commit {raw_seconds - inserted:.2f} s: '
        f'{n / raw_seconds:,.0f} rows/s')
    ratio = raw_seconds / orm_seconds
    log(f'intake: ratio ORM / raw = {ratio:.3f} (target ≥ 0.2); the ORM '
        f'also wrote {events:,} intake events')
    return {
        'tickets': n, 'batch': batch, 'columns': len(names),
        'events': events,
        'orm_seconds': orm_seconds, 'orm_rate': n / orm_seconds,
        'raw_seconds': raw_seconds, 'raw_rate': n / raw_seconds,
        'ratio': ratio,
        }


def explain_insert(cursor, query):
    "Print EXPLAIN ANALYZE of an INSERT, rolled back to a savepoint."
    sql, params = tuple(query)
    cursor.execute('SAVEPOINT bench_explain')
    cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params)
    log('intake: EXPLAIN ANALYZE of the first raw INSERT:\n' + '\n'.join(
            r[0] for r in cursor.fetchall()))
    cursor.execute('ROLLBACK TO SAVEPOINT bench_explain')
