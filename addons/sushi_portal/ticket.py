# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the Open311 channels give beyond the ticket's own fields."""
from trytond.model import fields
from trytond.pool import PoolMeta

OPEN311_CLOSED = {'rejected', 'answered', 'transferred', 'merged',
    'closed', 'archived'}


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    latitude = fields.Float("Latitude", digits=(3, 6), readonly=True)
    longitude = fields.Float("Longitude", digits=(3, 6), readonly=True)
    media_url = fields.Char("Media URL", readonly=True)
    channel_attributes = fields.Dict(None, "Channel Attributes",
        readonly=True)

    @property
    def open311_status(self):
        "Open311 knows open and closed only."
        return 'closed' if self.state in OPEN311_CLOSED else 'open'

    @classmethod
    def register_online(cls, tickets):
        """A request from an online channel with its content and a
        contact is registered at once (INT-06): it waits for dispatch and
        the requester gets the number by SMS; one lacking them stays a
        draft for the call-taker."""
        complete = [t for t in tickets
            if (t.description or '').strip() and t.requester_phone
            and (t.anonymous or (t.requester_name or '').strip())
            and t.state == 'draft']
        if complete:
            cls.accept(complete)
