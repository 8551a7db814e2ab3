# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import Index, fields
from trytond.pool import PoolMeta

from .candidate import ticket_flags


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    supervisions = fields.Many2Many('sushi.supervision-sushi.ticket',
        'ticket', 'supervision', "Supervision Cases", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # SUP-14: the candidate cron reads the few flagged orders of each
        # trigger, not the whole table
        cls._sql_indexes.update(
            Index(t, (t.id, Index.Range()), where=condition)
            for condition in ticket_flags(t).values())


class Event(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.event'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for selection in [
                ('supervise', "Supervision Registered"),
                ('supervision_action', "Routine Supervision"),
                ]:
            if selection not in cls.action.selection:
                cls.action.selection.append(selection)
