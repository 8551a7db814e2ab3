# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ASM-04: the annual evaluation, early in the next year, from the year's
automatic scoring records; the Office publishes it."""
import datetime as dt
import unittest
from decimal import Decimal as D

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from trytond.modules.sushi_ticket.tests.tools import DBTestCase, at, local

from .test_assessment import AssessmentCases, Facts


class RulesAssessmentTestCase(DBTestCase, unittest.TestCase):
    "ASM-04"
    module = 'sushi_assessment'

    units = AssessmentCases.units
    points = AssessmentCases.points

    @with_transaction()
    def test_asm04_year_scored_after_december_for_the_office(self):
        """ASM-04, SCORING §4: 埇桥区 signed in late once in March and once
        in November 2025 (D2.1a, −0.5 each, out of 2).  On Monday 5 January
        2026, the bulletin day, the cron publishes December and the fourth
        quarter (no late sign-in: 2 points) and scores the year 2025 from
        the year's records: 2 − 0.5 − 0.5 = 1, two deductions, each
        pointing at its order.  The year is left computed for the Office,
        which publishes it; the next run neither scores it again nor
        publishes it"""
        pool = Pool()
        Period = pool.get('sushi.assessment.period')
        Score = pool.get('sushi.assessment.score')
        ns = self.units()
        f = Facts()
        march = f.order(ns.county, late_sign_in=True,
            sign_deadline=local(2025, 3, 3, 17, 30),
            late_sign_in_at=local(2025, 3, 3, 17, 30))
        november = f.order(ns.county, dispatched=(2025, 11, 3, 9),
            late_sign_in=True, sign_deadline=local(2025, 11, 3, 17, 30),
            late_sign_in_at=local(2025, 11, 3, 17, 30))
        with at(2026, 1, 5, 9):
            done = Period.run_bulletins()
        self.assertEqual(sorted((p.kind, p.start_date, p.state)
                for p in done), [
                ('month', dt.date(2025, 12, 1), 'published'),
                ('quarter', dt.date(2025, 10, 1), 'published')])
        year, = Period.search([('kind', '=', 'year')])
        self.assertEqual((year.start_date, year.end_date, year.state),
            (dt.date(2025, 1, 1), dt.date(2025, 12, 31), 'computed'))
        self.assertEqual(year.name, '2025年度')
        self.assertEqual(year.computed_at, local(2026, 1, 5, 9))
        self.assertEqual(self.points(year, ns.county)['D2.1a'],
            (D(2) - D('0.5') - D('0.5'), True))
        score, = Score.search([('period', '=', year.id),
                ('unit', '=', ns.county.id), ('item', '=', 'D2.1a')])
        self.assertEqual(sorted(d.origin.id for d in score.deductions),
            sorted([march.id, november.id]))
        points = {p.kind: self.points(p, ns.county)['D2.1a'] for p in done}
        self.assertEqual(points, {'month': (D(2), True),
                'quarter': (D('1.5'), True)})
        # the Office publishes the annual evaluation
        with at(2026, 1, 12, 10):
            Period.publish([year])
        self.assertEqual(year.state, 'published')
        with at(2026, 1, 13, 9):
            self.assertEqual(Period.run_bulletins(), [])
        self.assertEqual(Period(year.id).published_at,
            local(2026, 1, 12, 10))
