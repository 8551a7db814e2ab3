# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""An idle timeout that holds for every call.

Tryton checks `[session] timeout` only for the few "fresh session"
methods (changing a password) and `[session] max_age` from the login on;
an idle session otherwise keeps working for max_age (30 days by default).
Here a session unused for `[session] idle_timeout` seconds (default 1800)
is deleted at its next use: the client asks for the password again."""
import datetime as dt

from trytond import config
from trytond.pool import PoolMeta

IDLE_TIMEOUT = 30 * 60


def idle_timeout():
    return dt.timedelta(seconds=config.getint(
            'session', 'idle_timeout', default=IDLE_TIMEOUT))


class Session(metaclass=PoolMeta):
    __name__ = 'ir.session'

    @classmethod
    def check(cls, user, key, domain=None):
        found = super().check(user, key, domain=domain)
        if not found:
            return found
        sessions = cls.search([
                ('create_uid', '=', user), ('key', '=', key),
                domain or []], limit=1)
        # Session.reset writes the session at most every tenth of
        # [session] timeout: the last activity is known to that precision.
        if sessions and (dt.datetime.now() - sessions[0].last_modified_at
                > idle_timeout()):
            cls.delete(sessions)
            return False
        return found
