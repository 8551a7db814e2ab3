# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Consultation rules named one by one (CON-01, CON-02, CON-10): the
expected values are read off RULES.md §17 and the seed (附件4), not
computed by the code under test.  The story runs in March 2025."""
import unittest
from unittest.mock import patch

from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, local, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..consultation_exceptions import ConsultationError
from . import test_consultation as base
from .tools import click


def as_user(user):
    return Transaction().set_user(user.id)


class ConsultationRulesTestCase(DBTestCase, unittest.TestCase):
    "Consultation rules CON-01, CON-02 and CON-10"
    module = 'sushi_supervision'
    # the story's helpers (the class itself is not imported: its tests
    # would run twice)
    proposed = base.ConsultationTestCase.proposed
    accepted = base.ConsultationTestCase.accepted
    held = base.ConsultationTestCase.held
    ticket = base.ConsultationTestCase.ticket

    def office_accepts(self, ns, topic, **values):
        Topic = Pool().get('sushi.consultation.topic')
        with at(2025, 3, 4, 9), as_user(ns.supervisor):
            topic = Topic(topic.id)
            for name, value in values.items():
                setattr(topic, name, value)
            topic.save()
            click([topic], 'accept')
        return Topic(topic.id)

    @with_transaction()
    def test_con01_topic_is_a_long_standing_hard_matter(self):
        """CON-01: consultation covers the "long-standing hard" matters
        (历史遗留, 涉及面广可能触发舆情, 缺少政策依据或政策不兼容): a topic
        is not accepted until the Office says which one it is"""
        Topic = Pool().get('sushi.consultation.topic')
        ns = setup_network()
        field = Topic.fields_get(['nature'])['nature']
        self.assertEqual({c for c, _ in field['selection'] if c},
            {'legacy', 'broad_reach', 'policy_gap', 'other'})
        # a big-data topic of the pool, without a nature
        with at(2025, 3, 3, 15), as_user(ns.analyst):
            topic, = Topic.create([{'title': '多人一投:老旧小区加装电梯',
                        'source': 'big_data',
                        'suggested_lead': ns.county.id}])
        with self.assertRaises(ConsultationError) as cm:
            self.office_accepts(ns, topic, kind='ad_hoc')
        self.assertIn('CON-01', cm.exception.message)
        self.assertEqual(Topic(topic.id).state, 'proposed')
        topic = self.office_accepts(ns, topic, kind='ad_hoc',
            nature='policy_gap')
        self.assertEqual((topic.state, topic.nature, topic.lead_unit),
            ('accepted', 'policy_gap', ns.county))

    @with_transaction()
    def test_con02_one_plus_x_needs_co_units(self):
        """CON-02: two forms, case-by-case deliberation (一事一议) and "1+X":
        "1" the lead unit, "X" the co-units; a 1+X meeting without any
        co-unit is refused, the lead alone deliberates case by case; the
        lead is never one of its own co-units"""
        Topic = Pool().get('sushi.consultation.topic')
        ns = setup_network()
        field = Topic.fields_get(['form'])['form']
        self.assertEqual({c for c, _ in field['selection'] if c},
            {'case_by_case', 'one_plus_x'})
        # accepted with the lead (1) alone
        topic = self.proposed(ns)
        topic = self.office_accepts(ns, topic, kind='ad_hoc',
            lead_unit=ns.county, co_units=[])
        self.assertEqual((topic.lead_unit, list(topic.co_units)),
            (ns.county, []))
        with at(2025, 3, 4, 10), as_user(ns.handler):
            topic.form = 'one_plus_x'
            topic.planned_at = local(2025, 3, 6, 9)
            topic.save()
            with self.assertRaises(ConsultationError) as cm:
                Topic.schedule([Topic(topic.id)])
            self.assertIn('CON-02', cm.exception.message)
            topic = Topic(topic.id)
            topic.form = 'case_by_case'
            topic.save()
            Topic.schedule([topic])
        self.assertEqual(Topic(topic.id).state, 'scheduled')

        # the 1+X topic of the story: 埇桥区 (1) with 市城管局 (X)
        other = self.accepted(ns)
        self.assertEqual((other.lead_unit, list(other.co_units)),
            (ns.county, [ns.city]))
        with at(2025, 3, 4, 10), as_user(ns.handler):
            other.form = 'one_plus_x'
            other.planned_at = local(2025, 3, 6, 9)
            other.save()
            Topic.schedule([other])
        self.assertEqual(Topic(other.id).state, 'scheduled')
        # the lead is not also a co-unit
        third = self.proposed(ns)
        with self.assertRaises(ConsultationError):
            self.office_accepts(ns, third, kind='ad_hoc',
                lead_unit=ns.city, co_units=[ns.city])

    @with_transaction()
    def test_con10_implementation_assessed(self):
        """CON-10: the Office assesses how the rules are carried out
        (SCORING D4): minutes not in by the end of the week after the
        meeting (held Wednesday 5 March, due Friday 14 March 17:30) are a
        D4.2 fact of the lead unit; a letter due Monday 10 March 17:30 and
        not sent is a D4.3 fact of the co-unit, both dated at the due
        time"""
        pool = Pool()
        Topic = pool.get('sushi.consultation.topic')
        Fact = pool.get('sushi.consultation.fact')
        ns = setup_network()
        topic, meeting = self.held(ns)
        with at(2025, 3, 6, 9), as_user(ns.handler):
            topic.letter_due_at = local(2025, 3, 10, 17, 30)
            topic.save()
            Topic.request_letters([topic])
        with at(2025, 3, 17, 9), patch(
                'trytond.modules.sushi_ticket.notification.'
                'send_message_transactional'):
            Topic.sweep()
        self.assertEqual(
            sorted((f.item, f.unit.id, f.occurred_at)
                for f in Fact.search([])),
            sorted([('D4.2', ns.county.id, local(2025, 3, 14, 17, 30)),
                    ('D4.3', ns.city.id, local(2025, 3, 10, 17, 30))]))
