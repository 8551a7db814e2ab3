# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py (issue #16, what it enforces is
said there) on every stored model of this module; SQL views get the read
guard."""
from trytond.modules.sushi_ticket.guard import GuardMixin
from trytond.pool import PoolMeta


class Configuration(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.portal.configuration'


class APIKey(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.portal.api_key'


class Code(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.portal.code'


class Disclosure(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.portal.disclosure'
