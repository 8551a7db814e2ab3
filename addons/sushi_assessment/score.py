# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Scores, their deductions and the results of a period (SCORING §2, §3).

Rows are written by Period.compute in set-based SQL; a published period's
rows only change through an objection decision."""
from sql import Null
from sql.aggregate import Avg, Count, Max, Min

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import PublishedError
from .items import GROUPS, ITEM_SELECTION

COMPONENTS = [
    ('daily', "Daily Work"),
    ('key', "Key Work"),
    ('bonus', "Bonus"),
    ('penalty', "Penalty"),
    ]
# What caused a deduction (the origin says which record).
DEDUCTION_KINDS = [
    ('late_sign_in', "Late Sign-in"),
    ('overdue_return', "Overdue Return"),
    ('no_valid_reason', "Return without Valid Reason"),
    ('improper_return', "Improper Return"),
    ('red_card', "Red Card"),
    ('no_sign_off', "Reply without Leader Sign-off"),
    ('no_real_name', "Reply without Handler Name or Phone"),
    ('review_sign_off', "Review Found the Sign-off Missing"),
    ('review_real_name', "Review Found the Real-name Closing Missing"),
    ('reply_defect', "Reply Defect Verified"),
    ('reply_refused', "Refused to Improve the Reply"),
    ('supervision', "Escalated Supervision Case"),
    ('opinion', "Supervision Opinion Overdue"),
    ('consultation', "Consultation Duty"),
    ('knowledge_late', "Knowledge Submitted Late"),
    ('knowledge_category', "Knowledge Category Missing"),
    ('knowledge_correction', "Knowledge Entry Corrected"),
    ('designation', "Designation Missing"),
    ('formula', "Formula"),
    ('not_reviewed', "Order Not Reviewed by a Leader"),
    ('provincial_rate', "Provincial Orders Review Rate"),
    ('event', "Assessment Event"),
    ]
ORIGINS = [
    (None, ""),
    ('sushi.ticket.assignment', "Assignment"),
    ('sushi.ticket.reply', "Reply"),
    ('sushi.ticket.callback', "Callback"),
    ('sushi.knowledge.entry', "Knowledge Entry"),
    ('sushi.knowledge.request', "Answer Script Request"),
    ('sushi.knowledge.correction', "Knowledge Correction"),
    ('sushi.assessment.event', "Assessment Event"),
    ('sushi.assessment.period', "Assessment Period"),
    ('sushi.unit', "Unit"),
    ]
# origins of the modules that may be installed with this one
OPTIONAL_ORIGINS = ['sushi.supervision', 'sushi.supervision.action',
    'sushi.supervision.opinion', 'sushi.supervision.fact',
    'sushi.consultation',
    'sushi.consultation.letter', 'sushi.consultation.fact']


class FrozenMixin:
    "Rows of a published period are read-only (SCORING: reproducible)."
    __slots__ = ()

    @classmethod
    def _period_of(cls, record):
        return record.period

    @classmethod
    def check_modification(cls, mode, records, values=None,
            external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if Transaction().context.get('_sushi_assessment_objection'):
            return
        if mode in {'write', 'delete'}:
            for record in records:
                period = cls._period_of(record)
                if period.state == 'published':
                    raise PublishedError(gettext(
                            'sushi_assessment.msg_period_published',
                            period=period.rec_name))


class Score(FrozenMixin, ModelSQL, ModelView):
    __name__ = 'sushi.assessment.score'
    __string__ = "Assessment Score"

    period = fields.Many2One('sushi.assessment.period', "Period",
        required=True, readonly=True, ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        readonly=True, ondelete='CASCADE')
    item = fields.Selection(ITEM_SELECTION, "Item", required=True,
        readonly=True, sort=False)
    component = fields.Selection(COMPONENTS, "Component", readonly=True)
    max_points = fields.Numeric("Maximum", digits=(16, 2), readonly=True)
    points = fields.Numeric("Points", digits=(16, 2), readonly=True)
    deducted = fields.Numeric("Deducted", digits=(16, 2), readonly=True)
    applicable = fields.Boolean("Applicable", readonly=True,
        help="Unticked: a justified missing item (合理缺项).")
    zeroed = fields.Boolean("Zeroed", readonly=True,
        help="A zeroing rule applied (D1.1, D2.1c, K1).")
    formula_periods = fields.Integer("Scored Periods", readonly=True,
        help="D2.3, D2.5: the months (D2.3) or quarters (D2.5) whose "
        "scores the item averages (SCORING §4).")
    deductions = fields.One2Many('sushi.assessment.deduction', 'score',
        "Deductions", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('period')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.period, Index.Range()), (t.unit, Index.Range()),
                (t.item, Index.Equality())))
        cls._order = [('period', 'DESC'), ('unit', 'ASC'), ('item', 'ASC'),
            ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.item} {self.unit.rec_name} {self.period.rec_name}'


class Deduction(FrozenMixin, ModelSQL, ModelView):
    __name__ = 'sushi.assessment.deduction'
    __string__ = "Assessment Deduction"

    score = fields.Many2One('sushi.assessment.score', "Score",
        required=True, readonly=True, ondelete='CASCADE')
    period = fields.Function(fields.Many2One('sushi.assessment.period',
            "Period"), 'get_score_field', searcher='search_score_field')
    unit = fields.Function(fields.Many2One('sushi.unit', "Unit"),
        'get_score_field', searcher='search_score_field')
    item = fields.Function(fields.Selection(ITEM_SELECTION, "Item"),
        'get_score_field', searcher='search_score_field')
    kind = fields.Selection(DEDUCTION_KINDS, "Kind", readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True,
        help="Points taken away; a bonus is negative.")
    origin = fields.Reference("Origin", selection='get_origins',
        readonly=True)
    occurred_at = fields.DateTime("Occurred at", readonly=True)
    description = fields.Char("Description", readonly=True)
    cancelled = fields.Boolean("Cancelled", readonly=True,
        help="Cancelled after an objection.")
    objections = fields.One2Many('sushi.assessment.objection', 'deduction',
        "Objections", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('score')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.score, Index.Range())))
        cls._order = [('occurred_at', 'ASC'), ('id', 'ASC')]

    @classmethod
    def __setup_indexes__(cls):
        """No index on origin: trytond gives a Reference field two
        (equality, and prefix + id); nothing searches deductions by
        origin (a deduction opens its origin, not the reverse), and
        keeping them cost more than half of the compute's INSERT of a
        month's deductions (bench/assessment.py, 1.8 M orders)."""
        super().__setup_indexes__()
        cls._sql_indexes = {i for i in cls._sql_indexes
            if str(i.expressions[0][0]) != '"origin"'}

    @classmethod
    def _period_of(cls, record):
        return record.score.period

    @classmethod
    def get_origins(cls):
        """The models a deduction points at, named as the client shows
        models (ir.model's translated names: a selection returned by a
        method is not translated by Tryton)."""
        pool = Pool()
        IrModel = pool.get('ir.model')
        origins = list(ORIGINS)
        for name in OPTIONAL_ORIGINS:
            try:
                Model = pool.get(name)
            except KeyError:
                continue
            origins.append((name, Model.__string__ or name))
        names = IrModel.get_names()
        return [(m, names.get(m, label) if m else label)
            for m, label in origins]

    @classmethod
    def default_cancelled(cls):
        return False

    def get_rec_name(self, name):
        return f'{self.score.item} −{self.amount} {self.description or ""}'

    @classmethod
    def get_score_field(cls, deductions, names):
        result = {n: {} for n in names}
        for deduction in deductions:
            for name in names:
                value = getattr(deduction.score, name)
                result[name][deduction.id] = (
                    value.id if hasattr(value, 'id') else value)
        return result

    @classmethod
    def search_score_field(cls, name, clause):
        return [('score.' + clause[0],) + tuple(clause[1:])]


