# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    sushi_units = fields.Many2Many('sushi.unit-res.user', 'user', 'unit',
        "Handling Units",
        help="The units whose work orders the user handles; their sub-units "
        "are included.")
    sushi_leader_roles = fields.One2Many('sushi.unit.leader', 'user',
        "Leader Roles")
