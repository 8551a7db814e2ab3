# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The settings of the 1+X consultation (RULES §17 interpretations)."
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'sushi.configuration'

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
