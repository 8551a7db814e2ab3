# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The daily analysis report of a busy day, and the cluster cron's batch.

    .venv/bin/python bench/bench_analysis_report.py \
        [--backend postgresql|sqlite] [--day 60000] [--baseline 60000] \
        [--batch 210]

Creates a database with sushi_analysis, inserts --baseline generated
requests over the 28 days before 2025-11-18 and --day requests on that day
(raw INSERTs of bench/generate.py's requests), builds their analysis index
with `Ticket.index_keys` (timed: the intake pays it per ticket), then times:

- `Cluster.update_clusters()` over a batch of --batch new tickets (a
  5-minute batch at 60 000 a day is about 210);
- `Report.generate('daily', day, day)`: counts, hot words against the
  4-week baseline, clusters, the HTML document and the Excel workbook."""
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


def run(args):
    from benchtools import DATABASE, create_database, local, log
    from generate import Generator, Resolver, TICKET_FIELDS
    create_database(module='sushi_analysis')
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(DATABASE).init()
    gen = Generator(seed=2025)
    start = DAY - dt.timedelta(days=28)
    requests = gen.requests(args.baseline, start=start,
        end=DAY - dt.timedelta(days=1)) + gen.requests(
        args.day, start=DAY, end=DAY)
    log('%d requests generated' % len(requests))
    with Transaction().start(DATABASE, 0) as transaction:
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Configuration = pool.get('sushi.configuration')
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
        for i in range(0, len(ids), 2000):
            Ticket.index_keys(Ticket.browse(ids[i:i + 2000]))
        indexed = time.perf_counter() - t0
        log('index_keys: %d tickets in %.1f s (%.2f ms per ticket)' % (
                len(ids), indexed, indexed * 1000 / len(ids)))
        # everything but the last batch is clustered already
        last = sorted(ids)[-args.batch:]
        cursor.execute(*t.update([t.create_date],
                [dt.datetime(2025, 11, 19, 12)], where=t.id.in_(last)))
        transaction.commit()
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
    with Transaction().start(DATABASE, 0) as transaction, \
            Transaction().set_context(sushi_now=local(2025, 11, 19, 20)):
        Cluster = Pool().get('sushi.analysis.cluster')
        t0 = time.perf_counter()
        Cluster.update_clusters()
        cron = time.perf_counter() - t0
        transaction.commit()
    log('update_clusters: %d new tickets in %.2f s' % (args.batch, cron))
    with Transaction().start(DATABASE, 0) as transaction, \
            Transaction().set_context(sushi_now=local(2025, 11, 19, 8, 30)):
        Report = Pool().get('sushi.analysis.report')
        t0 = time.perf_counter()
        report = Report.generate('daily', DAY, DAY)
        seconds = time.perf_counter() - t0
        log('daily report of %d requests: %.1f s (%d hot words, document '
            '%d bytes, workbook %d bytes)' % (report.ticket_count, seconds,
                len([s for s in report.sections]), len(report.document),
                len(report.spreadsheet)))
    print('| backend | day | baseline | index ms/ticket | cluster batch '
        '| cluster s | daily report s |')
    print('|---|---|---|---|---|---|---|')
    print('| %s | %d | %d | %.2f | %d | %.2f | %.1f |' % (args.backend,
            args.day, args.baseline, indexed * 1000 / len(ids), args.batch,
            cron, seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--backend', default='postgresql',
        choices=['postgresql', 'sqlite'])
    parser.add_argument('--day', type=int, default=60000)
    parser.add_argument('--baseline', type=int, default=60000)
    parser.add_argument('--batch', type=int, default=210)
    args = parser.parse_args()
    os.environ.setdefault('PYTHONOPTIMIZE', '1')
    if args.backend == 'postgresql':
        from runtests import Cluster
        cluster = Cluster()
        os.environ['TRYTOND_DATABASE__URI'] = cluster.start()
        try:
            run(args)
        finally:
            cluster.stop()
    else:
        with tempfile.TemporaryDirectory() as directory:
            os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
            os.environ['TRYTOND_DATABASE__PATH'] = directory
            run(args)


if __name__ == '__main__':
    main()
