# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Statistics by region, category, channel and unit (ANA-10) for the graph
views of the client: one grouped query over the tickets of a period."""
import datetime as dt
import io
from collections import defaultdict

import xlsxwriter
from sql.aggregate import Count, Max, Min

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.time_limit import REQUEST_TYPES
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction



def local_today():
    """Today in the platform's timezone (Suzhou), not the server's UTC
    date: from 16:00 UTC the UTC date is still yesterday's."""
    Calendar = Pool().get('sushi.calendar')
    return Calendar.to_local(clock.now()).date()

class Statistic(ModelSQL, ModelView):
    "Request Statistics"
    __name__ = 'sushi.analysis.statistic'
    region = fields.Many2One('sushi.unit', "Region", readonly=True)
    category = fields.Many2One('sushi.category', "Category", readonly=True)
    channel = fields.Many2One('sushi.channel', "Channel", readonly=True)
    unit = fields.Many2One('sushi.unit', "Lead Unit", readonly=True)
    request_type = fields.Selection(REQUEST_TYPES, "Request Type",
        readonly=True)
    request_type_string = request_type.translated('request_type')
    count = fields.Integer("Requests", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('count', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Calendar = pool.get('sushi.calendar')
        t = Ticket.__table__()
        context = Transaction().context
        where = t.state != 'draft'
        if context.get('from_date'):
            where &= t.received_at >= Calendar.local_datetime(
                context['from_date'], dt.time())
        if context.get('to_date'):
            where &= t.received_at < Calendar.local_datetime(
                context['to_date'] + dt.timedelta(days=1), dt.time())
        columns = [t.region, t.category, t.channel, t.lead_unit,
            t.request_type]
        return t.select(Min(t.id).as_('id'),
            Max(t.create_uid).as_('create_uid'),
            Max(t.create_date).as_('create_date'),
            Max(t.write_uid).as_('write_uid'),
            Max(t.write_date).as_('write_date'),
            t.region, t.category, t.channel, t.lead_unit.as_('unit'),
            t.request_type, Count(t.id).as_('count'),
            where=where, group_by=columns)


class StatisticContext(ModelView):
    "Request Statistics Context"
    __name__ = 'sushi.analysis.statistic.context'
    from_date = fields.Date("From")
    to_date = fields.Date("To")

    @classmethod
    def default_from_date(cls):
        return local_today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        return local_today()


class StatisticPivot(Report):
    "The statistics as a pivot table in Excel (ANA-10)"
    __name__ = 'sushi.analysis.statistic.pivot'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        Statistic = pool.get('sushi.analysis.statistic')
        ActionReport = pool.get('ir.action.report')
        Context = pool.get('sushi.analysis.statistic.context')
        # the report's action, the statistics' read access and rules
        action, = ActionReport.search(
            [('report_name', '=', cls.__name__)], limit=1)
        cls.check_access(action, Statistic.__name__, ids)
        # PLT-05: only the statistics' own context (the period) comes from
        # the client; a key such as _check_access would lift the rights
        given = data.get('context') if isinstance(data, dict) else None
        context = {k: v for k, v in (given or {}).items()
            if k in Context._fields and k != 'id'}
        with Transaction().set_context(context):
            records = (Statistic.browse(ids) if ids
                else Statistic.search([]))
            content = cls.workbook(records)
        return ('xlsx', content, False, gettext(
                'sushi_analysis.msg_statistic_file'))

    @classmethod
    def workbook(cls, records):
        """Return the workbook: region × category and lead unit × request
        type pivots with totals, and the counts by channel."""
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {'in_memory': True})
        head = book.add_format({'bold': True, 'bg_color': '#DDEBF7',
                'border': 1})
        number = book.add_format({'num_format': '#,##0'})
        total = book.add_format({'num_format': '#,##0', 'bold': True})

        def name(record, field):
            value = getattr(record, field)
            if field == 'request_type':
                return record.request_type_string or '—'
            return value.rec_name if value else '—'

        def pivot(title, row_field, column_field):
            cells = defaultdict(int)
            for record in records:
                cells[(name(record, row_field), name(record, column_field))
                    ] += record.count or 0
            rows = sorted({r for r, _ in cells})
            columns = sorted({c for _, c in cells})
            sheet = book.add_worksheet(title[:31])
            sheet.write_row(0, 0, [''] + columns + [
                    gettext('sushi_analysis.msg_col_total')], head)
            for i, row in enumerate(rows, 1):
                sheet.write(i, 0, row, head)
                values = [cells.get((row, c), 0) for c in columns]
                sheet.write_row(i, 1, values, number)
                sheet.write(i, len(columns) + 1, sum(values), total)
            last = len(rows) + 1
            sheet.write(last, 0, gettext('sushi_analysis.msg_col_total'),
                head)
            for j, column in enumerate(columns, 1):
                sheet.write(last, j, sum(cells.get((r, column), 0)
                        for r in rows), total)
            sheet.write(last, len(columns) + 1, sum(cells.values()), total)
            sheet.freeze_panes(1, 1)
            sheet.set_column(0, 0, 22)
            sheet.set_column(1, len(columns) + 1, 12)

        pivot(gettext('sushi_analysis.msg_sheet_region_category'),
            'region', 'category')
        pivot(gettext('sushi_analysis.msg_sheet_unit_type'),
            'unit', 'request_type')
        pivot(gettext('sushi_analysis.msg_sheet_channels'),
            'channel', 'request_type')
        book.close()
        return output.getvalue()
