# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Intelligent intake and dispatch (PLT-01): a tiny history whose counts
make the answer obvious by hand."""
from trytond.model.exceptions import AccessError
from trytond.modules.sushi_ticket.tests.guard_tools import as_user
from trytond.modules.sushi_ticket.tests.tools import (
    TranslationTestMixin, at, create_ticket, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .test_module import make


class SmartTestCase(TranslationTestMixin, ModuleTestCase):
    "Test the smart suggestion of sushi_analysis"
    module = 'sushi_analysis'

    def history(self):
        """Closed orders: 路灯 handled by the county of the request (埇桥区
        three times, 萧县 once), 停水 by the water company twice; open
        orders, which teach nothing, of 路灯 led by the police five times.
        Return the units by name."""
        pool = Pool()
        Category = pool.get('sushi.category')
        Unit = pool.get('sushi.unit')
        Word = pool.get('sushi.analysis.suggest.word')
        urban, = Category.search([('code', '=', 'urban_management')])
        water, = Category.search([('code', '=', 'water')])
        units = {u.code: u for u in Unit.search([('code', 'in', [
                            'yongqiao_district', 'xiao_county',
                            'dangshan_county', 'suzhou_water_supply',
                            'public_security_bureau'])])}
        county, xiao = units['yongqiao_district'], units['xiao_county']
        supply = units['suzhou_water_supply']
        police = units['public_security_bureau']
        for i, (text, category, region, lead, state) in enumerate([
                    ('淮海路路灯不亮', urban, county, county, 'closed'),
                    ('汴河路路灯坏了不亮', urban, county, county, 'closed'),
                    ('胜利路路灯不亮好几天', urban, county, county,
                        'archived'),
                    ('龙城路路灯不亮', urban, xiao, xiao, 'closed'),
                    ('家里停水没水', water, county, supply, 'closed'),
                    ('小区停水两天', water, xiao, supply, 'closed'),
                    ] + [('人民路路灯不亮', urban, county, police,
                        'in_progress')] * 5):
            make(text, phone='1390557%04d' % i, when=(2026, 6, 1, 9 + i),
                state=state, category=category.id, region=region.id,
                lead_unit=lead.id)
        with at(2026, 7, 1, 9):
            # 6 closed orders: the open ones are not read
            self.assertEqual(Word.refresh(), 6)
        units.update(urban=urban, water=water)
        return units

    @with_transaction()
    def test_suggest_category_and_unit(self):
        "PLT-01: the category and lead unit the closed orders' words point to"
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        units = self.history()
        result = Ticket.suggest('解放路路灯晚上不亮', region=units['xiao_county'])
        top, probability, words = result['categories'][0]
        self.assertEqual(top, units['urban'])
        self.assertGreater(probability, 0.5)
        self.assertIn('路灯', words)
        # 路灯 is handled by the request's own county: 萧县 here, and
        # 砀山县, whose history is empty, for a request of 砀山县
        self.assertEqual(result['units'][0][0], units['xiao_county'])
        result = Ticket.suggest('解放路路灯晚上不亮',
            region=units['dangshan_county'])
        self.assertEqual(result['units'][0][0], units['dangshan_county'])
        # the police led only open orders: never suggested
        self.assertNotIn(units['public_security_bureau'],
            [u for u, _ in result['units']])
        # 停水 goes to the water company whatever the region
        result = Ticket.suggest('我家停水了', region=units['xiao_county'])
        self.assertEqual(result['categories'][0][0], units['water'])
        self.assertEqual(result['units'][0][0],
            units['suzhou_water_supply'])
        # without a region, no county is guessed for 路灯
        result = Ticket.suggest('解放路路灯晚上不亮')
        self.assertNotIn(units['xiao_county'],
            [u for u, _ in result['units']])

    @with_transaction()
    def test_no_history_no_suggestion(self):
        "PLT-01: nothing learned, nothing suggested"
        Ticket = Pool().get('sushi.ticket')
        self.assertEqual(Ticket.suggest('路灯不亮'),
            {'categories': [], 'units': []})

    @with_transaction()
    def test_intake_fills_an_empty_category_only(self):
        "PLT-01: the call-taker's category is never overwritten"
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        units = self.history()
        ticket = Ticket(state='draft', title='解放路路灯不亮',
            description='路灯坏了', category=None,
            region=units['yongqiao_district'])
        ticket.on_change_description()
        self.assertEqual(ticket.category, units['urban'])
        self.assertIn('路灯', ticket.on_change_with_smart_hints())

        ticket = Ticket(state='draft', title='解放路路灯不亮',
            description='路灯坏了', category=units['water'],
            region=units['yongqiao_district'])
        ticket.on_change_title()
        ticket.on_change_description()
        self.assertEqual(ticket.category, units['water'])

    @with_transaction()
    def test_dispatch_wizard_shows_and_records(self):
        "PLT-01: the dispatcher sees the suggested lead unit first; it is kept"
        pool = Pool()
        Dispatch = pool.get('sushi.ticket.dispatch', type='wizard')
        Ticket = pool.get('sushi.ticket')
        ns = setup_network()
        units = self.history()
        ticket = create_ticket(title='解放路路灯不亮', description='路灯坏了',
            address='萧县解放路', region=units['xiao_county'].id,
            category=units['urban'].id)
        with Transaction().set_context(active_model='sushi.ticket',
                active_id=ticket.id, active_ids=[ticket.id]):
            session_id, _, _ = Dispatch.create()
            dispatch = Dispatch(session_id)
            defaults = dispatch.default_start(None)
            self.assertEqual(defaults['smart_unit'], units['xiao_county'].id)
            # TRI-05's list is left as it is: the locality first
            self.assertEqual(defaults['suggested_units'][0],
                units['xiao_county'].id)
            self.assertIn(units['xiao_county'].rec_name,
                defaults['smart_hints'])
            # the dispatcher chooses another unit: the suggestion is kept
            # beside the choice
            start = dispatch.start
            start.ticket = ticket
            start.lead_unit = ns.city
            start.co_units = []
            start.complexity = defaults['complexity']
            start.urgency = defaults['urgency']
            start.statutory_due_at = None
            start.basis = None
            start.smart_unit = units['xiao_county']
            with at(2025, 3, 3, 9):
                dispatch.transition_dispatch()
        ticket = Ticket(ticket.id)
        self.assertEqual((ticket.smart_unit, ticket.lead_unit),
            (units['xiao_county'], ns.city))

    @with_transaction()
    def test_counts_only_and_closed_to_users(self):
        """PLT-01, #16: a dispatcher gets the suggestion; nobody reads the
        counts, and a suggestion carries no order nor requester"""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Word = pool.get('sushi.analysis.suggest.word')
        Route = pool.get('sushi.analysis.suggest.route')
        ns = setup_network()
        units = self.history()
        with as_user(ns.dispatcher):
            result = Ticket.suggest('路灯不亮', region=ns.county)
            self.assertEqual(result['units'][0][0], units['yongqiao_district'])
            for Model in [Word, Route]:
                with self.assertRaises(AccessError):
                    Model.search([])
        # the counts name no order, requester or text
        for Model in [Word, Route]:
            self.assertFalse({'ticket', 'requester_phone', 'requester_name',
                    'description'} & set(Model._fields))


del ModuleTestCase
