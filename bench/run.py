#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmarks of the work-order hot paths (`make bench`).

1. Intake: N synthetic requests created as tickets through the ORM
   (`Ticket.create` in batches of 1 000 in one transaction, then commit)
   against the same rows, read back from the table, inserted again with one
   raw SQL INSERT per batch into the same, emptied table.
   Target: the ORM rate is at least 1/5 of the raw rate.
2. Sweep: M open tickets with one lead assignment each (set up with COPY,
   not measured), deadlines from the calendar API, a green/yellow/red mix
   at the chosen "now"; `Assignment.sweep(now)` first run (every flag and
   light changes) and steady state (5 minutes later) against ONE SQL UPDATE
   that sets the lights of all open assignments from due_at/yellow_at, run
   on the same data and rolled back.  Target: the sweep takes at most 2 ×
   the UPDATE.  The notices the sweep sends to unit staff are timed on a
   sample (--notices), or within the sweep with --staff N.

PostgreSQL runs in a throwaway cluster (scripts/runtests.py's Cluster);
SQLite in a temporary directory.  The benchmark process runs under
`python -O` (PYTHONOPTIMIZE=1), as production trytond processes should
(TRYTON.md §8: the ORM's asserts make bulk work O(n²)); --no-optimize
measures with the asserts on.

Usage:
    .venv/bin/python bench/run.py                 # PostgreSQL, defaults
    .venv/bin/python bench/run.py --backend both --tickets 5000 --open 20000
    .venv/bin/python bench/run.py --explain       # EXPLAIN ANALYZE the sweep
    .venv/bin/python bench/run.py --cprofile DIR  # cProfile the ORM paths
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULTS = {'tickets': 20_000, 'batch': 1_000, 'open_': 100_000,
    'now': '2025-11-19T10:00', 'mix': '60,28,12', 'staff': 0,
    'notices': 2_000, 'repeat': 3, 'seed': 2025}


def parse_args():
    parser = argparse.ArgumentParser(
        description="Benchmarks of intake and of the traffic-light sweep.")
    parser.add_argument('--backend', default='postgresql',
        choices=['postgresql', 'sqlite', 'both'])
    parser.add_argument('--tickets', type=int, default=DEFAULTS['tickets'],
        help="tickets of the intake benchmark (20 000)")
    parser.add_argument('--batch', type=int, default=DEFAULTS['batch'],
        help="tickets per Ticket.create call and per INSERT (1 000)")
    parser.add_argument('--open', type=int, default=DEFAULTS['open_'],
        dest='open_', metavar='OPEN',
        help="open tickets of the sweep benchmark (100 000)")
    parser.add_argument('--now', default=DEFAULTS['now'],
        help="local (Asia/Shanghai) time of the sweep (2025-11-19T10:00)")
    parser.add_argument('--mix', default=DEFAULTS['mix'],
        help="green,yellow,red percentages of the open assignments at "
        "--now (60,28,12)")
    parser.add_argument('--staff', type=int, default=DEFAULTS['staff'],
        help="handlers per unit during the timed sweeps: they receive its "
        "in-app and e-mail notices (0: the notices are timed on a sample)")
    parser.add_argument('--notices', type=int, default=DEFAULTS['notices'],
        help="assignments of the notice sample (2 000; 0 to skip)")
    parser.add_argument('--repeat', type=int, default=DEFAULTS['repeat'],
        help="runs of the single UPDATE; the median counts (3)")
    parser.add_argument('--seed', type=int, default=DEFAULTS['seed'])
    parser.add_argument('--explain', action='store_true',
        help="PostgreSQL: print EXPLAIN ANALYZE of the sweep's slow "
        "statements (an extra, rolled-back run)")
    parser.add_argument('--cprofile', metavar='DIR',
        help="write cProfile statistics of the ORM create, the sweep setup "
        "and the first sweep to DIR and print their top functions")
    parser.add_argument('--skip-intake', action='store_true')
    parser.add_argument('--skip-sweep', action='store_true')
    parser.add_argument('--no-optimize', dest='optimize',
        action='store_false', help="run without python -O")
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    parser.add_argument('--result', help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_args()
    if args.worker:
        return worker(args)
    if args.optimize and not sys.flags.optimize:
        os.execv(sys.executable, [sys.executable, '-O'] + sys.argv)

    sys.path.insert(0, str(ROOT / 'scripts'))
    from runtests import Cluster, MailServer

    backends = (['postgresql', 'sqlite'] if args.backend == 'both'
        else [args.backend])
    started = time.monotonic()
    results = []
    for backend in backends:
        tmp = tempfile.mkdtemp(prefix=f'sushi-bench-{backend}-')
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')}
        env['TRYTOND_DATABASE__PATH'] = tmp
        env['PYTHONPATH'] = os.pathsep.join(
            filter(None, [str(BENCH), env.get('PYTHONPATH')]))
        mail = MailServer()
        env.update(mail.start())
        cluster = None
        try:
            if backend == 'postgresql':
                cluster = Cluster()
                env['TRYTOND_DATABASE__URI'] = cluster.start()
            else:
                env['TRYTOND_DATABASE__URI'] = 'sqlite://'
            result_file = os.path.join(tmp, 'result.json')
            command = [sys.executable]
            if sys.flags.optimize:
                command.append('-O')
            command += [str(Path(__file__).resolve()), '--worker', backend,
                '--result', result_file] + worker_arguments(sys.argv[1:])
            print(f'==> {backend}', flush=True)
            process = subprocess.run(command, env=env, cwd=ROOT)
            if process.returncode:
                sys.exit(f'{backend} benchmark failed '
                    f'(exit {process.returncode})')
            with open(result_file) as f:
                results.append(json.load(f))
        finally:
            if cluster:
                cluster.stop()
            mail.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    print_table(results, args, time.monotonic() - started)


def worker_arguments(argv):
    "The command line without --backend and its value."
    result, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == '--backend':
            skip = True
        elif not arg.startswith('--backend='):
            result.append(arg)
    return result


def worker(args):
    "The benchmarking process: its TRYTOND_* environment is set."
    from benchtools import DATABASE, create_database, database_version, log

    result = {'backend': args.worker}
    start = time.perf_counter()
    create_database()
    result['activation_seconds'] = time.perf_counter() - start
    log(f"database created and sushi_ticket activated in "
        f"{result['activation_seconds']:.0f} s")

    from trytond.pool import Pool
    Pool(DATABASE).init()
    result['version'] = database_version()
    if not args.skip_intake:
        from intake import bench_intake
        result['intake'] = bench_intake(args)
    if not args.skip_sweep:
        from sweep import bench_sweep
        result['sweep'] = bench_sweep(args)
    with open(args.result, 'w') as f:
        json.dump(result, f, default=str)


def machine():
    ram = cpu = None
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemTotal:'):
                    ram = int(line.split()[1]) / 1024 / 1024
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        'nproc': os.cpu_count(),
        'ram': f'{ram:.0f} GiB' if ram else '?',
        'cpu': cpu or platform.machine(),
        'python': platform.python_version(),
        }


def print_table(results, args, elapsed):
    "Print the markdown table of the README's performance section."
    def verdict(good):
        return 'met' if good else '**not met**'

    print()
    print('| backend | benchmark | figure | target |')
    print('|---|---|---|---|')
    for r in results:
        b = r['backend']
        if 'intake' in r:
            i = r['intake']
            print(f"| {b} | intake through the ORM: `Ticket.create`, "
                f"{i['tickets']:,} tickets in batches of {i['batch']:,}, "
                f"one commit (+ {i['events']:,} intake events) "
                f"| {i['orm_rate']:,.0f} tickets/s ({i['orm_seconds']:.1f} s)"
                f" | |")
            print(f"| {b} | the same rows by raw SQL: one multi-row INSERT "
                f"per batch ({i['columns']} columns), one commit "
                f"| {i['raw_rate']:,.0f} rows/s ({i['raw_seconds']:.1f} s) "
                f"| |")
            print(f"| {b} | **intake, ORM rate / raw rate** | "
                f"**{i['ratio']:.2f}** | ≥ 0.20: {verdict(i['ratio'] >= 0.2)}"
                f" |")
        if 'sweep' in r:
            s = r['sweep']
            mix = ', '.join(f'{k} {v:,}' for k, v in s['mix'].items())
            events = ', '.join(f'{k} {v:,}'
                for k, v in s['first_events'].items())
            print(f"| {b} | one SQL UPDATE of the lights of all "
                f"{s['update_rows']:,} open assignments ({mix}), median of "
                f"{s['repeat']} | {s['update_seconds']:.2f} s | |")
            staff = (f"{s['staff']} handler(s) per unit notified"
                if s['staff'] else "no unit staff to notify")
            sql = (f", of which SQL {s['first_sql_seconds']:.2f} s"
                if s['first_sql_seconds'] is not None else '')
            print(f"| {b} | `Assignment.sweep`, first run ({events}; "
                f"{staff}) | {s['first_seconds']:.2f} s{sql} (commit "
                f"{s['first_commit']:.2f} s) | |")
            print(f"| {b} | `Assignment.sweep`, steady state 5 min later | "
                f"{s['steady_seconds']:.2f} s | |")
            print(f"| {b} | **sweep first run / UPDATE** | "
                f"**{s['first_ratio']:.2f}** | ≤ 2.0: "
                f"{verdict(s['first_ratio'] <= 2)} |")
            print(f"| {b} | **sweep steady state / UPDATE** | "
                f"**{s['steady_ratio']:.2f}** | ≤ 2.0: "
                f"{verdict(s['steady_ratio'] <= 2)} |")
            n = s.get('notices')
            if n:
                print(f"| {b} | the sweep's notices: `notify_assignments` "
                    f"of {n['assignments']:,} assignments, {n['staff']} "
                    f"handler(s) per unit ({n['notices']:,} in-app notices,"
                    f" {n['mails']:,} e-mails) | "
                    f"{n['seconds'] / n['assignments'] * 1000:.1f} ms per "
                    f"assignment; the first run's would add "
                    f"≈ {n['first_run_estimate']:.0f} s | |")
    print()
    m = machine()
    versions = '; '.join(f"{r['backend']}: {r['version']}, activation "
        f"{r['activation_seconds']:.0f} s" for r in results)
    optimize = ('with -O (PYTHONOPTIMIZE=1)' if sys.flags.optimize
        else 'without -O')
    print(f"Machine: {m['nproc']} CPU ({m['cpu']}), {m['ram']} RAM, Python "
        f"{m['python']} {optimize}; {versions}."
        + (" PostgreSQL is a throwaway cluster (fsync, synchronous_commit "
            "and full_page_writes off)." if any(
                r['backend'] == 'postgresql' for r in results) else '')
        + f" Whole run {elapsed:.0f} s.")
    command = ['.venv/bin/python', 'bench/run.py']
    if args.backend != 'postgresql':
        command += ['--backend', args.backend]
    for name, default in DEFAULTS.items():
        if getattr(args, name) != default:
            command += ['--' + name.rstrip('_'), str(getattr(args, name))]
    for flag in ['skip_intake', 'skip_sweep']:
        if getattr(args, flag):
            command.append('--' + flag.replace('_', '-'))
    if not args.optimize:
        command.append('--no-optimize')
    print(f"Reproduce: `{' '.join(command)}`"
        + (" (or `make bench`)." if len(command) == 2 else "."))


if __name__ == '__main__':
    main()
