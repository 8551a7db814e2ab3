#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The README's scale table from the --json files of bench/scale.py runs:
each operation's p50 / p95 at 1 M and 10 M and the growth of its p95.

    bench/scale_table.py --small 1m-*.json --large 10m-*.json

Several files per size (the timed slices of --only); an operation timed in
several files of a size keeps its last figure.  A file is either the --json
output or the printed log of a run (its "  operation: p50 … ms, p95 … ms"
lines: a run stopped by a timeout prints no JSON); a log's lines with
`uptime` output (before and after the run) give the load average printed
next to its figures.
"""
import argparse
import json
import re


LINE = re.compile(r'^  (.+): p50 (\d+) ms, p95 (\d+) ms')
UPTIME = re.compile(r'load average: ([\d.]+)')


def read_log(path):
    results, loads = {}, []
    with open(path) as f:
        for line in f:
            match = LINE.match(line)
            if match:
                results[match.group(1)] = {
                    'p50': int(match.group(2)) / 1000,
                    'p95': int(match.group(3)) / 1000}
            loads += UPTIME.findall(line)
    return {'results': results,
        'load': '–'.join(loads) if loads else None}


def load(paths):
    results = {}
    for path in paths:
        if path.endswith('.json'):
            with open(path) as f:
                data = json.load(f)
        else:
            data = read_log(path)
        for name, figures in data['results'].items():
            results[normalize(name)] = dict(figures, load=data.get('load'),
                name=name)
    return results


def normalize(name):
    "The operation without the list sizes that differ between the sizes."
    return re.sub(r' \(of [\d,]+\)', '', name)


def ms(figures):
    if not figures:
        return '–'
    text = f"{figures['p50'] * 1000:.0f} / {figures['p95'] * 1000:.0f}"
    if figures.get('load'):
        text += f" ({figures['load']})"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--small', nargs='+', default=[])
    parser.add_argument('--large', nargs='+', default=[])
    args = parser.parse_args()
    small, large = load(args.small), load(args.large)
    print('| operation | 1 M p50 / p95 ms (load) | 10 M p50 / p95 ms (load) '
        '| growth of the p95 | ≤ 200 ms at 10 M |')
    print('|---|---|---|---|---|')
    for name in list(large) + [n for n in small if n not in large]:
        s, g = small.get(name), large.get(name)
        growth = '–'
        if s and g:
            growth = f"×{g['p95'] / max(s['p95'], 0.0005):.1f}"
        met = '–' if not g else (
            'met' if g['p95'] <= 0.2 else '**not met**')
        print(f'| {name} | {ms(s)} | {ms(g)} | {growth} | {met} |')


if __name__ == '__main__':
    main()
