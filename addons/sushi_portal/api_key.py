# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""API keys of the online channels (INT-01, PLT-03): one or more per
channel, stored as SHA-256 hashes, shown once when issued, rotated with a
grace period and revoked at once; each carries its rate limit."""
import datetime as dt
import hashlib
import secrets
import threading
import time

from trytond.cache import Cache
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from trytond.modules.sushi_ticket import clock

PREFIX = 'sk311_'


def hash_key(key):
    "Keys are 256-bit random strings: a plain SHA-256 is a sound hash."
    return hashlib.sha256(key.encode('utf-8', 'replace')).hexdigest()


class APIKey(ModelSQL, ModelView):
    __name__ = 'sushi.portal.api_key'
    __string__ = "Channel API Key"
    _rec_name = 'prefix'

    channel = fields.Many2One('sushi.channel', "Channel", required=True,
        ondelete='RESTRICT', readonly=True)
    prefix = fields.Char("Key Prefix", readonly=True,
        help="The first characters of the key, to tell keys apart.")
    key_hash = fields.Char("Key Hash", readonly=True, strip=False)
    state = fields.Selection([
            ('active', "Active"),
            ('revoked', "Revoked"),
            ], "State", readonly=True, required=True)
    issued_at = fields.DateTime("Issued at", readonly=True)
    expires_at = fields.DateTime("Expires at", readonly=True,
        help="Set when the key is rotated: the old key keeps working "
        "until then.")
    revoked_at = fields.DateTime("Revoked at", readonly=True)
    rate_limit = fields.Integer("Rate Limit (requests/minute)",
        required=True, domain=[('rate_limit', '>', 0)],
        help="Requests per minute the key may make in each server "
        "process; more get HTTP 429.")

    _key_cache = Cache('sushi_portal.api_key', duration=60, context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('key_hash_unique', Unique(t, t.key_hash),
                'sushi_portal.msg_api_key_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.key_hash, Index.Equality())))
        cls._order = [('issued_at', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'rotate': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                'revoke': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'active'

    @classmethod
    def default_rate_limit(cls):
        return 6000

    @classmethod
    def issue(cls, channels, rate_limit=None):
        """Create a new key for each channel and return [(key, secret)];
        the secret is shown this once and only its hash is stored."""
        vlist, secrets_ = [], []
        for channel in channels:
            secret = PREFIX + secrets.token_urlsafe(32)
            secrets_.append(secret)
            values = {
                'channel': channel.id,
                'prefix': secret[:len(PREFIX) + 6],
                'key_hash': hash_key(secret),
                'issued_at': clock.now(),
                }
            if rate_limit:
                values['rate_limit'] = rate_limit
            vlist.append(values)
        # Keys are made here only, with their hash: no client creates one
        # (no create right), so the wizard's call runs without the check.
        with without_check_access():
            keys = cls.create(vlist)
        return list(zip(keys, secrets_))

    @classmethod
    @ModelView.button_action('sushi_portal.wizard_api_key_issue')
    def rotate(cls, keys):
        pass

    @classmethod
    def rotate_keys(cls, keys, grace=dt.timedelta(hours=24)):
        """Issue a successor to each key; the old key works for the grace
        period, so the channel can switch without losing requests."""
        cls.write(keys, {'expires_at': clock.now() + grace})
        cls._key_cache.clear()
        return [new for key in keys
            for new in cls.issue([key.channel], key.rate_limit)]

    @classmethod
    @ModelView.button
    def revoke(cls, keys):
        "Refuse the keys from now on."
        cls.write(keys, {'state': 'revoked', 'revoked_at': clock.now()})
        cls._key_cache.clear()

    @classmethod
    def check(cls, secret):
        """Return (key id, channel id, rate limit) of a valid key, or
        None."""
        if not secret or len(secret) > 200:
            return None
        digest = hash_key(secret)
        found = cls._key_cache.get(digest, -1)
        if found == -1:
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.id, table.channel,
                    table.rate_limit, table.expires_at,
                    where=(table.key_hash == digest)
                    & (table.state == 'active')))
            row = cursor.fetchone()
            found = tuple(row) if row else None
            cls._key_cache.set(digest, found)
        if found is None:
            return None
        key_id, channel, rate_limit, expires_at = found
        if expires_at and expires_at <= clock.now():
            return None
        return key_id, channel, rate_limit


class RateLimiter:
    """A sliding one-minute window per key and process.  A process-local
    count keeps the hot path free of shared writes; with N worker
    processes a key gets at most N times its limit."""

    def __init__(self, window=60):
        self.window = window
        self._hits = {}
        self._lock = threading.Lock()

    def allow(self, key, limit, now=None):
        "Count a request of key; False when it is over limit per window."
        now = time.monotonic() if now is None else now
        index = int(now // self.window)
        with self._lock:
            current_index, current, previous = self._hits.get(
                key, (index, 0, 0))
            if index != current_index:
                previous = current if index == current_index + 1 else 0
                current, current_index = 0, index
            # the sliding-window estimate: the previous window's count
            # weighted by how much of it the last minute still covers
            fraction = (now % self.window) / self.window
            if previous * (1 - fraction) + current >= limit:
                self._hits[key] = (current_index, current, previous)
                return False
            self._hits[key] = (current_index, current + 1, previous)
            return True

    def reset(self):
        with self._lock:
            self._hits.clear()


rate_limiter = RateLimiter()


class APIKeyIssueStart(ModelView):
    __name__ = 'sushi.portal.api_key.issue.start'
    __string__ = "Issue API Key"

    channel = fields.Many2One('sushi.channel', "Channel", required=True)
    rate_limit = fields.Integer("Rate Limit (requests/minute)",
        required=True, domain=[('rate_limit', '>', 0)])


class APIKeyIssueResult(ModelView):
    __name__ = 'sushi.portal.api_key.issue.result'
    __string__ = "New API Key"

    secret = fields.Char("API Key", readonly=True,
        help="Give this key to the channel now: it is not stored and "
        "cannot be shown again.")


class APIKeyIssue(Wizard):
    "Issue a key for a channel, or rotate the selected key."
    __name__ = 'sushi.portal.api_key.issue'
    start = StateView('sushi.portal.api_key.issue.start',
        'sushi_portal.api_key_issue_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Issue", 'issue', 'tryton-ok', default=True),
            ])
    issue = StateTransition()
    result = StateView('sushi.portal.api_key.issue.result',
        'sushi_portal.api_key_issue_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        APIKey = Pool().get('sushi.portal.api_key')
        values = {'rate_limit': APIKey.default_rate_limit()}
        if (self.model and self.model.__name__ == 'sushi.portal.api_key'
                and self.record):
            values['channel'] = self.record.channel.id
            values['rate_limit'] = self.record.rate_limit
        return values

    def transition_issue(self):
        APIKey = Pool().get('sushi.portal.api_key')
        if (self.model and self.model.__name__ == 'sushi.portal.api_key'
                and self.record and self.record.state == 'active'):
            (_, secret), = APIKey.rotate_keys([self.record])
        else:
            (_, secret), = APIKey.issue([self.start.channel],
                self.start.rate_limit)
        self.result.secret = secret
        return 'result'

    def default_result(self, fields):
        return {'secret': self.result.secret}
