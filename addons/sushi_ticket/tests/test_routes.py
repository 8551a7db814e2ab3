# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SMS gateway posts the requester's answer to the rating SMS."""
import json

from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase
from trytond.transaction import Transaction

from .tools import (
    at, create_ticket, local, setup_network, sushi_config, dispatch_ticket)

TOKEN = 'gateway-secret'


class SMSInboundTestCase(RouteTestCase):
    "Incoming rating SMS"
    module = 'sushi_ticket'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Reply = pool.get('sushi.ticket.reply')
        ns = setup_network()
        cls.numbers = []
        for phone in ['13805571111', '13805572222', '13805573333',
                '13805574444']:
            ticket = create_ticket(requester_phone=phone)
            with at(2025, 3, 3, 9):
                assignment, = dispatch_ticket(ticket, ns.county)
            with Transaction().set_user(ns.handler.id):
                Assignment.sign([assignment])
                reply, = Reply.create([{
                            'assignment': assignment.id,
                            'content': '已疏通排水管道。',
                            'result': 'resolved', 'no_policy_cited': True,
                            'contacted_at': local(2025, 3, 5, 10),
                            'contact_method': 'phone',
                            'contact_summary': '已电话告知。',
                            'requester_satisfaction': 'satisfied',
                            'handler_name': '李工',
                            'handler_phone': '0557-3021234'}])
                Reply.request_sign_off([reply])
            with Transaction().set_user(ns.leader.id):
                Reply.sign_off([reply])
            Reply.accept([reply])
            cls.numbers.append(ticket.number)

    def setUp(self):
        super().setUp()
        self.enterContext(sushi_config(sms_inbound_token=TOKEN))

    def post(self, body, token=TOKEN):
        headers = {'Authorization': f'Bearer {token}'} if token else {}
        return self.client().post(f'/{self.db_name}/sushi/sms/inbound',
            data=json.dumps(body, ensure_ascii=False).encode('utf-8'),
            headers=headers, content_type='application/json')

    def ticket(self, number):
        with Transaction().start(self.db_name, 0):
            Ticket = Pool().get('sushi.ticket')
            ticket, = Ticket.search([('number', '=', number)])
            return (ticket.state, ticket.first_evaluation,
                [(c.channel, c.given, c.result, c.reason)
                    for c in ticket.callbacks])

    def test_satisfied_by_sms(self):
        "CBK-01, CBK-02: '1' closes and archives the order"
        response = self.post({'phone': '138 0557 1111', 'text': '1 谢谢'})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json, {
                'ticket': self.numbers[0], 'given': 'satisfied',
                'counts_as': 'satisfied'})
        self.assertEqual(self.ticket(self.numbers[0]), ('archived',
                'satisfied', [('sms_rating', 'satisfied', 'satisfied',
                        '谢谢')]))

    def test_dissatisfied_with_and_without_reason(self):
        "CBK-05, CBK-06: '2' by SMS, with or without a reason, is called back"
        response = self.post({'phone': '13805572222',
                'text': '2，下雨还是积水'})
        self.assertEqual(response.json['counts_as'], 'callback')
        self.assertEqual(self.ticket(self.numbers[1]), ('reviewed',
                'pending', [('sms_rating', 'dissatisfied', 'callback',
                        '下雨还是积水')]))
        response = self.post({'phone': '13805573333', 'text': '2'})
        self.assertEqual(response.json['counts_as'], 'callback')
        # nothing is deemed satisfied until the platform calls back
        state, evaluation, _ = self.ticket(self.numbers[2])
        self.assertEqual((state, evaluation), ('reviewed', 'pending'))

    def test_unclear_answer_goes_to_the_agent(self):
        "CBK-05: an answer that says neither is asked about, not guessed"
        response = self.post({'phone': '13805574444', 'text': '你们辛苦了'})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json['counts_as'], 'callback')
        self.assertEqual(self.ticket(self.numbers[3]), ('reviewed',
                'pending', [('sms_rating', None, 'callback', '你们辛苦了')]))

    def test_bad_requests(self):
        "Bad input: the right status and a JSON error, nothing recorded"
        self.assertEqual(self.post({'phone': '13805571111', 'text': '1'},
                token='wrong').status_code, 401)
        self.assertEqual(self.post({'phone': '13805571111', 'text': '1'},
                token=None).status_code, 401)
        for body, status in [
                ({'phone': '123', 'text': '1'}, 400),
                ([1, 2], 400),
                ({'phone': '13900000000', 'text': '1'}, 404)]:
            response = self.post(body)
            self.assertEqual(response.status_code, status, body)
            self.assertTrue(response.json['error'], body)
        state, _, callbacks = self.ticket(self.numbers[0])
        self.assertEqual((state, callbacks), ('reviewed', []))


del RouteTestCase
