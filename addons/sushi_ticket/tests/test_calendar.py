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
from .tools import DBTestCase, as_local, local


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

