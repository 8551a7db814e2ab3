# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The daily analysis report of a busy day, and the cluster cron's batch.

    .venv/bin/python bench/bench_analysis_report.py \
        [--backend postgresql|sqlite] [--day 60000] [--baseline 60000] \
        [--window 1000000] [--batch 210] [--data DIR [--setup]]

Creates a database with sushi_analysis, inserts --baseline generated
requests over the 28 days before 2025-11-18 and --day requests on that day
(raw INSERTs of bench/generate.py's requests), builds their analysis index
with `Ticket.index_keys` (timed: the intake pays it per ticket), then times:

- `Cluster.update_clusters()` over a batch of --batch new tickets (a
  5-minute batch at 60 000 a day is about 210);
- `Report.generate('daily', day, day)`: counts, hot words against the
  4-week baseline, clusters, the HTML document and the Excel workbook;
- the weekly (17-23 November), monthly (November) and special (1-18
  November, blocking issues) reports of the same data, after the cron in
  the same transaction (so with its clusters);
- --checks intake duplicate checks through the ORM.

Before timing, the indexes of the code are brought up to date on the kept
database (as `trytond-admin -u` would) and the scorer's dictionaries are
loaded (a running server has them).

The day and the baseline are 1/--copies generated requests indexed by
`index_keys` and copies of them (rows and index rows by INSERT ... SELECT,
seconds apart, other numbers): the index of 120 000 texts alone would take
most of a quarter hour of CPU.  --window N fills the cluster cron's window
up to N requests with more copies of the baseline, hours apart, with
their place, problem and phone keys (the cron's), not their words (so the
monthly report counts them but finds its hot words in the others).  The
timed steps run in a transaction that is rolled back, so a kept database (--data DIR, built once with --setup
under nice) gives the same figures at every timed run:

    nice -n 10 .venv/bin/python bench/bench_analysis_report.py \
        --data DIR --setup
    flock LOCK .venv/bin/python bench/bench_analysis_report.py --data DIR"""
import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / 'scripts'))

DAY = dt.date(2025, 11, 18)


def exists():
    from benchtools import DATABASE
    from trytond import backend
    database = backend.Database().connect()
    connection = database.get_connection()
    try:
        return DATABASE in database.list()
    finally:
        database.put_connection(connection)


def setup(args):
    from benchtools import DATABASE, create_database, local, log, vacuum
    from generate import Generator, Resolver, TICKET_FIELDS
    create_database(module='sushi_analysis')
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(DATABASE).init()
    gen = Generator(seed=2025)
    start = DAY - dt.timedelta(days=28)
    copies = max(1, args.copies)
    requests = gen.requests(args.baseline // copies, start=start,
        end=DAY - dt.timedelta(days=1)) + gen.requests(
        args.day // copies, start=DAY, end=DAY)
    log('%d requests generated' % len(requests))
    with Transaction().start(DATABASE, 0) as transaction:
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Key = pool.get('sushi.analysis.ticket_key')
        t = Ticket.__table__()
        cursor = transaction.connection.cursor()
        vlist = Resolver().ticket_values(requests)
        columns = TICKET_FIELDS + ['number', 'state', 'round',
            'create_uid', 'create_date']
        now = dt.datetime(2025, 11, 1)
        t0 = time.perf_counter()
        for i in range(0, len(vlist), 1000):
            rows = [[v[f] for f in TICKET_FIELDS] + [
                    'B%09d' % (i + j), 'in_progress', 1, 0, now]
                for j, v in enumerate(vlist[i:i + 1000])]
            cursor.execute(*t.insert(
                    [getattr(t, c) for c in columns], rows))
        log('tickets inserted in %.1f s' % (time.perf_counter() - t0))
        cursor.execute(*t.select(t.id))
        ids = [i for i, in cursor]
        t0 = time.perf_counter()
        c0 = time.process_time()
        for i in range(0, len(ids), 1000):
            Ticket.index_keys(Ticket.browse(ids[i:i + 1000]))
        indexed = time.perf_counter() - t0
        index_cpu = time.process_time() - c0
        log('index_keys: %d tickets in %.1f s, %.1f s CPU (%.2f ms CPU per '
            'ticket)' % (len(ids), indexed, index_cpu,
                index_cpu * 1000 / len(ids)))
        # everything but the last batch is clustered already
        last = sorted(ids)[-args.batch:]
        cursor.execute(*t.update([t.create_date],
                [dt.datetime(2025, 11, 19, 12)], where=t.id.in_(last)))
        # the day and the baseline: copies of the generated requests,
        # seconds apart (same texts, other numbers)
        for r in range(1, copies):
            clone(cursor, Ticket, Key, '-c%d' % r,
                dt.timedelta(seconds=r), lambda t: ~t.number.like('%-%'))
        # the cluster window: copies of the baseline, hours apart
        total = copies * len(ids)
        windows = max(0, (args.window - total) // max(1, args.baseline))
        for r in range(1, windows + 1):
            clone(cursor, Ticket, Key, '-w%d' % r, dt.timedelta(hours=r),
                lambda t: (t.received_at < local(2025, 11, 18))
                & ~t.number.like('%-w%'), words=False)
        cursor.execute('SELECT COUNT(*) FROM "%s"' % Ticket._table)
        log('%d tickets in all (%d copies of the day, %d of the baseline '
            'for the cluster window)' % (cursor.fetchone()[0], copies,
                windows))
        transaction.commit()
    vacuum(Ticket._table, Key._table)
    # the configuration singleton is created under a table lock: retry
    from trytond.transaction import TransactionError
    extras = {}
    while True:
        try:
            with Transaction().start(DATABASE, 0, **extras) as transaction:
                Configuration = Pool().get('sushi.configuration')
                Configuration.write([Configuration(1)], {
                        'cluster_checkpoint': dt.datetime(2025, 11, 19)})
                transaction.commit()
            break
        except TransactionError as error:
            error.fix(extras)
    return index_cpu * 1000 / len(ids)


def clone(cursor, Ticket, Key, suffix, shift, where, words=True):
    """Copy the tickets matching where(table) and their index rows (but
    the words unless words): suffix added to their number and channel
    reference, shift earlier, by INSERT ... SELECT."""
    from benchtools import table_columns
    from sql import Literal
    from sql.functions import Function
    from sql.operators import Concat
    from trytond import backend

    class SQLiteDateTime(Function):
        __slots__ = ()
        _function = 'DATETIME'

    def shifted(column):
        if backend.name == 'sqlite':
            return SQLiteDateTime(column,
                '-%d seconds' % shift.total_seconds())
        return column - shift
    t = Ticket.__table__()
    k = Key.__table__()
    new = Ticket.__table__()
    old = Ticket.__table__()
    columns = [c for c in table_columns(cursor, Ticket._table)
        if c not in {'id', 'number', 'channel_ref', 'received_at'}]
    cursor.execute(*t.insert(
            [getattr(t, c) for c in columns]
            + [t.number, t.channel_ref, t.received_at],
            t.select(*([getattr(t, c) for c in columns]
                    + [Concat(t.number, Literal(suffix)),
                        Concat(t.channel_ref, Literal(suffix)),
                        shifted(t.received_at)]),
                where=where(t))))
    cursor.execute(*k.insert(
            [k.ticket, k.kind, k.key, k.received_at, k.requester,
                k.create_uid, k.create_date],
            k.join(old, condition=k.ticket == old.id
                ).join(new, condition=new.number == Concat(
                        old.number, Literal(suffix))
                ).select(new.id, k.kind, k.key, shifted(k.received_at),
                k.requester, k.create_uid, k.create_date,
                where=None if words else (k.kind != 'word'))))


def measure(args, index_ms=None):
    from benchtools import DATABASE, local, log
    from sql.aggregate import Count
    from trytond.modules.sushi_analysis import dedup
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(DATABASE).init()
    with Transaction().start(DATABASE, 0) as transaction:
        # the indexes of the code (trytond-admin creates them on update)
        t0 = time.perf_counter()
        for name in ['sushi.ticket', 'sushi.analysis.ticket_key']:
            Pool().get(name)._update_sql_indexes()
        transaction.commit()
        log('indexes up to date in %.1f s' % (time.perf_counter() - t0))
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        Ticket = Pool().get('sushi.ticket')
        cursor.execute('SELECT COUNT(*) FROM "%s"' % Ticket._table)
        total, = cursor.fetchone()
    # a running server has loaded the scorer's dictionaries (pinyin) once
    dedup.similarity('金色家园小区停水', '金色家园停水了')
    figures = {}
    # rolled back: the kept database gives the same figures every run;
    # the reports follow the cron in the same transaction (with its
    # clusters)
    with Transaction().start(DATABASE, 0) as transaction, \
            Transaction().set_context(sushi_now=local(2025, 11, 19, 20)):
        Cluster = Pool().get('sushi.analysis.cluster')
        Ticket = Pool().get('sushi.ticket')
        t = Ticket.__table__()
        cursor = transaction.connection.cursor()
        # the copies of the last batch are no new tickets: only --batch
        cursor.execute(*t.update([t.create_date],
                [dt.datetime(2025, 11, 1)],
                where=(t.create_date > dt.datetime(2025, 11, 19))
                & t.number.like('%-%')))
        cursor.execute(*t.select(Count(t.id),
                where=t.create_date > dt.datetime(2025, 11, 19)))
        new, = cursor.fetchone()
        t0 = time.perf_counter()
        c0 = time.process_time()
        Cluster.update_clusters()
        figures['cluster'] = (time.perf_counter() - t0,
            time.process_time() - c0)
        clusters = Cluster.search_count([])
        figures['new'] = new
        log('update_clusters: %d new tickets in %.2f s (%.2f s CPU), %d '
            'clusters' % (new, *figures['cluster'], clusters))
        week = DAY - dt.timedelta(days=DAY.weekday())
        for kind, first, last, at in [
                ('daily', DAY, DAY, local(2025, 11, 19, 8, 30)),
                ('weekly', week, week + dt.timedelta(6),
                    local(2025, 11, 25, 8, 30)),
                ('monthly', DAY.replace(day=1), dt.date(2025, 11, 30),
                    local(2025, 12, 2, 8, 30)),
                ('special', DAY.replace(day=1), DAY,
                    local(2025, 11, 19, 9)),
                ]:
            if args.reports and kind not in args.reports:
                continue
            with Transaction().set_context(sushi_now=at):
                Report = Pool().get('sushi.analysis.report')
                t0 = time.perf_counter()
                c0 = time.process_time()
                report = Report.generate(kind, first, last)
                figures[kind] = (time.perf_counter() - t0,
                    time.process_time() - c0)
                log('%s report of %d requests: %.1f s, %.1f s CPU (%d '
                    'sections, document %d bytes, workbook %d bytes)' % (
                        kind, report.ticket_count, *figures[kind],
                        len(report.sections), len(report.document),
                        len(report.spreadsheet)))
        transaction.rollback()
    # the intake check through the ORM (search and reads), as the form
    # calls it, on requests of the day looked up again as new ones
    with Transaction().start(DATABASE, 0) as transaction, \
            Transaction().set_context(sushi_now=local(2025, 11, 19, 9)):
        Ticket = Pool().get('sushi.ticket')
        t = Ticket.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*t.select(t.title, t.description, t.address,
                t.requester_phone, where=t.received_at >= local(2025, 11, 18),
                order_by=[t.id], limit=args.checks))
        timings, cpus, found = [], [], []
        for title, description, address, phone in cursor.fetchall():
            draft = Ticket(title=title, description=description,
                address=address, requester_phone=phone, state='draft',
                received_at=local(2025, 11, 19, 9))
            t0 = time.perf_counter()
            c0 = time.process_time()
            found.append(len(draft.find_duplicates()))
            timings.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        if timings:
            timings.sort()
            cpus.sort()
            log('find_duplicates: %d checks, median %.1f ms, p95 %.1f ms, '
                'CPU p95 %.1f ms, %.1f duplicates shown on average' % (
                    len(timings), timings[len(timings) // 2],
                    timings[int(len(timings) * .95) - 1],
                    cpus[int(len(cpus) * .95) - 1],
                    sum(found) / len(found)))
        transaction.rollback()
    load = ' '.join(open('/proc/loadavg').read().split()[:3])
    kinds = [k for k in ['daily', 'weekly', 'monthly', 'special']
        if k in figures]
    print('| backend | requests | day | batch | cluster cron s (CPU) | '
        + ' | '.join('%s s (CPU)' % k for k in kinds) + ' | load |')
    print('|---' * (len(kinds) + 6) + '|')
    print('| %s | %d | %d | %d | %.2f (%.2f) | ' % (args.backend, total,
            args.day, figures['new'], *figures['cluster'])
        + ' | '.join('%.1f (%.1f)' % figures[k] for k in kinds)
        + ' | %s |' % load)
    if index_ms:
        print('index_keys: %.2f ms per request' % index_ms)


def run(args):
    index_ms = None
    if not exists():
        index_ms = setup(args)
    if not args.setup:
        measure(args, index_ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--backend', default='postgresql',
        choices=['postgresql', 'sqlite'])
    parser.add_argument('--day', type=int, default=60000)
    parser.add_argument('--baseline', type=int, default=60000)
    parser.add_argument('--batch', type=int, default=210)
    parser.add_argument('--checks', type=int, default=200,
        help='intake checks through the ORM (0: none)')
    parser.add_argument('--reports', nargs='*',
        choices=['daily', 'weekly', 'monthly', 'special'],
        help='time only these reports (all by default)')
    parser.add_argument('--copies', type=int, default=6,
        help='the day and the baseline are the generated requests and '
        'copies of them (indexing is the slow part of the set-up)')
    parser.add_argument('--window', type=int, default=0,
        help='requests in the cluster window (copies of the baseline)')
    parser.add_argument('--data', help='keep the database in this '
        'directory (reused by later runs)')
    parser.add_argument('--setup', action='store_true',
        help='only build the database (with --data)')
    args = parser.parse_args()
    os.environ.setdefault('PYTHONOPTIMIZE', '1')
    if args.backend == 'postgresql':
        if args.data:
            from bench_dedup import StoredCluster
            cluster = StoredCluster(Path(args.data) / 'pg')
        else:
            from runtests import Cluster
            cluster = Cluster()
        os.environ['TRYTOND_DATABASE__URI'] = cluster.start()
        try:
            run(args)
        finally:
            cluster.stop()
    else:
        with tempfile.TemporaryDirectory() as directory:
            directory = args.data or directory
            os.makedirs(directory, exist_ok=True)
            os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
            os.environ['TRYTOND_DATABASE__PATH'] = directory
            run(args)


if __name__ == '__main__':
    main()
