# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class SupervisionError(UserError):
    "A supervision step refused: missing fields, wrong state or person."


class SupervisionValidationError(ValidationError):
    pass


class CandidateError(UserError):
    pass


class AccountabilityError(UserError):
    pass
