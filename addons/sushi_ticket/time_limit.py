# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Handling time limits per request type and complexity (LIM-01..05)."""
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval

from .exceptions import TimeLimitError
from .tools import UniqueCodeMixin

REQUEST_TYPES = [
    ('consult', "Consultation"),
    ('help', "Help Request"),
    ('complaint', "Complaint"),
    ('report', "Report"),
    ('suggestion', "Suggestion"),
    ('praise', "Praise"),
    ]
COMPLEXITIES = [
    ('general', "General"),
    ('complex', "Complex"),
    ]
URGENCIES = [
    ('normal', "Normal"),
    ('urgent', "Urgent (应急类)"),
    ('sudden', "Sudden Event (突发类)"),
    ]


class TimeLimit(UniqueCodeMixin, ModelSQL, ModelView):
    __name__ = 'sushi.time_limit'
    __string__ = "Handling Time Limit"
    _code_unique_message = 'sushi_ticket.msg_time_limit_code_unique'

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    request_type = fields.Selection([(None, "")] + REQUEST_TYPES,
        "Request Type", help="Leave empty for every type.")
    complexity = fields.Selection([(None, "")] + COMPLEXITIES, "Complexity",
        help="Leave empty for any complexity.")
    urgency = fields.Selection(URGENCIES, "Urgency", required=True)
    kind = fields.Selection([
            ('working_days', "Working Days"),
            ('same_day', "Same Day"),
            ('information', "For Information (no deadline)"),
            ], "Kind", required=True)
    working_days = fields.Integer("Working Days",
        domain=[('working_days', '>', 0)],
        states={
            'required': Eval('kind') == 'working_days',
            'invisible': Eval('kind') != 'working_days',
            })
    extendable = fields.Boolean("Extendable",
        help="Whether an extension may be asked for (EXT-07).")
    source = fields.Char("Source", help="The rule or document it follows.")

    _find_cache = Cache('sushi.time_limit.find', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('urgency', 'DESC'), ('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_urgency(cls):
        return 'normal'

    @classmethod
    def default_kind(cls):
        return 'working_days'

    @classmethod
    def default_extendable(cls):
        return True

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._find_cache.clear()

    @classmethod
    def find(cls, request_type, complexity='general', urgency='normal'):
        """Return the limit that applies, the most specific first: a sudden
        or urgent limit overrides the type's (categories.md §1)."""
        key = (request_type, complexity or 'general', urgency or 'normal')
        limit_id = cls._find_cache.get(key)
        if limit_id is None:
            candidates = []
            for limit in cls.search([]):
                if limit.urgency != key[2]:
                    continue
                if limit.request_type not in {None, request_type}:
                    continue
                if limit.complexity not in {None, key[1]}:
                    continue
                candidates.append(limit)
            if not candidates and key[2] != 'normal':
                return cls.find(request_type, complexity, 'normal')
            if not candidates:
                raise TimeLimitError(gettext(
                        'sushi_ticket.msg_time_limit_missing',
                        request_type=request_type))
            candidates.sort(key=lambda l: (
                    l.request_type is None, l.complexity is None))
            limit_id = candidates[0].id
            cls._find_cache.set(key, limit_id)
        return cls(limit_id)
