# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ACC-10: each unit's handling record is part of its performance
assessment (附件2 四(八)): the record's facts come out as the unit's
deductions, worked out by hand from SCORING.md."""
import unittest
from decimal import Decimal as D

from trytond.modules.sushi_ticket.tests.tools import DBTestCase, local
from trytond.tests.test_tryton import with_transaction

from .test_assessment import AssessmentCases, Facts


class AccountabilityAssessmentTestCase(DBTestCase, unittest.TestCase):
    "ACC-10: the handling record enters the assessment"
    module = 'sushi_assessment'
    units = AssessmentCases.units
    compute = AssessmentCases.compute
    points = AssessmentCases.points

    @with_transaction()
    def test_acc10_handling_record_assessed(self):
        """ACC-10: 埇桥区 signed one order late (3 March, deadline 17:30)
        and let one run into a red card (12 March 17:30): March's
        assessment takes 0.5 off 及时签收 (D2.1a, 2 → 1.5) and 0.5 off
        按时办结 (D2.2, 5 → 4.5); 萧县, with a clean record, keeps the full
        2 and 5"""
        ns = self.units()
        f = Facts()
        f.order(ns.county, late_sign_in=True,
            sign_deadline=local(2025, 3, 3, 17, 30),
            late_sign_in_at=local(2025, 3, 3, 17, 30))
        f.order(ns.county, red_card=True,
            red_card_at=local(2025, 3, 12, 17, 30))
        f.order(ns.other)
        period = self.compute()
        county = self.points(period, ns.county)
        other = self.points(period, ns.other)
        self.assertEqual((county['D2.1a'][0], county['D2.2'][0]),
            (D('1.5'), D('4.5')))
        self.assertEqual((other['D2.1a'][0], other['D2.2'][0]),
            (D(2), D(5)))
