# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Leader reviews (领导阅批) of the orders dispatched to a unit: the facts
item D1.4 (SCORING F3) counts.

A leader of the unit records the review of an order with the annotation
(批示意见); the record is dated when it is made and never changes."""
from sql import Literal
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.sushi_ticket import clock
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ReviewError


class Review(ModelSQL, ModelView):
    __name__ = 'sushi.assessment.review'
    __string__ = "Leader Review"

    assignment = fields.Many2One('sushi.ticket.assignment', "Work Order",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    unit = fields.Many2One('sushi.unit', "Unit", readonly=True)
    leader = fields.Many2One('sushi.unit.leader', "Leader", required=True,
        ondelete='RESTRICT',
        domain=[('unit', '=', Eval('unit', -1))],
        states={'readonly': Eval('id', -1) >= 0})
    annotation = fields.Text("Annotation", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    reviewed_at = fields.DateTime("Reviewed at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints.append(('assignment_unique',
                Unique(t, t.assignment),
                'sushi_assessment.msg_review_unique'))
        cls._order = [('reviewed_at', 'DESC'), ('id', 'DESC')]

    @fields.depends('assignment')
    def on_change_with_unit(self):
        return self.assignment.unit if self.assignment else None

    def get_rec_name(self, name):
        return f'{self.assignment.rec_name} ({self.leader.rec_name})'

    @classmethod
    def create(cls, vlist):
        """D1.4: the review of an order by a leader of the unit it was
        dispatched to, dated now."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Leader = pool.get('sushi.unit.leader')
        now = clock.now()
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            assignment = Assignment(values['assignment'])
            leader = Leader(values['leader'])
            if leader.unit != assignment.unit:
                raise ReviewError(gettext(
                        'sushi_assessment.msg_review_leader',
                        leader=leader.rec_name,
                        unit=assignment.unit.rec_name))
            values['unit'] = assignment.unit.id
            values['reviewed_at'] = now
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        "A review is a fact: it does not change."
        raise ReviewError(gettext('sushi_assessment.msg_review_readonly'))

    @classmethod
    def delete(cls, reviews):
        if reviews and not Transaction().user == 0:
            raise ReviewError(gettext('sushi_assessment.msg_review_readonly'))
        super().delete(reviews)

    @classmethod
    def unreviewed_flagged(cls, start, end, reviewed_before):
        """{unit: assignment ids} of the supervised (督办件) and provincial
        (省级件) orders dispatched in [start, end), information-only
        excluded, without a review recorded before reviewed_before; read
        from the few flagged tickets (their partial index, ticket.py)."""
        pool = Pool()
        a = pool.get('sushi.ticket.assignment').__table__()
        t = pool.get('sushi.ticket').__table__()
        review = cls.__table__()
        cursor = Transaction().connection.cursor()
        false, true = Literal(False), Literal(True)
        cursor.execute(*t.join(a, condition=a.ticket == t.id).join(
                review, 'LEFT', condition=(review.assignment == a.id)
                & (review.reviewed_at < reviewed_before)).select(
                a.unit, a.id,
                where=((t.is_supervised == true) | (t.provincial == true))
                & (a.dispatched_at >= start) & (a.dispatched_at < end)
                & (Coalesce(a.for_information, false) == false)
                & (review.id == None),  # noqa: E711
                order_by=[a.id]))
        result = {}
        for unit, aid in cursor:
            result.setdefault(unit, []).append(aid)
        return result
