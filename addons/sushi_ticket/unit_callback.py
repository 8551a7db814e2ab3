# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A tier-2 unit's own callbacks (本系统回访, CBK-10, ORG-10 c): a county,
park or city unit calls back the requesters of the orders it or its tier-3
units handled.  They are the unit's records: they never replace the
platform's callback and rating (sushi.ticket.callback), which alone set
the order's evaluations and state."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import clock
from .callback import RESOLUTIONS
from .exceptions import CallbackError
from .workflow import AppendOnlyMixin

# The parts whose handling a unit may call back about: replied or done.
HANDLED_STATES = {'replied', 'completed'}


class UnitCallback(AppendOnlyMixin, ModelSQL, ModelView):
    __name__ = 'sushi.ticket.unit_callback'
    __string__ = "Unit Callback"

    assignment = fields.Many2One('sushi.ticket.assignment', "Assignment",
        required=True, ondelete='CASCADE',
        domain=[('state', 'in', sorted(HANDLED_STATES))],
        help="The part of the order, the unit's own or one of its tier-3 "
        "units', that was handled.")
    ticket = fields.Many2One('sushi.ticket', "Ticket", readonly=True,
        ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Calling Unit", readonly=True,
        ondelete='RESTRICT',
        help="The tier-2 unit whose system made the callback.")
    called_at = fields.DateTime("Called at", required=True)
    method = fields.Selection([
            ('phone', "Telephone"),
            ('visit', "Visit"),
            ('sms', "SMS"),
            ('other', "Other"),
            ], "Method", required=True)
    result = fields.Selection([
            ('satisfied', "Satisfied"),
            ('dissatisfied', "Dissatisfied"),
            ], "Requester's Opinion", required=True)
    resolution = fields.Selection(RESOLUTIONS, "Resolution")
    note = fields.Text("Note")
    recorded_by = fields.Many2One('res.user', "Recorded by", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.unit, Index.Range()),
                (t.called_at, Index.Range())))
        cls._order = [('called_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_called_at(cls):
        return clock.now()

    @classmethod
    def default_method(cls):
        return 'phone'

    def get_rec_name(self, name):
        return f'{self.unit.rec_name if self.unit else ""} ' \
            f'{self.ticket.rec_name if self.ticket else ""}'.strip()

    @staticmethod
    def calling_unit(assignment):
        "The tier-2 unit of the part: its own unit or the tier-3's parent."
        unit = assignment.unit
        if unit.tier == '3':
            return unit.parent
        if unit.tier == '2':
            return unit
        return None

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Unit = pool.get('sushi.unit')
        vlist = [v.copy() for v in vlist]
        now = clock.now()
        for values in vlist:
            assignment = Assignment(values['assignment'])
            unit = cls.calling_unit(assignment)
            if unit is None:
                raise CallbackError(gettext(
                        'sushi_ticket.msg_unit_callback_tier',
                        assignment=assignment.rec_name))
            if assignment.state not in HANDLED_STATES:
                raise CallbackError(gettext(
                        'sushi_ticket.msg_unit_callback_not_handled',
                        assignment=assignment.rec_name))
            if values.get('called_at') and values['called_at'] > now:
                raise CallbackError(gettext(
                        'sushi_ticket.msg_unit_callback_future',
                        assignment=assignment.rec_name))
            Unit.check_member([unit], assignment)
            values['unit'] = unit.id
            values['ticket'] = assignment.ticket.id
            values['recorded_by'] = Transaction().user or None
        return super().create(vlist)
