# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Small helpers the models of the sushi modules share."
import re

from trytond.model import Unique
from trytond.pyson import Eval, If

PHONE = re.compile(r'^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$')


class UniqueCodeMixin:
    """A record known by its code, unique among its kind (units,
    categories, channels, time limits, not-accepted reasons); the error is
    the ir.message named by _code_unique_message."""
    __slots__ = ()
    _code_unique_message = None

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints.append(
            ('code_unique', Unique(t, t.code), cls._code_unique_message))


def rec_name_domain(clause, field_names):
    """Return the domain that searches the record name clause in each of
    field_names: any of them matching, or, for a negative operator, none."""
    _, operator, operand, *extra = clause
    if operator.startswith('!') or operator.startswith('not '):
        bool_op = 'AND'
    else:
        bool_op = 'OR'
    return [bool_op] + [
        (name, operator, operand, *extra) for name in field_names]


# LGT-01: red and yellow rows in every list of a model with a light
LIGHT_ROWS = ('/tree', 'visual', If(Eval('light') == 'red', 'danger',
        If(Eval('light') == 'yellow', 'warning', '')), ['light'])


def normalize_phone(phone):
    "Keep the digits and the dash of an area code; drop spaces and +86."
    phone = re.sub(r'[\s()（）]', '', phone or '')
    if phone.startswith('+86'):
        phone = phone[3:]
    elif phone.startswith('86') and len(phone) == 13:
        phone = phone[2:]
    return phone
