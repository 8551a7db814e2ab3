# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Routine supervision (日常性督办, SUP-04): the Office's phone calls, site
visits and reminder letters, logged against the ticket and the unit, and
the non-cooperation findings that cost the unit 0.5 each (SCORING D3.1)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.sushi_ticket import clock
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import SupervisionError

KINDS = [
    ('phone', "Telephone"),
    ('on_site', "On-Site"),
    ('reminder_letter', "Work Reminder Letter"),
    ('reminder', "Reminder on the Ledger"),
    ]
# SCORING D3.1: the three kinds of non-cooperation
NON_COOPERATION = [
    (None, ""),
    ('not_implemented', "Supervision opinion not implemented"),
    ('delay', "Delay or buck-passing"),
    ('no_on_site_cooperation', "No cooperation with on-site supervision"),
    ]


class Action(ModelSQL, ModelView):
    __name__ = 'sushi.supervision.action'
    __string__ = "Supervision Action"

    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        ondelete='CASCADE')
    ticket = fields.Many2One('sushi.ticket', "Work Order",
        ondelete='CASCADE',
        states={'required': ~Eval('supervision')})
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='RESTRICT')
    kind = fields.Selection(KINDS, "Method", required=True)
    at = fields.DateTime("At", required=True)
    by = fields.Many2One('res.user', "By", readonly=True)
    contact = fields.Char("Contact at the Unit")
    note = fields.Text("Note", required=True)
    # D3.1: a finding of non-cooperation, with its evidence
    non_cooperation = fields.Selection(NON_COOPERATION, "Non-Cooperation",
        help="The unit did not implement the opinion, delayed or passed "
        "the buck, or did not cooperate on site (SCORING D3.1).")
    evidence = fields.Text("Evidence",
        states={'required': Bool(Eval('non_cooperation'))})
    attachments = fields.One2Many('ir.attachment', 'resource', "Evidence Files")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.ticket, Index.Equality()),
                    (t.unit, Index.Equality()), (t.at, Index.Range())),
                Index(t, (t.unit, Index.Equality()), (t.at, Index.Range()),
                    where=t.non_cooperation != None),  # noqa: E711
                })
        cls._order = [('at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_at(cls):
        return clock.now()

    @classmethod
    def default_kind(cls):
        return 'phone'

    @fields.depends('supervision', 'unit', 'ticket')
    def on_change_supervision(self):
        if self.supervision:
            if not self.unit and self.supervision.lead_unit:
                self.unit = self.supervision.lead_unit
            if not self.ticket and self.supervision.tickets:
                self.ticket = self.supervision.tickets[0]

    @fields.depends('ticket', 'unit')
    def on_change_ticket(self):
        if self.ticket and not self.unit and self.ticket.lead_unit:
            self.unit = self.ticket.lead_unit

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.setdefault('by', Transaction().user or None)
        return values

    @classmethod
    def validate_fields(cls, actions, field_names):
        super().validate_fields(actions, field_names)
        for action in actions:
            if action.at and action.at > clock.now():
                raise SupervisionError(gettext(
                        'sushi_supervision.msg_action_future'))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        actions = super().create(vlist)
        # the method as the user reads it (电话督办 …), in their language
        kinds = dict(cls.fields_get(['kind'])['kind']['selection'])
        for action in actions:
            if action.ticket:
                Event.log([action.ticket], 'supervision_action',
                    comment='%s: %s' % (kinds[action.kind], action.note))
        return actions

    @classmethod
    def check_modification(cls, mode, actions, values=None, external=False):
        super().check_modification(
            mode, actions, values=values, external=external)
        # the ledger is evidence: kept as written (D3.1)
        if external and mode == 'delete':
            raise SupervisionError(gettext(
                    'sushi_supervision.msg_action_delete'))
