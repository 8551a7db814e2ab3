#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The supervision candidate cron at scale: `Candidate.propose(now)` over
--tickets work orders (1 000 000) against the equivalent single SELECT.

Setup (not measured): --open open tickets with their lead assignments come
from the sweep benchmark's generator (`sweep.setup_open_tickets`: requests
of `generate.py`, deadlines from the calendar API, a green/yellow/red mix),
then the ticket module's sweep runs once so that the overdue ones carry
their red card (LGT-02).  The rest of the --tickets are copies of them made
by one INSERT ... SELECT each, closed and completed: the history a year of
the hotline leaves.  Flags are spread over the tickets by their id: a city
leader's instruction (1 in 97), provincial repeat orders (1 in 89), first
and second dissatisfied ratings with the unit at fault (1 in 50 and 1 in
200), escalation proposed at the callback (1 in 1 000), and progress
reported on half of the signed open assignments.

Measured:
- ONE SELECT: the candidate queries (`Candidate.queries`, the facts of
  every trigger, every column computed) counted in one statement,
  without the INSERT and without the "already proposed" and "already
  supervised" anti-joins: the least a cron proposing these facts must
  read.  Median of --repeat runs.
- `Candidate.propose(now)`, first run: every candidate is new and inserted;
  then commit.
- `Candidate.propose(now + 1 h)`, steady state: nothing new.
- Target: each at most 2 × the SELECT.

