# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SCP-01: what the platform accepts: every non-emergency request type of
附件2 四(一) in the five domains of 附件2 三(一) (D-02: 附件2, not the
Plan's four domains)."""
import os
import unittest

import polib

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import DBTestCase, create_ticket

LOCALE = os.path.join(os.path.dirname(__file__), '..', 'locale',
    'zh_CN.po')


class RulesScopeTestCase(DBTestCase, unittest.TestCase):
    "SCP-01"

    @with_transaction()
    def test_scp01_five_domains_six_types_accepted(self):
        """SCP-01, D-02, INT-02: the top categories are exactly the five
        domains 经济调节, 市场监管, 社会管理 (absent from the Plan, kept from
        附件2), 公共服务 and 生态环境保护; the request types are 咨询, 求助,
        投诉, 举报, 建议 and 表扬; a request of every type in every domain
        is accepted: 30 requests"""
        pool = Pool()
        Category = pool.get('sushi.category')
        Ticket = pool.get('sushi.ticket')
        domains = Category.search([('parent', '=', None)])
        self.assertEqual(sorted(c.name for c in domains), sorted(
                ['经济调节', '市场监管', '社会管理', '公共服务', '生态环境保护']))
        types = [k for k, _ in Ticket.fields_get(['request_type'])[
                'request_type']['selection'] if k]
        labels = {e.msgid: e.msgstr for e in polib.pofile(LOCALE)
            if e.msgctxt == 'selection:sushi.ticket,request_type:'}
        strings = dict(Ticket.fields_get(['request_type'])[
                'request_type']['selection'])
        self.assertEqual(sorted(labels[strings[t]] for t in types),
            sorted(['咨询', '求助', '投诉', '举报', '建议', '表扬']))
        tickets = []
        for domain in domains:
            # a category below the domain, as call-takers pick them
            leaf = Category.search([('parent', 'child_of', [domain.id]),
                    ('id', '!=', domain.id)], limit=1) or [domain]
            for type_ in types:
                tickets.append(create_ticket(request_type=type_,
                        category=leaf[0].id))
        Ticket.accept(tickets)
        self.assertEqual(len(tickets), 30)
        self.assertEqual({t.state for t in tickets}, {'accepted'})
