# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The traffic-light sweep over many open tickets against one SQL UPDATE."""
import datetime as dt
import random
import re
import statistics
import time
from types import SimpleNamespace

from benchtools import DATABASE, SHANGHAI, cprofiled, local, log, vacuum
from generate import Generator, Resolver

# Assignment states whose clock runs (Assignment.LIGHT_STATES).
LIGHT_STATES = ['dispatched', 'signed', 'return_requested']
LIGHTS = ['green', 'yellow', 'red']


def bench_sweep(args):
    """Set up args.open_ open tickets, time one UPDATE of all lights (rolled
    back), the first sweep and the steady-state sweep 5 minutes later, and
    a sample of the sweep's notices.  Return the figures."""
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    now = local(*dt.datetime.fromisoformat(args.now).timetuple()[:5])
    start = time.perf_counter()
    with cprofiled(args, 'sweep_setup'):
        mix = setup_open_tickets(args, now)
    setup_seconds = time.perf_counter() - start
    log(f'sweep: {args.open_:,} open tickets set up in {setup_seconds:.1f} s '
        f'(lights at now: {mix}; {args.staff} handler(s) per unit)')

    pool = Pool(DATABASE)
    Assignment = pool.get('sushi.ticket.assignment')
    Ticket = pool.get('sushi.ticket')
    Notification = pool.get('sushi.notification')
    Event = pool.get('sushi.ticket.event')
    tables = [Assignment._table, Ticket._table, Event._table]
    vacuum(*tables)

    # ONE UPDATE: the lights of every open assignment from its due times
    durations = []
    for run in range(args.repeat + 1):
        with Transaction().start(DATABASE, 0) as transaction:
            cursor = transaction.connection.cursor()
            query = single_update(Assignment.__table__(), now)
            start = time.perf_counter()
            cursor.execute(*query)
            seconds = time.perf_counter() - start
            updated = cursor.rowcount
            transaction.rollback()
        vacuum(Assignment._table)
        if run:  # the first run warms the cache
            durations.append(seconds)
    update_seconds = statistics.median(durations)
    log(f'sweep: single UPDATE of {updated:,} rows: '
        + ', '.join(f'{d:.3f}' for d in durations)
        + f' s (median {update_seconds:.3f} s)')

    profile = Profile()
    profile.install()
    restore = [profile.wrap(Notification, 'notify_assignments', 'notify'),
        profile.wrap(Event, 'log_query', 'events')]
    plans = []
    try:
        if args.explain and backend.name == 'postgresql':
            # An extra first run, rolled back, that records the plans
            profile.explain = True
            with Transaction().start(DATABASE, 0) as tr:
                Assignment.sweep(now=now)
                tr.rollback()
            profile.explain = False
            plans = profile.plans
            vacuum(*tables)

        profile.reset()
        since = last_event()
        with Transaction().start(DATABASE, 0) as tr:
            start = time.perf_counter()
            with cprofiled(args, 'sweep_first'):
                Assignment.sweep(now=now)
            first_seconds = time.perf_counter() - start
            tr.commit()
            first_commit = time.perf_counter() - start - first_seconds
        first_profile = profile.report('first sweep')
        first_events = event_counts(since)
        first_sql = profile.sql_seconds()
        sql = f' (SQL {first_sql:.3f} s)' if first_sql is not None else ''
        log(f'sweep: first run {first_seconds:.3f} s{sql}, commit '
            f'{first_commit:.3f} s; events {first_events}; lights now '
            f'{light_counts()}')
        log(first_profile)

        profile.reset()
        later = now + dt.timedelta(minutes=5)
        since = last_event()
        with Transaction().start(DATABASE, 0) as tr:
            start = time.perf_counter()
            Assignment.sweep(now=later)
            steady_seconds = time.perf_counter() - start
            tr.commit()
        log(f'sweep: steady state (+5 min) {steady_seconds:.3f} s; events '
            f'{event_counts(since)}')
        log(profile.report('steady sweep', top=5))
    finally:
        for undo in restore:
            undo()
        profile.uninstall()
    if plans:
        print_plans(plans)

    notices = None
    if args.notices:
        notices = sample_notices(args)
        # the first run notifies each new red card and yellow light
        notified = (first_events.get('red_card', 0)
            + first_events.get('yellow', 0))
        notices['first_run_estimate'] = (
            notified * notices['seconds'] / notices['assignments'])
        log(f"sweep: notify_assignments of {notices['assignments']:,} "
            f"assignments ({notices['notices']:,} in-app notices, "
            f"{notices['mails']:,} e-mails, {notices['staff']} handler(s) "
            f"per unit): {notices['seconds']:.2f} s, "
            f"{notices['seconds'] / notices['assignments'] * 1000:.2f} ms "
            f"per assignment; the first run's {notified:,} would take "
            f"≈ {notices['first_run_estimate']:.0f} s")

    first_ratio = first_seconds / update_seconds
    steady_ratio = steady_seconds / update_seconds
    log(f'sweep: ratio first / UPDATE = {first_ratio:.2f}, steady / UPDATE '
        f'= {steady_ratio:.2f} (target ≤ 2.0)')
    return {
        'open': args.open_, 'mix': mix, 'staff': args.staff,
        'setup_seconds': setup_seconds,
        'repeat': args.repeat, 'update_rows': updated,
        'update_seconds': update_seconds,
        'first_seconds': first_seconds, 'first_sql_seconds': first_sql,
        'first_commit': first_commit, 'first_events': first_events,
        'steady_seconds': steady_seconds,
        'first_ratio': first_ratio, 'steady_ratio': steady_ratio,
        'first_profile': first_profile,
        'notices': notices,
        }


