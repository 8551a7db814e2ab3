# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Asynchronous Open311 intake (GeoReport v2 "batch" services): a POST
is checked in full, stored durably in one short insert and answered with
a token; the cron turns the queue into work orders in batches through
Ticket.create_online (the normal create, registered at once), and GET
tokens/<token> answers the work order number once it exists."""
import datetime as dt
import json
import logging
import secrets
import time

from sql import Conflict, Literal, Union, With
from sql.conditionals import Case

from trytond import backend
from trytond.config import config
from trytond.exceptions import UserError, UserWarning
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.guard import GuardMixin

logger = logging.getLogger(__name__)


class _Marker:
    "A parameter's place in a statement built once (Intake._enqueue_query)."
    __slots__ = ('name',)

    def __init__(self, name):
        self.name = name


class _Constant:
    "A literal parameter of a statement built once."
    __slots__ = ('value',)

    def __init__(self, value):
        self.value = value


class Intake(GuardMixin, ModelSQL, ModelView):
    __name__ = 'sushi.portal.intake'
    __string__ = "Queued Open311 Request"
    _rec_name = 'token'

    token = fields.Char("Token", required=True, readonly=True, strip=False)
    channel = fields.Many2One('sushi.channel', "Channel", required=True,
        readonly=True, ondelete='RESTRICT')
    channel_ref = fields.Char("Channel Reference", readonly=True)
    received_at = fields.DateTime("Received at", required=True,
        readonly=True)
    state = fields.Selection([
            ('queued', "Queued"),
            ('done', "Work Order Created"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True)
    # the checked ticket values as JSON; personal data, cleared once the
    # work order exists (minimum exposure)
    data = fields.Text("Data", readonly=True)
    ticket = fields.Many2One('sushi.ticket', "Work Order", readonly=True,
        ondelete='SET NULL')
    error = fields.Text("Error", readonly=True)
    processed_at = fields.DateTime("Processed at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('token_unique', Unique(t, t.token),
                'sushi_portal.msg_intake_token_unique'),
            # INT-01: channel_ref keeps resubmissions idempotent
            ('channel_ref_unique', Unique(t, t.channel, t.channel_ref),
                'sushi_portal.msg_intake_channel_ref_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.id, Index.Range()),
                    where=t.state == 'queued'),
                })
        cls._order = [('received_at', 'DESC'), ('id', 'DESC')]
        # per process and kind: (SQL text, parameter places)
        cls._enqueue_queries = {}

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def enqueue(cls, values):
        """Store the checked ticket values of a POST and return its
        token; a resubmission of the same channel and channel_ref returns
        the token of the first.  One statement where the database can
        (the fast path of GeoReport's asynchronous intake)."""
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        channel, ref = values['channel'], values.get('channel_ref')
        token = secrets.token_urlsafe(18)
        now = clock.now()
        row = {'token': token, 'channel': channel, 'ref': ref, 'now': now,
            'data': json.dumps(values, ensure_ascii=False),
            'user': transaction.user}
        returning = transaction.database.has_returning()
        if not ref:
            cursor.execute(*cls._enqueue_query('insert', row))
            return token
        if returning:
            # the new token, or (a resubmission: the insert does nothing)
            # the first's, in one round trip; one racing an uncommitted
            # first waits for it and, under repeatable read, raises a
            # serialisation error: the route's transaction is retried
            cursor.execute(*cls._enqueue_query('insert_or_first', row))
            return cursor.fetchone()[0]
        cursor.execute(*cls._enqueue_query('first', row))
        found = cursor.fetchone()
        if found:
            return found[0]
        cursor.execute(*cls._enqueue_query('insert', row))
        return token

    @classmethod
    def _enqueue_query(cls, kind, row):
        """The SQL of enqueue and its parameters for row: the text is
        built by python-sql once per process and kind (a third of the
        hot path's own time was spent compiling the same statement), the
        parameters are then put in the places the markers took."""
        cached = cls._enqueue_queries.get(kind)
        if cached is None:
            markers = {name: _Marker(name) for name in row}
            query, params = tuple(cls._enqueue_statement(kind, markers))
            places = [p.name if isinstance(p, _Marker) else _Constant(p)
                for p in params]
            cached = cls._enqueue_queries[kind] = (query, places)
        query, places = cached
        return query, tuple(row[p] if isinstance(p, str) else p.value
            for p in places)

    @classmethod
    def _enqueue_statement(cls, kind, row):
        "The python-sql statement of enqueue (see _enqueue_query)."
        table = cls.__table__()
        insert = table.insert([table.token, table.channel,
                table.channel_ref, table.received_at, table.state,
                table.data, table.create_uid, table.create_date],
            [[row['token'], row['channel'], row['ref'], row['now'],
                    'queued', row['data'], row['user'], row['now']]])
        first = table.select(table.token,
            where=(table.channel == row['channel'])
            & (table.channel_ref == row['ref']))
        if kind == 'insert':
            return insert
        if kind == 'first':
            return first
        insert.on_conflict = Conflict(table,
            indexed_columns=[table.channel, table.channel_ref])
        insert.returning = [table.token]
        # (one row: the insert's is not in the select's snapshot)
        inserted = With('token', query=insert)
        return Union(inserted.select(inserted.token), first, all_=True,
            with_=[inserted])

    @classmethod
    def lookup(cls, token):
        "Return (state, work order number, error) of a token, or None."
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        table = cls.__table__()
        ticket = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.join(ticket, 'LEFT',
                condition=ticket.id == table.ticket).select(
                table.state, ticket.number, table.error,
                where=table.token == token, limit=1))
        row = cursor.fetchone()
        return tuple(row) if row else None

    @classmethod
    def process_queue(cls, batch_size=None, max_batches=None, follow=0,
            poll=0.2):
        """Turn queued requests into work orders, oldest first, batch
        after batch, each batch committed (several processes may run it
        at once: each takes rows the others have not locked).  With
        follow (seconds), keep looking at the queue every poll seconds
        until follow seconds have passed, so a request queued meanwhile
        becomes a work order within poll seconds rather than at the next
        cron run.  Return the number of requests handled."""
        pool = Pool()
        Configuration = pool.get('sushi.portal.configuration')
        transaction = Transaction()
        size = batch_size or Configuration(1).intake_batch_size
        handled = batches = failures = 0
        end = time.monotonic() + follow
        while max_batches is None or batches < max_batches:
            try:
                ids = cls._take(size=size)
                if ids:
                    cls._process(cls.browse(ids))
                    transaction.commit()
            except backend.DatabaseOperationalError:
                # another process handled some of these rows after this
                # transaction's snapshot: under REPEATABLE READ, locking
                # a row updated since raises a serialization failure;
                # nothing of the batch is kept, so look at the queue again
                transaction.rollback()
                failures += 1
                if failures > config.getint('database', 'retry'):
                    raise
                continue
            failures = 0
            if not ids:
                if time.monotonic() + poll >= end:
                    break
                # release the snapshot: see what is queued meanwhile
                transaction.commit()
                time.sleep(poll)
                continue
            handled += len(ids)
            batches += 1
        return handled

    @classmethod
    def follow_queue(cls):
        """The cron's method: process the queue and keep following it
        for intake_follow_seconds (the cron runs every minute, so with
        the default 55 s a queued request waits at most a fraction of a
        second, not until the next minute)."""
        Configuration = Pool().get('sushi.portal.configuration')
        return cls.process_queue(
            follow=Configuration(1).intake_follow_seconds or 0)

    @classmethod
    def _take(cls, size=None, ids=None):
        """Lock and return the ids of queued requests no other process
        holds: the oldest size ones, or those of ids."""
        transaction = Transaction()
        database = transaction.database
        table = cls.__table__()
        where = table.state == 'queued'
        if ids is not None:
            where &= table.id.in_(list(ids))
        query = table.select(table.id, where=where,
            order_by=[table.id.asc], limit=size)
        if database.has_select_for():
            For = database.get_select_for_skip_locked()
            query.for_ = For('UPDATE')
        cursor = transaction.connection.cursor()
        cursor.execute(*query)
        return [r for r, in cursor]

    @classmethod
    def _process(cls, intakes):
        """Create the work orders of the intakes in one create and one
        accept; when the batch fails, each on its own, so one bad request
        marks only itself failed."""
        transaction = Transaction()
        try:
            cls._create_tickets(intakes)
        except (UserError, UserWarning, backend.DatabaseIntegrityError):
            transaction.rollback()
            for intake in cls.browse([i.id for i in intakes]):
                # the rollback released the batch's locks
                if not cls._take(ids=[intake.id]):
                    continue
                try:
                    cls._create_tickets([intake])
                except (UserError, UserWarning,
                        backend.DatabaseIntegrityError) as exception:
                    transaction.rollback()
                    message = getattr(exception, 'message', None) \
                        or str(exception)
                    logger.info("Open311 token %s failed: %s",
                        intake.token, message)
                    if cls._take(ids=[intake.id]):
                        cls.write([cls(intake.id)], {
                                'state': 'failed',
                                'error': message[:2000],
                                'processed_at': clock.now()})
                transaction.commit()

    @classmethod
    def _create_tickets(cls, intakes):
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        # a channel_ref already a work order (submitted before the
        # intake went asynchronous, or by the channel over RPC): one
        # statement on the (channel, channel_ref) unique index
        refs = {(i.channel.id, i.channel_ref) for i in intakes
            if i.channel_ref}
        existing = {}
        if refs:
            table = Ticket.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(
                    table.channel, table.channel_ref, table.id,
                    where=table.channel.in_(list({c for c, _ in refs}))
                    & table.channel_ref.in_(list({r for _, r in refs}))))
            for channel, ref, ticket in cursor:
                existing[(channel, ref)] = Ticket(ticket)
        new, vlist = [], []
        for intake in intakes:
            if (intake.channel.id, intake.channel_ref) in existing:
                continue
            values = json.loads(intake.data)
            values['channel'] = intake.channel.id
            values['received_at'] = intake.received_at
            new.append(intake)
            vlist.append(values)
        # their values were validated at the POST (check_online): the
        # work orders' create validates what the POST could not
        with Transaction().set_context(_sushi_portal_prechecked=True):
            tickets = Ticket.create_online(vlist) if vlist else []
        by_intake = dict(zip(new, tickets))
        now = clock.now()
        to_write = []
        for intake in intakes:
            ticket = by_intake.get(intake) or existing[
                (intake.channel.id, intake.channel_ref)]
            to_write.append((intake.id, ticket.id))
        # one statement for the batch
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice(to_write, backend.MAX_QUERY_PARAMS // 3):
            sub = list(sub)
            cursor.execute(*table.update(
                    [table.state, table.ticket, table.data,
                        table.processed_at, table.write_date,
                        table.write_uid],
                    [Literal('done'),
                        Case(*((table.id == i, t) for i, t in sub)),
                        None, now, now, Transaction().user],
                    where=reduce_ids(table.id, [i for i, _ in sub])))

    @classmethod
    def purge(cls):
        """Delete the requests handled more than intake_retention_days
        ago (the cron's method): their tokens are no longer answered (404)
        and a late resubmission of their channel_ref is linked to the
        existing work order, not duplicated.  Their personal data left
        with the work order; a failed request's goes with the row."""
        pool = Pool()
        Configuration = pool.get('sushi.portal.configuration')
        days = Configuration(1).intake_retention_days
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(
                where=table.state.in_(['done', 'failed'])
                & (table.processed_at
                    < clock.now() - dt.timedelta(days=days))))
