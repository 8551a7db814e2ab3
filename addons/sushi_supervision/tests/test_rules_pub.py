# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PUB-06 on supervision cases: a case's content is the title of its
order as the confirmed candidate copies it (number and title), or the
officer's summary of its orders; who reads the requesters masked (city
leaders, analysts) reads and searches it masked as the order's title,
on every path: read, search_read, nested reads, exports, the search bar,
a relation searched by text, and the monthly report (SUP-10) that goes
to the city leaders, printed and as a workbook."""
import datetime as dt
import io
import json
import unittest
import zipfile
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.modules.sushi_ticket.exceptions import ValueCheckError
from trytond.modules.sushi_ticket.tests.test_rights import as_user
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, create_ticket, dispatch_ticket, local, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .. import report as report_module

NAME = '钱多多'
PHONE = '13905570002'
OTHER_NAME = '孙小美'
OTHER_PHONE = '13905570003'
TITLE = f'{NAME}反映{PHONE}门前夜间施工噪音扰民'
# what the mask leaves of TITLE (PUB-06: the requester's name 某某, a run
# of 7 digits or more ****)
SHOWN = '某某反映****门前夜间施工噪音扰民'
SUMMARY = f'{NAME}、{OTHER_NAME}等反映门前夜间施工噪音扰民'
SUMMARY_SHOWN = '某某、某某等反映门前夜间施工噪音扰民'


def call(Model, method, *args):
    """A call from the client: converted, checked and decorated as the
    RPC dispatcher does (the search of masked texts as shown)."""
    rpc = Model.__rpc__[method]
    args, kwargs, context, _ = rpc.convert(Model, *args, {})
    with Transaction().set_context(context):
        return rpc.result(
            rpc.decorate(getattr(Model, method))(*args, **kwargs))


class RulesPublicSupervisionTestCase(DBTestCase, unittest.TestCase):
    "PUB-06 on supervision cases"
    module = 'sushi_supervision'

    def cases(self):
        """A case confirmed from a candidate on an order titled with its
        requester's name and phone, and a case of two orders whose
        content names both requesters; registered in March 2025."""
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Candidate = pool.get('sushi.supervision.candidate')
        ns = setup_network()
        tickets = []
        for name, phone, title in [(NAME, PHONE, TITLE),
                (OTHER_NAME, OTHER_PHONE, '门前夜间施工噪音扰民')]:
            ticket = create_ticket(requester_name=name,
                requester_phone=phone, title=title)
            with at(2025, 3, 3, 9):
                dispatch_ticket(ticket, ns.county, basis='属地管理')
            tickets.append(ticket)
        first, second = tickets
        # what the officer's confirmation makes of the candidate
        values = Candidate(ticket=first, knowledge_request=None,
            level='L1', trigger='l1_not_handled', unit=ns.county
            ).case_values()
        values.update({'registered_on': dt.date(2025, 3, 13),
                'deadline': local(2025, 3, 18, 17, 30),
                'instructions': '三个工作日内处理并回复诉求人'})
        copied, summary = Supervision.create([values, {
                    'level': 'L1', 'trigger': 'l1_not_handled',
                    'tickets': [('add', [first.id, second.id])],
                    'lead_unit': ns.county.id,
                    'registered_on': dt.date(2025, 3, 13),
                    'deadline': local(2025, 3, 18, 17, 30),
                    'instructions': '三个工作日内处理并回复诉求人',
                    'content': SUMMARY}])
        self.assertEqual(copied.content, f'{first.number} {TITLE}')
        with at(2025, 3, 13, 10):
            Supervision.register([copied, summary])
        return ns, first, copied, summary

    def assertMasked(self, answer, shown=(SHOWN,)):
        text = json.dumps(answer, ensure_ascii=False)
        for hidden in [NAME, OTHER_NAME, PHONE, OTHER_PHONE]:
            self.assertNotIn(hidden, text)
        for part in shown:
            self.assertIn(part, text)

    @with_transaction()
    def test_pub06_case_content_masked_on_every_path(self):
        """PUB-06: a city leader and an analyst read a case's content, the
        order's title copied, as they read the title: the requester's
        name and phone masked — on read, search_read, a nested read and
        export from the order, export_data and export_data_domain; the
        supervisor reads it whole"""
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Ticket = pool.get('sushi.ticket')
        ns, ticket, copied, summary = self.cases()
        ids = [copied.id, summary.id]
        for user in [ns.city_leader, ns.analyst]:
            with as_user(user):
                answers = {
                    'read': call(Supervision, 'read', ids,
                        ['content', 'rec_name']),
                    'search_read': call(Supervision, 'search_read',
                        [('id', 'in', ids)], 0, None, None, ['content']),
                    'export': call(Supervision, 'export_data', ids,
                        ['number', 'content'], True),
                    'export_domain': call(Supervision,
                        'export_data_domain', [('id', 'in', ids)],
                        ['content'], 0, None, None, False),
                    'nested': call(Ticket, 'read', [ticket.id],
                        ['supervisions.content', 'title']),
                    'nested export': call(Ticket, 'export_data',
                        [ticket.id], ['number', 'supervisions/content'],
                        False),
                    }
            for name, answer in answers.items():
                with self.subTest(user=user.login, call=name):
                    self.assertMasked(answer)
            with as_user(user):
                rows = call(Supervision, 'read', ids, ['content'])
            self.assertEqual({r['id']: r['content'] for r in rows}, {
                    copied.id: '**** ' + SHOWN,
                    summary.id: SUMMARY_SHOWN})
        with as_user(ns.supervisor):
            rows = call(Supervision, 'read', ids, ['content'])
        self.assertEqual({r['id']: r['content'] for r in rows}, {
                copied.id: f'{ticket.number} {TITLE}',
                summary.id: SUMMARY})

    @with_transaction()
    def test_pub06_case_content_searched_as_shown(self):
        """PUB-06: a city leader's or analyst's search of the cases'
        content matches what they read, not what the mask hides: by the
        requesters' names (also the second order's requester in a case
        of two), four digits of the phone, the whole text, the search bar
        (rec_name), an opinion's case searched by text; a run of 5
        digits and an order by the content are refused. The supervisor
        searches the whole text"""
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Opinion = pool.get('sushi.supervision.opinion')
        ns, ticket, copied, summary = self.cases()
        opinion, = Opinion.create([{'supervision': summary.id,
                    'unit': ns.county.id, 'text': '请于3月25日前反馈',
                    'deadline': local(2025, 3, 25, 17, 30)}])
        # (domain, the case it finds on the whole text)
        hidden = [
            (('content', 'like', f'%{NAME}%'), summary),
            (('content', 'like', f'%{OTHER_NAME}%'), summary),
            (('content', 'like', '%1390%'), copied),
            (('content', '=', SUMMARY), summary),
            (('content', 'in', [SUMMARY]), summary),
            (('rec_name', 'ilike', f'%{NAME}反映%'), copied),
            (('rec_name', 'ilike', f'%{OTHER_NAME}等%'), summary),
            ]
        shown = [
            (('content', 'like', '%某某、某某等反映%'), summary),
            (('content', '=', SUMMARY_SHOWN), summary),
            (('content', 'like', '%某某反映****门前%'), copied),
            (('rec_name', 'ilike', '%门前夜间施工%'), summary),
            (('content', 'not like', f'%{OTHER_NAME}%'), summary),
            ]
        for user in [ns.city_leader, ns.analyst]:
            with as_user(user):
                for (domain, case), found in [(h, []) for h in hidden] + [
                        (s, True) for s in shown]:
                    with self.subTest(user=user.login, domain=domain):
                        self.assertEqual(call(Supervision, 'search',
                                [('id', '=', case.id), domain],
                                0, None, None), [case.id] if found else [])
                self.assertEqual(call(Opinion, 'search',
                        [('supervision', 'ilike', f'%{OTHER_NAME}%')],
                        0, None, None), [])
                self.assertEqual(call(Opinion, 'search',
                        [('supervision', 'ilike', '%某某、某某%')],
                        0, None, None), [opinion.id])
                with self.assertRaises(AccessError):
                    call(Supervision, 'search',
                        [('content', 'like', '%05570%')], 0, None, None)
                with self.assertRaises(ValueCheckError):
                    call(Supervision, 'search', [], 0, None,
                        [('content', 'ASC')])
        with as_user(ns.supervisor):
            for domain, case in hidden:
                with self.subTest(user='supervisor', domain=domain):
                    self.assertEqual(call(Supervision, 'search',
                            [('id', '=', case.id), domain],
                            0, None, None), [case.id])

    @with_transaction()
    def test_pub06_sup10_monthly_report_masked(self):
        """SUP-10, PUB-06: the monthly report goes to the city leaders,
        who read the requesters masked: its printout and its workbook
        (made by the cron) list the cases' contents masked"""
        pool = Pool()
        Report = pool.get('sushi.supervision.report')
        Spreadsheet = pool.get('sushi.supervision.report.xlsx',
            type='report')
        Document = pool.get('sushi.supervision.report.document',
            type='report')
        ns, ticket, copied, summary = self.cases()
        with patch.object(report_module, 'send_message_transactional'):
            report, = Report.generate_monthly(now=local(2025, 4, 1, 9))
        self.assertEqual(len(report.cases), 2)
        for user in [ns.city_leader, ns.analyst, ns.supervisor]:
            with as_user(user):
                _, document, _, _ = Document.execute([report.id], {})
                _, workbook, _, _ = Spreadsheet.execute([report.id], {})
            if isinstance(document, bytes):
                document = document.decode('utf-8')
            strings = zipfile.ZipFile(io.BytesIO(workbook)).read(
                'xl/sharedStrings.xml').decode('utf-8')
            for name, text in [('document', document),
                    ('workbook', strings)]:
                with self.subTest(user=user.login, report=name):
                    self.assertMasked(text, [SHOWN, SUMMARY_SHOWN])

