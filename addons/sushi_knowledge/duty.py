# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The submission duties of the units, in one list (KB-01..03, D5.1).

A duty is a new policy (an entry's first version with an issuing date) or
an answer script the platform requested.  Both models store their due time,
submission time and working days late; this view puts them side by side
for the units, the supervisors and the assessment."""
from sql import Cast, Literal, Null
from sql.conditionals import Case
from sql.operators import Concat

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from . import common


class Duty(ModelSQL, ModelView):
    __name__ = 'sushi.knowledge.duty'
    __string__ = "Knowledge Submission Duty"

    kind = fields.Selection([
            ('new_policy', "New Policy (KB-01)"),
            ('answer_script', "Requested Answer Script (KB-02)"),
            ], "Duty", readonly=True)
    unit = fields.Many2One('sushi.unit', "Unit", readonly=True)
    assessed_unit = fields.Many2One('sushi.unit', "Assessed Unit",
        readonly=True)
    origin = fields.Reference("Origin", selection=[
            ('sushi.knowledge.entry', "Knowledge Entry"),
            ('sushi.knowledge.request', "Answer Script Request"),
            ], readonly=True)
    subject = fields.Char("Subject", readonly=True)
    start = fields.DateTime("From", readonly=True,
        help="The issuing date of the policy or the time of the request.")
    due_at = fields.DateTime("Due", readonly=True)
    submitted_at = fields.DateTime("Submitted at", readonly=True)
    late_days = fields.Integer("Working Days Late", readonly=True)
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('due_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Entry = pool.get('sushi.knowledge.entry')
        Request = pool.get('sushi.knowledge.request')
        entry = Entry.__table__()
        request = Request.__table__()
        # The submission of an entry counts once it is submitted; the ids of
        # the two models are interleaved.
        submitted = entry.state != 'draft'
        entries = entry.select(
            (entry.id * 2).as_('id'),
            Literal('new_policy').as_('kind'),
            entry.owner_unit.as_('unit'),
            entry.assessed_unit.as_('assessed_unit'),
            Concat('sushi.knowledge.entry,',
                Cast(entry.id, 'VARCHAR')).as_('origin'),
            entry.title.as_('subject'),
            Cast(Null, 'TIMESTAMP').as_('start'),
            entry.due_at.as_('due_at'),
            Case((submitted, entry.submitted_at), else_=Null
                ).as_('submitted_at'),
            Case((submitted, entry.late_days), else_=Null).as_('late_days'),
            where=(entry.due_at != Null)
            & (entry.previous_version == Null)
            & (entry.state != 'withdrawn'))
        requests = request.select(
            (request.id * 2 + 1).as_('id'),
            Literal('answer_script').as_('kind'),
            request.unit.as_('unit'),
            request.assessed_unit.as_('assessed_unit'),
            Concat('sushi.knowledge.request,',
                Cast(request.id, 'VARCHAR')).as_('origin'),
            request.subject.as_('subject'),
            request.requested_at.as_('start'),
            request.due_at.as_('due_at'),
            request.submitted_at.as_('submitted_at'),
            request.late_days.as_('late_days'),
            where=request.state.in_(['requested', 'submitted']))
        return entries | requests

    def get_overdue(self, name):
        return bool(not self.submitted_at and self.due_at
            and self.due_at < common.now())

