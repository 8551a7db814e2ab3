# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CBK-09 on the leaders' dashboard: orders excluded under SCP-06 are
called back but left out of the satisfaction rate it shows."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, create_ticket, local)

from .. import dashboard


def finished(unit, evaluation, closed, **values):
    """An order of the unit closed at closed (local) with its final
    evaluation, stored as the ticket module stores it."""
    Ticket = Pool().get('sushi.ticket')
    request_type = values.pop('request_type', 'complaint')
    ticket = create_ticket(request_type=request_type)
    table = Ticket.__table__()
    values.update({'state': 'closed', 'lead_unit': unit.id,
            'final_evaluation': evaluation, 'closed_at': local(*closed)})
    Transaction().connection.cursor().execute(*table.update(
            [getattr(table, k) for k in values], list(values.values()),
            where=table.id == ticket.id))
    clock.forget(Ticket.__name__)
    return ticket


class RulesCallbackPortalTestCase(DBTestCase, unittest.TestCase):
    "CBK-09 on the dashboard"
    module = 'sushi_portal'

    @with_transaction()
    def test_cbk09_dashboard_rate_leaves_out_excluded_orders(self):
        """CBK-09, SCP-06: of 埇桥区's six orders closed in March, the one
        satisfied and the one dissatisfied plain complaints count; the
        three dissatisfied orders of 行政调解类, 执法办案类 and outside the
        guidance, and a praise, do not: 1 good of 2 rated = 50.0 % (not
        2 of 6 = 33.3 %).  The city department's one deemed-satisfied
        order gives 100.0 % of 1; its 行政调解类 dissatisfied order is
        not counted"""
        Unit = Pool().get('sushi.unit')
        county, = Unit.search([('code', '=', 'yongqiao_district')])
        city, = Unit.search([('code', '=', 'urban_management_bureau')])
        day = (2025, 3, 20, 10)
        finished(county, 'satisfied', day)
        finished(county, 'dissatisfied', day)
        for flag in ['admin_mediation', 'law_enforcement_case',
                'outside_guidance_scope']:
            finished(county, 'dissatisfied', day, **{flag: True})
        finished(county, 'satisfied', day, request_type='praise')
        finished(city, 'default_satisfied', day)
        finished(city, 'dissatisfied', day, admin_mediation=True)
        with at(2025, 3, 31, 12):
            figures = dashboard.figures(Pool())
        rates = {row['group']: (row['rate'], row['rated'])
            for row in figures['satisfaction']}
        kinds = dict(Unit.fields_get(['kind'])['kind']['selection'])
        self.assertEqual(rates, {
                kinds['county']: (50.0, 2),
                kinds['department']: (100.0, 1),
                })
