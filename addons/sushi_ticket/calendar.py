# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The working-day calendar (CONV-03..08, SGN-01..03, RET-01).

Working days are Monday to Friday, except the rows of `sushi.calendar.day`:
a `holiday` removes a day, a `workday` (调休上班日) adds a weekend day.  A
year is known only when a `sushi.calendar.year` row says its official
schedule was entered; any question about another year is refused,
except in the work-order flows (`provisional()`): there the year after the
last one entered counts its weekends only, when the configuration's
missing-year policy says so, and every deadline so computed is recomputed
when the year is entered (CalendarYear.fill_platform_deadlines).
"""
import contextlib
import csv
import datetime as dt
import io
import logging
from zoneinfo import ZoneInfo

from sql import Literal, Null
from sql.aggregate import Max
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Model, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import clock
from .exceptions import (
    CalendarDayError, CalendarImportError, CalendarMissingYearError)

UTC = dt.timezone.utc
logger = logging.getLogger(__name__)
KINDS = [
    ('holiday', "Holiday"),
    ('workday', "Make-up Working Day"),
    ]
# Words accepted in the kind column of an imported file: office staff
# write the official schedule in Chinese.
KIND_WORDS = {
    'holiday': 'holiday', 'workday': 'workday',
    '休': 'holiday', '假': 'holiday', '节假日': 'holiday', '放假': 'holiday',
    '休息': 'holiday',
    '班': 'workday', '上班': 'workday', '调休上班': 'workday',
    '补班': 'workday', '工作日': 'workday',
    }


def _library_schedule():
    "Return {year: [(date, kind, note)]} from chinese-calendar."
    from chinese_calendar import constants
    years = {}
    for date, name in constants.holidays.items():
        years.setdefault(date.year, []).append((date, 'holiday', name))
    for date, name in constants.workdays.items():
        # The library lists every weekday as a workday too: keep only the
        # weekend days that are made working days.
        if date.weekday() >= 5:
            years.setdefault(date.year, []).append((date, 'workday', name))
    return years


class CalendarYear(ModelSQL, ModelView):
    __name__ = 'sushi.calendar.year'
    __string__ = "Calendar Year"

    year = fields.Integer("Year", required=True)
    source = fields.Selection([
            ('library', "chinese-calendar"),
            ('import', "Imported File"),
            ('manual', "Entered by Hand"),
            ], "Source", required=True)
    note = fields.Char("Note")
    days = fields.One2Many('sushi.calendar.day', 'calendar_year', "Days")
    applied_at = fields.DateTime("Deadlines Recomputed at", readonly=True,
        help="When the deadlines that depend on this year were last filled "
        "and recomputed from its days; empty while that is pending.")
    holiday_count = fields.Function(
        fields.Integer("Holidays"), 'get_counts')
    workday_count = fields.Function(
        fields.Integer("Make-up Working Days"), 'get_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('year_unique', Unique(t, t.year),
                'sushi_ticket.msg_calendar_year_unique'),
            ]
        cls._order = [('year', 'DESC'), ('id', 'DESC')]

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        new = table_h.table_exist(cls._table) and not table_h.column_exist(
            'applied_at')
        super().__register__(module)
        if new:
            # the years of an existing database were applied when entered
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update([table.applied_at],
                    [CurrentTimestamp()], where=table.applied_at == Null))

    @classmethod
    def default_source(cls):
        return 'manual'

    def get_rec_name(self, name):
        return str(self.year)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        try:
            return [('year', operator, int(operand))]
        except (TypeError, ValueError):
            return [('id', '=', -1)]

    @classmethod
    def get_counts(cls, years, names):
        result = {n: {y.id: 0 for y in years} for n in names}
        for year in years:
            for day in year.days:
                name = ('holiday_count' if day.kind == 'holiday'
                    else 'workday_count')
                if name in result:
                    result[name][year.id] += 1
        return result

    @classmethod
    def seed_from_library(cls):
        """Insert, once, every year that chinese-calendar knows and the
        database does not: the official schedules published so far.  On
        an upgrade (the database had years) the platform deadlines the
        new years make computable are filled, queued as for an import."""
        pool = Pool()
        Day = pool.get('sushi.calendar.day')
        cursor = Transaction().connection.cursor()
        year_table = cls.__table__()
        day_table = Day.__table__()
        cursor.execute(*year_table.select(year_table.year))
        known = {y for y, in cursor}
        now = dt.datetime.now()
        inserted = []
        for year, rows in sorted(_library_schedule().items()):
            if year in known:
                continue
            # a new database has no deadline to fill: applied at once; an
            # upgrade's new year is applied by the queue or the sweep
            cursor.execute(*year_table.insert(
                    [year_table.year, year_table.source, year_table.note,
                        year_table.create_uid, year_table.create_date,
                        year_table.applied_at],
                    [[year, 'library', 'chinese-calendar', 0, now,
                            None if known else now]]))
            cursor.execute(*year_table.select(year_table.id,
                    where=year_table.year == year))
            year_id, = cursor.fetchone()
            inserted.append(year_id)
            cursor.execute(*day_table.insert(
                    [day_table.calendar_year, day_table.date, day_table.kind,
                        day_table.note, day_table.create_uid,
                        day_table.create_date],
                    [[year_id, d, k, n, 0, now] for d, k, n in sorted(rows)]))
        Calendar._cache.clear()
        if known and inserted:
            cls.__queue__.fill_platform_deadlines(cls.browse(inserted))

    @classmethod
    def missing_next_year(cls, today=None):
        """Return the coming year when, from 1 November, its official
        schedule is not entered yet (the State Council publishes it in
        November), else None."""
        Calendar = Pool().get('sushi.calendar')
        today = today or Calendar.to_local(clock.now()).date()
        if (today.month, today.day) < (11, 1):
            return None
        year = today.year + 1
        with without_check_access():
            if cls.search([('year', '=', year)], limit=1):
                return None
        return year

    @classmethod
    def remind_next_year(cls):
        """Cron, daily at 08:30 Suzhou time: from 1 November, remind the
        platform administrators in the web client that next year's
        calendar is missing (and that deadlines in it are provisional),
        until it is imported; one who has the reminder unread is not
        reminded again (a cron run twice, or a run after a stop)."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        ResNotification = pool.get('res.notification')
        year = cls.missing_next_year()
        if not year:
            return
        admin = ModelData.get_id('sushi_ticket', 'group_sushi_admin')
        label = gettext('sushi_ticket.msg_calendar_next_year_missing',
            year=year)
        with without_check_access():
            users = User.search([('groups', '=', admin)])
            unread = {n.user.id for n in ResNotification.search([
                        ('user', 'in', [u.id for u in users]),
                        ('label', '=', label),
                        ('unread', '=', True),
                        ])}
            ResNotification.create([{
                        'user': u.id,
                        'label': label,
                        'icon': 'tryton-warning',
                        } for u in users if u.id not in unread])

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Calendar._cache.clear()
        if mode == 'create':
            # queued: run after the commit that entered the year (by the
            # worker in production), so that the import stays fast and
            # sees the year's days; without a worker, run after the
            # request's commit; failing both (trytond-admin), the sweep
            # runs it (fill_pending)
            cls.__queue__.fill_platform_deadlines(records)

    @classmethod
    def fill_pending(cls):
        """Called by the assignment sweep (every 5 minutes): apply the
        years whose deadlines were not filled and recomputed yet (a year a
        module update brought with no worker to run the queue, a queued
        task that failed).

        The fill is kept apart from the sweep: a fill that fails is
        logged and rolled back alone, the year staying pending for the
        next sweep, and the sweep goes on and commits; a sweep that fails
        does not undo a fill.  On PostgreSQL the years committed are
        applied in a transaction of their own, committed before the
        sweep goes on (rows locked by another one are left to the next
        sweep, SKIP LOCKED).  Return True when it committed a fill that
        way: the caller's transaction reads the rows as they were before
        it (REPEATABLE READ), so the sweep stops there and the next one
        reads the recomputed deadlines.  Years only the caller's
        transaction sees (entered in it, and on SQLite, whose one
        connection cannot hold a second transaction) are applied in it,
        behind a savepoint."""
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(table.id,
                where=table.applied_at == Null))
        ids = [i for i, in cursor]
        if not ids:
            return False
        tried = []
        if backend.name != 'sqlite':
            tried, applied = cls._fill_apart(ids)
            if applied:
                return True
        rest = [i for i in ids if i not in tried]
        if rest:
            cls._fill_behind_savepoint(rest)
        return False

    @classmethod
    def _fill_apart(cls, ids):
        """Apply the pending years among ids that a new transaction sees
        and can lock, and commit.  Return (the ids tried, whether a fill
        was committed)."""
        table = cls.__table__()
        tried = []
        try:
            with Transaction().new_transaction() as transaction:
                database = transaction.database
                cursor = transaction.connection.cursor()
                query = table.select(table.id,
                    where=(table.applied_at == Null) & table.id.in_(ids))
                if database.has_select_for():
                    query.for_ = database.get_select_for_skip_locked()(
                        'UPDATE')
                cursor.execute(*query)
                tried = [i for i, in cursor]
                if tried:
                    cls.fill_platform_deadlines(cls.browse(tried))
        except Exception:
            logger.exception("calendar years %s: the fill failed, rolled "
                "back; the sweep goes on, the next one tries again", tried)
            return tried, False
        return tried, bool(tried)

    @classmethod
    def _fill_behind_savepoint(cls, ids):
        """Apply the years ids in the caller's transaction; a failure
        rolls back to the savepoint taken before, is logged, and leaves
        the years pending."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        tasks = len(transaction.tasks)
        cursor.execute('SAVEPOINT sushi_fill_pending')
        try:
            cls.fill_platform_deadlines(cls.browse(ids))
        except Exception:
            cursor.execute('ROLLBACK TO SAVEPOINT sushi_fill_pending')
            # nothing of the fill stays: its queued tasks, its caches
            del transaction.tasks[tasks:]
            transaction.cache.clear()
            Calendar._cache.clear()
            clock.forget(cls.__name__, 'sushi.ticket.assignment',
                'sushi.ticket.extension', 'sushi.ticket.reply',
                'sushi.ticket')
            logger.exception("calendar years %s: the fill failed, rolled "
                "back; the sweep goes on, the next one tries again", ids)
        cursor.execute('RELEASE SAVEPOINT sushi_fill_pending')

    @classmethod
    def platform_deadline_fields(cls):
        """The platform's own deadlines that Calendar.platform_deadline
        leaves empty in a year without an official schedule: (model,
        deadline field, start field, configuration key of the working
        days, SQL condition on the table or None).  Other modules add
        theirs."""
        return [
            # RET-05: from the return request
            ('sushi.ticket.assignment', 'return_review_due_at',
                'return_requested_at', 'return_review_days', None),
            # EXT-04: from the unit leader's consent
            ('sushi.ticket.extension', 'decision_due_at', 'leader_at',
                'return_review_days', None),
            # REV-04: from the submission of a lead's reply
            ('sushi.ticket.reply', 'review_due_at', 'submitted_at',
                'review_days', lambda t: t.kind == 'reply'),
            ]

    @classmethod
    def fill_platform_deadlines(cls, years):
        """Queued when years are entered (an import, a re-import with
        "replace", a module update, a day edited by hand): the platform's
        deadlines left empty since 1 January of the year before the first
        of them (platform_deadline) are computed from their stored start
        exactly as they would have been, and those at or after 1 January
        of the first of them (provisional, or computed from the days a
        re-import replaced) are recomputed, in set-based updates; those
        still in an unknown year stay empty.  The work orders' own
        deadlines and the facts dated by them follow
        (Assignment.recompute_deadlines), then the assignments' decision
        due time (the dispatcher's queue).  Only changed values are
        written: running it twice changes nothing."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Calendar = pool.get('sushi.calendar')
        Extension = pool.get('sushi.ticket.extension')
        # a year deleted since the task was queued (a re-import) is gone
        with without_check_access():
            years = cls.search([('id', 'in', [y.id for y in years])])
        if not years:
            return
        Calendar._cache.clear()
        config = Calendar._config()
        first = min(y.year for y in years)
        since = Calendar.local_datetime(dt.date(first - 1, 1, 1), dt.time())
        recompute = Calendar.local_datetime(dt.date(first, 1, 1), dt.time())
        filled = {}
        with Calendar.provisional():
            for name, field, start, days, where in (
                    cls.platform_deadline_fields()):
                Model = pool.get(name)
                filled[name] = fill_empty_deadlines(
                    Model, field, start, config[days], since, where,
                    recompute=recompute)
        assignment_ids = set(filled['sushi.ticket.assignment'])
        if filled['sushi.ticket.extension']:
            assignment_ids.update(e.assignment.id for e in Extension.browse(
                    filled['sushi.ticket.extension']))
        with without_check_access():
            Assignment.recompute_deadlines(recompute)
            if assignment_ids:
                Assignment.update_decision_due(sorted(assignment_ids))
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.applied_at],
                [clock.whole_seconds(clock.now())],
                where=table.id.in_([y.id for y in years])))
        clock.forget(cls.__name__)


