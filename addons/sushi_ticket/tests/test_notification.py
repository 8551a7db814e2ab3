# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Notices to unit staff (in the web client and by e-mail, through the
real SMTP server that scripts/runtests.py starts) and text messages to
requesters (through a local HTTP server standing in for the SMS gateway).

The database speaks Chinese, as a new production database does, and the
e-mails go out only when a transaction commits: the e-mail tests commit
explicitly and tell their records apart by a token in the ticket title."""
import datetime
import json
import re
import threading
import unittest
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .test_ticket import write_reply
from .tools import (
    MAILDIR, at, create_ticket, local, maildir_messages, run_queue,
    setup_network, sushi_config, dispatch_ticket)

STAFF = ['handler', 'leader', 'principal']
OTHERS = ['town_handler', 'city_handler', 'other_handler', 'intake',
    'dispatcher', 'reviewer', 'supervisor', 'city_leader', 'analyst']
needs_mail_server = unittest.skipUnless(MAILDIR,
    "needs the SMTP server of scripts/runtests.py (SUSHI_TEST_MAILDIR)")


def chinese(text):
    "Whether text is Chinese beyond the brand name every message carries."
    return bool(re.search(r'[\u4e00-\u9fff]', text.replace('宿事速办', '')))


def mails(token, subject, count, timeout=5):
    """The messages of the Maildir with subject whose body mentions token,
    as (message, raw bytes), once there are count of them (or timeout)."""
    return maildir_messages(lambda message: message['Subject'] == subject
        and token in message.get_content(), count, timeout)


class Gateway:
    """A local SMS gateway: records what it receives and answers
    {"id": "gw-<n>"}, or HTTP 500 for the phones in `failing`."""

    def __init__(self):
        self.requests = []
        self.failing = set()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(
                        int(self.headers['Content-Length'])))
                gateway.requests.append({
                        'path': self.path,
                        'headers': dict(self.headers),
                        'body': body,
                        })
                if body.get('phone') in gateway.failing:
                    status, answer = 500, {'error': 'gateway down'}
                else:
                    status, answer = 200, {
                        'id': 'gw-%s' % len(gateway.requests)}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever,
            daemon=True)
        self.thread.start()
        self.url = 'http://127.0.0.1:%s/sms/send' % self.server.server_port

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def request_for(self, sms):
        "The request the gateway received for the sushi.sms record."
        found = [r for r in self.requests if r['body'].get('ref') == str(
                sms.id)]
        return found[-1] if found else None


class NotificationTestCase(unittest.TestCase):
    "Notices to unit staff and text messages to requesters"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['sushi_ticket'], lang='zh_CN')
        # The staff are committed once: the e-mail tests commit too.
        with Transaction().start(DB_NAME, 0) as transaction:
            ns = setup_network()
            cls.users = {name: user.id for name, user in vars(ns).items()
                if getattr(user, '__name__', None) == 'res.user'}
            cls.units = {name: unit.id for name, unit in vars(ns).items()
                if getattr(unit, '__name__', None) == 'sushi.unit'}
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def network(self):
        "The staff and units of setup_network(), in this transaction."
        pool = Pool()
        User = pool.get('res.user')
        Unit = pool.get('sushi.unit')
        return SimpleNamespace(
            **{name: User(id_) for name, id_ in self.users.items()},
            **{name: Unit(id_) for name, id_ in self.units.items()})

    def signed(self, ns, **values):
        """A ticket dispatched to 埇桥区 on Monday 3 March 2025 at 9:00 and
        signed for at 10:00: due Wednesday 12 March at 17:30."""
        Assignment = Pool().get('sushi.ticket.assignment')
        ticket = create_ticket(**values)
        with at(2025, 3, 3, 9):
            assignment, = dispatch_ticket(ticket, ns.county,
                basis='属地管理')
        with at(2025, 3, 3, 10), Transaction().set_user(ns.handler.id):
            Assignment.sign([assignment])
        return ticket, assignment

    def notices(self, token, label):
        "{login: count} of the in-app notices of label that mention token."
        Notification = Pool().get('res.notification')
        return Counter(n.user.login for n in Notification.search([
                    ('description', 'like', '%%%s%%' % token),
                    ('label', '=', label),
                    ]))

    def staff_emails(self):
        User = Pool().get('res.user')
        return Counter(User(self.users[n]).email for n in STAFF)

    def assert_mailed_staff(self, token, subject, emails, number):
        "One UTF-8 e-mail to each of the unit's staff, and to no one else."
        found = mails(token, subject, len(STAFF))
        recipients = Counter(a.addr_spec for m, _ in found
            for a in m['To'].addresses)
        self.assertEqual(recipients, emails, msg=subject)
        for message, raw in found:
            self.assertIn(b'=?utf-8?', raw.lower())
            self.assertEqual(message.get_content_charset(), 'utf-8')
            body = message.get_content()
            self.assertIn(number, body)
            self.assertIn('埇桥区', body)
        return found

    # --- e-mail and in-app notices to unit staff ------------------------

    @needs_mail_server
    def test_dispatch_tells_unit_staff(self):
        "ORG-14: the unit's handlers and leaders hear of a new order"
        token = uuid.uuid4().hex[:8]
        with Transaction().start(DB_NAME, 0) as transaction:
            ns = self.network()
            ticket = create_ticket(title='小区门口道路积水 %s' % token)
            with at(2025, 3, 3, 9):
                dispatch_ticket(ticket, ns.county, basis='属地管理')
            number = ticket.number
            label = gettext('sushi_ticket.msg_notify_dispatched')
            emails = self.staff_emails()
            transaction.commit()
        self.assertTrue(chinese(label), msg=label)

        found = self.assert_mailed_staff(
            token, '[宿事速办] %s' % label, emails, number)
        # the due time is said in Shanghai time
        self.assertIn('2025-03-12 17:30', found[0][0].get_content())
        with Transaction().start(DB_NAME, 0):
            self.assertEqual(self.notices(token, label),
                Counter({n: 1 for n in STAFF}))

    @needs_mail_server
    def test_near_due_and_overdue_tell_unit_staff(self):
        "LGT-01..03: yellow light and red card reach the unit's staff once"
        token = uuid.uuid4().hex[:8]
        with Transaction().start(DB_NAME, 0) as transaction:
            ns = self.network()
            ticket, assignment = self.signed(ns,
                title='路灯不亮 %s' % token)
            number, assignment = ticket.number, assignment.id
            near_due = gettext('sushi_ticket.msg_notify_near_due')
            overdue = gettext('sushi_ticket.msg_notify_overdue')
            emails = self.staff_emails()
            transaction.commit()
        self.assertTrue(chinese(near_due), msg=near_due)
        self.assertTrue(chinese(overdue), msg=overdue)

        # half the time is gone on Monday 10 March: yellow
        with Transaction().start(DB_NAME, 0) as transaction:
            Assignment = Pool().get('sushi.ticket.assignment')
            with at(2025, 3, 10, 9):
                Assignment.sweep()
                run_queue()   # the sweep queues its notices (issue #14)
            self.assertEqual(Assignment(assignment).light, 'yellow')
            transaction.commit()
        self.assert_mailed_staff(token, '[宿事速办] %s' % near_due, emails,
            number)

        # overdue after 17:30 on Wednesday 12 March: the red card, once
        for hour in [18, 19]:
            with Transaction().start(DB_NAME, 0) as transaction:
                with at(2025, 3, 12, hour):
                    Pool().get('sushi.ticket.assignment').sweep()
                    run_queue()
                transaction.commit()
        self.assert_mailed_staff(token, '[宿事速办] %s' % overdue, emails,
            number)
        with Transaction().start(DB_NAME, 0):
            Assignment = Pool().get('sushi.ticket.assignment')
            self.assertTrue(Assignment(assignment).red_card)
            for label in [near_due, overdue]:
                notices = self.notices(token, label)
                self.assertEqual(notices, Counter({n: 1 for n in STAFF}),
                    msg=label)
                self.assertFalse(set(notices) & set(OTHERS))

    # --- text messages to requesters ------------------------------------

    def extension_approved(self, ns, assignment):
        "EXT-01..04: 3 more working days, consented and approved."
        Extension = Pool().get('sushi.ticket.extension')
        extension, = Extension.create([{
                    'assignment': assignment.id, 'days': 3,
                    'reason': '需协调多个部门现场会勘', 'basis': '涉及管网改造',
                    'application': '关于延期办理的申请',
                    'requester_informed_at': local(2025, 3, 10, 9),
                    'requester_informed_method': 'phone',
                    }])
        with at(2025, 3, 10, 10), Transaction().set_user(ns.handler.id):
            Extension.submit([extension])
        with at(2025, 3, 10, 11), Transaction().set_user(ns.leader.id):
            Extension.leader_approve([extension])
        with at(2025, 3, 10, 15), Transaction().set_user(
                ns.dispatcher.id):
            Extension.approve([extension])
        return extension

    def replied(self, ns, **values):
        "A ticket whose reply the county's leader signed off."
        Reply = Pool().get('sushi.ticket.reply')
        ticket, assignment = self.signed(ns, **values)
        with at(2025, 3, 5, 15), Transaction().set_user(ns.handler.id):
            reply = write_reply(assignment)
            Reply.request_sign_off([reply])
        with at(2025, 3, 5, 16), Transaction().set_user(ns.leader.id):
            Reply.sign_off([reply])
        return ticket, reply

    def gateway(self):
        gateway = Gateway()
        self.addCleanup(gateway.close)
        return gateway

    @with_transaction()
    def test_sms_through_http_gateway(self):
        "EXT-04: the requester is told of the new due time by the gateway"
        SMS = Pool().get('sushi.sms')
        ns = self.network()
        gateway = self.gateway()
        with sushi_config(sms_provider='http', sms_url=gateway.url,
                sms_token='tok-12345'):
            ticket, assignment = self.signed(ns)
            self.extension_approved(ns, assignment)
            run_queue()
        sms, = SMS.search([
                ('ticket', '=', ticket.id), ('kind', '=', 'extension')])
        request = gateway.request_for(sms)
        self.assertIsNotNone(request, msg="the gateway got no request")
        self.assertEqual(request['path'], '/sms/send')
        self.assertEqual(request['headers']['Authorization'],
            'Bearer tok-12345')
        self.assertEqual(request['body']['phone'], '13805571234')
        text = request['body']['text']
        self.assertIn(ticket.number, text)
        self.assertIn('2025-03-17 17:30', text)
        self.assertTrue(chinese(text), msg=text)
        self.assertEqual(text, sms.text)
        self.assertEqual(
            (sms.state, sms.provider, sms.gateway_ref, sms.error),
            ('sent', 'http', 'gw-%s' % (gateway.requests.index(request) + 1),
                None))
        self.assertTrue(sms.sent_at)
        # every message of the test went out with the token
        self.assertTrue(all(r['headers']['Authorization']
                == 'Bearer tok-12345' for r in gateway.requests))

    @with_transaction()
    def test_sms_gateway_failure(self):
        "CBK-01: a gateway error fails that message only, kept for resending"
        pool = Pool()
        SMS = pool.get('sushi.sms')
        Reply = pool.get('sushi.ticket.reply')
        ns = self.network()
        gateway = self.gateway()
        with sushi_config(sms_provider='http', sms_url=gateway.url,
                sms_token='tok-12345'):
            down, reply_down = self.replied(ns, requester_phone='13905570001')
            up, reply_up = self.replied(ns, requester_phone='13905570002')
            run_queue()
            gateway.failing.add('13905570001')
            # one review accepts both replies: one delivery of two ratings
            with at(2025, 3, 6, 9), Transaction().set_user(ns.reviewer.id):
                Reply.accept([reply_down, reply_up])
            with self.assertLogs('trytond.modules.sushi_ticket.sms',
                    'WARNING') as logs:
                run_queue()

            failed, = SMS.search([
                    ('ticket', '=', down.id), ('kind', '=', 'rating')])
            sent, = SMS.search([
                    ('ticket', '=', up.id), ('kind', '=', 'rating')])
            self.assertEqual((failed.state, failed.gateway_ref),
                ('failed', None))
            self.assertIn('500', failed.error)
            self.assertEqual(len(logs.output), 1)
            self.assertIn('500', logs.output[0])
            self.assertEqual(sent.state, 'sent')
            self.assertTrue(sent.gateway_ref)
            # the order went on: reviewed, rating window open
            for ticket in [down, up]:
                self.assertEqual(
                    (ticket.state, ticket.first_evaluation),
                    ('reviewed', 'pending'))
            self.assertEqual(failed.phone, '13905570001')
            self.assertIn(down.number, failed.text)

            # the stored message can be sent again once the gateway is up
            gateway.failing.clear()
            SMS.deliver([failed])
        self.assertEqual((failed.state, failed.error), ('sent', None))
        self.assertEqual(gateway.request_for(failed)['body']['text'],
            failed.text)

    @with_transaction()
    def test_sms_retry_cron(self):
        "CBK-01: failed messages are tried again by cron, a bounded number of times"
        pool = Pool()
        SMS = pool.get('sushi.sms')
        ns = self.network()
        gateway = self.gateway()
        with sushi_config(sms_provider='http', sms_url=gateway.url,
                sms_max_attempts='3', sms_retry_hours='24'):
            gateway.failing.update({'13905570011', '13905570012',
                    '13905570013'})
            tickets = [self.signed(ns, requester_phone=phone)[0]
                for phone in ['13905570011', '13905570012', '13905570013']]
            with self.assertLogs('trytond.modules.sushi_ticket.sms',
                    'WARNING'):
                run_queue()
            down, back, old = [SMS.search([('ticket', '=', t.id)])[0]
                for t in tickets]
            self.assertEqual({(m.state, m.attempts) for m in [down, back, old]},
                {('failed', 1)})
            # the third one failed two days ago: too late to matter
            sms = SMS.__table__()
            Transaction().connection.cursor().execute(*sms.update(
                    [sms.create_date],
                    [datetime.datetime.now() - datetime.timedelta(days=2)],
                    where=sms.id == old.id))

            gateway.failing.discard('13905570012')
            with self.assertLogs('trytond.modules.sushi_ticket.sms',
                    'WARNING'):
                SMS.retry_failed()
            self.assertEqual((back.state, back.attempts, back.error),
                ('sent', 2, None))
            self.assertEqual(gateway.request_for(back)['body']['text'],
                back.text)
            self.assertEqual((down.state, down.attempts), ('failed', 2))
            self.assertEqual((old.state, old.attempts), ('failed', 1))

            with self.assertLogs('trytond.modules.sushi_ticket.sms',
                    'WARNING'):
                SMS.retry_failed()
            self.assertEqual((down.state, down.attempts), ('failed', 3))
            # out of tries: the cron leaves it, no request reaches the gateway
            requests = len(gateway.requests)
            SMS.retry_failed()
            self.assertEqual(len(gateway.requests), requests)
            self.assertEqual(down.attempts, 3)

            # a supervisor may still send it by hand once the gateway is up
            gateway.failing.clear()
            with Transaction().set_user(ns.supervisor.id), \
                    Transaction().set_context(_check_access=True):
                SMS.resend([SMS(down.id)])
            self.assertEqual((down.state, down.attempts), ('sent', 4))

    @with_transaction()
    def test_sms_log_provider(self):
        "EXT-04: by default messages are logged, and no gateway is called"
        SMS = Pool().get('sushi.sms')
        ns = self.network()
        gateway = self.gateway()
        # a configured URL is not used while the provider is the default
        with sushi_config(sms_url=gateway.url), self.assertLogs(
                'trytond.modules.sushi_ticket.sms', 'INFO') as logs:
            ticket, assignment = self.signed(ns)
            self.extension_approved(ns, assignment)
            run_queue()
        sms, = SMS.search([
                ('ticket', '=', ticket.id), ('kind', '=', 'extension')])
        self.assertEqual((sms.state, sms.provider, sms.gateway_ref),
            ('sent', 'log', 'log-%s' % sms.id))
        self.assertEqual(gateway.requests, [])
        self.assertTrue(any('13805571234' in line and ticket.number in line
                for line in logs.output))
