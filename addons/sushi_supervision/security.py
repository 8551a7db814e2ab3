# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py (issue #16, what it enforces is
said there) on every stored model of this module; SQL views get the read
guard."""
from trytond.modules.sushi_ticket import masked
from trytond.modules.sushi_ticket.guard import GuardMixin
from trytond.pool import Pool, PoolMeta


class Supervision(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.supervision'
    # PUB-06: the content is the order's title as the candidate copied it
    # (number and title) or the officer's summary of the orders: masked
    # as the title is for who reads the requesters masked (city leaders,
    # analysts), on read, nested reads, exports, searches and the search
    # bar (sushi_ticket/masked.py)
    FREE_TEXT_FIELDS = {'content'}
    _masked_rec_name = ('number', 'content')

    @classmethod
    def _masked_source(cls, name):
        """(from, id, text, requester's name) columns (masked.py): a row
        per order of the case, so that every requester's name is
        masked; a case without orders has one row without a name."""
        from sql import Column
        pool = Pool()
        table = cls.__table__()
        link = pool.get('sushi.supervision-sushi.ticket').__table__()
        ticket = pool.get('sushi.ticket').__table__()
        return (table.join(link, 'LEFT',
                condition=link.supervision == table.id
                ).join(ticket, 'LEFT', condition=link.ticket == ticket.id),
            table.id, Column(table, name), ticket.requester_name)

    @classmethod
    def read(cls, ids, fields_names):
        # PUB-06: as the order's title is (Ticket.read)
        return masked.mask_rows(cls, super().read(ids, fields_names),
            fields_names)


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
