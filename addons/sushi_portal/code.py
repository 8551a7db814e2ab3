# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One-time codes: a citizen follows an order with its number and a code
sent by SMS to the phone on the order (PLT-02 self-service queries).
Codes are short-lived, tried a few times at most, sent a few times per
hour at most, and stored hashed."""
import datetime as dt
import hashlib
import hmac
import secrets

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool

from trytond.modules.sushi_ticket import clock

from .exceptions import PortalError


class Code(ModelSQL):
    __name__ = 'sushi.portal.code'
    __string__ = "One-Time Code"

    ticket = fields.Many2One('sushi.ticket', "Work Order", required=True,
        ondelete='CASCADE')
    code_hash = fields.Char("Code Hash", required=True, strip=False)
    expires_at = fields.DateTime("Expires at", required=True)
    attempts = fields.Integer("Attempts", required=True)
    state = fields.Selection([
            ('active', "Active"),
            ('used', "Used"),
            ('burned', "Burned"),
            ], "State", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Range()),
                (t.create_date, Index.Range())))

    @classmethod
    def default_attempts(cls):
        return 0

    @classmethod
    def default_state(cls):
        return 'active'

    @staticmethod
    def _hash(ticket_id, code):
        secret = Pool().get('sushi.portal.configuration').get_secret()
        return hmac.new(secret.encode(), f'{ticket_id}:{code}'.encode(),
            hashlib.sha256).hexdigest()

    @classmethod
    def send(cls, ticket):
        """Send a new code to the phone on the order; earlier codes stop
        working.  Refused beyond the hourly number of codes."""
        pool = Pool()
        Configuration = pool.get('sushi.portal.configuration')
        SMS = pool.get('sushi.sms')
        config = Configuration(1)
        now = clock.now()
        recent = cls.search([
                ('ticket', '=', ticket.id),
                ('create_date', '>=', now - dt.timedelta(hours=1)),
                ], count=True)
        if recent >= config.code_max_per_hour:
            raise PortalError(gettext('sushi_portal.msg_code_too_many'))
        cls.write(cls.search([('ticket', '=', ticket.id),
                    ('state', '=', 'active')]), {'state': 'burned'})
        code = '%06d' % secrets.randbelow(10 ** 6)
        cls.create([{
                    'ticket': ticket.id,
                    'code_hash': cls._hash(ticket.id, code),
                    'expires_at': now + dt.timedelta(
                        minutes=config.code_ttl_minutes),
                    }])
        messages = SMS.create([{
                    'ticket': ticket.id,
                    'kind': 'other',
                    'phone': ticket.requester_phone,
                    'text': gettext('sushi_portal.msg_code_sms', code=code,
                        number=ticket.number,
                        minutes=config.code_ttl_minutes),
                    }])
        SMS.__queue__.deliver(messages)
        return code

    @classmethod
    def verify(cls, ticket, code):
        """True when code is the order's current code; every try counts
        and a code is burned after the configured number of tries."""
        pool = Pool()
        Configuration = pool.get('sushi.portal.configuration')
        config = Configuration(1)
        codes = cls.search([
                ('ticket', '=', ticket.id),
                ('state', '=', 'active'),
                ('expires_at', '>', clock.now()),
                ], order=[('id', 'DESC')], limit=1)
        if not codes:
            return False
        current, = codes
        current.attempts += 1
        if hmac.compare_digest(current.code_hash,
                cls._hash(ticket.id, (code or '').strip()[:12])):
            current.state = 'used'
            current.save()
            return True
        if current.attempts >= config.code_max_attempts:
            current.state = 'burned'
        current.save()
        return False
