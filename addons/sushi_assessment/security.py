# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py on every stored model of the module
(issue #16): the form's states hold on the server for writes from outside,
create takes only what the new form lets a user type, values are checked
for type, size, NUL bytes and existing references, nested reads need the
right to read their first field, and exports read through read() (record
rules, field access and the personal-data log apply on every path)."""
from trytond.modules.sushi_ticket.guard import GuardMixin, ReadGuardMixin
from trytond.pool import PoolMeta


class Configuration(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.configuration'


class Period(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.period'


class Score(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.score'


class Deduction(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.deduction'


class Result(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.result'


class Event(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.event'


class Objection(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.objection'


class Bulletin(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.bulletin'


class Pivot(ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.pivot'
