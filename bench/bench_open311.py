#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Open311 intake under load, served the way production serves it.

A throwaway PostgreSQL cluster (or SUSHI_BENCH_PG), a database with
sushi_portal, one channel key, gunicorn with several workers on
trytond.application:app, and C client threads that each POST R requests;
a third of the POSTs resubmit an earlier channel_ref of the same client.
Checks: no 5xx, no lost request (every success is in the database, whole),
no duplicate (one work order per channel_ref).  With --kill the server
is killed with SIGKILL in the middle of the burst and restarted; the
clients resubmit what got no answer.

--intake batch (the default) runs the asynchronous intake: POST answers a
token and the queue becomes work orders afterwards, through the cron's
method run by --drain processes in parallel (timed apart: how long until
every queued request is a work order).  --phase burst / drain split the
two (the answers are kept in --answers), so each fits a timing lock;
--phase prefill queues N requests directly (untimed) for a drain timed
alone.  --follow P runs P processes that follow the queue during the
burst, as the cron's follow_queue does, and reports the queue latency:
from a POST's reception to its work order.

    .venv/bin/python bench/bench_open311.py --clients 50 --requests 1000
    .venv/bin/python bench/bench_open311.py --intake realtime
    .venv/bin/python bench/bench_open311.py --clients 20 --requests 100 --kill
    .venv/bin/python bench/bench_open311.py --clients 50 --requests 300 \
        --rate 150    # open loop: 150 requests/s offered by 50 clients
    .venv/bin/python bench/bench_open311.py --clients 50 --requests 200 \
        --rate 150 --follow 2   # the queue made into work orders meanwhile
    SUSHI_BENCH_PG=… bench_open311.py --reuse --phase prefill --prefill 20000
    SUSHI_BENCH_PG=… bench_open311.py --phase drain --drain 2
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'scripts'))
DATABASE = 'bench311'
BIN = Path(sys.executable).parent

