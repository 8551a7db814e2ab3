# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PUB-06: who reads the requester masked (the city leader) searches the
order's texts as shown (masked.py), on both backends; issue #14: the
texts that the mask cannot change are searched as stored (masked._split),
the others masked, with the same answers."""
import re
import sys
import unittest
from contextlib import contextmanager

from trytond.modules.sushi_ticket import masked
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import DBTestCase, create_ticket, setup_network

# (key, title, requester's name): one order of each kind
ORDERS = [
    # nothing the mask changes
    ('plain', '小区门口噪音扰民', '李四'),
    # the requester's name: shown 某某反映噪音问题
    ('name', '张三反映噪音问题', '张三'),
    # a phone: shown 噪音扰民请回电****
    ('phone', '噪音扰民请回电13905570001', '王五'),
    # an e-mail: its word characters (Chinese ones too) before the @ go
    # with it: shown ****
    ('mail', '噪音投诉见邮件zhang@example.org', '赵六'),
    # stars typed in the text, nothing masked
    ('stars', '门牌号****被涂改', '钱七'),
    # a phone in full-width digits (\d): shown 噪音****
    ('wide', '噪音１３９０５５７０００２', '孙八'),
    # another requester's name is not masked: shown as stored
    ('other', '张三家门口噪音', '周九'),
    ]


@contextmanager
def as_user(user):
    "Act as user through the client: access rights and rules apply."
    transaction = Transaction()
    with transaction.set_user(user.id), \
            transaction.set_context(_check_access=True):
        yield


class MaskedSearchTestCase(DBTestCase, unittest.TestCase):
    "Masked texts searched as shown"

    def orders(self):
        ns = setup_network()
        ids = {}
        for key, title, name in ORDERS:
            ids[key] = create_ticket(title=title, requester_name=name).id
        return ns, ids

    def found(self, domain, ids):
        "The keys of the orders that domain finds, through the search RPC."
        Ticket = Pool().get('sushi.ticket')
        search = Ticket.__rpc__['search'].decorate(Ticket.search)
        keys = {i: k for k, i in ids.items()}
        return {keys[i] for i in map(int, search(domain, 0, None, None))
            if i in keys}

    def found_direct(self, domain, ids):
        """The same through masked.visible_domain alone (the rewrite
        without the search refusals of the RPC)."""
        Ticket = Pool().get('sushi.ticket')
        keys = {i: k for k, i in ids.items()}
        return {keys[i] for i in map(int, Ticket.search(
                    masked.visible_domain(Ticket, domain)))
            if i in keys}

    @with_transaction()
    def test_pub06_masked_search_each_kind_of_text(self):
        """PUB-06: the city leader's searches of titles find what the
        titles show: a plain title as stored, a title with the requester's
        name, a phone (also in full-width digits) or an e-mail as masked,
        the mask's characters only where the mask put them or the text has
        them; the dispatcher searches the titles whole"""
        ns, ids = self.orders()
        everything = set(ids)
        cases = [
            (('title', 'ilike', '%噪音%'),
                {'plain', 'name', 'phone', 'wide', 'other'}),
            (('rec_name', 'ilike', '%噪音%'),
                {'plain', 'name', 'phone', 'wide', 'other'}),
            (('title', 'like', '%噪音扰民%'), {'plain', 'phone'}),
            (('title', 'like', '%张三%'), {'other'}),
            (('rec_name', 'ilike', '%张三%'), {'other'}),
            (('title', 'like', '%某某反映%'), {'name'}),
            (('rec_name', 'ilike', '%某某反映%'), {'name'}),
            (('title', 'like', '%****%'), {'phone', 'mail', 'stars', 'wide'}),
            (('title', 'like', '噪音%'), {'phone', 'wide'}),
            (('title', 'like', '%请回电_'), set()),
            (('title', 'like', '%请回电____'), {'phone'}),
            (('title', 'like', '%噪音１%'), set()),
            (('title', 'ilike', '%ZHANG%'), set()),
            (('title', 'ilike', '%EXAMPLE%'), set()),
            (('title', 'not like', '%噪音%'), everything - {
                    'plain', 'name', 'phone', 'wide', 'other'}),
            (('title', 'not like', '%张三%'), everything - {'other'}),
            (('title', 'in', ['某某反映噪音问题', '张三家门口噪音']),
                {'name', 'other'}),
            ]
        with as_user(ns.city_leader):
            for domain, expected in cases:
                with self.subTest(domain=domain):
                    self.assertEqual(self.found([domain], ids), expected)
                    self.assertEqual(
                        self.found_direct([domain], ids), expected)
        with as_user(ns.dispatcher):
            self.assertEqual(self.found([('title', 'like', '%张三%')], ids),
                {'name', 'other'})
            self.assertEqual(
                self.found([('title', 'like', '%****%')], ids), {'stars'})

    @with_transaction()
    def test_pub06_search_bar_stays_when_nothing_masked(self):
        """PUB-06, issue #14: words that match no text the mask changes
        are the search bar's own domain (its indexes and pages), words that
        do are matched as shown"""
        ns, ids = self.orders()
        Ticket = Pool().get('sushi.ticket')
        with as_user(ns.city_leader):
            leaf = ('rec_name', 'ilike', '%门牌号%')
            if not Transaction().database.has_unaccent():
                self.assertEqual(
                    masked.visible_domain(Ticket, [leaf]), [leaf])
            self.assertEqual(self.found([leaf], ids), {'stars'})
            rewritten = masked.visible_domain(Ticket,
                [('rec_name', 'ilike', '%噪音%')])
            self.assertNotEqual(rewritten, [('rec_name', 'ilike', '%噪音%')])

    def test_digit_classes_within_their_planes(self):
        """PUB-06: the characters Python's \\d and \\s match (the mask's
        digit runs, masked.maskable on PostgreSQL) all lie below
        masked.CLASS_PLANES"""
        beyond = ''.join(map(chr, range(masked.CLASS_PLANES,
                    sys.maxunicode + 1)))
        self.assertIsNone(re.search(r'[\d\s]', beyond))

