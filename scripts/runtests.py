#!/usr/bin/env python3
"""Run every test on SQLite, then on PostgreSQL.

The tests are each module's tests (ModuleTestCase, unit tests and the
scenario_*.rst doctests) and the cross-module tests of tests/.  Without
SUSHI_TEST_POSTGRESQL_URI a throwaway PostgreSQL cluster is created in a
temporary directory (initdb, its own port), used and removed.

Usage: scripts/runtests.py [--backend sqlite|postgresql|both] [test ...]
Exit status 0 only when every test passed on every backend run.
"""
import argparse
import glob
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_names():
    names = []
    for module in sorted(p.name for p in (ROOT / 'addons').glob('sushi_*')):
        for test in sorted((ROOT / 'addons' / module / 'tests').glob(
                    'test_*.py')):
            names.append(f'trytond.modules.{module}.tests.{test.stem}')
    for test in sorted((ROOT / 'tests').glob('test_*.py')):
        names.append(f'tests.{test.stem}')
    return names


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def find_pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f'/usr/lib/postgresql/*/bin/{name}'))
    if not candidates:
        sys.exit(f"{name} not found: install PostgreSQL (Debian: postgresql)")
    return candidates[-1]


class Cluster:
    """A PostgreSQL cluster, run as postgres when we are root: a throwaway
    one, or, given a directory, one kept there between runs (the
    benchmarks' data: created on the first start, stopped, not removed;
    `exists` says whether it was there already)."""

    def __init__(self, directory=None):
        self.kept = directory is not None
        if self.kept:
            self.dir = os.path.abspath(directory)
            os.makedirs(self.dir, exist_ok=True)
        else:
            self.dir = tempfile.mkdtemp(prefix='sushi-pg-')
        self.exists = os.path.isdir(os.path.join(self.dir, 'data'))
        self.port = free_port()
        self.prefix = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam('postgres')
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.prefix = ['runuser', '-u', 'postgres', '--']

    def run(self, *args):
        subprocess.run(self.prefix + list(args), check=True,
            stdout=subprocess.DEVNULL)

    def start(self):
        data = os.path.join(self.dir, 'data')
        if not os.path.isdir(data):
            self.run(find_pg_bin('initdb'), '-D', data, '-U', 'tryton',
                '-A', 'trust', '-E', 'UTF8', '--no-locale')
        options = (f'-p {self.port} -k {self.dir} '
            '-c listen_addresses=127.0.0.1 -c fsync=off '
            '-c synchronous_commit=off -c full_page_writes=off '
            '-c max_connections=200')
        self.run(find_pg_bin('pg_ctl'), '-D', data, '-o', options,
            '-l', os.path.join(self.dir, 'log'), '-w', 'start')
        return f'postgresql://tryton@127.0.0.1:{self.port}/'

    def stop(self):
        try:
            self.run(find_pg_bin('pg_ctl'), '-D',
                os.path.join(self.dir, 'data'), '-m', 'fast', '-w', 'stop')
        finally:
            if not self.kept:
                shutil.rmtree(self.dir, ignore_errors=True)


