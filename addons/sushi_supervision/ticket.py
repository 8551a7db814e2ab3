# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    supervisions = fields.Many2Many('sushi.supervision-sushi.ticket',
        'ticket', 'supervision', "Supervision Cases", readonly=True)

    @classmethod
    def read(cls, ids, fields_names):
        # SQLite gives its BOOLEAN columns back as integers 0/1: the
        # supervision flag (SUP-11, RPL-04) is read as the boolean it is
        # on both backends.
        result = super().read(ids, fields_names)
        if 'is_supervised' in fields_names:
            for row in result:
                if row.get('is_supervised') is not None:
                    row['is_supervised'] = bool(row['is_supervised'])
        return result


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