# what every worker script starts with (after its own imports): the pool of
# the database named by its first argument
PRELUDE = '''from trytond.pool import Pool
from trytond.transaction import Transaction
Pool.start()
pool = Pool(sys.argv[1]); pool.init()
'''
ISSUE_KEY = '''
import sys
''' + PRELUDE + '''with Transaction().start(sys.argv[1], 0,
        _lock_tables=['sushi_portal_configuration']) as transaction:
    Configuration = pool.get('sushi.portal.configuration')
    Configuration.write([Configuration(1)], {'open311_intake': sys.argv[2]})
    APIKey = pool.get('sushi.portal.api_key')
    Channel = pool.get('sushi.channel')
    Category = pool.get('sushi.category')
    channel, = Channel.search([('code', '=', 'wanshitong_app')])
    (key, secret), = APIKey.issue([channel], rate_limit=10 ** 7)
    leaf = [c for c in Category.search([]) if not c.children][0]
    transaction.commit()
    print(secret, leaf.code, channel.id)
'''
DRAIN = '''
import os, sys, time
''' + PRELUDE + '''# with a stop file: follow the queue (as the cron's follow_queue does)
# until the file exists and a last pass finds nothing queued
batch = int(sys.argv[2]) or None  # 0: the configured batch size
stop = sys.argv[3] if len(sys.argv) > 3 else None
with Transaction().start(sys.argv[1], 0, readonly=False) as transaction:
    Intake = pool.get('sushi.portal.intake')
    if stop:
        # warm up as a long-running cron process is: the dictionaries of
        # the duplicate check loaded, what is queued already handled
        from trytond.modules.sushi_analysis import dedup
        text = '埇桥区汴河路的路灯不亮'
        list(pool.get('sushi.knowledge.term').tokenizer().cut(text))
        dedup.keys(text, '13900000000')
        Intake.process_queue(batch_size=batch)
        print('ready', flush=True)
    start, cpu = time.perf_counter(), time.process_time()
    handled = Intake.process_queue(batch_size=batch)
    while stop:
        last = os.path.exists(stop)
        handled_now = Intake.process_queue(batch_size=batch, follow=1)
        handled += handled_now
        if last and not handled_now:
            break
    transaction.commit()
    print(handled, time.perf_counter() - start, time.process_time() - cpu)
'''
# queue latency: from the POST's reception to its work order (committed
# with the batch right after processed_at)
LATENCY = '''
import sys, json
''' + PRELUDE + '''with Transaction().start(sys.argv[1], 0):
    cursor = Transaction().connection.cursor()
    # (write_date: the batch's processed_at to the microsecond; the
    # DateTime columns keep whole seconds)
    cursor.execute('SELECT EXTRACT(EPOCH FROM write_date - create_date) '
        'FROM sushi_portal_intake WHERE channel = %s AND channel_ref LIKE %s '
        "AND state = 'done'", (int(sys.argv[2]), sys.argv[3] + '-%'))
    print(json.dumps(sorted(float(x) for x, in cursor)))
'''
# --phase prefill: queue N requests as the burst's POSTs would (the same
# checked values), straight into the queue, to time the drain alone
PREFILL = '''
import sys, json
''' + PRELUDE + '''count, tag = int(sys.argv[2]), sys.argv[3]
with Transaction().start(sys.argv[1], 0) as transaction:
    Intake = pool.get('sushi.portal.intake')
    Channel = pool.get('sushi.channel')
    Category = pool.get('sushi.category')
    channel, = Channel.search([('code', '=', 'wanshitong_app')])
    leaf = [c for c in Category.search([]) if not c.children][0]
    by_ref = {}
    for i in range(count):
        ref = '%s-p-%d' % (tag, i)
        description = '压测诉求 %s：路灯不亮。' % ref
        by_ref[ref] = Intake.enqueue({'channel': channel.id,
                'category': leaf.id, 'address': '埇桥区汴河路',
                'request_type': 'help',
                'channel_attributes': {'request_type': 'help'},
                'description': description, 'title': description[:30],
                'requester_phone': '139%08d' % i,
                'requester_name': '王先生', 'channel_ref': ref})
    transaction.commit()
    print(json.dumps([channel.id, by_ref]))
'''
QUEUE = '''
import sys, json
''' + PRELUDE + '''with Transaction().start(sys.argv[1], 0):
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT i.channel_ref, i.token, i.state, t.number '
        'FROM sushi_portal_intake i LEFT JOIN sushi_ticket t '
        'ON t.id = i.ticket WHERE i.channel = %s AND i.channel_ref LIKE %s',
        (int(sys.argv[2]), sys.argv[3] + '-%'))
    print(json.dumps(cursor.fetchall()))
'''
CHECK = '''
import sys, json
''' + PRELUDE + '''with Transaction().start(sys.argv[1], 0):
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT t.channel_ref, t.number, t.description, '
        '(SELECT COUNT(*) FROM sushi_sms s WHERE s.ticket = t.id '
        "AND s.kind = 'intake') FROM sushi_ticket t WHERE t.channel = %s "
        "AND t.channel_ref LIKE %s", (int(sys.argv[2]), sys.argv[3] + '-%'))
    print(json.dumps(cursor.fetchall()))
'''


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server:
    "gunicorn serving trytond.application:app with W workers."

    def __init__(self, env, workers, port):
        self.env, self.workers, self.port = env, workers, port
        self.process = None
        self.log = tempfile.NamedTemporaryFile(
            'w+', prefix='bench311-gunicorn-', suffix='.log', delete=False)

    def start(self):
        self.process = subprocess.Popen([str(BIN / 'gunicorn'),
                '--workers', str(self.workers), '--bind',
                f'127.0.0.1:{self.port}', '--timeout', '120',
                '--preload', 'trytond.application:app'],
            env=self.env, stdout=self.log, stderr=self.log,
            start_new_session=True)
        for _ in range(600):
            try:
                connection = http.client.HTTPConnection(
                    '127.0.0.1', self.port, timeout=5)
                connection.request('GET',
                    f'/{DATABASE}/open311/v2/discovery.json')
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError('gunicorn did not start; see ' + self.log.name)

    def kill(self):
        "SIGKILL the master and every worker, as a crash would."
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait()


