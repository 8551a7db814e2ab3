# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The organisation rules as the platform represents them: the brand and
its one line with eight ends (ORG-01), the leading group and its Office
(ORG-03, ORG-04), intake at any hour (ORG-05), every tier a handling unit
(ORG-12) and the programme's tasks (ORG-17).  Expected values are read
from the seed (附件1, 附件2 一 and 二, Plan 三)."""
import datetime as dt
import os
import unittest
from collections import Counter

import polib

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..exceptions import DispatchError
from .test_ticket import write_reply
from .tools import (
    DBTestCase, as_local, at, create_ticket, dispatch_ticket, local,
    redispatch, setup_network)

LOCALE = os.path.join(os.path.dirname(__file__), '..', 'locale',
    'zh_CN.po')


def translated(msgctxt):
    "The Chinese text of the string with this context in zh_CN.po."
    entry, = [e for e in polib.pofile(LOCALE) if e.msgctxt == msgctxt]
    return entry.msgstr


class RulesOrganisationTestCase(DBTestCase, unittest.TestCase):
    "ORG-01, ORG-03, ORG-04, ORG-05, ORG-12, ORG-17"

    def test_org01_brand_in_the_labels(self):
        """ORG-01: the menu the staff open is 宿事速办, and every SMS to a
        requester is signed 【宿事速办】"""
        self.assertEqual(translated('model:ir.ui.menu,name:menu_hotline'),
            '宿事速办')
        for message in ['msg_sms_intake', 'msg_sms_rating',
                'msg_sms_extension']:
            text = translated(f'model:ir.message,text:{message}')
            self.assertTrue(text.endswith('【宿事速办】'), message)

    @with_transaction()
    def test_org01_one_line_eight_ends(self):
        """ORG-01, 附件2 一: one line (the 12345 hotline, by voice) and
        eight ends: 市长信箱, 市统一互动交流平台, 政务服务网宿州分厅,
        皖事通APP, 宿州发布微信微博, 讯宿办微信小程序, 人民网市长留言板 and
        the 四送一服 platform; the other channels are internal sources"""
        Channel = Pool().get('sushi.channel')
        channels = Channel.search([('kind', '!=', 'internal')])
        lines = [c.name for c in channels if c.kind == 'voice']
        ends = sorted(c.name for c in channels if c.kind != 'voice')
        self.assertEqual(lines, ['12345政务服务便民热线'])
        self.assertEqual(ends, sorted([
                    '市长信箱', '市统一互动交流平台', '政务服务网宿州分厅',
                    '皖事通APP', '宿州发布微信微博', '讯宿办微信小程序',
                    '人民网市长留言板', '“四送一服”平台']))

    @with_transaction()
    def test_org03_leading_group(self):
        """ORG-03, 附件1: one group leader (市委常委、副市长), two deputy
        leaders, both deputy secretaries-general of the city government,
        one of them director of its office, and 49 member posts, one from
        each of 49 units; 46 of them are handling units, three are not
        assessed (ORG-16, D-22): 市农机局, 市招商引资项目服务中心 and
        人行宿州市中心支行.  Posts only: the records have no field for a
        person"""
        Post = Pool().get('sushi.leading_group.post')
        posts = Post.search([])
        roles = Counter(p.role for p in posts)
        self.assertEqual((roles['leader'], roles['deputy'], roles['member']),
            (1, 2, 49))
        leader, = [p for p in posts if p.role == 'leader']
        self.assertEqual(leader.post, '市委常委、副市长')
        deputies = [p.post for p in posts if p.role == 'deputy']
        self.assertTrue(all('市政府副秘书长' in p for p in deputies))
        self.assertEqual(
            sum('市政府办公室主任' in p for p in deputies), 1)
        members = [p for p in posts if p.role == 'member']
        self.assertEqual(len({p.unit_name for p in members}), 49)
        self.assertEqual(sorted(p.unit_name for p in members
                if not p.unit), sorted(
                ['市农机局', '市招商引资项目服务中心', '人行宿州市中心支行']))
        # the leading-group names map to the assessed units (ORG-16)
        by_name = {p.unit_name: p.unit.name for p in members if p.unit}
        self.assertEqual(by_name['市教育体育局'], '市教体局')
        self.assertEqual(by_name['市住房公积金管理中心'], '市公积金中心')
        self.assertEqual(by_name['宿州银保监分局'], '市银保监分局')
        self.assertEqual(by_name['市广播电视台'], '市广播电视台')
        self.assertFalse({'name', 'person', 'phone'} & set(Post._fields))

    @with_transaction()
    def test_org04_the_office(self):
        """ORG-04, ORG-08: the leading group office is the one tier-1
        unit, above every tier-2 unit; it sits in 市政务服务局, whose head is
        its director; its two deputy directors come from 市政务服务局 and
        市数据资源局"""
        pool = Pool()
        Unit = pool.get('sushi.unit')
        Post = pool.get('sushi.leading_group.post')
        office, = Unit.search([('tier', '=', '1')])
        self.assertEqual(office.name, '宿事速办工作领导小组办公室')
        self.assertEqual(office.kind, 'platform')
        self.assertEqual({u.parent for u in Unit.search(
                        [('tier', '=', '2')])}, {office})
        director, = Post.search([('role', '=', 'office_director')])
        self.assertEqual(director.unit.name, '市政务服务局')
        self.assertIn('局长', director.post)
        deputies = Post.search([('role', '=', 'office_deputy')])
        self.assertEqual(sorted(p.unit.name for p in deputies),
            sorted(['市政务服务局', '市数据资源局']))

    @with_transaction()
    def test_org05_intake_at_any_hour(self):
        """ORG-05: requests are accepted 7×24: at 3:00 on Sunday 2 March
        2025 and at 0:30 on the first day of the 2025 Spring Festival
        (Wednesday 29 January, a public holiday), each numbered by its
        Suzhou date; an emergency is not handled as a work order but
        transferred (non-emergency platform)"""
        Ticket = Pool().get('sushi.ticket')
        for when, day in [((2025, 3, 2, 3), '20250302'),
                ((2025, 1, 29, 0, 30), '20250129')]:
            with at(*when):
                ticket = create_ticket(received_at=local(*when))
                Ticket.accept([ticket])
            self.assertEqual(ticket.state, 'accepted')
            self.assertEqual(ticket.received_at, local(*when))
            self.assertTrue(ticket.number.startswith(day), ticket.number)
        with at(2025, 1, 29, 1):
            fire = create_ticket(description='楼道里着火了')
            fire.emergency_number = '119'
            fire.save()
            Ticket.transfer_emergency([fire])
        self.assertEqual(fire.state, 'transferred')
        self.assertFalse(fire.assignments)

    @with_transaction()
    def test_org12_every_tier_handles_orders(self):
        """ORG-12, ORG-10, ORG-11: a county, a park, a city department and
        a public-service enterprise (tier 2) each take, sign and answer a
        work order; a town (tier 3) takes one from its county and, with
        the default setting, from the platform directly; the Office (tier
        1) answers at first contact and is never a handling unit of a
        dispatched order.  A complaint dispatched on Monday 3 March 2025
        at 9:00 is due on Wednesday 12 March 17:30 whoever handles it"""
        pool = Pool()
        Unit = pool.get('sushi.unit')
        Assignment = pool.get('sushi.ticket.assignment')
        Reply = pool.get('sushi.ticket.reply')
        Leader = pool.get('sushi.unit.leader')
        User = pool.get('res.user')
        ns = setup_network()
        park, = Unit.search([('code', '=', 'suma_park')])
        grid, = Unit.search([('code', '=', 'state_grid_suzhou')])
        units = [ns.county, park, ns.city, grid, ns.town]
        self.assertEqual([(u.tier, u.kind) for u in units], [
                ('2', 'county'), ('2', 'park'), ('2', 'department'),
                ('2', 'enterprise'), ('3', 'town')])
        for unit in units:
            User.write([ns.handler], {'sushi_units': [('add', [unit.id])]})
            if not Leader.search([('unit', '=', unit.id),
                        ('user', '=', ns.leader.id)]):
                Leader.create([{'unit': unit.id, 'user': ns.leader.id,
                            'role': 'deputy_in_charge'}])
        for unit in units:
            with self.subTest(unit=unit.name):
                ticket = create_ticket()
                with at(2025, 3, 3, 9):
                    assignment, = dispatch_ticket(ticket, unit,
                        basis='属地管理')
                self.assertEqual(as_local(assignment.due_at),
                    dt.datetime(2025, 3, 12, 17, 30))
                with at(2025, 3, 3, 10), Transaction().set_user(
                        ns.handler.id):
                    Assignment.sign([assignment])
                with at(2025, 3, 5, 15), Transaction().set_user(
                        ns.handler.id):
                    reply = write_reply(assignment)
                    Reply.request_sign_off([reply])
                with at(2025, 3, 5, 16), Transaction().set_user(
                        ns.leader.id):
                    Reply.sign_off([reply])
                self.assertEqual((assignment.state, reply.state),
                    ('replied', 'submitted'))
        # the county passes one on to its town
        ticket = create_ticket()
        with at(2025, 3, 3, 9):
            county, = dispatch_ticket(ticket, ns.county, basis='属地管理')
        with at(2025, 3, 3, 10), Transaction().set_user(ns.handler.id):
            Assignment.sign([county])
            town, = redispatch(county, ns.town, '请符离镇核实处理')
        self.assertEqual((town.unit, town.parent), (ns.town, county))
        # the Office answers at first contact; it takes no dispatched order
        office, = Unit.search([('tier', '=', '1')])
        with self.assertRaises(DispatchError):
            with at(2025, 3, 3, 9):
                dispatch_ticket(create_ticket(), office)

    @with_transaction()
    def test_org17_programme_tasks(self):
        """ORG-17, Plan 三: the nine tasks of 三(一) to 三(六) with their
        lead departments, e.g. supervision (三(六)1) led by six: 市政务服务局,
        市政府办公室, 市委督查办, 市人大常委会办公室, 市政协办公室 and
        市委组织部; and the support measures of 四: 市财政局 funds the
        platform"""
        Task = Pool().get('sushi.programme.task')
        tasks = {t.section: t.lead_departments.split('、')
            for t in Task.search([]) if t.section.startswith('三')}
        self.assertEqual(set(tasks), {'三(一)', '三(二)', '三(三)', '三(四)',
                '三(五)', '三(六)1', '三(六)2', '三(六)3', '三(六)4'})
        self.assertEqual(tasks['三(一)'], ['市政府办公室', '市政务服务局'])
        self.assertEqual(tasks['三(二)'], ['市政务服务局', '市数据资源局'])
        for section in ['三(三)', '三(四)', '三(五)']:
            self.assertEqual(tasks[section], ['市政务服务局'])
        self.assertEqual(tasks['三(六)1'], ['市政务服务局', '市政府办公室',
                '市委督查办', '市人大常委会办公室', '市政协办公室', '市委组织部'])
        self.assertEqual(tasks['三(六)3'], ['市纪委监委', '市委宣传部',
                '市委督查办', '市政府办公室', '市政务服务局'])
        self.assertEqual(tasks['三(六)4'], ['市政务服务局', '市政府办公室'])
        self.assertIn(['市财政局'], [t.lead_departments.split('、')
                for t in Task.search([('section', '=', '四(三)')])])