def single_update(a, now):
    """The minimal statement a sweep must do: every open assignment's light
    from its due time and yellow time."""
    from sql import Null
    from sql.conditionals import Case
    return a.update([a.light], [Case(
                (a.due_at < now, 'red'),
                (a.yellow_at <= now, 'yellow'),
                else_='green')],
        where=a.state.in_(LIGHT_STATES) & (a.due_at != Null))


def light_counts():
    "The open assignments by light."
    from sql.aggregate import Count
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        a = Pool().get('sushi.ticket.assignment').__table__()
        cursor.execute(*a.select(a.light, Count(a.id),
                where=a.state.in_(LIGHT_STATES), group_by=[a.light]))
        counts = dict(cursor)
    return {light: counts.get(light, 0) for light in LIGHTS}


def last_event():
    "The id of the last event (0 if none)."
    from sql.aggregate import Max
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        e = Pool().get('sushi.ticket.event').__table__()
        cursor.execute(*e.select(Max(e.id)))
        return cursor.fetchone()[0] or 0


def event_counts(after):
    """The events logged after the event id `after`, by action (outside
    tests the events bear the wall-clock time, not the sweep's now)."""
    from sql.aggregate import Count
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        e = Pool().get('sushi.ticket.event').__table__()
        cursor.execute(*e.select(e.action, Count(e.id),
                where=e.id > after,
                group_by=[e.action], order_by=[e.action]))
        return dict(cursor)


