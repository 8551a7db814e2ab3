# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The working-day calendar: CONV-03..08, SGN-01..03, RET-01.

2025's Spring Festival runs from Tuesday 28 January to Tuesday 4 February,
across a month end, with the make-up working days Sunday 26 January and
Saturday 8 February: the official schedule of that year exercises every
rule at once."""
import datetime as dt
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from ..exceptions import CalendarImportError, CalendarMissingYearError
from .tools import DBTestCase, as_local, at, local


class CalendarTestCase(DBTestCase, unittest.TestCase):

    @with_transaction()
    def test_working_days_follow_official_schedule(self):
        "CONV-03: weekends off, holidays off, make-up days on"
        Calendar = Pool().get('sushi.calendar')
        self.assertTrue(Calendar.is_working_day(dt.date(2025, 1, 24)))
        self.assertFalse(Calendar.is_working_day(dt.date(2025, 1, 25)))
        # Sunday made a working day (调休)
        self.assertTrue(Calendar.is_working_day(dt.date(2025, 1, 26)))
        # Holiday on a weekday, and the span across the month end
        for day in [dt.date(2025, 1, 28), dt.date(2025, 1, 31),
                dt.date(2025, 2, 3), dt.date(2025, 2, 4)]:
            self.assertFalse(Calendar.is_working_day(day), day)
        self.assertTrue(Calendar.is_working_day(dt.date(2025, 2, 5)))
        self.assertTrue(Calendar.is_working_day(dt.date(2025, 2, 8)))

    @with_transaction()
    def test_add_working_days_close_of_day(self):
        "CONV-05: the start day is not counted, due at 17:30 of day N"
        Calendar = Pool().get('sushi.calendar')
        # Monday 09:00, 1 working day: Tuesday 17:30 (the rule's example)
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2025, 3, 3, 9), 1)),
            dt.datetime(2025, 3, 4, 17, 30))
        # Friday before the festival: the make-up Sunday counts
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2025, 1, 24, 10), 1)),
            dt.datetime(2025, 1, 26, 17, 30))
        # Monday 27 January, 3 working days: the holiday span is skipped
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2025, 1, 27, 11), 3)),
            dt.datetime(2025, 2, 7, 17, 30))
        # 7 working days include the make-up Saturday 8 February
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2025, 1, 27, 11), 7)),
            dt.datetime(2025, 2, 12, 17, 30))

    @with_transaction()
    def test_add_working_days_same_clock(self):
        "CONV-05 alternative: the same clock time N working days later"
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        config = Configuration(1)
        config.deadline_convention = 'same_clock'
        config.save()
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2025, 3, 3, 9), 1)),
            dt.datetime(2025, 3, 4, 9))

    @with_transaction()
    def test_add_working_days_backwards(self):
        "EXT-03: one working day before a due date"
        Calendar = Pool().get('sushi.calendar')
        self.assertEqual(
            as_local(Calendar.add_working_days(
                    local(2025, 2, 5, 17, 30), -1)),
            dt.datetime(2025, 1, 27, 17, 30))

    @with_transaction()
    def test_sign_deadline_morning(self):
        "SGN-01: a morning dispatch is signed before 17:30 the same day"
        Calendar = Pool().get('sushi.calendar')
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 1, 24, 9, 15))),
            dt.datetime(2025, 1, 24, 17, 30))
        # Just after midnight is morning too (SGN-03)
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 3, 4, 0, 5))),
            dt.datetime(2025, 3, 4, 17, 30))

    @with_transaction()
    def test_sign_deadline_afternoon(self):
        "SGN-02: an afternoon dispatch is signed before 12:00 next day"
        Calendar = Pool().get('sushi.calendar')
        # 12:00 sharp is afternoon (SGN-03)
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 3, 4, 12, 0))),
            dt.datetime(2025, 3, 5, 12, 0))
        # Friday afternoon before the festival: the make-up Sunday
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 1, 24, 15))),
            dt.datetime(2025, 1, 26, 12, 0))
        # Evening before the holiday span: after the month end
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 1, 27, 21, 40))),
            dt.datetime(2025, 2, 5, 12, 0))
        # Friday afternoon before a make-up Saturday
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 2, 7, 16))),
            dt.datetime(2025, 2, 8, 12, 0))

    @with_transaction()
    def test_sign_deadline_non_working_day(self):
        "SGN-03: a dispatch on a non-working day is a next-morning one"
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        # During the festival, in the afternoon: 17:30 of the first
        # working day after it
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 1, 30, 15))),
            dt.datetime(2025, 2, 5, 17, 30))
        # An ordinary Saturday
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 3, 8, 10))),
            dt.datetime(2025, 3, 10, 17, 30))
        config = Configuration(1)
        config.non_working_day_dispatch = 'next_afternoon'
        config.save()
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2025, 3, 8, 10))),
            dt.datetime(2025, 3, 11, 12, 0))

    @with_transaction()
    def test_return_deadline(self):
        "RET-01: 17:30 on the first working day after the dispatch date"
        Calendar = Pool().get('sushi.calendar')
        self.assertEqual(
            as_local(Calendar.return_deadline(local(2025, 1, 27, 9))),
            dt.datetime(2025, 2, 5, 17, 30))
        self.assertEqual(
            as_local(Calendar.return_deadline(local(2025, 3, 7, 18))),
            dt.datetime(2025, 3, 10, 17, 30))

    @with_transaction()
    def test_working_days_between(self):
        "CONV-08: working days from the dispatch date (day 0)"
        Calendar = Pool().get('sushi.calendar')
        self.assertEqual(Calendar.working_days_between(
                local(2025, 3, 3, 9), local(2025, 3, 3, 16)), 0)
        self.assertEqual(Calendar.working_days_between(
                local(2025, 3, 3, 9), local(2025, 3, 4, 18)), 1)
        # Across the festival and the month end
        self.assertEqual(Calendar.working_days_between(
                local(2025, 1, 27, 9), local(2025, 2, 5, 9)), 1)
        self.assertEqual(Calendar.working_days_between(
                dt.date(2025, 1, 24), dt.date(2025, 2, 8)), 6)

    @with_transaction()
    def test_working_time_point(self):
        "LGT-03: half the working time of a span skips the holidays"
        Calendar = Pool().get('sushi.calendar')
        start = local(2025, 1, 27, 0)
        end = local(2025, 2, 6, 0)
        # Working days in the span: 27 January and 5 February
        self.assertEqual(Calendar.working_seconds_between(start, end),
            2 * 24 * 3600)
        self.assertEqual(
            as_local(Calendar.working_time_point(start, end, 0.5)),
            dt.datetime(2025, 1, 28, 0, 0))
        self.assertEqual(
            as_local(Calendar.working_time_point(start, end, 0.75)),
            dt.datetime(2025, 2, 5, 12, 0))

    @with_transaction()
    def test_national_day_2026_week(self):
        """CONV-03, CONV-05, SGN-01..03, RET-01, EXT-03: 2026's Mid-autumn
        (Friday 25 to Sunday 27 September) and National Day (Thursday 1 to
        Wednesday 7 October, starting and ending mid-week) with the make-up
        Sunday 20 September and Saturday 10 October (chinese-calendar's
        official schedule); every value by hand from the rules"""
        Calendar = Pool().get('sushi.calendar')
        for day, working in [
                ((2026, 9, 20), True), ((2026, 9, 25), False),
                ((2026, 9, 28), True), ((2026, 9, 30), True),
                ((2026, 10, 1), False), ((2026, 10, 7), False),
                ((2026, 10, 8), True), ((2026, 10, 10), True),
                ((2026, 10, 11), False)]:
            self.assertEqual(
                Calendar.is_working_day(dt.date(*day)), working, day)
        # LIM-01 complaint, 7 working days from the holiday eve: 8, 9,
        # 10 (Saturday), 12, 13, 14, 15 October
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2026, 9, 30, 10), 7)),
            dt.datetime(2026, 10, 15, 17, 30))
        # a 1-day limit due ON the holiday eve, and its extension filing
        # deadline one working day before (EXT-03)
        due = Calendar.add_working_days(local(2026, 9, 29, 9), 1)
        self.assertEqual(as_local(due), dt.datetime(2026, 9, 30, 17, 30))
        self.assertEqual(as_local(Calendar.add_working_days(due, -1)),
            dt.datetime(2026, 9, 29, 17, 30))
        # dispatched after hours on the eve: due the first day after the
        # holiday; its filing deadline (the eve, 17:30) had passed at
        # dispatch (EXT-03's late-window exception)
        due = Calendar.add_working_days(local(2026, 9, 30, 18), 1)
        self.assertEqual(as_local(due), dt.datetime(2026, 10, 8, 17, 30))
        self.assertEqual(as_local(Calendar.add_working_days(due, -1)),
            dt.datetime(2026, 9, 30, 17, 30))
        for dispatched, deadline in [
                # SGN-01: the eve's morning, to its own 17:30
                ((2026, 9, 30, 11, 59), (2026, 9, 30, 17, 30)),
                # SGN-02: the eve's afternoon, noon after the holiday
                ((2026, 9, 30, 15), (2026, 10, 8, 12)),
                # SGN-03: on a holiday, a morning dispatch of 8 October
                ((2026, 10, 3, 10), (2026, 10, 8, 17, 30)),
                # Friday afternoon before the make-up Sunday
                ((2026, 9, 18, 14), (2026, 9, 20, 12)),
                # the eve of Mid-autumn (a Thursday): Monday noon
                ((2026, 9, 24, 16), (2026, 9, 28, 12)),
                # after the holiday, to the make-up Saturday
                ((2026, 10, 9, 13), (2026, 10, 10, 12)),
                ]:
            self.assertEqual(
                as_local(Calendar.sign_deadline(local(*dispatched))),
                dt.datetime(*deadline), dispatched)
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2026, 9, 18, 10), 1)),
            dt.datetime(2026, 9, 20, 17, 30))
        # RET-01 across Mid-autumn
        self.assertEqual(
            as_local(Calendar.return_deadline(local(2026, 9, 24, 9))),
            dt.datetime(2026, 9, 28, 17, 30))
        # CONV-08
        self.assertEqual(Calendar.working_days_between(
                dt.date(2026, 9, 30), dt.date(2026, 10, 15)), 7)
        self.assertEqual(Calendar.working_days_between(
                dt.date(2026, 9, 24), dt.date(2026, 10, 8)), 4)
        # LGT-03: the working time of the span is 30 September and
        # 8 October; three quarters of it falls on 8 October at noon
        start, end = local(2026, 9, 30, 0), local(2026, 10, 9, 0)
        self.assertEqual(
            Calendar.working_seconds_between(start, end), 2 * 24 * 3600)
        self.assertEqual(
            as_local(Calendar.working_time_point(start, end, 0.75)),
            dt.datetime(2026, 10, 8, 12, 0))
        # LGT-05: 18 working hours from the eve's 16:00 skip the holiday
        self.assertEqual(as_local(Calendar.add_working_seconds(
                    local(2026, 9, 30, 16), 18 * 3600)),
            dt.datetime(2026, 10, 8, 10, 0))
        self.assertEqual(Calendar.working_seconds_between(
                local(2026, 9, 30, 16), local(2026, 10, 8, 10)), 18 * 3600)

    @with_transaction()
    def test_spring_festival_2026_week(self):
        """CONV-03, CONV-05, SGN-01..03, RET-01, EXT-03: 2026's Spring
        Festival, Sunday 15 to Monday 23 February (ending on a Monday),
        with the make-up Saturday 14 February as the holiday's eve and the
        make-up Saturday 28 February at the month end"""
        Calendar = Pool().get('sushi.calendar')
        for day, working in [
                ((2026, 2, 14), True), ((2026, 2, 15), False),
                ((2026, 2, 23), False), ((2026, 2, 24), True),
                ((2026, 2, 28), True), ((2026, 3, 1), False)]:
            self.assertEqual(
                Calendar.is_working_day(dt.date(*day)), working, day)
        for dispatched, deadline in [
                # Friday afternoon: noon of the make-up Saturday
                ((2026, 2, 13, 16), (2026, 2, 14, 12)),
                # the make-up Saturday's morning: its own 17:30
                ((2026, 2, 14, 10), (2026, 2, 14, 17, 30)),
                # its evening: noon of the first day after the holiday
                ((2026, 2, 14, 20), (2026, 2, 24, 12)),
                # during the holiday: 17:30 of the first working day
                ((2026, 2, 18, 9), (2026, 2, 24, 17, 30)),
                ]:
            self.assertEqual(
                as_local(Calendar.sign_deadline(local(*dispatched))),
                dt.datetime(*deadline), dispatched)
        for dispatched, days, due in [
                # 14, 24, 25 February
                ((2026, 2, 13, 9), 3, (2026, 2, 25, 17, 30)),
                # 10, 11, 12, 13, 14, 24, 25 February
                ((2026, 2, 9, 9), 7, (2026, 2, 25, 17, 30)),
                # 27, 28 (Saturday) February, 2 March
                ((2026, 2, 26, 10), 3, (2026, 3, 2, 17, 30)),
                ]:
            self.assertEqual(
                as_local(Calendar.add_working_days(local(*dispatched), days)),
                dt.datetime(*due), dispatched)
        self.assertEqual(
            as_local(Calendar.return_deadline(local(2026, 2, 14, 9))),
            dt.datetime(2026, 2, 24, 17, 30))
        # EXT-03: one working day before 24 February is the make-up eve
        self.assertEqual(
            as_local(Calendar.add_working_days(
                    local(2026, 2, 24, 17, 30), -1)),
            dt.datetime(2026, 2, 14, 17, 30))
        self.assertEqual(Calendar.working_days_between(
                dt.date(2026, 2, 13), dt.date(2026, 2, 28)), 6)

    @with_transaction()
    def test_labour_day_qingming_dragon_boat_2026(self):
        """CONV-03..05, SGN-01..03, RET-01, EXT-03, LGT-03, CONV-08 at the
        sign-in boundaries (11:59, 12:00, 17:29, 17:30, 23:59) of 2026's
        short holidays: Labour Day Friday 1 to Tuesday 5 May with the
        make-up Saturday 9 May, Qingming Saturday 4 to Monday 6 April,
        Dragon Boat Friday 19 to Sunday 21 June; every value by hand"""
        Calendar = Pool().get('sushi.calendar')
        for dispatched, deadline in [
                # Thursday 30 April, the eve of Labour Day
                ((2026, 4, 30, 11, 59), (2026, 4, 30, 17, 30)),
                ((2026, 4, 30, 12, 0), (2026, 5, 6, 12)),
                ((2026, 4, 30, 17, 29), (2026, 5, 6, 12)),
                ((2026, 4, 30, 17, 30), (2026, 5, 6, 12)),
                ((2026, 4, 30, 23, 59), (2026, 5, 6, 12)),
                # on the holiday: a morning dispatch of Wednesday 6 May
                ((2026, 5, 3, 10), (2026, 5, 6, 17, 30)),
                # Friday 8 May afternoon: noon of the make-up Saturday
                ((2026, 5, 8, 15), (2026, 5, 9, 12)),
                ((2026, 5, 9, 11, 59), (2026, 5, 9, 17, 30)),
                ((2026, 5, 9, 12, 0), (2026, 5, 11, 12)),
                # Qingming: Friday 3 April afternoon to Tuesday noon
                ((2026, 4, 3, 12, 0), (2026, 4, 7, 12)),
                ((2026, 4, 3, 23, 59), (2026, 4, 7, 12)),
                # Dragon Boat: Thursday 18 June
                ((2026, 6, 18, 11, 59), (2026, 6, 18, 17, 30)),
                ((2026, 6, 18, 17, 30), (2026, 6, 22, 12)),
                ]:
            self.assertEqual(
                as_local(Calendar.sign_deadline(local(*dispatched))),
                dt.datetime(*deadline), dispatched)
        # the local midnight of Qingming's first day is 16:00 UTC Friday
        self.assertEqual(as_local(Calendar.sign_deadline(
                    dt.datetime(2026, 4, 3, 15, 59))),
            dt.datetime(2026, 4, 7, 12))
        self.assertEqual(as_local(Calendar.sign_deadline(
                    dt.datetime(2026, 4, 3, 16))),
            dt.datetime(2026, 4, 7, 17, 30))
        for dispatched, days, due in [
                # CONV-05: the dispatch day is not counted, 17:29 or 17:30
                ((2026, 4, 30, 17, 29), 1, (2026, 5, 6, 17, 30)),
                ((2026, 4, 30, 17, 30), 1, (2026, 5, 6, 17, 30)),
                # 30 April, 6, 7, 8, 9 (Saturday), 11, 12 May
                ((2026, 4, 29, 10), 7, (2026, 5, 12, 17, 30)),
                # 3, 7, 8 April
                ((2026, 4, 2, 9), 3, (2026, 4, 8, 17, 30)),
                ((2026, 6, 18, 10), 1, (2026, 6, 22, 17, 30)),
                ]:
            self.assertEqual(
                as_local(Calendar.add_working_days(local(*dispatched), days)),
                dt.datetime(*due), dispatched)
        # RET-01 from the eve's 23:59; EXT-03 one working day before the
        # first day after each holiday is its eve
        self.assertEqual(
            as_local(Calendar.return_deadline(local(2026, 4, 30, 23, 59))),
            dt.datetime(2026, 5, 6, 17, 30))
        for due, filing in [
                ((2026, 5, 6, 17, 30), (2026, 4, 30, 17, 30)),
                ((2026, 6, 22, 17, 30), (2026, 6, 18, 17, 30)),
                ((2026, 4, 7, 17, 30), (2026, 4, 3, 17, 30)),
                ]:
            self.assertEqual(
                as_local(Calendar.add_working_days(local(*due), -1)),
                dt.datetime(*filing), due)
        # LGT-03: 30 April 12:00 to 6 May 17:30 holds 12 + 17.5 working
        # hours; half of it (14.75 h) is 6 May 02:45
        self.assertEqual(as_local(Calendar.working_time_point(
                    local(2026, 4, 30, 12), local(2026, 5, 6, 17, 30), 0.5)),
            dt.datetime(2026, 5, 6, 2, 45))
        # CONV-08
        self.assertEqual(Calendar.working_days_between(
                dt.date(2026, 4, 30), dt.date(2026, 5, 6)), 1)
        self.assertEqual(Calendar.working_days_between(
                dt.date(2026, 4, 29), dt.date(2026, 5, 12)), 7)

    @with_transaction()
    def test_day_boundary_is_shanghai_midnight(self):
        """CONV-04, SGN-03, CONV-05: 23:59 and 00:00 in Suzhou are 15:59
        and 16:00 UTC; the local date decides the day, at month, quarter
        and year ends (the values given here are naive UTC, as stored)"""
        Calendar = Pool().get('sushi.calendar')
        utc = dt.datetime
        for dispatched, sign, due in [
                # Monday 2 March 23:59:59: afternoon (SGN-03), so Tuesday
                # noon; 1 working day: Tuesday 17:30
                (utc(2026, 3, 2, 15, 59, 59), utc(2026, 3, 3, 4),
                    utc(2026, 3, 3, 9, 30)),
                # Tuesday 00:00: Tuesday morning
                (utc(2026, 3, 2, 16), utc(2026, 3, 3, 9, 30),
                    utc(2026, 3, 4, 9, 30)),
                # Friday 23:59 and Saturday 00:00 (a non-working day)
                (utc(2026, 3, 6, 15, 59), utc(2026, 3, 9, 4),
                    utc(2026, 3, 9, 9, 30)),
                # (the limit counts from the day after Saturday: Monday)
                (utc(2026, 3, 6, 16), utc(2026, 3, 9, 9, 30),
                    utc(2026, 3, 9, 9, 30)),
                # quarter end: Tuesday 31 March 23:30, then Wednesday
                # 1 April 00:00 (still 31 March in UTC)
                (utc(2026, 3, 31, 15, 30), utc(2026, 4, 1, 4),
                    utc(2026, 4, 1, 9, 30)),
                (utc(2026, 3, 31, 16), utc(2026, 4, 1, 9, 30),
                    utc(2026, 4, 2, 9, 30)),
                # year end: Wednesday 31 December 2025 23:00; New Year
                # 1..3 January 2026, Sunday 4 January a make-up day
                (utc(2025, 12, 31, 15), utc(2026, 1, 4, 4),
                    utc(2026, 1, 4, 9, 30)),
                # 1 January 2026 00:00 (31 December in UTC): a holiday
                (utc(2025, 12, 31, 16), utc(2026, 1, 4, 9, 30),
                    utc(2026, 1, 4, 9, 30)),
                ]:
            self.assertEqual(
                Calendar.sign_deadline(dispatched), sign, dispatched)
            self.assertEqual(
                Calendar.add_working_days(dispatched, 1), due, dispatched)
        # the UTC date of 16:00 is the day before the local one
        self.assertFalse(Calendar.is_working_day(utc(2026, 9, 30, 16)))
        self.assertTrue(Calendar.is_working_day(utc(2026, 10, 7, 16)))
        self.assertEqual(Calendar.working_days_between(
                utc(2026, 9, 30, 15), utc(2026, 9, 30, 16)), 0)
        self.assertEqual(Calendar.working_days_between(
                utc(2026, 9, 30, 15), utc(2026, 10, 7, 16)), 1)
        # 31 December 2026 16:00 UTC is 2027 in Suzhou, a year without
        # an official schedule yet (CONV-03): refused, not guessed
        self.assertTrue(Calendar.is_working_day(utc(2026, 12, 31, 15, 59)))
        Year = Pool().get('sushi.calendar.year')
        Year.delete(Year.search([('year', '=', 2027)]))
        with self.assertRaises(CalendarMissingYearError):
            Calendar.is_working_day(utc(2026, 12, 31, 16))

    @with_transaction()
    def test_leap_day(self):
        "CONV-05, SGN-02, EXT-03, CONV-08 around Thursday 29 February 2024"
        Calendar = Pool().get('sushi.calendar')
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2024, 2, 28, 10), 1)),
            dt.datetime(2024, 2, 29, 17, 30))
        self.assertEqual(
            as_local(Calendar.sign_deadline(local(2024, 2, 29, 14))),
            dt.datetime(2024, 3, 1, 12))
        # 1, 4, 5 March
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2024, 2, 29, 14), 3)),
            dt.datetime(2024, 3, 5, 17, 30))
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2024, 3, 1, 17, 30), -1)),
            dt.datetime(2024, 2, 29, 17, 30))
        self.assertEqual(Calendar.working_days_between(
                dt.date(2024, 2, 28), dt.date(2024, 3, 1)), 2)
        # 28 February 16:00 UTC is the leap day's midnight in Suzhou
        self.assertEqual(
            as_local(Calendar.sign_deadline(dt.datetime(2024, 2, 28, 16))),
            dt.datetime(2024, 2, 29, 17, 30))

    @with_transaction()
    def test_missing_year_is_refused(self):
        "CONV-03: a year without an official schedule is never guessed"
        Calendar = Pool().get('sushi.calendar')
        with self.assertRaises(CalendarMissingYearError) as cm:
            Calendar.add_working_days(local(2099, 12, 28, 9), 7)
        self.assertIn('2099', cm.exception.message)
        # A deadline running into a missing year is refused as well (the
        # year is removed here, whatever chinese-calendar knows)
        Year = Pool().get('sushi.calendar.year')
        Year.delete(Year.search([('year', '=', 2027)]))
        with self.assertRaises(CalendarMissingYearError):
            Calendar.add_working_days(local(2026, 12, 30, 9), 7)

    @with_transaction()
    def test_seeded_from_library(self):
        "The years chinese-calendar knows are in the calendar"
        pool = Pool()
        Year = pool.get('sushi.calendar.year')
        Day = pool.get('sushi.calendar.day')
        year, = Year.search([('year', '=', 2025)])
        self.assertEqual(year.source, 'library')
        workdays = Day.search([
                ('calendar_year', '=', year.id), ('kind', '=', 'workday')])
        self.assertEqual(
            sorted(d.date for d in workdays)[:2],
            [dt.date(2025, 1, 26), dt.date(2025, 2, 8)])

    @with_transaction()
    def test_import_year(self):
        "An administrator imports next year's schedule, in Chinese words"
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Import = pool.get('sushi.calendar.import', type='wizard')
        data = ('日期,类型,备注\n'
            '2099-01-01,休,元旦\n'
            '2099-01-02,休,元旦\n'
            '2099-01-04,班,调休上班\n').encode('gb18030')
        session_id, _, _ = Import.create()
        Import.execute(session_id, {'start': {
                    'year': 2099, 'file_': data, 'filename': 'x.csv',
                    'replace': False}}, 'import_')
        Import.delete(session_id)
        self.assertFalse(Calendar.is_working_day(dt.date(2099, 1, 2)))
        # 4 January 2099 is a Sunday made a working day
        self.assertTrue(Calendar.is_working_day(dt.date(2099, 1, 4)))
        self.assertEqual(
            as_local(Calendar.add_working_days(local(2098, 12, 31, 9), 1)),
            dt.datetime(2099, 1, 4, 17, 30))

    @with_transaction()
    def test_import_rejects_whole_file(self):
        "A file with bad rows names each of them and imports nothing"
        pool = Pool()
        Year = pool.get('sushi.calendar.year')
        Import = pool.get('sushi.calendar.import', type='wizard')
        data = ('2099-01-01,休,元旦\n'
            '2099-13-01,休,bad date\n'
            '2099-01-05,班,a Monday\n'
            '2098-12-31,休,wrong year\n'
            '2099-01-03,午休,bad kind\n'
            '2099-01-01,休,again\n').encode('utf-8')
        session_id, _, _ = Import.create()
        with self.assertRaises(CalendarImportError) as cm:
            Import.execute(session_id, {'start': {
                        'year': 2099, 'file_': data, 'filename': 'x.csv',
                        'replace': False}}, 'import_')
        message = cm.exception.message
        for line in ['Row 2:', 'Row 3:', 'Row 4:', 'Row 5:', 'Row 6:']:
            self.assertIn(line, message)
        self.assertNotIn('Row 1:', message)
        self.assertEqual(Year.search([('year', '=', 2099)]), [])

    @with_transaction()
    def test_import_proposes_the_coming_suzhou_year(self):
        """CONV-04 on a server in UTC: from Suzhou's midnight of 1 January
        2027 (16:00 UTC on 31 December 2026) the import proposes 2028"""
        Start = Pool().get('sushi.calendar.import.start')
        self.assertEqual(local(2027, 1, 1, 0, 30),
            dt.datetime(2026, 12, 31, 16, 30))
        for when, year in [((2026, 12, 31, 23, 59), 2027),
                ((2027, 1, 1, 0, 30), 2028)]:
            with at(*when):
                self.assertEqual(Start.default_year(), year, when)

    @with_transaction()
    def test_import_existing_year_needs_replace(self):
        "Re-importing a year replaces it only when asked to"
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Import = pool.get('sushi.calendar.import', type='wizard')

        def run(replace):
            session_id, _, _ = Import.create()
            Import.execute(session_id, {'start': {
                        'year': 2025, 'file_': b'2025-03-03,holiday,test\n',
                        'filename': 'x.csv', 'replace': replace}},
                'import_')

        with self.assertRaises(CalendarImportError):
            run(False)
        self.assertTrue(Calendar.is_working_day(dt.date(2025, 3, 3)))
        run(True)
        self.assertFalse(Calendar.is_working_day(dt.date(2025, 3, 3)))
        # The Spring Festival of the old data is gone with the replace
        self.assertTrue(Calendar.is_working_day(dt.date(2025, 1, 28)))

