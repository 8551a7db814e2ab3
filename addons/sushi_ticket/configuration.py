# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


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

    _values_cache = Cache('sushi.configuration.values', context=False)

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
