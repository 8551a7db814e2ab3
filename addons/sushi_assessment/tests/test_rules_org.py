# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ORG-07: one work order through the eight stages of the closed loop,
from an online channel to the month's assessment."""
import datetime as dt
import unittest
from decimal import Decimal as D

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket.tests.test_ticket import write_reply
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, as_local, at, dispatch_ticket, local, setup_network)

from .test_assessment import AssessmentCases


class RulesOrganisationTestCase(DBTestCase, unittest.TestCase):
    "ORG-07"
    module = 'sushi_assessment'

    points = AssessmentCases.points

    @with_transaction()
    def test_org07_closed_loop_eight_stages(self):
        """ORG-07 (附件2 四): 1 多端受理 a request from the 皖事通 app;
        2 归口处置 it is taken into the platform (accepted); 3 按责分办 it
        goes to 埇桥区 on the territorial basis on Monday 3 March 2025 at
        9:00; 4 限时办理 a complaint is due in 7 working days: Wednesday
        12 March 17:30; 5 逐级督办 the Office registers a level-1 case on
        it on Thursday 13 March; 6 回访评价 the reply, signed off by the
        principal leader (supervised order), is accepted and the requester
        is called back, satisfied; 7 办结归档 the good-rated order is
        closed and archived at once; 8 考核问责 March's assessment deducts
        the level-1 case from 埇桥区 (D3.2: 8 − 1 = 7) and counts the
        order's satisfaction (D2.5: 100 % → 10 of 10)"""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Channel = pool.get('sushi.channel')
        Assignment = pool.get('sushi.ticket.assignment')
        Reply = pool.get('sushi.ticket.reply')
        Callback = pool.get('sushi.ticket.callback')
        Supervision = pool.get('sushi.supervision')
        Period = pool.get('sushi.assessment.period')
        ns = setup_network()
        # 1 multi-end intake
        app, = Channel.search([('code', '=', 'wanshitong_app')])
        with at(2025, 3, 3, 8):
            ticket, created = Ticket.submit({
                    'channel': app.id, 'channel_ref': 'WST-20250303-0001',
                    'requester_phone': '13905570000',
                    'requester_name': '王女士',
                    'request_type': 'complaint',
                    'title': '汴河路小区门口积水',
                    'description': '汴河路某小区门口道路积水严重，无法通行。',
                    'address': '埇桥区汴河路88号'})
        self.assertTrue(created)
        self.assertEqual(ticket.channel, app)
        # 2 centralised routing
        Ticket.accept([ticket])
        self.assertEqual(ticket.state, 'accepted')
        # 3 assignment by responsibility
        with at(2025, 3, 3, 9):
            assignment, = dispatch_ticket(ticket, ns.county,
                basis='属地管理')
        self.assertEqual((assignment.unit, assignment.role),
            (ns.county, 'lead'))
        # 4 time-limited handling
        self.assertEqual(as_local(assignment.due_at),
            dt.datetime(2025, 3, 12, 17, 30))
        with at(2025, 3, 3, 10), Transaction().set_user(ns.handler.id):
            Assignment.sign([assignment])
        # 5 tiered supervision
        case, = Supervision.create([{
                    'level': 'L1', 'trigger': 'l1_not_handled',
                    'tickets': [('add', [ticket.id])],
                    'lead_unit': ns.county.id,
                    'registered_on': dt.date(2025, 3, 13),
                    'content': '汴河路积水超期未办理',
                    'instructions': '三个工作日内疏通排水管道并回复诉求人',
                    'deadline': local(2025, 3, 18, 17, 30),
                    'responsible_person': '李主任',
                    'responsible_phone': '0557-3021234'}])
        with at(2025, 3, 13, 10):
            Supervision.register([case])
        self.assertEqual(case.state, 'registered')
        self.assertIs(Ticket(ticket.id).is_supervised, True)
        # 6 callback and evaluation (the reply first, RPL-04)
        with at(2025, 3, 14, 10), Transaction().set_user(ns.handler.id):
            reply = write_reply(assignment,
                contacted_at=local(2025, 3, 14, 9))
            Reply.request_sign_off([reply])
        with at(2025, 3, 14, 11), Transaction().set_user(ns.principal.id):
            Reply.sign_off([reply])
        with at(2025, 3, 17, 9), Transaction().set_user(ns.reviewer.id):
            Reply.accept([reply])
        ticket = Ticket(ticket.id)
        self.assertEqual(ticket.state, 'reviewed')
        with at(2025, 3, 17, 15):
            Callback.record_rating(ticket, 'phone_callback', 'satisfied')
        # 7 completion and archiving
        self.assertEqual((ticket.final_evaluation, ticket.state),
            ('satisfied', 'archived'))
        # 8 assessment and accountability
        period = Period.get_or_create('month', dt.date(2025, 3, 1))
        with at(2025, 4, 3, 9):
            Period.compute([period])
        points = self.points(period, ns.county)
        self.assertEqual(points['D3.2'], (D(7), True))
        self.assertEqual(points['D2.5'], (D(10), True))
