# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The consequences of levels 2 and 3 (SUP-08, 附件3 第七条(二)): the
responsible unit's leader commits publicly in 《直播宿州》 "宿事速办在行动"
and is interviewed; recorded with who and when."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.pyson import Eval

from .exceptions import SupervisionError
from .supervision import BODIES

KINDS = [
    ('public_commitment', "Public Commitment"),
    ('interview', "Interview"),
    ]
LEADER_ROLES = [
    ('deputy_in_charge', "Deputy Leader in Charge"),
    ('principal', "Principal Leader"),
    ]
# SUP-08: level -> [(kind, leader role, body that interviews)]
PLAN = {
    'L2': [('public_commitment', 'deputy_in_charge', None),
        ('interview', 'deputy_in_charge', 'office')],
    'L3': [('public_commitment', 'principal', None),
        ('interview', 'principal', 'inspection_office')],
    }
PROGRAMME = '《直播宿州》“宿事速办在行动”'


class Consequence(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.supervision.consequence'
    __string__ = "Supervision Consequence"

    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        required=True, ondelete='CASCADE',
        states={'readonly': Eval('state') != 'planned'})
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('state') != 'planned'})
    kind = fields.Selection(KINDS, "Kind", required=True,
        states={'readonly': Eval('state') != 'planned'})
    leader_role = fields.Selection(LEADER_ROLES, "Leader", required=True,
        states={'readonly': Eval('state') != 'planned'})
    person = fields.Char("Person",
        states={'readonly': Eval('state') != 'planned'},
        help="The leader who commits or is interviewed.")
    interviewer = fields.Selection([(None, "")] + BODIES, "Interviewed by",
        states={
            'readonly': Eval('state') != 'planned',
            'invisible': Eval('kind') != 'interview',
            })
    programme = fields.Char("Programme",
        states={
            'readonly': Eval('state') != 'planned',
            'invisible': Eval('kind') != 'public_commitment',
            })
    planned_on = fields.Date("Planned on",
        states={'readonly': Eval('state') != 'planned'})
    done_at = fields.DateTime("Done at",
        states={'readonly': Eval('state') != 'planned'})
    note = fields.Text("Note")
    state = fields.Selection([
            ('planned', "Planned"),
            ('done', "Done"),
            ], "State", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('supervision', 'DESC'), ('id', 'ASC')]
        cls._transitions |= {('planned', 'done')}
        cls._buttons.update({
                'record_done': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def plan(cls, cases):
        """SUP-08: plan the commitment and the interview of each responsible
        unit of the level-2 and level-3 cases; level 1 has none."""
        vlist = []
        for case in cases:
            for unit in case.responsible_units:
                for kind, role, body in PLAN.get(case.level, []):
                    vlist.append({
                            'supervision': case.id,
                            'unit': unit.id,
                            'kind': kind,
                            'leader_role': role,
                            'interviewer': body,
                            'programme': (PROGRAMME
                                if kind == 'public_commitment' else None),
                            'person': cls.leader_name(unit, role),
                            })
        return cls.create(vlist)

    @classmethod
    def leader_name(cls, unit, role):
        for leader in unit.leaders:
            if leader.role == role:
                return leader.user.name
        return None

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def record_done(cls, consequences):
        for consequence in consequences:
            if not (consequence.person or '').strip():
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_consequence_person'))
            if not consequence.done_at:
                consequence.done_at = clock.now()
        cls.save(consequences)
