# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Requesters are personal data (PUB-06): the platform reads them in full,
a unit reads only the requesters of the orders it handles and each such
read is logged; access rights and record rules are in party.xml."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .guard import GuardMixin, external
from .personal_data import SEARCH_LOGGED

# Fields of a requester's records that say nothing about the requester.
NOT_PERSONAL = {'id', 'active', 'create_uid', 'create_date', 'write_uid',
    'write_date', 'sequence', 'type'}


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
            Access = Pool().get('sushi.ticket.pii_access')
            tickets = cls._requester_tickets(ids)
            names = sorted(n for n in fields_names if n not in {
                    'id', 'rec_name', '_timestamp', '_write', '_delete'})
            if tickets and names:
                Access.log_reads(tickets,
                    ['%s:%s' % (cls.__name__, n) for n in names])
        return result

    @classmethod
    def _requester_tickets(cls, ids):
        """The ids of the orders, under the user's rules (the orders of
        their units), of the requesters of ids."""
        Ticket = Pool().get('sushi.ticket')
        with Transaction().set_context({SEARCH_LOGGED: True}):
            return [t.id for t in Ticket.search([
                        ('requester_party', 'in',
                            cls._requester_parties(ids))])]

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        """A unit user's search of requesters by any of their fields (a
        name, a phone like '139%') is logged as a read of them on the
        orders of the requesters it found (PUB-06)."""
        result = super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)
        if not query:
            Pool().get('sushi.ticket.pii_access').log_search(
                cls, domain, order, count, result,
                set(cls._fields) - NOT_PERSONAL, cls._requester_tickets)
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
