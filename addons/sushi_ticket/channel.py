# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Intake channels: "one line, eight ends" (INT-01)."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)


class Channel(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'sushi.channel'
    __string__ = "Intake Channel"

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
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'sushi_ticket.msg_channel_code_unique'),
            ]

    @classmethod
    def default_public(cls):
        return True