class Client(threading.Thread):
    def __init__(self, index, args, port, key, service, results, start_at):
        super().__init__(daemon=True)
        self.index, self.args, self.port = index, args, port
        self.key, self.service = key, service
        self.results, self.start_at = results, start_at
        self.done = []  # when each answer came
        self.rng = random.Random(index)

    def connection(self):
        return http.client.HTTPConnection('127.0.0.1', self.port,
            timeout=60)

    def post_lean(self, body):
        """POST body with a plain socket (--http-client lean): the same
        request as http.client sends, the answer read up to its
        Content-Length, then the socket closed (gunicorn's sync worker
        closes every connection after its answer and waits for the
        client's close).  Return (status, body); raise OSError or
        ValueError when there is no whole answer."""
        body = body.encode('ascii')
        head = (f'POST /{DATABASE}/open311/v2/requests.json HTTP/1.1\r\n'
            f'Host: 127.0.0.1:{self.port}\r\n'
            'Content-Type: application/x-www-form-urlencoded\r\n'
            f'Content-Length: {len(body)}\r\nConnection: close\r\n\r\n')
        with socket.create_connection(('127.0.0.1', self.port),
                timeout=60) as sock:
            sock.sendall(head.encode('ascii') + body)
            data = b''
            length = None
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
                if length is None and b'\r\n\r\n' in data:
                    header, _ = data.split(b'\r\n\r\n', 1)
                    for line in header.split(b'\r\n')[1:]:
                        name, _, value = line.partition(b':')
                        if name.strip().lower() == b'content-length':
                            length = len(header) + 4 + int(value)
                if length is not None and len(data) >= length:
                    break
        header, sep, content = data.partition(b'\r\n\r\n')
        if not sep or (length is not None and len(data) < length):
            raise ValueError('incomplete answer')
        if b'transfer-encoding: chunked' in header.lower():
            raise ValueError('chunked answer')
        return int(header.split(b' ', 2)[1]), content

    def run(self):
        connection = self.connection()
        refs = []
        while time.time() < self.start_at:
            time.sleep(0.01)
        # --rate: open loop, each client a Poisson stream of rate/clients
        # requests per second, conditioned on its count: its arrivals are
        # sorted uniform times over the run's span (clients × requests /
        # rate), so every client ends with the span and the whole run
        # offers the rate (independent exponential gaps made the run wait
        # ~8 % longer for the slowest of 50 streams).  A request's latency
        # counts from its scheduled time, so a late send (the client still
        # waiting for its previous answer) counts as waiting, not as a
        # lighter load
        begin = time.perf_counter()
        if self.args.rate:
            span = self.args.clients * self.args.requests / self.args.rate
            arrivals = sorted(self.rng.uniform(0, span)
                for _ in range(self.args.requests))
        for i in range(self.args.requests):
            if self.args.rate:
                scheduled = begin + arrivals[i]
                pause = scheduled - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            if refs and self.rng.random() < 1 / 3:
                ref = self.rng.choice(refs)
            else:
                ref = f'{self.args.tag}-c{self.index}-{i}'
                refs.append(ref)
            body = urllib.parse.urlencode({
                    'api_key': self.key,
                    'service_code': self.service,
                    'attribute[request_type]': 'help',
                    'address_string': '埇桥区汴河路',
                    'phone': '139%08d' % (self.index * 100000 + i),
                    'first_name': '先生', 'last_name': '王',
                    'description': f'压测诉求 {ref}：路灯不亮。',
                    'channel_ref': ref,
                    })
            first = True
            while True:
                start = time.perf_counter()
                if self.args.rate and first:
                    start = min(start, scheduled)
                first = False
                try:
                    if self.args.http_client == 'lean':
                        status, data = self.post_lean(body)
                    else:
                        connection.request('POST',
                            f'/{DATABASE}/open311/v2/requests.json',
                            body=body, headers={'Content-Type':
                                'application/x-www-form-urlencoded'})
                        response = connection.getresponse()
                        data = response.read()
                        status = response.status
                except (OSError, http.client.HTTPException, ValueError):
                    # no answer (server killed): resubmit the same ref
                    connection.close()
                    time.sleep(0.5)
                    connection = self.connection()
                    self.results.append(('noanswer', ref, None, 0))
                    continue
                elapsed = time.perf_counter() - start
                number = None
                if status == 200:
                    # the work order number, or the token of the queue
                    answer = json.loads(data)[0]
                    number = (answer.get('service_request_id')
                        or answer['token'])
                else:
                    # the specification answers 400 for every failure but
                    # a missing resource or key; the body has the code
                    try:
                        status = int(json.loads(data)[0]['code'])
                    except (ValueError, LookupError, TypeError):
                        pass
                self.results.append((status, ref, number, elapsed))
                self.done.append(time.time())
                break


