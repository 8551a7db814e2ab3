# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Objections of a unit to a deduction of a published bulletin.

The unit objects within the configured working days after the bulletin;
an officer upholds the deduction or cancels it, with a reason.  A
cancellation re-scores the unit in the published period; the deduction
stays, marked cancelled, with its objection (the history stays)."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.guard import external
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ObjectionError

# Who writes what of an objection from the client: the objecting unit its
# reason and evidence (while open; the form's states lock them after the
# decision), the assessment officer the reason of the decision; every
# other field is set by the model (create, the decision buttons).
UNIT_FIELDS = {'reason', 'attachments'}
OFFICER_FIELDS = {'decision_reason'}

STATES = [
    ('submitted', "Submitted"),
    ('upheld', "Deduction Upheld"),
    ('cancelled', "Deduction Cancelled"),
    ]


class Objection(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.assessment.objection'
    __string__ = "Assessment Objection"

    deduction = fields.Many2One('sushi.assessment.deduction', "Deduction",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    unit = fields.Many2One('sushi.unit', "Unit", readonly=True)
    period = fields.Many2One('sushi.assessment.period', "Period",
        readonly=True)
    reason = fields.Text("Reason", required=True,
        states={'readonly': Eval('state') != 'submitted'})
    attachments = fields.One2Many('ir.attachment', 'resource', "Evidence")
    submitted_by = fields.Many2One('res.user', "Submitted by",
        readonly=True)
    submitted_at = fields.DateTime("Submitted at", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    decision_reason = fields.Text("Decision Reason",
        states={'readonly': Eval('state') != 'submitted'})
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    decided_at = fields.DateTime("Decided at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('submitted_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('submitted', 'upheld'), ('submitted', 'cancelled')}
        cls._buttons.update({
                'uphold': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'cancel_deduction': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'submitted'

    def get_rec_name(self, name):
        return f'{self.deduction.rec_name} ({self.unit.rec_name})'

    @classmethod
    def create(cls, vlist):
        "A unit objects within the window after the bulletin."
        Deduction = Pool().get('sushi.assessment.deduction')
        now = clock.now()
        vlist = [v.copy() for v in vlist]
        # from the client (the guard runs the model's own create as
        # internal, so its flags are read here): no decision with the
        # objection
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            given = {n for v in vlist for n, x in v.items()
                if n in OFFICER_FIELDS and x}
            if given:
                cls._check_writer([cls()], given)
        for values in vlist:
            deduction = Deduction(values['deduction'])
            period = deduction.score.period
            if period.state != 'published':
                raise ObjectionError(gettext(
                        'sushi_assessment.msg_objection_not_published',
                        period=period.rec_name))
            if now > period.objection_deadline:
                raise ObjectionError(gettext(
                        'sushi_assessment.msg_objection_late',
                        period=period.rec_name,
                        deadline=period.objection_deadline))
            if deduction.cancelled or deduction.amount <= 0:
                raise ObjectionError(gettext(
                        'sushi_assessment.msg_objection_deduction',
                        deduction=deduction.rec_name))
            values.update({
                    'unit': deduction.score.unit.id,
                    'period': period.id,
                    'submitted_by': Transaction().user,
                    'submitted_at': now,
                    })
        return super().create(vlist)

    @classmethod
    def _is_officer(cls):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id('sushi_assessment',
            'group_assessment_officer') in User.get_groups()

    @classmethod
    def _check_writer(cls, objections, names):
        """Refuse, from the client, the fields of `names` that are not the
        user's to write on `objections` (issue #11 item 4: the unit objects,
        the officer decides)."""
        Unit = Pool().get('sushi.unit')
        officer = cls._is_officer()
        tree = set(Unit.user_unit_tree())
        refused = set()
        for objection in objections:
            for name in names:
                if name in OFFICER_FIELDS:
                    ok = officer
                elif name in UNIT_FIELDS:
                    ok = (objection.unit is None
                        or objection.unit.id in tree)
                else:
                    ok = False
                if not ok:
                    refused.add(name)
        if refused:
            strings = cls.fields_get(sorted(refused))
            raise ObjectionError(gettext(
                    'sushi_assessment.msg_objection_field_rights',
                    fields='、'.join(
                        strings[n]['string'] for n in sorted(refused))))

    @classmethod
    def write(cls, *args):
        if external():
            actions = iter(args)
            for objections, values in zip(actions, actions):
                for objection in objections:
                    changed = cls._guard_changed(objection, values)
                    cls._check_writer([objection], changed)
        super().write(*args)

    @classmethod
    def _decide(cls, objections):
        for objection in objections:
            if not (objection.decision_reason or '').strip():
                raise ObjectionError(gettext(
                        'sushi_assessment.msg_objection_reason',
                        objection=objection.rec_name))
        cls.write(objections, {
                'decided_by': Transaction().user, 'decided_at': clock.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('upheld')
    def uphold(cls, objections):
        cls.lock(objections)
        cls._decide(objections)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel_deduction(cls, objections):
        "Cancel the deductions and re-score the units in their periods."
        from .compute import Engine
        pool = Pool()
        Deduction = pool.get('sushi.assessment.deduction')
        cls.lock(objections)
        cls._decide(objections)
        deductions = [o.deduction for o in objections]
        with Transaction().set_context(_sushi_assessment_objection=True):
            Deduction.write(deductions, {'cancelled': True})
            by_period = {}
            for deduction in deductions:
                by_period.setdefault(deduction.score.period, set()).add(
                    deduction.score.id)
            for period, score_ids in by_period.items():
                Engine(period).rescore(list(score_ids))
