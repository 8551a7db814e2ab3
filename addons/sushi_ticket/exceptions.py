# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ReportSelectionError(UserError):
    pass


class CalendarMissingYearError(UserError):
    "A working-day computation needs a year that has no official schedule."


class CalendarImportError(UserError):
    pass


class CalendarDayError(ValidationError):
    pass


class UnitImportError(UserError):
    pass


class UnitRightError(UserError):
    "The user does not act for the unit (staff, leader, principal)."


class UnitValidationError(ValidationError):
    pass


class TimeLimitError(UserError):
    pass


class TransitionError(UserError):
    "An action asked of a record whose state does not allow it."


class IntakeError(UserError):
    pass


class IntakeValidationError(ValidationError):
    pass


class DispatchError(UserError):
    pass


class AssignmentError(UserError):
    pass


class ReturnError(UserError):
    pass


class ExtensionError(UserError):
    pass


class ReplyError(UserError):
    pass


class CallbackError(UserError):
    pass


class ArchiveError(UserError):
    pass


class ReadonlyFieldError(AccessError):
    "A write from outside to a field that only the workflow sets."


class DraftError(UserError):
    "Only drafts are created or deleted by hand."


class ValueCheckError(ValidationError):
    "A value from outside of the wrong type, size or reference."


class RatingTargetError(CallbackError):
    "No order awaits the rating that was answered."
