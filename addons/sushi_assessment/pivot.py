# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The unit × item table of a period: one row per unit, one column per
item code of SCORING.md (points; empty = 合理缺项), with the totals and the
rank, as a list in the client and as an Excel workbook."""
import io

import xlsxwriter
from sql import Literal, Null
from sql.aggregate import Max, Min
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.sushi_ticket.report import report_record
from trytond.pool import Pool
from trytond.report import Report

from .items import GROUPS, ITEMS


def column(code):
    "The field name of an item code: D2.1a → i_d2_1a."
    return 'i_' + code.lower().replace('.', '_')


class Pivot(ModelSQL, ModelView):
    __name__ = 'sushi.assessment.pivot'
    __string__ = "Unit × Item Scores"

    period = fields.Many2One('sushi.assessment.period', "Period",
        readonly=True)
    unit = fields.Many2One('sushi.unit', "Unit", readonly=True)
    group = fields.Selection(GROUPS, "Group", readonly=True)
    total = fields.Numeric("Total", digits=(16, 2), readonly=True)
    rank = fields.Integer("Rank", readonly=True)
    for _item in ITEMS:
        locals()[column(_item.code)] = fields.Numeric(_item.code,
            digits=(16, 2), readonly=True, help=_item.name)
    del _item

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('period', 'DESC'), ('group', 'ASC'),
            ('rank', 'ASC'), ('unit', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        score = pool.get('sushi.assessment.score').__table__()
        result = pool.get('sushi.assessment.result').__table__()
        columns = [Max(Case(((score.item == i.code)
                        & (score.applicable == Literal(True)),
                        score.points), else_=Null)).as_(column(i.code))
            for i in ITEMS]
        pivot = score.select(Min(score.id).as_('id'),
            score.period.as_('period'), score.unit.as_('unit'), *columns,
            group_by=[score.period, score.unit])
        return pivot.join(result, 'LEFT',
            condition=(result.period == pivot.period)
            & (result.unit == pivot.unit)).select(
            pivot.id.as_('id'), result.create_uid.as_('create_uid'),
            result.create_date.as_('create_date'),
            result.write_uid.as_('write_uid'),
            result.write_date.as_('write_date'),
            pivot.period.as_('period'), pivot.unit.as_('unit'),
            result.group.as_('group'), result.total.as_('total'),
            result.rank.as_('rank'),
            *[getattr(pivot, column(i.code)).as_(column(i.code))
                for i in ITEMS])


class PivotSpreadsheet(Report):
    "The unit × item table of a period as an Excel workbook."
    __name__ = 'sushi.assessment.pivot.xlsx'

    @classmethod
    def execute(cls, ids, data):
        period = report_record(cls, 'sushi.assessment.period', ids)
        name = gettext('sushi_assessment.msg_pivot_name')
        return ('xlsx', workbook(period), False, f'{period.name}-{name}')


def workbook(period):
    """Rows: the units by group and rank; columns: the item codes (with
    their names below), then the totals; frozen headers, two decimals,
    — for an item that does not apply (合理缺项)."""
    pool = Pool()
    Pivot = pool.get('sushi.assessment.pivot')
    Score = pool.get('sushi.assessment.score')
    Result = pool.get('sushi.assessment.result')
    rows = Pivot.search([('period', '=', period.id)],
        order=[('group', 'ASC'), ('rank', 'ASC'), ('unit.name', 'ASC')])
    item_names = dict(Score.fields_get(['item'])['item']['selection'])
    rfields = Result.fields_get(['unit', 'group', 'daily', 'key',
            'additional', 'total', 'rank'])
    groups = dict(rfields['group']['selection'])
    results = {r.unit.id: r for r in Result.search(
            [('period', '=', period.id)])}

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    header = book.add_format({'bold': True, 'bg_color': '#D9E1F2',
            'border': 1, 'align': 'center', 'valign': 'vcenter'})
    subheader = book.add_format({'bg_color': '#EEF2F9', 'border': 1,
            'text_wrap': True, 'valign': 'top', 'font_size': 9})
    number = book.add_format({'num_format': '0.00'})
    bold_number = book.add_format({'num_format': '0.00', 'bold': True})
    integer = book.add_format({'num_format': '0'})
    missing = book.add_format({'align': 'center', 'font_color': '#808080'})
    sheet = book.add_worksheet(gettext('sushi_assessment.msg_pivot_name'))
    codes = [i.code for i in ITEMS]
    totals = ['daily', 'key', 'additional', 'total', 'rank']
    sheet.write(0, 0, rfields['unit']['string'], header)
    sheet.write(0, 1, rfields['group']['string'], header)
    sheet.write_blank(1, 0, None, subheader)
    sheet.write_blank(1, 1, None, subheader)
    for col, code in enumerate(codes, start=2):
        sheet.write(0, col, code, header)
        sheet.write(1, col, item_names.get(code, code).split(' ', 1)[-1],
            subheader)
    first_total = 2 + len(codes)
    for col, name in enumerate(totals, start=first_total):
        sheet.write(0, col, rfields[name]['string'], header)
        sheet.write_blank(1, col, None, subheader)
    sheet.set_row(1, 42)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, first_total - 1, 7)
    sheet.set_column(first_total, first_total + len(totals) - 1, 9)
    for row, record in enumerate(rows, start=2):
        sheet.write(row, 0, record.unit.name)
        sheet.write(row, 1, groups.get(record.group, record.group or ''))
        for col, code in enumerate(codes, start=2):
            value = getattr(record, column(code))
            if value is None:
                sheet.write(row, col, '—', missing)
            else:
                sheet.write_number(row, col, float(value), number)
        result = results.get(record.unit.id)
        for col, name in enumerate(totals, start=first_total):
            value = getattr(result, name) if result else None
            if value is None:
                sheet.write_blank(row, col, None)
            elif name == 'rank':
                sheet.write_number(row, col, value, integer)
            else:
                sheet.write_number(row, col, float(value),
                    bold_number if name == 'total' else number)
    sheet.freeze_panes(2, 2)
    sheet.autofilter(1, 0, max(len(rows), 1) + 1,
        first_total + len(totals) - 1)
    book.close()
    return output.getvalue()
