# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Leader reviews (领导阅批) of the orders dispatched to a unit: the facts
item D1.4 (SCORING F3) counts.

A leader of the unit records the review of an order with the annotation
(批示意见) in their own name: the leader is the user who records it; the
record is dated when it is made and never changes."""
from sql import Literal
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.sushi_ticket import clock
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ReviewError


class Review(ModelSQL, ModelView):
    __name__ = 'sushi.assessment.review'
    __string__ = "Leader Review"

    assignment = fields.Many2One('sushi.ticket.assignment', "Work Order",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    unit = fields.Many2One('sushi.unit', "Unit", readonly=True)
    # the user who records the review (create): nobody reviews in a
    # colleague's name
    leader = fields.Many2One('sushi.unit.leader', "Leader", readonly=True,
        ondelete='RESTRICT')
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

    @fields.depends('assignment')
    def on_change_assignment(self):
        self.leader = None
        if self.assignment and self.assignment.unit:
            self.leader = self.user_leader(self.assignment.unit)

    @classmethod
    def user_leader(cls, unit):
        "The leader record of the current user in `unit`, or None."
        Leader = Pool().get('sushi.unit.leader')
        with without_check_access():
            leaders = Leader.search([('unit', '=', unit.id),
                    ('user', '=', Transaction().user)], limit=1)
        return leaders[0] if leaders else None

    def get_rec_name(self, name):
        return f'{self.assignment.rec_name} ({self.leader.rec_name})'

    @classmethod
    def create(cls, vlist):
        """D1.4: the review of an order by a leader of the unit it was
        dispatched to, dated now. The leader is the user who records it
        (a leader given in the values must be that user's; only root, for
        imports and the demo, records in a named leader's name)."""
        now = clock.now()
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            with without_check_access():
                cls._set_leader(values)
            values['reviewed_at'] = now
        return super().create(vlist)

    @classmethod
    def _set_leader(cls, values):
        "Set the leader and unit of a review's create values, or refuse."
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Leader = pool.get('sushi.unit.leader')
        User = pool.get('res.user')
        user = Transaction().user
        unit = Assignment(values['assignment']).unit
        given = values.get('leader')
        if user:
            leader = cls.user_leader(unit)
            if not leader:
                raise ReviewError(gettext(
                        'sushi_assessment.msg_review_not_leader',
                        user=User(user).rec_name, unit=unit.rec_name))
            if given is not None and given != leader.id:
                raise ReviewError(gettext(
                        'sushi_assessment.msg_review_own_name'))
        else:
            leader = Leader(given) if given is not None else None
            if not leader or leader.unit != unit:
                raise ReviewError(gettext(
                        'sushi_assessment.msg_review_leader',
                        leader=leader.rec_name if leader else '',
                        unit=unit.rec_name))
        values['leader'] = leader.id
        values['unit'] = unit.id

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
    def flagged_orders(cls, start, end, reviewed_before):
        """{unit: [(assignment id, ticket id, supervised, provincial,
        reviewed)]} of the supervised (督办件) and provincial (省级件)
        orders dispatched in [start, end), information-only excluded;
        reviewed = a review recorded before reviewed_before. Read from the
        few flagged tickets (their partial index, ticket.py)."""
        pool = Pool()
        a = pool.get('sushi.ticket.assignment').__table__()
        t = pool.get('sushi.ticket').__table__()
        review = cls.__table__()
        cursor = Transaction().connection.cursor()
        false, true = Literal(False), Literal(True)
        cursor.execute(*t.join(a, condition=a.ticket == t.id).join(
                review, 'LEFT', condition=(review.assignment == a.id)
                & (review.reviewed_at < reviewed_before)).select(
                a.unit, a.id, a.ticket,
                Coalesce(t.is_supervised, false),
                Coalesce(t.provincial, false), review.id,
                where=((t.is_supervised == true) | (t.provincial == true))
                & (a.dispatched_at >= start) & (a.dispatched_at < end)
                & (Coalesce(a.for_information, false) == false),
                order_by=[a.id]))
        result = {}
        for unit, aid, ticket, supervised, provincial, rid in cursor:
            result.setdefault(unit, []).append((aid, ticket,
                    bool(supervised), bool(provincial), rid is not None))
        return result
