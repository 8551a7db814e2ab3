# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Monthly and quarterly bulletins (ASM-01): an Excel workbook with one
sheet per group (indicators, item scores, ranking) and a deductions sheet,
and a printable HTML document with ranking bars, sent to the units."""
import io
import os

import xlsxwriter
from genshi.template import MarkupTemplate

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.sushi_ticket import clock
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import PublishedError
from .items import ITEMS

# Excel's limit of hyperlinks in one worksheet
MAX_LINKS = 65530

TEMPLATE = os.path.join(os.path.dirname(__file__), 'templates',
    'bulletin.html')


class Bulletin(ModelSQL, ModelView):
    __name__ = 'sushi.assessment.bulletin'
    __string__ = "Assessment Bulletin"

    period = fields.Many2One('sushi.assessment.period', "Period",
        required=True, readonly=True, ondelete='CASCADE')
    workbook = fields.Binary("Workbook", filename='workbook_name',
        readonly=True)
    workbook_name = fields.Char("Workbook Name", readonly=True)
    document = fields.Binary("Printable Document", filename='document_name',
        readonly=True)
    document_name = fields.Char("Document Name", readonly=True)
    sent_at = fields.DateTime("Sent at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('period')
        cls._order = [('sent_at', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return self.period.rec_name

    @classmethod
    def check_modification(cls, mode, bulletins, values=None,
            external=False):
        super().check_modification(
            mode, bulletins, values=values, external=external)
        # ASM-01: a published period's bulletin is what the units were
        # sent and object to; from the client nobody deletes or rewrites
        # it (the cron creates it after publishing, internally)
        if mode in {'write', 'delete'} and external:
            for bulletin in bulletins:
                if bulletin.period.state == 'published':
                    raise PublishedError(gettext(
                            'sushi_assessment.msg_bulletin_published',
                            period=bulletin.period.rec_name))

    @classmethod
    def send(cls, periods):
        "Produce the bulletins of the periods and tell the units."
        pool = Pool()
        Notification = pool.get('sushi.notification')
        Result = pool.get('sushi.assessment.result')
        bulletins = []
        notices = []
        for period in periods:
            results = Result.search([('period', '=', period.id)])
            bulletins.append({
                    'period': period.id,
                    'workbook': workbook(period, results),
                    'workbook_name': f'{period.name}.xlsx',
                    'document': document(period, results).encode('utf-8'),
                    'document_name': f'{period.name}.html',
                    'sent_at': clock.now(),
                    })
            label = gettext('sushi_assessment.msg_bulletin_subject',
                period=period.rec_name)
            text = gettext('sushi_assessment.msg_bulletin_body',
                period=period.rec_name,
                deadline=period.objection_deadline)
            for result in results:
                notices.append((result.unit.id, label,
                        f'{text} {result.unit.name}: {result.total} '
                        f'({result.rank})', Result.__name__, [result.id]))
        records = cls.create(bulletins)
        if notices:
            Notification.notify_units(notices)
        return records


def _rows(results):
    groups = {}
    for result in results:
        groups.setdefault(result.group, []).append(result)
    for rows in groups.values():
        rows.sort(key=lambda r: (r.rank or 0, r.unit.name))
    return groups


def workbook(period, results):
    "The bulletin workbook: one sheet per group and the deductions."
    pool = Pool()
    Result = pool.get('sushi.assessment.result')
    Deduction = pool.get('sushi.assessment.deduction')
    Calendar = pool.get('sushi.calendar')
    fields_ = Result.fields_get()
    scores = Result.scores_of(results) if results else {}
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    # the document's properties (File › Info in Excel): the bulletin's
    # title and period, dated when it is made
    book.set_properties({
            'title': gettext('sushi_assessment.msg_bulletin_subject',
                period=period.rec_name),
            'subject': period.rec_name,
            'created': Calendar.to_local(clock.now()).replace(tzinfo=None),
            })
    header = book.add_format({'bold': True, 'bg_color': '#D9E1F2',
            'border': 1, 'text_wrap': True, 'valign': 'top'})
    number = book.add_format({'num_format': '0.00'})
    when = book.add_format({'num_format': 'yyyy-mm-dd hh:mm'})
    names = ['rank', 'unit', 'total', 'daily', 'key', 'additional',
        'applicable_max', 'on_time_feedback_rate',
        'on_time_completion_rate', 'resolution_rate', 'satisfaction_rate']
    codes = [i.code for i in ITEMS]
    group_names = dict(fields_['group']['selection'])
    for group, rows in sorted(_rows(results).items()):
        name = group_names.get(group) or group
        for char in '[]:*?/\\':
            name = name.replace(char, '、')
        sheet = book.add_worksheet(name[:31])
        titles = [fields_[n]['string'] for n in names] + codes
        for col, title in enumerate(titles):
            sheet.write(0, col, title, header)
        sheet.set_column(1, 1, 28)
        sheet.set_column(2, len(titles), 9)
        for row, result in enumerate(rows, start=1):
            for col, name in enumerate(names):
                value = getattr(result, name)
                if name == 'unit':
                    sheet.write(row, col, value.name)
                elif value is None:
                    sheet.write_blank(row, col, None)
                else:
                    sheet.write_number(row, col, float(value), number)
            by_item = {s.item: s for s in scores.get(
                    (period.id, result.unit.id), [])}
            for col, code in enumerate(codes, start=len(names)):
                score = by_item.get(code)
                if score is None or not score.applicable:
                    sheet.write(row, col, '—')
                else:
                    sheet.write_number(row, col, float(score.points), number)
        sheet.freeze_panes(1, 2)
        charts(book, sheet, sheet.name, name, names, len(rows))
    sheet = book.add_worksheet(gettext_sheet())
    columns = ['unit', 'item', 'kind', 'amount', 'occurred_at',
        'description', 'origin', 'cancelled']
    dfields = Deduction.fields_get(columns)
    for col, name in enumerate(columns):
        sheet.write(0, col, dfields[name]['string'], header)
    sheet.set_column(0, 0, 28)
    sheet.set_column(4, 6, 22)
    deductions = Deduction.search([('score.period', '=', period.id),
            ('amount', '!=', 0)], order=[('score.unit', 'ASC'),
            ('occurred_at', 'ASC'), ('id', 'ASC')])
    kinds = dict(dfields['kind']['selection'])
    for row, deduction in enumerate(deductions, start=1):
        sheet.write(row, 0, deduction.score.unit.name)
        sheet.write(row, 1, deduction.score.item)
        sheet.write(row, 2, kinds.get(deduction.kind, deduction.kind))
        sheet.write_number(row, 3, float(deduction.amount), number)
        if deduction.occurred_at:
            sheet.write_datetime(row, 4, Calendar.to_local(
                    deduction.occurred_at).replace(tzinfo=None), when)
        sheet.write(row, 5, deduction.description or '')
        # the origin's number, linked to the record in the web client
        # (Excel holds at most 65 530 links a sheet: the rest as text)
        origin = deduction.origin
        if origin and row <= MAX_LINKS:
            sheet.write_url(row, 6, origin.__href__,
                string=origin.rec_name)
        else:
            sheet.write(row, 6, origin.rec_name if origin else '')
        sheet.write(row, 7, '是' if deduction.cancelled else '')
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(deductions), 1), len(columns) - 1)
    book.close()
    return output.getvalue()


def charts(book, sheet, sheet_name, group, names, count):
    """Below the table of a group: the totals as ranking bars and the
    on-time and satisfaction rates as columns (native Excel charts)."""
    if not count:
        return
    last = count  # rows 1 … count hold the units
    unit_col = names.index('unit')

    def ref(col):
        return [sheet_name, 1, col, last, col]
    height = max(320, 22 * count + 80)
    bars = book.add_chart({'type': 'bar'})
    bars.add_series({
            'name': [sheet_name, 0, names.index('total')],
            'categories': ref(unit_col),
            'values': ref(names.index('total')),
            'data_labels': {'value': True, 'num_format': '0.00'},
            'fill': {'color': '#4472C4'},
            })
    bars.set_title({'name': gettext('sushi_assessment.msg_chart_totals',
                group=group)})
    bars.set_legend({'none': True})
    bars.set_y_axis({'reverse': True})
    bars.set_size({'width': 640, 'height': height})
    sheet.insert_chart(last + 2, 1, bars)
    columns = book.add_chart({'type': 'column'})
    for name in ['on_time_feedback_rate', 'on_time_completion_rate',
            'satisfaction_rate']:
        col = names.index(name)
        columns.add_series({
                'name': [sheet_name, 0, col],
                'categories': ref(unit_col),
                'values': ref(col),
                })
    columns.set_title({'name': gettext('sushi_assessment.msg_chart_rates',
                group=group)})
    columns.set_y_axis({'min': 0, 'max': 100, 'num_format': '0'})
    columns.set_legend({'position': 'bottom'})
    columns.set_size({'width': 720, 'height': 360})
    sheet.insert_chart(last + 2, 9, columns)


def gettext_sheet():
    Deduction = Pool().get('sushi.assessment.deduction')
    return (Deduction.__string__ if not Transaction().language.startswith(
            'zh') else '扣分明细')


def document(period, results):
    "The printable bulletin: tables and ranking bars, escaped by Genshi."
    Result = Pool().get('sushi.assessment.result')
    fields_ = Result.fields_get()
    with open(TEMPLATE, encoding='utf-8') as f:
        template = MarkupTemplate(f.read())
    names = dict(fields_['group']['selection'])
    groups = [(names.get(g) or g, rows)
        for g, rows in sorted(_rows(results).items())]
    return template.generate(period=period, groups=groups,
        label=lambda n: fields_[n]['string']).render('html', doctype='html5')
