# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of two bulk paths over N work orders (5 000):

- the red cards recomputed when a year is entered (CONV-03, LGT-02):
  `Assignment.red_cards_recomputed`, with sushi_supervision's override
  (the ACC-02 candidates and the level-1 supervision candidates of the
  cards withdrawn are withdrawn or flagged, those of the cards kept are
  dated anew), for 4/5 of the N red cards withdrawn (1 in 10 of their
  records already decided by the Office, so flagged) and 1/5 re-dated,
  each to its own time;
- the export of the N orders (number, title, description and the
  assignments' copy of the title) by a city leader, who reads the texts
  masked (PUB-06): `Ticket.export_data`, and `Ticket.mask_export` alone
  on the same unmasked rows.

The orders are copies of one order made through the ORM (dispatched and
signed), inserted with multi-row INSERTs, each with its own requester
name and phone written into its title; not measured.  It prints the
times and a checksum of what each path wrote or returned, to compare two
versions of the code (same checksum: same result), and asserts nothing.

Usage (SQLite in memory; for PostgreSQL set TRYTOND_DATABASE_URI and
DB_NAME to a server and database of your own; `cards` or `export` times
only that part):
    DB_NAME=:memory: TRYTOND_DATABASE_URI=sqlite:// \\
        .venv/bin/python bench/bench_recompute_mask.py [N [cards|export]]
"""
import copy
import datetime as dt
import hashlib
import logging
import sys
import time
import unittest

from trytond.modules.sushi_supervision.candidate import candidate_key
from trytond.modules.sushi_ticket.tests.test_rights import as_user
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, create_ticket, dispatch_ticket, local, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
# 'cards' or 'export' to time one of the two only
PART = sys.argv[2] if len(sys.argv) > 2 else 'both'


def checksum(rows):
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(tuple(row)).encode('utf-8'))
    return digest.hexdigest()[:16]


def copies(table, id_, count, vary):
    """Insert count copies of the row id_ of table, vary(i, row) changing
    each; return the new ids in order."""
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(where=table.id == id_))
    columns = [d[0] for d in cursor.description]
    row = dict(zip(columns, cursor.fetchone()))
    del row['id']
    names = sorted(row)
    cursor.execute(*table.select(table.id, order_by=[table.id.desc],
            limit=1))
    last, = cursor.fetchone()
    values = []
    for i in range(count):
        new = dict(row)
        vary(i, new)
        values.append([new[n] for n in names])
    for sub in grouped_slice(values, 500):
        cursor.execute(*table.insert([getattr(table, n) for n in names],
                list(sub)))
    cursor.execute(*table.select(table.id, where=table.id > last,
            order_by=[table.id]))
    return [i for i, in cursor]


class Bench(DBTestCase, unittest.TestCase):
    module = 'sushi_supervision'

    def orders(self, ns):
        "N orders signed by the county, with a red card; their parts."
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Assignment = pool.get('sushi.ticket.assignment')
        with at(2026, 12, 31, 10):
            ticket = create_ticket(title='张先生反映小区门口道路积水')
            part, = dispatch_ticket(ticket, ns.county, basis='属地管理')
        with at(2026, 12, 31, 11), Transaction().set_user(ns.handler.id):
            Assignment.sign([part])

        def ticket_row(i, row):
            row['number'] = '%s-%05d' % (row['number'], i)
            row['channel_ref'] = None
            row['requester_name'] = '张%s' % '一二三四五六七八九十'[i % 10]
            row['requester_phone'] = '1380557%04d' % i
            row['title'] = '%s反映%s小区门口道路积水，电话1380557%04d' % (
                row['requester_name'], i, i)
        tickets = copies(Ticket.__table__(), ticket.id, N, ticket_row)
        new = iter(tickets)

        def part_row(i, row):
            row['ticket'] = next(new)
            row['red_card'] = True
            row['red_card_at'] = local(2027, 1, 1, 17, 30)
        parts = copies(Assignment.__table__(), part.id, N, part_row)
        # the copies of their order's title and number (issue #14)
        Assignment.sync_ticket_copy(tickets)
        cursor = Transaction().connection.cursor()
        a = Assignment.__table__()
        cursor.execute(*a.select(a.id, a.ticket, a.unit, a.round,
                where=a.id >= parts[0], order_by=[a.id]))
        rows = list(cursor)
        return tickets, rows

    @with_transaction()
    def test_bench(self):
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Accountability = pool.get('sushi.accountability')
        Candidate = pool.get('sushi.supervision.candidate')
        cursor = Transaction().connection.cursor()
        ns = setup_network()
        t0 = time.time()
        tickets, parts = self.orders(ns)
        provisional = local(2027, 1, 1, 17, 30)
        acc = Accountability.__table__()
        cand = Candidate.__table__()
        now = local(2027, 1, 2, 10)
        cursor.execute(*acc.insert([acc.key, acc.unit, acc.case_type,
                    acc.assignment, acc.fact_at, acc.automatic, acc.state,
                    acc.created_at, acc.create_uid, acc.create_date],
                [['acc02_overdue:%s' % id_, unit, 'acc02_overdue', id_,
                        provisional, True,
                        'open' if i % 10 == 0 else 'candidate', now, 0, now]
                    for i, (id_, _, unit, _) in enumerate(parts)]))
        cursor.execute(*cand.insert([cand.key, cand.trigger, cand.level,
                    cand.ticket, cand.unit, cand.fact_at, cand.proposed_at,
                    cand.state, cand.create_uid, cand.create_date],
                [[candidate_key('l1_not_handled', ticket, unit, round_),
                        'l1_not_handled', '1', ticket, unit, provisional,
                        now, 'dismissed' if i % 10 == 0 else 'proposed',
                        0, now]
                    for i, (_, ticket, unit, round_) in enumerate(parts)]))
        # 4/5 of the cards withdrawn, the rest re-dated, each its own time
        withdrawn = [p[0] for p in parts[:N * 4 // 5]]
        redated = [p[0] for p in parts[N * 4 // 5:]]
        a = Assignment.__table__()
        for sub in grouped_slice(withdrawn, 500):
            cursor.execute(*a.update([a.red_card, a.red_card_at],
                    [False, None], where=a.id.in_(list(sub))))
        for i, id_ in enumerate(redated):
            cursor.execute(*a.update([a.red_card_at],
                    [local(2027, 1, 4, 17, 30)
                        - dt.timedelta(minutes=i % 600)],
                    where=a.id == id_))
        print('\nloaded %s orders, their red cards and records in %.1fs'
            % (N, time.time() - t0))

        if PART != 'export':
            self.red_cards(withdrawn, redated)
        if PART != 'cards':
            self.export(ns, tickets)

    def red_cards(self, withdrawn, redated):
        "The red cards recomputed: the hook of recompute_deadlines."
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        acc = pool.get('sushi.accountability').__table__()
        cand = pool.get('sushi.supervision.candidate').__table__()
        cursor = Transaction().connection.cursor()
        with at(2027, 1, 5, 10):
            t0 = time.time()
            Assignment.red_cards_recomputed(Assignment.browse(withdrawn),
                Assignment.browse(redated), local(2027, 1, 1))
            elapsed = time.time() - t0
        cursor.execute(*acc.select(acc.id, acc.state, acc.key, acc.fact_at,
                acc.basis_withdrawn_at, acc.basis_withdrawn_reason,
                order_by=[acc.id]))
        accs = list(cursor)
        cursor.execute(*cand.select(cand.id, cand.state, cand.key,
                cand.fact_at, cand.basis_withdrawn_at,
                cand.basis_withdrawn_reason, order_by=[cand.id]))
        cands = list(cursor)
        print('red_cards_recomputed: %s withdrawn, %s re-dated: %.3fs '
            '(records %s, candidates %s)' % (len(withdrawn), len(redated),
                elapsed, checksum(accs), checksum(cands)))

    def export(self, ns, tickets):
        "The orders exported by a city leader, who reads them masked."
        Ticket = Pool().get('sushi.ticket')
        names = ['number', 'title', 'description', 'assignments/ticket_title']
        records = Ticket.browse(tickets)
        unmasked = Ticket.export_data(records, names)
        with as_user(ns.city_leader):
            t0 = time.time()
            rows = Ticket.export_data(Ticket.browse(tickets), names)
            exported = time.time() - t0
            rows_alone = copy.deepcopy(unmasked)
            t0 = time.time()
            Ticket.mask_export(Ticket, Ticket.browse(tickets), names,
                rows_alone, False)
            masking = time.time() - t0
        if rows != rows_alone:
            print('export_data and mask_export alone differ!')
        print('export_data of %s orders by a city leader: %.3fs; '
            'mask_export alone: %.3fs (rows %s)' % (len(rows), exported,
                masking, checksum(rows)))
        print('e.g. %s' % (rows[1],))


if __name__ == '__main__':
    # the year's provisional-deadline warnings and the e-mails of the
    # notices (no mail server here)
    logging.disable(logging.CRITICAL)
    unittest.main(argv=sys.argv[:1])
