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
import contextlib
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

    def cpu_seconds(self):
        """CPU seconds the server's processes have used so far: the
        postmaster's own and those of its children that have ended (each
        connection's backend), from /proc (Linux; None elsewhere)."""
        try:
            with open(os.path.join(self.dir, 'data', 'postmaster.pid')) as f:
                pid = int(f.readline())
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except (OSError, ValueError):
            return None
        # utime stime cutime cstime, in clock ticks
        ticks = sum(int(v) for v in fields[11:15])
        return ticks / os.sysconf('SC_CLK_TCK')

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


# Seconds each test module took in the last full run (the merged tree of
# 2 Dec 2026, thirteenth session: both backends side by side, 2 jobs, wall
# 824 s, machine idle), to hand out the longest first; only their
# order matters.  A module's figure includes the set activations and the
# demo build it was the first to need; 0: skipped on that backend.  A
# module not listed counts DEFAULT_ESTIMATE.
ESTIMATES = {
    'sqlite': {
        'tests.test_security': 132,
        'tests.test_browser_ticket': 98,
        'tests.test_browser': 61,
        'trytond.modules.sushi_assessment.tests.test_module': 59,
        'trytond.modules.sushi_supervision.tests.test_module': 50,
        'tests.test_browser_knowledge': 39,
        'trytond.modules.sushi_ticket.tests.test_ticket': 21,
        'trytond.modules.sushi_portal.tests.test_module': 20,
        'trytond.modules.sushi_ticket.tests.test_scenario': 16,
        'trytond.modules.sushi_supervision.tests.test_rules_con': 12,
        'trytond.modules.sushi_assessment.tests.test_audit': 9,
        'trytond.modules.sushi_knowledge.tests.test_module': 9,
        'trytond.modules.sushi_ticket.tests.test_rights': 9,
        'trytond.modules.sushi_ticket.tests.test_notification': 8,
        'trytond.modules.sushi_analysis.tests.test_rules_ana': 7,
        'trytond.modules.sushi_assessment.tests.test_rules_asm': 7,
        'trytond.modules.sushi_supervision.tests.test_scenario': 7,
        'tests.test_browser_portal': 6,
        'trytond.modules.sushi_analysis.tests.test_module': 6,
        'trytond.modules.sushi_assessment.tests.test_rules_ana': 6,
        'trytond.modules.sushi_knowledge.tests.test_search': 6,
        'trytond.modules.sushi_portal.tests.test_open311': 6,
        'trytond.modules.sushi_ticket.tests.test_module': 6,
        'trytond.modules.sushi_knowledge.tests.test_routes': 5,
        'trytond.modules.sushi_ticket.tests.test_year_end': 5,
        'trytond.modules.sushi_assessment.tests.test_scenario': 4,
        'trytond.modules.sushi_knowledge.tests.test_scenario': 4,
        'trytond.modules.sushi_portal.tests.test_portal': 4,
        'trytond.modules.sushi_portal.tests.test_rules_cbk': 4,
        'trytond.modules.sushi_supervision.tests.test_consultation': 4,
        'trytond.modules.sushi_analysis.tests.test_scenario': 3,
        'trytond.modules.sushi_analysis.tests.test_smart': 3,
        'trytond.modules.sushi_assessment.tests.test_rules_org': 2,
        'trytond.modules.sushi_portal.tests.test_text_search': 2,
        'trytond.modules.sushi_supervision.tests.test_rules_acc': 2,
        'trytond.modules.sushi_supervision.tests.test_rules_pub': 2,
        'trytond.modules.sushi_supervision.tests.test_rules_sup': 2,
        'trytond.modules.sushi_ticket.tests.test_rules_cbk': 2,
        'trytond.modules.sushi_ticket.tests.test_rules_org': 2,
        'trytond.modules.sushi_ticket.tests.test_rules_rpl': 2,
        'trytond.modules.sushi_ticket.tests.test_rules_tri': 2,
        'trytond.modules.sushi_assessment.tests.test_rules_acc': 1,
        'trytond.modules.sushi_portal.tests.test_rules_pub': 1,
        'trytond.modules.sushi_supervision.tests.test_rules_plt': 1,
        'trytond.modules.sushi_ticket.tests.test_calendar': 1,
        'trytond.modules.sushi_ticket.tests.test_masked': 1,
        'trytond.modules.sushi_ticket.tests.test_routes': 1,
        'trytond.modules.sushi_ticket.tests.test_rules_scp': 1,
        'tests.test_scaleout': 0,
        'trytond.modules.sushi_assessment.tests.test_assessment': 0,
        'trytond.modules.sushi_portal.tests.test_masking': 0,
        'trytond.modules.sushi_supervision.tests.test_concurrency': 0,
        'trytond.modules.sushi_supervision.tests.test_rules_org': 0,
        'trytond.modules.sushi_ticket.tests.test_concurrency': 0,
        },
    'postgresql': {
        'tests.test_browser': 130,
        'tests.test_security': 114,
        'trytond.modules.sushi_assessment.tests.test_module': 107,
        'tests.test_browser_ticket': 94,
        'trytond.modules.sushi_supervision.tests.test_module': 87,
        'tests.test_browser_knowledge': 41,
        'trytond.modules.sushi_portal.tests.test_module': 40,
        'trytond.modules.sushi_ticket.tests.test_ticket': 37,
        'trytond.modules.sushi_ticket.tests.test_scenario': 31,
        'trytond.modules.sushi_analysis.tests.test_module': 24,
        'trytond.modules.sushi_supervision.tests.test_scenario': 24,
        'tests.test_scaleout': 19,
        'trytond.modules.sushi_assessment.tests.test_audit': 17,
        'trytond.modules.sushi_knowledge.tests.test_module': 15,
        'trytond.modules.sushi_ticket.tests.test_rights': 14,
        'trytond.modules.sushi_ticket.tests.test_year_end': 10,
        'trytond.modules.sushi_assessment.tests.test_rules_ana': 9,
        'trytond.modules.sushi_assessment.tests.test_rules_asm': 9,
        'trytond.modules.sushi_knowledge.tests.test_search': 9,
        'trytond.modules.sushi_ticket.tests.test_notification': 9,
        'trytond.modules.sushi_knowledge.tests.test_scenario': 8,
        'trytond.modules.sushi_portal.tests.test_rules_pub': 8,
        'tests.test_browser_portal': 7,
        'trytond.modules.sushi_portal.tests.test_open311': 7,
        'trytond.modules.sushi_analysis.tests.test_smart': 6,
        'trytond.modules.sushi_assessment.tests.test_scenario': 6,
        'trytond.modules.sushi_knowledge.tests.test_routes': 6,
        'trytond.modules.sushi_portal.tests.test_rules_cbk': 6,
        'trytond.modules.sushi_supervision.tests.test_consultation': 6,
        'trytond.modules.sushi_ticket.tests.test_module': 6,
        'trytond.modules.sushi_portal.tests.test_portal': 5,
        'trytond.modules.sushi_analysis.tests.test_scenario': 4,
        'trytond.modules.sushi_supervision.tests.test_rules_plt': 4,
        'trytond.modules.sushi_supervision.tests.test_rules_pub': 4,
        'trytond.modules.sushi_supervision.tests.test_rules_sup': 4,
        'trytond.modules.sushi_ticket.tests.test_rules_cbk': 4,
        'trytond.modules.sushi_ticket.tests.test_rules_org': 4,
        'trytond.modules.sushi_assessment.tests.test_rules_acc': 3,
        'trytond.modules.sushi_supervision.tests.test_rules_acc': 3,
        'trytond.modules.sushi_supervision.tests.test_rules_org': 3,
        'trytond.modules.sushi_ticket.tests.test_calendar': 3,
        'trytond.modules.sushi_ticket.tests.test_concurrency': 3,
        'trytond.modules.sushi_ticket.tests.test_masked': 3,
        'trytond.modules.sushi_ticket.tests.test_routes': 3,
        'trytond.modules.sushi_ticket.tests.test_rules_rpl': 3,
        'trytond.modules.sushi_ticket.tests.test_rules_scp': 3,
        'trytond.modules.sushi_ticket.tests.test_rules_tri': 3,
        'trytond.modules.sushi_analysis.tests.test_rules_ana': 2,
        'trytond.modules.sushi_assessment.tests.test_rules_org': 2,
        'trytond.modules.sushi_portal.tests.test_text_search': 2,
        'trytond.modules.sushi_supervision.tests.test_concurrency': 2,
        'trytond.modules.sushi_supervision.tests.test_rules_con': 2,
        'trytond.modules.sushi_assessment.tests.test_assessment': 0,
        'trytond.modules.sushi_portal.tests.test_masking': 0,
        },
    }
