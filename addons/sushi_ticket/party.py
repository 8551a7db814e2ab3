# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Requesters are personal data (PUB-06): the platform reads them in full,
a unit reads only the requesters of the orders it handles and each such
read is logged; access rights and record rules are in party.xml."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .guard import GuardMixin, external


class RequesterReadLogMixin(GuardMixin):
    "Log a unit user's read of a requester's record on their orders."
    __slots__ = ()

    @classmethod
    def _requester_parties(cls, ids):
        return ids

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        if external() and ids:
            pool = Pool()
            Ticket = pool.get('sushi.ticket')
            Access = pool.get('sushi.ticket.pii_access')
            parties = cls._requester_parties(ids)
            # under the user's record rules: the orders of their units
            tickets = Ticket.search([('requester_party', 'in', parties)])
            names = sorted(n for n in fields_names if n not in {
                    'id', 'rec_name', '_timestamp', '_write', '_delete'})
            if tickets and names:
                Access.log_reads([t.id for t in tickets],
                    ['%s:%s' % (cls.__name__, n) for n in names])
        return result


class Party(RequesterReadLogMixin, metaclass=PoolMeta):
    __name__ = 'party.party'

    sushi_tickets = fields.One2Many('sushi.ticket', 'requester_party',
        "Work Orders", readonly=True)


class ContactMechanism(RequesterReadLogMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    @classmethod
    def _requester_parties(cls, ids):
        with Transaction().set_context(_check_access=False):
            return list({r.party.id for r in cls.browse(ids)})


class Address(RequesterReadLogMixin, metaclass=PoolMeta):
    __name__ = 'party.address'

    @classmethod
    def _requester_parties(cls, ids):
        with Transaction().set_context(_check_access=False):
            return list({r.party.id for r in cls.browse(ids)})
