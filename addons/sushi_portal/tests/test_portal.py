# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizen pages and public disclosure: a citizen submits, follows the
order with a one-time code, reads the masked reply, rates it; the
reviewer publishes the masked case; nothing personal is ever public."""
import datetime as dt
import functools
import re
import unittest.mock

from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase
from trytond.transaction import Transaction

from trytond.modules.sushi_portal.api_key import RateLimiter, rate_limiter
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_portal.routes import ip_limiter
from trytond.modules.sushi_ticket.tests.tools import (
    at, create_ticket, dispatch_ticket, local, setup_network)

PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00'
    b'\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc'
    b'\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`'
    b'\x82')
REQUESTER_PHONE = '13805579876'
REQUESTER = '孙秀英'
HANDLER = '周建军'
HANDLER_PHONE = '13955571234'
PASSWORD = 'Dashboard-2026'


class PortalTestCase(RouteTestCase):
    "Citizen pages and public disclosure"
    module = 'sushi_portal'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Reply = pool.get('sushi.ticket.reply')
        ns = setup_network()
        cls.reviewed = []
        for phone in [REQUESTER_PHONE, '13805570002', '13805570003']:
            ticket = create_ticket(requester_phone=phone,
                requester_name=REQUESTER,
                description=f'我叫{REQUESTER}，电话{phone}，住汴河路88号'
                '3栋501室，门口道路积水严重，希望尽快疏通。',
                address='埇桥区汴河路88号3栋501室')
            with at(2025, 3, 3, 9):
                assignment, = dispatch_ticket(ticket, ns.county)
            with Transaction().set_user(ns.handler.id):
                Assignment.sign([assignment])
                reply, = Reply.create([{
                            'assignment': assignment.id,
                            'content': f'经办人{HANDLER}（电话'
                            f'{HANDLER_PHONE}）已到汴河路88号现场，'
                            f'联系{REQUESTER}女士，排水管道已疏通。',
                            'result': 'resolved', 'no_policy_cited': True,
                            'contacted_at': local(2025, 3, 5, 10),
                            'contact_method': 'phone',
                            'contact_summary': '已电话告知。',
                            'requester_satisfaction': 'satisfied',
                            'handler_name': HANDLER,
                            'handler_phone': HANDLER_PHONE}])
                Reply.request_sign_off([reply])
            with Transaction().set_user(ns.leader.id):
                Reply.sign_off([reply])
            Reply.accept([reply])
            cls.reviewed.append(ticket.number)
        cls.leader_id = ns.leader.id
        cls.user_ids = {n: getattr(ns, n).id for n in ['handler',
                'intake', 'city_leader', 'leader', 'dispatcher',
                'supervisor']}
        User = pool.get('res.user')
        User.write([ns.city_leader, ns.handler], {'password': PASSWORD})

    def setUp(self):
        super().setUp()
        rate_limiter.reset()
        ip_limiter.reset()

    def url(self, path):
        return f'/{self.db_name}/portal/{path}'

    def nonce(self, client):
        page = client.get(self.url('submit')).text
        return re.search(r'name="nonce" value="([^"]+)"', page).group(1)

    def form(self, **values):
        data = {
            'request_type': 'help', 'title': '路灯不亮',
            'description': '汴河路与银河一路交口路灯坏了一周。',
            'address': '埇桥区汴河路', 'name': '吴先生',
            'phone': '139 0557 4321',
            }
        data.update(values)
        return {k: v for k, v in data.items() if v is not None}

    def sms(self, phone):
        with Transaction().start(self.db_name, 0):
            SMS = Pool().get('sushi.sms')
            return [(m.kind, m.text) for m in SMS.search(
                    [('phone', '=', phone)], order=[('id', 'ASC')])]

    def last_code(self, phone):
        kind, text = self.sms(phone)[-1]
        self.assertEqual(kind, 'other')
        return re.search(r'(?<!\d)(\d{6})(?!\d)', text).group(1)

    def open_order(self, client, number, phone):
        client.post(self.url('track'), data={'number': number,
                'phone': phone})
        code = self.last_code(phone)
        return client.post(self.url('track/verify'), data={
                'number': number, 'code': code})

    # submit
    def test_submit(self):
        "A citizen submits with a photo; sending twice gives one order"
        client = self.client()
        page = client.get(self.url('submit'))
        self.assertEqual(page.status_code, 200)
        self.assertIn('<label for="description">', page.text)
        nonce = self.nonce(client)
        data = self.form(nonce=nonce)
        data['photo'] = (__import__('io').BytesIO(PNG), 'x.png')
        response = client.post(self.url('submit'), data=data,
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, 200, response.text)
        number = re.search(r'id="number">(\d+)<', response.text).group(1)
        again = client.post(self.url('submit'), data=self.form(nonce=nonce))
        self.assertIn(number, again.text)
        with Transaction().start(self.db_name, 0):
            Ticket = Pool().get('sushi.ticket')
            Attachment = Pool().get('ir.attachment')
            ticket, = Ticket.search([('number', '=', number)])
            self.assertEqual(ticket.state, 'accepted')
            self.assertEqual(ticket.requester_phone, '13905574321')
            self.assertEqual(ticket.request_type, 'help')
            self.assertEqual(
                [a.data for a in Attachment.search(
                        [('resource', '=', str(ticket))])], [PNG])
        self.assertEqual([k for k, _ in self.sms('13905574321')],
            ['intake'])

    def test_submit_refusals(self):
        "Missing content, a bad phone, a fake or a large photo are refused"
        client = self.client()
        cases = {
            'no content': self.form(description=''),
            'no name': self.form(name=''),
            'bad phone': self.form(phone='12345'),
            'bad type': self.form(request_type='report'),
            }
        for name, data in cases.items():
            with self.subTest(case=name):
                data['nonce'] = self.nonce(client)
                response = client.post(self.url('submit'), data=data)
                self.assertEqual(response.status_code, 400)
                self.assertIn('class="error"', response.text)
        for name, photo in [('fake', b'<?php echo 1; ?>' * 10),
                ('large', PNG + b'\x00' * (5 * 1024 * 1024))]:
            with self.subTest(case=name):
                data = self.form(nonce=self.nonce(client))
                data['photo'] = (__import__('io').BytesIO(photo), 'a.png')
                response = client.post(self.url('submit'), data=data,
                    content_type='multipart/form-data')
                self.assertEqual(response.status_code, 400)
        anonymous = self.form(name='', anonymous='1',
            nonce=self.nonce(client))
        self.assertEqual(client.post(self.url('submit'),
                data=anonymous).status_code, 200)

    def test_submit_rate_limit(self):
        "One client address submits at most 10 requests a minute (PUB-06)"
        # each request is an order waiting for dispatch and an SMS to the
        # phone typed in the form: without a limit, anyone flooded the
        # queue and a stranger's phone.  All eleven at one instant of the
        # limiter's clock, so no minute boundary falls between them.
        client = self.client()
        phone = '13905578080'
        allow = functools.partial(RateLimiter.allow, ip_limiter, now=600.0)
        with unittest.mock.patch.object(ip_limiter, 'allow', allow):
            statuses = [client.post(self.url('submit'), data=self.form(
                            phone=phone,
                            nonce=self.nonce(client))).status_code
                for _ in range(11)]
            refused = client.post(self.url('submit'), data=self.form(
                    phone=phone, nonce=self.nonce(client)))
        self.assertEqual(statuses, [200] * 10 + [429])
        self.assertEqual(refused.status_code, 429)
        self.assertIn('class="error"', refused.text)
        # the refused ones made no order and sent nothing
        self.assertEqual([k for k, _ in self.sms(phone)], ['intake'] * 10)
        with Transaction().start(self.db_name, 0):
            Ticket = Pool().get('sushi.ticket')
            self.assertEqual(Ticket.search(
                    [('requester_phone', '=', phone)], count=True), 10)
        # an invalid form is still answered as invalid (it makes nothing)
        other = self.client()
        with unittest.mock.patch.object(ip_limiter, 'allow', allow):
            self.assertEqual(other.post(self.url('submit'), data=self.form(
                        phone='12345', nonce=self.nonce(other))).status_code,
                400)

    # track, rate, publish
    def test_track_rate_publish(self):
        "CBK-01, PUB-02, PUB-04: track, read the masked reply, rate, publish"
        number = self.reviewed[0]
        client = self.client()
        # a wrong phone gets the same answer and no code
        response = client.post(self.url('track'), data={
                'number': number, 'phone': '13800000000'})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.sms('13800000000'), [])
        # without the code the order stays closed
        self.assertEqual(client.get(self.url(f'track/{number}')).status_code,
            403)
        response = self.open_order(client, number, REQUESTER_PHONE)
        self.assertEqual(response.status_code, 303)
        page = client.get(self.url(f'track/{number}'))
        self.assertEqual(page.status_code, 200)
        self.assertIn('id="reply"', page.text)
        self.assertIn('排水管道已疏通', page.text)
        for secret in [HANDLER, HANDLER_PHONE]:
            self.assertNotIn(secret, page.text)
        # another order is not opened by this session
        self.assertEqual(client.get(
                self.url(f'track/{self.reviewed[1]}')).status_code, 403)
        # the rating form is bound to the session
        self.assertEqual(self.client().post(
                self.url(f'track/{number}/rate'),
                data={'given': 'satisfied'}).status_code, 403)
        token = re.search(r'name="token" value="([^"]+)"',
            page.text).group(1)
        self.assertEqual(client.post(self.url(f'track/{number}/rate'),
                data={'given': 'satisfied'}).status_code, 403)
        response = client.post(self.url(f'track/{number}/rate'),
            data={'given': 'satisfied', 'reason': '很及时', 'token': token})
        self.assertEqual(response.status_code, 200, response.text)
        with Transaction().start(self.db_name, 0) as transaction:
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Disclosure = pool.get('sushi.portal.disclosure')
            ticket, = Ticket.search([('number', '=', number)])
            # CBK-02: a good rating closes and archives
            self.assertEqual(ticket.state, 'archived')
            self.assertEqual([c.channel for c in ticket.callbacks],
                ['wanshitong_app_rating'])
            # PUB-02: drafted for the reviewer's preview, masked
            disclosure, = Disclosure.search([('ticket', '=', ticket.id)])
            self.assertEqual(disclosure.state, 'draft')
            for secret in [REQUESTER, REQUESTER_PHONE, HANDLER,
                    HANDLER_PHONE, '88号', '501室']:
                self.assertNotIn(secret, disclosure.request_text)
                self.assertNotIn(secret, disclosure.reply_text)
                self.assertNotIn(secret, disclosure.address or '')
            self.assertEqual(disclosure.address, '埇桥区汴河路**')
            disclosure_id = disclosure.id
        self.assertNotIn(number, client.get(self.url('cases')).text)
        with Transaction().start(self.db_name, 0) as transaction:
            Disclosure = Pool().get('sushi.portal.disclosure')
            Disclosure.publish([Disclosure(disclosure_id)])
            transaction.commit()
        listing = client.get(self.url('cases?q=积水'))
        self.assertIn(number, listing.text)
        case = client.get(self.url(f'cases/{number}'))
        self.assertEqual(case.status_code, 200)
        for page in [listing, case, client.get(self.url(''))]:
            for secret in [REQUESTER, REQUESTER_PHONE, HANDLER,
                    HANDLER_PHONE, '88号', '501室']:
                self.assertNotIn(secret, page.text)

    def test_code_brute_force(self):
        "Five wrong codes burn the code; three codes an hour at most"
        number, phone = self.reviewed[1], '13805570002'
        client = self.client()
        client.post(self.url('track'), data={'number': number,
                'phone': phone})
        code = self.last_code(phone)
        wrong = '%06d' % ((int(code) + 1) % 10 ** 6)
        for _ in range(5):
            response = client.post(self.url('track/verify'), data={
                    'number': number, 'code': wrong})
            self.assertEqual(response.status_code, 403)
        # burned: even the right code no longer opens the order
        response = client.post(self.url('track/verify'), data={
                'number': number, 'code': code})
        self.assertEqual(response.status_code, 403)
        for _ in range(2):
            client.post(self.url('track'), data={'number': number,
                    'phone': phone})
        self.assertEqual(len([k for k, _ in self.sms(phone) if k == 'other']), 3)
        response = client.post(self.url('track'), data={'number': number,
                'phone': phone})
        self.assertEqual(len([k for k, _ in self.sms(phone) if k == 'other']), 3)
        # the same answer as to a wrong phone (PUB-06)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('class="error"', response.text)

    def test_code_single_use_and_short_lived(self):
        """PLT-02: a code opens the order once, and not once its validity
        (10 minutes by default) has passed"""
        number, phone = self.reviewed[0], REQUESTER_PHONE
        response = self.open_order(self.client(), number, phone)
        self.assertEqual(response.status_code, 303)
        used = self.last_code(phone)
        response = self.client().post(self.url('track/verify'), data={
                'number': number, 'code': used})
        self.assertEqual(response.status_code, 403)
        self.client().post(self.url('track'), data={'number': number,
                'phone': phone})
        code = self.last_code(phone)
        with Transaction().start(self.db_name, 0) as transaction:
            Code = Pool().get('sushi.portal.code')
            table = Code.__table__()
            cursor = transaction.connection.cursor()
            # the configured validity has passed (a minute ago: its own
            # creation time raced the check by microseconds on SQLite)
            cursor.execute(*table.update([table.expires_at],
                    [clock.now() - dt.timedelta(minutes=1)],
                    where=table.state == 'active'))
            transaction.commit()
        response = self.client().post(self.url('track/verify'), data={
                'number': number, 'code': code})
        self.assertEqual(response.status_code, 403)

    def test_track_answer_says_nothing_of_the_phone(self):
        """PUB-05, PUB-06: the number of a published case and a guessed
        phone tell nothing of who called: once the order's hourly codes
        are used up, the right phone gets the very answer a wrong phone
        gets (before, only the requester's phone got "too many codes",
        which confirmed the guess after four tries)"""
        number, phone = self.reviewed[2], '13805570003'
        client = self.client()
        answers = {}
        for guess in [phone, '13805579999']:
            for _ in range(4):
                response = client.post(self.url('track'), data={
                        'number': number, 'phone': guess})
            answers[guess] = (response.status_code, response.text)
        self.assertEqual(answers[phone], answers['13805579999'])
        self.assertEqual(answers[phone][0], 200)
        # the requester still got no more than three codes (PLT-02)
        self.assertEqual(
            len([k for k, _ in self.sms(phone) if k == 'other']), 3)

    def test_client_rate_limit(self):
        "One client address gets at most 20 tries a minute"
        client = self.client()
        statuses = [client.post(self.url('track/verify'), data={
                    'number': '1', 'code': '000000'}).status_code
            for _ in range(22)]
        self.assertEqual(statuses[:20], [403] * 20)
        self.assertEqual(statuses[20:], [429, 429])

    def test_exemption(self):
        "PUB-03: a unit applies, the platform approves, nothing is published"
        number = self.reviewed[2]
        with Transaction().start(self.db_name, 0) as transaction:
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Callback = pool.get('sushi.ticket.callback')
            Disclosure = pool.get('sushi.portal.disclosure')
            ticket, = Ticket.search([('number', '=', number)])
            Callback.record_rating(ticket, 'phone_callback', 'satisfied')
            disclosure, = Disclosure.search([('ticket', '=', ticket.id)])
            with self.assertRaises(Exception):
                Disclosure.request_exemption([disclosure])
            disclosure.exemption_reason = '涉及未成年人隐私'
            disclosure.save()
            Disclosure.request_exemption([disclosure])
            Disclosure.approve_exemption([disclosure])
            self.assertEqual(disclosure.state, 'exempted')
            transaction.commit()
        self.assertEqual(self.client().get(
                self.url(f'cases/{number}')).status_code, 404)

    def test_published_by_default_types(self):
        """PUB-02, PUB-05: consultations, help requests, suggestions and
        complaints are drafted for publication once closed, reports and
        praise never; without review they are published at once"""
        # (the configuration singleton may be made here: lock its table)
        with Transaction().start(self.db_name, 0,
                _lock_tables=['sushi_portal_configuration']) as transaction:
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Disclosure = pool.get('sushi.portal.disclosure')
            Configuration = pool.get('sushi.portal.configuration')
            types = ['consult', 'help', 'suggestion', 'complaint', 'report',
                'praise']
            tickets = {t: create_ticket(request_type=t) for t in types}
            Ticket.write(list(tickets.values()), {'state': 'closed'})
            Disclosure.prepare_closed()
            disclosures = Disclosure.search([('ticket', 'in',
                        [t.id for t in tickets.values()])])
            self.assertEqual(
                {d.request_type: d.state for d in disclosures},
                {'consult': 'draft', 'help': 'draft', 'suggestion': 'draft',
                    'complaint': 'draft'})
            Configuration.write([Configuration(1)],
                {'review_before_publish': False})
            later = create_ticket(request_type='help')
            Ticket.write([later], {'state': 'closed'})
            disclosure, = Disclosure.prepare([later])
            self.assertEqual(disclosure.state, 'published')
            self.assertTrue(disclosure.published_at)
            # the other tests keep the review
            transaction.rollback()

    def test_pages_render(self):
        "Every page renders in Chinese with labels for its fields"
        client = self.client()
        for path in ['', 'submit', 'track', 'cases', 'cases?q=%3Cscript%3E',
                'cases?page=abc']:
            with self.subTest(path=path):
                response = client.get(self.url(path))
                self.assertEqual(response.status_code, 200)
                self.assertIn('lang="zh-CN"', response.text)
                self.assertNotIn('<script>', response.text)
                for field in re.findall(r'<(?:input|select|textarea)[^>]*'
                        r'\bid="([^"]+)"', response.text):
                    self.assertIn(f'for="{field}"', response.text)
        self.assertEqual(client.get(self.url('static/portal.css')
                ).status_code, 200)

    def test_contrast_aa(self):
        """#13 (2) accessible: every text colour of the citizen pages'
        style sheet reaches WCAG 2 AA (4.5:1) on its background (the
        rule's own, else its parent rule's, else both page backgrounds)"""
        from pathlib import Path
        css = (Path(__file__).parent.parent / 'static' / 'portal.css'
            ).read_text()

        def luminance(hex_):
            hex_ = hex_.lstrip('#')
            if len(hex_) == 3:
                hex_ = ''.join(c * 2 for c in hex_)
            channels = []
            for i in (0, 2, 4):
                c = int(hex_[i:i + 2], 16) / 255
                channels.append(c / 12.92 if c <= 0.03928
                    else ((c + 0.055) / 1.055) ** 2.4)
            r, g, b = channels
            return 0.2126 * r + 0.7152 * g + 0.0722 * b

        def ratio(a, b):
            high, low = sorted([luminance(a), luminance(b)], reverse=True)
            return (high + 0.05) / (low + 0.05)
        rules = {}
        for selectors, body in re.findall(r'([^{}]+)\{([^}]*)\}', css):
            color = re.search(r'(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})', body)
            background = re.search(
                r'background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})', body)
            for selector in selectors.split(','):
                rules[selector.strip()] = (color and color.group(1),
                    background and background.group(1))
        pages = ['#ffffff', '#f5f6f8']  # main, body
        checked = 0
        for selector, (color, background) in rules.items():
            if not color:
                continue
            parent = rules.get(selector.rsplit(' ', 1)[0]) \
                if ' ' in selector else None
            grounds = ([background] if background
                else [parent[1]] if parent and parent[1] else pages)
            for ground in grounds:
                with self.subTest(selector=selector, ground=ground):
                    self.assertGreaterEqual(ratio(color, ground), 4.5)
                    checked += 1
        self.assertGreater(checked, 10)

    def test_dashboard(self):
        "The dashboard's data: city leader yes, unit handler 403, anonymous 401"
        import base64
        client = self.client()
        page = client.get(f'/{self.db_name}/portal/dashboard')
        self.assertEqual(page.status_code, 200)
        self.assertIn('dashboard/echarts.min.js', page.text)
        self.assertEqual(client.get(
                f'/{self.db_name}/portal/dashboard/echarts.min.js'
                ).status_code, 200)
        url = f'/{self.db_name}/portal/dashboard/data'
        self.assertEqual(client.get(url).status_code, 401)

        def basic(login):
            return {'Authorization': 'Basic ' + base64.b64encode(
                    f'{login}:{PASSWORD}'.encode()).decode()}
        self.assertEqual(client.get(url, headers=basic('handler')
                ).status_code, 403)
        response = client.get(url, headers=basic('city_leader'))
        self.assertEqual(response.status_code, 200, response.text)
        data = response.json
        self.assertEqual(set(data), {'generated_at', 'intake_today',
                'intake_total', 'lights', 'overdue', 'overdue_red_cards',
                'red_cards', 'satisfaction', 'ranking', 'hot_words',
                'regions'})
        # the regions are the counties and parks, each with its count
        self.assertTrue(data['regions'])
        self.assertTrue(all(isinstance(r['value'], int)
                for r in data['regions']))
        # the leader's home: the web client shows the page in one of its
        # tabs (framed by its own origin only) and the page reads the data
        # with the client's session cookie, without a second login
        self.assertIn("frame-ancestors 'self'",
            page.headers['Content-Security-Policy'])
        login = client.post(f'/{self.db_name}/session/login', json={
                'params': ['city_leader', {'password': PASSWORD}, 'zh_CN']})
        self.assertEqual(login.status_code, 200, login.text)
        cookie = login.headers['Set-Cookie'].split(';')[0]
        self.assertTrue(cookie.startswith('tryton_session='))
        response = client.get(url, headers={'Cookie': cookie,
                'X-Requested-With': 'XMLHttpRequest'})
        self.assertEqual(response.status_code, 200, response.text)

    def test_role_home(self):
        "#13 (5): each role lands on its work after login"
        with Transaction().start(self.db_name, 0):
            pool = Pool()
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            Action = pool.get('ir.action')

            def action(module, xml_id):
                return Action.get_action_id(ModelData.get_id(module, xml_id))
            expected = {
                'handler': action('sushi_ticket', 'act_assignment_unit'),
                'intake': action('sushi_ticket', 'act_ticket_intake'),
                'city_leader': action('sushi_portal', 'act_dashboard_url'),
                'leader': action('sushi_ticket', 'act_reply_unit'),
                'dispatcher': action('sushi_portal',
                    'act_ticket_dispatch_queue'),
                # without sushi_supervision: the work orders
                'supervisor': action('sushi_ticket', 'act_ticket_form'),
                }
            for login, action_id in expected.items():
                with Transaction().set_user(self.user_ids[login]):
                    self.assertEqual(
                        User.get_preferences()['actions'], [action_id],
                        msg=login)
            url, = pool.get('ir.action.url').read(
                [ModelData.get_id('sushi_portal', 'act_dashboard_url')],
                ['url'])
            self.assertEqual(url['url'],
                f'/{self.db_name}/portal/dashboard')