DEFAULT_ESTIMATE = 30


def groups(names):
    """The test modules in the groups that must run in one process: the
    browser tests of tests/ (they share one live server); every other
    module is a group of its own (processes of one backend share the
    activated databases and the demo database through locks)."""
    found = {}
    for name in names:
        key = 'browser' if name.startswith('tests.test_browser') else name
        found.setdefault(key, []).append(name)
    return list(found.values())


def estimate(backend, group):
    table = ESTIMATES.get(backend, {})
    return sum(table.get(n, DEFAULT_ESTIMATE) for n in group)


class Worker:
    """A scripts/timedtests.py process of one backend, given groups of test
    modules one after the other on its standard input."""

    def __init__(self, backend, uri, shared, index, prefix, base=False):
        self.backend = backend
        self.prefix = prefix
        os.makedirs(shared, exist_ok=True)
        self.mail = MailServer()
        env = os.environ.copy()
        env.update(self.mail.start())
        env['PYTHONPATH'] = os.pathsep.join(
            filter(None, [str(ROOT), env.get('PYTHONPATH')]))
        self.timings = os.path.join(shared, f'timings-{index}.json')
        env['SUSHI_TEST_TIMINGS'] = self.timings
        # The browser tests' demo database, built once per backend (a lock
        # file there makes the other processes wait for it).
        env['SUSHI_DEMO_CACHE'] = os.path.join(shared, 'demo')
        # One build of each set of activated modules per backend
        # (scripts/activation.py).
        env['SUSHI_TEST_LOCKS'] = os.path.join(shared, 'locks')
        env['TRYTOND_DATABASE_URI'] = uri
        if backend == 'sqlite':
            env['DB_NAME'] = ':memory:'
            env['DB_CACHE'] = os.path.join(shared, 'dbcache')
            # Once [cache] clean_timeout (300 s) has passed, Tryton's
            # cache sync asks for an autocommit connection; on SQLite in
            # memory that is the test's own connection, so the open test
            # data would be committed and seen by the next test ("another
            # unit has the same code").  Long runs on a loaded machine
            # hit it.
            env['TRYTOND_CACHE__CLEAN_TIMEOUT'] = str(10 ** 9)
        else:
            env['DB_NAME'] = f'test_sushi_{index}'
            # Activated databases are kept as templates on the cluster.
            env['DB_CACHE'] = uri.rstrip('/')
        env.pop('TRYTOND_CONFIG', None)
        if base:
            env['SUSHI_TEST_BASE'] = '1'
        self.output = []
        self.seconds = 0
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / 'scripts' / 'timedtests.py'), '-'],
            cwd=ROOT, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def _line(self, line):
        sys.stdout.write(self.prefix + line)
        sys.stdout.flush()
        self.output.append(line)

    def run(self, group):
        "Run one group; False when the process has died."
        started = time.monotonic()
        try:
            self.process.stdin.write(' '.join(group) + '\n')
            self.process.stdin.flush()
        except OSError:
            return False
        for line in self.process.stdout:
            if line.startswith(DONE):
                self.seconds += time.monotonic() - started
                return True
            self._line(line)
        self.seconds += time.monotonic() - started
        return False

    def finish(self):
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        for line in self.process.stdout:
            self._line(line)
        self.process.wait()
        self.mail.stop()
        try:
            with open(self.timings, encoding='utf-8') as f:
                modules = json.load(f)
        except (OSError, ValueError):
            modules = []
        text = ''.join(self.output)
        match = re.findall(r'^Ran (\d+) tests? in', text, re.M)
        status = re.findall(r'^(OK.*|FAILED.*)$', text, re.M)
        return {
            'backend': self.backend, 'ok': self.process.returncode == 0,
            'failures': failures(self.output),
            'count': int(match[-1]) if match else 0,
            'status': status[-1] if status else (
                f'exit {self.process.returncode}'),
            'seconds': self.seconds, 'modules': modules,
            }


