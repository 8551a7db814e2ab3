# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py on every stored model of the module
(issue #16): the form's states hold on the server for writes from outside,
create takes only what the new form lets a user type, values are checked
for type, size, NUL bytes and existing references, nested reads need the
right to read their first field, and exports read through read() (record
rules, field access and the personal-data log apply on every path).

The SQL views (table_query) are read-only: they get the read guard."""
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
