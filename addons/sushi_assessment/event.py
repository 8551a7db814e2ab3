# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Manual and semi-automatic assessment events (SCORING §6.2, §6.3).

Every manual or semi-automatic deduction or bonus is an event with the
unit, the item, the date, the linked order or case, the amount, the
evidence, the officer who entered it and the approval.  Only approved
events count."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import EventError, EventValidationError
from .items import (
    EVENT_AMOUNTS, EVENT_ITEM_SELECTION, ITEM, SUB_ITEMS, ZEROING_ITEMS)

STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ]
_draft = {'readonly': Eval('state') != 'draft'}
LINKS = [
    (None, ""),
    ('sushi.ticket.assignment', "Assignment"),
    ('sushi.ticket.reply', "Reply"),
    ('sushi.ticket.callback', "Callback"),
    ('sushi.knowledge.entry', "Knowledge Entry"),
    ('sushi.knowledge.request', "Answer Script Request"),
    ('sushi.knowledge.correction', "Knowledge Correction"),
    ]
# the proposed candidates whose linked record is the evidence itself
# (P1 overdue: the red card on a flagged order, SCORING §6.2)
FACT_EVIDENCE = ('P1:overdue:',)


class Event(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.assessment.event'
    __string__ = "Assessment Event"

    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        domain=[('assessed', '=', True)], states=_draft)
    item = fields.Selection(EVENT_ITEM_SELECTION, "Item", required=True,
        sort=False, states=_draft)
    date = fields.Date("Date", required=True, states=_draft,
        help="The day the event happened; it is booked in the periods "
        "that contain this day.")
    amount = fields.Numeric("Points", digits=(16, 2), required=True,
        states=_draft,
        help="Points taken away (or added for B items), as the item "
        "prescribes.")
    quantity = fields.Integer("Quantity", states=_draft,
        help="K2: working days late; D1.4: orders reviewed by leaders.")
    zeroing = fields.Boolean("Item Not Scored", states=_draft,
        help="D1.1 communication failure, D2.1c verified buck-passing, "
        "K1 no plan: the item scores 0.")
    ticket = fields.Many2One('sushi.ticket', "Order", states=_draft)
    link = fields.Reference("Linked Record", selection='get_links',
        states=_draft)
    description = fields.Text("Description", required=True, states=_draft)
    attachments = fields.One2Many('ir.attachment', 'resource', "Evidence")
    officer = fields.Many2One('res.user', "Entered by", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_at = fields.DateTime("Approved at", readonly=True)
    decision_note = fields.Text("Decision Note",
        states={'readonly': Eval('state') != 'draft'})
    proposed = fields.Boolean("Proposed by the System", readonly=True,
        help="A candidate found in the stored facts (SCORING §6.2): the "
        "officer checks it, attaches the evidence and approves or rejects "
        "it.")
    candidate_key = fields.Char("Candidate", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.candidate_key, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'approved'), ('draft', 'rejected'),
            ('rejected', 'draft'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'rejected',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_links(cls):
        pool = Pool()
        links = list(LINKS)
        for name in ['sushi.supervision', 'sushi.supervision.action',
                'sushi.supervision.opinion', 'sushi.supervision.fact',
                'sushi.consultation', 'sushi.consultation.fact']:
            try:
                Model = pool.get(name)
            except KeyError:
                continue
            links.append((name, Model.__string__ or name))
        # named as the client shows models (a selection returned by a
        # method is not translated by Tryton)
        names = pool.get('ir.model').get_names()
        return [(m, names.get(m, label) if m else label)
            for m, label in links]

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_officer(cls):
        return Transaction().user

    @classmethod
    def default_zeroing(cls):
        return False

    @classmethod
    def default_proposed(cls):
        return False

    @classmethod
    def default_date(cls):
        Calendar = Pool().get('sushi.calendar')
        return Calendar.to_local(clock.now()).date()

    @fields.depends('item', 'amount', 'quantity')
    def on_change_item(self):
        amounts = EVENT_AMOUNTS.get(self.item)
        if self.item in SUB_ITEMS:
            self.amount = SUB_ITEMS[self.item][1]
        elif amounts:
            self.amount = max(amounts) if len(amounts) == 1 else None

    def get_rec_name(self, name):
        return f'{self.item} {self.unit.rec_name} {self.date}'

    @property
    def score_item(self):
        "The code of the score row the event counts in."
        if self.item in SUB_ITEMS:
            return SUB_ITEMS[self.item][0]
        return self.item

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            values.setdefault('officer', Transaction().user)
        return super().create(vlist)

    @classmethod
    def validate_fields(cls, events, field_names):
        super().validate_fields(events, field_names)
        if field_names & {'unit', 'item', 'amount', 'quantity', 'zeroing',
                'ticket'}:
            for event in events:
                event.check_unit()
                event.check_amount()
                event.check_review()

    def check_review(self):
        """D1.4 (附件5 四(一)1(4)): "督办件阅批每少1件扣1分" — the point per
        order is for a supervised order (督办件) not reviewed; the rate is
        entered as the quantity of reviewed orders."""
        if (self.item == 'D1.4' and self.quantity is None
                and not (self.ticket and self.ticket.is_supervised)):
            raise EventValidationError(gettext(
                    'sushi_assessment.msg_event_review_supervised'))

    def check_unit(self):
        if not self.unit.assessed:
            raise EventValidationError(gettext(
                    'sushi_assessment.msg_event_unit_not_assessed',
                    unit=self.unit.rec_name))

    def check_amount(self):
        "The points an event may carry (SCORING §2)."
        amount = self.amount
        if self.item in SUB_ITEMS:
            allowed = {SUB_ITEMS[self.item][1]}
        elif self.item == 'K2':
            # computed from the working days late (K2)
            allowed = None
            if self.quantity is None or self.quantity < 0:
                raise EventValidationError(gettext(
                        'sushi_assessment.msg_event_quantity',
                        item=self.item))
        elif self.item == 'D1.4' and self.quantity is not None:
            # the review figures of the period: no points by themselves
            allowed = {Decimal(0)}
        elif self.zeroing and self.item in ZEROING_ITEMS:
            allowed = None
        else:
            allowed = EVENT_AMOUNTS.get(self.item)
        if self.zeroing and self.item not in ZEROING_ITEMS:
            raise EventValidationError(gettext(
                    'sushi_assessment.msg_event_zeroing',
                    item=self.item))
        maximum = ITEM[self.score_item].max or Decimal(5)
        if allowed is None:
            ok = Decimal(0) <= amount <= maximum
            if self.item == 'D5.1':
                ok = ok and amount > 0 and amount == amount.to_integral()
        else:
            ok = amount in allowed
        if not ok:
            raise EventValidationError(gettext(
                    'sushi_assessment.msg_event_amount',
                    item=self.item, amount=amount,
                    allowed='、'.join(str(a) for a in sorted(allowed))
                    if allowed else f'0–{maximum}'))

    @classmethod
    def check_modification(cls, mode, events, values=None, external=False):
        super().check_modification(
            mode, events, values=values, external=external)
        if mode == 'delete':
            for event in events:
                if event.state == 'approved':
                    raise EventError(gettext(
                            'sushi_assessment.msg_event_delete_approved',
                            event=event.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, events):
        "Only approved events count; approval needs evidence (§6)."
        cls.lock(events)
        user = Transaction().user
        for event in events:
            if not event.attachments and not (
                    event.proposed and event.link
                    and (event.candidate_key or '').startswith(
                        FACT_EVIDENCE)):
                raise EventError(gettext(
                        'sushi_assessment.msg_event_no_evidence',
                        event=event.rec_name))
        cls.write(events, {
                'approved_by': user, 'approved_at': clock.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, events):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, events):
        cls.write(events, {'approved_by': None, 'approved_at': None})

    @classmethod
    def propose(cls, start_date, end_date):
        """Propose the candidates of the SEMI items found in the facts of
        [start_date, end_date] as draft events (SCORING §6.2); a candidate
        proposed before (in any state) is not proposed again."""
        from .proposals import Proposer
        candidates = Proposer(start_date, end_date).candidates()
        if not candidates:
            return []
        keys = [c['key'] for c in candidates]
        known = set()
        for sub in [keys[i:i + 500] for i in range(0, len(keys), 500)]:
            known.update(e.candidate_key for e in cls.search([
                        ('candidate_key', 'in', sub)]))
        vlist = []
        for candidate in candidates:
            key = candidate.pop('key')
            if key in known:
                continue
            known.add(key)
            vlist.append({**candidate, 'candidate_key': key,
                    'proposed': True, 'officer': None})
        return cls.create(vlist)

    @classmethod
    def run_proposals(cls, date=None):
        """Cron: propose the candidates of the previous and of the current
        month (to date)."""
        from .period import bounds
        Calendar = Pool().get('sushi.calendar')
        today = date or Calendar.to_local(clock.now()).date()
        first = bounds('month', today)[0]
        previous = bounds('month', first - dt.timedelta(days=1))[0]
        return cls.propose(previous, today)
