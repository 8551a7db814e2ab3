# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Completeness of each assessed unit's knowledge base (KB-05, D5.2)."""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import common
from .entry import KINDS

KIND_FIELDS = [
    ('policy_document', 'policy_documents'),
    ('policy_interpretation', 'policy_interpretations'),
    ('faq_script', 'faq_scripts'),
    ('difficult_ticket', 'difficult_tickets'),
    ]
assert [k for k, _ in KINDS] == [k for k, _ in KIND_FIELDS]


class Coverage(ModelSQL, ModelView):
    "Published entries of each kind per assessed unit, at the end of a day."
    __name__ = 'sushi.knowledge.coverage'
    __string__ = "Knowledge Base Coverage"

    unit = fields.Many2One('sushi.unit', "Unit", readonly=True)
    policy_documents = fields.Integer("Policy Documents", readonly=True)
    policy_interpretations = fields.Integer("Policy Interpretations",
        readonly=True)
    faq_scripts = fields.Integer("Answer Scripts", readonly=True)
    difficult_tickets = fields.Integer("Difficult-Case Work Orders",
        readonly=True)
    missing_kinds = fields.Integer("Missing Kinds", readonly=True,
        help="How many of the four kinds the unit has no published entry "
        "of (KB-05).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('missing_kinds', 'DESC'), ('unit', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def at(cls):
        """The time the coverage is taken: the end of the context date
        (today by default), as a naive UTC datetime."""
        Calendar = Pool().get('sushi.calendar')
        date = Transaction().context.get('date') or common.today()
        return Calendar.local_datetime(
            date + dt.timedelta(days=1), dt.time(0))

    @classmethod
    def table_query(cls):
        pool = Pool()
        Unit = pool.get('sushi.unit')
        Entry = pool.get('sushi.knowledge.entry')
        unit = Unit.__table__()
        entry = Entry.__table__()
        at = cls.at()
        join = unit.join(entry, 'LEFT',
            condition=(entry.assessed_unit == unit.id)
            & (entry.published_at != Null)
            & (entry.published_at < at)
            & ((entry.retired_at == Null) | (entry.retired_at >= at)))
        counts = {name: Sum(Case((entry.kind == kind, 1), else_=0))
            for kind, name in KIND_FIELDS}
        missing = sum((Case((count == 0, 1), else_=0)
                for count in counts.values()), Literal(0))
        return join.select(
            unit.id.as_('id'),
            unit.id.as_('unit'),
            *[count.as_(name) for name, count in counts.items()],
            missing.as_('missing_kinds'),
            where=unit.assessed == Literal(True),
            group_by=[unit.id])

    @classmethod
    def missing(cls, date=None):
        """Return {assessed unit id: missing kinds} at the end of date
        (today by default): what D5.2 deducts 0.5 points for each."""
        with Transaction().set_context(date=date):
            return {c.unit.id: c.missing_kinds for c in cls.search([])}


class CoverageContext(ModelView):
    __name__ = 'sushi.knowledge.coverage.context'
    __string__ = "Knowledge Base Coverage Context"

    date = fields.Date("Date",
        help="The coverage at the end of this day.")

    @classmethod
    def default_date(cls):
        return common.today()