class Profile:
    """Time every SQL statement (PostgreSQL) and the sweep's Python parts;
    with explain, EXPLAIN ANALYZE each statement first, in a savepoint that
    is rolled back, so that the plans are those of the real run."""

    def __init__(self):
        self.statements = []
        self.sections = {}
        self.section = 'sweep'
        self.explain = False
        self.plans = []
        self._patched = None

    def install(self):
        from trytond import backend
        if backend.name != 'postgresql':
            return
        from trytond.backend.postgresql import database
        cursor_class = database.LoggingCursor
        original = cursor_class.execute
        profile = self

        def execute(cursor, query, params=None, **kwargs):
            text = query if isinstance(query, str) else str(query)
            verb = text.lstrip()[:6].upper()
            if (profile.explain and profile.section != 'notify'
                    and verb in {'SELECT', 'UPDATE', 'INSERT'}):
                original(cursor, 'SAVEPOINT bench_explain')
                original(cursor, 'EXPLAIN (ANALYZE, BUFFERS) ' + text,
                    params)
                plan = '\n'.join(r[0] for r in cursor.fetchall())
                original(cursor, 'ROLLBACK TO SAVEPOINT bench_explain')
                profile.plans.append((profile.section, text, plan))
            start = time.perf_counter()
            try:
                return original(cursor, query, params, **kwargs)
            finally:
                profile.statements.append((profile.section, text,
                        time.perf_counter() - start, cursor.rowcount))

        cursor_class.execute = execute
        self._patched = (cursor_class, original)

    def uninstall(self):
        if self._patched:
            cursor_class, original = self._patched
            cursor_class.execute = original
            self._patched = None

    def wrap(self, klass, method, section):
        "Count the time of klass.method (a classmethod) in section."
        original = getattr(klass, method)
        profile = self

        def wrapped(*args, **kwargs):
            outer, profile.section = profile.section, section
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                profile.sections[section] = (
                    profile.sections.get(section, 0)
                    + time.perf_counter() - start)
                profile.section = outer
        setattr(klass, method, wrapped)
        return lambda: setattr(klass, method, original)

    def reset(self):
        self.statements, self.sections, self.plans = [], {}, []

    def sql_seconds(self):
        "The SQL time of the statements, None when not measured (SQLite)."
        if not self._patched:
            return None
        return sum(s[2] for s in self.statements)

    def report(self, title, top=8):
        if not self.statements:
            return f'{title}: no statement timings (PostgreSQL only)'
        lines = [f'{title}: slowest statements']
        for section, text, seconds, rows in sorted(
                self.statements, key=lambda s: -s[2])[:top]:
            lines.append(f'  {seconds:7.3f} s {rows:>7} rows  [{section}] '
                f'{" ".join(text.split())[:150]}')
        sql = {}
        for section, _, seconds, _ in self.statements:
            sql[section] = sql.get(section, 0) + seconds
        for section, seconds in sorted(self.sections.items()):
            lines.append(f'  {section}: {seconds:.3f} s in all, of which '
                f'SQL {sql.get(section, 0):.3f} s')
        lines.append(f'  statements: {len(self.statements)}, SQL '
            f'{sum(sql.values()):.3f} s')
        return '\n'.join(lines)


def print_plans(plans, threshold=0.05):
    "Print the plans of the statements slower than threshold seconds."
    log('')
    log('EXPLAIN ANALYZE of the first sweep (statements over '
        f'{threshold * 1000:.0f} ms; parameters shown as %s):')
    for section, text, plan in plans:
        match = re.search(r'Execution Time: ([\d.]+) ms', plan)
        if not match or float(match.group(1)) / 1000 < threshold:
            continue
        log(f'-- [{section}] {" ".join(text.split())[:600]}')
        log(plan)
        log('')


