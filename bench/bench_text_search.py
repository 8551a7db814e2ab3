#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A long text searched by a part of it on PostgreSQL: the plans and times
of `ilike '%…%'` on the work orders' request (description, a Text field)
as Tryton searched it (a full-text match in the 'simple' configuration)
and as the sushi modules search it now (ILIKE, tools.SubstringTextMixin),
and of the title (a Char field with a pg_trgm index, unchanged) for
comparison: whether the change leaves any index unused.

N synthetic work orders (bench/generate.py) are created through the ORM
in a throwaway cluster (scripts/runtests.py's Cluster), then VACUUM
ANALYZE; each search is the SQL of Ticket.search (the list's order, no
limit), EXPLAIN ANALYZEd once and timed (the median of --repeat runs).
Nothing is asserted: figures to read.

Usage:
    .venv/bin/python bench/bench_text_search.py              # 20 000 orders
    .venv/bin/python bench/bench_text_search.py --tickets 100000
    .venv/bin/python bench/bench_text_search.py --ctype C.utf8  # CJK trigrams
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--tickets', type=int, default=20_000)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--seed', type=int, default=2025)
    parser.add_argument('--ctype', help="the database's LC_CTYPE, e.g. "
        "C.utf8 (default: the cluster's, C, under which pg_trgm ignores "
        "Chinese characters)")
    parser.add_argument('--worker', action='store_true',
        help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_args()
    if args.worker:
        return worker(args)
    sys.path.insert(0, str(ROOT / 'scripts'))
    from runtests import Cluster
    tmp = tempfile.mkdtemp(prefix='sushi-bench-text-')
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    env['TRYTOND_DATABASE__PATH'] = tmp
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [str(BENCH), env.get('PYTHONPATH')]))
    cluster = Cluster()
    try:
        env['TRYTOND_DATABASE__URI'] = cluster.start()
        process = subprocess.run([sys.executable, '-O',
                str(Path(__file__).resolve()), '--worker'] + sys.argv[1:],
            env=env, cwd=ROOT)
        sys.exit(process.returncode)
    finally:
        cluster.stop()


def worker(args):
    from benchtools import DATABASE, create_database, log, vacuum
    from generate import Generator, Resolver

    start = time.perf_counter()
    create_database(ctype=args.ctype)
    log(f'database created (LC_CTYPE {args.ctype or "C"}) in {time.perf_counter() - start:.0f} s')

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(DATABASE)
    pool.init()
    requests = Generator(seed=args.seed).requests(args.tickets)
    start = time.perf_counter()
    with Transaction().start(DATABASE, 0) as transaction:
        Ticket = pool.get('sushi.ticket')
        vlist = Resolver().ticket_values(requests)
        for i in range(0, len(vlist), 1000):
            Ticket.create(vlist[i:i + 1000])
        transaction.commit()
    log(f'{args.tickets:,} work orders created in '
        f'{time.perf_counter() - start:.0f} s')
    vacuum(Ticket._table)

    # a middle part of one request and of one title, and a text no
    # request holds
    sample = requests[len(requests) // 2]
    middle = sample['description'][6:11]
    title = sample['title'][1:4]
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        Ticket = pool.get('sushi.ticket')
        field = Ticket._fields['description']
        log(f"database: {transaction.database.has_search_full_text()=}, "
            f"pg_trgm: {transaction.database.has_extension('pg_trgm')}")
        for name, text, full_text in [
                ('description', middle, True),
                ('description', middle, False),
                ('description', '不存在的文字', True),
                ('description', '不存在的文字', False),
                ('title', title, False),
                ]:
            field.search_full_text = full_text
            how = 'full-text (before)' if full_text else 'ILIKE (now)'
            query = Ticket.search([(name, 'ilike', f'%{text}%')], query=True)
            sql, params = tuple(query)
            cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params)
            plan = [r[0] for r in cursor.fetchall()]
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                times.append(time.perf_counter() - t0)
            indexes = sorted({line.split(' on ')[1].split()[0]
                    for line in plan if 'Index' in line and ' on ' in line})
            log(f'\n{name} ilike %{text}% — {how}: {len(rows)} rows, '
                f'median {statistics.median(times) * 1000:.1f} ms '
                f'(of {args.repeat}); indexes: {", ".join(indexes) or "none"}')
            log('\n'.join('    ' + line for line in plan))
        field.search_full_text = False


if __name__ == '__main__':
    main()
