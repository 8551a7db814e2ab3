# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import random
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from trytond.model import ModelStorage
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _unit_rule_models(cls):
        """The models whose record rules use the user's units (the context
        key `sushi_unit_tree`).  Other modules extend it through the pool:

            class Rule(metaclass=PoolMeta):
                __name__ = 'ir.rule'

                @classmethod
                def _unit_rule_models(cls):
                    return super()._unit_rule_models() | {'my.model'}
        """
        return {
            'sushi.ticket', 'sushi.ticket.assignment', 'sushi.ticket.event',
            'sushi.ticket.reply', 'sushi.ticket.extension',
            'sushi.ticket.callback', 'sushi.ticket.unit_callback',
            # requesters of the unit's orders (party.xml)
            'party.party', 'party.contact_mechanism', 'party.address',
            'party.identifier',
            }

    # Models whose record rules name the user (`Eval('user_id')`, res.xml):
    # one's column widths and optional columns are one's own.
    _own_user_models = {'ir.ui.view_tree_width', 'ir.ui.view_tree_optional'}

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in cls._unit_rule_models():
            Unit = Pool().get('sushi.unit')
            context['sushi_unit_tree'] = Unit.user_unit_tree()
        if model_name in cls._own_user_models:
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if model_names & cls._unit_rule_models():
            Unit = Pool().get('sushi.unit')
            # Rule domains are cached: the units are part of the key.
            key = (*key, tuple(Unit.user_unit_tree()))
        if model_names & cls._own_user_models:
            key = (*key, Transaction().user)
        return key

    @classmethod
    def check(cls, model_name, ids, mode='read'):
        """The resource checks of attachments, notes and the chat: a record
        the user may not read is refused as a missing one is (guard.py)."""
        from .guard import refuse_hidden
        try:
            Model = Pool().get(model_name)
        except KeyError:
            Model = None
        if Model is not None:
            refuse_hidden(Model, list(ids))
        return super().check(model_name, ids, mode=mode)


class ModelButtonClick(metaclass=PoolMeta):
    __name__ = 'ir.model.button.click'

    @classmethod
    def get_click(cls, model, button, record_id):
        """Who clicked a button of a record, for those who may read the
        record: of any other (another unit's order) nothing, as of a
        record that does not exist."""
        from .guard import external, hidden_ids
        if external():
            try:
                Model = Pool().get(model)
            except KeyError:
                return {}
            if (not issubclass(Model, ModelStorage)
                    or not isinstance(record_id, int) or isinstance(record_id, bool)
                    or hidden_ids(Model, [record_id])):
                return {}
        return super().get_click(model, button, record_id)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('sushi.ticket.assignment|sweep',
                    "Sweep Deadlines and Traffic Lights"),
                ('sushi.ticket.callback|deem_satisfied',
                    "Deem Unanswered Ratings Satisfied"),
                ('sushi.ticket|archive_closed', "Archive Closed Orders"),
                ('sushi.ticket.recording|purge',
                    "Purge Call Recordings past Retention"),
                ('sushi.sms|retry_failed', "Retry Failed SMS"),
                ('sushi.calendar.year|remind_next_year',
                    "Remind of Next Year's Calendar"),
                ])

    def _sushi_timezone(self):
        """The platform's timezone (Asia/Shanghai) for the crons of the
        sushi modules, whose hours are Suzhou hours ("every night"), or
        None for the others (the server's timezone, TRYTOND_TZ, UTC by
        default)."""
        if (self.method or '').startswith('sushi.'):
            timezone = Pool().get('sushi.configuration').get_values()[
                'timezone']
            return ZoneInfo(timezone)
        return None

    def get_timezone(self, name):
        zone = self._sushi_timezone()
        return zone.key if zone else super().get_timezone(name)

    def compute_next_call(self, now=None):
        """As ir.cron's, the hour and minute read in Suzhou time for the
        sushi crons: a cron set for 00:10 runs at 00:10 in Suzhou, not at
        08:10 on a server in UTC."""
        zone = self._sushi_timezone()
        if zone is None:
            return super().compute_next_call(now)
        if now is None:
            now = dt.datetime.now()
        interval = self.interval_type
        moved = now.replace(tzinfo=dt.timezone.utc).astimezone(zone) + (
            relativedelta(**{interval: self.interval_number}))
        moved += relativedelta(microsecond=0, second=0,
            minute=(self.minute if self.minute is not None
                else random.randint(0, 59))
            if interval != 'minutes' else None,
            hour=(self.hour if self.hour is not None
                else random.randint(0, 23))
            if interval not in {'minutes', 'hours'} else None,
            day=(self.day if self.day is not None
                else random.randint(0, 31))
            if interval not in {'minutes', 'hours', 'days', 'weeks'}
            else None,
            weekday=int(self.weekday.index) if self.weekday
            and interval not in {'minutes', 'hours', 'days'} else None)
        # the wall-clock time in Suzhou (no daylight saving) to naive UTC
        return moved.replace(tzinfo=None).replace(tzinfo=zone).astimezone(
            dt.timezone.utc).replace(tzinfo=None)


class _ReportAccess:
    """Tryton's model graphs never run the report's access check (their
    execute does not call Report.execute): any session drew the schema,
    with a regular expression of its own as filter, or met a Python error
    where Graphviz is missing.  The check of every report comes first."""
    __slots__ = ()

    @classmethod
    def execute(cls, ids, data):
        ActionReport = Pool().get('ir.action.report')
        with without_check_access():
            action, = ActionReport.search([
                    ('report_name', '=', cls.__name__),
                    ], limit=1)
        cls.check_access(action, action.model or (data or {}).get('model'),
            ids)
        return super().execute(ids, data)


class ModelGraph(_ReportAccess, metaclass=PoolMeta):
    __name__ = 'ir.model.graph'


class ModelWorkflowGraph(_ReportAccess, metaclass=PoolMeta):
    __name__ = 'ir.model.workflow_graph'
