# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Open311 GeoReport v2: what a channel sends and gets back (INT-01,
PLT-03), the keys, the errors of the specification, and a fuzz run."""
import datetime as dt
import json
import random
import re

from unittest.mock import patch

from lxml import etree

from trytond import backend
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase
from trytond.transaction import Transaction

from trytond.modules.sushi_portal.api_key import rate_limiter
from trytond.modules.sushi_portal.open311 import clear_public

PHONE = '13905570001'
NAME_LAST, NAME_FIRST = '钱', '多多'
W3C = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$')


class Open311TestCase(RouteTestCase):
    "Open311 GeoReport v2"
    module = 'sushi_portal'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        APIKey = pool.get('sushi.portal.api_key')
        Channel = pool.get('sushi.channel')
        Category = pool.get('sushi.category')
        mailbox, = Channel.search([('code', '=', 'mayor_mailbox')])
        app, = Channel.search([('code', '=', 'wanshitong_app')])
        cls.channels = {'mailbox': mailbox.id, 'app': app.id}
        (_, cls.key), (_, cls.app_key) = APIKey.issue([mailbox, app])
        (_, cls.slow_key), = APIKey.issue([app], rate_limit=3)
        (revoked, cls.revoked_key), = APIKey.issue([mailbox])
        APIKey.revoke([revoked])
        (rotated, cls.rotated_key), = APIKey.issue([mailbox])
        (_, cls.successor_key), = APIKey.rotate_keys(
            [rotated], grace=dt.timedelta(0))
        leaves = [c for c in Category.search([]) if not c.children]
        cls.service_name = leaves[0].name
        cls.service_code = leaves[0].code
        cls.service_group = leaves[0].parent.name if leaves[0].parent \
            else None

    def setUp(self):
        super().setUp()
        rate_limiter.reset()
        # each test reads the answers its own requests make (the public
        # answers are cached 30 s: a new order shows within them)
        with Transaction().start(self.db_name, 0) as transaction:
            clear_public()
            transaction.commit()

    # helpers
    def url(self, path):
        return f'/{self.db_name}/open311/v2/{path}'

    def post(self, fmt='json', **data):
        data.setdefault('api_key', self.key)
        data = {k: v for k, v in data.items() if v is not None}
        return self.client().post(self.url(f'requests.{fmt}'), data=data)

    def valid(self, **values):
        base = {
            'service_code': self.service_code,
            'attribute[request_type]': 'complaint',
            'address_string': '埇桥区汴河路88号3栋2单元501室',
            'lat': '33.6461', 'long': '116.9842',
            'first_name': NAME_FIRST, 'last_name': NAME_LAST,
            'phone': PHONE, 'email': 'qian@example.org',
            'description': '我是钱多多，电话13905570001，汴河路88号门口'
            '污水管道堵塞，污水漫到路上。',
            }
        base.update(values)
        return base

    def reject(self, number):
        "The call-taker does not accept the order (SCP-02: litigation)"
        with Transaction().start(self.db_name, 0) as transaction:
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Reason = pool.get('sushi.scope.reason')
            ticket, = Ticket.search([('number', '=', number)])
            ticket.rejection_reason, = Reason.search(
                [('code', '=', 'litigation')])
            ticket.on_change_rejection_reason()
            ticket.save()
            Ticket.reject([ticket])
            transaction.commit()

    def assertError(self, response, code, fmt='json'):
        """The specification's error body: a list of {code, description};
        HTTP 404, 403 or else 400 ("Errors" of GeoReport v2), the body's
        code the specific one."""
        if code is not None:
            status = code if code in {400, 403, 404} else 400
            self.assertEqual(response.status_code, status, response.text)
        else:
            self.assertIn(response.status_code, {400, 403, 404},
                response.text)
        if fmt == 'json':
            self.assertEqual(response.headers['Content-Type'],
                'application/json')
            body = response.json
            self.assertIsInstance(body, list)
            self.assertTrue(body)
            for error in body:
                self.assertEqual(set(error), {'code', 'description'})
                self.assertIsInstance(error['code'], int)
                self.assertTrue(error['description'])
            codes = [e['code'] for e in body]
        else:
            self.assertEqual(response.headers['Content-Type'],
                'text/xml')
            self.assertTrue(response.data.startswith(
                    b'<?xml version="1.0" encoding="UTF-8"?>'))
            root = etree.fromstring(response.data)
            self.assertEqual(root.tag, 'errors')
            codes = []
            for error in root:
                self.assertEqual(error.tag, 'error')
                self.assertEqual([c.tag for c in error],
                    ['code', 'description'])
                codes.append(int(error[0].text))
        if code is not None:
            self.assertEqual(codes, [code])
        return codes

    def ticket(self, number):
        with Transaction().start(self.db_name, 0):
            Ticket = Pool().get('sushi.ticket')
            SMS = Pool().get('sushi.sms')
            ticket, = Ticket.search([('number', '=', number)])
            return {
                'state': ticket.state,
                'channel': ticket.channel.id,
                'phone': ticket.requester_phone,
                'name': ticket.requester_name,
                'type': ticket.request_type,
                'category': ticket.category.code,
                'sms': [s.kind for s in SMS.search(
                        [('ticket', '=', ticket.id)])],
                }

    def test_openapi(self):
        "The OpenAPI description is served beside the API"
        response = self.client().get(self.url('openapi.json'))
        self.assertEqual(response.status_code, 200)
        document = response.json
        self.assertEqual(document['openapi'], '3.0.3')
        self.assertEqual(set(document['paths']), {
                '/discovery.{format}', '/services.{format}',
                '/services/{service_code}.{format}', '/requests.{format}',
                '/requests/{service_request_id}.{format}',
                '/tokens/{token}.{format}'})

    # discovery and services
    def test_discovery(self):
        "Service discovery in both formats, with the JSON endpoint"
        response = self.client().get(self.url('discovery.json'))
        self.assertEqual(response.status_code, 200)
        endpoint, = response.json['endpoints']
        self.assertEqual(endpoint['specification'],
            'http://wiki.open311.org/GeoReport_v2')
        self.assertEqual(set(endpoint['formats']),
            {'text/xml', 'application/json'})
        self.assertTrue(endpoint['url'].endswith('/open311/v2'))
        response = self.client().get(self.url('discovery.xml'))
        root = etree.fromstring(response.data)
        self.assertEqual(root.tag, 'discovery')
        self.assertEqual([f.text for f in root.iterfind(
                    'endpoints/endpoint/formats/format')],
            ['text/xml', 'application/json'])

    def test_discovery_endpoint_types(self):
        """Service discovery: this server's endpoint with its configured
        type, a staging server's listed beside it as type test
        (Service_Discovery.md: type "production" or "test"); a test URL
        that is no web address is refused"""
        self.addCleanup(self.configure, open311_endpoint_type='production',
            open311_test_url=None)
        self.configure(open311_endpoint_type='test',
            open311_test_url='https://test.12345.example.cn/open311/v2/')
        response = self.client().get(self.url('discovery.json'))
        self.assertEqual(response.headers['Content-Type'],
            'application/json')
        self.assertEqual(
            [(e['url'].endswith('/open311/v2'), e['type'])
                for e in response.json['endpoints']],
            [(True, 'test'), (True, 'test')])
        self.assertEqual(response.json['endpoints'][1]['url'],
            'https://test.12345.example.cn/open311/v2')
        response = self.client().get(self.url('discovery.xml'))
        self.assertEqual(response.headers['Content-Type'], 'text/xml')
        root = etree.fromstring(response.data)
        self.assertEqual(
            [e.findtext('type') for e in root.iterfind('endpoints/endpoint')],
            ['test', 'test'])
        self.assertEqual(len(root.findall(
                    'endpoints/endpoint[2]/formats/format')), 2)
        # (its Chinese text is checked with every message by
        # test_module.test_chinese_everywhere)
        with self.assertRaises(ValidationError) as cm:
            self.configure(open311_test_url='test.12345 .cn')
        self.assertIn('is not a web address', cm.exception.message)
        self.configure(open311_endpoint_type='production',
            open311_test_url=None)
        endpoint, = self.client().get(
            self.url('discovery.json')).json['endpoints']
        self.assertEqual(endpoint['type'], 'production')

    def test_services(self):
        "The services are the leaf categories, grouped by domain"
        response = self.client().get(self.url('services.json'))
        self.assertEqual(response.status_code, 200)
        services = {s['service_code']: s for s in response.json}
        service = services[self.service_code]
        self.assertEqual(service['service_name'], self.service_name)
        self.assertIs(service['metadata'], True)
        self.assertEqual(service['type'], 'realtime')
        self.assertEqual(service['group'], self.service_group)
        root = etree.fromstring(
            self.client().get(self.url('services.xml')).data)
        self.assertEqual(root.tag, 'services')
        self.assertEqual(len(root), len(services))
        self.assertEqual(root[0][0].tag, 'service_code')

    def test_service_definition(self):
        "The definition lists the attributes; request_type is required"
        response = self.client().get(
            self.url(f'services/{self.service_code}.json'))
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json
        self.assertEqual(body['service_code'], self.service_code)
        attributes = {a['code']: a for a in body['attributes']}
        request_type = attributes['request_type']
        self.assertIs(request_type['required'], True)
        self.assertEqual(request_type['datatype'], 'singlevaluelist')
        self.assertEqual({v['key'] for v in request_type['values']},
            {'consult', 'help', 'complaint', 'report', 'suggestion',
                'praise'})
        for attribute in body['attributes']:
            self.assertEqual(set(attribute), {'variable', 'code',
                    'datatype', 'required', 'datatype_description',
                    'order', 'description', 'values'})
        root = etree.fromstring(self.client().get(
                self.url(f'services/{self.service_code}.xml')).data)
        self.assertEqual(root.tag, 'service_definition')
        self.assertTrue(root.findall('attributes/attribute/values/value/key'))

    def test_unknown_service_and_paths(self):
        "Unknown services, requests, tokens and formats are 404 errors"
        for path in ['services/nope.json', 'requests/999.json',
                'tokens/abc.json', 'nothing.json']:
            with self.subTest(path=path):
                response = self.client().get(self.url(path))
                self.assertError(response, 404)
        self.assertError(self.client().get(self.url('services/nope.xml')),
            404, fmt='xml')
        # no format: XML, the format the specification requires
        self.assertError(self.client().get(self.url('services.html')),
            404, fmt='xml')
        self.assertError(self.client().get(
                self.url('services.json?jurisdiction_id=elsewhere')), 404)
        self.assertError(self.client().delete(self.url('services.json')),
            405)

    # POST requests
    def test_post_request(self):
        "INT-01: a channel's request becomes a registered work order"
        response = self.post(**self.valid(account_id='acc-7'))
        self.assertEqual(response.status_code, 200, response.text)
        answer, = response.json
        self.assertEqual(set(answer),
            {'service_request_id', 'service_notice', 'account_id'})
        self.assertEqual(answer['account_id'], 'acc-7')
        self.assertIn(answer['service_request_id'], answer['service_notice'])
        ticket = self.ticket(answer['service_request_id'])
        self.assertEqual(ticket['state'], 'accepted')
        self.assertEqual(ticket['channel'], self.channels['mailbox'])
        self.assertEqual(ticket['phone'], PHONE)
        self.assertEqual(ticket['name'], NAME_LAST + NAME_FIRST)
        self.assertEqual(ticket['type'], 'complaint')
        self.assertEqual(ticket['category'], self.service_code)
        # INT-06: the acknowledgement SMS with the number
        self.assertEqual(ticket['sms'], ['intake'])

    def test_post_xml(self):
        "The answer in XML"
        response = self.post(fmt='xml', **self.valid())
        self.assertEqual(response.status_code, 200, response.text)
        root = etree.fromstring(response.data)
        self.assertEqual(root.tag, 'service_requests')
        self.assertEqual(root[0].tag, 'request')
        self.assertTrue(root[0].findtext('service_request_id'))

    def test_channel_ref_idempotent(self):
        "A resubmission with the same channel_ref is the same work order"
        first = self.post(**self.valid(channel_ref='MB-2026-0001')).json
        again = self.post(**self.valid(channel_ref='MB-2026-0001')).json
        self.assertEqual(first[0]['service_request_id'],
            again[0]['service_request_id'])
        other = self.post(api_key=self.app_key,
            **self.valid(channel_ref='MB-2026-0001')).json
        self.assertNotEqual(other[0]['service_request_id'],
            first[0]['service_request_id'])
        self.assertEqual(self.ticket(first[0]['service_request_id'])['sms'],
            ['intake'])

    def test_api_keys(self):
        "403 without a key, with a revoked or an expired rotated key"
        for key in [None, '', 'sk311_wrong', self.revoked_key,
                self.rotated_key]:
            with self.subTest(key=key):
                self.assertError(self.post(**self.valid(), api_key=key)
                    if key is not None else self.client().post(
                        self.url('requests.json'), data=self.valid()), 403)
        response = self.post(**self.valid(), api_key=self.successor_key)
        self.assertEqual(response.status_code, 200, response.text)

    def test_issue_wizard(self):
        "The administrator issues a key with the wizard; it works at once"
        with Transaction().start(self.db_name, 1,
                context={'_check_access': True}) as transaction:
            pool = Pool()
            Issue = pool.get('sushi.portal.api_key.issue', type='wizard')
            session_id, _, _ = Issue.create()
            result = Issue.execute(session_id, {'start': {
                        'channel': self.channels['mailbox'],
                        'rate_limit': 100}}, 'issue')
            secret = result['view']['defaults']['secret']
            Issue.delete(session_id)
            transaction.commit()
        self.assertTrue(secret.startswith('sk311_'))
        self.assertEqual(self.post(**self.valid(), api_key=secret
                ).status_code, 200)

    def test_keys_stored_hashed(self):
        "Only the hash of a key is stored"
        with Transaction().start(self.db_name, 0):
            APIKey = Pool().get('sushi.portal.api_key')
            stored = [k.key_hash for k in APIKey.search([])]
        self.assertNotIn(self.key, stored)
        self.assertTrue(all(re.fullmatch('[0-9a-f]{64}', h) for h in stored))

    def test_rate_limit(self):
        "The key's rate limit gives 429 with an error body"
        # a window of an hour: a slow test machine stays in one window
        self.addCleanup(setattr, rate_limiter, 'window', rate_limiter.window)
        rate_limiter.window = 3600
        statuses = [self.post(**self.valid(), api_key=self.slow_key
                ).status_code for _ in range(5)]
        self.assertEqual(statuses[:3], [200, 200, 200])
        # HTTP 400 as the specification asks, the body's code 429
        self.assertEqual(statuses[3:], [400, 400])
        response = self.post(**self.valid(), api_key=self.slow_key)
        self.assertError(response, 429)
        self.assertEqual(response.headers['Retry-After'], '60')

    def test_post_refusals(self):
        "Bad input is a 400 error that names the problem; nothing is saved"
        cases = {
            'no service': self.valid(service_code=None),
            'unknown attribute': self.valid(**{'attribute[colour]': 'red'}),
            'bad value': self.valid(**{'attribute[request_type]': 'x'}),
            'no type': self.valid(**{'attribute[request_type]': None}),
            'no location': self.valid(address_string=None, lat=None,
                long=None),
            'bad lat': self.valid(lat='91', long='0'),
            'lat text': self.valid(lat='north', long='east'),
            'long description': self.valid(description='字' * 4001),
            'bad phone': self.valid(phone='12'),
            'bad media': self.valid(media_url='javascript:alert(1)'),
            'NUL': self.valid(description='a\x00b'),
            }
        with Transaction().start(self.db_name, 0):
            before = Pool().get('sushi.ticket').search([], count=True)
        for name, data in cases.items():
            with self.subTest(case=name):
                self.assertError(self.post(**data), 400)
        self.assertError(self.client().post(self.url('requests.json'),
                data='{"api_key": ', content_type='application/json'), 400)
        response = self.client().post(self.url('requests.xml'),
            data='<x/>', content_type='text/xml')
        self.assertError(response, 400, fmt='xml')
        with Transaction().start(self.db_name, 0):
            after = Pool().get('sushi.ticket').search([], count=True)
        self.assertEqual(before, after)

    def test_json_body(self):
        "A JSON object body is read as the parameters (extension)"
        data = self.valid(api_key=self.key)
        response = self.client().post(self.url('requests.json'),
            data=json.dumps(data), content_type='application/json')
        self.assertEqual(response.status_code, 200, response.text)

    def configure(self, **values):
        "Write the portal configuration (the singleton made on first use)."
        with Transaction().start(self.db_name, 0,
                _lock_tables=['sushi_portal_configuration']) as transaction:
            Configuration = Pool().get('sushi.portal.configuration')
            Configuration.write([Configuration(1)], values)
            transaction.commit()

    def set_intake(self, mode):
        self.configure(open311_intake=mode)

    def process_queue(self, **kwargs):
        with Transaction().start(self.db_name, 0) as transaction:
            handled = Pool().get('sushi.portal.intake').process_queue(
                **kwargs)
            transaction.commit()
            return handled

    def test_async_intake(self):
        """INT-01: asynchronous intake (GeoReport "batch"): POST checks in
        full and answers a token, the queue becomes registered work orders
        in batches, GET tokens answers the number; channel_ref idempotent;
        services and OpenAPI say batch"""
        self.set_intake('batch')
        self.addCleanup(self.set_intake, 'realtime')
        services = self.client().get(self.url('services.json')).json
        self.assertEqual({s['type'] for s in services}, {'batch'})
        document = self.client().get(self.url('openapi.json')).json
        self.assertEqual(document['components']['schemas']['RequestCreated'][
                'required'], ['token'])
        self.assertIn('200', document['paths']['/tokens/{token}.{format}'][
                'get']['responses'])
        with Transaction().start(self.db_name, 0):
            before = Pool().get('sushi.ticket').search([], count=True)
        # bad input gets the specification's error at once, nothing queued
        self.assertError(self.post(**self.valid(service_code=None)), 400)
        self.assertError(self.post(**self.valid(
                    **{'attribute[request_type]': 'x'})), 400)
        self.assertError(self.post(**self.valid(
                    address_string='路' * 400)), 400)
        self.assertError(self.post(**self.valid(), api_key='nope'), 403)
        first = self.post(**self.valid(channel_ref='ASYNC-1',
                account_id='acc-9'))
        self.assertEqual(first.status_code, 200, first.text)
        answer, = first.json
        self.assertEqual(set(answer), {'token', 'service_notice',
                'account_id'})
        token = answer['token']
        self.assertIn(token, answer['service_notice'])
        again, = self.post(**self.valid(channel_ref='ASYNC-1')).json
        self.assertEqual(again['token'], token)
        xml = self.post(fmt='xml', **self.valid(channel_ref='ASYNC-2'))
        other = etree.fromstring(xml.data)[0].findtext('token')
        self.assertNotEqual(other, token)
        # queued: the token is known, the number not yet
        self.assertEqual(self.client().get(self.url(
                    f'tokens/{token}.json')).json,
            [{'service_request_id': None, 'token': token}])
        self.assertError(self.client().get(self.url('tokens/nope.json')),
            404)
        with Transaction().start(self.db_name, 0):
            self.assertEqual(
                Pool().get('sushi.ticket').search([], count=True), before)
        # two batches of one; taking the first fails as it does when
        # another process handled rows after this one's snapshot
        # (PostgreSQL's serialization failure): looked at again
        Intake = Pool(self.db_name).get('sushi.portal.intake')
        take, failed = Intake._take, []

        def take_once_failing(*args, **kwargs):
            if not failed:
                failed.append(True)
                raise backend.DatabaseOperationalError(
                    'could not serialize access due to concurrent update')
            return take(*args, **kwargs)
        with patch.object(Intake, '_take', take_once_failing):
            self.assertEqual(self.process_queue(batch_size=1), 2)
        self.assertEqual(failed, [True])
        self.assertEqual(self.process_queue(), 0)
        row, = self.client().get(self.url(f'tokens/{token}.json')).json
        number = row['service_request_id']
        self.assertTrue(number)
        root = etree.fromstring(self.client().get(self.url(
                    f'tokens/{other}.xml')).data)
        self.assertEqual(root.tag, 'service_requests')
        self.assertEqual([c.tag for c in root[0]],
            ['service_request_id', 'token'])
        ticket = self.ticket(number)
        self.assertEqual(ticket['state'], 'accepted')
        self.assertEqual(ticket['phone'], PHONE)
        self.assertEqual(ticket['name'], NAME_LAST + NAME_FIRST)
        self.assertEqual(ticket['type'], 'complaint')
        self.assertEqual(ticket['sms'], ['intake'])
        # a resubmission after the work order exists: the same token
        late, = self.post(**self.valid(channel_ref='ASYNC-1')).json
        self.assertEqual(late['token'], token)
        self.assertEqual(self.process_queue(), 0)
        with Transaction().start(self.db_name, 0):
            Intake = Pool().get('sushi.portal.intake')
            self.assertEqual(
                Pool().get('sushi.ticket').search([], count=True),
                before + 2)
            # the personal data leaves the queue with the work order
            self.assertEqual({i.data for i in Intake.search([])}, {None})

    def test_async_intake_failure(self):
        """INT-01: a queued request the work order refuses marks only
        itself failed; its token answers the reason.  What the drain's
        validation leaves to the POST (the place's and the link's own
        rules) is refused at the POST, nothing queued; what may change
        after it (a withdrawn type) is refused by the drain"""
        self.set_intake('batch')
        self.addCleanup(self.set_intake, 'realtime')
        with Transaction().start(self.db_name, 0):
            queued = Pool().get('sushi.portal.intake').search([], count=True)
        for data in [self.valid(lat='91', long='0'),
                self.valid(media_url='javascript:alert(1)'),
                self.valid(address_string='路\x00口')]:
            self.assertError(self.post(**data), 400)
        with Transaction().start(self.db_name, 0):
            self.assertEqual(Pool().get('sushi.portal.intake').search(
                    [], count=True), queued)
        good, = self.post(**self.valid(channel_ref='ASYNC-OK')).json
        bad, = self.post(**self.valid(channel_ref='ASYNC-BAD')).json
        with Transaction().start(self.db_name, 0) as transaction:
            Intake = Pool().get('sushi.portal.intake')
            intake, = Intake.search([('token', '=', bad['token'])])
            data = json.loads(intake.data)
            data['request_type'] = 'gone'  # as if a type was withdrawn
            Intake.write([intake], {'data': json.dumps(data)})
            transaction.commit()
        # in batches of one: a batch that is only the bad request too
        self.assertEqual(self.process_queue(batch_size=1), 2)
        self.assertEqual(self.process_queue(), 0)
        self.assertTrue(self.client().get(self.url(
                    f'tokens/{good["token"]}.json')).json[0][
                'service_request_id'])
        self.assertError(self.client().get(self.url(
                    f'tokens/{bad["token"]}.json')), 400)

    def intake_facts(self, number):
        """What the intake made of a request: the work order, its trail,
        its transition log, its SMS and its duplicate-check keys."""
        with Transaction().start(self.db_name, 0):
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Event = pool.get('sushi.ticket.event')
            Log = pool.get('ir.model.log')
            SMS = pool.get('sushi.sms')
            Key = pool.get('sushi.analysis.ticket_key')
            ticket, = Ticket.search([('number', '=', number)])
            resource = 'sushi.ticket,%s' % ticket.id
            return {
                'state': ticket.state,
                'number': ticket.number,
                'received_at': ticket.received_at,
                'dispatch_deadline': ticket.dispatch_deadline,
                'events': [(e.action, e.from_state, e.to_state)
                    for e in Event.search([('ticket', '=', ticket.id)],
                        order=[('id', 'ASC')])],
                'transitions': [g.target for g in Log.search([
                            ('resource', '=', resource),
                            ('event', '=', 'transition')])],
                'sms': [(m.kind, m.phone, number in m.text)
                    for m in SMS.search([('ticket', '=', ticket.id)])],
                'keys': {k.kind for k in Key.search(
                        [('ticket', '=', ticket.id)])},
                }

    def test_drain_same_as_synchronous(self):
        """INT-01, INT-04, INT-06, INT-07, TRI-04: the queue's batches
        make the same work orders as synchronous intake: number, dispatch
        deadline, state, intake and accept events, transition log, one
        acknowledgement SMS, duplicate-check keys; an incomplete request
        stays a draft without SMS in both"""
        complete = self.valid()
        incomplete = self.valid(phone=None, email=None)
        numbers = {}
        for ref, values in [('SYNC-C', complete), ('SYNC-I', incomplete)]:
            answer, = self.post(channel_ref=ref, **values).json
            numbers[ref] = answer['service_request_id']
        self.set_intake('batch')
        self.addCleanup(self.set_intake, 'realtime')
        tokens = {}
        for ref, values in [('BATCH-C', complete), ('BATCH-I', incomplete)]:
            answer, = self.post(channel_ref=ref, **values).json
            tokens[ref] = answer['token']
        # the cron's entry point, following the queue for a second
        self.configure(intake_follow_seconds=1)
        self.addCleanup(self.configure, intake_follow_seconds=55)
        with Transaction().start(self.db_name, 0) as transaction:
            self.assertEqual(
                Pool().get('sushi.portal.intake').follow_queue(), 2)
            transaction.commit()
        for ref, token in tokens.items():
            row, = self.client().get(self.url(f'tokens/{token}.json')).json
            numbers[ref] = row['service_request_id']
        # the classic path (create, then register_online's accept), as
        # the citizen pages take it
        with Transaction().start(self.db_name, 0) as transaction:
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Category = pool.get('sushi.category')
            category, = Category.search([('code', '=', self.service_code)])
            for ref, phone in [('CLASSIC-C', PHONE), ('CLASSIC-I', None)]:
                ticket, _ = Ticket.submit({
                        'channel': self.channels['mailbox'],
                        'channel_ref': ref, 'category': category.id,
                        'request_type': 'complaint',
                        'address': complete['address_string'],
                        'description': complete['description'],
                        'requester_name': NAME_LAST + NAME_FIRST,
                        'requester_phone': phone,
                        })
                Ticket.register_online([ticket])
                numbers[ref] = ticket.number
            transaction.commit()
        facts = {ref: self.intake_facts(n) for ref, n in numbers.items()}
        for ref in ['SYNC-C', 'BATCH-C', 'CLASSIC-C']:
            fact = facts[ref]
            received = fact['received_at']
            # INT-07: local date, channel 市长信箱 02, complaint 03, serial
            self.assertRegex(fact['number'], '^%s0203[0-9]+$'
                % (received + dt.timedelta(hours=8)).strftime('%Y%m%d'))
            # TRI-04: to be dispatched within 24 hours of the contact
            self.assertEqual(fact['dispatch_deadline'],
                received + dt.timedelta(hours=24))
            self.assertEqual(fact['state'], 'accepted')
            self.assertEqual(fact['events'], [('intake', None, 'draft'),
                    ('accept', 'draft', 'accepted')])
            self.assertEqual(fact['transitions'], ['state:accepted'])
            self.assertEqual(fact['sms'], [('intake', PHONE, True)])
            self.assertTrue({'phone', 'version'} <= fact['keys'])
        for ref in ['SYNC-I', 'BATCH-I', 'CLASSIC-I']:
            fact = facts[ref]
            self.assertEqual(fact['dispatch_deadline'],
                fact['received_at'] + dt.timedelta(hours=24))
            self.assertEqual(fact['state'], 'draft')
            self.assertEqual(fact['events'], [('intake', None, 'draft')])
            self.assertEqual(fact['transitions'], [])
            self.assertEqual(fact['sms'], [])
        for kind in 'CI':
            self.assertEqual(facts[f'SYNC-{kind}']['keys'],
                facts[f'BATCH-{kind}']['keys'])
            self.assertEqual(facts[f'SYNC-{kind}']['keys'],
                facts[f'CLASSIC-{kind}']['keys'])

    def test_async_intake_refuses_at_once(self):
        """INT-01: in batch mode a POST is refused at once (400, the
        specification's error body) for whatever the work order's create
        would refuse later, with the same answer as in realtime mode: one
        check.  These requests used to be queued and become failed
        tokens."""
        self.set_intake('batch')
        self.addCleanup(self.set_intake, 'realtime')
        # what only the work order's own validation refuses (a model's
        # validate, as an extension adds): a marker text here
        with Transaction().start(self.db_name, 0):
            Ticket = Pool().get('sushi.ticket')
        validate = Ticket.validate.__func__

        def refuse_marker(cls, tickets):
            for ticket in tickets:
                if '拒收标记' in (ticket.description or ''):
                    raise ValidationError('拒收标记：描述不合要求')
            validate(cls, tickets)
        data = self.valid(description='拒收标记 污水管道堵塞')
        with Transaction().start(self.db_name, 0):
            Intake = Pool().get('sushi.portal.intake')
            before = Intake.search([], count=True)
        with patch.object(Ticket, 'validate', classmethod(refuse_marker)):
            for fmt in ['json', 'xml']:
                response = self.post(fmt=fmt, **data)
                self.assertError(response, 400, fmt=fmt)
                text = response.data.decode('utf-8')
                self.assertIn('描述不合要求', text)
                self.assertNotIn('-1', text)
            # realtime answers the same refusal
            self.set_intake('realtime')
            realtime = self.post(**data)
            self.set_intake('batch')
            batch = self.post(**data)
        self.assertEqual(realtime.json, batch.json)
        with Transaction().start(self.db_name, 0):
            self.assertEqual(Intake.search([], count=True), before)
        # a phone's full GPS precision (GeoReport's example has 8
        # decimals) is taken, rounded to the field's 6
        accepted = self.post(**self.valid(lat='33.646123456789',
                long='116.98421234', channel_ref='GPS-FULL'))
        self.assertEqual(accepted.status_code, 200, accepted.text)
        with Transaction().start(self.db_name, 0) as transaction:
            queued, = Intake.search([('channel_ref', '=', 'GPS-FULL')])
            self.assertIn('33.646123', queued.data)
            self.assertNotIn('33.6461234', queued.data)
            # the next tests count the queue: leave it as it was
            Intake.delete([queued])
            transaction.commit()

    def test_intake_purge(self):
        """Handled queued requests older than intake_retention_days are
        deleted (their tokens then 404), queued ones are kept; a batch
        marks each request done with its own work order"""
        self.set_intake('batch')
        self.addCleanup(self.set_intake, 'realtime')
        self.configure(intake_retention_days=30)
        old, = self.post(**self.valid(channel_ref='PURGE-OLD')).json
        other, = self.post(**self.valid(channel_ref='PURGE-OTHER')).json
        self.assertEqual(self.process_queue(), 2)
        queued, = self.post(**self.valid(channel_ref='PURGE-QUEUED')).json
        with Transaction().start(self.db_name, 0) as transaction:
            Intake = Pool().get('sushi.portal.intake')
            done = Intake.search([('token', 'in',
                        [old['token'], other['token']])])
            self.assertEqual({(i.state, bool(i.ticket), i.data)
                    for i in done}, {('done', True, None)})
            self.assertNotEqual(done[0].ticket, done[1].ticket)
            handled_at = done[0].processed_at
            # 30 days after is kept, 31 days after is not
            with Transaction().set_context(
                    sushi_now=handled_at + dt.timedelta(days=30)):
                Intake.purge()
            self.assertEqual(Intake.search([('token', 'in', [
                            old['token'], other['token'],
                            queued['token']])], count=True), 3)
            with Transaction().set_context(
                    sushi_now=handled_at + dt.timedelta(days=31)):
                Intake.purge()
            self.assertEqual([i.token for i in Intake.search([('token', 'in',
                                [old['token'], other['token'],
                                    queued['token']])])],
                [queued['token']])
            transaction.commit()
        self.assertError(self.client().get(self.url(
                    f'tokens/{old["token"]}.json')), 404)
        # a late resubmission is linked to the work order, not duplicated
        self.post(**self.valid(channel_ref='PURGE-OLD'))
        with Transaction().start(self.db_name, 0):
            Ticket = Pool().get('sushi.ticket')
            count = Ticket.search([('channel_ref', '=', 'PURGE-OLD')],
                count=True)
        self.process_queue()
        with Transaction().start(self.db_name, 0):
            self.assertEqual(Ticket.search(
                    [('channel_ref', '=', 'PURGE-OLD')], count=True), count)
            self.assertEqual(count, 1)

    # GET requests
    def test_get_requests_without_personal_data(self):
        "PUB-05: GET shows no name, phone, e-mail or exact address"
        number = self.post(**self.valid())
        number = number.json[0]['service_request_id']
        for path in ['requests.json', 'requests.xml',
                f'requests/{number}.json', f'requests/{number}.xml',
                f'requests.json?service_request_id={number}']:
            with self.subTest(path=path):
                response = self.client().get(self.url(path))
                self.assertEqual(response.status_code, 200, response.text)
                text = response.data.decode('utf-8')
                self.assertIn(number, text)
                for secret in [PHONE, NAME_LAST + NAME_FIRST, NAME_FIRST,
                        'qian@example.org', '88号', '501室', '33.6461']:
                    self.assertNotIn(secret, text)
        row, = self.client().get(self.url(f'requests/{number}.json')).json
        self.assertEqual(row['status'], 'open')
        self.assertRegex(row['requested_datetime'], W3C)
        self.assertEqual(row['address'], '埇桥区汴河路**')
        self.assertEqual(row['service_code'], self.service_code)

    def test_public_cache(self):
        """PUB-05: the public GET answers are served again from the
        process's cache, which keeps only successful, public answers and
        forgets them when a work order is edited: an order withdrawn from
        publication shows no description in the very next answer"""
        from trytond.modules.sushi_portal.open311 import _public
        number = self.post(**self.valid()).json[0]['service_request_id']

        def disclose(value):
            with Transaction().start(self.db_name, 0) as transaction:
                Ticket = Pool().get('sushi.ticket')
                Ticket.write(Ticket.search([('number', '=', number)]),
                    {'disclosure': value})
                transaction.commit()
        disclose(True)
        path = self.url(f'requests/{number}.json')
        first = self.client().get(path)
        hits = _public.hit
        again = self.client().get(path)
        self.assertEqual(_public.hit, hits + 1)
        self.assertEqual(again.data, first.data)
        self.assertEqual(again.headers['Content-Type'],
            'application/json')
        self.assertTrue(first.json[0]['description'])
        self.assertNotIn(PHONE, again.data.decode('utf-8'))
        # its channel's lookup by number (with its api_key) is its own:
        # neither served from nor kept in the public answers
        own = self.client().get(path + '?api_key=' + self.key)
        self.assertEqual(_public.hit, hits + 1)
        self.assertEqual(own.data, first.data)
        disclose(False)
        # PUB-03: an order kept from publication is unknown to anyone but
        # its channel, which sees no description
        self.assertError(self.client().get(path), 404)
        own = self.client().get(path + '?api_key=' + self.key)
        self.assertIsNone(own.json[0]['description'])
        self.assertEqual(own.headers['Cache-Control'], 'private, no-store')
        self.assertError(self.client().get(path), 404)
        # a refusal is never kept
        hits = _public.hit
        for _ in range(2):
            self.assertError(self.client().get(
                    self.url('requests/NOPE-1.json')), 404)
        self.assertEqual(_public.hit, hits)

    def test_get_requests_filters(self):
        "service_request_id, service_code, status, dates and their limits"
        number = self.post(**self.valid()).json[0]['service_request_id']
        numbers = lambda path: [r['service_request_id']
            for r in self.client().get(self.url(path)).json]
        self.assertIn(number, numbers('requests.json'))
        self.assertIn(number, numbers(
                f'requests.json?service_code={self.service_code}'))
        self.assertNotIn(number, numbers('requests.json?status=closed'))
        self.assertIn(number, numbers('requests.json?status=open,closed'))
        # "can be declared multiple times": repeated, not only comma-joined
        self.assertIn(number, numbers(
                'requests.json?status=closed&status=open'
                f'&service_code=nope&service_code={self.service_code}'))
        self.assertNotIn(number, numbers(
                'requests.json?status=closed&status=closed'))
        self.assertEqual(numbers(
                f'requests.json?service_request_id={number},nope'
                '&status=closed'), [number])
        self.assertNotIn(number, numbers(
                'requests.json?start_date=2020-01-01T00:00:00%2B08:00'
                '&end_date=2020-02-01T00:00:00%2B08:00'))
        # PUB-05, PUB-03: a report (举报), praise or an order exempted from
        # publication is not in the public list, nor answered by number to
        # anyone (as an unknown number: numbers are sequential); its
        # channel still reads it by number with its api_key, and that
        # answer is kept by no cache
        report = self.post(**self.valid(**{
                    'attribute[request_type]': 'report',
                    'description': '举报汴河路某饭店占道经营。'})
            ).json[0]['service_request_id']
        own = f'&api_key={self.key}'
        self.assertNotIn(report, numbers('requests.json'))
        for _ in range(2):
            self.assertEqual(numbers(
                    f'requests.json?service_request_id={report}' + own),
                [report])
            self.assertEqual(numbers(
                    f'requests/{report}.json?' + own[1:]), [report])
            self.assertEqual(numbers(
                    f'requests.json?service_request_id={report}'), [])
            self.assertError(self.client().get(
                    self.url(f'requests/{report}.json')), 404)
        self.assertEqual(numbers(f'requests.json?service_request_id={report}'
                f'&api_key={self.app_key}'), [])
        self.assertError(self.client().get(self.url(
                    f'requests/{report}.json?api_key={self.app_key}')), 404)
        with Transaction().start(self.db_name, 0) as transaction:
            Ticket = Pool().get('sushi.ticket')
            Ticket.write(Ticket.search([('number', '=', number)]),
                {'disclosure': False})
            transaction.commit()
        self.assertNotIn(number, numbers('requests.json'))
        self.assertError(self.client().get(
                self.url(f'requests/{number}.json')), 404)
        self.assertEqual(numbers(f'requests/{number}.json?' + own[1:]),
            [number])
        for query in ['start_date=yesterday', 'status=pending',
                'start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z',
                'start_date=2020-02-01&end_date=2020-01-01',
                'service_request_id=a;b']:
            with self.subTest(query=query):
                self.assertError(self.client().get(
                        self.url('requests.json?' + query)), 400)

    def test_get_requests_hide_draft_and_rejected(self):
        """PUB-02, SCP-02, security: no public GET shows a draft (an
        incomplete request, not yet a service request) or an order not
        accepted (不予受理), not even by its number: GET requests (every
        filter), GET requests/<id> (404 as for an unknown number) in JSON
        and XML; once the draft is accepted it shows"""
        # a complete request: registered (accepted), public
        shown = self.post(**self.valid(
                description='汴河路路灯不亮。')).json[0]['service_request_id']
        # no phone: stays a draft for the call-taker
        draft = self.post(**self.valid(phone=None, email=None,
                description='汴河路有个坑。')).json[0]['service_request_id']
        rejected = self.post(**self.valid(
                description='要求法院改判我的民事案件。')
            ).json[0]['service_request_id']
        self.reject(rejected)
        with Transaction().start(self.db_name, 0) as transaction:
            Ticket = Pool().get('sushi.ticket')
            self.assertEqual(
                Ticket.search([('number', '=', draft)])[0].state, 'draft')
        with Transaction().start(self.db_name, 0) as transaction:
            clear_public()
            transaction.commit()
        everything = f'{shown},{draft},{rejected}'
        # query: whether the accepted one is in its answer
        for query, with_shown in [('', True), ('status=open', True),
                ('status=closed', False), ('status=open,closed', True),
                (f'service_code={self.service_code}', True),
                (f'service_request_id={everything}', True),
                (f'service_request_id={draft}', False),
                (f'service_request_id={rejected}&status=closed', False)]:
            for fmt in ['json', 'xml']:
                with self.subTest(query=query, fmt=fmt):
                    response = self.client().get(
                        self.url(f'requests.{fmt}?{query}'))
                    self.assertEqual(response.status_code, 200,
                        response.text)
                    text = response.data.decode('utf-8')
                    self.assertNotIn(draft, text)
                    self.assertNotIn(rejected, text)
                    self.assertEqual(shown in text, with_shown)
        for number in [draft, rejected]:
            for fmt in ['json', 'xml']:
                with self.subTest(number=number, fmt=fmt):
                    self.assertError(self.client().get(
                            self.url(f'requests/{number}.{fmt}')), 404, fmt)
        row, = self.client().get(self.url(f'requests/{shown}.json')).json
        self.assertEqual(row['service_request_id'], shown)
        # the draft completed and accepted by the call-taker shows
        with Transaction().start(self.db_name, 0) as transaction:
            Ticket = Pool().get('sushi.ticket')
            ticket, = Ticket.search([('number', '=', draft)])
            ticket.requester_phone = PHONE
            ticket.save()
            Ticket.accept([ticket])
            clear_public()
            transaction.commit()
        row, = self.client().get(self.url(f'requests/{draft}.json')).json
        self.assertEqual(row['status'], 'open')

    def test_rejected_after_accept_leaves_cache(self):
        """SCP-02, PUB-02: an accepted order the call-taker then finds
        out of scope (不予受理) leaves the public answers at once, though
        both were served from the cache a moment before: GET requests/<id>
        answers 404 and GET requests no longer lists it"""
        number = self.post(**self.valid(
                description='要求法院改判我的民事案件。')
            ).json[0]['service_request_id']
        one = self.url(f'requests/{number}.json')
        every = self.url(f'requests.json?service_request_id={number}')
        listed = lambda: [r['service_request_id']
            for r in self.client().get(every).json]
        self.assertEqual(self.client().get(one).status_code, 200)
        self.assertEqual(listed(), [number])
        from trytond.modules.sushi_portal.open311 import _public
        hits = _public.hit
        self.assertEqual(self.client().get(one).status_code, 200)
        self.assertEqual(listed(), [number])
        self.assertEqual(_public.hit, hits + 2)
        with Transaction().start(self.db_name, 0):
            Ticket = Pool().get('sushi.ticket')
            self.assertEqual(
                Ticket.search([('number', '=', number)])[0].state,
                'accepted')
        self.reject(number)
        self.assertError(self.client().get(one), 404)
        self.assertEqual(listed(), [])

    def test_post_location_media_jurisdiction(self):
        """INT-01: lat/long alone or address_string alone locate a request;
        media_url is kept and shown; the right jurisdiction_id is accepted,
        another is 404"""
        response = self.post(**self.valid(address_string=None,
                lat='33.64612', long='116.98431',
                media_url='https://img.example.org/p/1.jpg',
                jurisdiction_id='suzhou.ah.cn'))
        self.assertEqual(response.status_code, 200, response.text)
        number = response.json[0]['service_request_id']
        row, = self.client().get(self.url(f'requests/{number}.json')).json
        # rounded to 3 decimals (about 100 m): PUB-05
        self.assertEqual((row['lat'], row['long']), (33.646, 116.984))
        self.assertEqual(row['media_url'], 'https://img.example.org/p/1.jpg')
        self.assertIsNone(row['address'])
        response = self.post(**self.valid(lat=None, long=None,
                address_string='埇桥区银河一路'))
        self.assertEqual(response.status_code, 200, response.text)
        number = response.json[0]['service_request_id']
        row, = self.client().get(self.url(f'requests/{number}.json')).json
        self.assertEqual((row['lat'], row['long']), (None, None))
        self.assertEqual(row['address'], '埇桥区银河一路')
        self.assertError(self.post(**self.valid(
                    jurisdiction_id='hefei.ah.cn')), 404)
        self.assertError(self.post(**self.valid(lat='33.6', long=None,
                    address_string=None)), 400)

    def test_get_requests_limits(self):
        """INT-01: GET requests answers the last 90 days by default, at most
        requests_limit rows, newest first; datetimes are W3C at +08:00"""
        old_received = (dt.datetime.utcnow().replace(microsecond=0)
            - dt.timedelta(days=100))
        # 100 days ago at +08:00, by hand
        old_local = (old_received + dt.timedelta(hours=8)).strftime(
            '%Y-%m-%dT%H:%M:%S+08:00')
        with Transaction().start(self.db_name, 0) as transaction:
            Ticket = Pool().get('sushi.ticket')
            old, = Ticket.create([{
                        'channel': self.channels['app'],
                        'request_type': 'help', 'title': '旧诉求',
                        'description': '一百天前的诉求。',
                        'requester_name': '赵先生',
                        'requester_phone': '13905570009',
                        'received_at': old_received}])
            # registered: a draft shows in no public GET
            Ticket.accept([old])
            old_number = old.number
            transaction.commit()
        numbers = [self.post(**self.valid()).json[0]['service_request_id']
            for _ in range(3)]
        listed = [r['service_request_id']
            for r in self.client().get(self.url('requests.json')).json]
        self.assertNotIn(old_number, listed)
        self.assertEqual(listed[:3], numbers[::-1])
        # dates are local (+08:00) midnights: from the day before the
        # local day of old_received to the day after (a UTC date is the
        # wrong day from 16:00 UTC on)
        old_day = (old_received + dt.timedelta(hours=8)).date()
        start = (old_day - dt.timedelta(days=1)).isoformat()
        end = (old_day + dt.timedelta(days=1)).isoformat()
        row, = [r for r in self.client().get(self.url(
                    f'requests.json?start_date={start}&end_date={end}')).json
            if r['service_request_id'] == old_number]
        self.assertEqual(row['requested_datetime'], old_local)
        for name in ['updated_datetime', 'expected_datetime']:
            self.assertTrue(row[name] is None or W3C.match(row[name]), name)
        self.configure(requests_limit=2)
        try:
            listed = [r['service_request_id']
                for r in self.client().get(self.url('requests.json')).json]
            self.assertEqual(listed, numbers[:0:-1])
            # more ids than the limit is refused
            self.assertError(self.client().get(self.url(
                        'requests.json?service_request_id='
                        + ','.join(numbers))), 400)
        finally:
            self.configure(requests_limit=1000)

    def test_key_rotation_grace(self):
        """INT-01: a rotated key keeps working during its grace period, the
        successor at once; a revoked key stops at once"""
        with Transaction().start(self.db_name, 0) as transaction:
            APIKey = Pool().get('sushi.portal.api_key')
            Channel = Pool().get('sushi.channel')
            (key, old), = APIKey.issue([Channel(self.channels['app'])])
            (successor, new), = APIKey.rotate_keys([key],
                grace=dt.timedelta(hours=1))
            transaction.commit()
        for secret in [old, new]:
            self.assertEqual(self.post(**self.valid(), api_key=secret
                    ).status_code, 200)
        with Transaction().start(self.db_name, 0) as transaction:
            APIKey = Pool().get('sushi.portal.api_key')
            APIKey.revoke([APIKey(key.id)])
            transaction.commit()
        self.assertError(self.post(**self.valid(), api_key=old), 403)
        self.assertEqual(self.post(**self.valid(), api_key=new
                ).status_code, 200)

    def test_no_personal_data_in_any_get(self):
        """PUB-05, PUB-06: no GET route of the API (discovery, services,
        definitions, requests, tokens, OpenAPI) shows the planted name,
        phone, e-mail, device_id, account_id or house number, in JSON or
        XML"""
        private = {'device_id': 'dev-secret-4711',
            'account_id': 'acc-secret-0815'}
        number = self.post(**self.valid(**private)
            ).json[0]['service_request_id']
        self.set_intake('batch')
        self.addCleanup(self.set_intake, 'realtime')
        token = self.post(**self.valid(channel_ref='PD-1', **private)
            ).json[0]['token']
        self.process_queue()
        paths = ['openapi.json']
        for fmt in ['json', 'xml']:
            paths += [f'discovery.{fmt}', f'services.{fmt}',
                f'services/{self.service_code}.{fmt}', f'requests.{fmt}',
                f'requests/{number}.{fmt}', f'tokens/{token}.{fmt}',
                f'requests.{fmt}?service_request_id={number}']
        for path in paths:
            with self.subTest(path=path):
                response = self.client().get(self.url(path))
                self.assertEqual(response.status_code, 200, response.text)
                text = response.data.decode('utf-8')
                for secret in [PHONE, NAME_LAST + NAME_FIRST, NAME_FIRST,
                        'qian@example.org', '88号', '501室', '33.6461',
                        *private.values()]:
                    self.assertNotIn(secret, text)

    def test_pub05_address_naming_requester(self):
        """PUB-05, PUB-06: an address that names the requester (汴河路88号
        钱多多家门口) is shown cut to its road without the name, in the
        list, by number and by service_request_id, JSON and XML; the
        title (name and phone in it) is never shown"""
        number = self.post(**self.valid(
                address_string='埇桥区汴河路88号钱多多家门口',
                **{'attribute[title]': f'钱多多反映{PHONE}家门口污水'})
            ).json[0]['service_request_id']
        for path in ['requests.json', 'requests.xml',
                f'requests/{number}.json', f'requests/{number}.xml',
                f'requests.json?service_request_id={number}']:
            with self.subTest(path=path):
                response = self.client().get(self.url(path))
                self.assertEqual(response.status_code, 200, response.text)
                text = response.data.decode('utf-8')
                self.assertIn(number, text)
                for secret in [PHONE, NAME_FIRST, '88号', '家门口污水']:
                    self.assertNotIn(secret, text)
        row, = self.client().get(self.url(f'requests/{number}.json')).json
        # the name 某某 (PUB-05), the house number ** (the road kept)
        self.assertEqual(row['address'], '埇桥区汴河路**某某家门口')

    # the specification read as a strict validator reads it
    def test_shapes_both_formats(self):
        """GeoReport v2 and Service Discovery, the example responses: every
        answer has the specification's elements, in its order, nothing
        foreign, in XML (root, repeated item) and in JSON (the same names;
        an array where the XML repeats, booleans true/false, empty fields
        null)"""
        number = self.post(**self.valid()).json[0]['service_request_id']
        service = ['service_code', 'service_name', 'description',
            'metadata', 'type', 'keywords', 'group']
        attribute = ['variable', 'code', 'datatype', 'required',
            'datatype_description', 'order', 'description', 'values']
        request = ['service_request_id', 'status', 'status_notes',
            'service_name', 'service_code', 'description',
            'agency_responsible', 'service_notice', 'requested_datetime',
            'updated_datetime', 'expected_datetime', 'address', 'address_id',
            'zipcode', 'lat', 'long', 'media_url']
        endpoint = ['specification', 'url', 'changeset', 'type', 'formats']

        def get(path):
            response = self.client().get(self.url(path))
            self.assertEqual(response.status_code, 200, response.text)
            if path.endswith('.xml'):
                # "Encoding": "the XML declaration including the
                # encoding="UTF-8" attribute"
                self.assertTrue(response.data.startswith(
                        b'<?xml version="1.0" encoding="UTF-8"?>\n<'))
            return response
        # XML
        root = etree.fromstring(get('services.xml').data)
        self.assertEqual(root.tag, 'services')
        self.assertEqual({c.tag for c in root}, {'service'})
        self.assertEqual({tuple(c.tag for c in s) for s in root},
            {tuple(service)})
        self.assertEqual({s.findtext('metadata') for s in root}, {'true'})
        root = etree.fromstring(
            get(f'services/{self.service_code}.xml').data)
        self.assertEqual([c.tag for c in root],
            ['service_code', 'attributes'])
        for element in root.find('attributes'):
            self.assertEqual(element.tag, 'attribute')
            self.assertEqual([c.tag for c in element], attribute)
            self.assertIn(element.findtext('required'), {'true', 'false'})
            self.assertIn(element.findtext('datatype'), {'string', 'number',
                    'datetime', 'text', 'singlevaluelist',
                    'multivaluelist'})
            for value in element.find('values'):
                self.assertEqual(value.tag, 'value')
                self.assertEqual([c.tag for c in value], ['key', 'name'])
        for path in ['requests.xml', f'requests/{number}.xml']:
            root = etree.fromstring(get(path).data)
            self.assertEqual(root.tag, 'service_requests')
            self.assertEqual({c.tag for c in root}, {'request'})
            self.assertEqual({tuple(c.tag for c in r) for r in root},
                {tuple(request)})
        root = etree.fromstring(self.post(fmt='xml', **self.valid()).data)
        self.assertEqual(root.tag, 'service_requests')
        self.assertEqual([c.tag for c in root[0]],
            ['service_request_id', 'service_notice', 'account_id'])
        root = etree.fromstring(get('discovery.xml').data)
        self.assertEqual([c.tag for c in root],
            ['changeset', 'contact', 'key_service', 'endpoints'])
        endpoint_xml, = root.find('endpoints')
        self.assertEqual(endpoint_xml.tag, 'endpoint')
        self.assertEqual([c.tag for c in endpoint_xml], endpoint)
        self.assertEqual([c.tag for c in endpoint_xml.find('formats')],
            ['format', 'format'])
        # JSON: the same names, arrays for what repeats
        services = get('services.json').json
        self.assertIsInstance(services, list)
        self.assertEqual({tuple(s) for s in services}, {tuple(service)})
        self.assertEqual({s['metadata'] for s in services}, {True})
        definition = get(f'services/{self.service_code}.json').json
        self.assertEqual(list(definition), ['service_code', 'attributes'])
        for entry in definition['attributes']:
            self.assertEqual(list(entry), attribute)
            self.assertIsInstance(entry['required'], bool)
            self.assertIsInstance(entry['variable'], bool)
            self.assertIsInstance(entry['order'], int)
            self.assertIsInstance(entry['values'], list)
        for path in ['requests.json', f'requests/{number}.json']:
            rows = get(path).json
            self.assertIsInstance(rows, list)
            self.assertEqual({tuple(r) for r in rows}, {tuple(request)})
        row, = get(f'requests/{number}.json').json
        self.assertIsNone(row['zipcode'])
        self.assertIsInstance(row['lat'], float)
        answer = self.post(**self.valid()).json
        self.assertIsInstance(answer, list)
        self.assertEqual(list(answer[0]),
            ['service_request_id', 'service_notice', 'account_id'])
        document = get('discovery.json').json
        self.assertEqual(list(document),
            ['changeset', 'contact', 'key_service', 'endpoints'])
        self.assertEqual(list(document['endpoints'][0]), endpoint)
        self.assertEqual(document['endpoints'][0]['formats'],
            ['text/xml', 'application/json'])

    def test_closed_status(self):
        """GeoReport v2, a request: status is open or closed; "For
        requests with status=closed, [updated_datetime] will be the date
        the request was closed"; the status filter selects by it, in both
        formats"""
        with Transaction().start(self.db_name, 0) as transaction:
            Ticket = Pool().get('sushi.ticket')
            ticket, = Ticket.create([{
                        'channel': self.channels['app'],
                        'request_type': 'consult', 'title': '咨询公积金',
                        'description': '公积金怎么提取？',
                        'answer': '携身份证到公积金中心办理。',
                        'answer_basis': '《住房公积金管理条例》第二十四条',
                        'requester_name': '孙女士',
                        'requester_phone': '13905570008'}])
            Ticket.answer_directly([ticket])
            number = ticket.number
            closed_at = Ticket(ticket.id).closed_at
            clear_public()
            transaction.commit()
        # the closing time at +08:00, by hand
        closed = (closed_at + dt.timedelta(hours=8)).strftime(
            '%Y-%m-%dT%H:%M:%S+08:00')
        row, = self.client().get(self.url(f'requests/{number}.json')).json
        self.assertEqual(row['status'], 'closed')
        self.assertEqual(row['updated_datetime'], closed)
        root = etree.fromstring(self.client().get(
                self.url(f'requests/{number}.xml')).data)
        self.assertEqual(root.findtext('request/status'), 'closed')
        self.assertEqual(root.findtext('request/updated_datetime'), closed)
        for status, shown in [('closed', True), ('open', False),
                ('open,closed', True), ('', True)]:
            with self.subTest(status=status):
                rows = self.client().get(self.url(
                        f'requests.json?status={status}')).json
                self.assertEqual(
                    number in [r['service_request_id'] for r in rows], shown)

    def test_head_allow_and_root(self):
        """HTTP: HEAD answers as GET without a body; a refused method (HTTP
        400, body code 405, GeoReport v2 "Errors") names the allowed ones in
        Allow; the endpoint's root is the specification's 404 error, not
        an HTML page"""
        for path, content_type in [
                ('services.xml', 'text/xml'),
                (f'services/{self.service_code}.json',
                    'application/json'),
                ('requests.json', 'application/json'),
                ('discovery.xml', 'text/xml')]:
            with self.subTest(path=path):
                response = self.client().head(self.url(path))
                self.assertEqual(response.status_code, 200, response.text)
                self.assertEqual(response.headers['Content-Type'],
                    content_type)
                self.assertEqual(response.data, b'')
        for method, path, allow in [
                ('DELETE', 'services.json', 'GET, HEAD'),
                ('PUT', 'requests.json', 'GET, HEAD, POST'),
                ('POST', 'tokens/abc.json', 'GET, HEAD')]:
            with self.subTest(method=method, path=path):
                response = self.client().open(self.url(path), method=method)
                self.assertError(response, 405)
                self.assertEqual(response.headers['Allow'], allow)
        for path in [f'/{self.db_name}/open311/v2',
                f'/{self.db_name}/open311/v2/']:
            with self.subTest(path=path):
                self.assertError(self.client().get(path), 404, fmt='xml')

    def test_dates_w3c(self):
        """GeoReport v2 "Date/time format": start_date and end_date are the
        W3C profile of ISO 8601 with a timezone (Z or an offset) that
        "must be included"; the same instant written either way selects
        the same requests; a time without a timezone, or another ISO 8601
        form, is a 400 error; one date alone spans 90 days ("Default query
        limit is a span of 90 days")"""
        number = self.post(**self.valid()).json[0]['service_request_id']
        row, = self.client().get(self.url(f'requests/{number}.json')).json
        local = dt.datetime.strptime(row['requested_datetime'],
            '%Y-%m-%dT%H:%M:%S+08:00')
        utc = local - dt.timedelta(hours=8)

        def listed(query):
            response = self.client().get(self.url('requests.json?' + query))
            self.assertEqual(response.status_code, 200, response.text)
            return number in [r['service_request_id'] for r in response.json]
        z = lambda t: t.strftime('%Y-%m-%dT%H:%M:%SZ')
        shanghai = lambda t: t.strftime('%Y-%m-%dT%H:%M:%S')
        minute = dt.timedelta(minutes=1)
        for query, shown in [
                (f'start_date={z(utc - minute)}', True),
                (f'start_date={z(utc + minute)}', False),
                (f'start_date={shanghai(local - minute)}%2B08:00', True),
                (f'start_date={shanghai(local + minute)}%2B08:00', False),
                # the "+" unencoded, decoded as a space by the query string
                (f'start_date={shanghai(local - minute)}+08:00', True),
                # the same instant as UTC-05:00
                ('start_date=' + shanghai(utc - minute
                        - dt.timedelta(hours=5)) + '-05:00', True),
                ('start_date=' + (utc - minute).strftime(
                        '%Y-%m-%dT%H:%M:%S.123456789Z'), True),
                ('start_date=' + (utc + minute).strftime(
                        '%Y-%m-%dT%H:%MZ'), False),
                (f'end_date={z(utc + minute)}', True),
                (f'end_date={z(utc - minute)}', False),
                # 91 days before: its 90 days end a day before the request
                (f'start_date={z(utc - dt.timedelta(days=91))}', False),
                (f'start_date={z(utc - dt.timedelta(days=89))}', True),
                (f'start_date={z(utc - minute)}'
                    f'&end_date={z(utc + minute)}', True),
                # the window stops at the ends of the calendar
                ('start_date=9999-12-31T00:00:00Z', False),
                ('end_date=0001-01-02T00:00:00Z', False)]:
            with self.subTest(query=query):
                self.assertEqual(listed(query), shown)
        for query in ['start_date=2026-11-01T00:00:00',
                'end_date=2026-11-01T08:00', 'start_date=2026-W48',
                'start_date=20261101T000000Z',
                'start_date=2026-11-01 00:00:00Z',
                'start_date=2026-11-01T00:00:00%2B0800',
                'start_date=2026-11-31T00:00:00Z',
                'start_date=2026-11-01T24:00:00Z',
                'start_date=2026-11-01T00:00:00%2B25:00']:
            with self.subTest(query=query):
                self.assertError(self.client().get(
                        self.url('requests.json?' + query)), 400)

    def test_utf8_required(self):
        """GeoReport v2 "Encoding": "All text received by the service from
        the client will be assumed to be UTF-8 and must be decoded
        accordingly": bytes that are not UTF-8 are a 400 error (not
        replaced by U+FFFD and saved); UTF-8 passes"""
        body = ('api_key=%s&service_code=%s&attribute%%5Brequest_type%%5D='
            'complaint&phone=%s&description=ok&address_string=' % (
                self.key, self.service_code, PHONE)).encode('ascii')
        with Transaction().start(self.db_name, 0):
            before = Pool().get('sushi.ticket').search([], count=True)
        for fmt in ['json', 'xml']:
            with self.subTest(fmt=fmt):
                # GBK 汴河路 percent-encoded: not UTF-8
                self.assertError(self.client().post(
                        self.url(f'requests.{fmt}'),
                        data=body + b'%E3%EA%BA%D3%C2%B7',
                        content_type='application/x-www-form-urlencoded'),
                    400, fmt)
                self.assertError(self.client().get(
                        self.url(f'requests.{fmt}?service_code=%E3%EA')),
                    400, fmt)
        with Transaction().start(self.db_name, 0):
            after = Pool().get('sushi.ticket').search([], count=True)
        self.assertEqual(before, after)
        response = self.client().post(self.url('requests.json'),
            data=body + b'%E6%B1%B4%E6%B2%B3%E8%B7%AF',
            content_type='application/x-www-form-urlencoded; charset=utf-8')
        self.assertEqual(response.status_code, 200, response.text)

    def test_discovery_changeset(self):
        """Service Discovery: "an updated changeset indicates that there
        has been an update ... to the Service Definitions": a category
        renamed (a service) moves the changeset, in both formats, to the
        time of that edit"""
        from trytond.modules.sushi_portal.open311 import _catalogue
        with Transaction().start(self.db_name, 0) as transaction:
            Category = Pool().get('sushi.category')
            category, = Category.search([('code', '=', self.service_code)])
            name = category.name
            category.name = name + '（改）'
            category.save()
            category.name = name
            category.save()
            written = Category(category.id).write_date
            _catalogue.clear()
            clear_public()
            transaction.commit()
        # the edit's time at +08:00, by hand
        expected = (written + dt.timedelta(hours=8)).strftime(
            '%Y-%m-%dT%H:%M:%S+08:00')
        document = self.client().get(self.url('discovery.json')).json
        self.assertEqual(document['changeset'], expected)
        self.assertEqual(document['endpoints'][0]['changeset'], expected)
        root = etree.fromstring(
            self.client().get(self.url('discovery.xml')).data)
        self.assertEqual(root.findtext('changeset'), expected)
        self.assertEqual(root.findtext('endpoints/endpoint/changeset'),
            expected)

    def test_description_limit(self):
        """GeoReport v2, a request's description: "free form text limited
        to 4,000 characters"; an order taken on the phone with a longer
        one shows its first 4 000 characters, in both formats; without a
        category its service_code is the empty string, never null (a
        required string in open311/schema-validation's request.json)"""
        with Transaction().start(self.db_name, 0) as transaction:
            Ticket = Pool().get('sushi.ticket')
            ticket, = Ticket.create([{
                        'channel': self.channels['app'],
                        'request_type': 'complaint', 'title': '长诉求',
                        'description': '汴河路污水管道堵塞，' * 500,
                        'requester_name': '赵先生',
                        'requester_phone': '13905570009'}])
            Ticket.accept([ticket])
            number = ticket.number
            transaction.commit()
        row, = self.client().get(self.url(f'requests/{number}.json')).json
        self.assertEqual(row['description'], '汴河路污水管道堵塞，' * 400)
        self.assertEqual(row['service_code'], '')
        # POST: 4 000 characters pass, 4 001 are refused
        self.assertEqual(self.post(**self.valid(description='字' * 4000)
                ).status_code, 200)
        self.assertError(self.post(**self.valid(description='字' * 4001)),
            400)
        root = etree.fromstring(
            self.client().get(self.url(f'requests/{number}.xml')).data)
        self.assertEqual(len(root.findtext('request/description')), 4000)

    # fuzz
    def test_fuzz(self):
        "Fuzz every route: no 5xx, every refusal an Open311 error body"
        rng = random.Random(311)
        nasty = ['', ' ', '\x00', '\ud800', '💩' * 300, 'é' * 5000,
            "' OR 1=1 --", '"; DROP TABLE sushi_ticket; --',
            '<script>alert(1)</script>', '../../etc/passwd', '%00',
            '{"a":', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e '
            'SYSTEM "file:///etc/passwd">]><x>&e;</x>', '-1', '1e309',
            'NaN', '9' * 400, '2026-02-30T25:61:00+08:00', '0000-00-00',
            'attribute[request_type]', '\u202e\u200b', 'null', '[]', '{}']
        paths = ['discovery.json', 'discovery.xml', 'services.json',
            'services.xml', f'services/{self.service_code}.json',
            'requests.json', 'requests.xml', 'requests/1.json',
            'tokens/1.xml', 'services/%s.json' % rng.choice(nasty)[:20]]
        keys = ['api_key', 'service_code', 'lat', 'long', 'address_string',
            'description', 'phone', 'media_url', 'start_date', 'end_date',
            'status', 'service_request_id', 'jurisdiction_id',
            'attribute[request_type]', 'attribute[x]', 'channel_ref',
            'first_name', 'attribute[region]']
        seen = set()
        for i in range(300):
            path = rng.choice(paths)
            method = rng.choice(['GET', 'POST', 'POST', 'PUT'])
            data = {rng.choice(keys): rng.choice(nasty)
                for _ in range(rng.randint(0, 6))}
            if rng.random() < 0.5:
                data.update(self.valid(api_key=self.key))
                data[rng.choice(keys)] = rng.choice(nasty)
            kind = rng.choice(['form', 'json', 'raw', 'query'])
            fmt = 'xml' if path.endswith('.xml') else 'json'
            client = self.client()
            try:
                if kind == 'json':
                    body = json.dumps(data if rng.random() < 0.8
                        else rng.choice([[1], 'x', 3]))
                    response = client.open(self.url(path), method=method,
                        data=body, content_type='application/json')
                elif kind == 'raw':
                    response = client.open(self.url(path), method=method,
                        data=rng.choice(nasty).encode('utf-8', 'replace'),
                        content_type=rng.choice(['text/xml',
                                'application/json', 'text/plain',
                                'application/x-www-form-urlencoded']))
                elif kind == 'query':
                    response = client.open(self.url(path), method=method,
                        query_string={k: v.encode('utf-8', 'replace')
                            for k, v in data.items()})
                else:
                    response = client.open(self.url(path), method=method,
                        data={k: v.encode('utf-8', 'replace')
                            for k, v in data.items()})
            except UnicodeEncodeError:
                continue
            with self.subTest(i=i, path=path, method=method, kind=kind):
                self.assertIn(response.status_code, {200, 400, 403, 404},
                    response.text)
                code = response.status_code
                if response.status_code >= 400:
                    code, = self.assertError(response, None, fmt=fmt)
                    # no failure hides behind the specification's 400
                    self.assertLess(code, 500, response.text)
                seen.add(code)
        self.assertTrue({200, 400, 403, 404, 405} <= seen, seen)


class RateLimiterTestCase(__import__('unittest').TestCase):
    "The sliding window of the rate limit"

    def test_sliding_window(self):
        "3 a minute: the 4th is refused; half a minute later 1.5 weigh on"
        from trytond.modules.sushi_portal.api_key import RateLimiter
        limiter = RateLimiter(window=60)
        self.assertEqual([limiter.allow('k', 3, now=t)
                for t in [0, 1, 2, 3]], [True, True, True, False])
        # at 90 s the previous minute's 3 requests count half (1.5):
        # 1.5 + 1 and 1.5 + 2 pass under 3, the third is refused
        self.assertEqual([limiter.allow('k', 3, now=90 + i / 10)
                for i in range(3)], [True, True, False])
        # two minutes later the slate is clean
        self.assertEqual([limiter.allow('k', 3, now=200 + i)
                for i in range(4)], [True, True, True, False])