class MailServer:
    """A real SMTP server process (aiosmtpd) delivering into a Maildir, for
    the e-mail notifications of every test."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='sushi-mail-')
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen([sys.executable, '-m', 'aiosmtpd',
                '-n', '-l', f'127.0.0.1:{self.port}',
                '-c', 'aiosmtpd.handlers.Mailbox',
                os.path.join(self.dir, 'maildir')],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                break
            except OSError:
                time.sleep(0.1)
        return {
            'TRYTOND_EMAIL__URI': f'smtp://127.0.0.1:{self.port}',
            'SUSHI_TEST_MAILDIR': os.path.join(self.dir, 'maildir'),
            }

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# Seconds each test module took alone on SQLite on an idle two-core machine
# (scripts/timedtests.py's table, 30 Nov 2026), to share the modules out
# among the workers; a module not listed counts DEFAULT_ESTIMATE.
ESTIMATES = {}
DEFAULT_ESTIMATE = 60


def groups(names):
    """The test modules in groups that must run in one process: those of
    one addon (their module tests build the same cached databases, which
    two processes must not write at once) and those of tests/ (they share
    one demo server)."""
    found = {}
    for name in names:
        parts = name.split('.')
        key = parts[2] if parts[:2] == ['trytond', 'modules'] else parts[0]
        found.setdefault(key, []).append(name)
    return list(found.values())


def share_out(names, workers):
    "The groups dealt out to workers, the longest first to the least busy."
    loads = [[0, []] for _ in range(max(1, workers))]
    for group in sorted(groups(names), key=lambda g: -sum(
                ESTIMATES.get(n, DEFAULT_ESTIMATE) for n in g)):
        load = min(loads, key=lambda l: l[0])
        load[0] += sum(ESTIMATES.get(n, DEFAULT_ESTIMATE) for n in group)
        load[1].extend(group)
    # in the order of the list given, for a readable output
    return [sorted(names_, key=names.index) for _, names_ in loads if names_]


def run_worker(backend, names, uri, prefix, index, count):
    env = os.environ.copy()
    mail = MailServer()
    env.update(mail.start())
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [str(ROOT), env.get('PYTHONPATH')]))
    cache = tempfile.mkdtemp(prefix=f'sushi-dbcache-{backend}-')
    timings = os.path.join(cache, 'timings.json')
    env['SUSHI_TEST_TIMINGS'] = timings
    # The browser tests' demo database, built once by this process.
    env['SUSHI_DEMO_CACHE'] = os.path.join(cache, 'demo')
    env['TRYTOND_DATABASE_URI'] = uri
    if backend == 'sqlite':
        env['DB_NAME'] = ':memory:'
        env['DB_CACHE'] = cache
        # Once [cache] clean_timeout (300 s) has passed, Tryton's cache
        # sync asks for an autocommit connection; on SQLite in memory that
        # is the test's own connection, so the open test data would be
        # committed and seen by the next test ("another unit has the same
        # code").  Long runs on a loaded machine hit it.
        env['TRYTOND_CACHE__CLEAN_TIMEOUT'] = str(10 ** 9)
    else:
        env['DB_NAME'] = f'test_sushi_{index}'
        # Activated databases are kept as templates on the cluster (the
        # workers run different addons' tests: no template is built twice).
        env['DB_CACHE'] = uri.rstrip('/')
    env.pop('TRYTOND_CONFIG', None)
    if count > 1:
        prefix = f'{prefix[:-2]} {index}/{count}] ' if prefix else (
            f'[{index}/{count}] ')
    print(f'{prefix}==> {backend}: {len(names)} test modules', flush=True)
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / 'scripts' / 'timedtests.py')] + names,
        cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    for line in process.stdout:
        sys.stdout.write(prefix + line)
        sys.stdout.flush()
        output.append(line)
    process.wait()
    mail.stop()
    try:
        with open(timings, encoding='utf-8') as f:
            modules = json.load(f)
    except (OSError, ValueError):
        modules = []
    shutil.rmtree(cache, ignore_errors=True)
    text = ''.join(output)
    match = re.findall(r'^Ran (\d+) tests? in', text, re.M)
    count_ = int(match[-1]) if match else 0
    status = re.findall(r'^(OK.*|FAILED.*)$', text, re.M)
    return {
        'backend': backend, 'ok': process.returncode == 0, 'count': count_,
        'status': status[-1] if status else f'exit {process.returncode}',
        'seconds': time.monotonic() - start, 'modules': modules,
        }


def run_backend(backend, names, uri, prefix='', workers=1):
    "The tests on one backend, in workers processes at once."
    import concurrent.futures
    start = time.monotonic()
    parts = share_out(names, workers)
    with concurrent.futures.ThreadPoolExecutor(len(parts)) as executor:
        results = list(executor.map(
                lambda a: run_worker(backend, a[1], uri, prefix, a[0],
                    len(parts)),
                enumerate(parts, 1)))
    return {
        'backend': backend, 'ok': all(r['ok'] for r in results),
        'count': sum(r['count'] for r in results),
        'status': ', '.join(r['status'] for r in results),
        'seconds': time.monotonic() - start,
        'modules': [m for r in results for m in r['modules']],
        }


def run_postgresql(names, prefix='', workers=1):
    uri = os.environ.get('SUSHI_TEST_POSTGRESQL_URI')
    cluster = None
    if not uri:
        cluster = Cluster()
        uri = cluster.start()
    try:
        return run_backend('postgresql', names, uri, prefix, workers)
    finally:
        if cluster:
            cluster.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--backend', default='both',
        choices=['sqlite', 'postgresql', 'both'])
    parser.add_argument('--jobs', type=int,
        default=int(os.environ.get('SUSHI_TEST_JOBS', os.cpu_count() or 1)),
        help="test processes at once (default: the number of cores); "
        "with both backends, half of them on each")
    parser.add_argument('tests', nargs='*')
    args = parser.parse_args()
    names = args.tests or test_names()
    results = []
    if args.backend == 'both' and args.jobs > 1:
        # Both backends at once, each line tagged with its backend.
        import concurrent.futures
        workers = args.jobs // 2
        with concurrent.futures.ThreadPoolExecutor(2) as executor:
            futures = [
                executor.submit(run_backend, 'sqlite', names, 'sqlite://',
                    '[sqlite] ', workers),
                executor.submit(run_postgresql, names, '[postgresql] ',
                    workers),
                ]
            results = [f.result() for f in futures]
    else:
        workers = max(1, args.jobs)
        if args.backend in {'sqlite', 'both'}:
            results.append(run_backend('sqlite', names, 'sqlite://',
                    workers=workers))
        if args.backend in {'postgresql', 'both'}:
            results.append(run_postgresql(names, workers=workers))
    print()
    seconds = {}
    for r in results:
        for name, taken, count in r['modules']:
            seconds.setdefault(name, {})[r['backend']] = (taken, count)
    if seconds:
        backends = [r['backend'] for r in results]
        print('Seconds per test module: ' + ', '.join(backends))
        for name in sorted(seconds, key=lambda n: -max(
                    t for t, _ in seconds[n].values())):
            cells = '  '.join(f'{seconds[name][b][0]:7.0f}'
                if b in seconds[name] else f'{"-":>7}' for b in backends)
            count = max(c for _, c in seconds[name].values())
            print(f'{cells}  {count:4d} tests  {name}')
        print()
    for r in results:
        print(f"{r['backend']:>10}: {r['count']} tests, {r['status']} "
            f"({r['seconds']:.0f} s)")
    total = sum(r['count'] for r in results)
    ok = all(r['ok'] for r in results)
    print(f"Ran {total} tests on {len(results)} backend(s): "
        f"{'OK' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
