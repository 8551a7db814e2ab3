# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Exceptions of the 1+X consultation (会商, RULES §17)."
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ConsultationError(UserError):
    "A consultation action is refused (state, duty or missing data)."


class ConsultationRightError(UserError):
    "The user's unit is neither the lead nor a co-unit of the topic."


class ConsultationValidationError(ValidationError):
    pass
