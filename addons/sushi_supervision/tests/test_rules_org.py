# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ORG-06: the front office (telephone and online intake) and the back
office (supervision and monitoring) as the platform's roles, each
carrying its steps of the closed loop and no other's."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from trytond.modules.sushi_ticket.tests.tools import DBTestCase


class RulesOrganisationTestCase(DBTestCase, unittest.TestCase):
    "ORG-06"
    module = 'sushi_supervision'

    def button_groups(self, model, name):
        pool = Pool()
        Button = pool.get('ir.model.button')
        ModelData = pool.get('ir.model.data')
        button, = Button.search([('model', '=', model), ('name', '=', name)])
        names = {}
        for group in button.groups:
            data, = ModelData.search([('model', '=', 'res.group'),
                    ('db_id', '=', group.id)])
            names[data.fs_id] = group
        return set(names)

    @with_transaction()
    def test_org06_front_and_back_office(self):
        """ORG-06, 附件2 一: the front office (受理员) takes requests from
        the 12345 line and the online ends, answers, records ratings, and
        neither supervises nor reviews replies; the back office's
        supervision centre (督办员) registers and runs supervision cases,
        its monitoring centre (审核员) reviews the units' replies and
        verifies bad ratings; the steps in between (dispatch, handling,
        reply) belong to the dispatcher and the units"""
        g = 'group_sushi_'
        steps = {
            # 受理 (front office), 派单
            ('sushi.ticket', 'accept'): {g + 'intake'},
            ('sushi.ticket', 'dispatch'): {g + 'dispatcher'},
            # 办理, 答复 (units)
            ('sushi.ticket.assignment', 'sign'): {g + 'unit_handler'},
            ('sushi.ticket.reply', 'request_sign_off'): {
                g + 'unit_handler'},
            # 督办 (supervision centre)
            ('sushi.supervision', 'register'): {g + 'supervisor'},
            ('sushi.supervision', 'assign'): {g + 'supervisor'},
            # 审核 (monitoring centre), 办结
            ('sushi.ticket.reply', 'accept'): {g + 'reviewer'},
            ('sushi.ticket', 'verify'): {g + 'reviewer', g + 'supervisor'},
            # 回访, 评价 (front office agents and reviewers)
            ('sushi.ticket', 'record_callback'): {
                g + 'intake', g + 'reviewer'},
            }
        for (model, name), carriers in steps.items():
            groups = self.button_groups(model, name)
            with self.subTest(step=(model, name)):
                self.assertTrue(carriers <= groups, groups)
        # the front office does not supervise nor review
        for model, name in [('sushi.supervision', 'register'),
                ('sushi.supervision', 'assign'),
                ('sushi.ticket.reply', 'accept'),
                ('sushi.ticket', 'verify')]:
            self.assertNotIn(g + 'intake', self.button_groups(model, name))
        # the back office does not take calls
        for group in [g + 'supervisor', g + 'reviewer']:
            self.assertNotIn(group, self.button_groups(
                    'sushi.ticket', 'accept'))
