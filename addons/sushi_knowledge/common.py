# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers shared by the knowledge-base models: the clock, the unit a fact
counts against, the lateness of a duty and the notices to unit staff."""

from trytond.modules.sushi_ticket import clock
from trytond.pool import Pool


def now():
    """The current time as a naive UTC datetime: the project's clock, so
    that duties and work orders share one time (tests set it)."""
    return clock.now()


def today():
    "The current date in the platform's timezone."
    Calendar = Pool().get('sushi.calendar')
    return Calendar.to_local(now()).date()


def assessed_unit(unit):
    """Return the unit whose assessment a fact of unit counts against: the
    unit itself when it is assessed, else its nearest assessed parent (a
    town or county department counts for its county), else None."""
    while unit:
        if unit.assessed:
            return unit
        unit = unit.parent
    return None


def late_days(due_at, done_at):
    """Return the working days by which done_at missed due_at (D5.1, KB-03).

    0 when done by the due time; otherwise the working days from the due
    date to the done date (CONV-08 counting), and at least 1: a duty done
    after 17:30 on its last day is one day late."""
    if not due_at or not done_at or done_at <= due_at:
        return 0
    Calendar = Pool().get('sushi.calendar')
    return max(1, Calendar.working_days_between(due_at, done_at))


def notify_units(notices):
    """Post notices to the staff of units: (unit id, label, description,
    model, record ids); the work-order module's notification helper."""
    Pool().get('sushi.notification').notify_units(notices)