DONE = '#timedtests-done'
RULE = re.compile(r'^(=+|-+)$')


def failures(lines):
    """(kind and test, last lines of its traceback) of every ERROR and
    FAIL block unittest printed: repeated after the final summary, so
    that the tail of a CI log says which test failed and why."""
    found, block, inside = [], None, False
    for line in lines:
        line = line.rstrip('\n')
        match = re.match(r'^(ERROR|FAIL): (.+)$', line)
        if match:
            block = [f'{match[1]} {match[2]}', []]
            found.append(block)
            inside = False
        elif block is not None and RULE.match(line) and len(line) >= 40:
            if inside:
                block, inside = None, False
            else:
                inside = True
        elif block is not None and inside and line.strip():
            block[1].append(line.strip())
    return [(head, body[-3:]) for head, body in found]


def run_all(backends, names, jobs):
    """The tests of every backend in `jobs` processes at once.  Each
    process takes its backend's groups, the longest first; when its
    backend has none left it helps the backend with the most left (a
    process of that backend instead), so that both end together."""
    import threading
    uris = {'sqlite': 'sqlite://'}
    cluster = None
    shared = tempfile.mkdtemp(prefix='sushi-tests-')
    if 'postgresql' in backends:
        uris['postgresql'] = os.environ.get('SUSHI_TEST_POSTGRESQL_URI')
        if not uris['postgresql']:
            cluster = Cluster()
            uris['postgresql'] = cluster.start()
    # Module sets activated on the cached sushi_ticket database
    # (scripts/activation.py) when the run covers several addons, whose
    # sets share that base.
    base = len({n.split('.')[2] if n.startswith('trytond.modules.') else
            n.split('.')[0] for n in names}) > 1
    queues = {b: sorted(groups(names), key=lambda g: -estimate(b, g))
        for b in backends}
    lock = threading.Lock()
    results = []
    counter = iter(range(1, 1000))
    started = time.monotonic()

    def slot(backend):
        worker = None
        while True:
            with lock:
                if not queues[backend]:
                    left = [b for b in backends if queues[b]]
                    if not left:
                        break
                    backend = max(left, key=lambda b: sum(
                            estimate(b, g) for g in queues[b]))
                group = queues[backend].pop(0)
                index = next(counter)
            if worker is not None and worker.backend != backend:
                results.append(worker.finish())
                worker = None
            if worker is None:
                prefix = f'[{backend} {index}] ' if jobs > 1 else (
                    f'[{backend}] ' if len(backends) > 1 else '')
                worker = Worker(backend, uris[backend],
                    os.path.join(shared, backend), index, prefix, base)
            if not worker.run(group):
                results.append(worker.finish())
                worker = None
        if worker is not None:
            results.append(worker.finish())

    try:
        threads = [threading.Thread(target=slot,
                args=(backends[i % len(backends)],))
            for i in range(max(1, jobs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        if cluster:
            server_cpu = cluster.cpu_seconds()
            cluster.stop()
        shutil.rmtree(shared, ignore_errors=True)
    wall = time.monotonic() - started
    # CPU of the test processes and everything they started and waited
    # for (servers, browsers, the demo build), and of PostgreSQL: how busy
    # the run kept the machine
    times = os.times()
    cpu = {'tests': times.children_user + times.children_system}
    if cluster and server_cpu is not None:
        cpu['PostgreSQL'] = server_cpu
    summary = []
    for backend in backends:
        mine = [r for r in results if r['backend'] == backend]
        summary.append({
                'backend': backend, 'ok': bool(mine)
                and all(r['ok'] for r in mine),
                'count': sum(r['count'] for r in mine),
                'status': ', '.join(r['status'] for r in mine),
                'seconds': sum(r['seconds'] for r in mine),
                'modules': [m for r in mine for m in r['modules']],
                'failures': [f for r in mine for f in r['failures']],
                })
    return summary, wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--backend', default='both',
        choices=['sqlite', 'postgresql', 'both'])
    parser.add_argument('--jobs', type=int,
        default=int(os.environ.get('SUSHI_TEST_JOBS', os.cpu_count() or 1)),
        help="test processes at once (default: the number of cores); "
        "with both backends, half of them start on each")
    parser.add_argument('tests', nargs='*')
    args = parser.parse_args()
    names = args.tests or test_names()
    backends = ['sqlite', 'postgresql'] if args.backend == 'both' else [
        args.backend]
    results, wall, cpu = run_all(backends, names, max(1, args.jobs))
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
            f"({r['seconds']:.0f} s in its processes)")
    print(f"Wall time: {wall:.0f} s")
    total = sum(cpu.values())
    print('CPU time: ' + ', '.join(f'{k} {v:.0f} s' for k, v in cpu.items())
        + f'; {total:.0f} s in all, {total / wall:.2f} cores busy on '
        f'average ({os.cpu_count()} cores, {args.jobs} jobs)')
    total = sum(r['count'] for r in results)
    ok = all(r['ok'] for r in results)
    print(f"Ran {total} tests on {len(results)} backend(s): "
        f"{'OK' if ok else 'FAILED'}")
    for r in results:
        for head, tail in r['failures']:
            print(f"[{r['backend']}] {head}")
            for line in tail:
                print(f'    {line[:300]}')
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
