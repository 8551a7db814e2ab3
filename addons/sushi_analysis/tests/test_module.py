# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.sushi_ticket.tests.tools import TranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class SushiAnalysisTestCase(TranslationTestMixin, ModuleTestCase):
    "Test the sushi_analysis module"
    module = 'sushi_analysis'


del ModuleTestCase