def _processes():
    "{pid: (parent pid, CPU seconds, command line)} of every process."
    ticks = os.sysconf('SC_CLK_TCK')
    found = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open(f'/proc/{name}/stat') as file:
                stat = file.read()
            with open(f'/proc/{name}/cmdline', 'rb') as file:
                cmdline = file.read().replace(b'\0', b' ').decode(
                    'utf-8', 'replace')
        except OSError:
            continue
        fields = stat[stat.rindex(')') + 2:].split()
        found[int(name)] = (int(fields[1]),
            (int(fields[11]) + int(fields[12])) / ticks, cmdline)
    return found


def server_cpu(server_pid, pg_port):
    """CPU seconds used so far by gunicorn (master and workers) and by
    the PostgreSQL server listening on pg_port (postmaster and backends):
    what the requests cost the machine, whatever else runs on it."""
    processes = _processes()
    roots = {server_pid} | {pid for pid, (_, _, cmd) in processes.items()
        if cmd.startswith(('postgres ', '/usr/lib/postgresql'))
        and f'-p {pg_port} ' in cmd}
    children = {}
    for pid, (parent, _, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    used = {'gunicorn': 0.0, 'postgresql': 0.0}
    for root in roots:
        kind = 'gunicorn' if root == server_pid else 'postgresql'
        todo = [root]
        while todo:
            pid = todo.pop()
            used[kind] += processes.get(pid, (0, 0.0, ''))[1]
            todo.extend(children.get(pid, []))
    return used


def prioritise(pids, nice):
    """Give the run's processes the CPU as if alone on the machine: with
    the kernel's autogroup scheduling (sched_autogroup_enabled), nice
    values count only within a session, so other sessions' work started
    at nice 10 still takes an equal share per session; the autogroup's
    own nice (root only) weighs the run's sessions against the others."""
    if nice is None:
        return
    for pid in pids:
        try:
            with open(f'/proc/{pid}/autogroup', 'w') as file:
                file.write(str(nice))
        except OSError as exception:
            log(f'autogroup nice of {pid} not set: {exception}')


def run_pids(pg_port):
    "The bench itself (its clients, drains) and PostgreSQL's postmaster."
    return [os.getpid()] + [pid
        for pid, (_, _, cmd) in _processes().items()
        if cmd.startswith('/usr/lib/postgresql') and f'-p {pg_port} ' in cmd]


def warm_up(args, port, key, service):
    """Let every worker serve a few POSTs first (its pool, caches and
    prepared statements), untimed; their refs carry another tag, so the
    run's checks leave them out."""
    warm = argparse.Namespace(**vars(args))
    warm.requests, warm.rate, warm.tag = 10, 0, args.tag + 'w'
    results = []
    clients = [Client(i, warm, port, key, service, results, time.time())
        for i in range(2 * args.workers)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()


def drain(env, processes, batch):
    """Run the cron's method in processes in parallel until the queue is
    empty; return (requests handled, seconds)."""
    start = time.perf_counter()
    runs = [subprocess.Popen(
            [sys.executable, '-c', DRAIN, DATABASE, str(batch)],
            env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)]
    handled, busy = 0, 0
    for run in runs:
        out, _ = run.communicate()
        if run.returncode:
            raise RuntimeError('drain failed')
        handled += int(out.split()[0])
        busy = max(busy, float(out.split()[1]))
    return handled, time.perf_counter() - start, busy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--clients', type=int, default=50)
    parser.add_argument('--requests', type=int, default=1000)
    parser.add_argument('--workers', type=int, default=4)
    parser.add_argument('--rate', type=float, default=0,
        help='open loop: offer this many requests per second in all '
        '(Poisson arrivals spread over the clients); 0: closed loop, '
        'each client posts again as soon as it has its answer')
    parser.add_argument('--intake', choices=['batch', 'realtime'],
        default='batch', help='asynchronous (token) or synchronous intake')
    parser.add_argument('--drain', type=int, default=2,
        help='processes that turn the queue into work orders (batch)')
    parser.add_argument('--follow', type=int, default=0,
        help='batch: processes that follow the queue during the burst '
        '(as the cron job follow_queue does), so the report has the '
        'queue latency from a POST to its work order')
    parser.add_argument('--follow-nice', type=int, default=None,
        help="autogroup nice of the followers, each in a session of its "
        "own (root, Linux): e.g. -4 with --priority -10 gives the queue "
        "a quarter of the web workers' CPU weight when both want the "
        "CPU, as docker-compose.yml's cpu_shares does for trytond-cron; "
        "unset: the followers share the bench's own autogroup")
    parser.add_argument('--batch', type=int, default=0,
        help='batch size of the drain and followers (0: the configured '
        'intake_batch_size, 200 by default)')
    parser.add_argument('--http-client', choices=['lean', 'stdlib'],
        default='lean', help="the clients' HTTP: a plain socket per "
        "request (lean, the default: about half the client CPU of "
        "http.client) or http.client (stdlib, the earlier sessions')")
    parser.add_argument('--prefill', type=int, default=20000,
        help='--phase prefill: how many requests to queue')
    parser.add_argument('--phase',
        choices=['all', 'burst', 'drain', 'prefill'],
        default='all', help='burst only, drain and check only, or both')
    parser.add_argument('--answers', default=os.path.join(
            tempfile.gettempdir(), 'bench311-answers.json'),
        help='where the burst keeps its answers for the drain phase')
    parser.add_argument('--kill', action='store_true',
        help='kill -9 the server in the middle of the burst, restart it')
    parser.add_argument('--priority', type=int, default=None,
        help="nice of the run's autogroups (the bench with its clients "
        "and followers, gunicorn, PostgreSQL; root, Linux): e.g. -10 so "
        "that other sessions' background work yields as it would to a "
        "timed run alone on the machine")
    parser.add_argument('--reuse', action='store_true',
        help='reuse the database of an earlier run on SUSHI_BENCH_PG '
        '(created when missing; earlier work orders are kept)')
    args = parser.parse_args()
    # the run's refs start with this tag: a reused database keeps the
    # orders of earlier runs apart
    args.tag = 'r%d' % time.time()

    cluster = None
    uri = os.environ.get('SUSHI_BENCH_PG')
    if not uri:
        if args.phase != 'all':
            raise SystemExit('--phase needs SUSHI_BENCH_PG')
        from runtests import Cluster
        cluster = Cluster()
        uri = cluster.start()
        log(f'PostgreSQL cluster at {uri}')
    # as production serves it (config/production.conf): tasks such as the
    # acknowledgement SMS are queued for trytond-worker, not run in the
    # request; caches are kept in step by LISTEN/NOTIFY (clean_timeout 0)
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri,
        TRYTOND_DATABASE_NAMES=DATABASE, PYTHONOPTIMIZE='1',
        TRYTOND_QUEUE__WORKER='True', TRYTOND_CACHE__CLEAN_TIMEOUT='0')
    env.pop('TRYTOND_CONFIG', None)
    prioritise(run_pids(urllib.parse.urlsplit(uri).port), args.priority)
    report = {}
    try:
        if args.phase == 'prefill':
            # untimed data: the queue as a burst would leave it
            channel, by_ref = json.loads(subprocess.run(
                    [sys.executable, '-c', PREFILL, DATABASE,
                        str(args.prefill), args.tag], env=env, check=True,
                    capture_output=True, text=True).stdout)
            channel = str(channel)
            report = {'tag': args.tag, 'intake': 'batch',
                'requests': args.prefill, 'inconsistent_answers': 0,
                'server_errors': 0, 'by_ref': by_ref}
            with open(args.answers, 'w') as file:
                json.dump({'report': report, 'channel': channel}, file)
            log(f'queued {args.prefill} requests ({args.tag})')
            return 0
        if args.phase != 'drain':
            report, channel = burst(args, uri, env)
            with open(args.answers, 'w') as file:
                json.dump({'report': report, 'channel': channel}, file)
        else:
            with open(args.answers) as file:
                kept = json.load(file)
            report, channel = kept['report'], kept['channel']
        if args.phase == 'burst':
            log(json.dumps({k: v for k, v in report.items()
                        if k != 'by_ref'}, ensure_ascii=False))
            return 0
        by_ref = report.pop('by_ref')
        if report['intake'] == 'batch':
            report['load_average_before_drain'] = [
                round(x, 2) for x in os.getloadavg()]
            handled, seconds, busy = drain(env, args.drain, args.batch)
            report['drain_batch'] = args.batch or 'configured'
            report['drain_processes'] = args.drain
            report['drained'] = handled
            # wall time with the processes' start, and their own
            report['drain_seconds'] = round(seconds, 1)
            report['drain_seconds_in_process_queue'] = round(busy, 1)
            report['load_average_after_drain'] = [
                round(x, 2) for x in os.getloadavg()]
            report['drained_per_second'] = round(handled / seconds, 1) \
                if seconds else None
            queue = json.loads(subprocess.run(
                    [sys.executable, '-c', QUEUE, DATABASE, channel,
                        report['tag']],
                    env=env, check=True, capture_output=True,
                    text=True).stdout)
            tokens = {}
            report['queue_not_done'] = 0
            for ref, token, state, number in queue:
                tokens[token] = (ref, number)
                report['queue_not_done'] += state != 'done'
            # every token answered names its request's work order
            by_ref = {ref: tokens.get(token, (None, None))[1]
                if tokens.get(token, (None,))[0] == ref else None
                for ref, token in by_ref.items()}
        rows = json.loads(subprocess.run(
                [sys.executable, '-c', CHECK, DATABASE, channel,
                    report['tag']], env=env,
                check=True, capture_output=True, text=True).stdout)
        stored = {}
        duplicates = 0
        no_sms = 0
        for ref, number, description, sms in rows:
            if ref in stored:
                duplicates += 1
            stored[ref] = (number, description)
            no_sms += sms != 1
        lost = [ref for ref, number in by_ref.items()
            if not number or ref not in stored or stored[ref][0] != number
            or ref not in stored[ref][1]]
        report.update({
                'work_orders': len(rows), 'unique_refs': len(by_ref),
                'lost': len(lost), 'duplicated': duplicates,
                'orders_without_one_queued_sms': no_sms,
                })
        log(json.dumps(report, ensure_ascii=False))
        ok = (not lost and not duplicates and not report['inconsistent_answers']
            and not no_sms and not report['server_errors']
            and not report.get('queue_not_done')
            and len(rows) == len(by_ref))
        return 0 if ok else 1
    finally:
        if args.priority is not None:
            prioritise(run_pids(urllib.parse.urlsplit(uri).port), 0)
        if cluster:
            cluster.stop()


def burst(args, uri, env):
    "Run the burst; return its report (with by_ref) and the channel id."
    from runtests import find_pg_bin
    parts = urllib.parse.urlsplit(uri)
    exists = subprocess.run([find_pg_bin('createdb'), '-h',
            parts.hostname, '-p', str(parts.port), '-U',
            parts.username or 'tryton', DATABASE],
        stderr=subprocess.DEVNULL).returncode
    if exists and not args.reuse:
        raise RuntimeError(f'database {DATABASE} exists (use --reuse)')
    t0 = time.perf_counter()
    if not exists:
        with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
            passfile.write('bench-admin')
            passfile.flush()
            subprocess.run([str(BIN / 'trytond-admin'), '-d', DATABASE,
                    '-u', 'sushi_portal', '--activate-dependencies',
                    '--email', 'admin@example.org'],
                env=dict(env, TRYTONPASSFILE=passfile.name), check=True,
                stdout=subprocess.DEVNULL)
    log(f'database ready in {time.perf_counter() - t0:.0f} s')
    key, service, channel = subprocess.run(
        [sys.executable, '-c', ISSUE_KEY, DATABASE, args.intake], env=env,
        check=True, capture_output=True, text=True).stdout.split()
    port = free_port()
    server = Server(env, args.workers, port)
    pg_port = urllib.parse.urlsplit(uri).port
    try:
        server.start()
        prioritise([server.process.pid], args.priority)
        log(f'gunicorn: {args.workers} workers on port {port}, '
            f'{args.intake} intake; load average {os.getloadavg()}')
        warm_up(args, port, key, service)
        results = []
        load_start = os.getloadavg()
        cpu_start = server_cpu(server.process.pid, pg_port)
        clients_cpu = time.process_time()
        followers, stop = [], None
        if args.follow:
            stop = tempfile.mktemp(prefix='bench311-stop-')
            # --follow-nice: the followers in a session of their own
            # (their own autogroup) with that nice, as production gives
            # trytond-cron a smaller CPU weight than the web workers
            # (docker-compose.yml: cpu_shares)
            followers = [subprocess.Popen(
                    [sys.executable, '-c', DRAIN, DATABASE,
                        str(args.batch), stop],
                    env=env, stdout=subprocess.PIPE, text=True,
                    start_new_session=args.follow_nice is not None)
                for _ in range(args.follow)]
            if args.follow_nice is not None:
                prioritise([run.pid for run in followers], args.follow_nice)
            for run in followers:
                if run.stdout.readline().strip() != 'ready':
                    raise RuntimeError('follow failed')
        start_at = time.time() + 1
        clients = [Client(i, args, port, key, service, results, start_at)
            for i in range(args.clients)]
        for client in clients:
            client.start()
        total = args.clients * args.requests
        if args.kill:
            while len([r for r in results if r[0] != 'noanswer']) < total / 3:
                time.sleep(0.2)
            server.kill()
            log(f'killed -9 after {len(results)} answers; restarting')
            server.start()
            prioritise([server.process.pid], args.priority)
        for client in clients:
            client.join()
        wall = time.time() - start_at
        # the rate while every client still posts: the run's end waits
        # for the slowest client, so also time the first 90 % of the
        # answers
        done = sorted(t for client in clients for t in client.done)
        nine_tenths = (done[int(len(done) * 0.9) - 1] - start_at
            if done else 0)
        clients_cpu = time.process_time() - clients_cpu
        follow = {}
        if followers:
            open(stop, 'w').close()
            for run in followers:
                out, _ = run.communicate()
                if run.returncode:
                    raise RuntimeError('follow failed')
                handled, _, cpu = out.split()
                follow['handled'] = follow.get('handled', 0) + int(handled)
                follow['cpu'] = follow.get('cpu', 0) + float(cpu)
            os.unlink(stop)
            follow['seconds'] = time.time() - start_at
        load = os.getloadavg()
        cpu_end = server_cpu(server.process.pid, pg_port)
    finally:
        server.stop()
    answered = [r for r in results if r[0] != 'noanswer']
    no_answer = len(results) - len(answered)
    statuses = {}
    for status, *_ in answered:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(r[3] for r in answered if r[0] == 200)
    by_ref = {}
    inconsistent = 0
    for status, ref, number, _ in answered:
        if status != 200:
            continue
        if by_ref.setdefault(ref, number) != number:
            inconsistent += 1
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0
    cpu = {kind: round((cpu_end[kind] - cpu_start[kind]) * 1000
            / max(len(answered), 1), 2) for kind in cpu_start}
    cpu['clients'] = round(clients_cpu * 1000 / max(len(answered), 1), 2)
    report = {}
    if follow:
        queue = json.loads(subprocess.run(
                [sys.executable, '-c', LATENCY, DATABASE, channel,
                    args.tag], env=env, check=True, capture_output=True,
                text=True).stdout)
        report.update({
                'follow_processes': args.follow,
                'follow_autogroup_nice': args.follow_nice,
                'follow_batch': args.batch or 'configured',
                'followed': follow['handled'],
                # until the last queued request is a work order
                'follow_seconds': round(follow['seconds'], 1),
                'followed_per_second': round(
                    follow['handled'] / follow['seconds'], 1),
                # Python CPU of the followers per work order (their
                # PostgreSQL time is in cpu_ms_per_request's postgresql)
                'follow_cpu_ms_per_order': round(
                    follow['cpu'] * 1000 / max(follow['handled'], 1), 2),
                'queue_latency_p50_ms': round(
                    statistics.median(queue) * 1000, 1) if queue else None,
                'queue_latency_p95_ms': round(
                    queue[int(len(queue) * 0.95) - 1] * 1000, 1)
                if queue else None,
                'queue_latency_max_ms': round(queue[-1] * 1000, 1)
                if queue else None,
                })
    return {
        **report,
        'tag': args.tag, 'clients': args.clients, 'requests': total,
        # CPU milliseconds per answered request: the server's own cost,
        # whatever else runs on the machine (the capacity of C idle
        # cores is about C * 1000 / (gunicorn + postgresql) requests/s)
        'cpu_ms_per_request': cpu,
        'workers': args.workers, 'intake': args.intake,
        'http_client': args.http_client,
        'offered_per_second': args.rate or 'closed loop',
        'load_average_at_start': [round(x, 2) for x in load_start],
        'killed': args.kill, 'autogroup_nice': args.priority,
        'seconds': round(wall, 1),
        'requests_per_second': round(len(answered) / wall, 1),
        'requests_per_second_first_90_percent': round(
            int(len(done) * 0.9) / nine_tenths, 1) if nine_tenths else None,
        'p50_ms': round(statistics.median(latencies) * 1000, 1)
        if latencies else None,
        'p95_ms': round(p95 * 1000, 1),
        'p99_ms': round(latencies[int(len(latencies) * 0.99) - 1] * 1000,
            1) if latencies else 0,
        'max_ms': round(latencies[-1] * 1000, 1) if latencies else 0,
        'load_average_at_end': [round(x, 2) for x in load],
        'statuses': statuses, 'no_answer_resubmitted': no_answer,
        'inconsistent_answers': inconsistent,
        'server_errors': sum(v for k, v in statuses.items()
            if isinstance(k, int) and k >= 500),
        'by_ref': by_ref,
        }, channel


if __name__ == '__main__':
    sys.exit(main())
