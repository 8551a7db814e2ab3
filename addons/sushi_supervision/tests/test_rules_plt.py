# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PLT-04: the supporting systems as modules of one platform — the 12345
hotline system dispatches, the supervision management system archives
completed cases by itself (附件3 第五条), and the reports are distributed
to their readers inside the platform (the OA module's part, 附件6)."""
import datetime as dt
import unittest
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, create_ticket, dispatch_ticket, local, run_queue,
    setup_network)

from .. import report as report_module


class RulesPlatformTestCase(DBTestCase, unittest.TestCase):
    "PLT-04"
    module = 'sushi_supervision'

    @with_transaction()
    def test_plt04_dispatch_supervision_archive_report_delivery(self):
        """PLT-04: (1) the order dispatched to 埇桥区 on Monday 3 March 2025
        reaches its handler in the platform; (2) the level-1 case on it,
        registered on 13 March and fed back by the county on 17 March
        with nothing drawn for a re-check, is archived at once, with no
        one archiving it; (3) on Tuesday 1 April, the first working day,
        March's supervision report is made and delivered to the city
        leader and the supervisor in the platform, with its workbook by
        e-mail"""
        pool = Pool()
        Notification = pool.get('res.notification')
        Supervision = pool.get('sushi.supervision')
        Report = pool.get('sushi.supervision.report')
        ns = setup_network()
        ticket = create_ticket()
        with at(2025, 3, 3, 9):
            dispatch_ticket(ticket, ns.county, basis='属地管理')
        run_queue()
        self.assertTrue(Notification.search([('user', '=', ns.handler.id)]))
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
            Supervision.assign([case])
        case.feedback = '已疏通排水管道，并电话告知诉求人'
        case.save()
        with at(2025, 3, 17, 15), \
                patch.object(Supervision, 'draw', return_value=False), \
                Transaction().set_user(ns.handler.id):
            Supervision.submit_feedback([case])
        case = Supervision(case.id)
        self.assertEqual((case.state, case.archived_at),
            ('archived', local(2025, 3, 17, 15)))
        with patch.object(report_module,
                'send_message_transactional') as send:
            report, = Report.generate_monthly(now=local(2025, 4, 1, 9))
        self.assertEqual(report.period_start, dt.date(2025, 3, 1))
        self.assertEqual(report.delivered_at, local(2025, 4, 1, 9))
        told = {n.user for n in Notification.search([
                    ('model', '=', 'sushi.supervision.report')])}
        self.assertEqual(told, {ns.city_leader, ns.supervisor})
        self.assertEqual(send.call_count, 2)
