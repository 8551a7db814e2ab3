# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PUB-01: the public "宿事速办" zone on the 皖事通 app, the 讯宿办 mini-program
and the government website; ORG-01: the brand on its front page.
PUB-05, PUB-06: the leaders' dashboard's hot words name nobody."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase, with_transaction
from trytond.transaction import Transaction

from trytond.modules.sushi_portal.api_key import rate_limiter
from trytond.modules.sushi_portal.routes import ip_limiter
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, at, create_ticket)

from .. import dashboard


class RulesPublicTestCase(RouteTestCase):
    "PUB-01, ORG-01"
    module = 'sushi_portal'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        APIKey = pool.get('sushi.portal.api_key')
        Channel = pool.get('sushi.channel')
        Category = pool.get('sushi.category')
        app, mini = [Channel.search([('code', '=', code)])[0] for code in [
                'wanshitong_app', 'xunsuban_miniprogram']]
        cls.channels = {'app': app.id, 'mini': mini.id}
        (_, cls.app_key), (_, cls.mini_key) = APIKey.issue([app, mini])
        leaf = [c for c in Category.search([]) if not c.children][0]
        cls.service_code = leaf.code

    def setUp(self):
        super().setUp()
        rate_limiter.reset()
        ip_limiter.reset()

    def test_org01_pub01_front_page(self):
        """ORG-01, PUB-01: the zone's front page carries the brand 宿事速办
        and its motto 一线多端, 三快三到 (快速响应、快速办理、快速反馈；
        随叫随到、说到做到、服务周到), and opens on submitting a request,
        following it (to rate it) and the published cases, without a
        login"""
        client = self.client()
        page = client.get(f'/{self.db_name}/portal/')
        self.assertEqual(page.status_code, 200)
        for text in ['<h1>宿事速办</h1>', '一线多端', '三快三到',
                '快速响应、快速办理、快速反馈', '随叫随到、说到做到、服务周到',
                '/portal/submit', '/portal/track', '/portal/cases']:
            self.assertIn(text, page.text)
        cases = client.get(f'/{self.db_name}/portal/cases')
        self.assertEqual(cases.status_code, 200)

    def test_pub01_zone_on_app_miniprogram_and_website(self):
        """PUB-01: a request sent from the 皖事通 app and one from the 讯宿办
        mini-program (each with its channel's key) become work orders of
        those channels; the citizen pages record theirs under the
        government website (政务服务网宿州分厅)"""
        numbers = {}
        for name, key in [('app', self.app_key), ('mini', self.mini_key)]:
            response = self.client().post(
                f'/{self.db_name}/open311/v2/requests.json', data={
                    'api_key': key, 'service_code': self.service_code,
                    'attribute[request_type]': 'help',
                    'address_string': '埇桥区银河一路',
                    'first_name': '先生', 'last_name': '吴',
                    'phone': '13905574321',
                    'description': '银河一路路灯坏了一周。'})
            self.assertEqual(response.status_code, 200, response.text)
            numbers[name] = response.json[0]['service_request_id']
        with Transaction().start(self.db_name, 0):
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Configuration = pool.get('sushi.portal.configuration')
            for name, number in numbers.items():
                ticket, = Ticket.search([('number', '=', number)])
                self.assertEqual(ticket.channel.id, self.channels[name])
            self.assertEqual(Configuration(1).web_channel.name,
                '政务服务网宿州分厅')

    def test_pub05_published_case_names_nobody(self):
        """PUB-05: a closed complaint titled with its requester's name
        and phone, and an address naming the requester, is published
        with title, text and address masked: the case page, the list
        and the front page show neither name nor phone, and a search of
        the published cases by the name or the phone finds nothing"""
        name, phone = '钱多多', '13905570001'
        with Transaction().start(self.db_name, 0) as transaction:
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Disclosure = pool.get('sushi.portal.disclosure')
            ticket = create_ticket(requester_name=name,
                requester_phone=phone,
                title=f'{name}反映{phone}家门口污水外溢',
                description=f'我是{name}，电话{phone}，家门口污水外溢。',
                address='埇桥区汴河路88号钱多多家门口', disclosure=True)
            table = Ticket.__table__()
            transaction.connection.cursor().execute(*table.update(
                    [table.state], ['closed'], where=table.id == ticket.id))
            clock.forget(Ticket.__name__)
            disclosure, = Disclosure.prepare([Ticket(ticket.id)])
            self.assertEqual((disclosure.title, disclosure.address), (
                    '某某反映****家门口污水外溢', '埇桥区汴河路**某某家门口'))
            Disclosure.publish([disclosure])
            number = ticket.number
            transaction.commit()
        client = self.client()
        base = f'/{self.db_name}/portal/'
        pages = {path: client.get(base + path) for path in [
                f'cases/{number}', 'cases', 'cases?q=污水外溢', '']}
        for path, page in pages.items():
            with self.subTest(path=path):
                self.assertEqual(page.status_code, 200)
                self.assertIn('某某反映****家门口污水外溢', page.text)
                for secret in [name, '多多', phone, '88号']:
                    self.assertNotIn(secret, page.text)
        for query in [name, '多多', phone[:7], phone[-4:]]:
            with self.subTest(query=query):
                self.assertNotIn(number, client.get(
                        base + 'cases', query_string={'q': query}).text)


class RulesPublicHotWordsTestCase(DBTestCase, unittest.TestCase):
    "PUB-05, PUB-06 on the dashboard's hot words"
    module = 'sushi_portal'

    @with_transaction()
    def test_pub05_pub06_hot_words_name_nobody(self):
        """PUB-05, PUB-06: the hot words (近7天热词) are read by city
        leaders and analysts, who may not read requesters: cut from the
        titles masked, without person names, and only words of at least
        3 distinct requesters (k-anonymity).  Three requesters title
        their order with their name and phone and a sewer blocked in
        their 小区; the same three complain of the renovation noise of
        a neighbour named 娜娜; one of them files three orders on the
        lift of her estate 翡翠湾.  The hot words are the sewer's and the
        noise's (3 orders each) and 小区 (6 orders of 3 requesters): no
        name, no phone digits, not 娜娜, not the words of one requester
        alone (翡翠, 电梯, 故障)"""
        requesters = [('李秀英', '13905570001'), ('陈晓明', '13905570002'),
            ('刘洋', '13905570003')]
        with at(2025, 3, 20, 10):
            for name, phone in requesters:
                create_ticket(requester_name=name, requester_phone=phone,
                    title=f'{name}反映{phone}小区污水管道堵塞')
                create_ticket(requester_name=name, requester_phone=phone,
                    title='楼上娜娜家装修噪音')
            name, phone = requesters[0]
            for _ in range(3):
                create_ticket(requester_name=name, requester_phone=phone,
                    title='翡翠湾小区电梯故障')
        with at(2025, 3, 21, 12):
            figures = dashboard.figures(Pool())
        self.assertEqual(figures['hot_words'], [
                {'name': '小区', 'value': 6},
                {'name': '噪音', 'value': 3},
                {'name': '堵塞', 'value': 3},
                {'name': '楼上', 'value': 3},
                {'name': '污水', 'value': 3},
                {'name': '管道', 'value': 3},
                {'name': '装修', 'value': 3},
                ])
