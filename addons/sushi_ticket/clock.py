# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The one clock of the work-order rules: naive UTC, as Tryton stores
datetimes.  Tests and scenarios set it through the context key
`sushi_now`, so that a rule is exercised at the time it is about; outside
tests the key is ignored, so that no client can backdate a sign-in."""
import datetime as dt

from sql import Expression
from sql.functions import DateTrunc

from trytond.pool import Pool
from trytond.transaction import Transaction


def now():
    if Pool.test and (value := Transaction().context.get('sushi_now')):
        return value
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def forget(*model_names):
    """Drop what this transaction cached of the models' records, after a
    set-based SQL statement changed them behind the ORM."""
    transaction = Transaction()
    for cache in transaction.cache.values():
        for name in model_names:
            if name in cache:
                cache[name].clear()
    transaction.counter += 1


def whole_seconds(value):
    """A time (a value or an SQL expression) in whole seconds, as the ORM
    stores a DateTime.  Set-based INSERTs and UPDATEs store times
    themselves: a sub-second time stays so on SQLite (PostgreSQL's
    TIMESTAMP(0) rounds it), and sao, whose datetime widgets show seconds,
    then takes the form for changed and asks "记录有改动 是否保存？" when
    the user leaves it."""
    if isinstance(value, Expression):
        return DateTrunc('second', value)
    return value.replace(microsecond=0) if value else value
