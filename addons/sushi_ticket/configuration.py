# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Rules an office will want to change, with the defaults of RULES.md §23."
    __name__ = 'sushi.configuration'
    __string__ = "Hotline Configuration"

    timezone = fields.Char(
        "Timezone", required=True,
        help="Day boundaries and clock times are those of this timezone.")
    # CONV-04
    office_close_time = fields.Time(
        "Office Close Time", required=True,
        help="Deadlines counted in working days fall at this time.")
    noon_time = fields.Time(
        "Noon", required=True,
        help="Dispatches before this time are morning dispatches (SGN-03).")
    # CONV-05
    deadline_convention = fields.Selection([
            ('close_of_day', "Office close on the N-th working day"),
            ('same_clock', "Same clock time N working days later"),
            ], "Deadline Convention", required=True)
    # SGN-03
    non_working_day_dispatch = fields.Selection([
            ('next_morning', "As a morning dispatch on the next working day"),
            ('next_afternoon',
                "As an afternoon dispatch on the next working day"),
            ], "Dispatch on a Non-Working Day", required=True)
    # CONV-03: the year after the last one entered, before its import
    missing_year_policy = fields.Selection([
            ('provisional', "Provisional deadlines from weekends only"),
            ('refuse', "Refuse"),
            ], "Year Not Entered Yet", required=True,
        help="Deadlines of work orders that fall in the year after the last "
        "one entered: computed provisionally from weekends only, marked, "
        "and recomputed when the year is entered; or refused.")

    ticket_sequence = fields.Many2One('ir.sequence', "Ticket Sequence",
        required=True,
        domain=[('sequence_type', '=', Id('sushi_ticket',
                    'sequence_type_ticket'))],
        help="The serial part of the classified ticket number (INT-07).")
    # TRI-04
    dispatch_window_hours = fields.Integer("Dispatch Window (hours)",
        required=True, domain=[('dispatch_window_hours', '>', 0)],
        help="A ticket must be dispatched within this time of intake.")
    # ORG-11
    direct_tier3_dispatch = fields.Boolean("Dispatch to Tier 3 Directly",
        help="Let the platform dispatch to tier-3 units, under the "
        "oversight of their tier-2 unit.")
    # TRI-08
    co_unit_lead_days = fields.Integer("Co-Unit Input Lead (working days)",
        required=True, domain=[('co_unit_lead_days', '>=', 0)],
        help="Co-units send their input this many working days before "
        "the lead unit's due time.")
    # RET-05
    return_review_days = fields.Integer("Return Review (working days)",
        required=True, domain=[('return_review_days', '>=', 0)])
    # LGT-03
    yellow_fraction = fields.Float("Yellow Light at", required=True,
        digits=(1, 2),
        domain=[('yellow_fraction', '>', 0), ('yellow_fraction', '<', 1)],
        help="The fraction of the allowed working time after which an "
        "order turns yellow.")
    sign_reminder_hours = fields.Integer("Sign-in Reminder (hours)",
        required=True, domain=[('sign_reminder_hours', '>=', 0)],
        help="Remind the unit this long before the sign-in deadline.")
    # LIM-02
    progress_red_card = fields.Boolean("Red Card for Missing Progress",
        help="Orders with a statutory limit get a red card when no "
        "progress update is reported within the standard limit.")
    # EXT-03, EXT-05
    extension_max_count = fields.Integer("Extensions per Round",
        required=True, domain=[('extension_max_count', '>=', 0)])
    extension_late_window = fields.Boolean("Late-Window Extensions",
        help="When the filing window had already closed at dispatch, "
        "accept a filing until the due time and flag it.")
    # REV-02, REV-04
    # LGT-05
    pause_clock_while_platform_decides = fields.Boolean(
        "Pause Unit Clocks while the Platform Decides",
        help="A return or extension request filed in time stops the unit's "
        "sign-in and due clocks until the platform decides.")
    review_days = fields.Integer("Review (working days)", required=True,
        domain=[('review_days', '>=', 0)])
    # REV-03, ACC-03
    consecutive_returns_limit = fields.Integer(
        "Returns in a Row for Accountability", required=True,
        domain=[('consecutive_returns_limit', '>', 0)],
        help="An order returned for re-handling this many times in a row "
        "makes its unit an accountability candidate.")
    review_return_grace_days = fields.Integer(
        "Grace after Review Return (working days)", required=True,
        domain=[('review_return_grace_days', '>=', 0)],
        help="0 keeps the original due time (literal reading of REV-02).")
    # CBK-06, CBK-07
    rating_window_days = fields.Integer("Rating Window (days)",
        required=True, domain=[('rating_window_days', '>', 0)],
        help="Without an answer this many days after the rating SMS, the "
        "requester is deemed satisfied.")
    # read by the assessment of the satisfaction rate (SCORING D2.5)
    # CBK-05, CBK-06: how answers to the rating SMS are read
    sms_satisfied_words = fields.Text("SMS Words for Satisfied",
        help="Separated by spaces or commas.")
    sms_dissatisfied_words = fields.Text("SMS Words for Dissatisfied",
        help="Besides the negations of 满意 and 解决, which are always "
        "dissatisfied.")
    sms_unsure_words = fields.Text("SMS Words to Ask About",
        help="Answers with these words go to the callback agent.")
    exclude_objective_dissatisfaction = fields.Boolean(
        "Exclude Objective-Cause Dissatisfaction",
        help="Leave a second dissatisfied rating out of the satisfaction "
        "rate when the cause was objective (CBK-04).")
    # PUB-02, PUB-05 (D-25)
    disclosed_request_types = fields.MultiSelection(
        'get_request_types', "Request Types Published",
        help="Orders of these types are published on the portal by "
        "default once closed; reports and praise are not (PUB-05).")
    # ARC-02, ARC-03
    archive_after_days = fields.Integer("Archive after (days)",
        required=True, domain=[('archive_after_days', '>=', 0)],
        help="Closed orders are archived this many days after closing; "
        "good-rated orders at once.")
    recording_retention_days = fields.Integer(
        "Call Recording Retention (days)", required=True,
        domain=[('recording_retention_days', '>=', 365)],
        help="Never less than one year (ARC-02).")
    # SCP-04
    similar_window_days = fields.Integer("Similar Requests Window (days)",
        required=True, domain=[('similar_window_days', '>', 0)])
    similar_threshold = fields.Float("Similarity Threshold", required=True,
        digits=(1, 2),
        domain=[('similar_threshold', '>', 0),
            ('similar_threshold', '<=', 1)])

    _values_cache = Cache('sushi.configuration.values', context=False)

    @classmethod
    def default_ticket_sequence(cls):
        try:
            return Pool().get('ir.model.data').get_id(
                'sushi_ticket', 'sequence_ticket')
        except KeyError:
            return None

    @classmethod
    def default_dispatch_window_hours(cls):
        return 24

    @classmethod
    def default_direct_tier3_dispatch(cls):
        return True

    @classmethod
    def default_co_unit_lead_days(cls):
        return 1

    @classmethod
    def default_return_review_days(cls):
        return 1

    @classmethod
    def default_yellow_fraction(cls):
        return 0.5

    @classmethod
    def default_sign_reminder_hours(cls):
        return 2

    @classmethod
    def default_progress_red_card(cls):
        return True

    @classmethod
    def default_extension_max_count(cls):
        return 1

    @classmethod
    def default_extension_late_window(cls):
        return True

    @classmethod
    def default_review_days(cls):
        return 1

    @classmethod
    def default_review_return_grace_days(cls):
        return 0

    @classmethod
    def default_rating_window_days(cls):
        return 3

    @classmethod
    def default_exclude_objective_dissatisfaction(cls):
        return False

    @classmethod
    def default_archive_after_days(cls):
        return 3

    @classmethod
    def default_recording_retention_days(cls):
        return 365

    @classmethod
    def default_similar_window_days(cls):
        return 30

    @classmethod
    def default_similar_threshold(cls):
        return 0.35

    @classmethod
    def default_sms_satisfied_words(cls):
        return '满意 好评 已解决 解决了 办好了 不错 很好 挺好 点赞 认可'

    @classmethod
    def default_sms_dissatisfied_words(cls):
        return '差评 很差 太差 差劲 敷衍 推诿 不认可 不行 没用 态度差 态度不好'

    @classmethod
    def default_sms_unsure_words(cls):
        return '一般 还行 凑合 还可以 马马虎虎 说不清 不知道'

    @classmethod
    def default_pause_clock_while_platform_decides(cls):
        return True

    @classmethod
    def default_consecutive_returns_limit(cls):
        return 2

    @classmethod
    def get_request_types(cls):
        from .time_limit import REQUEST_TYPES
        return REQUEST_TYPES

    @classmethod
    def default_disclosed_request_types(cls):
        return ['complaint', 'consult', 'help', 'suggestion']

    @classmethod
    def default_timezone(cls):
        return 'Asia/Shanghai'

    @classmethod
    def default_office_close_time(cls):
        return dt.time(17, 30)

    @classmethod
    def default_noon_time(cls):
        return dt.time(12, 0)

    @classmethod
    def default_deadline_convention(cls):
        return 'close_of_day'

    @classmethod
    def default_non_working_day_dispatch(cls):
        return 'next_morning'

    @classmethod
    def default_missing_year_policy(cls):
        return 'provisional'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._values_cache.clear()

    @classmethod
    def get_values(cls):
        "Return the configuration as a cached dictionary of plain values."
        values = cls._values_cache.get(None)
        if values is None:
            config = cls(1)
            values = {
                name: getattr(config, name)
                for name, field in cls._fields.items()
                if not isinstance(field, (
                        fields.Function, fields.One2Many, fields.Many2Many))
                and name not in {'id', 'create_uid', 'create_date',
                    'write_uid', 'write_date'}}
            for name, field in cls._fields.items():
                if isinstance(field, fields.Many2One):
                    value = getattr(config, name)
                    values[name] = value.id if value else None
            cls._values_cache.set(None, values)
        return values
