# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue #14: a word of two characters typed in the search bar (most
Chinese words) finds exactly the orders whose number or title holds it,
on both backends; on PostgreSQL it is also matched on the pairs of
characters of the title (tools.BigramChar, the sushi_bigrams GIN index),
which must find neither more nor fewer.  PUB-06: who reads the requester
masked does not find an order by the text the mask hides."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..tools import has_bigrams
from .test_masked import as_user
from .tools import DBTestCase, create_ticket, dispatch_ticket, setup_network

# (key, title, requester's name)
ORDERS = [
    ('start', '噪音扰民严重', '李四'),       # the word at the title's start
    ('end', '夜间施工噪音', '李四'),         # at its end
    ('apart', '噪声与音响', '李四'),         # 噪 and 音, never the pair
    ('reversed', '音噪', '李四'),            # the pair the other way round
    ('upper', 'KTV音响扰民', '李四'),        # Latin, upper case
    ('lower', 'ktv噪音', '李四'),            # Latin, lower case
    ('mixed', '门口Kt招牌', '李四'),         # Latin, mixed case
    ('short', '噪', '李四'),                 # one character
    ('empty', None, '李四'),                 # no title
    # PUB-06: the requester's name, shown 某某投诉楼下 to the city leader
    ('named', '张三投诉楼下', '张三'),
    ]


class SearchPairsTestCase(DBTestCase, unittest.TestCase):
    "Two-character words in the search bar"

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
        count = Ticket.__rpc__['search_count'].decorate(Ticket.search_count)
        keys = {i: k for k, i in ids.items()}
        found = {keys[i] for i in map(int, search(domain, 0, None, None))
            if i in keys}
        # sao's count of the list (every order here is one of ids)
        self.assertEqual(count(domain, 0, 100_000), len(found))
        return found

    @with_transaction()
    def test_two_character_words(self):
        """Issue #14: a two-character word finds the orders holding it
        (at the title's start or end, Latin in any case with ILIKE, in
        its case with LIKE), not those holding its characters apart or
        the other way round; the dispatcher, a unit handler (its unit's
        orders only) and the city leader find the same plain titles"""
        ns, ids = self.orders()
        dispatch_ticket(Pool().get('sushi.ticket')(ids['end']), ns.county)
        cases = [
            (('rec_name', 'ilike', '%噪音%'), {'start', 'end', 'lower'}),
            (('rec_name', 'ilike', '%扰民%'), {'start', 'upper'}),
            (('rec_name', 'ilike', '%夜间%'), {'end'}),
            (('rec_name', 'ilike', '%kt%'), {'upper', 'lower', 'mixed'}),
            (('rec_name', 'ilike', '%KT%'), {'upper', 'lower', 'mixed'}),
            (('rec_name', 'ilike', '%kT%'), {'upper', 'lower', 'mixed'}),
            (('title', 'like', '噪音%'), {'start'}),
            (('title', 'like', '%噪音'), {'end', 'lower'}),
            (('title', 'ilike', '%噪_%'), {'start', 'end', 'apart', 'lower'}),
            (('rec_name', 'ilike', '%音噪%'), {'reversed'}),
            (('rec_name', 'ilike', '%井盖%'), set()),
            (('title', 'not ilike', '%噪音%'), set(ids) - {
                    'start', 'end', 'lower'}),
            ]
        from trytond import backend
        if backend.name == 'postgresql':
            # LIKE keeps the case (SQLite's LIKE folds ASCII letters)
            cases += [
                (('title', 'like', '%KT%'), {'upper'}),
                (('title', 'like', '%kt%'), {'lower'}),
                (('title', 'like', '%Kt%'), {'mixed'}),
                ]
        for user in [ns.dispatcher, ns.city_leader]:
            with as_user(user):
                for domain, expected in cases:
                    with self.subTest(user=user.login, domain=domain):
                        self.assertEqual(self.found([domain], ids), expected)
        with as_user(ns.handler):
            self.assertEqual(
                self.found([('rec_name', 'ilike', '%噪音%')], ids), {'end'})
            self.assertEqual(
                self.found([('rec_name', 'ilike', '%扰民%')], ids), set())

    @with_transaction()
    def test_pub06_two_character_words_masked(self):
        """PUB-06: the city leader finds an order by the two characters
        it shows (某某 for the requester's name) and not by the name the
        mask hides; the dispatcher by the name"""
        ns, ids = self.orders()
        with as_user(ns.city_leader):
            self.assertEqual(
                self.found([('rec_name', 'ilike', '%张三%')], ids), set())
            self.assertEqual(
                self.found([('rec_name', 'ilike', '%某某%')], ids), {'named'})
            self.assertEqual(
                self.found([('rec_name', 'ilike', '%楼下%')], ids), {'named'})
        with as_user(ns.dispatcher):
            self.assertEqual(
                self.found([('rec_name', 'ilike', '%张三%')], ids), {'named'})
            self.assertEqual(
                self.found([('rec_name', 'ilike', '%某某%')], ids), set())

    @with_transaction()
    def test_pairs_index_on_postgresql(self):
        """Issue #14: on PostgreSQL the titles' pairs of characters are
        indexed and a two-character word is matched on them (beside its
        LIKE); SQLite keeps the LIKE alone"""
        from trytond import backend
        Ticket = Pool().get('sushi.ticket')
        sql = str(Ticket.search([('title', 'ilike', '%噪音%')], query=True))
        if backend.name != 'postgresql':
            self.assertFalse(has_bigrams())
            self.assertNotIn('sushi_bigrams', sql)
            return
        self.assertTrue(has_bigrams())
        self.assertIn('sushi_bigrams', sql)
        cursor = Transaction().connection.cursor()
        cursor.execute("SELECT indexdef FROM pg_indexes "
            "WHERE indexname = 'sushi_ticket_title_bigram_gin'")
        definition, = cursor.fetchone()
        self.assertIn('USING gin (sushi_bigrams((COALESCE(title', definition)
        # three characters make a trigram: the pairs are not asked
        sql = str(Ticket.search([('title', 'ilike', '%噪音大%')], query=True))
        self.assertNotIn('sushi_bigrams', sql)
