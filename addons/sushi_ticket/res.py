# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    sushi_units = fields.Many2Many('sushi.unit-res.user', 'user', 'unit',
        "Handling Units",
        help="The units whose work orders the user handles; their sub-units "
        "are included.")
    sushi_leader_roles = fields.One2Many('sushi.unit.leader', 'user',
        "Leader Roles")

    def get_status_bar(self, name):
        """Platform users with calendar rights see, from 1 November, that
        next year's working-day calendar is still missing."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Year = pool.get('sushi.calendar.year')
        status = super().get_status_bar(name)
        admin = ModelData.get_id('sushi_ticket', 'group_sushi_admin')
        if admin in {g.id for g in self.groups}:
            year = Year.missing_next_year()
            if year:
                status = '%s ⚠ %s' % (status, gettext(
                        'sushi_ticket.msg_calendar_next_year_missing',
                        year=year))
        return status
