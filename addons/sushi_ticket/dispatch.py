# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Dispatch (派单, TRI-04..08) and re-dispatch to a sub-unit (ORG-10)."""

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .time_limit import COMPLEXITIES, URGENCIES


class DispatchStart(ModelView):
    __name__ = 'sushi.ticket.dispatch.start'
    __string__ = "Dispatch Work Order"

    ticket = fields.Many2One('sushi.ticket', "Ticket", readonly=True)
    suggested_units = fields.Many2Many('sushi.unit', None, None,
        "Suggested Units", readonly=True,
        help="Units that usually handle this category, and the region.")
    lead_unit = fields.Many2One('sushi.unit', "Lead Unit", required=True,
        domain=[('tier', 'in', Eval('allowed_tiers', ['2']))],
        help="The unit that gives the single consolidated reply (TRI-08).")
    co_units = fields.Many2Many('sushi.unit', None, None, "Co-Units",
        domain=[
            ('tier', 'in', Eval('allowed_tiers', ['2'])),
            ('id', '!=', Eval('lead_unit', -1)),
            ],
        help="Units that handle their part and report to the lead unit.")
    allowed_tiers = fields.MultiSelection([
            ('2', "Tier 2"), ('3', "Tier 3")], "Allowed Tiers",
        readonly=True)
    complexity = fields.Selection(COMPLEXITIES, "Complexity", required=True)
    urgency = fields.Selection(URGENCIES, "Urgency", required=True)
    statutory_due_at = fields.DateTime("Statutory Due")
    basis = fields.Text("Basis",
        help="Duties, jurisdiction or the ruling that names these units "
        "(TRI-05, TRI-07).")


class Dispatch(Wizard):
    "Dispatch a work order to one lead unit and any co-units."
    __name__ = 'sushi.ticket.dispatch'
    __string__ = "Dispatch Work Order"

    start = StateView('sushi.ticket.dispatch.start',
        'sushi_ticket.dispatch_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Dispatch", 'dispatch', 'tryton-ok', default=True),
            ])
    dispatch = StateTransition()

    def default_start(self, fields):
        ticket = self.record
        suggested = []
        if ticket.category:
            suggested = [
                u.id for u in ticket.category.nearest_suggested_units()]
        if ticket.region:
            # TRI-05: locality first; TRI-06: a complaint, report or
            # law-enforcement case goes to the local government first,
            # also when the category names it among its units
            suggested = [ticket.region.id] + [
                u for u in suggested if u != ticket.region.id]
        returned = self.returned_units()
        suggested = [u for u in suggested if u not in returned]
        tiers = self.allowed_tiers()
        return {
            'ticket': ticket.id,
            'suggested_units': suggested,
            'lead_unit': suggested[0] if suggested else None,
            'allowed_tiers': tiers,
            'complexity': ticket.complexity,
            'urgency': ticket.urgency,
            'statutory_due_at': ticket.statutory_due_at,
            }

    @staticmethod
    def allowed_tiers():
        "The tiers a lead unit may be of (tier 3 directly when configured)."
        tiers = ['2']
        if Pool().get('sushi.configuration').get_values()[
                'direct_tier3_dispatch']:
            tiers.append('3')
        return tiers

    def returned_units(self):
        """RET-06: the ids of the units whose return of the order was
        approved: they are not suggested again."""
        return {a.unit.id for a in self.record.assignments
            if a.state == 'returned' and a.return_decision == 'approved'}

    def transition_dispatch(self):
        Pool().get('sushi.ticket').dispatch_to([self.record],
            self.start.lead_unit, list(self.start.co_units),
            basis=self.start.basis, complexity=self.start.complexity,
            urgency=self.start.urgency,
            statutory_due_at=self.start.statutory_due_at)
        return 'end'


class RedispatchStart(ModelView):
    __name__ = 'sushi.ticket.redispatch.start'
    __string__ = "Re-Dispatch to Sub-Unit"

    assignment = fields.Many2One('sushi.ticket.assignment', "Assignment",
        readonly=True)
    parent_unit = fields.Many2One('sushi.unit', "Unit", readonly=True)
    unit = fields.Many2One('sushi.unit', "Sub-Unit", required=True,
        domain=[('parent', '=', Eval('parent_unit', -1))])
    basis = fields.Text("Instructions")


class Redispatch(Wizard):
    """ORG-10: a tier-2 unit passes its order on to one of its tier-3
    units; it stays accountable and its deadlines stand (ORG-13)."""
    __name__ = 'sushi.ticket.redispatch'
    __string__ = "Re-Dispatch to Sub-Unit"

    start = StateView('sushi.ticket.redispatch.start',
        'sushi_ticket.redispatch_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Re-Dispatch", 'redispatch', 'tryton-ok', default=True),
            ])
    redispatch = StateTransition()

    def default_start(self, fields):
        return {
            'assignment': self.record.id,
            'parent_unit': self.record.unit.id,
            }

    def transition_redispatch(self):
        Pool().get('sushi.ticket.assignment').redispatch_to(
            [self.record], self.start.unit, self.start.basis)
        return 'end'
