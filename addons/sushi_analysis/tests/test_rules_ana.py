# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ANA-02: the analysis system makes summary tables by condition from the
live data, and the daily, weekly and monthly reports on its own."""
import datetime as dt
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket.tests.tools import DBTestCase, at

from .test_module import make


class RulesAnalysisTestCase(DBTestCase, unittest.TestCase):
    "ANA-02"
    module = 'sushi_analysis'

    def total(self, domain, start=dt.date(2025, 7, 1),
            end=dt.date(2025, 7, 31)):
        Statistic = Pool().get('sushi.analysis.statistic')
        with Transaction().set_context(from_date=start, to_date=end):
            return sum(r.count for r in Statistic.search(domain))

    @with_transaction()
    def test_ana02_summary_by_condition_live(self):
        """ANA-02: in July 2025 埇桥区 has two complaints (1 and 2 July) and
        萧县 one consultation (2 July); a complaint of 1 August is outside
        the period.  The summary by condition gives 2 complaints, 1
        request from 萧县, 3 requests in all; a complaint received at
        10:00 on 15 July is in the next summary at once (no batch)"""
        Unit = Pool().get('sushi.unit')
        county, = Unit.search([('code', '=', 'yongqiao_district')])
        other, = Unit.search([('code', '=', 'xiao_county')])
        make('汴河路积水', when=(2025, 7, 1, 9), region=county.id)
        make('淮河路路灯不亮', when=(2025, 7, 2, 9), region=county.id)
        make('社保卡补办', when=(2025, 7, 2, 10), region=other.id,
            request_type='consult')
        make('人民路噪音扰民', when=(2025, 8, 1, 9), region=county.id)
        self.assertEqual(self.total([('request_type', '=', 'complaint')]), 2)
        self.assertEqual(self.total([('region', '=', other.id)]), 1)
        self.assertEqual(self.total([]), 3)
        self.assertEqual(self.total([('region', '=', county.id)],
                dt.date(2025, 8, 1), dt.date(2025, 8, 31)), 1)
        with at(2025, 7, 15, 10):
            make('银河路井盖缺失', when=(2025, 7, 15, 10), region=county.id)
        self.assertEqual(self.total([('request_type', '=', 'complaint')]), 3)

    @with_transaction()
    def test_ana02_reports_made_by_the_system(self):
        """ANA-02, ANA-04..06: on Monday 7 July 2025 at 9:00 the system
        makes the daily report of Sunday 6 July and the monthly report of
        June; on Tuesday 8 July the daily report of 7 July and the weekly
        report of 30 June to 6 July; run again, nothing more"""
        Report = Pool().get('sushi.analysis.report')
        make('汴河路积水', when=(2025, 7, 6, 9))
        with at(2025, 7, 7, 9):
            first = Report.generate_due()
        with at(2025, 7, 8, 9):
            second = Report.generate_due()
            self.assertEqual(Report.generate_due(), [])
        made = {(r.kind, r.period_start, r.period_end)
            for r in first + second}
        for expected in [
                ('daily', dt.date(2025, 7, 6), dt.date(2025, 7, 6)),
                ('monthly', dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
                ('daily', dt.date(2025, 7, 7), dt.date(2025, 7, 7)),
                ('weekly', dt.date(2025, 6, 30), dt.date(2025, 7, 6))]:
            self.assertIn(expected, made)
        self.assertEqual({r.kind for r in second}, {'daily', 'weekly'})
