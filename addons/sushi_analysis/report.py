# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Analysis reports (ANA-03..08): daily hot issues, weekly trends, monthly
key issues, special reports on blocking issues and immediate emergency
reports.  Each report is generated on its schedule by cron from set-based
queries, rendered as a print-ready HTML document with charts (Genshi
template, escaped) and an Excel workbook of its tables (xlsxwriter), and
split into sections tagged with the responsible units: unit heads read
the sections tagged to their units; city leaders get the whole report."""
import datetime as dt
import io
import logging
import os
from collections import defaultdict
from email.message import EmailMessage

import xlsxwriter
from genshi.template import TemplateLoader
from sql.aggregate import Count

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.exceptions import CalendarMissingYearError
from trytond.modules.sushi_ticket.replica import replica_cursor
from trytond.modules.sushi_ticket.tools import month_after
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from .statistic import local_today

logger = logging.getLogger(__name__)
# how far back a cron that did not run is caught up (missed_periods)
CATCH_UP_DAYS = 62

KINDS = [
    ('daily', "Daily Hot Issues"),
    ('weekly', "Weekly Trends"),
    ('monthly', "Monthly Key Issues"),
    ('special', "Special Report on Blocking Issues"),
    ('emergency', "Immediate Emergency Report"),
    ]
STATES = [
    ('draft', "Draft"),
    ('generated', "Generated"),
    ('sent', "Sent"),
    ]
_loader = TemplateLoader(
    os.path.join(os.path.dirname(__file__), 'templates'),
    auto_reload=False)


def _bars(counts, width=360):
    "Rows (label, count, bar width) of a horizontal bar chart."
    top = max([c for _, c in counts] or [1]) or 1
    return [(label, count, max(2, round(width * count / top)))
        for label, count in counts]


class Report(Workflow, ModelSQL, ModelView):
    "Analysis Report"
    __name__ = 'sushi.analysis.report'
    _rec_name = 'title'
    title = fields.Char("Title", readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    period_start = fields.Date("From", required=True, readonly=True)
    period_end = fields.Date("To", required=True, readonly=True,
        help="The last day of the period.")
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    generated_at = fields.DateTime("Generated at", readonly=True)
    sent_at = fields.DateTime("Sent at", readonly=True)
    ticket_count = fields.Integer("Requests", readonly=True)
    summary = fields.Text("Summary", readonly=True)
    sections = fields.One2Many('sushi.analysis.report.section', 'report',
        "Sections", readonly=True)
    document = fields.Binary("Document", filename='document_name',
        readonly=True)
    document_name = fields.Char("Document Name", readonly=True)
    spreadsheet = fields.Binary("Excel", filename='spreadsheet_name',
        readonly=True)
    spreadsheet_name = fields.Char("Excel Name", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('period_end', 'DESC'), ('id', 'DESC')]
        cls.__rpc__.update({
                'generate': RPC(readonly=False, result=int),
                })
        cls._transitions |= {('generated', 'sent')}
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'generated',
                    'depends': ['state'],
                    },
                })
        cls._sql_indexes.update({
                Index(t, (t.kind, Index.Equality()),
                    (t.period_end, Index.Range())),
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    # --- schedule ---------------------------------------------------------

    @classmethod
    def _report_day(cls, now=None):
        """Return (the configuration's values, the local date) at now once
        the configured report time has passed that day, else None."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        config = pool.get('sushi.configuration').get_values()
        local = Calendar.to_local(now or clock.now())
        if local.time() < config['report_time']:
            return None
        return config, local.date()

    @classmethod
    def due_periods(cls, now=None):
        """Return [(kind, first day, last day)] of the reports due at now
        (local time) by the schedule of ANA-04..06: the daily report of
        yesterday (or, with daily_report_working_day, on a working day those
        of the days since the last working day), on Tuesday the weekly
        report of last week, in the first week of a month the monthly
        report of last month; only after the configured report time."""
        Calendar = Pool().get('sushi.calendar')
        day = cls._report_day(now)
        if day is None:
            return []
        config, today = day
        yesterday = today - dt.timedelta(days=1)
        days = [yesterday]
        if config['daily_report_working_day']:
            # ANA-04: each day's report by the next working day; in a year
            # without an official schedule (CONV-03) by the next calendar
            # day, ANA-04's default: a report is never held back, nor the
            # weekly and monthly ones, for a calendar they do not need
            try:
                if not Calendar.is_working_day(today):
                    days = []
                else:
                    while not Calendar.is_working_day(days[0]):
                        days.insert(0, days[0] - dt.timedelta(days=1))
            except CalendarMissingYearError as exception:
                logger.warning("%s", exception.message)
                days = [yesterday]
        due = [('daily', day, day) for day in days]
        if today.weekday() >= 1:  # Tuesday or later (ANA-05)
            monday = today - dt.timedelta(days=today.weekday() + 7)
            due.append(('weekly', monday, monday + dt.timedelta(days=6)))
        if today.day <= 7:  # the first week of the month (ANA-06)
            last = today.replace(day=1) - dt.timedelta(days=1)
            due.append(('monthly', last.replace(day=1), last))
        return due

    @classmethod
    def missed_periods(cls, now=None, due=None):
        """Return [(kind, first day, last day)] of the daily, weekly and
        monthly reports that fell due before now, not due now any more by
        due_periods' schedule, and are newer than the newest report of
        their kind: a cron that did not run (a server down over a weekend
        or a holiday) made none of them.  They are made late rather than
        never (ANA-04..06), up to CATCH_UP_DAYS back; with no report of a
        kind yet, none of that kind is missed.  due: due_periods(now),
        when the caller has it."""
        Calendar = Pool().get('sushi.calendar')
        day = cls._report_day(now)
        if day is None:
            return []
        config, today = day
        oldest = today - dt.timedelta(days=CATCH_UP_DAYS)

        def newest(kind):
            reports = cls.search([('kind', '=', kind)],
                order=[('period_start', 'DESC')], limit=1)
            return reports[0].period_start if reports else None

        def daily_due(day):
            "ANA-04: the day after, or the next working day with the option"
            if config['daily_report_working_day']:
                try:
                    return Calendar.next_working_day(day)
                except CalendarMissingYearError:
                    pass
            return day + dt.timedelta(days=1)
        missed = []
        last = newest('daily')
        if last:
            day = max(last + dt.timedelta(days=1), oldest)
            while day < today and daily_due(day) <= today:
                missed.append(('daily', day, day))
                day += dt.timedelta(days=1)
        last = newest('weekly')
        if last:
            monday = max(last + dt.timedelta(weeks=1),
                oldest - dt.timedelta(days=oldest.weekday()))
            # ANA-05: due from the Tuesday after the week
            while monday + dt.timedelta(days=8) <= today:
                missed.append(
                    ('weekly', monday, monday + dt.timedelta(days=6)))
                monday += dt.timedelta(weeks=1)
        last = newest('monthly')
        if last:
            first = max(month_after(last), oldest.replace(day=1))
            # ANA-06: due from the first day of the month after
            while month_after(first) <= today:
                missed.append(('monthly', first,
                        month_after(first) - dt.timedelta(days=1)))
                first = month_after(first)
        due = set(cls.due_periods(now) if due is None else due)
        return [p for p in missed if p not in due]

    @classmethod
    def generate_due(cls):
        """Generate and send the reports due now, and those a cron that did
        not run missed (missed_periods), that do not exist yet (cron).
        Run twice, it makes nothing the second time."""
        reports = []
        now = clock.now()
        due = cls.due_periods(now)
        for kind, start, end in cls.missed_periods(now, due=due) + due:
            if not cls.search([('kind', '=', kind),
                        ('period_start', '=', start),
                        ('period_end', '=', end)], limit=1):
                reports.append(cls.generate(kind, start, end))
        if reports:
            cls.send(reports)
        return reports

    # --- content ----------------------------------------------------------

    @classmethod
    def _bounds(cls, start, end):
        "The naive UTC bounds [from, to) of the local days start..end."
        Calendar = Pool().get('sushi.calendar')
        return (Calendar.local_datetime(start, dt.time()),
            Calendar.local_datetime(end + dt.timedelta(days=1), dt.time()))

    @classmethod
    def _counts(cls, begin, finish, column):
        "{value: tickets received in [begin, finish)} by a ticket column."
        Ticket = Pool().get('sushi.ticket')
        t = Ticket.__table__()
        with replica_cursor() as cursor:  # the standby when configured
            cursor.execute(*t.select(getattr(t, column), Count(t.id),
                    where=(t.received_at >= begin) & (t.received_at < finish)
                    & (t.state != 'draft'),
                    group_by=[getattr(t, column)]))
            return dict(cursor)

    @classmethod
    def _names(cls, model, ids):
        Model = Pool().get(model)
        ids = [i for i in ids if i]
        return {r.id: r.rec_name for r in Model.browse(ids)}

    @classmethod
    def collect(cls, kind, start, end):
        """Return the data of a report of kind on the local days
        start..end: totals and changes, breakdowns, hot words, clusters,
        blocking issues and, monthly, the periodic issues of next month."""
        pool = Pool()
        Trend = pool.get('sushi.analysis.trend')
        Cluster = pool.get('sushi.analysis.cluster')
        Ticket = pool.get('sushi.ticket')
        begin, finish = cls._bounds(start, end)
        length = finish - begin
        data = {'kind': kind, 'start': start, 'end': end}
        by_region = cls._counts(begin, finish, 'region')
        before = cls._counts(begin - length, begin, 'region')
        regions = cls._names('sushi.unit', list(by_region) + list(before))
        data['total'] = sum(by_region.values())
        data['previous_total'] = sum(before.values())
        data['regions'] = sorted(((regions.get(r, '—'), c,
                    before.get(r, 0)) for r, c in by_region.items()),
            key=lambda r: (-r[1], r[0]))
        by_category = cls._counts(begin, finish, 'category')
        categories = cls._names('sushi.category', list(by_category))
        data['categories'] = sorted(((categories.get(c, '—'), n)
                for c, n in by_category.items()), key=lambda r: (-r[1], r[0]))
        by_type = cls._counts(begin, finish, 'request_type')
        types = dict(Ticket.fields_get(['request_type'])['request_type'][
                'selection'])
        data['types'] = sorted(((types.get(k, k or '—'), n)
                for k, n in by_type.items()), key=lambda r: (-r[1], r[0]))
        by_channel = cls._counts(begin, finish, 'channel')
        channels = cls._names('sushi.channel', list(by_channel))
        data['channels'] = sorted(((channels.get(c, '—'), n)
                for c, n in by_channel.items()), key=lambda r: (-r[1], r[0]))
        data['region_bars'] = _bars([(r[0], r[1]) for r in data['regions']])
        data['category_bars'] = _bars(data['categories'][:12])
        # ANA-04 hot words, overall and by region
        hot = Trend.hot_words(begin, finish)
        data['hot_words'] = hot
        hot_regions = Trend.hot_words(begin, finish, group='region', limit=3)
        names = cls._names('sushi.unit', [w['group'] for w in hot_regions])
        data['hot_by_region'] = [dict(w, group_name=names.get(w['group'],
                    '—')) for w in hot_regions]
        # 多人一投 / 一人多投 active in the period
        data['clusters'] = [c for c in Cluster.active_clusters(since=begin)
            if c.first_at < finish]
        data['blocking'] = (Cluster.blocking_clusters(end)
            if kind in {'monthly', 'special'} else [])
        data['periodic'] = []
        if kind == 'monthly':
            next_month = (end + dt.timedelta(days=1)).replace(day=1)
            data['next_month'] = next_month
            data['periodic'] = Trend.periodic_issues(next_month)
        if kind == 'emergency':
            data['emergencies'] = Ticket.search([
                    ('received_at', '>=', begin),
                    ('received_at', '<', finish),
                    ('state', '=', 'transferred'),
                    ], order=[('received_at', 'ASC')])
        else:
            data['emergencies'] = []
        return data

    @classmethod
    def sections_of(cls, data):
        """Return the sections [dict(title, body, unit)] of a report: one
        per cluster and blocking issue, tagged to its responsible units,
        and one per hot word of a region, tagged to that region."""
        sections = []
        for cluster in data['clusters']:
            body = gettext('sushi_analysis.msg_section_cluster',
                kind=cluster.kind_string, name=cluster.name,
                tickets=cluster.ticket_count,
                requesters=cluster.requester_count,
                open=cluster.open_count)
            for unit in cluster.units or [None]:
                sections.append({'title': cluster.name, 'body': body,
                        'unit': unit.id if unit else None})
        for cluster in data['blocking']:
            body = gettext('sushi_analysis.msg_section_blocking',
                name=cluster.name,
                # the Suzhou date, not the UTC one (a day early before 08:00)
                first=Pool().get('sushi.calendar').to_local(
                    cluster.first_at).date().isoformat(),
                open=cluster.open_count)
            for unit in cluster.units or [None]:
                sections.append({'title': cluster.name, 'body': body,
                        'unit': unit.id if unit else None})
        for word in data['hot_by_region']:
            sections.append({'title': word['word'],
                    'body': gettext('sushi_analysis.msg_section_hot_word',
                        word=word['word'], region=word['group_name'],
                        count=word['count'], baseline=word['baseline']),
                    'unit': word['group']})
        return sections

    @classmethod
    def render_document(cls, title, data, sections):
        "Return the print-ready HTML document (UTF-8 bytes)."
        template = _loader.load('report.html')
        stream = template.generate(title=title, data=data,
            sections=sections, units=cls._names('sushi.unit',
                {s['unit'] for s in sections}))
        return stream.render('html', doctype='html5', encoding='utf-8')

    @classmethod
    def render_spreadsheet(cls, title, data):
        "Return the Excel workbook of the report's tables."
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {'in_memory': True})
        bold = book.add_format({'bold': True, 'bg_color': '#DDEBF7',
                'border': 1})
        number = book.add_format({'num_format': '#,##0'})
        decimal = book.add_format({'num_format': '0.00'})
        tables = [
            (gettext('sushi_analysis.msg_sheet_regions'),
                [gettext('sushi_analysis.msg_col_region'),
                    gettext('sushi_analysis.msg_col_requests'),
                    gettext('sushi_analysis.msg_col_previous')],
                [list(r) for r in data['regions']], [None, number, number]),
            (gettext('sushi_analysis.msg_sheet_categories'),
                [gettext('sushi_analysis.msg_col_category'),
                    gettext('sushi_analysis.msg_col_requests')],
                [list(r) for r in data['categories']], [None, number]),
            (gettext('sushi_analysis.msg_sheet_channels'),
                [gettext('sushi_analysis.msg_col_channel'),
                    gettext('sushi_analysis.msg_col_requests')],
                [list(r) for r in data['channels']], [None, number]),
            (gettext('sushi_analysis.msg_sheet_hot_words'),
                [gettext('sushi_analysis.msg_col_word'),
                    gettext('sushi_analysis.msg_col_requests'),
                    gettext('sushi_analysis.msg_col_baseline'),
                    gettext('sushi_analysis.msg_col_score')],
                [[w['word'], w['count'], w['baseline'], w['score']]
                    for w in data['hot_words']],
                [None, number, number, decimal]),
            (gettext('sushi_analysis.msg_sheet_clusters'),
                [gettext('sushi_analysis.msg_col_matter'),
                    gettext('sushi_analysis.msg_col_kind'),
                    gettext('sushi_analysis.msg_col_requests'),
                    gettext('sushi_analysis.msg_col_requesters'),
                    gettext('sushi_analysis.msg_col_open'),
                    gettext('sushi_analysis.msg_col_units')],
                [[c.name, c.kind_string, c.ticket_count, c.requester_count,
                        c.open_count, '、'.join(u.name for u in c.units)]
                    for c in data['clusters']],
                [None, None, number, number, number, None]),
            ]
        for name, header, rows, formats in tables:
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, header, bold)
            sheet.freeze_panes(1, 0)
            for i, row in enumerate(rows, 1):
                for j, value in enumerate(row):
                    sheet.write(i, j, value, formats[j])
            sheet.set_column(0, 0, 24)
            sheet.set_column(1, len(header) - 1, 12)
            if rows and len(header) >= 2 and formats[1] is number:
                chart = book.add_chart({'type': 'bar'})
                chart.add_series({
                        'name': header[1],
                        'categories': [sheet.name, 1, 0, min(len(rows), 15), 0],
                        'values': [sheet.name, 1, 1, min(len(rows), 15), 1],
                        })
                chart.set_legend({'none': True})
                sheet.insert_chart(1, len(header) + 1, chart)
        book.close()
        return output.getvalue()

    @classmethod
    def generate(cls, kind, start, end):
        """Generate the report of kind on the local days start..end: its
        sections tagged to units, its document and its workbook."""
        Configuration = Pool().get('ir.configuration')
        # reports read in the platform's language, whoever runs the cron
        with Transaction().set_context(
                language=Configuration.get_language()):
            return cls._generate(kind, start, end)

    @classmethod
    def _generate(cls, kind, start, end):
        Section = Pool().get('sushi.analysis.report.section')
        title = gettext('sushi_analysis.msg_report_title',
            kind=gettext('sushi_analysis.msg_kind_%s' % kind),
            start=start.isoformat(), end=end.isoformat())
        data = cls.collect(kind, start, end)
        sections = cls.sections_of(data)
        data['summary'] = gettext('sushi_analysis.msg_report_summary',
            total=data['total'], previous=data['previous_total'],
            clusters=len(data['clusters']),
            hot='、'.join(w['word'] for w in data['hot_words'][:5]) or '—')
        stamp = '%s_%s_%s' % (kind, start.isoformat(), end.isoformat())
        report, = cls.create([{
                    'title': title,
                    'kind': kind,
                    'period_start': start,
                    'period_end': end,
                    'state': 'generated',
                    'generated_at': clock.now(),
                    'ticket_count': data['total'],
                    'summary': data['summary'],
                    'document': cls.render_document(title, data, sections),
                    'document_name': '%s.html' % stamp,
                    'spreadsheet': cls.render_spreadsheet(title, data),
                    'spreadsheet_name': '%s.xlsx' % stamp,
                    }])
        Section.create([dict(s, report=report.id, sequence=i)
                for i, s in enumerate(sections, 1)])
        return report

    # --- delivery ---------------------------------------------------------

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def send(cls, reports):
        """Deliver reports (ANA-03..07): each tagged unit's staff get a
        notice in the client and an e-mail with their sections; the city
        leaders and analysts get the whole document by e-mail."""
        pool = Pool()
        Notification = pool.get('sushi.notification')
        notices = []
        for report in reports:
            by_unit = defaultdict(list)
            for section in report.sections:
                if section.unit:
                    by_unit[section.unit.id].append(section.body)
            for unit, bodies in by_unit.items():
                notices.append((unit, report.title, '；'.join(bodies),
                        cls.__name__, [report.id]))
        if notices:
            Notification.notify_units(notices)
        Configuration = pool.get('sushi.configuration')
        to_leaders = Configuration.get_values()['daily_report_to_leaders']
        if config.getboolean('sushi', 'email_notifications', default=True):
            for report in reports:
                # D-24: the daily report goes to unit heads; leaders only
                # when configured
                leaders = cls._leader_addresses(
                    report.kind != 'daily' or to_leaders)
                for email, name in leaders:
                    cls._mail_document(report, email, name)
        cls.write(list(reports), {'sent_at': clock.now()})

    @classmethod
    def _leader_addresses(cls, leaders=True):
        "(e-mail, name) of the analysts and the city leaders (ANA-03)."
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        groups = [ModelData.get_id('sushi_ticket', 'group_sushi_analyst')]
        if leaders:
            groups.append(ModelData.get_id(
                    'sushi_ticket', 'group_sushi_city_leader'))
        with without_check_access():
            users = User.search([('groups', 'in', groups),
                    ('email', '!=', None)])
        return sorted({(u.email, u.name) for u in users})

    @classmethod
    def _mail_document(cls, report, email, name):
        from email.utils import formataddr
        message = EmailMessage()
        message['From'] = config.get('email', 'from')
        message['To'] = formataddr((name, email))
        message['Subject'] = '[宿事速办] %s' % report.title
        message.set_content((report.summary or '') + '\n')
        message.add_attachment(bytes(report.document), maintype='text',
            subtype='html', filename=report.document_name)
        message.add_attachment(bytes(report.spreadsheet),
            maintype='application',
            subtype='vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            filename=report.spreadsheet_name)
        send_message_transactional(message)


class ReportSection(ModelSQL, ModelView):
    "Analysis Report Section"
    __name__ = 'sushi.analysis.report.section'
    report = fields.Many2One('sushi.analysis.report', "Report",
        required=True, ondelete='CASCADE', readonly=True)
    sequence = fields.Integer("Sequence", readonly=True)
    title = fields.Char("Title", readonly=True)
    body = fields.Text("Text", readonly=True)
    unit = fields.Many2One('sushi.unit', "Responsible Unit", readonly=True,
        help="The unit whose head is asked to act on this part (ANA-09).")
    report_kind = fields.Function(fields.Selection(KINDS, "Report Kind"),
        'on_change_with_report_kind')
    period_end = fields.Function(fields.Date("Period End"),
        'on_change_with_period_end')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('report', 'DESC'), ('sequence', 'ASC'),
            ('id', 'ASC')]

    @fields.depends('report', '_parent_report.kind')
    def on_change_with_report_kind(self, name=None):
        return self.report.kind if self.report else None

    @fields.depends('report', '_parent_report.period_end')
    def on_change_with_period_end(self, name=None):
        return self.report.period_end if self.report else None


class GenerateStart(ModelView):
    "Generate Analysis Report"
    __name__ = 'sushi.analysis.report.generate.start'
    kind = fields.Selection(KINDS, "Kind", required=True)
    period_start = fields.Date("From", required=True)
    period_end = fields.Date("To", required=True,
        domain=[('period_end', '>=', Eval('period_start'))])

    @classmethod
    def default_kind(cls):
        return 'special'

    @classmethod
    def default_period_start(cls):
        return local_today().replace(day=1)

    @classmethod
    def default_period_end(cls):
        return local_today()


class Generate(Wizard):
    """Generate a report out of schedule: the special report on blocking
    issues (ANA-07) and the immediate emergency report (ANA-08) are made
    when circumstances require."""
    __name__ = 'sushi.analysis.report.generate'
    start = StateView('sushi.analysis.report.generate.start',
        'sushi_analysis.report_generate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateAction('sushi_analysis.act_report')

    def do_generate(self, action):
        Report = Pool().get('sushi.analysis.report')
        report = Report.generate(self.start.kind, self.start.period_start,
            self.start.period_end)
        return action, {'res_id': [report.id]}
