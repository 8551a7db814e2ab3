# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The indexes the assessment reads the ticket facts by: each AUTO item is
one INSERT … SELECT over a selective condition (a few percent of the
orders), so a partial index on the fact's date turns a scan of every
order into a range read of the period's facts."""
from sql import Literal, Null
from sql.aggregate import Min

from trytond import backend
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


class Assignment(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.assignment'
    # ASM-02 on-time feedback: recorded when a reply is submitted (the
    # fact dated when it happens), so that the period's compute counts it
    # in its one GROUP BY of the orders instead of searching the replies
    first_reply_at = fields.DateTime("First Reply at", readonly=True,
        help="When the unit's earliest submitted reply on this work order "
        "was submitted (on-time feedback, ASM-02).")

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
                # D1.4: the orders dispatched to a unit again (a later
                # round; after an approved return), counted once
                Index(t, (t.dispatched_at, Index.Range()),
                    where=t.round > 1),
                Index(t, (t.redispatched_as, Index.Range()),
                    where=t.redispatched_as != Null),
                # D1.4 orders dispatched, D2.3 / D2.5 orders completed and
                # the ASM-02 orders due in the period: a month of a long
                # history without reading the other months
                Index(t, (t.dispatched_at, Index.Range())),
                Index(t, (t.completed_at, Index.Range())),
                Index(t, (t.due_at, Index.Range())),
                })

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        fill = not table_h.column_exist('first_reply_at')
        super().__register__(module)
        if fill:
            cls.sync_first_reply()

    @classmethod
    def sync_first_reply(cls, ids=None):
        """first_reply_at of the assignments ids (of every assignment with
        a submitted reply when None): the earliest submitted_at of their
        replies.  Set-based, in the caller's transaction; called when a
        reply is created, written (the sign-off saves its submitted_at) or
        deleted."""
        from trytond.modules.sushi_ticket import clock
        a = cls.__table__()
        r = Pool().get('sushi.ticket.reply').__table__()
        cursor = Transaction().connection.cursor()
        first = r.select(Min(r.submitted_at), where=r.assignment == a.id)
        if ids is None:
            cursor.execute(*a.update([a.first_reply_at], [first],
                    where=a.id.in_(r.select(r.assignment,
                            where=r.submitted_at != Null))))
        else:
            for sub_ids in grouped_slice(
                    sorted(set(ids)), backend.MAX_QUERY_PARAMS):
                cursor.execute(*a.update([a.first_reply_at], [first],
                        where=a.id.in_(list(sub_ids))))
        clock.forget(cls.__name__)


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
    def create(cls, vlist):
        replies = super().create(vlist)
        ids = [r.assignment.id for r, v in zip(replies, vlist)
            if v.get('submitted_at') and r.assignment]
        if ids:
            Pool().get('sushi.ticket.assignment').sync_first_reply(ids)
        return replies

    @classmethod
    def write(cls, *args):
        ids = []
        actions = iter(args)
        for replies, values in zip(actions, actions):
            if 'submitted_at' in values or 'assignment' in values:
                ids.extend(r.assignment.id for r in replies if r.assignment)
        super().write(*args)
        actions = iter(args)
        for replies, values in zip(actions, actions):
            if 'assignment' in values and values['assignment']:
                ids.append(values['assignment'])
        if ids:
            Pool().get('sushi.ticket.assignment').sync_first_reply(ids)

    @classmethod
    def delete(cls, replies):
        ids = [r.assignment.id for r in replies
            if r.submitted_at and r.assignment]
        super().delete(replies)
        if ids:
            Pool().get('sushi.ticket.assignment').sync_first_reply(ids)

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
                # D2.4b, D2.4c from the review's failed elements (REV-01)
                Index(t, (t.submitted_at, Index.Range()),
                    where=t.failed_elements != Null),
                # D2.4a: the replies a verification found defective
                Index(t, (t.findings_at, Index.Range()),
                    where=t.findings_at != Null),
                })
