# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py (issue #16, what it enforces is
said there) on every stored model of this module; SQL views get the read
guard."""
from trytond.modules.sushi_ticket.guard import GuardMixin, ReadGuardMixin
from trytond.pool import PoolMeta


class TicketKey(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.analysis.ticket_key'


class Cluster(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.analysis.cluster'


class ClusterTicket(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.analysis.cluster-sushi.ticket'


class Report(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.analysis.report'


class ReportSection(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.analysis.report.section'


class Statistic(ReadGuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.analysis.statistic'


class SuggestWord(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.analysis.suggest.word'


class SuggestRoute(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.analysis.suggest.route'
