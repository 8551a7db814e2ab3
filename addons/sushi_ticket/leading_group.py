# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The organisation behind the platform, as reference data: the city
leading group and its Office (ORG-03, ORG-04, 附件1) and the programme's
tasks with their lead departments (ORG-17, Plan 三).  Posts and units
only: no personal names (ORG-03); contact data of officials belongs in a
separate access-controlled directory."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)

ROLES = [
    ('leader', "Group Leader"),
    ('deputy', "Deputy Group Leader"),
    ('member', "Member"),
    ('office_director', "Office Director"),
    ('office_deputy', "Office Deputy Director"),
    ]


class LeadingGroupPost(sequence_ordered(), DeactivableMixin, ModelSQL,
        ModelView):
    __name__ = 'sushi.leading_group.post'
    __string__ = "Leading Group Post"

    role = fields.Selection(ROLES, "Role", required=True, sort=False)
    unit_name = fields.Char("Unit", required=True,
        help="The unit as 附件1 names it.")
    post = fields.Char("Post", required=True,
        help="The post held in the unit (no personal names).")
    unit = fields.Many2One('sushi.unit', "Handling Unit",
        ondelete='SET NULL',
        help="The same unit in the network, when it is one (ORG-16).")

    def get_rec_name(self, name):
        return f'{self.unit_name}{self.post}'


class ProgrammeTask(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'sushi.programme.task'
    __string__ = "Programme Task"

    section = fields.Char("Plan Section", required=True)
    name = fields.Char("Task", required=True)
    lead_departments = fields.Text("Lead Departments", required=True,
        help="The lead responsible departments (牵头责任部门), separated "
        "by 、.")