def fill_empty_deadlines(Model, field, start, days, since, where=None,
        recompute=None):
    """Set the empty deadline `field` of Model's rows whose `start` is
    at or after `since` to Calendar.platform_deadline(start, days), in one
    UPDATE per distinct value; rows still in a year without an official
    schedule stay empty.  With recompute (a naive UTC time), the rows
    whose deadline is at or after it are computed again too, and written
    when the value changed.  Return the ids written."""
    pool = Pool()
    Calendar = pool.get('sushi.calendar')
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    deadline = getattr(table, field)
    condition = ((deadline == Null)
        & (getattr(table, start) != Null)
        & (getattr(table, start) >= since))
    if recompute is not None:
        condition |= (deadline >= recompute) & (getattr(table, start) != Null)
    if where is not None:
        condition &= where(table)
    cursor.execute(*table.select(table.id, getattr(table, start), deadline,
            where=condition))
    rows = cursor.fetchall()
    # CONV-05's default: the deadline depends on the local date only
    by_date = Calendar._config()['deadline_convention'] == 'close_of_day'
    by_due, known, missing = {}, {}, 0
    for id_, value, old in rows:
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if isinstance(old, str):
            old = dt.datetime.fromisoformat(old)
        key = Calendar.to_local(value).date() if by_date else value
        if key not in known:
            known[key] = Calendar.platform_deadline(value, days)
        due = known[key]
        if due is None:
            missing += 1
            continue
        if due == old:
            continue
        by_due.setdefault(due, []).append(id_)
    written = []
    user = Transaction().user
    for due, ids in by_due.items():
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            cursor.execute(*table.update(
                    [getattr(table, field), table.write_date,
                        table.write_uid],
                    [due, CurrentTimestamp(), user],
                    where=table.id.in_(sub_ids)))
            written.extend(sub_ids)
    if missing:
        logger.warning("%s.%s: %s still in a year without an official "
            "schedule", Model.__name__, field, missing)
    if written:
        logger.info("%s.%s: %s filled in", Model.__name__, field,
            len(written))
        clock.forget(Model.__name__)
    return written


