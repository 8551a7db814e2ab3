# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The settings of supervision (SUP) and of the 1+X consultation (CON)."
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Id


class Configuration(metaclass=PoolMeta):
    __name__ = 'sushi.configuration'

    # --- supervision (SUP) -------------------------------------------
    supervision_sequence = fields.Many2One('ir.sequence',
        "Supervision Case Sequence", required=True,
        domain=[('sequence_type', '=', Id('sushi_supervision',
                    'sequence_type_supervision'))])
    # SUP-12, D-03
    l1_on_first_dissatisfaction = fields.Boolean(
        "Level 1 on First Dissatisfaction",
        help="Follow the Plan and 附件2: a first dissatisfied rating on a "
        "reasonable request proposes level-1 supervision.  Unset (the "
        "default) follows 附件3: it starts routine supervision, and "
        "level 1 waits for a second dissatisfied rating.")
    supervision_days = fields.Integer("Supervision Deadline (working days)",
        required=True, domain=[('supervision_days', '>', 0)],
        help="The completion deadline proposed for a new case.")
    # SUP-05 (2)
    routine_grace_days = fields.Integer(
        "Routine Supervision Grace (days)", required=True,
        domain=[('routine_grace_days', '>=', 0)],
        help="An order still overdue this many days after a routine "
        "supervision action is proposed for level 1.")
    # SUP-09 (5)
    verify_share = fields.Float("Share of Cases Re-checked",
        required=True, digits=(1, 2),
        domain=[('verify_share', '>=', 0), ('verify_share', '<=', 1)],
        help="The share of fed-back cases the system draws for a random "
        "re-check; the draw is reproducible from the case number.")
    verify_seed = fields.Char("Re-check Draw Seed", required=True,
        help="Changing it changes which cases are drawn.")
    # SUP-10
    report_working_day = fields.Integer("Monthly Report on Working Day",
        required=True, domain=[('report_working_day', '>', 0)],
        help="The monthly supervision report of the previous month is made "
        "on this working day of the month.")

    # --- 1+X consultation (CON) -------------------------------------
    # CON-06
    consultation_min_monthly_themes = fields.Integer(
        "Monthly Themes at Least", required=True,
        domain=[('consultation_min_monthly_themes', '>=', 0)],
        help="The monthly report flags a month with fewer themes (CON-06).")
    # CON-07
    consultation_minutes_weeks = fields.Integer(
        "Minutes Due (weeks after the meeting)", required=True,
        domain=[('consultation_minutes_weeks', '>=', 0)],
        help="The minutes are due at office close on the last working day "
        "of this calendar week after the week of the meeting (1: the week "
        "after, CON-07).")
    consultation_item_yellow_days = fields.Integer(
        "Agreed Item Yellow (working days)", required=True,
        domain=[('consultation_item_yellow_days', '>=', 0)],
        help="An open agreed item turns yellow this many working days "
        "before its deadline.")
    # CON-09
    consultation_report_day = fields.Integer(
        "Monthly Report from Day", required=True,
        domain=[('consultation_report_day', '>=', 1),
            ('consultation_report_day', '<=', 28)],
        help="The monthly consultation report is compiled and sent from "
        "this day of the month (下旬: the 21st).")
    consultation_report_emails = fields.Char("Monthly Report Also to",
        help="E-mail addresses, separated by commas, that receive the "
        "monthly consultation report besides the city leaders and the "
        "supervisors.")

    @classmethod
    def default_supervision_sequence(cls):
        try:
            return Pool().get('ir.model.data').get_id(
                'sushi_supervision', 'sequence_supervision')
        except KeyError:
            return None

    @classmethod
    def default_l1_on_first_dissatisfaction(cls):
        return False

    @classmethod
    def default_supervision_days(cls):
        return 5

    @classmethod
    def default_routine_grace_days(cls):
        return 1

    @classmethod
    def default_verify_share(cls):
        return 0.3

    @classmethod
    def default_verify_seed(cls):
        return 'sushi'

    @classmethod
    def default_report_working_day(cls):
        return 1

    @classmethod
    def default_consultation_min_monthly_themes(cls):
        return 1

    @classmethod
    def default_consultation_minutes_weeks(cls):
        return 1

    @classmethod
    def default_consultation_item_yellow_days(cls):
        return 2

    @classmethod
    def default_consultation_report_day(cls):
        return 21