def create_staff(per_unit):
    """Give every unit that has open assignments per_unit handlers with an
    e-mail address: they receive the sweep's notices."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    User = pool.get('res.user')
    Assignment = pool.get('sushi.ticket.assignment')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id('sushi_ticket', 'group_sushi_unit_handler')
    a = Assignment.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*a.select(a.unit, group_by=[a.unit]))
    units = sorted(u for u, in cursor)
    User.create([{
                'login': f'bench_handler_{unit}_{k}',
                'name': f'承办人 {unit}-{k}',
                'email': f'handler.{unit}.{k}@example.org',
                'groups': [('add', [group])],
                'sushi_units': [('add', [unit])],
                } for unit in units for k in range(per_unit)])


def sample_notices(args):
    """Time Notification.notify_assignments for args.notices open
    assignments, with one handler per unit when the sweep had none; rolled
    back.  The sweep sends such notices for each new red card and yellow
    light."""
    from sql.aggregate import Count
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0) as transaction:
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Notification = pool.get('sushi.notification')
        ResNotification = pool.get('res.notification')
        staff = args.staff or 1
        if not args.staff:
            create_staff(staff)
        cursor = transaction.connection.cursor()
        a = Assignment.__table__()
        cursor.execute(*a.select(a.id, where=a.state.in_(LIGHT_STATES),
                order_by=[a.id.asc], limit=args.notices))
        ids = [i for i, in cursor]
        n = ResNotification.__table__()
        cursor.execute(*n.select(Count(n.id)))
        before, = cursor.fetchone()
        start = time.perf_counter()
        Notification.notify_assignments(ids, 'near_due')
        seconds = time.perf_counter() - start
        cursor.execute(*n.select(Count(n.id)))
        after, = cursor.fetchone()
        mails = sum(len(getattr(dm, 'queue', []))
            for dm in transaction._datamanagers)
        transaction.rollback()
    return {'assignments': len(ids), 'notices': after - before,
        'mails': mails, 'staff': staff, 'seconds': seconds}


def _copy_text(value):
    "A value in PostgreSQL's COPY text format."
    if value is None:
        return '\\N'
    if value is True:
        return 't'
    if value is False:
        return 'f'
    if isinstance(value, dt.datetime):
        return value.isoformat(' ')
    if isinstance(value, str):
        return (value.replace('\\', '\\\\').replace('\t', '\\t')
            .replace('\n', '\\n').replace('\r', '\\r'))
    return str(value)


def bulk_insert(cursor, table, rows):
    """Load rows (dicts with the same keys) into table: COPY on
    PostgreSQL, executemany on SQLite.  Setup only: not measured."""
    from trytond import backend
    names = list(rows[0])
    columns = ', '.join('"%s"' % n for n in names)
    if backend.name == 'postgresql':
        with cursor.copy(
                'COPY "%s" (%s) FROM STDIN' % (table, columns)) as copy:
            for i in range(0, len(rows), 5000):
                copy.write(''.join(
                        '\t'.join(_copy_text(r[n]) for n in names) + '\n'
                        for r in rows[i:i + 5000]))
    else:
        cursor.executemany('INSERT INTO "%s" (%s) VALUES (%s)' % (
                table, columns, ', '.join('?' * len(names))),
            [[r[n] for n in names] for r in rows])


def setup_open_tickets(args, now):
    """Insert args.open_ open tickets (requests of the generator, no
    praise) and their lead assignments, dispatched so that at now the
    lights are in the proportions of args.mix, all still green and
    unflagged as if no sweep had run.  The deadlines come from
    Assignment.deadlines (the calendar API).  Return the light mix."""
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    rng = random.Random(args.seed + 7)
    shares = [float(x) for x in args.mix.split(',')]
    m = args.open_
    now_local = now.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI)
    generator = Generator(seed=args.seed + 1, ref_start=10 ** 6)
    times = generator.received_times(max(m // 4, 1000),
        start=now_local.date() - dt.timedelta(days=60),
        end=now_local.date())
    requests = []
    while len(requests) < m:
        for received in times:
            request = generator.request(received)
            if request['request_type'] != 'praise':
                requests.append(request)
                if len(requests) == m:
                    break

    with Transaction().start(DATABASE, 0) as transaction:
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Assignment = pool.get('sushi.ticket.assignment')
        TimeLimit = pool.get('sushi.time_limit')
        Configuration = pool.get('sushi.configuration')
        config = Configuration.get_values()
        resolver = Resolver()
        vlist = resolver.ticket_values(requests)
        units = resolver.units
        limits, deadlines = {}, {}

        def deadline_values(request, dispatched_at):
            "Assignment.deadlines, computed once per limit and time."
            kind = (request['request_type'], request['complexity'],
                request['urgency'])
            if kind not in limits:
                limits[kind] = TimeLimit.find(*kind).id
            key = (dispatched_at, limits[kind])
            if key not in deadlines:
                deadlines[key] = Assignment.deadlines(SimpleNamespace(
                        request_type=kind[0], complexity=kind[1],
                        urgency=kind[2], statutory_due_at=None),
                    dispatched_at)
            return deadlines[key]

        def light(values):
            if values['due_at'] < now:
                return 'red'
            if values['yellow_at'] <= now:
                return 'yellow'
            return 'green'

        # office hours, more in the morning; days back per wanted light
        hours = [8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 14, 14, 15, 15, 15, 16,
            16, 17, 18, 20]
        spans = {'green': 6, 'yellow': 12, 'red': 40}

        def dispatch_time(request, wanted):
            "A dispatch time whose light at now is (nearly always) wanted."
            for _ in range(60):
                day = now_local.date() - dt.timedelta(
                    days=rng.randint(0, spans[wanted]))
                at = local(day.year, day.month, day.day, rng.choice(hours),
                    rng.choice([0, 30]))
                if at >= now:
                    continue
                values = deadline_values(request, at)
                if light(values) == wanted:
                    break
            return at, values

        t = Ticket.__table__()
        a = Assignment.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*t.select(t.id, order_by=[t.id.desc], limit=1))
        first_ticket = (cursor.fetchone() or [0])[0] + 1
        cursor.execute(*a.select(a.id, order_by=[a.id.desc], limit=1))
        first_assignment = (cursor.fetchone() or [0])[0] + 1
        window = dt.timedelta(hours=config['dispatch_window_hours'])
        mix = {c: 0 for c in LIGHTS}
        ticket_rows, assignment_rows = [], []
        for i, (request, values) in enumerate(zip(requests, vlist)):
            wanted = rng.choices(LIGHTS, shares)[0]
            dispatched_at, deadline = dispatch_time(request, wanted)
            mix[light(deadline)] += 1
            received_at = dispatched_at - dt.timedelta(
                minutes=rng.randint(5, 90))
            state, signed_at = 'signed', None
            if now < deadline['sign_deadline']:
                if rng.random() < 0.5:
                    state = 'dispatched'
            elif rng.random() < 0.04:
                state = 'dispatched'  # not signed in time (SGN-04)
            if state == 'signed':
                signed_at = min(now, dispatched_at + dt.timedelta(
                        minutes=rng.randint(10, 240)))
                if rng.random() < 0.007:
                    state = 'return_requested'
            returning = state == 'return_requested'
            ticket_id = first_ticket + i
            unit = units[request['unit']]
            values.update({
                    'id': ticket_id,
                    'number': 'S%09d' % ticket_id,
                    'received_at': received_at,
                    'state': ('dispatched' if state == 'dispatched'
                        else 'in_progress'),
                    'disposal': 'dispatched',
                    'dispatch_deadline': received_at + window,
                    'dispatched_at': dispatched_at,
                    'dispatch_late': False,
                    'lead_unit': unit,
                    'deadline': deadline['due_at'],
                    'round': 1,
                    'disclosure': request['request_type'] != 'report',
                    'create_uid': 0,
                    'create_date': received_at,
                    })
            ticket_rows.append(values)
            assignment_rows.append({
                    'id': first_assignment + i,
                    'ticket': ticket_id,
                    'unit': unit,
                    'role': 'lead',
                    'round': 1,
                    'state': state,
                    'for_information': False,
                    'dispatched_at': dispatched_at,
                    'dispatched_by': 1,
                    'dispatch_basis': '属地管理、职责分工',
                    'sign_deadline': deadline['sign_deadline'],
                    'signed_at': signed_at,
                    'signed_by': 1 if signed_at else None,
                    'return_deadline': deadline['return_deadline'],
                    'return_requested_at': signed_at if returning else None,
                    'return_reason': 'not_our_duty' if returning else None,
                    'return_from_state': 'signed' if returning else None,
                    'time_limit': deadline['time_limit'],
                    'limit_days': deadline['limit_days'],
                    'due_at': deadline['due_at'],
                    'original_due_at': deadline['original_due_at'],
                    'yellow_at': deadline['yellow_at'],
                    'light': 'green',
                    'late_sign_in': False,
                    'deemed_accepted': False,
                    'sign_reminded': False,
                    'red_card': False,
                    'review_return_count': 0,
                    'consecutive_returns': 0,
                    'create_uid': 0,
                    'create_date': dispatched_at,
                    })

        bulk_insert(cursor, Ticket._table, ticket_rows)
        bulk_insert(cursor, Assignment._table, assignment_rows)
        if backend.name == 'postgresql':
            for table in [Ticket._table, Assignment._table]:
                cursor.execute("SELECT setval('%s_id_seq', "
                    "(SELECT MAX(id) FROM \"%s\"))" % (table, table))
        if args.staff:
            create_staff(args.staff)
        transaction.commit()
    return mix
