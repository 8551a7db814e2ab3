# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Intake channels: "one line, eight ends" (INT-01)."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)

from .tools import UniqueCodeMixin


class Channel(UniqueCodeMixin, DeactivableMixin, sequence_ordered(),
        ModelSQL, ModelView):
    __name__ = 'sushi.channel'
    __string__ = "Intake Channel"
    _code_unique_message = 'sushi_ticket.msg_channel_code_unique'

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    kind = fields.Selection([
            ('voice', "Telephone"),
            ('web', "Website"),
            ('app', "Mobile App"),
            ('social', "Social Media"),
            ('miniprogram', "Mini-Program"),
            ('internal', "Internal Source"),
            ], "Kind", required=True)
    number_code = fields.Char("Number Code", size=2, required=True,
        help="Two digits of the classified ticket number (INT-07).")
    public = fields.Boolean("Public Channel",
        help="One of the nine channels through which citizens and "
        "enterprises reach the platform.")

    @classmethod
    def default_public(cls):
        return True
