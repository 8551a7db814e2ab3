# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PUB-01: the public "宿事速办" zone on the 皖事通 app, the 讯宿办 mini-program
and the government website; ORG-01: the brand on its front page."""
from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase
from trytond.transaction import Transaction

from trytond.modules.sushi_portal.api_key import rate_limiter
from trytond.modules.sushi_portal.routes import ip_limiter


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