class Result(FrozenMixin, ModelSQL, ModelView):
    __name__ = 'sushi.assessment.result'
    __string__ = "Assessment Result"

    period = fields.Many2One('sushi.assessment.period', "Period",
        required=True, readonly=True, ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        readonly=True, ondelete='CASCADE')
    group = fields.Selection(GROUPS, "Group", readonly=True)
    daily = fields.Numeric("Daily Work", digits=(16, 2), readonly=True)
    key = fields.Numeric("Key Work", digits=(16, 2), readonly=True)
    additional = fields.Numeric("Additional", digits=(16, 2), readonly=True)
    applicable_max = fields.Numeric("Applicable Maximum", digits=(16, 2),
        readonly=True)
    total = fields.Numeric("Total", digits=(16, 2), readonly=True)
    rank = fields.Integer("Rank", readonly=True,
        help="Within the unit's group; equal totals share the rank.")
    on_time_feedback_rate = fields.Numeric("On-time Feedback (%)",
        digits=(16, 2), readonly=True)
    on_time_completion_rate = fields.Numeric("On-time Completion (%)",
        digits=(16, 2), readonly=True)
    resolution_rate = fields.Numeric("Resolution (%)", digits=(16, 2),
        readonly=True)
    satisfaction_rate = fields.Numeric("Satisfaction (%)", digits=(16, 2),
        readonly=True)
    orders_due = fields.Integer("Orders Due", readonly=True)
    orders_completed = fields.Integer("Orders Completed", readonly=True)
    deduction_count = fields.Integer("Deductions", readonly=True)
    latest = fields.Function(fields.Boolean("Last Published Month"),
        'get_latest', searcher='search_latest')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('period')
        cls._order = [('period', 'DESC'), ('group', 'ASC'),
            ('rank', 'ASC'), ('unit', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} {self.period.rec_name}'

    @classmethod
    def _latest_period(cls):
        Period = Pool().get('sushi.assessment.period')
        periods = Period.search([
                ('kind', '=', 'month'), ('state', '=', 'published')],
            order=[('start_date', 'DESC')], limit=1)
        return periods[0].id if periods else None

    @classmethod
    def get_latest(cls, results, name):
        latest = cls._latest_period()
        return {r.id: r.period.id == latest for r in results}

    @classmethod
    def search_latest(cls, name, clause):
        latest = cls._latest_period()
        _, operator, value = clause
        positive = (operator == '=') == bool(value)
        return [('period', '=' if positive else '!=', latest)]

    @classmethod
    def scores_of(cls, results):
        "The score rows of the results, by (period, unit)."
        Score = Pool().get('sushi.assessment.score')
        scores = Score.search([
                ('period', 'in', list({r.period.id for r in results})),
                ('unit', 'in', list({r.unit.id for r in results})),
                ])
        by_key = {}
        for score in scores:
            by_key.setdefault(
                (score.period.id, score.unit.id), []).append(score)
        return by_key


del Null


class Trend(ModelSQL, ModelView):
    """The month's average total of the results the user may read, one row
    per month (得分趋势). sao's graph adds up the y values of all records at
    an x, so a graph of the results drew the sum of every unit's total
    (about 9 700 for 106 units); the average is computed here."""
    __name__ = 'sushi.assessment.result.trend'
    __string__ = "Score Trend"

    period = fields.Many2One('sushi.assessment.period', "Period",
        readonly=True)
    start_date = fields.Date("Start Date", readonly=True)
    average = fields.Numeric("Average Total", digits=(16, 2), readonly=True)
    highest = fields.Numeric("Highest Total", digits=(16, 2),
        readonly=True)
    lowest = fields.Numeric("Lowest Total", digits=(16, 2), readonly=True)
    units = fields.Integer("Units", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return self.period.rec_name

    @classmethod
    def table_query(cls):
        pool = Pool()
        Result = pool.get('sushi.assessment.result')
        Period = pool.get('sushi.assessment.period')
        result = Result.__table__()
        period = Period.__table__()
        # the results the user may read (record rules: a unit's staff
        # average their own unit tree)
        readable = Result.search([], order=[], query=True)
        return result.join(period,
            condition=result.period == period.id).select(
            result.period.as_('id'),
            Max(result.create_uid).as_('create_uid'),
            Max(result.create_date).as_('create_date'),
            Max(result.write_uid).as_('write_uid'),
            Max(result.write_date).as_('write_date'),
            result.period.as_('period'),
            period.start_date.as_('start_date'),
            Avg(result.total).as_('average'),
            Max(result.total).as_('highest'),
            Min(result.total).as_('lowest'),
            Count(result.id).as_('units'),
            where=(period.kind == 'month') & result.id.in_(readable),
            group_by=[result.period, period.start_date])
