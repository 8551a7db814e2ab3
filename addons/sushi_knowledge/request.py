# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The platform's requests for answer scripts (KB-02, D5.1).

The platform asks a unit for the answer script (答复口径) of a subject; the
unit answers by submitting an entry linked to the request.  The request
keeps when it was made, when it was due, when the script was submitted and
how many working days late."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import common

STATES = [
    ('draft', "Draft"),
    ('requested', "Requested"),
    ('submitted', "Submitted"),
    ('cancelled', "Cancelled"),
    ]


class Request(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.knowledge.request'
    __string__ = "Answer Script Request"

    subject = fields.Char("Subject", required=True, strip=True,
        states={'readonly': Eval('state') != 'draft'})
    description = fields.Text("Details",
        states={'readonly': Eval('state') != 'draft'},
        help="What the answer script must cover, e.g. the questions "
        "callers ask.")
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    assessed_unit = fields.Many2One('sushi.unit', "Assessed Unit",
        readonly=True, ondelete='RESTRICT')
    requested_at = fields.DateTime("Requested at", readonly=True)
    requested_by = fields.Many2One('res.user', "Requested by",
        readonly=True)
    due_at = fields.DateTime("Due", readonly=True)
    entries = fields.One2Many('sushi.knowledge.entry', 'request',
        "Answer Scripts", readonly=True)
    submitted_at = fields.DateTime("Submitted at", readonly=True)
    late_days = fields.Integer("Working Days Late", readonly=True)
    overdue = fields.Function(fields.Boolean("Overdue"),
        'get_overdue', searcher='search_overdue')
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('requested_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'submitted'),
            ('submitted', 'requested'),
            ('draft', 'cancelled'),
            ('requested', 'cancelled'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'requested']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return self.subject

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'unit' in field_names:
            unit = common.assessed_unit(self.unit)
            if unit != self.assessed_unit:
                values['assessed_unit'] = unit.id if unit else None
        return values

    def get_overdue(self, name):
        return bool(self.state == 'requested' and self.due_at
            and self.due_at < common.now())

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause
        overdue = [('state', '=', 'requested'),
            ('due_at', '<', common.now())]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR',
            ('state', '!=', 'requested'),
            ('due_at', '=', None),
            ('due_at', '>=', common.now()),
            ]

    @classmethod
    def copy(cls, requests, default=None):
        default = default.copy() if default is not None else {}
        for name in ['requested_at', 'requested_by', 'due_at', 'entries',
                'submitted_at', 'late_days']:
            default.setdefault(name, None)
        return super().copy(requests, default=default)

    @classmethod
    @ModelView.button
    @transition('requested')
    def send(cls, requests):
        """Send the requests to the units: the answer scripts are due
        within the configured working days (2) at office close (KB-02,
        CONV-05)."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        now = common.now()
        days = Configuration.get_values()['knowledge_script_days']
        due_at = Calendar.add_working_days(now, days)
        cls.write(requests, {
                'requested_at': now,
                'requested_by': Transaction().user,
                'due_at': due_at,
                })
        common.notify_units([(r.unit.id,
                    gettext('sushi_knowledge.msg_request_sent_label',
                        subject=r.subject),
                    gettext('sushi_knowledge.msg_request_sent_description',
                        subject=r.subject,
                        due=Calendar.to_local(due_at).strftime(
                            '%Y-%m-%d %H:%M')),
                    cls.__name__, [r.id])
                for r in requests])

    @classmethod
    @ModelView.button
    @transition('cancelled')
    def cancel(cls, requests):
        pass

    @classmethod
    def record_submission(cls, requests, submitted_at):
        """Record that an answer script of the requests was submitted at
        submitted_at, with its lateness in working days (D5.1)."""
        requests = [r for r in requests if r.state == 'requested']
        for request in requests:
            cls.write([request], {
                    'submitted_at': submitted_at,
                    'late_days': common.late_days(
                        request.due_at, submitted_at),
                    })
        cls._submitted(requests)

    @classmethod
    @Workflow.transition('submitted')
    def _submitted(cls, requests):
        pass

    @classmethod
    def reopen(cls, requests, sent_back):
        """The platform sent the answer scripts sent_back to their unit: the
        requests are open again unless another of their scripts is still
        submitted."""
        Entry = Pool().get('sushi.knowledge.entry')
        requests = [r for r in requests if r.state == 'submitted']
        if not requests:
            return
        answered = {e.request.id for e in Entry.search([
                    ('request', 'in', [r.id for r in requests]),
                    ('state', 'in', ['review', 'published']),
                    ('id', 'not in', [e.id for e in sent_back]),
                    ])}
        requests = [r for r in requests if r.id not in answered]
        if requests:
            cls.write(requests, {
                    'submitted_at': None,
                    'late_days': None,
                    })
            cls._reopened(requests)

    @classmethod
    @Workflow.transition('requested')
    def _reopened(cls, requests):
        pass

    @classmethod
    def lateness(cls, request, at):
        """Return the working days request is late at the time at: those of
        its submission when submitted, else as if submitted at `at` (a
        request never answered is late up to the period end, SCORING F5)."""
        if request.state == 'submitted':
            return request.late_days or 0
        if request.state != 'requested':
            return 0
        return common.late_days(request.due_at, at)

