# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The interpretations of SCORING.md (D-xx) as settings with the
documented defaults."""
from decimal import Decimal

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

ROUNDINGS = [
    ('floor', "Per Full Unit (floor)"),
    ('ceil', "Per Started Unit (ceil)"),
    ]


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'sushi.assessment.configuration'
    __string__ = "Assessment Configuration"

    # D-01
    handling_points = fields.Selection([
            ('42', "42 (sum of the sub-items)"),
            ('44', "44 (heading of the seed)"),
            ], "Handling Work Points", required=True,
        help="D-01: with 44 the daily maximum is 82 and the handling "
        "sub-items are scaled by 44/42.")
    # D-21
    aggregation_mode = fields.Selection([
            ('cumulative', "Deductions Accumulated over the Period"),
            ('monthly_mean', "Mean of the Monthly Scores"),
            ], "Aggregation Mode", required=True,
        help="D-21: how quarters and years combine the event items.")
    # D-12, F1
    satisfaction_average = fields.Selection([
            ('mean', "Mean of the Units' Rates"),
            ('pooled', "Pooled Rate"),
            ], "Category Satisfaction Average", required=True)
    satisfaction_rounding = fields.Selection(ROUNDINGS,
        "Satisfaction Gap Rounding", required=True)
    count_objective_dissatisfaction = fields.Boolean(
        "Count Objective-Cause Dissatisfaction",
        help="CBK-04: a second 'dissatisfied' due to objective limits "
        "counts in the satisfaction rate.")
    # D-11, F2
    speed_baseline = fields.Selection([
            ('category', "Category and Request Type"),
            ('type', "Request Type across All Units"),
            ('limit', "Prescribed Limit Only"),
            ], "Handling Speed Baseline", required=True)
    speed_rounding = fields.Selection(ROUNDINGS,
        "Handling Speed Day Rounding", required=True)
    # D-13, F3
    review_threshold_county = fields.Integer(
        "Review Threshold Counties (%)", required=True)
    review_threshold_park = fields.Integer(
        "Review Threshold Parks (%)", required=True)
    review_threshold_department = fields.Integer(
        "Review Threshold Departments (%)", required=True)
    review_step = fields.Integer("Review Step (points of %)", required=True)
    review_rounding = fields.Selection(ROUNDINGS, "Review Rate Rounding",
        required=True)
    review_recorded = fields.Boolean("Leader Reviews Recorded in the System",
        help="D1.4: the review rate and the unreviewed supervised and "
        "provincial orders come from the leader reviews recorded on the "
        "orders (plus reviewed orders an officer enters); otherwise only "
        "from the figures an officer enters.")
    # D1.4: the seed (附件5 四(一)1(4)) vs SCORING F3 d2
    review_provincial = fields.Selection([
            ('rate', "Rate of 100% (seed)"),
            ('per_order', "1 Point per Order Not Reviewed (SCORING F3)"),
            ], "Provincial Orders Not Reviewed", required=True,
        help="D1.4: the seed deducts 1 point per supervised order (督办件) "
        "not reviewed and requires 100% for provincial orders (省级件), a "
        "shortfall costing 1 point per 5% (default); SCORING F3 deducts 1 "
        "point per provincial order not reviewed as well.")
    # P3: the seed (附件5 四(三)2(3), 附件2 四(八)4) vs SCORING P3
    repeat_candidates = fields.Selection([
            ('accepted', "Repeats Accepted as New Orders (seed)"),
            ('any', "Every Repeat Not Refused, Drafts Included"),
            ], "Repeat Complaints Proposed for P3", required=True,
        help="P3: a repeat of a closed order is proposed once it is "
        "accepted as a new order (SCP-04 c), as for ACC-04 (default); "
        "otherwise every repeat not refused as lawfully closed (SCP-04 b) "
        "is, a draft intake included.  Either way one candidate per "
        "closed order (每件扣1分).")
    # D-17
    no_double_count_penalty_vs_escalation = fields.Boolean(
        "No Double Counting of Penalties and Escalations",
        help="D-17: a penalty event on an order that already cost an "
        "escalated-supervision deduction is not counted again.")
    # D-16
    knowledge_extra_deduction = fields.Boolean(
        "Reviewer May Deduct the Third Point of D5.2",
        help="D-16: allow reviewer deductions for non-uniform scripts "
        "beyond the 2 points of missing categories.")
    # D4.3, D4.2, D3.1: facts of the consultation and supervision modules
    late_letters_automatic = fields.Boolean(
        "Late Co-Unit Letters Deducted Automatically",
        help="D4.3: a co-unit letter not sent by its due time costs 0.5 "
        "without an officer's confirmation (未按期函复); otherwise the "
        "system proposes an event for the officer to approve.")
    late_minutes_automatic = fields.Boolean(
        "Late Minutes Deducted Automatically",
        help="D4.2: minutes not submitted by their due time cost the lead "
        "unit 0.5 without a ruling; by default the seed's ruling on "
        "buck-passing is needed, so the system proposes an event.")
    overdue_opinions_automatic = fields.Boolean(
        "Overdue Supervision Opinions Deducted Automatically",
        help="D3.1: a supervision opinion not answered by its deadline "
        "costs the unit 0.5 without an officer's finding; by default the "
        "system proposes an event (SCORING: ledger plus judgement).")
    # D2.3 (b)
    interview_rank = fields.Integer("Interview from the Bottom Ranks",
        required=True,
        help="D2.3: units among this many slowest of their category in "
        "every month of a quarter are proposed for the interview.")
    # K2
    k2_zero_days = fields.Integer("K2 Zero from Working Days Late",
        required=True)
    k2_inclusive = fields.Boolean("K2 \"以上\" Includes the Limit")
    # objections, bulletins
    objection_days = fields.Integer("Objection Working Days",
        required=True,
        help="Working days after the bulletin within which a unit may "
        "object to a deduction.")
    bulletin_day = fields.Integer("Bulletin Day of the Month",
        required=True,
        help="The cron scores and publishes the previous month's bulletin "
        "from this day.")
    digits = fields.Integer("Decimals of Totals and Rates", required=True)

    @classmethod
    def default_handling_points(cls):
        return '42'

    @classmethod
    def default_aggregation_mode(cls):
        return 'cumulative'

    @classmethod
    def default_satisfaction_average(cls):
        return 'mean'

    @classmethod
    def default_satisfaction_rounding(cls):
        return 'floor'

    @classmethod
    def default_count_objective_dissatisfaction(cls):
        return True

    @classmethod
    def default_speed_baseline(cls):
        return 'category'

    @classmethod
    def default_speed_rounding(cls):
        return 'floor'

    @classmethod
    def default_review_threshold_county(cls):
        return 30

    @classmethod
    def default_review_threshold_park(cls):
        return 30

    @classmethod
    def default_review_threshold_department(cls):
        return 50

    @classmethod
    def default_review_step(cls):
        return 5

    @classmethod
    def default_review_rounding(cls):
        return 'floor'

    @classmethod
    def default_review_provincial(cls):
        return 'rate'

    @classmethod
    def default_repeat_candidates(cls):
        return 'accepted'

    @classmethod
    def default_review_recorded(cls):
        return True

    @classmethod
    def default_no_double_count_penalty_vs_escalation(cls):
        return False

    @classmethod
    def default_knowledge_extra_deduction(cls):
        return False

    @classmethod
    def default_late_letters_automatic(cls):
        return True

    @classmethod
    def default_late_minutes_automatic(cls):
        return False

    @classmethod
    def default_overdue_opinions_automatic(cls):
        return False

    @classmethod
    def default_interview_rank(cls):
        return 3

    @classmethod
    def default_k2_zero_days(cls):
        return 7

    @classmethod
    def default_k2_inclusive(cls):
        return True

    @classmethod
    def default_objection_days(cls):
        return 5

    @classmethod
    def default_bulletin_day(cls):
        return 5

    @classmethod
    def default_digits(cls):
        return 2

    @classmethod
    def get_values(cls):
        config = cls(1)
        values = {name: getattr(config, name) for name in cls._fields
            if name not in {'id', 'create_uid', 'create_date', 'write_uid',
                'write_date', 'rec_name'}}
        values['handling_max'] = Decimal(values['handling_points'])
        return values
