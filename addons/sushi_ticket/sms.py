# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SMS to requesters through a provider interface: an HTTP gateway
adapter for production and a log adapter for development.  Every message
is a stored record, delivered after commit by the queue.

Configuration (trytond.conf):
    [sushi]
    sms_provider = log | http
    sms_url = https://gateway.example/send
    sms_token = <bearer token>
    sms_timeout = 10
    sms_max_attempts = 3      (tries per message, the first included)
    sms_retry_hours = 24      (a failed message older than this is left)
"""
import datetime as dt
import json
import logging
import urllib.error
import urllib.request

from sql.conditionals import Coalesce

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import clock

logger = logging.getLogger(__name__)

MESSAGES = {
    'intake': 'sushi_ticket.msg_sms_intake',
    'extension': 'sushi_ticket.msg_sms_extension',
    'rating': 'sushi_ticket.msg_sms_rating',
    }


class SMSError(Exception):
    pass


class LogProvider:
    "Write the message to the log: development and demos."
    name = 'log'

    def send(self, phone, text, ref):
        logger.info("SMS to %s: %s", phone, text)
        return 'log-%s' % ref


class HTTPProvider:
    """POST {"phone", "text", "ref"} as JSON to the gateway with a bearer
    token; a 2xx answer with {"id": ...} means accepted."""
    name = 'http'

    def __init__(self, url, token=None, timeout=10):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, phone, text, ref):
        body = json.dumps({'phone': phone, 'text': text, 'ref': str(ref)},
            ensure_ascii=False).encode('utf-8')
        request = urllib.request.Request(self.url, data=body, method='POST',
            headers={'Content-Type': 'application/json; charset=utf-8'})
        if self.token:
            request.add_header('Authorization', 'Bearer %s' % self.token)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as r:
                answer = json.loads(r.read() or b'{}')
        except urllib.error.HTTPError as e:
            raise SMSError('HTTP %s: %s' % (e.code, e.read()[:200]))
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise SMSError(str(e))
        return str(answer.get('id') or '')


def get_provider():
    name = config.get('sushi', 'sms_provider', default='log')
    if name == 'http':
        return HTTPProvider(config.get('sushi', 'sms_url'),
            config.get('sushi', 'sms_token', default=None),
            config.getfloat('sushi', 'sms_timeout', default=10))
    return LogProvider()


class SMS(ModelSQL, ModelView):
    "A text message to a requester."
    __name__ = 'sushi.sms'
    __string__ = "SMS"

    ticket = fields.Many2One('sushi.ticket', "Ticket", readonly=True,
        ondelete='CASCADE')
    kind = fields.Selection([
            ('intake', "Acknowledgement"),
            ('extension', "Extension"),
            ('rating', "Rating Request"),
            ('other', "Other"),
            ], "Kind", readonly=True)
    phone = fields.Char("Phone", readonly=True)
    text = fields.Text("Text", readonly=True)
    state = fields.Selection([
            ('queued', "Queued"),
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "State", readonly=True)
    provider = fields.Char("Provider", readonly=True)
    gateway_ref = fields.Char("Gateway Reference", readonly=True)
    sent_at = fields.DateTime("Sent at", readonly=True)
    error = fields.Text("Error", readonly=True)
    attempts = fields.Integer("Attempts", readonly=True,
        help="How many times the gateway was asked to send the message.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Range())))
        # the failed messages the retry cron looks for
        cls._sql_indexes.add(Index(t, (t.create_date, Index.Range()),
                where=t.state == 'failed'))
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'resend': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def default_attempts(cls):
        return 0

    @classmethod
    def notify_requesters(cls, tickets, kind):
        """Queue the message of kind to the requester of each ticket; the
        queue delivers it after commit."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        vlist = []
        for ticket in tickets:
            if not ticket.requester_phone:
                continue
            due = ticket.deadline or ticket.rating_due_at
            vlist.append({
                    'ticket': ticket.id,
                    'kind': kind,
                    'phone': ticket.requester_phone,
                    'text': gettext(MESSAGES[kind], number=ticket.number,
                        due=Calendar.format_due(due)),
                    })
        messages = cls.create(vlist)
        if messages:
            cls.__queue__.deliver(messages)
        return messages

    @classmethod
    def deliver(cls, messages):
        provider = get_provider()
        for message in messages:
            if message.state == 'sent':
                continue
            message.provider = provider.name
            message.attempts = (message.attempts or 0) + 1
            try:
                message.gateway_ref = provider.send(
                    message.phone, message.text, message.id)
                message.state = 'sent'
                message.sent_at = clock.now()
                message.error = None
            except SMSError as e:
                message.state = 'failed'
                message.error = str(e)
                logger.warning("SMS %s failed: %s", message.id, e)
        cls.save(messages)

    @classmethod
    @ModelView.button
    def resend(cls, messages):
        "Send failed messages again now, whatever their number of attempts."
        cls.deliver([m for m in messages if m.state == 'failed'])

    @classmethod
    def retry_failed(cls):
        """Cron: send again the messages that failed, while they have tries
        left and are recent enough to still matter to the requester (a
        rating request is only answered inside its window)."""
        max_attempts = config.getint('sushi', 'sms_max_attempts', default=3)
        hours = config.getfloat('sushi', 'sms_retry_hours', default=24)
        since = clock.now() - dt.timedelta(hours=hours)
        sms = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*sms.select(sms.id,
                where=(sms.state == 'failed')
                & (sms.create_date >= since)
                & (Coalesce(sms.attempts, 0) < max_attempts),
                order_by=sms.id.asc))
        ids = [i for i, in cursor]
        for i in range(0, len(ids), 100):
            cls.deliver(cls.browse(ids[i:i + 100]))
