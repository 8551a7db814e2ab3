# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The monthly consultation report (会商月报, CON-09): compiled between the
21st and the month's end, covering this month's consultations, the
implementation of last month's themes, each unit's performance and good
practices; an Excel workbook and a printable document, in the client and
by e-mail to the city's leaders."""
import datetime as dt
import io
import json
from collections import defaultdict
from email.message import EmailMessage
from email.utils import formataddr

import xlsxwriter
from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.report import report_record
from trytond.modules.sushi_ticket.tools import missed_months
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access

from .consultation_exceptions import ConsultationError

# The per-unit measures: (field, label) in the order of the workbook.
MEASURES = [
    'lead_topics', 'co_topics', 'minutes_on_time', 'minutes_late',
    'letters_on_time', 'letters_late', 'letters_missing', 'items_done',
    'items_late', 'items_overdue', 'candidates',
    ]


def month_bounds(month):
    "The first day of the month and of the next one."
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


class MonthlyReport(ModelSQL, ModelView):
    __name__ = 'sushi.consultation.report'
    __string__ = "Monthly Consultation Report"

    month = fields.Date("Month", required=True,
        states={'readonly': Eval('id', -1) >= 0},
        help="Any day of the month; stored as its first day.")
    generated_at = fields.DateTime("Compiled at", readonly=True)
    sent_at = fields.DateTime("Sent at", readonly=True)
    theme_count = fields.Integer("Monthly Themes", readonly=True)
    theme_missing = fields.Boolean("Too Few Monthly Themes", readonly=True,
        help="Fewer monthly themes than the configured minimum (CON-06).")
    summary = fields.Text("This Month's Consultations",
        help="Compiled from the records; the Office may edit it.")
    implementation = fields.Text("Last Month's Themes",
        help="How last month's themes are being implemented.")
    good_practices = fields.Text("Good Practices and Model Cases")
    lines = fields.One2Many('sushi.consultation.report.line', 'report',
        "Units' Performance", readonly=True)
    month_topics = fields.Function(fields.Many2Many(
            'sushi.consultation.topic', None, None, "This Month's Topics"),
        'get_topics')
    last_month_themes = fields.Function(fields.Many2Many(
            'sushi.consultation.topic', None, None, "Last Month's Themes"),
        'get_topics')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('month_unique', Unique(t, t.month),
                'sushi_supervision.msg_consultation_report_unique'),
            ]
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'generate': {},
                'send': {},
                })

    def get_rec_name(self, name):
        return self.month.strftime('%Y-%m') if self.month else ''

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('month'):
            values['month'] = values['month'].replace(day=1)
        return values

    @classmethod
    def get_topics(cls, reports, names):
        result = {n: {} for n in names}
        for report in reports:
            if 'month_topics' in names:
                result['month_topics'][report.id] = cls._month_topic_ids(
                    report.month)
            if 'last_month_themes' in names:
                last = (report.month - dt.timedelta(days=1)).replace(day=1)
                result['last_month_themes'][report.id] = [
                    t.id for t in Pool().get('sushi.consultation.topic'
                        ).search([('theme_month', '=', last)])]
        return result

    @classmethod
    def _month_topic_ids(cls, month):
        """The topics of the month: its themes, and every topic with a
        meeting held or closed in the month."""
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        Calendar = pool.get('sushi.calendar')
        start, end = month_bounds(month)
        start_at = Calendar.local_datetime(start, dt.time())
        end_at = Calendar.local_datetime(end, dt.time())
        topic = Topic.__table__()
        meeting = Meeting.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*topic.select(topic.id,
                where=(topic.theme_month == start)
                | ((topic.closed_at >= start_at) & (topic.closed_at < end_at)
                    & (topic.state != 'declined'))
                | topic.id.in_(meeting.select(meeting.topic,
                        where=(meeting.held_at >= start_at)
                        & (meeting.held_at < end_at))),
                order_by=[topic.id]))
        return [i for i, in cursor]

    @classmethod
    @ModelView.button
    def generate(cls, reports):
        "Compile (again) the figures and texts of the reports."
        pool = Pool()
        Line = pool.get('sushi.consultation.report.line')
        Topic = pool.get('sushi.consultation.topic')
        Configuration = pool.get('sushi.configuration')
        minimum = Configuration.get_values().get(
            'consultation_min_monthly_themes') or 0
        Line.delete([l for r in reports for l in r.lines])
        vlist = []
        for report in reports:
            figures = cls.unit_figures(report.month)
            vlist.extend(dict(report=report.id, unit=unit, **values)
                for unit, values in sorted(figures.items()))
            topics = Topic.browse(cls._month_topic_ids(report.month))
            last = (report.month - dt.timedelta(days=1)).replace(day=1)
            themes = Topic.search([('theme_month', '=', last)])
            count = Topic.search_count([
                    ('theme_month', '=', report.month),
                    ('state', '!=', 'declined'),
                    ])
            report.theme_count = count
            report.theme_missing = count < minimum
            report.summary = cls.describe(topics, report.month)
            report.implementation = cls.describe(themes, last)
            report.generated_at = clock.now()
        cls.save(reports)
        Line.create(vlist)

    @classmethod
    def describe(cls, topics, month):
        "One line per topic: state, lead, meeting and items."
        Calendar = Pool().get('sushi.calendar')
        if not topics:
            return gettext('sushi_supervision.msg_consultation_report_none',
                month=month.strftime('%Y-%m'))
        states = dict(Pool().get('sushi.consultation.topic').fields_get(
                ['state'])['state']['selection'])
        lines = []
        for topic in topics:
            meeting = topic.meeting
            held = (Calendar.to_local(meeting.held_at).strftime('%m-%d')
                if meeting and meeting.held_at else '-')
            done = sum(1 for i in topic.items if i.state == 'done')
            lines.append(gettext(
                    'sushi_supervision.msg_consultation_report_topic_line',
                    topic=topic.rec_name,
                    lead=topic.lead_unit.name if topic.lead_unit else '-',
                    co='、'.join(u.name for u in topic.co_units) or '-',
                    state=states.get(topic.state, topic.state),
                    held=held, done=done, total=len(topic.items)))
        return '\n'.join(lines)

    @classmethod
    def unit_figures(cls, month):
        """{unit id: {measure: count}} for the month, by grouped queries
        over the indexed tables (no loop over records)."""
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        CoUnit = pool.get('sushi.consultation.topic-co_unit')
        Meeting = pool.get('sushi.consultation')
        Letter = pool.get('sushi.consultation.letter')
        Item = pool.get('sushi.consultation.item')
        Fact = pool.get('sushi.consultation.fact')
        Calendar = pool.get('sushi.calendar')
        cursor = Transaction().connection.cursor()
        start, end = month_bounds(month)
        start_at = Calendar.local_datetime(start, dt.time())
        end_at = Calendar.local_datetime(end, dt.time())
        now = min(clock.now(), end_at)
        figures = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
        topic_ids = cls._month_topic_ids(month) or [-1]

        topic = Topic.__table__()
        co = CoUnit.__table__()
        meeting = Meeting.__table__()
        letter = Letter.__table__()
        item = Item.__table__()
        fact = Fact.__table__()

        queries = [
            (topic.select(topic.lead_unit, Count(Literal(1)),
                    where=topic.id.in_(topic_ids)
                    & (topic.lead_unit != Null),
                    group_by=[topic.lead_unit]), ['lead_topics']),
            (co.select(co.unit, Count(Literal(1)),
                    where=co.topic.in_(topic_ids),
                    group_by=[co.unit]), ['co_topics']),
            (meeting.join(topic, condition=meeting.topic == topic.id
                    ).select(topic.lead_unit,
                    Count(Case((meeting.minutes_late == Literal(True), Null),
                            else_=Literal(1))),
                    Count(Case((meeting.minutes_late == Literal(True),
                                Literal(1)), else_=Null)),
                    where=(meeting.minutes_submitted_at >= start_at)
                    & (meeting.minutes_submitted_at < end_at),
                    group_by=[topic.lead_unit]),
                ['minutes_on_time', 'minutes_late']),
            (letter.select(letter.unit,
                    Count(Case((letter.late == Literal(True), Null),
                            else_=Literal(1))),
                    Count(Case((letter.late == Literal(True), Literal(1)),
                            else_=Null)),
                    where=(letter.received_at >= start_at)
                    & (letter.received_at < end_at),
                    group_by=[letter.unit]),
                ['letters_on_time', 'letters_late']),
            (letter.select(letter.unit, Count(Literal(1)),
                    where=(letter.state == 'requested')
                    & (letter.due_at < now),
                    group_by=[letter.unit]), ['letters_missing']),
            (item.select(item.unit,
                    Count(Literal(1)),
                    Count(Case((item.late == Literal(True), Literal(1)),
                            else_=Null)),
                    where=(item.state == 'done') & (item.done_at >= start_at)
                    & (item.done_at < end_at) & (item.unit != Null),
                    group_by=[item.unit]), ['items_done', 'items_late']),
            (item.select(item.unit, Count(Literal(1)),
                    where=(item.state == 'open') & (item.deadline < now)
                    & (item.unit != Null),
                    group_by=[item.unit]), ['items_overdue']),
            (fact.select(fact.unit, Count(Literal(1)),
                    where=(fact.occurred_at >= start_at)
                    & (fact.occurred_at < end_at),
                    group_by=[fact.unit]), ['candidates']),
            ]
        for query, names in queries:
            cursor.execute(*query)
            for unit, *values in cursor:
                for name, value in zip(names, values):
                    figures[unit][name] += value or 0
        return dict(figures)

    @classmethod
    @ModelView.button
    def send(cls, reports):
        """Deliver the reports: a notice in the client to the city's
        leaders and the Office, and an e-mail with the workbook and the
        printable document (CON-09)."""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        ResNotification = pool.get('res.notification')
        Configuration = pool.get('sushi.configuration')
        Workbook = pool.get('sushi.consultation.report.xlsx', type='report')
        Document = pool.get('sushi.consultation.report.document',
            type='report')
        groups = [ModelData.get_id('sushi_ticket', 'group_sushi_' + g)
            for g in ['city_leader', 'supervisor']]
        with without_check_access():
            users = User.search([('groups', 'in', groups)])
        extra = Configuration.get_values().get(
            'consultation_report_emails') or ''
        addresses = [(u.name, u.email) for u in users if u.email]
        addresses += [('', a.strip()) for a in extra.replace(
                    '；', ',').replace(';', ',').split(',') if a.strip()]
        now = clock.now()
        for report in reports:
            if not report.generated_at:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_report_not_generated',
                        report=report.rec_name))
            label = gettext(
                'sushi_supervision.msg_consultation_report_subject',
                month=report.rec_name)
            with without_check_access():
                ResNotification.create([{
                            'user': u.id,
                            'label': label,
                            'description': label,
                            'icon': 'tryton-notification',
                            'model': cls.__name__,
                            'records': json.dumps([report.id]),
                            } for u in users])
            if addresses and config.getboolean(
                    'sushi', 'email_notifications', default=True):
                with without_check_access():
                    attachments = [Workbook.execute([report.id], {}),
                        Document.execute([report.id], {})]
                for name, email in addresses:
                    message = EmailMessage()
                    message['From'] = config.get('email', 'from')
                    message['To'] = formataddr((name, email))
                    message['Subject'] = '[宿事速办] %s' % label
                    message.set_content(report.summary or label)
                    for ext, content, _, filename in attachments:
                        if isinstance(content, str):
                            content = content.encode('utf-8')
                        maintype, subtype = {
                            'xlsx': ('application', 'vnd.openxmlformats-'
                                'officedocument.spreadsheetml.sheet'),
                            'html': ('text', 'html'),
                            }.get(ext, ('application', 'octet-stream'))
                        message.add_attachment(content, maintype=maintype,
                            subtype=subtype, filename='%s.%s' % (
                                filename, ext))
                    send_message_transactional(message)
        cls.write(reports, {'sent_at': now})

    @classmethod
    def compile_due(cls):
        """Cron: from the configured day (the 21st) to the month's end,
        compile and send this month's report once (CON-09); and, late
        rather than never, the reports of the months after the newest
        report that a cron stopped from their 21st to their end missed
        (at most 12)."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        day = Configuration.get_values().get('consultation_report_day') or 21
        today = Calendar.to_local(clock.now()).date()
        this_month = today.replace(day=1)
        newest = cls.search([], order=[('month', 'DESC')], limit=1)
        months = missed_months(newest[0].month if newest else None,
            this_month, this_month - dt.timedelta(days=366))
        if today.day >= day and not cls.search(
                [('month', '=', this_month)]):
            months.append(this_month)
        if not months:
            return []
        reports = cls.create([{'month': m} for m in months])
        cls.generate(reports)
        cls.send(reports)
        return reports


class MonthlyReportLine(ModelSQL, ModelView):
    "One unit's performance in the month (CON-09)."
    __name__ = 'sushi.consultation.report.line'
    __string__ = "Monthly Consultation Report Line"

    report = fields.Many2One('sushi.consultation.report', "Report",
        required=True, ondelete='CASCADE', readonly=True)
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        readonly=True, ondelete='RESTRICT')
    lead_topics = fields.Integer("Topics Led", readonly=True)
    co_topics = fields.Integer("Topics Assisted", readonly=True)
    minutes_on_time = fields.Integer("Minutes on Time", readonly=True)
    minutes_late = fields.Integer("Minutes Late", readonly=True)
    letters_on_time = fields.Integer("Letters on Time", readonly=True)
    letters_late = fields.Integer("Letters Late", readonly=True)
    letters_missing = fields.Integer("Letters Missing", readonly=True)
    items_done = fields.Integer("Items Done", readonly=True)
    items_late = fields.Integer("Items Done Late", readonly=True)
    items_overdue = fields.Integer("Items Overdue", readonly=True)
    candidates = fields.Integer("D4 Candidates", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('report')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.report, Index.Equality())))
        cls._order = [('report', 'DESC'), ('candidates', 'DESC'),
            ('unit', 'ASC'), ('id', 'ASC')]


class MonthlyReportSpreadsheet(Report):
    "The monthly report as an Excel workbook."
    __name__ = 'sushi.consultation.report.xlsx'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        Line = pool.get('sushi.consultation.report.line')
        Topic = pool.get('sushi.consultation.topic')
        Calendar = pool.get('sushi.calendar')
        Report_ = pool.get('sushi.consultation.report')
        report = report_record(cls, Report_.__name__, ids)
        line_fields = Line.fields_get(['unit'] + MEASURES)
        topic_fields = Topic.fields_get(['title', 'kind', 'theme_month',
                'lead_unit', 'co_units', 'form', 'state', 'light'])
        states = dict(topic_fields['state']['selection'])
        kinds = dict(topic_fields['kind']['selection'])
        forms = dict(topic_fields['form']['selection'])
        lights = dict(topic_fields['light']['selection'])

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'in_memory': True})
        header = workbook.add_format({'bold': True, 'bg_color': '#D9E1F2',
                'border': 1, 'text_wrap': True, 'valign': 'top'})
        wrap = workbook.add_format({'text_wrap': True, 'valign': 'top'})
        when = workbook.add_format({'num_format': 'yyyy-mm-dd hh:mm'})
        integer = workbook.add_format({'num_format': '0'})
        fills = {
            'red': workbook.add_format({'bg_color': '#F2DEDE'}),
            'yellow': workbook.add_format({'bg_color': '#FCF8E3'}),
            }

        def topic_sheet(title, topics):
            sheet = workbook.add_worksheet(title)
            columns = [('title', 36), ('kind', 10), ('lead_unit', 18),
                ('co_units', 30), ('form', 12), ('state', 10),
                ('held_at', 17), ('items', 10), ('light', 6)]
            labels = {n: topic_fields[n]['string'] for n in topic_fields}
            labels['held_at'] = gettext(
                'sushi_supervision.msg_consultation_xlsx_held')
            labels['items'] = gettext(
                'sushi_supervision.msg_consultation_xlsx_items')
            for col, (name, width) in enumerate(columns):
                sheet.write(0, col, labels[name], header)
                sheet.set_column(col, col, width)
            for row, topic in enumerate(topics, start=1):
                fill = fills.get(topic.light)
                meeting = topic.meeting
                done = sum(1 for i in topic.items if i.state == 'done')
                sheet.write(row, 0, topic.title, fill)
                sheet.write(row, 1, kinds.get(topic.kind, ''), fill)
                sheet.write(row, 2, topic.lead_unit.name
                    if topic.lead_unit else '', fill)
                sheet.write(row, 3, '、'.join(
                        u.name for u in topic.co_units), fill)
                sheet.write(row, 4, forms.get(topic.form, ''), fill)
                sheet.write(row, 5, states.get(topic.state, ''), fill)
                if meeting and meeting.held_at:
                    sheet.write_datetime(row, 6, Calendar.to_local(
                            meeting.held_at).replace(tzinfo=None), when)
                else:
                    sheet.write_blank(row, 6, None, fill)
                sheet.write(row, 7, '%s/%s' % (done, len(topic.items)), fill)
                sheet.write(row, 8, lights.get(topic.light, ''), fill)
            sheet.freeze_panes(1, 1)
            sheet.autofilter(0, 0, max(len(topics), 1), len(columns) - 1)

        summary = workbook.add_worksheet(gettext(
                'sushi_supervision.msg_consultation_xlsx_summary'))
        summary.set_column(0, 0, 24)
        summary.set_column(1, 1, 90)
        report_fields = Report_.fields_get(['month', 'theme_count',
                'summary', 'implementation', 'good_practices'])
        rows = [
            ('month', report.rec_name),
            ('theme_count', report.theme_count or 0),
            ('summary', report.summary or ''),
            ('implementation', report.implementation or ''),
            ('good_practices', report.good_practices or ''),
            ]
        for row, (name, value) in enumerate(rows):
            summary.write(row, 0, report_fields[name]['string'], header)
            summary.write(row, 1, value, wrap)
        summary.freeze_panes(0, 1)

        topic_sheet(report_fields['summary']['string'][:31],
            report.month_topics)
        topic_sheet(report_fields['implementation']['string'][:31],
            report.last_month_themes)

        sheet = workbook.add_worksheet(
            Report_.fields_get(['lines'])['lines']['string'][:31])
        names = ['unit'] + MEASURES
        for col, name in enumerate(names):
            sheet.write(0, col, line_fields[name]['string'], header)
            sheet.set_column(col, col, 18 if col == 0 else 9)
        for row, line in enumerate(report.lines, start=1):
            sheet.write(row, 0, line.unit.name)
            for col, name in enumerate(MEASURES, start=1):
                sheet.write_number(row, col, getattr(line, name) or 0,
                    integer)
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, max(len(report.lines), 1), len(names) - 1)
        workbook.close()
        name = '%s-%s' % (gettext(
                'sushi_supervision.msg_consultation_xlsx_name'),
            report.rec_name)
        return ('xlsx', output.getvalue(), False, name)


class MonthlyReportDocument(Report):
    "The printable monthly report (an HTML template, escaped by Genshi)."
    __name__ = 'sushi.consultation.report.document'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Topic = pool.get('sushi.consultation.topic')
        context = super().get_context(records, header, data)
        selections = Topic.fields_get(['state', 'kind', 'form'])

        def label(name, value):
            return dict(selections[name]['selection']).get(value, '')

        def local(value, fmt='%Y-%m-%d %H:%M'):
            return Calendar.to_local(value).strftime(fmt) if value else ''
        context['label'] = label
        context['local'] = local
        context['figures'] = lambda line: [
            getattr(line, name) or 0 for name in MEASURES]
        return context