PostgreSQL runs in a throwaway cluster (scripts/runtests.py's Cluster),
or, with --data DIR, in a cluster kept in DIR: the first run builds the
database there (activation and setup, about half an hour on 2 cores) and
later runs only measure, after removing the candidates of the previous
run.  --setup-only builds and stops, so the setup can run at a low
priority and the measure alone under a shared lock.

Usage:
    .venv/bin/python bench/bench_supervision.py              # 1 M tickets
    .venv/bin/python bench/bench_supervision.py --tickets 200000 --open 20000
    nice -n 10 .venv/bin/python bench/bench_supervision.py --data DIR \
        --setup-only
    flock LOCK .venv/bin/python bench/bench_supervision.py --data DIR
"""
import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--tickets', type=int, default=1_000_000,
        help="work orders in the database (1 000 000)")
    parser.add_argument('--open', type=int, default=50_000, dest='open_',
        help="of which open, with a running clock (50 000)")
    parser.add_argument('--now', default='2025-11-19T10:00',
        help="local (Asia/Shanghai) time of the cron (2025-11-19T10:00)")
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--seed', type=int, default=2025)
    parser.add_argument('--data', type=Path,
        help="keep the PostgreSQL cluster and its database in DIR")
    parser.add_argument('--setup-only', action='store_true',
        help="with --data: build the database and stop")
    parser.add_argument('--update', action='store_true',
        help="with --data: update sushi_supervision in the stored database "
        "first (new indexes) and stop")
    parser.add_argument('--explain', action='store_true',
        help="with --data: print EXPLAIN ANALYZE of each trigger's query "
        "and stop")
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_args()
    if args.worker:
        return worker(args)
    if not sys.flags.optimize:
        # as production processes run (bench/README.md)
        os.execv(sys.executable, [sys.executable, '-O'] + sys.argv)
    sys.path.insert(0, str(ROOT / 'scripts'))
    from runtests import Cluster, MailServer

    tmp = tempfile.mkdtemp(prefix='sushi-bench-supervision-')
    if args.data:
        args.data.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    env['TRYTOND_DATABASE__PATH'] = tmp
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [str(BENCH), env.get('PYTHONPATH')]))
    mail = MailServer()
    env.update(mail.start())
    cluster = StoredCluster(args.data) if args.data else Cluster()
    started = time.monotonic()
    try:
        env['TRYTOND_DATABASE__URI'] = cluster.start()
        result_file = os.path.join(tmp, 'result.json')
        process = subprocess.run([sys.executable, '-O',
                str(Path(__file__).resolve()), '--worker', result_file]
            + [a for a in sys.argv[1:]], env=env, cwd=ROOT)
        if process.returncode:
            sys.exit(f'benchmark failed (exit {process.returncode})')
        if args.setup_only or args.explain or args.update:
            return
        with open(result_file) as f:
            result = json.load(f)
    finally:
        cluster.stop()
        mail.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(result, args, time.monotonic() - started)


def StoredCluster(path):
    """A PostgreSQL cluster kept in a directory between runs (--data):
    created on the first start, stopped but not removed."""
    sys.path.insert(0, str(ROOT / 'scripts'))
    from runtests import Cluster
    return Cluster(path.resolve() / 'pg')


def worker(args):
    from benchtools import log

    ready = args.data / 'ready.json' if args.data else None
    if ready and ready.exists():
        with open(ready) as f:
            result = json.load(f)
        log(f"stored database: {result['tickets']:,} tickets")
    else:
        result = setup(args)
        if ready:
            with open(ready, 'w') as f:
                json.dump(result, f)
    if args.update:
        return update(args)
    if args.setup_only:
        return
    if args.explain:
        return explain(args)
    measure(args, result)


def update(args):
    "trytond-admin -u sushi_supervision on the stored database."
    import tempfile as tmp
    from benchtools import DATABASE, log, vacuum
    admin = Path(sys.executable).with_name('trytond-admin')
    start = time.perf_counter()
    with tmp.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write('bench-admin')
        passfile.flush()
        subprocess.run([sys.executable, str(admin), '-d', DATABASE,
                '-u', 'sushi_supervision'], check=True,
            env=dict(os.environ, TRYTONPASSFILE=passfile.name),
            stdout=subprocess.DEVNULL)
    vacuum('sushi_ticket')
    log(f'updated in {time.perf_counter() - start:.0f} s')


def explain(args):
    "EXPLAIN ANALYZE of each trigger's query, slowest first."
    from benchtools import DATABASE, local, log
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(DATABASE).init()
    Candidate = Pool(DATABASE).get('sushi.supervision.candidate')
    now = local(*dt.datetime.fromisoformat(args.now).timetuple()[:5])
    plans = []
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        for trigger, query, *_ in Candidate.queries(now):
            sql, values = tuple(query)
            cursor.execute('EXPLAIN ANALYZE SELECT COUNT(f.*) FROM (%s) AS f'
                % sql, values)
            plan = [r for r, in cursor]
            seconds = float(plan[-1].split()[-2]) / 1000
            plans.append((seconds, trigger, plan))
    for seconds, trigger, plan in sorted(plans, reverse=True):
        log(f'--- {trigger}: {seconds:.3f} s')
        log('\n'.join(plan))


def setup(args):
    "Create the database and the work orders; return their figures."
    from benchtools import (
        DATABASE, create_database, local, log, vacuum)
    from sweep import setup_open_tickets

    result = {}
    start = time.perf_counter()
    create_database(module='sushi_supervision')
    result['activation_seconds'] = time.perf_counter() - start
    log(f'database created and sushi_supervision activated in '
        f'{time.perf_counter() - start:.0f} s')

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(DATABASE).init()
    pool = Pool(DATABASE)
    Ticket = pool.get('sushi.ticket')
    Assignment = pool.get('sushi.ticket.assignment')
    Candidate = pool.get('sushi.supervision.candidate')

    now = local(*dt.datetime.fromisoformat(args.now).timetuple()[:5])
    start = time.perf_counter()
    setup_open_tickets(SimpleNamespace(open_=args.open_, seed=args.seed,
            mix='60,28,12', staff=0), now)
    with Transaction().start(DATABASE, 0) as transaction:
        Assignment.sweep(now=now)
        transaction.commit()
    with Transaction().start(DATABASE, 0) as transaction:
        counts = spread_history(transaction.connection.cursor(),
            Ticket._table, Assignment._table, args.tickets)
        transaction.commit()
    vacuum(Ticket._table, Assignment._table, Candidate._table)
    result['setup_seconds'] = time.perf_counter() - start
    result.update(counts)
    log(f"setup: {counts['tickets']:,} tickets ({counts['open']:,} open, "
        f"{counts['red']:,} red cards) in {result['setup_seconds']:.0f} s")
    return result


def measure(args, result):
    "Time the single SELECT and the cron; write the figures."
    from benchtools import DATABASE, database_version, local, log, vacuum
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(DATABASE).init()
    result['version'] = database_version()
    pool = Pool(DATABASE)
    Candidate = pool.get('sushi.supervision.candidate')
    now = local(*dt.datetime.fromisoformat(args.now).timetuple()[:5])
    # a stored database keeps the candidates of its last run
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('DELETE FROM "%s"' % Candidate._table)
        transaction.commit()
    vacuum(Candidate._table)

    # ONE SELECT of the facts of every trigger
    durations = []
    for run in range(args.repeat + 1):
        with Transaction().start(DATABASE, 0) as transaction:
            cursor = transaction.connection.cursor()
            # one statement: the sum of the row counts of every trigger's
            # query (a UNION would have to type their NULL columns); the
            # whole row is counted, so every column the cron inserts (the
            # fact dates' subqueries too) is computed
            parts, params = [], []
            for i, (_, query, *_) in enumerate(Candidate.queries(now)):
                sql, values = tuple(query)
                parts.append('(SELECT COUNT(f%d.*) FROM (%s) AS f%d)'
                    % (i, sql, i))
                params.extend(values)
            start = time.perf_counter()
            cursor.execute('SELECT ' + ' + '.join(parts), params)
            rows, = cursor.fetchone()
            seconds = time.perf_counter() - start
        if run:  # the first run warms the cache
            durations.append(seconds)
    result['select_rows'] = rows
    result['select_seconds'] = statistics.median(durations)
    log(f'one SELECT of {rows:,} fact rows: '
        + ', '.join(f'{d:.3f}' for d in durations)
        + f" s (median {result['select_seconds']:.3f} s)")

    for name, at in [('first', now), ('steady', now + dt.timedelta(hours=1))]:
        with Transaction().start(DATABASE, 0) as transaction:
            before = Candidate.search_count([])
            start = time.perf_counter()
            Candidate.propose(now=at)
            seconds = time.perf_counter() - start
            commit = time.perf_counter()
            transaction.commit()
            result[name + '_commit'] = time.perf_counter() - commit
        with Transaction().start(DATABASE, 0):
            result[name + '_new'] = Candidate.search_count([]) - before
        result[name + '_seconds'] = seconds
        result[name + '_ratio'] = seconds / result['select_seconds']
        log(f"propose, {name}: {result[name + '_new']:,} candidates in "
            f"{seconds:.3f} s (× {result[name + '_ratio']:.2f} the SELECT)")
        vacuum(Candidate._table)
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        table = Candidate.__table__()
        cursor.execute(*table.select(table.trigger, table.id,
                order_by=[table.trigger]))
        by_trigger = {}
        for trigger, _ in cursor:
            by_trigger[trigger] = by_trigger.get(trigger, 0) + 1
    result['by_trigger'] = by_trigger
    with open(args.worker, 'w') as f:
        json.dump(result, f, default=str)


def spread_history(cursor, ticket_table, assignment_table, total):
    """Copy the open tickets and their assignments into closed history
    up to total tickets (a multiple of the open ones), one INSERT ...
    SELECT per table; then spread the flags the triggers read.
    PostgreSQL."""
    def columns(table):
        cursor.execute('SELECT column_name FROM information_schema.columns '
            'WHERE table_name = %s ORDER BY ordinal_position', (table,))
        return [c for c, in cursor]

    cursor.execute('SELECT COUNT(*), MAX(id) FROM "%s"' % ticket_table)
    sample, max_ticket = cursor.fetchone()
    cursor.execute('SELECT MAX(id) FROM "%s"' % assignment_table)
    max_assignment, = cursor.fetchone()
    rounds = max(0, total // sample - 1)
    ticket_columns = columns(ticket_table)
    assignment_columns = columns(assignment_table)
    ticket_values = {
        'id': 'id + k * %d' % max_ticket,
        'number': "number || '-' || k",
        'channel_ref': "channel_ref || '-' || k",
        'state': "'closed'",
        'closed_at': 'deadline',
        'repeat_of': 'NULL',
        }
    assignment_values = {
        'id': 'id + k * %d' % max_assignment,
        'ticket': 'ticket + k * %d' % max_ticket,
        'state': "'completed'",
        'completed_at': 'due_at',
        'red_card': 'false',
        'light': "'green'",
        }
    for table, names, values, limit in [
            (ticket_table, ticket_columns, ticket_values, max_ticket),
            (assignment_table, assignment_columns, assignment_values,
                max_assignment)]:
        select = ', '.join(values.get(n, '"%s"' % n) for n in names)
        cursor.execute('INSERT INTO "%s" (%s) SELECT %s FROM "%s" '
            'CROSS JOIN generate_series(1, %d) AS k WHERE id <= %d' % (
                table, ', '.join('"%s"' % n for n in names), select,
                table, rounds, limit))
        cursor.execute("SELECT setval('%s_id_seq', (SELECT MAX(id) "
            "FROM \"%s\"))" % (table, table))
    # the facts the triggers read, spread by id
    updates = [
        "leader_instruction = true WHERE id % 97 = 0",
        "provincial = true, repeat_of = id - 1 WHERE id % 89 = 0 "
        "AND id > 1",
        "first_evaluation = 'dissatisfied' WHERE id % 50 = 0",
        "second_evaluation = 'dissatisfied', unit_at_fault = true, "
        "final_evaluation = 'dissatisfied' WHERE id % 200 = 0 "
        "AND state = 'closed'",
        "escalation_requested = true WHERE id % 1000 = 0",
        ]
    for update in updates:
        cursor.execute('UPDATE "%s" SET %s' % (ticket_table, update))
    cursor.execute('UPDATE "%s" SET progress_reported_at = signed_at '
        "WHERE state = 'signed' AND id %% 2 = 0" % assignment_table)
    cursor.execute('SELECT COUNT(*), COUNT(*) FILTER (WHERE state '
        "<> 'closed') FROM \"%s\"" % ticket_table)
    tickets, open_ = cursor.fetchone()
    cursor.execute('SELECT COUNT(*) FILTER (WHERE red_card) FROM "%s"'
        % assignment_table)
    red, = cursor.fetchone()
    return {'tickets': tickets, 'open': open_, 'red': red}


def print_table(r, args, elapsed):
    def verdict(good):
        return 'met' if good else '**not met**'
    triggers = ', '.join(f'{k} {v:,}' for k, v in sorted(
            r['by_trigger'].items()))
    print()
    print('| benchmark (PostgreSQL) | figure | target |')
    print('|---|---|---|')
    print(f"| one SELECT of the facts of every trigger over {r['tickets']:,}"
        f" work orders ({r['open']:,} open, {r['red']:,} red cards): "
        f"{r['select_rows']:,} rows, median of {args.repeat} | "
        f"{r['select_seconds']:.3f} s | |")
    print(f"| `Candidate.propose`, first run: {r['first_new']:,} candidates "
        f"inserted ({triggers}) | {r['first_seconds']:.3f} s (commit "
        f"{r['first_commit']:.3f} s) | |")
    print(f"| `Candidate.propose`, steady state 1 h later: "
        f"{r['steady_new']:,} new | {r['steady_seconds']:.3f} s | |")
    print(f"| **first run / SELECT** | **{r['first_ratio']:.2f}** | "
        f"≤ 2.0: {verdict(r['first_ratio'] <= 2)} |")
    print(f"| **steady state / SELECT** | **{r['steady_ratio']:.2f}** | "
        f"≤ 2.0: {verdict(r['steady_ratio'] <= 2)} |")
    print()
    print(f"{r['version']}; setup (not measured) {r['setup_seconds']:.0f} s;"
        f" whole run {elapsed:.0f} s.")
    command = ['.venv/bin/python', 'bench/bench_supervision.py']
    if args.tickets != 1_000_000:
        command += ['--tickets', str(args.tickets)]
    if args.open_ != 50_000:
        command += ['--open', str(args.open_)]
    print(f"Reproduce: `{' '.join(command)}`.")


if __name__ == '__main__':
    main()
