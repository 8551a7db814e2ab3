# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Supervision facts the assessment reads (SCORING D3.1): a supervision
opinion (督办意见) has its own deadline; when the deadline passes without
the unit's answer, the fact is stored, dated at the deadline.

The hourly sweep stores the opinions still open past their deadline in
one INSERT ... SELECT; an opinion answered late before the sweep saw it
gets its fact when it is answered.  A later answer completes the fact
(`answered_at`).  Facts are never written by users nor deleted: whether
one costs the unit 0.5 (a finding of non-cooperation, D3.1 SEMI) is the
Office's and the assessment's decision."""
from sql import Cast, Literal, Null
from sql.operators import Concat, Exists

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.workflow import AppendOnlyMixin
from trytond.pool import Pool
from trytond.transaction import Transaction



ITEMS = [
    ('D3.1', "D3.1 Primary Supervision"),
    ]
KINDS = [
    ('opinion_overdue', "Supervision Opinion Not Answered in Time"),
    ]


def text(column):
    return Cast(column, 'VARCHAR')


class FactMixin:
    """The fields and indexes every fact the assessment reads shares: the
    unit at fault, when the duty was due and missed (the date that places
    the fact in a period), when the system saw it, and the evidence.  Used
    by the supervision facts (D3.1) and the consultation facts (D4)."""
    __slots__ = ()
    unit = fields.Many2One('sushi.unit', "Unit", readonly=True,
        required=True, ondelete='RESTRICT')
    due_at = fields.DateTime("Due", readonly=True, required=True)
    occurred_at = fields.DateTime("Occurred at", readonly=True,
        required=True, help="When the duty was missed: its due time.")
    detected_at = fields.DateTime("Detected at", readonly=True)
    evidence = fields.Text("Evidence", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.unit, Index.Equality()),
                    (t.occurred_at, Index.Range())),
                Index(t, (t.item, Index.Equality()),
                    (t.occurred_at, Index.Range())),
                })
        cls._order = [('occurred_at', 'DESC'), ('id', 'DESC')]


class Fact(FactMixin, AppendOnlyMixin, ModelSQL, ModelView):
    __name__ = 'sushi.supervision.fact'
    __string__ = "Supervision Fact"

    item = fields.Selection(ITEMS, "Assessment Item", required=True,
        readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        required=True, readonly=True, ondelete='CASCADE')
    opinion = fields.Many2One('sushi.supervision.opinion', "Opinion",
        required=True, readonly=True, ondelete='CASCADE')
    answered_at = fields.DateTime("Answered at", readonly=True,
        help="When the unit answered, late; empty while unanswered.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('opinion_unique', Unique(t, t.opinion),
                'sushi_supervision.msg_fact_opinion_unique'),
            ]

    def get_rec_name(self, name):
        return '%s %s' % (self.item, self.supervision.rec_name)

    @classmethod
    def _insert(cls, where, now):
        """Store, in one INSERT ... SELECT, the fact of each opinion of
        where that has none yet, dated at its deadline."""
        pool = Pool()
        Opinion = pool.get('sushi.supervision.opinion')
        Supervision = pool.get('sushi.supervision')
        table = cls.__table__()
        fact = cls.__table__()
        opinion = Opinion.__table__()
        case = Supervision.__table__()
        cursor = Transaction().connection.cursor()
        evidence = Concat(Concat(text(case.number), text(Literal('：'))),
            text(opinion.text))
        query = opinion.join(case,
            condition=opinion.supervision == case.id).select(
            Literal('D3.1'), Literal('opinion_overdue'), opinion.unit,
            opinion.supervision, opinion.id, opinion.deadline,
            opinion.deadline, Literal(now), opinion.answered_at, evidence,
            Literal(0), Literal(now),
            where=where(opinion)
            & ~Exists(fact.select(Literal(1),
                    where=fact.opinion == opinion.id)))
        cursor.execute(*table.insert([
                    table.item, table.kind, table.unit, table.supervision,
                    table.opinion, table.due_at, table.occurred_at,
                    table.detected_at, table.answered_at, table.evidence,
                    table.create_uid, table.create_date], query))

    @classmethod
    def detect(cls, now=None):
        """Cron: store the opinions still unanswered past their deadline
        (D3.1), set-based like the tickets' sweep."""
        now = clock.whole_seconds(now or clock.now())
        cls._insert(lambda o: (o.state == 'open') & (o.deadline < now), now)

    @classmethod
    def record_answers(cls, opinions):
        """Opinions answered now: an answer after the deadline is a fact
        (stored if the sweep has not yet), and completes it."""
        now = clock.whole_seconds(clock.now())
        ids = [o.id for o in opinions]
        if not ids:
            return
        cls._insert(lambda o: o.id.in_(ids) & (o.answered_at != Null)
            & (o.deadline < o.answered_at), now)
        facts = cls.search([
                ('opinion', 'in', ids),
                ('answered_at', '=', None),
                ])
        answered = {o.id: o.answered_at for o in opinions}
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for fact in facts:
            # append-only for users; the platform completes the answer
            cursor.execute(*table.update(
                    [table.answered_at, table.write_date, table.write_uid],
                    [answered[fact.opinion.id], now, 0],
                    where=table.id == fact.id))
