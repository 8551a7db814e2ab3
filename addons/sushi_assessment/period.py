# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Assessment periods: a month, a calendar quarter or a calendar year,
scored (compute) and frozen (publish).  ASM-01, ASM-04, SCORING §4."""
import calendar
import datetime as dt
import logging

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.exceptions import CalendarMissingYearError
from trytond.modules.sushi_ticket.tools import missed_months
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import PeriodError, PeriodValidationError

logger = logging.getLogger(__name__)

KINDS = [
    ('month', "Month"),
    ('quarter', "Quarter"),
    ('year', "Year"),
    ]
STATES = [
    ('draft', "Draft"),
    ('computed', "Computed"),
    ('published', "Published"),
    ]


def bounds(kind, date):
    "The first and last day of the calendar month, quarter or year of date."
    if kind == 'month':
        first, last = date.month, date.month
    elif kind == 'quarter':
        first = (date.month - 1) // 3 * 3 + 1
        last = first + 2
    else:
        first, last = 1, 12
    return (dt.date(date.year, first, 1), dt.date(date.year, last,
            calendar.monthrange(date.year, last)[1]))


def months(start, end):
    "The (first day, last day) of each month from start to end."
    date = start
    while date <= end:
        yield bounds('month', date)
        date = bounds('month', date)[1] + dt.timedelta(days=1)


class Period(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.assessment.period'
    __string__ = "Assessment Period"

    name = fields.Char("Name", required=True,
        states={'readonly': Eval('state') != 'draft'})
    kind = fields.Selection(KINDS, "Kind", required=True,
        states={'readonly': Eval('state') != 'draft'})
    start_date = fields.Date("Start Date", required=True,
        states={'readonly': Eval('state') != 'draft'})
    end_date = fields.Date("End Date", required=True,
        states={'readonly': Eval('state') != 'draft'})
    kind_string = kind.translated('kind')
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    computed_at = fields.DateTime("Computed at", readonly=True)
    published_at = fields.DateTime("Published at", readonly=True)
    published_by = fields.Many2One('res.user', "Published by",
        readonly=True)
    objection_deadline = fields.DateTime("Objections until", readonly=True)
    held_for_calendar = fields.Boolean("Held for the Calendar",
        readonly=True,
        help="Computed but not published: the objection deadline falls in "
        "a year whose working-day calendar is not entered yet.  Published "
        "when the year is entered.")
    scores = fields.One2Many('sushi.assessment.score', 'period', "Scores",
        readonly=True)
    results = fields.One2Many('sushi.assessment.result', 'period',
        "Results", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('kind', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'computed'), ('computed', 'computed'),
            ('computed', 'draft'), ('computed', 'published'),
            }
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') == 'published',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'computed',
                    'depends': ['state'],
                    },
                'propose': {
                    'invisible': Eval('state') == 'published',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') != 'computed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'month'

    @fields.depends('kind', 'start_date')
    def on_change_start_date(self):
        if self.kind and self.start_date:
            self.start_date, self.end_date = bounds(
                self.kind, self.start_date)
            self.name = self.period_name(self.kind, self.start_date)

    @fields.depends(methods=['on_change_start_date'])
    def on_change_kind(self):
        self.on_change_start_date()

    @staticmethod
    def period_name(kind, start):
        if kind == 'month':
            return f'{start.year}年{start.month}月'
        elif kind == 'quarter':
            return f'{start.year}年第{(start.month - 1) // 3 + 1}季度'
        return f'{start.year}年度'

    @classmethod
    def get_or_create(cls, kind, date):
        "The period of the kind that contains date, created if missing."
        start, end = bounds(kind, date)
        periods = cls.search([
                ('kind', '=', kind), ('start_date', '=', start),
                ('end_date', '=', end)], limit=1)
        if periods:
            return periods[0]
        period, = cls.create([{
                    'kind': kind, 'start_date': start, 'end_date': end,
                    'name': cls.period_name(kind, start)}])
        return period

    @classmethod
    def validate_fields(cls, periods, field_names):
        super().validate_fields(periods, field_names)
        if field_names & {'kind', 'start_date', 'end_date'}:
            for period in periods:
                period.check_dates()

    def check_dates(self):
        if (self.start_date, self.end_date) != bounds(
                self.kind, self.start_date):
            raise PeriodValidationError(gettext(
                    'sushi_assessment.msg_period_bounds',
                    period=self.rec_name, kind=self.kind_string))
        overlapping = self.search([
                ('id', '!=', self.id),
                ('kind', '=', self.kind),
                ('state', '=', 'published'),
                ('start_date', '<=', self.end_date),
                ('end_date', '>=', self.start_date),
                ], limit=1)
        if overlapping:
            raise PeriodValidationError(gettext(
                    'sushi_assessment.msg_period_overlap_published',
                    period=self.rec_name,
                    published=overlapping[0].rec_name))
        same = self.search([
                ('id', '!=', self.id),
                ('kind', '=', self.kind),
                ('start_date', '<=', self.end_date),
                ('end_date', '>=', self.start_date),
                ], limit=1)
        if same:
            raise PeriodValidationError(gettext(
                    'sushi_assessment.msg_period_overlap',
                    period=self.rec_name, other=same[0].rec_name))

    @classmethod
    def check_modification(cls, mode, periods, values=None,
            external=False):
        super().check_modification(
            mode, periods, values=values, external=external)
        if mode == 'delete':
            for period in periods:
                if period.state == 'published':
                    raise PeriodError(gettext(
                            'sushi_assessment.msg_period_published',
                            period=period.rec_name))

    def utc_bounds(self):
        "The naive UTC datetimes of the local start and the local end."
        Calendar = Pool().get('sushi.calendar')
        return (Calendar.local_datetime(self.start_date, dt.time(0)),
            Calendar.local_datetime(
                self.end_date + dt.timedelta(days=1), dt.time(0)))

    @classmethod
    @ModelView.button
    def compute(cls, periods):
        """Score the periods from the stored facts and the approved events;
        running it again on the same facts gives the same rows."""
        from .compute import Engine
        for period in periods:
            if period.state == 'published':
                raise PeriodError(gettext(
                        'sushi_assessment.msg_period_published',
                        period=period.rec_name))
        cls.lock(periods)
        for period in sorted(periods, key=lambda p: (p.start_date, p.kind)):
            Engine(period).run()
        cls.write(periods, {'state': 'computed', 'computed_at': clock.now()})

    @classmethod
    @ModelView.button
    def propose(cls, periods):
        """Propose the candidates of the SEMI items found in the facts of
        the periods as draft events for the officer (SCORING §6.2)."""
        Event = Pool().get('sushi.assessment.event')
        for period in periods:
            Event.propose(period.start_date, period.end_date)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, periods):
        from .compute import Engine
        for period in periods:
            Engine(period).clear()

    @classmethod
    @ModelView.button
    def publish(cls, periods):
        "Freeze the scores and open the objection window (ASM-01)."
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.assessment.configuration')
        days = Configuration.get_values()['objection_days']
        now = clock.now()
        cls.lock(periods)
        for period in periods:
            if period.state != 'computed':
                raise PeriodError(gettext(
                        'sushi_assessment.msg_period_not_computed',
                        period=period.rec_name))
        cls.write(periods, {
                'state': 'published',
                'published_at': now,
                'published_by': Transaction().user,
                'objection_deadline': Calendar.add_working_days(now, days),
                'held_for_calendar': False,
                })

    @classmethod
    def publish_held(cls):
        """Called when a calendar year is entered (and by the bulletin
        cron): score again and publish the periods held because their
        objection deadline fell in a year not entered yet, and send their
        bulletins (ASM-01).  Return the periods published."""
        held = cls.search([
                ('held_for_calendar', '=', True),
                ('state', '=', 'computed'),
                ], order=[('start_date', 'ASC'), ('kind', 'ASC')])
        done = cls._compute_publish(held)
        if done:
            Pool().get('sushi.assessment.bulletin').send(done)
        return done

    @classmethod
    def _compute_publish(cls, periods):
        """Score and publish each period; one whose objection deadline is
        in a year without an official schedule (CONV-03) is kept computed
        and marked held, never published on a guessed deadline."""
        done = []
        for period in periods:
            if period.state == 'published':
                continue
            cls.compute([period])
            try:
                cls.publish([period])
            except CalendarMissingYearError as exception:
                logger.warning("%s: %s", period.rec_name, exception.message)
                cls.write([period], {'held_for_calendar': True})
                continue
            done.append(period)
        return done

    @classmethod
    def run_bulletins(cls, date=None):
        """Cron: from the configured day of a month, score and publish the
        previous month (and the quarter it closes) and send the bulletins
        (ASM-01); and, late, the months a stopped cron never scored.  After
        December the year is scored, not published (ASM-04)."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.assessment.configuration')
        Bulletin = pool.get('sushi.assessment.bulletin')
        config = Configuration.get_values()
        today = date or Calendar.to_local(clock.now()).date()
        previous = today.replace(day=1) - dt.timedelta(days=1)
        # late rather than never: the months after the newest monthly
        # period that a cron stopped from their bulletin day to the next
        # month's never scored (at most 12; none in a new database)
        newest = cls.search([('kind', '=', 'month')],
            order=[('start_date', 'DESC')], limit=1)
        months = missed_months(newest[0].start_date if newest else None,
            previous.replace(day=1), previous - dt.timedelta(days=366))
        if today.day >= config['bulletin_day']:
            months.append(previous)
        due = []
        for month in months:
            due.append(('month', month))
            if month.month % 3 == 0:
                due.append(('quarter', month))
        periods = [cls.get_or_create(kind, month) for kind, month in due]
        # the periods held for a calendar year (published when the year is
        # entered, publish_held; here if that did not run), whatever month
        # it is now
        periods += [p for p in cls.search([
                    ('held_for_calendar', '=', True),
                    ('state', '=', 'computed'),
                    ], order=[('start_date', 'ASC'), ('kind', 'ASC')])
            if p not in periods]
        done = cls._compute_publish(periods)
        if done:
            Bulletin.send(done)
        # ASM-04: once December is scored, early in the next year, the
        # annual evaluation is scored from the year's records (SCORING §4)
        # for the Office, which checks it and publishes it itself
        annual = [cls.get_or_create('year', month) for month in months
            if month.month == 12]
        annual = [p for p in annual if p.state == 'draft']
        if annual:
            cls.compute(annual)
        return done


class CalendarYear(metaclass=PoolMeta):
    __name__ = 'sushi.calendar.year'

    @classmethod
    def fill_platform_deadlines(cls, years):
        """When a year is entered, after its deadlines and facts are
        recomputed: the assessment periods held for it are published."""
        super().fill_platform_deadlines(years)
        Period = Pool().get('sushi.assessment.period')
        with without_check_access():
            Period.publish_held()
