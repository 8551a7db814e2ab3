# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Coded reasons not to accept a request (SCP-02, SCP-03, SCP-04 b)."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

from .tools import UniqueCodeMixin


class ScopeReason(UniqueCodeMixin, DeactivableMixin, ModelSQL, ModelView):
    "A coded reason not to accept a request, with the guidance to give."
    __name__ = 'sushi.scope.reason'
    __string__ = "Not-Accepted Reason"
    _code_unique_message = 'sushi_ticket.msg_scope_reason_code_unique'

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True)
    guidance = fields.Text("Guidance", required=True,
        help="What the call-taker tells the requester, and where to go.")
    requires_repeat_of = fields.Boolean("Needs the Earlier Case",
        help="A repeat of a closed case: the earlier case must be linked.")
