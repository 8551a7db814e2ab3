# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py (issue #16, what it enforces is
said there) on every stored model of this module; SQL views get the read
guard."""
from trytond.modules.sushi_ticket.guard import GuardMixin, ReadGuardMixin
from trytond.pool import PoolMeta


class Term(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.term'


class Request(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.request'


class Entry(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.entry'


class Correction(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.correction'


class TicketEntry(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.ticket-sushi.knowledge.entry'


class Coverage(ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.coverage'


class Duty(ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.duty'
