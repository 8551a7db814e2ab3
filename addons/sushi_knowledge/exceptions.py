# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class EntryValidationError(ValidationError):
    pass


class EntryReadonlyError(AccessError):
    pass


class EntryWorkflowError(UserError):
    pass


class QueryError(UserError):
    "A search query that cannot be run (too long, bad kind or limit)."


class CorrectionError(UserError):
    pass


class DirectAnswerError(UserError):
    pass
