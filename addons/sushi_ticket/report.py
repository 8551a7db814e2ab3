# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Work orders as an Excel workbook: the lists supervisors and units take
to meetings, without the requester's personal data (PUB-06)."""
import io

import xlsxwriter

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report

from . import clock
from .exceptions import ReportSelectionError


def report_record(report, model_name, ids):
    """Return the one record a report of one record prints, after the
    report's access check (its action, the model's read access and record
    rules); an empty selection is a clear error, not an IndexError."""
    ActionReport = Pool().get('ir.action.report')
    action_report, = ActionReport.search([
            ('report_name', '=', report.__name__)])
    report.check_access(action_report, model_name, ids)
    if not ids:
        raise ReportSelectionError(
            gettext('sushi_ticket.msg_report_no_record'))
    return Pool().get(model_name)(ids[0])

# The columns: field, width.  No requester name, phone or party.
COLUMNS = [
    ('number', 20), ('received_at', 17), ('channel', 18),
    ('request_type', 8), ('title', 30), ('category', 14), ('region', 10),
    ('lead_unit', 18), ('deadline', 17), ('light', 6), ('red_card', 6),
    ('state', 10), ('closed_at', 17), ('final_evaluation', 10),
    ]


class TicketSpreadsheet(Report):
    __name__ = 'sushi.ticket.xlsx'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        Ticket = pool.get('sushi.ticket')
        Calendar = pool.get('sushi.calendar')
        action_report, = ActionReport.search([
                ('report_name', '=', cls.__name__)])
        cls.check_access(action_report, Ticket.__name__, ids)
        tickets = Ticket.browse(ids)
        fields = Ticket.fields_get([c for c, _ in COLUMNS])

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'in_memory': True})
        sheet = workbook.add_worksheet(gettext(
                'sushi_ticket.msg_xlsx_sheet'))
        header = workbook.add_format({'bold': True, 'bg_color': '#D9E1F2',
                'border': 1, 'text_wrap': True, 'valign': 'top'})
        when = workbook.add_format({'num_format': 'yyyy-mm-dd hh:mm'})
        fills = {
            'red': workbook.add_format({'bg_color': '#F2DEDE'}),
            'yellow': workbook.add_format({'bg_color': '#FCF8E3'}),
            }
        for col, (name, width) in enumerate(COLUMNS):
            sheet.write(0, col, fields[name]['string'], header)
            sheet.set_column(col, col, width)
        for row, ticket in enumerate(tickets, start=1):
            fill = fills.get(ticket.light)
            for col, (name, _) in enumerate(COLUMNS):
                value = getattr(ticket, name)
                field = fields[name]
                if value is None:
                    sheet.write_blank(row, col, None, fill)
                elif field['type'] == 'datetime':
                    # Excel shows the wall-clock time of the office
                    local = Calendar.to_local(value).replace(tzinfo=None)
                    sheet.write_datetime(row, col, local, when)
                elif field['type'] == 'selection':
                    sheet.write(row, col,
                        dict(field['selection']).get(value, value), fill)
                elif field['type'] == 'boolean':
                    sheet.write(row, col, '是' if value else '', fill)
                elif field['type'] == 'many2one':
                    sheet.write(row, col, value.rec_name, fill)
                else:
                    sheet.write(row, col, value, fill)
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, max(len(tickets), 1), len(COLUMNS) - 1)
        workbook.close()
        name = '%s-%s' % (gettext('sushi_ticket.msg_xlsx_name'),
            Calendar.to_local(clock.now()).strftime('%Y%m%d-%H%M'))
        return ('xlsx', output.getvalue(), False, name)
