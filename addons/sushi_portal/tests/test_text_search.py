# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The long texts (Text fields) of every module found by any part of
them, on PostgreSQL as on SQLite (sushi_ticket's tools.SubstringTextMixin).

Here because sushi_portal's test module set (sushi_supervision and
sushi_assessment added, as SushiPortalTestCase has it) activates every
sushi module: no activation of its own."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.model import ModelStorage
from trytond.modules.sushi_ticket.tests.guard_tools import as_user
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, create_ticket, dispatch_ticket, local, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

# Every Text field the sushi modules declare on a stored model when all of
# them are activated, counted by hand in the sources (97 `fields.Text(`,
# 10 of them on wizards' forms, FactMixin's evidence on two models)
SUSHI_TEXT_FIELDS = 88


class TextSearchTestCase(DBTestCase, unittest.TestCase):
    "Long texts found by a part of them"
    module = 'sushi_portal'
    extras = ['sushi_supervision', 'sushi_assessment']

    def texts(self, ns):
        """One record of each module with long texts, its text a Chinese
        sentence: [(model, field, record, sentence, a part of it in the
        middle, a text it does not hold)]."""
        pool = Pool()
        Reply = pool.get('sushi.ticket.reply')
        Supervision = pool.get('sushi.supervision')
        Topic = pool.get('sushi.consultation.topic')
        Meeting = pool.get('sushi.consultation')
        Period = pool.get('sushi.assessment.period')
        Score = pool.get('sushi.assessment.score')
        Deduction = pool.get('sushi.assessment.deduction')
        Objection = pool.get('sushi.assessment.objection')
        Report = pool.get('sushi.analysis.report')
        Request = pool.get('sushi.knowledge.request')
        Disclosure = pool.get('sushi.portal.disclosure')
        ticket = create_ticket(description='汴河路东段的污水管道破裂，'
            '污水漫到人行道上，行人无法通过。')
        with at(2025, 3, 3, 9):
            assignment, = dispatch_ticket(ticket, ns.county, basis='属地管理')
        reply, = Reply.create([{'assignment': assignment.id,
                    'content': '经现场核查，已安排施工队更换破损的排水管道'
                    '并清理路面。'}])
        case, = Supervision.create([{'level': 'routine',
                    'trigger': 'scope_other', 'lead_unit': ns.county.id,
                    'content': '请埇桥区于三个工作日内落实汴河路积水整改'
                    '并书面反馈。'}])
        topic, = Topic.create([{'title': '汴河路片区排水管网',
                    'source': 'unit_proposal', 'proposing_unit': ns.county.id,
                    'suggested_lead': ns.county.id}])
        meeting, = Meeting.create([{'topic': topic.id,
                    'proceedings': '会议逐项研究了片区排水管网权属不清的'
                    '问题，明确由区住建局牵头改造。'}])
        # a published March whose deduction 埇桥区 objects to
        period = Period.get_or_create('month', dt.date(2025, 3, 1))
        score, = Score.create([{'period': period.id, 'unit': ns.county.id,
                    'item': 'D2.2', 'component': 'daily'}])
        deduction, = Deduction.create([{'score': score.id,
                    'kind': 'red_card', 'amount': Decimal(1)}])
        Period.write([period], {'state': 'published',
                'published_at': local(2025, 4, 3, 9),
                'objection_deadline': local(2025, 4, 10, 17, 30)})
        with at(2025, 4, 8, 10):
            objection, = Objection.create([{'deduction': deduction.id,
                        'reason': '该工单超期系市级平台系统故障导致，'
                        '附系统日志截图为证。'}])
        report, = Report.create([{'kind': 'weekly', 'title': '周报',
                    'period_start': dt.date(2025, 3, 3),
                    'period_end': dt.date(2025, 3, 9),
                    'summary': '本周投诉热点集中在老旧小区停车难和夜间施工'
                    '噪音扰民。'}])
        request, = Request.create([{'subject': '异地就医备案口径',
                    'unit': ns.city.id,
                    'description': '来电群众多次询问异地就医备案后门诊费用'
                    '能否直接结算。'}])
        disclosure, = Disclosure.create([{'ticket': ticket.id,
                    'unit': ns.county.id, 'request_type': 'complaint',
                    'title': '垃圾清运',
                    'request_text': '市民反映银河小区北门垃圾清运不及时，'
                    '气味很大。'}])
        return [
            ('sushi.ticket', 'description', ticket,
                '汴河路东段的污水管道破裂，污水漫到人行道上，行人无法通过。',
                '污水管道破裂', '自来水管道'),
            ('sushi.ticket.reply', 'content', reply,
                '经现场核查，已安排施工队更换破损的排水管道并清理路面。',
                '更换破损的排水管道', '更换路灯'),
            ('sushi.supervision', 'content', case,
                '请埇桥区于三个工作日内落实汴河路积水整改并书面反馈。',
                '汴河路积水整改', '汴河路停电整改'),
            ('sushi.consultation', 'proceedings', meeting,
                '会议逐项研究了片区排水管网权属不清的问题，'
                '明确由区住建局牵头改造。',
                '排水管网权属不清', '供热管网'),
            ('sushi.assessment.objection', 'reason', objection,
                '该工单超期系市级平台系统故障导致，附系统日志截图为证。',
                '市级平台系统故障', '人员不足'),
            ('sushi.analysis.report', 'summary', report,
                '本周投诉热点集中在老旧小区停车难和夜间施工噪音扰民。',
                '夜间施工噪音', '餐饮油烟'),
            ('sushi.knowledge.request', 'description', request,
                '来电群众多次询问异地就医备案后门诊费用能否直接结算。',
                '门诊费用能否直接结算', '住院费用'),
            # PUB-01, PUB-02: the public pages search the disclosed cases'
            # texts with this domain (routes.cases)
            ('sushi.portal.disclosure', 'request_text', disclosure,
                '市民反映银河小区北门垃圾清运不及时，气味很大。',
                '垃圾清运不及时', '垃圾分类'),
            ]

    @with_transaction()
    def test_text_found_by_part(self):
        """Usability, no rule ID (RULES.md has no rule on the staff's
        search bar and filters; the public search of disclosed cases is
        PUB-01/PUB-02's): a long text is found by a part of its middle
        (`ilike '%…%'`, as the client's filters send it) on PostgreSQL as
        on SQLite, not by a text it does not hold; `not ilike` leaves it
        out.  PostgreSQL's full-text search had read the Chinese sentence
        as one word and found nothing."""
        pool = Pool()
        ns = setup_network()
        for model, name, record, sentence, part, absent in self.texts(ns):
            Model = pool.get(model)
            msg = f'{model}.{name}'
            self.assertEqual(getattr(Model(record.id), name), sentence,
                msg=msg)
            self.assertEqual(Model.search([(name, 'ilike', f'%{part}%')]),
                [record], msg=msg)
            self.assertEqual(Model.search([(name, 'ilike', f'%{absent}%')]),
                [], msg=msg)
            self.assertNotIn(record,
                Model.search([(name, 'not ilike', f'%{part}%')]), msg=msg)
        # through the client: the dispatcher's filter on the request
        Ticket = pool.get('sushi.ticket')
        ticket, = Ticket.search([('description', 'ilike', '%污水管道破裂%')])
        with as_user(ns.dispatcher):
            self.assertEqual(
                Ticket.search([('description', 'ilike', '%污水管道破裂%')]),
                [ticket])
            self.assertEqual(
                Ticket.search([('description', 'ilike', '%自来水管道%')]),
                [])

    @with_transaction()
    def test_text_order(self):
        """Usability, no rule ID: a list sorted by a long text is in the
        order of its text, found by a part of it"""
        pool = Pool()
        Request = pool.get('sushi.knowledge.request')
        ns = setup_network()
        second, first, third = Request.create([{
                    'subject': f'电梯停运口径{n}', 'unit': ns.city.id,
                    'description': f'{n}号楼电梯停运后物业多久必须修复。'}
                for n in [2, 1, 3]])
        found = Request.search([('description', 'ilike', '%号楼电梯停运%')],
            order=[('description', 'ASC')])
        self.assertEqual(found, [first, second, third])
        found = Request.search([('description', 'ilike', '%号楼电梯停运%')],
            order=[('description', 'DESC')])
        self.assertEqual(found, [third, second, first])

    @with_transaction()
    def test_no_full_text_search_left(self):
        """Usability, no rule ID: no stored model's Text field of a sushi
        module is searched by PostgreSQL's full-text search (a field added
        later without the guard's base would be)."""
        pool = Pool()
        ModelField = pool.get('ir.model.field')
        checked, left = [], []
        for field in ModelField.search([
                    ('ttype', '=', 'text'), ('module', 'like', 'sushi\\_%')]):
            Model = pool.get(field.model)
            if not issubclass(Model, ModelStorage):
                continue  # a wizard's form: nothing to search
            checked.append(f'{field.model}.{field.name}')
            if Model._fields[field.name].search_full_text:
                left.append(checked[-1])
        self.assertGreaterEqual(len(checked), SUSHI_TEXT_FIELDS)
        self.assertEqual(left, [])
