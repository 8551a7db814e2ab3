# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class PeriodValidationError(ValidationError):
    pass


class PeriodError(UserError):
    "A period in a state that forbids the action."


class PublishedError(AccessError):
    "The scores of a published period do not change."


class EventValidationError(ValidationError):
    pass


class EventError(UserError):
    pass


class ObjectionError(UserError):
    pass


class ReviewError(UserError):
    pass


class EvidenceError(UserError):
    "The evidence of a decided objection or an approved event is kept."
