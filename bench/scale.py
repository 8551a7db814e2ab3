#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The screens at scale: N work orders on PostgreSQL, timed as the roles
call them (issue #14).

Build (not timed): a database with sushi_ticket activated, then N tickets
over two years (2025-2026) made from generated requests (generate.py:
realistic titles, descriptions, addresses, units, phones with repeat
callers), the newest ~5 % open in the states of a working line, the others
closed, archived, answered at intake, rejected or merged; a lead assignment
per dispatched ticket (+ co-units on ~15 %), intake/dispatch/close events.
A template of generated requests is COPY-loaded, the rows are multiplied in
SQL (INSERT ... SELECT over generate_series), the secondary indexes are
dropped before the load and re-created after it, then VACUUM ANALYZE.

Timed (p50/p95 over --calls varied calls, warm cache), through the ORM
exactly as the RPC methods sao calls run them, record rules applied, as a
dispatcher (platform staff) and as unit handlers of several units:
- every list of the sao actions on work orders and assignments: first page
  (search with the action's domain, order and limit + read of the list
  view's fields for the first rows), the list count sao asks when the page
  is full (search_count(domain, 0, count_limit)), each tab's counter
  (search_count(tab, 0, 1000)) and a deep page (random offset);
- the search bar: a ticket number, a phone, title words; and title words
  and common words as a city leader, who reads the requester masked
  (through the search RPC's rewrite, sushi_ticket/masked.py);
- opening a form (read of the form view's fields of a random ticket);
- intake: the look-alikes (find_similar, Ticket.similarity) and earlier
  requests by phone (earlier_requests), and the repeat check;
- the sweep: first run and steady state, with its events and notices.

Usage:
    .venv/bin/python bench/scale.py --tickets 1000000
    .venv/bin/python bench/scale.py --tickets 1000000 --cluster ~/scale-pg \\
        --keep                     # keep the cluster and database for reruns
    .venv/bin/python bench/scale.py --cluster ~/scale-pg --no-build \\
        --update                   # rerun after changing sushi_ticket
    .venv/bin/python bench/scale.py ... --explain   # EXPLAIN the slow ones
"""
import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / 'scripts'))

# PostgreSQL production settings for the 2-core, 24 GiB machine (see the
# README); fsync and synchronous_commit stay on.
PG_SETTINGS = {
    'shared_buffers': '2GB',
    'effective_cache_size': '12GB',
    'work_mem': '32MB',
    'maintenance_work_mem': '512MB',
    'random_page_cost': '1.1',
    'effective_io_concurrency': '200',
    'max_parallel_workers_per_gather': '1',
    'max_worker_processes': '4',
    'jit': 'off',
    'wal_level': 'replica',
    'max_wal_size': '8GB',
    'checkpoint_timeout': '15min',
    'default_statistics_target': '200',
    'max_connections': '200',
    # psycopg prepares a statement run 5 times on a connection; PostgreSQL
    # then switches to a generic plan, blind to the unit, state list or
    # search text (README "Scale": seconds for a small unit's list)
    'plan_cache_mode': 'force_custom_plan',
    }
# Only while the build loads (then the cluster restarts with PG_SETTINGS):
# with wal_level=minimal the rows of tables truncated in the loading
# transaction are not written to the WAL (half the writes, no 8 GB of WAL
# on the disk at 10 M); fsync off is safe for data that is rebuilt on a
# crash.
BUILD_SETTINGS = {
    'wal_level': 'minimal',
    'max_wal_senders': '0',
    'fsync': 'off',
    'full_page_writes': 'off',
    'synchronous_commit': 'off',
    'maintenance_work_mem': '1GB',
    'checkpoint_timeout': '30min',
    }
START = dt.datetime(2025, 1, 1)
DAYS = 720                       # two years of received orders
NOW_LOCAL = START + dt.timedelta(days=DAYS, hours=10)   # 2026-12-22 10:00
OPEN_SHARE = 0.05
# words of many titles (at 1 M: 7 514 to 69 091 orders each; 咨询 400 808)
COMMON_WORDS = ['物业', '噪音', '积水', '拖欠', '举报', '占道', '扰民', '小区',
    '道路', '医院', '车辆']
# two-character words (most Chinese words: no trigram), fourteenth session;
# the orders whose title holds each at 1 M
RARE_PAIRS = ['井盖', '欠薪', '家门', '天门', '建筑', '服装', '机械', '外环']
# 0, 0, 165, 293, 981, 1 213, 1 371, 1 315
MIDDLING_PAIRS = ['退费', '电梯', '车辆', '油烟', '公交', '停水']
# 3 663, 6 548, 7 514, 8 432, 9 206, 11 931
TWO_CHARACTER_WORDS = [('a rare two-character word', RARE_PAIRS),
    ('a middling two-character word', MIDDLING_PAIRS),
    ('a common word', COMMON_WORDS)]
# as trytond's dispatcher runs an RPC call: access rights and record rules
# applied
RPC_CONTEXT = {'_check_access': True}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--tickets', type=int, default=1_000_000)
    parser.add_argument('--templates', type=int, default=20_000,
        help="generated requests the tickets are made of (20 000)")
    parser.add_argument('--calls', type=int, default=30,
        help="timed calls per operation (30)")
    parser.add_argument('--handlers', type=int, default=10,
        help="unit handlers, each of another unit (10)")
    parser.add_argument('--cluster', help="directory of a PostgreSQL "
        "cluster to start (created if missing); default: a throwaway one")
    parser.add_argument('--keep', action='store_true',
        help="leave the cluster running")
    parser.add_argument('--uri', help="an already running PostgreSQL")
    parser.add_argument('--database', default='scale')
    parser.add_argument('--no-build', dest='build', action='store_false',
        help="reuse the database built by an earlier run")
    parser.add_argument('--update', action='store_true',
        help="trytond-admin -u sushi_ticket before timing (new indexes)")
    parser.add_argument('--update-only', action='store_true',
        help="with --update: update, then stop (time the upgrade alone)")
    parser.add_argument('--only', help="regular expression: time only the "
        "operations whose name matches")
    parser.add_argument('--explain', action='store_true',
        help="EXPLAIN ANALYZE the statements of operations over 200 ms")
    parser.add_argument('--skip-sweep', action='store_true')
    parser.add_argument('--no-count-reuse', dest='count_reuse',
        action='store_false', help="count every list count (a count that "
        "reached its limit is otherwise reused for 5 minutes)")
    parser.add_argument('--sweep-prepare', action='store_true',
        help="reset the open assignments' lights and facts (as before a "
        "first sweep) and VACUUM ANALYZE, then stop (untimed)")
    parser.add_argument('--sweep-prepared', action='store_true',
        help="time the sweep without that reset (run --sweep-prepare "
        "first)")
    parser.add_argument('--sweep-step', choices=['update', 'sweep'],
        help="time only the single UPDATE (rolled back) or only the "
        "first and steady sweeps (two timed runs of at most 5 minutes at "
        "10 M; the sweep's ratio is then of the two runs' figures)")
    parser.add_argument('--sweep-events-budget', type=float, default=150,
        help="seconds for running the queued events of a sweep (the rest "
        "stay queued; the count run is printed)")
    parser.add_argument('--prewarm', action='store_true',
        help="read the orders, assignments and their indexes (and the "
        "events' index on the order) into the OS cache before timing "
        "(pg_prewarm): the issue's warm cache after a restart")
    parser.add_argument('--old-rule', action='store_true',
        help="time with the unit rule on orders as it was before issue "
        "#14's rewrite (restored after)")
    parser.add_argument('--build-only', action='store_true',
        help="build, then stop (with --keep: leave the cluster running)")
    parser.add_argument('--check-masked', action='store_true',
        help="untimed: the masked searches of the timed words (search bar, "
        "title, description) find the same orders as masking every "
        "candidate in Python (the path before the thirteenth session)")
    parser.add_argument('--seed', type=int, default=14)
    parser.add_argument('--json', help="write the figures to this file")
    return parser.parse_args()


def log(message):
    print(message, flush=True)


# --- the cluster ------------------------------------------------------------

def start_cluster(args, settings=PG_SETTINGS, port=None):
    from runtests import Cluster, find_pg_bin, free_port
    if args.uri:
        return args.uri, None
    cluster = Cluster()
    if args.cluster:
        shutil.rmtree(cluster.dir, ignore_errors=True)
        cluster.dir = os.path.abspath(args.cluster)
        os.makedirs(cluster.dir, exist_ok=True)
        if os.geteuid() == 0:
            import pwd
            pw = pwd.getpwnam('postgres')
            os.chown(cluster.dir, pw.pw_uid, pw.pw_gid)
    data = os.path.join(cluster.dir, 'data')
    port_file = os.path.join(cluster.dir, 'port')
    if os.path.exists(os.path.join(data, 'postmaster.pid')):
        with open(port_file) as f:
            port = int(f.read())
        return f'postgresql://tryton@127.0.0.1:{port}/', cluster
    if not os.path.exists(data):
        # pg_trgm only makes trigrams of the characters the ctype calls
        # alphanumeric: with LC_CTYPE=C it drops every Chinese character
        cluster.run(find_pg_bin('initdb'), '-D', data, '-U', 'tryton',
            '-A', 'trust', '-E', 'UTF8', '--locale=C',
            '--lc-ctype=C.UTF-8')
    port = port or free_port()
    with open(port_file, 'w') as f:
        f.write(str(port))
    options = (f'-p {port} -k {cluster.dir} -c listen_addresses=127.0.0.1 '
        + ' '.join(f'-c {k}={v}' for k, v in settings.items()))
    cluster.run(find_pg_bin('pg_ctl'), '-D', data, '-o', options,
        '-l', os.path.join(cluster.dir, 'log'), '-w', 'start')
    return f'postgresql://tryton@127.0.0.1:{port}/', cluster


def restart_cluster(args, cluster):
    "Restart the cluster with the production settings after the build."
    from runtests import find_pg_bin
    data = os.path.join(cluster.dir, 'data')
    with open(os.path.join(cluster.dir, 'port')) as f:
        port = int(f.read())
    cluster.run(find_pg_bin('pg_ctl'), '-D', data, '-m', 'fast', '-w',
        'stop')
    # the same port: trytond's configuration keeps the URI
    uri, _ = start_cluster(args, port=port)
    return uri


# --- the build ---------------------------------------------------------------

def build(args):
    "Create the database and load args.tickets work orders."
    from benchtools import create_database
    from trytond import backend
    from trytond.pool import Pool
    start = time.perf_counter()
    database = backend.Database().connect()
    if args.database in database.list():
        log(f'build: reloading the tickets of database {args.database}')
        database.close()
        Pool(args.database).init()
        truncate(args.database)
        return load(args)
    database.close()
    create_database(args.database)
    log(f'build: sushi_ticket activated in {time.perf_counter() - start:.0f}'
        ' s')
    Pool(args.database).init()
    load(args)


def load(args):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from generate import Generator, Resolver
    from sweep import bulk_insert

    started = time.perf_counter()
    generator = Generator(seed=args.seed)
    requests = [r for r in generator.requests(args.templates,
            START.date(), (START + dt.timedelta(days=DAYS - 1)).date())]
    with Transaction().start(args.database, 0) as transaction:
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Channel = pool.get('sushi.channel')
        Unit = pool.get('sushi.unit')
        resolver = Resolver()
        cursor = transaction.connection.cursor()
        cursor.execute('SET LOCAL synchronous_commit = off')
        # the rows are consistent by construction: no per-row foreign key
        # triggers during the load (the benchmark's role is a superuser)
        cursor.execute('SET LOCAL session_replication_role = replica')
        # new files in this transaction: not WAL-logged with wal_level
        # minimal (BUILD_SETTINGS)
        cursor.execute('TRUNCATE sushi_ticket, sushi_ticket_assignment, '
            'sushi_ticket_event CASCADE')
        vlist = resolver.ticket_values(requests)
        codes = {c.id: c.number_code or '00' for c in Channel.search([])}
        from trytond.modules.sushi_ticket.ticket import TYPE_CODES
        rows = []
        for k, (request, values) in enumerate(zip(requests, vlist)):
            received = values.pop('received_at')
            local = received.replace(tzinfo=dt.timezone.utc).astimezone(
                dt.timezone(dt.timedelta(hours=8)))
            values.update({
                    'k': k,
                    'seconds': local.hour * 3600 + local.minute * 60
                    + local.second,
                    'unit': resolver.units[request['unit']],
                    'code': codes.get(values['channel'], '00')
                    + TYPE_CODES.get(values['request_type'], '00'),
                    })
            values.pop('channel_ref', None)
            rows.append(values)
        names = list(rows[0])
        cursor.execute('CREATE TABLE scale_template (%s)' % ', '.join(
                '"%s" %s' % (n, template_type(Ticket, n)) for n in names))
        bulk_insert(cursor, 'scale_template', rows)
        # the dispatchable units (tier 2) for the co-units
        units = [u.id for u in Unit.search([('tier', '=', '2')])]
        cursor.execute('CREATE TABLE scale_unit (n integer, unit integer)')
        bulk_insert(cursor, 'scale_unit',
            [{'n': n, 'unit': u} for n, u in enumerate(units)])
        log(f'build: {len(rows):,} generated requests as templates, '
            f'{len(units)} tier-2 units ({time.perf_counter() - started:.0f}'
            ' s)')
        tables = ['sushi_ticket', 'sushi_ticket_assignment',
            'sushi_ticket_event']
        indexes = drop_indexes(cursor, tables)
        fill(cursor, args, names, len(rows), len(units))
        log(f'build: rows loaded ({time.perf_counter() - started:.0f} s); '
            f'{len(indexes)} indexes to re-create')
        for definition in indexes:
            index_start = time.perf_counter()
            cursor.execute(definition)
            log(f'build: {time.perf_counter() - index_start:6.1f} s '
                f'{definition[:110]}')
        for table in tables:
            cursor.execute("SELECT setval('%s_id_seq', "
                "(SELECT MAX(id) FROM \"%s\"))" % (table, table))
        cursor.execute('DROP TABLE scale_template')
        cursor.execute('DROP TABLE scale_unit')
        transaction.commit()
    log(f'build: indexes re-created ({time.perf_counter() - started:.0f} s)')
    vacuum(args.database)
    log(f'build: VACUUM ANALYZE done ({time.perf_counter() - started:.0f} s)')


def truncate(database):
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('DROP TABLE IF EXISTS scale_template, scale_unit')
        cursor.execute('TRUNCATE sushi_ticket, sushi_ticket_assignment, '
            'sushi_ticket_event CASCADE')
        transaction.commit()


def template_type(Ticket, name):
    types = {'seconds': 'integer', 'k': 'integer', 'unit': 'integer',
        'code': 'varchar'}
    if name in types:
        return types[name]
    field = Ticket._fields[name]
    return {'many2one': 'integer', 'boolean': 'boolean',
        'integer': 'integer'}.get(field._type, 'varchar')


def drop_indexes(cursor, tables):
    """Drop the secondary indexes of tables (not those of constraints);
    return their definitions."""
    cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM "
        "pg_constraint c WHERE c.conname = i.indexname)", (tables,))
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute('DROP INDEX "%s"' % name)
    return [d for _, d in found]


# Shares of the closed part (the rest of the older tickets)
CLOSED_STATES = [('closed', 0.52), ('archived', 0.28), ('answered', 0.15),
    ('rejected', 0.03), ('merged', 0.02)]
# Shares of the open part (the newest OPEN_SHARE)
OPEN_TICKET_STATES = [('accepted', 0.03), ('dispatched', 0.30),
    ('in_progress', 0.50), ('replied', 0.10), ('reviewed', 0.05),
    ('verifying', 0.02)]
# ticket state -> (lead assignment state, co-unit assignment state)
ASSIGNMENT_STATES = {
    'dispatched': ('dispatched', 'dispatched'),
    'in_progress': ('signed', 'signed'),
    'replied': ('replied', 'replied'),
    'reviewed': ('replied', 'replied'),
    'verifying': ('replied', 'replied'),
    'closed': ('completed', 'completed'),
    'archived': ('completed', 'completed'),
    }


def case(expression, shares):
    "A SQL CASE choosing among shares by expression in [0, 1)."
    parts, total = [], 0
    for value, share in shares[:-1]:
        total += share
        parts.append(f"WHEN {expression} < {total:.4f} THEN '{value}'")
    return f"CASE {' '.join(parts)} ELSE '{shares[-1][0]}' END"


def fill(cursor, args, names, templates, units):
    """Multiply the templates into args.tickets tickets, their assignments
    and events, in SQL."""
    from trytond.modules.sushi_ticket.ticket import UNIT_OPEN_STATES
    n = args.tickets
    open_from = int(n * (1 - OPEN_SHARE))
    # a deterministic pseudo-random number in [0, 1) of g and a salt
    rnd = "((hashint4(g * {0} + {1}) & 2147483647)::float8 / 2147483648)"
    def pick(salt, modulo):
        "A deterministic pseudo-random integer in [0, modulo) of g."
        return f"((hashint4(g * {salt}) & 2147483647) % {modulo})"
    copied = [c for c in names
        if c not in {'k', 'seconds', 'unit', 'code', 'requester_phone'}]
    # the day grows with g; the local time of day is the template's
    received = ("(TIMESTAMP '{start}' + floor((g - 1)::float8 / {n} * "
        "{days}) * INTERVAL '1 day' + t.seconds * INTERVAL '1 second' "
        "- INTERVAL '8 hours')").format(start=START, n=n, days=DAYS)
    state = (f"CASE WHEN g > {open_from} THEN "
        f"{case(rnd.format(7, 1), OPEN_TICKET_STATES)} ELSE "
        f"{case(rnd.format(7, 2), CLOSED_STATES)} END")
    dispatched = "state NOT IN ('accepted', 'answered', 'rejected', 'merged')"
    cursor.execute('CREATE TEMPORARY TABLE scale_t ON COMMIT DROP AS '
        f'SELECT g, t.k, {received} AS received_at, {state} AS state, '
        f't.unit, t.code FROM generate_series(1, {n}) g '
        f'JOIN scale_template t ON t.k = {pick(1, templates)}')
    log('build: ticket skeletons')
    phone = (f"CASE WHEN {rnd.format(11, 3)} < 0.18 THEN t.requester_phone "
        f"ELSE '1' || (3 + {pick(13, 7)})::text || "
        f"lpad({pick(17, 1000000000)}::text, 9, '0') END")
    # the order's number: its local day, channel and type code, serial
    number = ("to_char(s.received_at + INTERVAL '8 hours', 'YYYYMMDD') "
        "|| s.code || lpad(s.g::text, 8, '0')")
    columns = ', '.join('"%s"' % c for c in copied)
    tcols = ', '.join('t."%s"' % c for c in copied)
    cursor.execute(
        f'INSERT INTO sushi_ticket (id, number, received_at, state, '
        f'requester_phone, lead_unit, disposal, dispatched_at, '
        f'dispatch_deadline, dispatch_late, deadline, closed_at, '
        f'archived_at, round, disclosure, create_uid, create_date, '
        f'{columns}) '
        f"SELECT s.g, {number}, s.received_at, "
        f"s.state, {phone}, "
        f"CASE WHEN s.state NOT IN ('accepted', 'answered', 'rejected', "
        f"'merged') THEN s.unit END, "
        f"CASE WHEN s.state = 'answered' THEN 'direct_answer' "
        f"WHEN s.state = 'rejected' THEN 'explain_and_redirect' "
        f"WHEN s.state = 'merged' THEN 'duplicate_linked' "
        f"WHEN s.state = 'accepted' THEN NULL ELSE 'dispatched' END, "
        f"CASE WHEN s.state NOT IN ('accepted', 'answered', 'rejected', "
        f"'merged') THEN s.received_at + INTERVAL '40 minutes' END, "
        f"s.received_at + INTERVAL '2 hours', false, "
        f"s.received_at + INTERVAL '10 days', "
        f"CASE WHEN s.state IN ('closed', 'archived', 'answered', "
        f"'rejected', 'merged') THEN s.received_at + INTERVAL '8 days' END, "
        f"CASE WHEN s.state = 'archived' THEN s.received_at "
        f"+ INTERVAL '40 days' END, 1, t.request_type <> 'report', 0, "
        f"s.received_at, {tcols} "
        f"FROM scale_t s JOIN scale_template t ON t.k = s.k")
    log(f'build: {cursor.rowcount:,} tickets')
    # one lead assignment per dispatched ticket, a co-unit for ~15 %
    a_state = ' '.join(f"WHEN '{s}' THEN '{a}'"
        for s, (a, _) in ASSIGNMENT_STATES.items())
    common = ("ticket, unit, role, round, state, for_information, "
        "dispatched_at, dispatched_by, dispatch_basis, sign_deadline, "
        "signed_at, return_deadline, limit_days, due_at, original_due_at, "
        "yellow_at, light, late_sign_in, deemed_accepted, sign_reminded, "
        "red_card, review_return_count, consecutive_returns, completed_at, "
        "create_uid, create_date, ticket_title, ticket_state, "
        "ticket_received_at, ticket_open, ticket_number")
    values = ("s.g, {unit}, '{role}', 1, a_state, false, d, 1, "
        "'属地管理、职责分工', d + INTERVAL '2 hours', "
        "CASE WHEN a_state <> 'dispatched' THEN d + INTERVAL '1 hour' END, "
        "d + INTERVAL '1 day', 5, d + INTERVAL '7 days', "
        "d + INTERVAL '7 days', d + INTERVAL '5 days', 'green', false, "
        "false, false, false, 0, 0, "
        "CASE WHEN a_state = 'completed' THEN "
        "d + INTERVAL '4 days' END, 0, d, "
        # the order's copies (Assignment.sync_ticket_copy)
        "s.title, s.state, s.received_at, "
        "CASE WHEN s.state IN (%s) THEN true END, %s" % (', '.join(
            f"'{s}'" for s in UNIT_OPEN_STATES), number))
    source = (f"FROM (SELECT s.*, tt.title, "
        f"s.received_at + INTERVAL '40 minutes' "
        f"AS d, CASE s.state {a_state} END AS a_state FROM scale_t s "
        f"JOIN scale_template tt ON tt.k = s.k "
        f"WHERE s.{dispatched}) s")
    cursor.execute(f'INSERT INTO sushi_ticket_assignment ({common}) '
        f'SELECT {values.format(unit="s.unit", role="lead")} {source} '
        f'ORDER BY s.g')
    log(f'build: {cursor.rowcount:,} lead assignments')
    cursor.execute(f'INSERT INTO sushi_ticket_assignment ({common}) '
        'SELECT ' + values.format(
            unit=f'(SELECT u.unit FROM scale_unit u WHERE u.n = '
            f'{pick(19, units).replace("g *", "s.g *")})', role='co')
        + f' {source} WHERE {rnd.format(23, 4)} < 0.15 ORDER BY s.g')
    log(f'build: {cursor.rowcount:,} co-unit assignments')
    cursor.execute("INSERT INTO sushi_ticket_event (ticket, action, at, "
        "to_state, actor, create_uid, create_date) "
        "SELECT g, 'intake', received_at, 'draft', 1, 0, received_at "
        "FROM scale_t ORDER BY g")
    cursor.execute("INSERT INTO sushi_ticket_event (ticket, assignment, "
        "unit, action, at, to_state, actor, create_uid, create_date) "
        "SELECT a.ticket, a.id, a.unit, 'dispatch', a.dispatched_at, "
        "'dispatched', 1, 0, a.dispatched_at FROM sushi_ticket_assignment a "
        "ORDER BY a.ticket")
    cursor.execute("INSERT INTO sushi_ticket_event (ticket, action, at, "
        "to_state, actor, create_uid, create_date) "
        "SELECT g, 'close', received_at + INTERVAL '8 days', 'closed', 1, 0, "
        "received_at FROM scale_t WHERE state IN ('closed', 'archived') "
        "ORDER BY g")
    cursor.execute('SELECT COUNT(*) FROM sushi_ticket_event')
    log(f'build: {cursor.fetchone()[0]:,} events')


def vacuum(database, tables=()):
    from trytond import backend
    db = backend.Database(database).connect()
    connection = db.get_connection(autocommit=True)
    try:
        connection.cursor().execute('VACUUM ANALYZE '
            + ', '.join('"%s"' % t for t in tables))
    finally:
        db.put_connection(connection)


def prewarm(database):
    """pg_prewarm 'read': the orders, the assignments, their indexes and
    the events' indexes into the OS cache (a production server's working
    set; after a restart the first calls read the disk)."""
    from trytond import backend
    db = backend.Database(database).connect()
    connection = db.get_connection(autocommit=True)
    start = time.perf_counter()
    try:
        cursor = connection.cursor()
        cursor.execute('CREATE EXTENSION IF NOT EXISTS pg_prewarm')
        cursor.execute("SELECT c.oid FROM pg_class c "
            "WHERE c.relname IN ('sushi_ticket', 'sushi_ticket_assignment') "
            "UNION ALL SELECT x.indexrelid FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indrelid "
            "WHERE c.relname IN ('sushi_ticket', 'sushi_ticket_assignment', "
            "'sushi_ticket_event')")
        blocks = 0
        for oid, in cursor.fetchall():
            cursor.execute("SELECT pg_prewarm(%s, 'read')", (oid,))
            blocks += cursor.fetchone()[0]
    finally:
        db.put_connection(connection)
    log(f'prewarm: {blocks * 8 // 1024:,} MB read in '
        f'{time.perf_counter() - start:.0f} s')


def update_module(database):
    """trytond-admin -u sushi_ticket: the module's new indexes (the
    upgrade's cost: its time and the indexes it creates or drops)."""
    admin = Path(sys.executable).with_name('trytond-admin')
    before = index_sizes(database)
    start = time.perf_counter()
    # -vv: the fill of the orders' copies and the index updates, timed
    run = subprocess.run([sys.executable, str(admin), '-d', database,
            '-u', 'sushi_ticket', '-vv'],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode:
        print(run.stderr[-5000:], file=sys.stderr)
        raise SystemExit(run.returncode)
    for line in run.stderr.splitlines():
        if 'copies filled' in line or 'update index for sushi.ticket' in line:
            log(f'  {line}')
    log(f'trytond-admin -u sushi_ticket: {time.perf_counter() - start:.0f}'
        ' s')
    start = time.perf_counter()
    after = index_sizes(database)
    for name in sorted(set(before) ^ set(after)):
        size, definition = after.get(name) or before[name]
        log(f"  {'created' if name in after else 'dropped'} "
            f"({size}): {definition}")
    # the upgrade rewrites the assignments only (their copies of the
    # order): their visibility map and statistics
    vacuum(database, ['sushi_ticket_assignment'])
    log(f'VACUUM ANALYZE sushi_ticket_assignment: '
        f'{time.perf_counter() - start:.0f} s')


def index_sizes(database):
    "{index name: (size, definition)} of the three big tables."
    from trytond import backend
    db = backend.Database(database).connect()
    connection = db.get_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT indexname, "
            "pg_size_pretty(pg_relation_size(indexname::regclass)), "
            "indexdef FROM pg_indexes WHERE tablename IN ('sushi_ticket', "
            "'sushi_ticket_assignment', 'sushi_ticket_event')")
        return {n: (size, d) for n, size, d in cursor}
    finally:
        db.put_connection(connection)


def set_unit_rule(database, domain, source=False):
    """Write the unit rule on orders (rule_ticket_unit): domain as stored
    (PYSON), or as Python source; return the one it replaces."""
    from trytond.pool import Pool
    from trytond.pyson import Eval, PYSONEncoder
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Rule = pool.get('ir.rule')
        ModelData = pool.get('ir.model.data')
        rule = Rule(ModelData.get_id('sushi_ticket', 'rule_ticket_unit'))
        old = rule.domain
        if source:
            domain = PYSONEncoder().encode(eval(domain, {'Eval': Eval}))
        Rule.write([rule], {'domain': domain})
        transaction.commit()
    log(f'unit rule on orders: {domain}')
    return old


# --- the users -------------------------------------------------------------

def users(args):
    """The dispatcher, the intake agent and args.handlers unit handlers of
    the busiest units (created on the first run)."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(args.database, 0) as transaction:
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        existing = User.search([('login', 'like', 'scale_%')])

        def group(name):
            return ModelData.get_id('sushi_ticket', name)
        if not existing:
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT unit, COUNT(*) FROM '
                'sushi_ticket_assignment GROUP BY unit ORDER BY 2 DESC')
            busy = [u for u, _ in cursor.fetchall()]
            # spread over big and middling units
            step = max(1, len(busy) // (2 * args.handlers))
            chosen = busy[::step][:args.handlers]
            vlist = [{'login': 'scale_dispatcher', 'name': '派单员',
                    'groups': [('add', [group('group_sushi_dispatcher')])]},
                {'login': 'scale_intake', 'name': '话务员',
                    'groups': [('add', [group('group_sushi_intake')])]}]
            for i, unit in enumerate(chosen):
                vlist.append({'login': f'scale_handler_{i}',
                        'name': f'承办人{i}',
                        'groups': [('add', [
                                    group('group_sushi_unit_handler')])],
                        'sushi_units': [('add', [unit])]})
            User.create(vlist)
            transaction.commit()
            existing = User.search([('login', 'like', 'scale_%')])
        if not any(u.login == 'scale_leader' for u in existing):
            # who reads the requester masked (PUB-06: no read of the
            # requester's phone), added to databases built before
            User.create([{'login': 'scale_leader', 'name': '市领导',
                        'groups': [('add', [
                                    group('group_sushi_city_leader')])]}])
            transaction.commit()
            existing = User.search([('login', 'like', 'scale_%')])
        return {u.login: u.id for u in existing}


# --- the timed calls ---------------------------------------------------

class Timer:
    "Collect the durations of each operation; EXPLAIN on demand."

    def __init__(self, args):
        self.args = args
        self.results = {}
        self.only = re.compile(args.only) if args.only else None

    def wanted(self, name):
        return not self.only or self.only.search(name)

    def run(self, name, calls, user, function, context=None):
        """Time function(i) for i in range(calls) in transactions of
        user; the first call warms up and is not counted."""
        from trytond.transaction import Transaction
        if not self.wanted(name):
            return
        durations = []
        for i in range(calls + 1):
            with Transaction().start(self.args.database, user,
                    context=dict(RPC_CONTEXT, **(context or {})),
                    readonly=True):
                start = time.perf_counter()
                function(i)
                if i:
                    durations.append(time.perf_counter() - start)
        durations.sort()
        p50 = statistics.median(durations)
        p95 = durations[min(len(durations) - 1,
                int(round(0.95 * (len(durations) - 1))))]
        self.results[name] = {'p50': p50, 'p95': p95, 'calls': calls}
        flag = '  **' if p95 > 0.2 else ''
        log(f'  {name}: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms'
            f'{flag}')
        if self.args.explain and p95 > 0.2:
            self.explain(name, user, function, context)

    def explain(self, name, user, function, context):
        "Run function once more with every SELECT EXPLAIN ANALYZEd."
        from trytond.backend.postgresql import database
        from trytond.transaction import Transaction
        cursor_class = database.LoggingCursor
        original = cursor_class.execute
        plans = []

        def execute(cursor, query, params=None, **kwargs):
            text = query if isinstance(query, str) else str(query)
            if text.lstrip()[:6].upper() == 'SELECT':
                original(cursor, 'EXPLAIN (ANALYZE, BUFFERS) ' + text, params)
                plan = '\n'.join(r[0] for r in cursor.fetchall())
                ms = float(re.search(r'Execution Time: ([\d.]+)',
                        plan).group(1))
                plans.append((ms, cursor.mogrify(text, params)
                        if hasattr(cursor, 'mogrify') else text, plan))
            return original(cursor, query, params, **kwargs)
        cursor_class.execute = execute
        try:
            with Transaction().start(self.args.database, user,
                    context=dict(RPC_CONTEXT, **(context or {})),
                    readonly=True):
                function(1)
        finally:
            cursor_class.execute = original
        for ms, text, plan in sorted(plans, key=lambda p: -p[0])[:2]:
            if ms < 50:
                continue
            log(f'---- EXPLAIN {name} ({ms:.0f} ms)\n{text}\n{plan}\n')


def actions():
    "The act_windows of tickets and assignments: [(xml id, action, tabs)]."
    from trytond.pool import Pool
    pool = Pool()
    ActWindow = pool.get('ir.action.act_window')
    ModelData = pool.get('ir.model.data')
    data = ModelData.search([('model', '=', 'ir.action.act_window'),
            ('module', '=', 'sushi_ticket')])
    names = {d.db_id: d.fs_id for d in data}
    result = []
    for action in ActWindow.search([
                ('res_model', 'in', ['sushi.ticket',
                        'sushi.ticket.assignment']),
                ('id', 'in', list(names)),
                ], order=[('id', 'ASC')]):
        result.append((names[action.id], action))
    return result


def decode(value, context):
    from trytond.pyson import PYSONDecoder
    if not value:
        return []
    return PYSONDecoder(context).decode(value)


def view_fields(Model, view_type):
    "The field names of the model's default view of view_type."
    view = Model.fields_view_get(view_type=view_type)
    return [f for f in view['fields']]


def time_lists(timer, args, logins):
    """Every list of the sao actions, for the dispatcher and for the unit
    handlers (rotating over them)."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.exceptions import UserError
    rng = random.Random(args.seed)
    handlers = [v for k, v in sorted(logins.items())
        if k.startswith('scale_handler_')]
    roles = [('dispatcher', [logins['scale_dispatcher']]),
        ('unit', handlers)]
    with Transaction().start(args.database, 0):
        found = [(xml_id, action.res_model, action.pyson_domain,
                action.pyson_order, action.limit,
                action.get_context_for_pyson() if hasattr(action,
                    'get_context_for_pyson') else action.pyson_context,
                [(tab.name, tab.domain, tab.count)
                    for tab in action.act_window_domains])
            for xml_id, action in actions()]
    for role, users in roles:
        for xml_id, model, domain, order, limit, context, tabs in found:
            try:
                with Transaction().start(args.database, users[0],
                        context=RPC_CONTEXT, readonly=True):
                    Model = Pool().get(model)
                    Model.search([], limit=1)
            except UserError:
                continue
            limit = limit or 1000
            if not tabs:
                tabs = [(None, None, False)]
            for tab_name, tab_domain, count in tabs:
                name = f'{role}: {xml_id}' + (f' [{tab_name}]'
                    if tab_name else '')
                time_list(timer, args, rng, name, model, users, domain,
                    order, limit, tab_domain, count)


def time_list(timer, args, rng, name, model, users, domain, order, limit,
        tab_domain, count):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    def full_domain():
        context = Transaction().context
        parts = [d for d in [decode(domain, context),
                decode(tab_domain, context)] if d]
        return parts[0] if len(parts) == 1 else ['AND', *parts] \
            if parts else []

    def order_():
        return decode(order, Transaction().context) or None

    fields = {}

    def first_page(i):
        Model = Pool().get(model)
        if model not in fields:
            fields[model] = view_fields(Model, 'tree')
        ids = list(map(int, Model.search(full_domain(), 0, limit, order_())))
        rows = Model.read(ids[:1000 // max(len(fields[model]), 1)],
            fields[model])
        if len(ids) == limit:
            Model.search_count(full_domain(), 0, limit * 100)
        return rows

    def user(i):
        return users[i % len(users)]

    calls = args.calls
    for i in range(0, 1):
        pass
    # the first page with the list count
    run_users(timer, f'{name}: first page', calls, users, first_page)
    if count:
        run_users(timer, f'{name}: tab count', calls, users,
            lambda i: Pool().get(model).search_count(full_domain(), 0, 1000))
    # a deep page: a random offset in the second half of the list
    if not (timer.wanted(f'{name}: deep page')
            or timer.wanted(f'{name}: next page after a deep one')):
        return
    sizes = {}
    for u in users:
        with Transaction().start(args.database, u, context=RPC_CONTEXT,
                readonly=True):
            sizes[u] = Pool().get(model).search_count(full_domain())
    if max(sizes.values()) > 2 * limit:
        def deep(i):
            u = Transaction().user
            offset = int(sizes[u] * rng.uniform(0.5, 0.99))
            Model = Pool().get(model)
            ids = list(map(int, Model.search(full_domain(), offset, limit,
                        order_())))
            Model.read(ids[:1000 // max(len(fields.get(model, [1])), 1)],
                fields.setdefault(model, view_fields(Model, 'tree')))
        run_users(timer, f'{name}: deep page (of {max(sizes.values()):,})',
            calls, users, deep)
        # sao's next page: the user scrolls on from a deep page (one OFFSET
        # search per user, not timed); each call is the page after the one
        # before, continued from its last row (IdSearchMixin)
        next_name = f'{name}: next page after a deep one'
        if not timer.wanted(next_name):
            return
        offsets = {}
        for u in users:
            with Transaction().start(args.database, u, context=RPC_CONTEXT,
                    readonly=True):
                # each user's pages fit in its list
                pages = (calls + len(users)) // len(users) + 1
                offsets[u] = max(0, min(int(sizes[u] * rng.uniform(0.5, 0.9)),
                        sizes[u] - (pages + 1) * limit))
                Pool().get(model).search(full_domain(), offsets[u], limit,
                    order_())

        def next_page(i):
            u = Transaction().user
            offsets[u] += limit
            Model = Pool().get(model)
            ids = list(map(int, Model.search(full_domain(), offsets[u],
                        limit, order_())))
            Model.read(ids[:1000 // max(len(fields.get(model, [1])), 1)],
                fields.setdefault(model, view_fields(Model, 'tree')))
        run_users(timer, next_name, calls, users, next_page)


def run_users(timer, name, calls, users, function, prepare=None):
    """timer.run rotating over users: one call each in turn (after
    prepare(i), not timed, in the same transaction)."""
    from trytond.transaction import Transaction
    if not timer.wanted(name):
        return
    durations = []
    explain_user = users[0]
    for i in range(calls + len(users)):
        u = users[i % len(users)]
        with Transaction().start(timer.args.database, u,
                context=RPC_CONTEXT, readonly=True):
            if prepare:
                prepare(i)
            start = time.perf_counter()
            function(i)
            if i >= len(users):  # one warm-up call per user
                durations.append(time.perf_counter() - start)
    durations.sort()
    p50 = statistics.median(durations)
    p95 = durations[min(len(durations) - 1,
            int(round(0.95 * (len(durations) - 1))))]
    timer.results[name] = {'p50': p50, 'p95': p95, 'calls': calls}
    flag = '  **' if p95 > 0.2 else ''
    log(f'  {name}: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms{flag}')
    if timer.args.explain and p95 > 0.2:
        timer.explain(name, explain_user, function, None)


def samples(args):
    "Random numbers, phones, title words and ids of existing tickets."
    from trytond.transaction import Transaction
    rng = random.Random(args.seed + 1)
    with Transaction().start(args.database, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT MAX(id) FROM sushi_ticket')
        top, = cursor.fetchone()
        ids = sorted(rng.randint(1, top) for _ in range(args.calls * 3))
        cursor.execute('SELECT id, number, requester_phone, title, '
            'lead_unit, state FROM sushi_ticket WHERE id = ANY(%s)', (ids,))
        rows = cursor.fetchall()
    rng.shuffle(rows)
    words = []
    for row in rows:
        title = re.sub(r'[^\u4e00-\u9fff]', '', row[3] or '')
        if len(title) >= 4:
            start = rng.randint(0, len(title) - 4)
            words.append(title[start:start + 4])
    return {'rows': rows, 'words': words}


def time_searches(timer, args, logins, sample):
    "The search bar and the form, as the dispatcher and the handlers."
    from trytond.pool import Pool
    rows, words = sample['rows'], sample['words']
    handlers = [v for k, v in sorted(logins.items())
        if k.startswith('scale_handler_')]
    for role, users in [('dispatcher', [logins['scale_dispatcher']]),
            ('unit', handlers)]:
        def bar(domain):
            def call(i):
                Ticket = Pool().get('sushi.ticket')
                ids = list(map(int, Ticket.search(domain(i), 0, 1000, None)))
                Ticket.read(ids[:60], view_fields(Ticket, 'tree'))
            return call
        run_users(timer, f'{role}: search bar, a full ticket number',
            args.calls, users, bar(lambda i: [('rec_name', 'ilike',
                        '%' + rows[i % len(rows)][1] + '%')]))
        run_users(timer, f'{role}: search bar, a number prefix (date)',
            args.calls, users, bar(lambda i: [('rec_name', 'ilike',
                        '%' + rows[i % len(rows)][1][:10] + '%')]))
        run_users(timer, f'{role}: search bar, title words',
            args.calls, users, bar(lambda i: [('rec_name', 'ilike',
                        '%' + words[i % len(words)] + '%')]))
        # two-character words (no trigram): the page, and sao's count of a
        # full page (search_count up to 100 pages); the common words are the
        # masked user's below (the unit's from the fourteenth session on)
        for kind, pairs in TWO_CHARACTER_WORDS:
            def pair(i, pairs=pairs):
                return [('rec_name', 'ilike', '%' + pairs[i % len(pairs)] + '%')]
            run_users(timer, f'{role}: search bar, {kind}', args.calls,
                users, bar(pair))
            run_users(timer, f'{role}: search bar count, {kind}',
                args.calls, users, lambda i, pair=pair: Pool().get(
                    'sushi.ticket').search_count(pair(i), 0, 100_000))
        run_users(timer, f'{role}: search bar, requester phone',
            args.calls, users, bar(lambda i: [('requester_phone', 'ilike',
                        '%' + rows[i % len(rows)][2] + '%')]))

        def form(i):
            Ticket = Pool().get('sushi.ticket')
            if role == 'unit':
                ids = list(map(int, Ticket.search([], 0, 20, None)))
                ids = [ids[i % len(ids)]] if ids else []
            else:
                ids = [rows[i % len(rows)][0]]
            Ticket.read(ids, view_fields(Ticket, 'form'))
        run_users(timer, f'{role}: open a form', args.calls, users, form)

    # PUB-06: who reads the requester masked (the city leader, the analyst:
    # no read of the requester's phone) searches the titles as shown; the
    # search RPC rewrites the domain for them (sushi_ticket/masked.py), so
    # these calls go through it as sao's do
    leader = [logins['scale_leader']]

    def masked_bar(words):
        def call(i):
            Ticket = Pool().get('sushi.ticket')
            search = Ticket.__rpc__['search'].decorate(Ticket.search)
            ids = list(map(int, search([('rec_name', 'ilike',
                            '%' + words[i % len(words)] + '%')],
                    0, 1000, None)))
            Ticket.read(ids[:60], view_fields(Ticket, 'tree'))
        return call
    def masked_count(words):
        def call(i):
            Ticket = Pool().get('sushi.ticket')
            count = Ticket.__rpc__['search_count'].decorate(
                Ticket.search_count)
            count([('rec_name', 'ilike', '%' + words[i % len(words)] + '%')],
                0, 100_000)
        return call
    run_users(timer, 'leader (masked): search bar, title words', args.calls,
        leader, masked_bar(words))
    run_users(timer, 'leader (masked): search bar, a common word',
        args.calls, leader, masked_bar(COMMON_WORDS))
    for kind, pairs in TWO_CHARACTER_WORDS[:2]:
        run_users(timer, f'leader (masked): search bar, {kind}',
            args.calls, leader, masked_bar(pairs))
    for kind, pairs in TWO_CHARACTER_WORDS:
        run_users(timer, f'leader (masked): search bar count, {kind}',
            args.calls, leader, masked_count(pairs))
    run_users(timer, 'leader (masked): search bar, 咨询 (40 % of orders)',
        args.calls, leader, masked_bar(['咨询']))
    if args.check_masked:
        check_masked(args, leader[0], words + COMMON_WORDS + ['咨询']
            + RARE_PAIRS + MIDDLING_PAIRS)


def check_masked(args, user, words):
    """The orders found by the masked rewrite (masked.visible_domain) and
    by masking every candidate (masked.visible_ids, row by row): the same
    for each word, in the search bar, the title and the description."""
    from trytond.modules.sushi_ticket import masked
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    differ = 0
    with Transaction().start(args.database, user, context=RPC_CONTEXT,
            readonly=True):
        Ticket = Pool().get('sushi.ticket')
        for word in words:
            pattern = f'%{word}%'
            for name, row_by_row in [
                    ('rec_name', lambda ids: ['OR',
                            ('number', 'ilike', pattern),
                            ('id', 'in', ids)]),
                    ('title', lambda ids: [('id', 'in', ids)]),
                    ('description', lambda ids: [('id', 'in', ids)])]:
                start = time.perf_counter()
                new = set(map(int, Ticket.search(masked.visible_domain(
                                Ticket, [(name, 'ilike', pattern)]))))
                middle = time.perf_counter()
                ids, _ = masked.visible_ids(Ticket,
                    'title' if name == 'rec_name' else name, 'ilike',
                    pattern)
                old = set(map(int, Ticket.search(row_by_row(ids))))
                end = time.perf_counter()
                differ += new != old
                log(f'  check masked {name} ilike {pattern}: {len(new):,} '
                    f"orders, {'same' if new == old else '**DIFFER**'} "
                    f'({(middle - start) * 1000:.0f} / '
                    f'{(end - middle) * 1000:.0f} ms)')
    log(f'check masked: {len(words) * 3} searches, {differ} differ')


def time_intake(timer, args, logins, sample):
    "Intake: earlier requests by phone, look-alikes, the repeat check."
    from trytond.pool import Pool
    from generate import Generator, Resolver
    rows = sample['rows']
    generator = Generator(seed=args.seed + 99, ref_start=10 ** 8)
    requests = generator.requests(args.calls + 1,
        (START + dt.timedelta(days=DAYS - 1)).date(),
        (START + dt.timedelta(days=DAYS)).date())
    intake = [logins['scale_intake']]
    now = NOW_LOCAL - dt.timedelta(hours=8)
    values = {}

    def draft(i):
        Ticket = Pool().get('sushi.ticket')
        if not values:
            values['v'] = Resolver().ticket_values(requests)
        v = dict(values['v'][i % len(requests)])
        v['requester_phone'] = rows[i % len(rows)][2]
        v['received_at'] = now
        v.pop('channel_ref', None)
        ticket = Ticket(**v)
        ticket.state = 'draft'
        ticket.id = None
        return ticket

    run_users(timer, 'intake: earlier requests by phone', args.calls,
        intake, lambda i: draft(i).on_change_with_earlier_tickets())
    run_users(timer, 'intake: requester by phone (on_change)', args.calls,
        intake, lambda i: draft(i).on_change_requester_phone())
    run_users(timer, 'intake: look-alikes (find_similar)', args.calls,
        intake, lambda i: draft(i).on_change_with_similar_tickets())
    run_users(timer, 'intake: repeat check of closed cases', args.calls,
        intake, lambda i: draft(i).on_change_with_repeat_candidates())


def reset_sweep(args):
    """The open assignments as if no sweep had run (a rerun of the
    benchmark), then VACUUM ANALYZE: untimed (--sweep-prepare runs it
    alone, outside the timed slot)."""
    from trytond.transaction import Transaction
    start = time.perf_counter()
    with Transaction().start(args.database, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute("DELETE FROM sushi_ticket_event WHERE action IN "
            "('late_sign_in', 'red_card')")
        cursor.execute("UPDATE sushi_ticket_assignment SET light = 'green', "
            "light_changed_at = NULL, late_sign_in = false, "
            "late_sign_in_at = NULL, deemed_accepted = false, "
            "sign_reminded = false, red_card = false, red_card_at = NULL, "
            "red_card_cause = NULL, overdue_accountability_candidate = false"
            " WHERE state IN ('dispatched', 'signed', 'return_requested') "
            "AND (light <> 'green' OR light_changed_at IS NOT NULL "
            "OR late_sign_in OR deemed_accepted OR sign_reminded "
            "OR red_card)")
        transaction.commit()
    vacuum(args.database, ['sushi_ticket_assignment', 'sushi_ticket_event'])
    log(f'sweep: reset in {time.perf_counter() - start:.0f} s')


def time_sweep(args):
    "The first sweep over the open assignments, then the steady state."
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    now = NOW_LOCAL - dt.timedelta(hours=8)
    figures = {}
    if not args.sweep_prepared:
        reset_sweep(args)
    with Transaction().start(args.database, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM sushi_ticket_assignment "
            "WHERE state IN ('dispatched', 'signed', 'return_requested')")
        figures['open'], = cursor.fetchone()
    from sweep import single_update
    # one UPDATE of every open light, rolled back: twice (the first reads
    # the rows into the cache as the sweep's own selections would), the
    # second timed
    for run in range(2 if args.sweep_step != 'sweep' else 0):
        with Transaction().start(args.database, 0) as transaction:
            cursor = transaction.connection.cursor()
            Assignment = Pool().get('sushi.ticket.assignment')
            start = time.perf_counter()
            cursor.execute(*single_update(Assignment.__table__(), now))
            figures['update'] = time.perf_counter() - start
            figures['updated'] = cursor.rowcount
            transaction.rollback()
        vacuum(args.database, ['sushi_ticket_assignment'])
    for name, at in [('first', now), ('steady', now
                + dt.timedelta(minutes=5))] if args.sweep_step != 'update' \
            else []:
        with Transaction().start(args.database, 0) as transaction:
            Assignment = Pool().get('sushi.ticket.assignment')
            start = time.perf_counter()
            Assignment.sweep(now=at)
            figures[name] = time.perf_counter() - start
            start = time.perf_counter()
            transaction.commit()
            figures[name + '_commit'] = time.perf_counter() - start
            tasks = list(transaction.tasks)
            del transaction.tasks[:]
        log(f"sweep: {name} run {figures[name]:.2f} s (commit "
            f"{figures[name + '_commit']:.2f} s)")
        # the facts' events the sweep queued (log_swept), each task in its
        # own transaction as a queue worker runs it: timed apart (the
        # notices' tasks stay queued, as before)
        start = time.perf_counter()
        count = 0
        for task_id in tasks:
            if time.perf_counter() - start > args.sweep_events_budget:
                break
            with Transaction().start(args.database, 0) as transaction:
                Queue = Pool().get('ir.queue')
                task = Queue(task_id)
                if task.data.get('method') != 'log_swept':
                    continue
                task.run()
                count += 1
                transaction.commit()
        figures[name + '_events'] = time.perf_counter() - start
        figures[name + '_event_tasks'] = count
        log(f"sweep: {name} run's queued events: {count} tasks in "
            f"{figures[name + '_events']:.2f} s")
    if 'update' in figures:
        log(f"sweep: {figures['open']:,} open assignments; one UPDATE "
            f"({figures['updated']:,} rows) {figures['update']:.2f} s")
    if 'first' in figures:
        log(f"sweep: {figures['open']:,} open assignments; first run "
            f"{figures['first']:.2f} s (commit "
            f"{figures['first_commit']:.2f} s); steady "
            f"{figures['steady']:.2f} s; the queued events of the first "
            f"run: {figures['first_event_tasks']} tasks, "
            f"{figures['first_events']:.2f} s")
    return figures


def print_table(args, timer, sweep, counts):
    print()
    print(f"| operation at {counts['sushi_ticket']:,} work orders | p50 | "
        "p95 | "
        "≤ 200 ms |")
    print('|---|---|---|---|')
    for name, r in timer.results.items():
        ok = 'met' if r['p95'] <= 0.2 else '**not met**'
        print(f"| {name} | {r['p50'] * 1000:.0f} ms | "
            f"{r['p95'] * 1000:.0f} ms | {ok} |")
    if sweep and 'update' in sweep:
        print(f"| sweep over {sweep['open']:,} open assignments: one UPDATE "
            f"of the lights | {sweep['update']:.2f} s | | |")
    if sweep and 'first' in sweep:
        ratio = (f" ×{sweep['first'] / sweep['update']:.2f} of the UPDATE"
            f" (≤ 2): {'met' if sweep['first'] <= 2 * sweep['update'] else '**not met**'}"
            if 'update' in sweep else '')
        print(f"| sweep, first run (events; notices queued) | "
            f"{sweep['first']:.2f} s | |{ratio} |")
        print(f"| sweep, steady state 5 min later | {sweep['steady']:.2f} s"
            f" | | |")
        print(f"| the first run's queued events "
            f"({sweep['first_event_tasks']} tasks, run after its commit) | "
            f"{sweep['first_events']:.2f} s | | |")
    print()
    print(f"Data: {counts}.")


def main():
    args = parse_args()
    if not sys.flags.optimize:
        os.execv(sys.executable, [sys.executable, '-O'] + sys.argv)
    fresh = args.build and not args.uri
    uri, cluster = start_cluster(args,
        {**PG_SETTINGS, **BUILD_SETTINGS} if fresh else PG_SETTINGS)
    tmp = tempfile.mkdtemp(prefix='sushi-scale-')
    os.environ.update({
            'TRYTOND_DATABASE__URI': uri,
            'TRYTOND_DATABASE__PATH': tmp,
            })
    for key in [k for k in os.environ if k.startswith('TRYTOND_')
            and k not in {'TRYTOND_DATABASE__URI',
                'TRYTOND_DATABASE__PATH'}]:
        del os.environ[key]
    try:
        log(f'PostgreSQL at {uri}')
        if args.build:
            build(args)
            if fresh:
                from trytond import backend
                backend.Database(args.database).close()
                uri = restart_cluster(args, cluster)
                os.environ['TRYTOND_DATABASE__URI'] = uri
                log(f'PostgreSQL restarted with the production settings at '
                    f'{uri}')
            if args.build_only:
                return
        elif args.update:
            update_module(args.database)
            if args.update_only:
                return
        from trytond.pool import Pool
        Pool(args.database).init()
        if not args.count_reuse:
            from trytond.modules.sushi_ticket import tools as ticket_tools
            ticket_tools.FULL_COUNT_TTL = -1
        from trytond.transaction import Transaction
        with Transaction().start(args.database, 0) as transaction:
            cursor = transaction.connection.cursor()
            counts = {}
            for table in ['sushi_ticket', 'sushi_ticket_assignment',
                    'sushi_ticket_event']:
                cursor.execute('SELECT COUNT(*) FROM "%s"' % table)
                counts[table] = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM sushi_ticket WHERE state "
                "NOT IN ('closed', 'archived', 'answered', 'rejected', "
                "'merged')")
            counts['open tickets'] = cursor.fetchone()[0]
            cursor.execute('SHOW server_version')
            counts['PostgreSQL'] = cursor.fetchone()[0].split()[0]
        log(f'data: {counts}')
        if args.prewarm:
            prewarm(args.database)
        if args.old_rule:
            restore = set_unit_rule(args.database,
                "[('assignments.unit', 'in', Eval('sushi_unit_tree', []))]",
                source=True)
        if args.sweep_prepare:
            reset_sweep(args)
            return
        logins = users(args)
        timer = Timer(args)
        sample = samples(args)
        time_lists(timer, args, logins)
        time_searches(timer, args, logins, sample)
        time_intake(timer, args, logins, sample)
        sweep = None
        if not args.skip_sweep and timer.wanted('sweep'):
            sweep = time_sweep(args)
        if args.old_rule:
            set_unit_rule(args.database, restore)
        print_table(args, timer, sweep, counts)
        if args.json:
            with open(args.json, 'w') as f:
                json.dump({'results': timer.results, 'sweep': sweep,
                        'counts': counts, 'tickets': args.tickets}, f,
                    indent=1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if cluster and not args.keep:
            cluster.stop()


if __name__ == '__main__':
    main()
