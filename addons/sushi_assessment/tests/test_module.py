# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.sushi_ticket.tests.tools import TranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase

from .test_assessment import AssessmentCases


class SushiAssessmentTestCase(
        AssessmentCases, TranslationTestMixin, ModuleTestCase):
    "Test the sushi_assessment module"
    module = 'sushi_assessment'


del ModuleTestCase
