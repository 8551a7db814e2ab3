# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ANA-12: the other recurring reports — the monthly supervision report
(SUP-10), the monthly consultation report (CON-09), the monthly statistics
and bulletins by county, park and department, and the quarterly bulletin —
are each made by a scheduled job, without anyone asking."""
import datetime as dt
import unittest
from collections import Counter
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, local, setup_network)


class RulesAnalysisReportsTestCase(DBTestCase, unittest.TestCase):
    "ANA-12"
    module = 'sushi_assessment'

    @with_transaction()
    def test_ana12_recurring_reports_made_by_their_jobs(self):
        """ANA-12: each report has an active daily job; run on their days
        in spring 2025 they make the consultation report of March (from
        the 21st, CON-09), the supervision report of March (on the first
        working day of April, Tuesday 1 April, SUP-10) and, on the bulletin
        day (5 April 2025 is a Saturday; the cron runs on Monday 7 April),
        the published March and first-quarter results of the 106 assessed
        units, counted separately for the 5 counties, 4 parks and 97
        departments (ORG-15, Plan 三(六)3), each ranked within its group
        (the departments within their category), with one bulletin per
        period"""
        pool = Pool()
        Cron = pool.get('ir.cron')
        SupervisionReport = pool.get('sushi.supervision.report')
        ConsultationReport = pool.get('sushi.consultation.report')
        Period = pool.get('sushi.assessment.period')
        Result = pool.get('sushi.assessment.result')
        Bulletin = pool.get('sushi.assessment.bulletin')
        setup_network()
        methods = {c.method: (c.active, c.interval_number, c.interval_type)
            for c in Cron.search([])}
        for method in ['sushi.supervision.report|generate_monthly',
                'sushi.consultation.report|compile_due',
                'sushi.assessment.period|run_bulletins']:
            self.assertEqual(methods.get(method), (True, 1, 'days'), method)

        with at(2025, 3, 21, 9), patch('trytond.modules.sushi_supervision.'
                'consultation_report.send_message_transactional'):
            consultation, = ConsultationReport.compile_due()
        self.assertEqual(consultation.month, dt.date(2025, 3, 1))
        with patch('trytond.modules.sushi_supervision.report.'
                'send_message_transactional'):
            supervision, = SupervisionReport.generate_monthly(
                now=local(2025, 4, 1, 9))
            self.assertEqual(SupervisionReport.generate_monthly(
                    now=local(2025, 4, 2, 9)), [])
        self.assertEqual((supervision.period_start, supervision.period_end),
            (dt.date(2025, 3, 1), dt.date(2025, 3, 31)))

        with at(2025, 4, 4, 9):
            self.assertEqual(Period.run_bulletins(), [])
        with at(2025, 4, 7, 9):
            done = Period.run_bulletins()
        self.assertEqual(sorted((p.kind, p.start_date, p.end_date, p.state)
                for p in done), [
                ('month', dt.date(2025, 3, 1), dt.date(2025, 3, 31),
                    'published'),
                ('quarter', dt.date(2025, 1, 1), dt.date(2025, 3, 31),
                    'published')])
        for period in done:
            results = Result.search([('period', '=', period.id)])
            # the 97 departments ranked within their category (一类 19,
            # 二类 45, 三类 13, 四类 20)
            self.assertEqual(Counter(r.group for r in results), {
                    'county': 5, 'park': 4,
                    '1': 19, '2': 45, '3': 13, '4': 20}, period.kind)
            for group in ['county', 'park', '1', '2', '3', '4']:
                ranks = [r.rank for r in results if r.group == group]
                self.assertEqual(min(ranks), 1, (period.kind, group))
        self.assertEqual(sorted(b.period.kind for b in Bulletin.search([])),
            ['month', 'quarter'])
