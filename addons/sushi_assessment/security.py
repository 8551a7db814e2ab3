# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py (issue #16, what it enforces is
said there) on every stored model of this module; SQL views get the read
guard."""
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


class Review(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.review'


class Pivot(ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.pivot'


class Trend(ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.assessment.result.trend'
