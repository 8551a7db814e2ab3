# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py (issue #16, what it enforces is
said there) on every stored model of this module; SQL views get the read
guard."""
from trytond.modules.sushi_ticket.guard import GuardMixin
from trytond.pool import PoolMeta


class Supervision(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision'


class SupervisionTicket(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision-sushi.ticket'


class SupervisionCoUnit(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision-co_unit'


class SupervisionResponsibleUnit(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision-responsible_unit'


class Opinion(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision.opinion'


class Action(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision.action'


class Consequence(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision.consequence'


class SupervisionFact(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision.fact'


class Candidate(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision.candidate'


class Accountability(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.accountability'


class AccountabilityTicket(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.accountability-sushi.ticket'


class AccountabilitySupervision(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.accountability-sushi.supervision'


class MonthlyReport(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision.report'


class MonthlyReportLine(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision.report.line'


class MonthlyReportCase(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision.report-sushi.supervision'


class Topic(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.topic'


class TopicSuggestedUnit(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.topic-suggested_unit'


class TopicCoUnit(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.topic-co_unit'


class TopicTicket(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.topic-sushi.ticket'
    # ORG-11: a unit links the orders it can read only
    _guard_readable = frozenset({'ticket'})


class TopicEvent(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.topic.event'


class Communication(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.communication'
    _guard_readable = frozenset({'ticket'})


class Consultation(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation'


class ConsultationItem(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.item'


class Letter(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.letter'


class Fact(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.fact'


class ConsultationReport(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.report'


class ConsultationReportLine(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.consultation.report.line'
