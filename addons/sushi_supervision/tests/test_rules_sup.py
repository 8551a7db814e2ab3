# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Supervision rules named one by one (SUP-01, SUP-03, SUP-15): the
expected values are read off RULES.md §12 and the seed (附件3 第一条,
第三条; Plan 三(六)1), not computed by the code under test."""
import unittest

from trytond.exceptions import UserError
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from . import test_module as base
from .tools import click


class SupervisionRulesTestCase(DBTestCase, unittest.TestCase):
    "Supervision rules SUP-01, SUP-03 and SUP-15"
    module = 'sushi_supervision'
    case = base.SupervisionTestCase.case

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import activate_module, drop_db
        super(DBTestCase, cls).setUpClass()
        drop_db()
        activate_module([cls.module, 'sushi_analysis'], lang='zh_CN')

    @with_transaction()
    def test_sup01_graded_responsibility(self):
        """SUP-01 (分级负责), SUP-05..07: level 1 is run by the Office,
        level 2 by 市委督查办, level 3 by the city leaders; a case of one
        level cannot be given to another level's body; escalation goes to
        the next body and keeps the case it came from"""
        Supervision = Pool().get('sushi.supervision')
        ns = setup_network()
        ticket, _ = base.dispatched(ns)
        l1 = self.case(ns, ticket)
        l2 = self.case(ns, ticket, level='L2',
            trigger='l2_important_order')
        l3 = self.case(ns, ticket, level='L3', trigger='l3_major')
        routine = self.case(ns, ticket, level='routine',
            trigger='scope_overdue')
        self.assertEqual([c.body for c in [routine, l1, l2, l3]],
            ['office', 'office', 'inspection_office', 'city_leaders'])
        with self.assertRaises(UserError) as cm:
            self.case(ns, ticket, level='L2', trigger='l2_important_order',
                body='office')
        self.assertIn('SUP-01', cm.exception.message)
        self.assertIn('市委督查办', cm.exception.message)
        with self.assertRaises(UserError):
            l3.body = 'office'
            l3.save()

        # collaboration: the lead and the co-units answer for the case
        with at(2025, 3, 13, 10):
            l1.co_units = [ns.city]
            l1.save()
            Supervision.register([l1])
        l1 = Supervision(l1.id)
        self.assertEqual(sorted(u.id for u in l1.responsible_units),
            sorted([ns.county.id, ns.city.id]))
        with at(2025, 3, 14, 10):
            new, = Supervision.escalate_to([l1], 'L2',
                'l2_important_order', '市领导批示件超期未办结')
        self.assertEqual((new.level, new.body, new.previous),
            ('L2', 'inspection_office', l1))
        self.assertEqual(Supervision(l1.id).state, 'escalated')

    @with_transaction()
    def test_sup03_methods(self):
        """SUP-03: telephone, on-site, thematic and meeting supervision,
        interview and reminder, news-media exposure, "two representatives
        and one member", supervision notices and special coordination;
        a level-1 case goes out as a supervision notice (督办单) by
        default, and the Office may choose another method"""
        Supervision = Pool().get('sushi.supervision')
        ns = setup_network()
        field = Supervision.fields_get(['method'])['method']
        methods = {c for c, _ in field['selection'] if c}
        self.assertLessEqual({'phone', 'on_site', 'thematic', 'meeting',
                'interview', 'media', 'representatives', 'notice',
                'coordination'}, methods)
        ticket, _ = base.dispatched(ns)
        case = self.case(ns, ticket)
        with at(2025, 3, 13, 10), Transaction().set_user(ns.supervisor.id):
            click([case], 'register')
        case = Supervision(case.id)
        self.assertEqual(case.method, 'notice')
        case.method = 'media'
        case.save()
        self.assertEqual(Supervision(case.id).method, 'media')

    @with_transaction()
    def test_sup15_democratic_oversight(self):
        """SUP-15: "two representatives and one member" can take part in
        a major difficult matter: recorded as the case's method"""
        Supervision = Pool().get('sushi.supervision')
        ns = setup_network()
        ticket, _ = base.dispatched(ns)
        case = self.case(ns, ticket, level='L3', trigger='l3_hot_difficult',
            method='representatives')
        with at(2025, 3, 13, 10):
            Supervision.register([case])
        case = Supervision(case.id)
        self.assertEqual((case.state, case.body, case.method),
            ('registered', 'city_leaders', 'representatives'))

    @with_transaction()
    def test_conv02_other_actors_as_bodies(self):
        """CONV-02: 市委督查办 and the city leaders run supervision levels
        2 and 3; 市纪委监委 is a deciding body of accountability; the
        province assigns orders (the provincial flag); units are of
        tiers 2 and 3"""
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Accountability = pool.get('sushi.accountability')
        Ticket = pool.get('sushi.ticket')
        ns = setup_network()
        bodies = {c for c, _ in Supervision.fields_get(['body'])['body'][
                'selection']}
        self.assertLessEqual({'office', 'inspection_office', 'city_leaders'},
            bodies)
        deciding = {c for c, _ in Accountability.fields_get(
                ['deciding_body'])['deciding_body']['selection']}
        self.assertIn('discipline_commission', deciding)
        self.assertIn('provincial', Ticket._fields)
        self.assertEqual({ns.county.tier, ns.city.tier, ns.town.tier},
            {'2', '3'})
