# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Call recordings (电话录音) and their retention (ARC-02): kept at least
one year from the end of the call, longer when on legal hold."""
import datetime as dt

from sql import Literal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import clock
from .exceptions import ArchiveError


def years_later(value, years):
    """The naive UTC datetime at the same Suzhou date and time `years`
    later (earlier when negative); 29 February becomes 1 March forwards
    and 28 February backwards, so that a period is never short (ARC-02)."""
    Calendar = Pool().get('sushi.calendar')
    local = Calendar.to_local(value)
    try:
        moved = local.replace(year=local.year + years)
    except ValueError:
        # 29 February in a year without one
        moved = (local.replace(month=3, day=1, year=local.year + years)
            if years > 0 else
            local.replace(day=28, year=local.year + years))
    return Calendar.to_utc(moved)


class Recording(ModelSQL, ModelView):
    __name__ = 'sushi.ticket.recording'
    __string__ = "Call Recording"

    ticket = fields.Many2One('sushi.ticket', "Ticket", required=True,
        ondelete='RESTRICT')
    call_started_at = fields.DateTime("Call Started", required=True)
    call_ended_at = fields.DateTime("Call Ended", required=True,
        domain=[('call_ended_at', '>=', Eval('call_started_at'))])
    agent = fields.Many2One('res.user', "Agent")
    location = fields.Char("Location",
        help="Where the telephony system keeps the audio.")
    audio = fields.Binary("Audio", file_id='audio_id',
        filename='audio_name')
    audio_id = fields.Char("Audio ID", readonly=True)
    audio_name = fields.Char("Audio File Name")
    legal_hold = fields.Boolean("Legal Hold",
        help="Kept beyond the retention period: open supervision or "
        "accountability cases, disputes (ARC-02).")
    keep_until = fields.Function(fields.DateTime("Keep until"),
        'get_keep_until')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.ticket, Index.Range())),
                Index(t, (t.call_ended_at, Index.Range())),
                })
        cls._order = [('call_started_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_legal_hold(cls):
        return False

    def get_keep_until(self, name):
        days = Pool().get('sushi.configuration').get_values()[
            'recording_retention_days']
        return max(years_later(self.call_ended_at, 1),
            self.call_ended_at + dt.timedelta(days=days))

    @classmethod
    def check_modification(cls, mode, recordings, values=None,
            external=False):
        super().check_modification(
            mode, recordings, values=values, external=external)
        if mode == 'delete':
            Calendar = Pool().get('sushi.calendar')
            now = clock.now()
            for recording in recordings:
                if recording.legal_hold or recording.keep_until > now:
                    # the Suzhou date: the UTC one is a day early for a
                    # call ended between 00:00 and 08:00
                    raise ArchiveError(gettext(
                            'sushi_ticket.msg_recording_retained',
                            recording=recording.rec_name,
                            date=Calendar.to_local(
                                recording.keep_until).date()))

    @classmethod
    def purge(cls):
        """Cron: delete the recordings past the retention period and not
        on hold, in one statement; never one younger than the period."""
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        days = max(365,
            Configuration.get_values()['recording_retention_days'])
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = clock.now()
        # ARC-02: a calendar year (a year with 29 February is 366 days),
        # or the configured days when longer
        limit = min(now - dt.timedelta(days=days), years_later(now, -1))
        cursor.execute(*table.delete(where=(table.call_ended_at < limit)
                & (table.legal_hold == Literal(False))))
        clock.forget(cls.__name__)
