# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Public disclosure (PUB-02..05): closed consultations, help requests,
suggestions and complaints are published with personal data masked; a
unit may apply for an exemption that the platform approves; a reviewer
previews the masked text before it goes out."""
from sql import Literal
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.ticket import (
    FINISHED_STATES, REQUEST_TYPES)

from .exceptions import DisclosureError
from .masking import mask, mask_address

STATES = [
    ('draft', "Awaiting Review"),
    ('exemption_requested', "Exemption Requested"),
    ('exempted', "Exempted"),
    ('published', "Published"),
    ('withdrawn', "Withdrawn"),
    ]
_editable = ~Eval('state').in_(['draft'])


class Disclosure(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.portal.disclosure'
    __string__ = "Public Disclosure"
    _rec_name = 'number'

    ticket = fields.Many2One('sushi.ticket', "Work Order", required=True,
        readonly=True, ondelete='CASCADE')
    number = fields.Char("Number", readonly=True)
    request_type = fields.Selection(REQUEST_TYPES, "Request Type",
        readonly=True)
    category = fields.Many2One('sushi.category', "Category", readonly=True)
    region = fields.Many2One('sushi.unit', "Region", readonly=True)
    unit = fields.Many2One('sushi.unit', "Handling Unit", readonly=True)
    received_at = fields.DateTime("Received at", readonly=True)
    closed_at = fields.DateTime("Closed at", readonly=True)
    # PUB-05: what the public sees, masked; the reviewer may correct it
    title = fields.Char("Public Title", states={'readonly': _editable})
    address = fields.Char("Public Address", states={'readonly': _editable})
    request_text = fields.Text("Public Request",
        states={'readonly': _editable})
    reply_text = fields.Text("Public Reply", states={'readonly': _editable})
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    published_at = fields.DateTime("Published at", readonly=True)
    published_by = fields.Many2One('res.user', "Published by",
        readonly=True)
    # PUB-03
    exemption_reason = fields.Text("Exemption Reason",
        states={'readonly': Eval('state') != 'draft'},
        help="Why the unit asks not to publish this order (PUB-03).")
    exemption_requested_by = fields.Many2One('res.user',
        "Exemption Requested by", readonly=True)
    exemption_decided_by = fields.Many2One('res.user',
        "Exemption Decided by", readonly=True)
    exemption_decided_at = fields.DateTime("Exemption Decided at",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('ticket_unique', Unique(t, t.ticket),
                'sushi_portal.msg_disclosure_ticket_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.published_at, Index.Range(order='DESC'))),
                })
        cls._order = [('closed_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('draft', 'exemption_requested'),
            ('exemption_requested', 'exempted'),
            ('exemption_requested', 'draft'),
            ('published', 'withdrawn'),
            ('withdrawn', 'draft'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'request_exemption': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('exemption_reason'),
                    'depends': ['state', 'exemption_reason'],
                    },
                'approve_exemption': {
                    'invisible': Eval('state') != 'exemption_requested',
                    'depends': ['state'],
                    },
                'reject_exemption': {
                    'invisible': Eval('state') != 'exemption_requested',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                'redraft': {
                    'invisible': Eval('state') != 'withdrawn',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'write' and external and values.keys() & {
                'title', 'address', 'request_text', 'reply_text'}:
            for record in records:
                if record.state != 'draft':
                    raise DisclosureError(gettext(
                            'sushi_portal.msg_disclosure_not_draft',
                            disclosure=record.rec_name))

    @classmethod
    def masked_values(cls, ticket):
        """The public texts of a ticket: the request and the accepted
        reply, with the requester's, the handlers' and the staff's data
        masked (PUB-04, PUB-05)."""
        pool = Pool()
        Reply = pool.get('sushi.ticket.reply')
        replies = Reply.search([
                ('assignment.ticket', '=', ticket.id),
                ('kind', '=', 'reply'),
                ('state', '=', 'accepted'),
                ], order=[('id', 'DESC')])
        names = [ticket.requester_name]
        for reply in replies:
            names.append(reply.handler_name)
            for user in [reply.signed_off_by, reply.reviewed_by,
                    reply.create_uid]:
                if user and user.id:
                    names.append(user.name)
        addresses = [ticket.address]
        reply = replies[0] if replies else None
        return {
            'title': mask(ticket.title, names, addresses),
            'address': mask_address(mask(ticket.address, names)),
            'request_text': mask(ticket.description, names, addresses),
            'reply_text': mask(reply.content if reply else ticket.answer,
                names, addresses),
            }

    @classmethod
    def prepare(cls, tickets):
        """Draft the disclosure of the closed tickets that are published
        by default (PUB-02, PUB-05); without review they go out now."""
        pool = Pool()
        Configuration = pool.get('sushi.portal.configuration')
        # PUB-02, PUB-05: the types published by default are configuration
        disclosed = pool.get('sushi.configuration').get_values()[
            'disclosed_request_types']
        existing = {d.ticket.id for d in cls.search([
                    ('ticket', 'in', [t.id for t in tickets])])}
        vlist = []
        for ticket in tickets:
            if (ticket.id in existing or not ticket.disclosure
                    or ticket.request_type not in disclosed
                    or ticket.state not in FINISHED_STATES):
                continue
            vlist.append({
                    'ticket': ticket.id,
                    'number': ticket.number,
                    'request_type': ticket.request_type,
                    'category': ticket.category.id if ticket.category
                    else None,
                    'region': ticket.region.id if ticket.region else None,
                    'unit': (ticket.lead_unit.id if ticket.lead_unit
                        else None),
                    'received_at': ticket.received_at,
                    'closed_at': ticket.closed_at or clock.now(),
                    **cls.masked_values(ticket),
                    })
        disclosures = cls.create(vlist)
        if disclosures and not Configuration(1).review_before_publish:
            cls.publish(disclosures)
        return disclosures

    @classmethod
    def prepare_closed(cls):
        """Cron: draft the disclosures of the orders closed by the set-based
        jobs (deemed satisfied, archive), which bypass Ticket.close."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        ticket = Ticket.__table__()
        disclosure = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*ticket.select(ticket.id,
                where=ticket.state.in_(FINISHED_STATES)
                & (ticket.disclosure == Literal(True))
                & ticket.request_type.in_(sorted(
                        pool.get('sushi.configuration').get_values()[
                            'disclosed_request_types']))
                & ~Exists(disclosure.select(disclosure.id,
                        where=disclosure.ticket == ticket.id)),
                order_by=ticket.id.asc, limit=2000))
        ids = [i for i, in cursor]
        for i in range(0, len(ids), 200):
            cls.prepare(Ticket.browse(ids[i:i + 200]))

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, disclosures):
        "Publish the masked texts after the reviewer's preview."
        cls.write(disclosures, {
                'published_at': clock.now(),
                'published_by': Transaction().user or None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('exemption_requested')
    def request_exemption(cls, disclosures):
        "PUB-03: the unit applies not to publish, with its reason."
        for disclosure in disclosures:
            if not (disclosure.exemption_reason or '').strip():
                raise DisclosureError(gettext(
                        'sushi_portal.msg_disclosure_reason',
                        disclosure=disclosure.rec_name))
        cls.write(disclosures, {
                'exemption_requested_by': Transaction().user or None})

    @classmethod
    @ModelView.button
    @Workflow.transition('exempted')
    def approve_exemption(cls, disclosures):
        "PUB-03: the platform approves; the order is never published."
        cls.write(disclosures, {
                'exemption_decided_by': Transaction().user or None,
                'exemption_decided_at': clock.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def reject_exemption(cls, disclosures):
        cls.write(disclosures, {
                'exemption_decided_by': Transaction().user or None,
                'exemption_decided_at': clock.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, disclosures):
        cls.write(disclosures, {'published_at': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def redraft(cls, disclosures):
        "Mask the order again from its current texts."
        for disclosure in disclosures:
            cls.write([disclosure], cls.masked_values(disclosure.ticket))


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    @classmethod
    def close(cls, tickets):
        super().close(tickets)
        Pool().get('sushi.portal.disclosure').prepare(
            cls.browse([t.id for t in tickets]))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('sushi.portal.disclosure|prepare_closed',
                "Prepare Disclosures of Closed Orders"))
        cls.method.selection.append(
            ('sushi.portal.intake|process_queue',
                "Register Queued Open311 Requests"))
        cls.method.selection.append(
            ('sushi.portal.intake|follow_queue',
                "Register and Follow Queued Open311 Requests"))
        cls.method.selection.append(
            ('sushi.portal.intake|purge',
                "Delete Old Queued Open311 Requests"))
