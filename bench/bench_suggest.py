#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Accuracy and latency of the smart suggestion (PLT-01, 智能受理/派单).

The history is created as closed tickets in a throwaway SQLite database
(the tests' in-memory one) through the ORM, so that the analysis index
writes the word rows the server learns from; `SuggestWord.refresh` then
learns the counts by SQL, and every labelled request is asked through
`Ticket.suggest(text, region)`, the path the ticket form and the dispatch
wizard take.

History (--train):
- generator: N requests of bench/generate.py (seed 1), closed, led by
  the unit the generator gives them (their region's county for 'REGION');
- train: the training part of bench/data/suggest_labelled.tsv (lines
  n % 3 != 2);
- both.

Parts asked (--parts): dev (lines n % 3 != 2; with --train train or
both, the model has seen them: reported as a fit check only) and heldout
(lines n % 3 == 2, asked once).  The trivial baseline proposes the
commonest categories and units of the same history (the region's county
for orders its county led).  Prints top-1/top-3 of category and unit and
the latency p50/p95 of one suggestion."""
import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / 'data' / 'suggest_labelled.tsv'


def labelled():
    "Return [(n, category code, unit code, region code or None, text)]."
    rows = []
    for line in DATA.read_text(encoding='utf-8').splitlines():
        if not line.strip() or line.startswith('#'):
            continue
        category, unit, region, text = line.split('\t')
        rows.append((len(rows), category, unit,
                None if region == '-' else region, text))
    return rows


def part(rows, name):
    if name == 'heldout':
        return [r for r in rows if r[0] % 3 == 2]
    return [r for r in rows if r[0] % 3 != 2]


def load_history(args, rows):
    "Create the history as closed tickets and learn from it."
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    sys.path.insert(0, str(HERE))
    from generate import Generator, Resolver
    pool = Pool()
    Ticket = pool.get('sushi.ticket')
    Word = pool.get('sushi.analysis.suggest.word')
    resolver = Resolver()
    vlist = []
    if args.train in {'generator', 'both'}:
        requests = Generator(seed=1).requests(args.count)
        for request, values in zip(requests,
                resolver.ticket_values(requests)):
            values['lead_unit'] = resolver.units[request['unit']]
            vlist.append(values)
    if args.train in {'train', 'both'}:
        for n, category, unit, region, text in part(rows, 'dev'):
            vlist.append({
                    'title': text[:20], 'description': text,
                    'request_type': 'complaint',
                    'requester_phone': '1390557%04d' % n,
                    'requester_name': '王女士',
                    'category': resolver.categories[category],
                    'region': resolver.units[region] if region else None,
                    'lead_unit': resolver.units[unit],
                    })
    start = time.perf_counter()
    tickets = []
    for i in range(0, len(vlist), 500):
        tickets += Ticket.create(vlist[i:i + 500])
    t = Ticket.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*t.update([t.state], ['closed']))
    orders = Word.refresh()
    print('history: %s, %d closed orders learned (%.0f s to create)' % (
            args.train, orders, time.perf_counter() - start))
    return resolver


def evaluate(rows, resolver, name):
    from trytond.pool import Pool
    from trytond.modules.sushi_analysis import suggest
    pool = Pool()
    Ticket = pool.get('sushi.ticket')
    Route = pool.get('sushi.analysis.suggest.route')
    model = Route.model()
    routes = {}
    for (category, region, unit), count in model.region_unit_orders.items():
        routes[category, region, unit] = count
    hits = {k: 0 for k in ['c1', 'c3', 'u1', 'u3', 'bc1', 'bc3', 'bu1',
            'bu3']}
    times = []
    misses = []
    for n, category, unit, region, text in rows:
        category_id = resolver.categories[category]
        unit_id = resolver.units[unit]
        region_id = resolver.units[region] if region else None
        start = time.perf_counter()
        result = Ticket.suggest(text, region=region_id, limit=3)
        times.append(time.perf_counter() - start)
        categories = [c.id for c, _, _ in result['categories']]
        units = [u.id for u, _ in result['units']]
        hits['c1'] += categories[:1] == [category_id]
        hits['c3'] += category_id in categories[:3]
        hits['u1'] += units[:1] == [unit_id]
        hits['u3'] += unit_id in units[:3]
        base_categories, base_units = suggest.baseline(routes, region_id)
        hits['bc1'] += base_categories[:1] == [category_id]
        hits['bc3'] += category_id in base_categories[:3]
        hits['bu1'] += base_units[:1] == [unit_id]
        hits['bu3'] += unit_id in base_units[:3]
        if categories[:1] != [category_id]:
            misses.append((text, category, [c.rec_name for c, _, _
                        in result['categories'][:1]]))
    total = len(rows)
    times.sort()
    print('part %s: %d requests' % (name, total))
    print('  %-10s %8s %8s %8s %8s' % ('', 'cat@1', 'cat@3', 'unit@1',
            'unit@3'))
    for label, prefix in [('suggest', ''), ('baseline', 'b')]:
        print('  %-10s %8.3f %8.3f %8.3f %8.3f' % tuple([label] + [
                    hits[prefix + k] / total
                    for k in ['c1', 'c3', 'u1', 'u3']]))
    print('  latency ms: p50 %.1f p95 %.1f' % (
            1000 * times[total // 2], 1000 * times[int(total * .95)]))
    return misses


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--train', choices=['generator', 'train', 'both'],
        default='generator')
    parser.add_argument('-n', '--count', type=int, default=2000,
        help='generated requests of the history')
    parser.add_argument('--parts', default='dev',
        help='dev, heldout or dev,heldout')
    parser.add_argument('--misses', action='store_true',
        help='print the dev part\'s category misses')
    args = parser.parse_args(argv)
    os.environ.setdefault('TRYTOND_DATABASE_URI', 'sqlite://')
    os.environ.setdefault('DB_NAME', ':memory:')
    from trytond.tests.test_tryton import DB_NAME, activate_module
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    activate_module('sushi_analysis')
    rows = labelled()
    with Transaction().start(DB_NAME, 0, readonly=False) as transaction:
        Pool(DB_NAME).init()
        resolver = load_history(args, rows)
        for name in args.parts.split(','):
            misses = evaluate(part(rows, name), resolver, name)
            if args.misses and name == 'dev':
                for miss in misses:
                    print('  miss:', *miss)
        transaction.rollback()


if __name__ == '__main__':
    main()
