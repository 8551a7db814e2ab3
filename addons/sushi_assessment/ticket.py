# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The indexes the assessment reads the ticket facts by: each AUTO item is
one INSERT … SELECT over a selective condition (a few percent of the
orders), so a partial index on the fact's date turns a scan of every
order into a range read of the period's facts."""
from sql import Literal, Null

from trytond.model import Index
from trytond.pool import PoolMeta


class Assignment(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.assignment'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        true = Literal(True)
        cls._sql_indexes.update({
                # D2.1a, D2.1b, D2.2, D2.1c
                Index(t, (t.late_sign_in_at, Index.Range()),
                    where=t.late_sign_in == true),
                Index(t, (t.return_overdue_at, Index.Range()),
                    where=t.return_overdue == true),
                Index(t, (t.return_decided_at, Index.Range()),
                    where=t.return_rejection_cause == 'no_valid_reason'),
                Index(t, (t.return_decided_at, Index.Range()),
                    where=t.improper_return == 'confirmed'),
                Index(t, (t.red_card_at, Index.Range()),
                    where=t.red_card == true),
                # D1.4 orders dispatched, D2.3 / D2.5 orders completed and
                # the ASM-02 orders due in the period: a month of a long
                # history without reading the other months
                Index(t, (t.dispatched_at, Index.Range())),
                Index(t, (t.completed_at, Index.Range())),
                Index(t, (t.due_at, Index.Range())),
                })


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        true = Literal(True)
        cls._sql_indexes.update({
                # D1.4 d2: the few supervised and provincial orders
                Index(t, (t.id, Index.Range()),
                    where=(t.is_supervised == true) | (t.provincial == true)),
                })


class Reply(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.reply'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                # D2.4b, D2.4c
                Index(t, (t.submitted_at, Index.Range()),
                    where=t.signed_off_by == Null),
                Index(t, (t.submitted_at, Index.Range()),
                    where=(t.handler_name == Null) | (t.handler_name == '')
                    | (t.handler_phone == Null) | (t.handler_phone == '')),
                })