class CalendarDay(ModelSQL, ModelView):
    __name__ = 'sushi.calendar.day'
    __string__ = "Calendar Exception Day"

    calendar_year = fields.Many2One(
        'sushi.calendar.year', "Year", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    note = fields.Char("Note", help="The holiday or the reason.")
    weekday = fields.Function(fields.Selection([
                ('0', "Monday"), ('1', "Tuesday"), ('2', "Wednesday"),
                ('3', "Thursday"), ('4', "Friday"), ('5', "Saturday"),
                ('6', "Sunday"),
                ], "Weekday"), 'get_weekday')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('date_unique', Unique(t, t.date),
                'sushi_ticket.msg_calendar_day_unique'),
            ]
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Seed here, once both tables exist.
        Pool().get('sushi.calendar.year').seed_from_library()

    def get_rec_name(self, name):
        return self.date.isoformat()

    def get_weekday(self, name):
        return str(self.date.weekday()) if self.date else None

    @classmethod
    def validate_fields(cls, days, field_names):
        super().validate_fields(days, field_names)
        if field_names & {'date', 'kind', 'calendar_year'}:
            for day in days:
                day.check_day()

    def check_day(self):
        if self.date.year != self.calendar_year.year:
            raise CalendarDayError(gettext(
                    'sushi_ticket.msg_calendar_day_wrong_year',
                    date=self.date, year=self.calendar_year.year))
        if self.kind == 'workday' and self.date.weekday() < 5:
            raise CalendarDayError(gettext(
                    'sushi_ticket.msg_calendar_workday_not_weekend',
                    date=self.date))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Calendar._cache.clear()
        # a day edited in a year already applied (by hand): its deadlines
        # are recomputed too; the days of a year just entered are applied
        # with it
        years = {d.calendar_year for d in records
            if d.calendar_year and d.calendar_year.applied_at}
        if years:
            Year = Pool().get('sushi.calendar.year')
            Year.__queue__.fill_platform_deadlines(list(years))


