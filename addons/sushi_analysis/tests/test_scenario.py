# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.tests.test_tryton import load_doc_tests


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)


def test_scenarios():
    "Run the scenarios under pytest too, which ignores load_tests."
    suite = load_doc_tests(
        __name__, __file__, unittest.TestLoader(), unittest.TestSuite(), None)
    assert unittest.TextTestRunner().run(suite).wasSuccessful()
