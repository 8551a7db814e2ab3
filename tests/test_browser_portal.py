# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizen pages on a phone and the leaders' dashboard, in headless
Chromium: a citizen submits with a photo, follows the order with the SMS
code; the city leader opens the dashboard and sees its charts.  A failing
step leaves a screenshot (tests/browser.py)."""
import base64
import json
import re
import unittest
import urllib.request

from tests import browser

PHONE_VIEWPORT = {'width': 390, 'height': 844}
PNG = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwABAQEA'
    'BRjYTgAAAABJRU5ErkJggg==')
CITIZEN_PHONE = '13905578888'


class PortalBrowserTest(unittest.TestCase):
    "Citizen pages on a phone, dashboard for the city leader"

    @classmethod
    def setUpClass(cls):
        cls.server = browser.shared_server()
        cls.browser = browser.Browser(cls.server)
        cls.addClassCleanup(cls.browser.stop)
        cls.browser.start()

    def rpc(self, method, params, session=None):
        headers = {'Content-Type': 'application/json'}
        if session:
            headers['Authorization'] = 'Session ' + session
        request = urllib.request.Request(
            f'{self.server.url}{self.server.database}/rpc/',
            data=json.dumps({'id': 1, 'method': method,
                    'params': params}).encode(), headers=headers)
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())['result']

    def last_code(self, phone):
        "The one-time code the SMS log provider 'sent' to phone."
        user_id, session, *_ = self.rpc('common.db.login',
            ['admin', {'password': self.server.password}, 'zh_CN'])
        token = base64.b64encode(
            f'admin:{user_id}:{session}'.encode()).decode()
        messages = self.rpc('model.sushi.sms.search_read',
            [[('phone', '=', phone), ('kind', '=', 'other')], 0, 1,
                [('id', 'DESC')], ['text'], {}], session=token)
        return re.search(r'(?<!\d)(\d{6})(?!\d)',
            messages[0]['text']).group(1)

    def portal(self, path=''):
        return f'{self.server.url}{self.server.database}/portal/{path}'

    def test_citizen_on_a_phone(self):
        "A citizen submits with a photo, tracks with the code, reads it"
        with self.browser.page(name=self.id(), locale='zh-CN') as page:
            page.set_viewport_size(PHONE_VIEWPORT)
            page.goto(self.portal('submit'))
            page.get_by_label('诉求类型').select_option('help')
            page.get_by_label('标题').fill('小区路灯不亮')
            page.get_by_label('诉求内容').fill(
                '汴河路金色家园小区门口路灯坏了一周，晚上很黑。')
            page.get_by_label('事发地点').fill('埇桥区汴河路')
            page.locator('#photo').set_input_files(files=[{
                    'name': 'lamp.png', 'mimeType': 'image/png',
                    'buffer': PNG}])
            page.get_by_label('姓名').fill('吴先生')
            page.locator('#phone').fill(CITIZEN_PHONE)
            # the page fits the phone: no sideways scrolling
            self.assertLessEqual(page.evaluate(
                    'document.documentElement.scrollWidth'), 390)
            page.get_by_role('button', name='提交').click()
            number = page.locator('#number').inner_text()
            self.assertRegex(number, r'^\d{18}$')

            page.get_by_role('link', name='查询进度').click()
            page.get_by_label('工单号').fill(number)
            page.get_by_label('提交时留的电话').fill(CITIZEN_PHONE)
            page.get_by_role('button', name='获取验证码').click()
            page.get_by_label('短信验证码').fill(
                self.last_code(CITIZEN_PHONE))
            page.get_by_role('button', name='查看').click()
            self.assertEqual(page.locator('h1').inner_text(),
                f'工单 {number}')
            self.assertEqual(page.locator('#state').inner_text(), '待派单')
            # keyboard: the skip link is the first stop
            page.keyboard.press('Tab')
            self.assertEqual(page.evaluate(
                    'document.activeElement.textContent'), '跳到正文')

    def test_cases_on_a_phone(self):
        "The published cases list renders and searches on a phone"
        with self.browser.page(name=self.id(), locale='zh-CN') as page:
            page.set_viewport_size(PHONE_VIEWPORT)
            page.goto(self.portal('cases'))
            page.get_by_label('搜索').fill('路灯')
            page.get_by_role('button', name='搜索').click()
            self.assertIn('q=', page.url)
            self.assertIn('共', page.locator('main').inner_text())

    def test_dashboard(self):
        "The city leader logs in and sees the six charts, refreshed"
        with self.browser.page(name=self.id(), locale='zh-CN') as page:
            errors = []
            page.on('pageerror', lambda e: errors.append(str(e)))
            page.goto(f'{self.server.url}{self.server.database}'
                '/portal/dashboard')
            page.get_by_label('用户名').fill('city_leader')
            page.get_by_label('密码').fill(self.server.password)
            page.get_by_role('button', name='登录').click()
            page.locator('#board').wait_for(state='visible')
            page.wait_for_function(
                "document.querySelectorAll('.chart canvas').length >= 6")
            self.assertRegex(page.locator('#updated').inner_text(),
                r'^更新于 \d{4}-\d\d-\d\d')
            self.assertEqual(errors, [])
