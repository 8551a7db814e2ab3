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

speed: fills a key table in the layout of `sushi_analysis_ticket_key`
(place, place-and-problem and phone keys, B-tree on (key, received_at))
and a ticket table of the given size by INSERT ... SELECT, then times the
check the intake form runs on each change: the indexed candidate query
and the scoring of the candidates' texts (cold caches), once with the
former lookup by places and phone and once with the place-and-problem
lookup (`dedup.lookup_keys`), on the same random requests.  The tables
are standalone (no trytond): PostgreSQL from scripts/runtests.py's
Cluster, or a SQLite file.  With --data DIR the database is kept there:
build it once with --setup under nice, then time under the bench lock:

    nice -n 10 .venv/bin/python bench/bench_dedup.py speed --data DIR --setup
    flock LOCK .venv/bin/python bench/bench_dedup.py speed --data DIR"""
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
        if label.startswith('analysis'):
            retrieval(rows, function, threshold)
        if args.errors and label.startswith('analysis'):
            shown = 0
            for a, b, same in pairs(splits['heldout'] + splits['dev']):
                s = function(a['text'], b['text'])
                if (s >= threshold) != same and shown < args.errors:
                    shown += 1
                    print('  %s %.2f %s | %s' % ('FN' if same else 'FP', s,
                            a['text'], b['text']))


def retrieval(rows, function, threshold):
    """Check that the place-and-problem lookup (`dedup.lookup_keys`) finds
    every pair above the threshold that the place lookup (`dedup.keys`)
    finds, and how many candidates each reads: over all pairs of the set
    (both splits), each request looking up the others."""
    index = {}
    for row in rows:
        text = row['text']
        index[text] = dedup.keys(text) | dedup.matter_keys(text)
    found = {'place': 0, 'place and problem': 0}
    read = {'place': 0, 'place and problem': 0}
    above = lost = 0
    for a, b in itertools.permutations(rows, 2):
        old = bool(dedup.keys(a['text']) & index[b['text']])
        new = bool(dedup.lookup_keys(a['text'], None, threshold)
            & index[b['text']])
        read['place'] += old
        read['place and problem'] += new
        if function(a['text'], b['text']) >= threshold:
            above += 1
            found['place'] += old
            found['place and problem'] += new
            lost += old and not new
    print('retrieval at %.2f: %d ordered pairs above it; found by the place '
        'lookup %d, by the place-and-problem lookup %d, lost %d; '
        'candidates read per request: %.1f → %.1f' % (threshold, above,
            found['place'], found['place and problem'], lost,
            read['place'] / len(rows), read['place and problem'] / len(rows)))
    # at intake a pair is shown only when the lookup offers it (the later
    # request finds the earlier one, or the other way round) and it scores
    # above the threshold
    for name in ('dev', 'heldout'):
        split = [r for r in rows if r['split'] == name]
        scored = []
        for a, b, same in pairs(split):
            offered = bool(
                dedup.lookup_keys(a['text'], None, threshold)
                & index[b['text']]
                or dedup.lookup_keys(b['text'], None, threshold)
                & index[a['text']])
            scored.append((function(a['text'], b['text'])
                    if offered else 0.0, same))
        print('intake (lookup and score) at %.2f, %s: precision %.3f, '
            'recall %.3f, F1 %.3f' % ((threshold, name)
                + evaluate(scored, threshold)))


# --- speed ---------------------------------------------------------------

def StoredCluster(directory):
    """A PostgreSQL cluster kept in a directory between runs: --setup
    builds the data once (run it under nice), the timed runs reuse it."""
    sys.path.insert(0, str(ROOT / 'scripts'))
    from runtests import Cluster
    return Cluster(Path(directory).resolve())


def speed(args):
    rows = load(args.set)
    texts = [r['text'] for r in rows]
    if args.backend == 'postgresql':
        import psycopg
        if args.data:
            cluster = StoredCluster(Path(args.data) / 'pg')
        else:
            sys.path.insert(0, str(ROOT / 'scripts'))
            from runtests import Cluster
            cluster = Cluster()
        uri = cluster.start()
        try:
            conn = psycopg.connect(uri.rstrip('/') + '/postgres',
                autocommit=True)
            exists = conn.execute("SELECT 1 FROM pg_database "
                "WHERE datname = 'bench_dedup'").fetchone()
            if not exists:
                conn.execute('CREATE DATABASE bench_dedup')
            conn.close()
            conn = psycopg.connect(uri.rstrip('/') + '/bench_dedup',
                autocommit=True)
            if not exists:
                fill(conn, 'postgresql', texts, args)
            if not args.setup:
                measure(conn, 'postgresql', texts, args)
        finally:
            cluster.stop()
    else:
        import sqlite3
        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            path = Path(args.data or directory) / 'bench_dedup.sqlite'
            path.parent.mkdir(parents=True, exist_ok=True)
            exists = path.exists()
            conn = sqlite3.connect(path, isolation_level=None)
            import math
            conn.create_function('pow', 2, math.pow, deterministic=True)
            if not exists:
                fill(conn, 'sqlite', texts, args)
            if not args.setup:
                measure(conn, 'sqlite', texts, args)


# The synthetic window.  Places follow a skewed law (power 1.5 of a
# uniform draw): with 25 000 place keys a quarter for 1 M requests the
# busiest estate has ~1 200 requests, the median one ~25, as a city's
# large estates and main roads do.  Problems: 35 concepts, skewed
# (power 2: the commonest is ~1/6 of the requests), one or two a request,
# none for 10 %.  Phones: three requests a number.
CONCEPT_COUNT = 35
OPEN = ('in_progress', 'replied', 'dispatched')


def _draws(backend):
    rand = 'random()' if backend == 'postgresql' else \
        '((random() / 18446744073709551616.0) + 0.5)'
    return rand


def fill(conn, backend, texts, args):
    n = args.tickets
    keyspace = max(1000, n // 40)
    rand = _draws(backend)
    power = 'power' if backend == 'postgresql' else 'pow'
    start = time.perf_counter()
    conn.execute('CREATE TABLE ticket (id INTEGER PRIMARY KEY, '
        'received_at TIMESTAMP, state VARCHAR, description TEXT, '
        'estate INTEGER, road INTEGER, c1 INTEGER, c2 INTEGER)')
    conn.execute('CREATE TABLE key_ (id %s PRIMARY KEY, '
        'ticket INTEGER, key VARCHAR, received_at TIMESTAMP)' % (
            'SERIAL' if backend == 'postgresql' else 'INTEGER'))
    conn.execute('CREATE TABLE text_ (id INTEGER PRIMARY KEY, body TEXT)')
    param = '%s' if backend == 'postgresql' else '?'
    if backend == 'postgresql':
        with conn.cursor() as cursor:
            cursor.executemany('INSERT INTO text_ VALUES (%s, %s)',
                list(enumerate(texts)))
        series = 'generate_series(1, %d) g' % n
        at = "TIMESTAMP '2026-01-01' + g * INTERVAL '8 second'"
    else:
        conn.executemany('INSERT INTO text_ VALUES (?, ?)',
            list(enumerate(texts)))
        conn.execute('CREATE TABLE series (g INTEGER PRIMARY KEY)')
        conn.execute('WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL '
            'SELECT x + 1 FROM s WHERE x < %d) '
            'INSERT INTO series SELECT x FROM s' % n)
        series = 'series'
        at = "datetime('2026-01-01', '+' || (g * 8) || ' seconds')"
    del param
    concept = 'CAST(%d * %s(%s, 2) AS INTEGER)' % (
        CONCEPT_COUNT, power, rand)
    conn.execute(
        'INSERT INTO ticket SELECT g, %s, '
        "CASE WHEN g %% 3 = 0 THEN 'closed' WHEN g %% 3 = 1 "
        "THEN 'in_progress' ELSE 'replied' END, "
        '(SELECT body FROM text_ WHERE id = g %% %d), '
        'CAST(%d * %s(%s, 1.5) AS INTEGER), '
        'CASE WHEN g %% 5 < 3 THEN CAST(%d * %s(%s, 1.5) AS INTEGER) END, '
        'CASE WHEN g %% 10 > 0 THEN %s END, '
        'CASE WHEN g %% 2 = 0 THEN %s END FROM %s' % (
            at, len(texts), keyspace, power, rand, keyspace, power, rand,
            concept, concept, series))
    for key, where in [
            ("'estate:e' || estate", 'TRUE'),
            ("'road:r' || road", 'road IS NOT NULL'),
            ("'phone:1' || (id %% %d)" % max(1, n // 3), 'TRUE'),
            ("'estate:e' || estate || '|c' || c1", 'c1 IS NOT NULL'),
            ("'estate:e' || estate || '|c' || c2",
                'c2 IS NOT NULL AND c2 != c1'),
            ("'estate:e' || estate || '|'", 'c1 IS NULL'),
            ("'road:r' || road || '|c' || c1",
                'road IS NOT NULL AND c1 IS NOT NULL'),
            ("'road:r' || road || '|c' || c2",
                'road IS NOT NULL AND c2 IS NOT NULL AND c2 != c1'),
            ("'road:r' || road || '|'", 'road IS NOT NULL AND c1 IS NULL'),
            ]:
        conn.execute('INSERT INTO key_ (ticket, key, received_at) '
            'SELECT id, %s, received_at FROM ticket WHERE %s' % (
                key, where.replace('TRUE', '1 = 1')))
    # the module's index: (key, received_at)
    conn.execute('CREATE INDEX key_key_received ON key_ (key, received_at)')
    if backend == 'postgresql':
        conn.execute('VACUUM ANALYZE ticket')
        conn.execute('VACUUM ANALYZE key_')
    else:
        conn.execute('DROP TABLE series')
        conn.execute('ANALYZE')
    print('%s: %d tickets, %d keys loaded in %.1f s' % (backend, n,
            conn.execute('SELECT COUNT(*) FROM key_').fetchone()[0],
            time.perf_counter() - start), flush=True)


def _skewed(rng, count, power):
    return int(count * rng.random() ** power)


def measure(conn, backend, texts, args):
    """Time the check of random new requests, with the place lookup (the
    former query) and the place-and-problem lookup, on the same draws."""
    import datetime as dt
    n = conn.execute('SELECT COUNT(*) FROM ticket').fetchone()[0]
    keyspace = max(1000, n // 40)
    param = '%s' if backend == 'postgresql' else '?'
    # the module's candidate query (ticket.py find_duplicates), then the
    # read of the candidates' texts
    query = ('SELECT k.ticket FROM key_ k JOIN ticket t ON t.id = k.ticket '
        'WHERE k.key IN ({keys}) AND k.received_at >= {p} '
        'AND t.state IN ({p}, {p}, {p}) '
        'GROUP BY k.ticket ORDER BY MAX(k.received_at) DESC LIMIT 200')
    read = 'SELECT id, description FROM ticket WHERE id IN ({ids})'
    end = dt.datetime(2026, 1, 1) + dt.timedelta(seconds=8 * n)
    since = end - dt.timedelta(days=90)
    if backend == 'sqlite':
        since = since.isoformat(' ')
    rng = random.Random(2026)
    draws = []
    for i in range(args.checks):
        estate = _skewed(rng, keyspace, 1.5)
        road = _skewed(rng, keyspace, 1.5) if rng.random() < .6 else None
        concepts = {_skewed(rng, CONCEPT_COUNT, 2)}
        if rng.random() < .5:
            concepts.add(_skewed(rng, CONCEPT_COUNT, 2))
        phone = 'phone:1%d' % rng.randrange(max(1, n // 3))
        places = ['estate:e%d' % estate] + (
            ['road:r%d' % road] if road is not None else [])
        old = places + [phone]
        new = ['%s|c%d' % (p, c) for p in places for c in sorted(concepts)
            ] + ['%s|' % p for p in places] + [phone]
        draws.append((rng.choice(texts), old, new))
    results = {}
    # warm the caches with other requests, as a running server's are
    warm = random.Random(7)
    for i in range(args.checks):
        estate = _skewed(warm, keyspace, 1.5)
        conn.execute(query.format(keys=param, p=param), ['estate:e%d|c%d' % (
                    estate, _skewed(warm, CONCEPT_COUNT, 2)), since]
            + list(OPEN)).fetchall()
        conn.execute(query.format(keys=param, p=param),
            ['estate:e%d' % estate, since] + list(OPEN)).fetchall()
    for label, which in [('places (before)', 1),
            ('places and problems', 2)]:
        timings, queries, cpus, counts, server = [], [], [], [], []
        for draw in draws:
            text, request_keys = draw[0], draw[which]
            sql = query.format(keys=', '.join([param] * len(request_keys)),
                p=param)
            dedup.analyse.cache_clear()
            dedup._name_similar.cache_clear()
            t0 = time.perf_counter()
            c0 = time.process_time()
            ids = [i for i, in conn.execute(sql, request_keys + [since]
                    + list(OPEN)).fetchall()]
            candidates = conn.execute(read.format(
                    ids=', '.join([param] * len(ids))), ids).fetchall(
                ) if ids else []
            queries.append((time.perf_counter() - t0) * 1000)
            # score the candidates as the server does: their texts, cold
            scored = sorted(((dedup.score(text, c[1]), c[0])
                    for c in candidates), key=lambda s: -s[0][0])[:5]
            timings.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            counts.append(len(candidates))
            del scored
        if backend == 'postgresql':
            # the server's own time of each candidate query
            for draw in draws:
                plan, = conn.execute('EXPLAIN (ANALYZE, FORMAT JSON) '
                    + query.format(keys=', '.join([param] * len(draw[which])),
                        p=param), draw[which] + [since] + list(OPEN)
                    ).fetchone()
                server.append(plan[0]['Execution Time'])
        results[label] = (timings, queries, cpus, counts, server)
        if args.explain:
            plan = conn.execute(('EXPLAIN ANALYZE ' if backend ==
                    'postgresql' else 'EXPLAIN QUERY PLAN ') + query.format(
                    keys=', '.join([param] * len(draws[0][which])),
                    p=param), draws[0][which] + [since] + list(OPEN)
                ).fetchall()
            print('plan (%s):' % label)
            for line in plan:
                print('   ', ' '.join(str(x) for x in line))
    try:
        load = ' '.join(open('/proc/loadavg').read().split()[:3])
    except OSError:
        load = '?'

    def p95(values):
        values = sorted(values)
        return values[int(len(values) * .95) - 1]
    print('| backend | lookup | window | checks | candidates median / p95 '
        '/ max | median ms | p95 ms | query p95 ms | server query p95 ms '
        '| client CPU p95 ms | load |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    for label, (timings, queries, cpus, counts, server) in results.items():
        print('| %s | %s | %d | %d | %d / %d / %d | %.1f | %.1f | %.1f '
            '| %s | %.1f | %s |' % (backend, label, n, len(timings),
                statistics.median(counts), p95(counts), max(counts),
                statistics.median(timings), p95(timings), p95(queries),
                '%.2f' % p95(server) if server else '—', p95(cpus), load))


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
    s.add_argument('--data', help='keep the database in this directory '
        '(reused by later runs)')
    s.add_argument('--setup', action='store_true',
        help='only build the data (with --data)')
    s.add_argument('--explain', action='store_true',
        help='print the plan of one query of each lookup')
    args = parser.parse_args()
    {'quality': quality, 'speed': speed}[args.command](args)


if __name__ == '__main__':
    main()
