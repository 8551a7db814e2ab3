# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the consultation's set-based work: the hourly light sweep
of the agreed items (`sushi.consultation.item.sweep`) and the per-unit
figures of the monthly report (`sushi.consultation.report.unit_figures`),
over N topics of implementation with 5 agreed items each, spread over the
106 assessed units (inserted with multi-row INSERTs, not measured).
It prints the times and asserts nothing.

Usage (SQLite in memory; for PostgreSQL set TRYTOND_DATABASE_URI and
DB_NAME to a server and database of your own):
    DB_NAME=:memory: TRYTOND_DATABASE_URI=sqlite:// \\
        .venv/bin/python bench/bench_consultation.py [N]
"""
import datetime as dt
import sys
import time
import unittest

from trytond.modules.sushi_ticket.tests.tools import DBTestCase, at, local
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


class Bench(DBTestCase, unittest.TestCase):
    module = 'sushi_supervision'

    @with_transaction()
    def test_bench(self):
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Item = pool.get('sushi.consultation.item')
        Meeting = pool.get('sushi.consultation')
        Report = pool.get('sushi.consultation.report')
        Unit = pool.get('sushi.unit')
        units = Unit.search([('assessed', '=', True)])
        N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
        cursor = Transaction().connection.cursor()
        topic = Topic.__table__()
        meeting = Meeting.__table__()
        item = Item.__table__()
        now = local(2025, 3, 10, 9)
        t0 = time.time()
        cursor.execute(*topic.insert(
                [topic.title, topic.source, topic.state, topic.kind,
                    topic.lead_unit, topic.theme_month, topic.create_uid,
                    topic.create_date],
                [['t%s' % i, 'office', 'implementing', 'monthly_theme',
                        units[i % len(units)].id, dt.date(2025, 3, 1), 0,
                        now] for i in range(N)]))
        cursor.execute(*topic.select(topic.id))
        tids = [i for i, in cursor]
        cursor.execute(*meeting.insert(
                [meeting.topic, meeting.state, meeting.held_at,
                    meeting.minutes_due_at, meeting.minutes_submitted_at,
                    meeting.minutes_late, meeting.create_uid,
                    meeting.create_date],
                [[t, 'minutes_submitted', now, now, now, False, 0, now]
                    for t in tids]))
        cursor.execute(*meeting.select(meeting.id, meeting.topic))
        rows = list(cursor)
        vals = []
        for k in range(5):
            for m, t in rows:
                vals.append([m, t, 'x', units[(t + k) % len(units)].id,
                        local(2025, 3, 10 + k * 5, 17, 30),
                        local(2025, 3, 8 + k * 5, 17, 30), 'open', 0, now])
        cursor.execute(*item.insert(
                [item.meeting, item.topic, item.description, item.unit,
                    item.deadline, item.yellow_from, item.state,
                    item.create_uid, item.create_date], vals))
        print('\nloaded %s topics, %s items in %.1fs' % (
                N, len(vals), time.time() - t0))
        with at(2025, 3, 16, 9):
            t0 = time.time()
            Item.sweep()
            print('Item.sweep over %s open items: %.3fs' % (
                    len(vals), time.time() - t0))
            t0 = time.time()
            figures = Report.unit_figures(dt.date(2025, 3, 1))
            print('Report.unit_figures (%s units): %.3fs' % (
                    len(figures), time.time() - t0))


if __name__ == '__main__':
    unittest.main(argv=sys.argv[:1])
