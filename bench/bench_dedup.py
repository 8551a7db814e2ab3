# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Duplicate detection: quality on the labelled set, and the speed of one
intake check against a large window of tickets.

    .venv/bin/python bench/bench_dedup.py quality [--set FILE]
    .venv/bin/python bench/bench_dedup.py speed --tickets 1000000 \
        [--backend postgresql|sqlite] [--checks 300]

quality: every pair of requests of one split is a duplicate when both are
in one group.  The threshold of each method is chosen on the "dev" split
(best F1) and both splits are reported at it, for the analysis scorer and
the character-bigram Dice baseline (the former `Ticket.similarity`).

speed: fills the analysis key table (`sushi_analysis_ticket_key`) and a
ticket table of the given size by INSERT ... SELECT, then times the check
the intake form runs on each change: the indexed candidate query by the
new request's place and phone keys, and the scoring of the candidates.
The tables are the module's own, without trytond: a standalone database
(PostgreSQL from scripts/runtests.py's Cluster, or a SQLite file)."""
import argparse
import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / 'addons' / 'sushi_analysis'))
import dedup  # noqa: E402

DEFAULT_SET = HERE / 'data' / 'dedup_labelled.jsonl'


def load(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def pairs(rows):
    for a, b in itertools.combinations(rows, 2):
        yield a, b, a['group'] == b['group']


def evaluate(scored, threshold):
    tp = sum(1 for s, same in scored if s >= threshold and same)
    fp = sum(1 for s, same in scored if s >= threshold and not same)
    fn = sum(1 for s, same in scored if s < threshold and same)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = (2 * precision * recall / (precision + recall)
        if precision + recall else 0.0)
    return precision, recall, f1


def best_threshold(scored):
    return max((evaluate(scored, t / 100)[2], t / 100)
        for t in range(5, 100))[1]


def quality(args):
    rows = load(args.set)
    splits = {name: [r for r in rows if r['split'] == name]
        for name in ('dev', 'heldout')}
    methods = [('analysis (dedup.similarity)', dedup.similarity),
        ('baseline: character bigram Dice', dedup.bigram_dice)]
    print('%d requests, %d groups, %d duplicate pairs' % (len(rows),
            len({r['group'] for r in rows}),
            sum(same for name in splits
                for _, _, same in pairs(splits[name]))))
    print('| method | threshold | split | pairs | precision | recall | F1 |')
    print('|---|---|---|---|---|---|---|')
    for label, function in methods:
        scored = {name: [(function(a['text'], b['text']), same)
                for a, b, same in pairs(split)]
            for name, split in splits.items()}
        threshold = best_threshold(scored['dev'])
        if label.startswith('analysis') and args.threshold:
            threshold = args.threshold
        for name in ('dev', 'heldout'):
            p, r, f = evaluate(scored[name], threshold)
            print('| %s | %.2f | %s | %d | %.3f | %.3f | %.3f |' % (
                    label, threshold, name, len(scored[name]), p, r, f))
        if args.errors and label.startswith('analysis'):
            shown = 0
            for a, b, same in pairs(splits['heldout'] + splits['dev']):
                s = function(a['text'], b['text'])
                if (s >= threshold) != same and shown < args.errors:
                    shown += 1
                    print('  %s %.2f %s | %s' % ('FN' if same else 'FP', s,
                            a['text'], b['text']))


# --- speed -----------------------------------------------------------------

def speed(args):
    rng = random.Random(2026)
    rows = load(args.set)
    texts = [r['text'] for r in rows]
    if args.backend == 'postgresql':
        sys.path.insert(0, str(ROOT / 'scripts'))
        from runtests import Cluster
        import psycopg
        cluster = Cluster()
        uri = cluster.start()
        try:
            conn = psycopg.connect(uri.rstrip('/') + '/postgres',
                autocommit=True)
            conn.execute('CREATE DATABASE bench_dedup')
            conn.close()
            conn = psycopg.connect(uri.rstrip('/') + '/bench_dedup',
                autocommit=True)
            _speed(conn, 'postgresql', texts, rng, args)
        finally:
            cluster.stop()
    else:
        import sqlite3
        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            conn = sqlite3.connect(Path(directory) / 'bench.sqlite',
                isolation_level=None)
            _speed(conn, 'sqlite', texts, rng, args)


def _speed(conn, backend, texts, rng, args):
    n = args.tickets
    keyspace = max(1000, n // 40)
    # A ticket names ~1.6 places from a vocabulary where each key is
    # shared by about 40 tickets of the window, as estates and roads are.
    conn.execute('CREATE TABLE ticket (id INTEGER PRIMARY KEY, '
        'received_at TIMESTAMP, state VARCHAR, title VARCHAR, '
        'description TEXT)')
    conn.execute('CREATE TABLE key_ (id INTEGER PRIMARY KEY, '
        'ticket INTEGER, key VARCHAR, received_at TIMESTAMP)')
    start = time.perf_counter()
    if backend == 'postgresql':
        conn.execute(
            "INSERT INTO ticket SELECT g, TIMESTAMP '2026-01-01' "
            "+ g * INTERVAL '8 second', "
            "CASE WHEN g %% 3 = 0 THEN 'closed' ELSE 'in_progress' END, "
            "'请求' || g, '某小区' || (g %% %d) || '号的问题描述' || g "
            "FROM generate_series(1, %d) g" % (keyspace, n))
        conn.execute(
            "INSERT INTO key_ SELECT g, g, 'estate:e' || (g %% %d), "
            "TIMESTAMP '2026-01-01' + g * INTERVAL '8 second' "
            "FROM generate_series(1, %d) g" % (keyspace, n))
        conn.execute(
            "INSERT INTO key_ SELECT %d + g, g, 'road:r' || ((g * 7) %% %d), "
            "TIMESTAMP '2026-01-01' + g * INTERVAL '8 second' "
            "FROM generate_series(1, %d) g WHERE g %% 5 < 3"
            % (n, keyspace, n))
        conn.execute(
            "INSERT INTO key_ SELECT %d + g, g, 'phone:1' || (g %% %d), "
            "TIMESTAMP '2026-01-01' + g * INTERVAL '8 second' "
            "FROM generate_series(1, %d) g" % (2 * n, n // 3, n))
    else:
        conn.execute('WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL '
            'SELECT x + 1 FROM g WHERE x < %d) '
            "INSERT INTO ticket SELECT x, datetime('2026-01-01', "
            "'+' || (x * 8) || ' seconds'), CASE WHEN x %% 3 = 0 THEN "
            "'closed' ELSE 'in_progress' END, '请求' || x, "
            "'某小区' || (x %% %d) || '号的问题描述' || x FROM g"
            % (n, keyspace))
        conn.execute("INSERT INTO key_ SELECT id, id, 'estate:e' || "
            "(id %% %d), received_at FROM ticket" % keyspace)
        conn.execute("INSERT INTO key_ SELECT %d + id, id, 'road:r' || "
            "((id * 7) %% %d), received_at FROM ticket WHERE id %% 5 < 3"
            % (n, keyspace))
        conn.execute("INSERT INTO key_ SELECT %d + id, id, 'phone:1' || "
            "(id %% %d), received_at FROM ticket" % (2 * n, n // 3))
    # the module's index: (key, received_at)
    conn.execute('CREATE INDEX key_key_received ON key_ (key, received_at)')
    if backend == 'postgresql':
        conn.execute('VACUUM ANALYZE ticket')
        conn.execute('VACUUM ANALYZE key_')
    else:
        conn.execute('ANALYZE')
    print('%s: %d tickets, %d keys loaded in %.1f s' % (backend, n,
            conn.execute('SELECT COUNT(*) FROM key_').fetchone()[0],
            time.perf_counter() - start))
    param = '%s' if backend == 'postgresql' else '?'
    query = ('SELECT t.id, t.title, t.description, t.state FROM key_ k '
        'JOIN ticket t ON t.id = k.ticket '
        'WHERE k.key IN ({keys}) AND k.received_at >= {p} '
        'AND t.state IN ({p}, {p}, {p}) '
        'ORDER BY k.received_at DESC LIMIT 200')
    import datetime as dt
    end = dt.datetime(2026, 1, 1) + dt.timedelta(seconds=8 * n)
    timings, queries, cpus = [], [], []
    for i in range(args.checks):
        text = rng.choice(texts)
        ids = [rng.randrange(keyspace), rng.randrange(keyspace)]
        request_keys = ['estate:e%d' % ids[0], 'road:r%d' % ids[1],
            'phone:1%d' % rng.randrange(n // 3)]
        sql = query.format(keys=', '.join([param] * len(request_keys)),
            p=param)
        since = end - dt.timedelta(days=90)
        if backend == 'sqlite':
            since = since.isoformat(' ')
        t0 = time.perf_counter()
        c0 = time.process_time()
        candidates = conn.execute(sql, request_keys + [since,
                'in_progress', 'closed', 'replied']).fetchall()
        queries.append((time.perf_counter() - t0) * 1000)
        # score the candidates as the server does, with real texts
        scored = sorted(((dedup.score(text, rng.choice(texts)), c[0])
                for c in candidates), key=lambda s: -s[0][0])[:5]
        timings.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
        dedup.analyse.cache_clear()
    timings.sort()
    queries.sort()
    cpus.sort()
    try:
        load = open('/proc/loadavg').read().split()[0]
    except OSError:
        load = '?'
    print('| backend | window | checks | candidates (last) | median ms '
        '| p95 ms | query p95 ms | client CPU p95 ms | load |')
    print('|---|---|---|---|---|---|---|---|---|')
    print('| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %s |' % (
            backend, n, args.checks, len(candidates),
            statistics.median(timings),
            timings[int(len(timings) * .95) - 1],
            queries[int(len(queries) * .95) - 1],
            cpus[int(len(cpus) * .95) - 1], load))
    del scored


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    q = sub.add_parser('quality')
    q.add_argument('--set', default=DEFAULT_SET)
    q.add_argument('--threshold', type=float)
    q.add_argument('--errors', type=int, default=0)
    s = sub.add_parser('speed')
    s.add_argument('--set', default=DEFAULT_SET)
    s.add_argument('--tickets', type=int, default=1_000_000)
    s.add_argument('--checks', type=int, default=300)
    s.add_argument('--backend', default='postgresql',
        choices=['postgresql', 'sqlite'])
    args = parser.parse_args()
    {'quality': quality, 'speed': speed}[args.command](args)


if __name__ == '__main__':
    main()