class Calendar(Model):
    "The working-day calendar API that every deadline goes through."
    __name__ = 'sushi.calendar'
    __string__ = "Working-Day Calendar"

    # year -> (frozenset holidays, frozenset make-up workdays), or False
    _cache = Cache('sushi.calendar.year_days', context=False)

    @classmethod
    def _config(cls):
        return Pool().get('sushi.configuration').get_values()

    @classmethod
    def _timezone(cls):
        return ZoneInfo(cls._config()['timezone'])

    @classmethod
    def to_local(cls, value):
        "Convert a naive UTC datetime to an aware local datetime."
        return value.replace(tzinfo=UTC).astimezone(cls._timezone())

    @classmethod
    def to_utc(cls, local):
        "Convert a local datetime (naive or aware) to a naive UTC datetime."
        if local.tzinfo is None:
            local = local.replace(tzinfo=cls._timezone())
        return local.astimezone(UTC).replace(tzinfo=None)

    @classmethod
    def local_datetime(cls, date, time):
        "The naive UTC datetime of a local date and clock time."
        return cls.to_utc(dt.datetime.combine(date, time))

    @classmethod
    def _year(cls, year):
        days = cls._cache.get(year)
        if days is None:
            pool = Pool()
            Year = pool.get('sushi.calendar.year')
            Day = pool.get('sushi.calendar.day')
            cursor = Transaction().connection.cursor()
            year_table = Year.__table__()
            day_table = Day.__table__()
            cursor.execute(*year_table.select(Literal(1),
                    where=year_table.year == year))
            if cursor.fetchone() is None:
                days = False
            else:
                cursor.execute(*day_table.join(year_table,
                        condition=day_table.calendar_year == year_table.id
                        ).select(day_table.date, day_table.kind,
                        where=year_table.year == year))
                holidays, workdays = set(), set()
                for date, kind in cursor:
                    if isinstance(date, str):
                        date = dt.date.fromisoformat(date)
                    (holidays if kind == 'holiday' else workdays).add(date)
                days = (frozenset(holidays), frozenset(workdays))
            cls._cache.set(year, days)
        if days is False:
            if cls._provisional_year(year):
                # weekends only, recomputed when the year is entered
                logger.warning("%s: provisional deadline (weekends only)",
                    year)
                return frozenset(), frozenset()
            raise CalendarMissingYearError(gettext(
                    'sushi_ticket.msg_calendar_missing_year', year=year))
        return days

    @classmethod
    @contextlib.contextmanager
    def provisional(cls):
        """Let the work-order flows inside compute deadlines in the year
        after the last one entered from its weekends only, when the
        configuration's missing_year_policy is 'provisional' (the
        default): a hotline does not stop dispatching on 23 December.
        Such deadlines are marked (Assignment.deadline_provisional) and
        recomputed when the year is entered."""
        with Transaction().set_context(sushi_calendar_provisional=True):
            yield

    @classmethod
    def _provisional_year(cls, year):
        return bool(Transaction().context.get('sushi_calendar_provisional')
            and cls._config()['missing_year_policy'] == 'provisional'
            and cls.last_year() is not None
            and year == cls.last_year() + 1)

    @classmethod
    def last_year(cls):
        "The last year whose official schedule was entered, or None."
        last = cls._cache.get('last')
        if last is None:
            Year = Pool().get('sushi.calendar.year')
            table = Year.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(Max(table.year)))
            last, = cursor.fetchone()
            last = last or 0
            cls._cache.set('last', last)
        return last or None

    @classmethod
    def provisional_from(cls):
        """The naive UTC time from which a deadline is provisional: local
        midnight of 1 January after the last year entered."""
        last = cls.last_year()
        if last is None:
            return None
        return cls.local_datetime(dt.date(last + 1, 1, 1), dt.time())

    @classmethod
    def is_provisional(cls, value):
        "Tell whether the deadline value lies in a year not entered yet."
        start = cls.provisional_from()
        return bool(value and start and value >= start)

    @classmethod
    def format_due(cls, value):
        """The local date and time of the deadline value for a message
        (an SMS, a notice), 'YYYY-MM-DD HH:MM'; a provisional one
        (is_provisional) says so and when it will be recomputed (CONV-03):
        the reader must not take a weekends-only date for the final one.
        An empty value gives ''."""
        if not value:
            return ''
        if isinstance(value, str):  # SQLite: a raw column
            value = dt.datetime.fromisoformat(value)
        text = cls.to_local(value).strftime('%Y-%m-%d %H:%M')
        if cls.is_provisional(value):
            text += gettext('sushi_ticket.msg_due_provisional',
                year=cls.to_local(cls.provisional_from()).year)
        return text

    @classmethod
    def is_working_day(cls, date):
        """Tell whether the local date is a working day (CONV-03).

        Raises CalendarMissingYearError for a year without an official
        schedule."""
        if isinstance(date, dt.datetime):
            date = cls.to_local(date).date()
        holidays, workdays = cls._year(date.year)
        if date in workdays:
            return True
        if date in holidays:
            return False
        return date.weekday() < 5

    @classmethod
    def next_working_day(cls, date, n=1):
        """Return the n-th working day after the local date (before it when
        n is negative); n = 0 returns the date itself."""
        step = dt.timedelta(days=1 if n >= 0 else -1)
        count = 0
        while count < abs(n):
            date += step
            if cls.is_working_day(date):
                count += 1
        return date

    @classmethod
    def add_working_days(cls, value, n):
        """Return the deadline n working days after the naive UTC datetime
        value (CONV-05).

        By default the day of value is not counted and the deadline is the
        office close time (17:30) on the n-th working day after it; with the
        'same_clock' convention it keeps the clock time of value.  A negative
        n counts backwards (the extension filing deadline, EXT-03)."""
        config = cls._config()
        local = cls.to_local(value)
        date = cls.next_working_day(local.date(), n)
        if config['deadline_convention'] == 'same_clock':
            time = local.time().replace(tzinfo=None)
        else:
            time = config['office_close_time']
        return cls.local_datetime(date, time)

    @classmethod
    def platform_deadline(cls, value, n):
        """Return the deadline n working days after value (as
        add_working_days) by which the platform itself must decide or
        review what a unit filed (RET-05, EXT-04, REV-04), or None when it
        falls in a year without an official schedule: the unit's act is
        taken, the platform's own deadline is left empty (never guessed)
        and the gap is logged; the administrators are reminded of the
        missing year (remind_next_year)."""
        try:
            return cls.add_working_days(value, n)
        except CalendarMissingYearError as exception:
            logger.warning("%s", exception.message)
            return None

    @classmethod
    def sign_deadline(cls, dispatched_at):
        """Return the sign-in deadline of a dispatch (SGN-01..03).

        Morning of a working day: 17:30 the same day.  Afternoon or evening:
        12:00 on the next working day.  Non-working day: as a morning
        dispatch on the next working day (configurable)."""
        config = cls._config()
        local = cls.to_local(dispatched_at)
        date = local.date()
        if not cls.is_working_day(date):
            date = cls.next_working_day(date)
            afternoon = (
                config['non_working_day_dispatch'] == 'next_afternoon')
        else:
            afternoon = local.time().replace(tzinfo=None) >= (
                config['noon_time'])
        if afternoon:
            return cls.local_datetime(
                cls.next_working_day(date), config['noon_time'])
        return cls.local_datetime(date, config['office_close_time'])

    @classmethod
    def return_deadline(cls, dispatched_at):
        """Return the end of the return window: 1 working day from the
        dispatch (RET-01 with CONV-05 and CONV-06)."""
        return cls.add_working_days(dispatched_at, 1)

    @classmethod
    def working_days_between(cls, start, end):
        """Count the working days from the local date of start (day 0) to
        the local date of end (CONV-08): a same-day end counts 0."""
        if isinstance(start, dt.datetime):
            start = cls.to_local(start).date()
        if isinstance(end, dt.datetime):
            end = cls.to_local(end).date()
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        date = start
        while date < end:
            date += dt.timedelta(days=1)
            if cls.is_working_day(date):
                count += 1
        return sign * count

    @classmethod
    def working_seconds_between(cls, start, end):
        """Return the seconds between two naive UTC datetimes that fall on
        working days: the elapsed working time of the traffic lights."""
        if end <= start:
            return 0
        tz = cls._timezone()
        local_start, local_end = cls.to_local(start), cls.to_local(end)
        total = 0
        date = local_start.date()
        while date <= local_end.date():
            if cls.is_working_day(date):
                day_start = dt.datetime.combine(date, dt.time(), tzinfo=tz)
                day_end = day_start + dt.timedelta(days=1)
                lo = max(day_start, local_start)
                hi = min(day_end, local_end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            date += dt.timedelta(days=1)
        return total

    @classmethod
    def add_working_seconds(cls, value, seconds):
        """Return the naive UTC datetime at which `seconds` of working time
        (as working_seconds_between counts it) have elapsed after value:
        a paused clock that resumes (LGT-05) skips the days off."""
        if seconds <= 0:
            return value
        tz = cls._timezone()
        local = cls.to_local(value)
        date = local.date()
        remaining = seconds
        while True:
            if cls.is_working_day(date):
                day_start = dt.datetime.combine(date, dt.time(), tzinfo=tz)
                lo = max(day_start, local)
                span = (day_start + dt.timedelta(days=1) - lo).total_seconds()
                if span >= remaining:
                    return cls.to_utc(lo + dt.timedelta(seconds=remaining))
                remaining -= span
            date += dt.timedelta(days=1)

    @classmethod
    def working_time_point(cls, start, end, fraction):
        """Return the naive UTC datetime at which the given fraction of the
        working time between start and end has elapsed (LGT-03)."""
        total = cls.working_seconds_between(start, end)
        if total <= 0:
            return start
        target = total * fraction
        tz = cls._timezone()
        local_start, local_end = cls.to_local(start), cls.to_local(end)
        elapsed = 0
        date = local_start.date()
        while date <= local_end.date():
            if cls.is_working_day(date):
                day_start = dt.datetime.combine(date, dt.time(), tzinfo=tz)
                lo = max(day_start, local_start)
                hi = min(day_start + dt.timedelta(days=1), local_end)
                if hi > lo:
                    span = (hi - lo).total_seconds()
                    if elapsed + span >= target:
                        point = lo + dt.timedelta(seconds=target - elapsed)
                        return cls.to_utc(point)
                    elapsed += span
            date += dt.timedelta(days=1)
        return end


class CalendarImportStart(ModelView):
    __name__ = 'sushi.calendar.import.start'
    __string__ = "Import Calendar"

    year = fields.Integer("Year", required=True,
        help="The year whose official schedule the file holds.")
    file_ = fields.Binary("File", required=True, filename='filename',
        help="CSV with the columns date, kind and note; kind is holiday "
        "(休) or workday (班).")
    filename = fields.Char("File Name")
    replace = fields.Boolean("Replace Existing Year",
        help="Delete the days already entered for this year first.")

    @classmethod
    def default_year(cls):
        # the coming year in Suzhou: the server's date is UTC's, a year
        # behind from 16:00 UTC on 31 December
        Calendar = Pool().get('sushi.calendar')
        return Calendar.to_local(clock.now()).year + 1


class CalendarImport(Wizard):
    "Import a year's official holiday schedule from a CSV file."
    __name__ = 'sushi.calendar.import'
    __string__ = "Import Calendar"

    start = StateView('sushi.calendar.import.start',
        'sushi_ticket.calendar_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()

    def transition_import_(self):
        pool = Pool()
        Year = pool.get('sushi.calendar.year')
        Day = pool.get('sushi.calendar.day')
        year = self.start.year
        rows = parse_calendar_file(self.start.file_, year)
        existing = Year.search([('year', '=', year)])
        if existing and not self.start.replace:
            raise CalendarImportError(gettext(
                    'sushi_ticket.msg_calendar_import_year_exists',
                    year=year))
        Year.delete(existing)
        record, = Year.create([{
                    'year': year,
                    'source': 'import',
                    'note': self.start.filename,
                    }])
        Day.create([{
                    'calendar_year': record.id,
                    'date': date,
                    'kind': kind,
                    'note': note,
                    } for date, kind, note in rows])
        return 'end'


def _decode(data):
    if isinstance(data, str):
        return data
    data = bytes(data)
    # Excel in Chinese Windows saves CSV in GB18030 (a superset of GBK).
    for encoding in ('utf-8-sig', 'gb18030'):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarImportError(gettext('sushi_ticket.msg_import_encoding'))


def parse_calendar_file(data, year):
    """Parse a calendar CSV (date, kind, note) for year.

    Return the list of (date, kind, note), or raise CalendarImportError
    naming every bad row: a file is imported whole or not at all."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text))
    rows, errors, seen = [], [], {}
    for lineno, row in enumerate(reader, start=1):
        if not row or not any(c.strip() for c in row):
            continue
        cells = [c.strip() for c in row] + ['', '', '']
        date_text, kind_text, note = cells[0], cells[1], cells[2]
        if lineno == 1 and date_text.lower() in {'date', '日期'}:
            continue
        try:
            date = dt.date.fromisoformat(date_text.replace('/', '-'))
        except ValueError:
            errors.append(gettext('sushi_ticket.msg_import_row_bad_date',
                    line=lineno, value=date_text))
            continue
        kind = KIND_WORDS.get(kind_text.lower())
        if kind is None:
            errors.append(gettext('sushi_ticket.msg_import_row_bad_kind',
                    line=lineno, value=kind_text))
            continue
        if date.year != year:
            errors.append(gettext('sushi_ticket.msg_import_row_wrong_year',
                    line=lineno, date=date, year=year))
            continue
        if kind == 'workday' and date.weekday() < 5:
            errors.append(gettext(
                    'sushi_ticket.msg_import_row_workday_not_weekend',
                    line=lineno, date=date))
            continue
        if date in seen:
            errors.append(gettext('sushi_ticket.msg_import_row_duplicate',
                    line=lineno, date=date, first=seen[date]))
            continue
        seen[date] = lineno
        rows.append((date, kind, note or None))
    if errors:
        raise CalendarImportError(gettext(
                'sushi_ticket.msg_import_rejected',
                count=len(errors), errors='\n'.join(errors)))
    if not rows:
        raise CalendarImportError(gettext('sushi_ticket.msg_import_empty'))
    return rows


class CalendarCheckStart(ModelView):
    "Let an administrator try the deadlines of a dispatch time."
    __name__ = 'sushi.calendar.check.start'
    __string__ = "Check Deadlines"

    dispatched_at = fields.DateTime("Dispatched at", required=True)
    working_days = fields.Integer("Working Days", required=True)
    sign_deadline = fields.Function(
        fields.DateTime("Sign-in Deadline"), 'on_change_with_sign_deadline')
    return_deadline = fields.Function(
        fields.DateTime("Return Deadline"),
        'on_change_with_return_deadline')
    due_at = fields.Function(
        fields.DateTime("Due"), 'on_change_with_due_at')
    error = fields.Function(fields.Char("Error"), 'on_change_with_error')

    @classmethod
    def default_working_days(cls):
        return 1

    def _compute(self, method, *args):
        if not self.dispatched_at:
            return None
        try:
            return getattr(Pool().get('sushi.calendar'), method)(
                self.dispatched_at, *args)
        except CalendarMissingYearError:
            return None

    @fields.depends('dispatched_at')
    def on_change_with_sign_deadline(self, name=None):
        return self._compute('sign_deadline')

    @fields.depends('dispatched_at')
    def on_change_with_return_deadline(self, name=None):
        return self._compute('return_deadline')

    @fields.depends('dispatched_at', 'working_days')
    def on_change_with_due_at(self, name=None):
        if self.working_days is None:
            return None
        return self._compute('add_working_days', self.working_days)

    @fields.depends('dispatched_at')
    def on_change_with_error(self, name=None):
        if not self.dispatched_at:
            return None
        try:
            Pool().get('sushi.calendar').sign_deadline(self.dispatched_at)
        except CalendarMissingYearError as exception:
            return exception.message
        return None


class CalendarCheck(Wizard):
    __name__ = 'sushi.calendar.check'
    __string__ = "Check Deadlines"

    start = StateView('sushi.calendar.check.start',
        'sushi_ticket.calendar_check_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
