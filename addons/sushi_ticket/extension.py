# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Extension of a handling deadline (延期, EXT-01..08): a written
application with the unit leader's consent, filed with the platform at
least one working day before the due time, never longer than the original
limit."""

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import clock
from .exceptions import CalendarMissingYearError, ExtensionError
from .workflow import DraftOnlyMixin, transition

_draft = Eval('state') != 'draft'


class Extension(DraftOnlyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.ticket.extension'
    __string__ = "Extension"

    assignment = fields.Many2One('sushi.ticket.assignment', "Assignment",
        required=True, ondelete='CASCADE', states={'readonly': _draft})
    ticket = fields.Function(fields.Many2One('sushi.ticket', "Ticket"),
        'get_ticket', searcher='search_ticket')
    state = fields.Selection([
            ('draft', "Draft"),
            ('requested', "Waiting for the Unit Leader"),
            ('leader_approved', "Waiting for the Platform"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "State", readonly=True, required=True, sort=False)
    days = fields.Integer("Extra Working Days", required=True,
        domain=[('days', '>', 0)], states={'readonly': _draft})
    reason = fields.Text("Specific Reasons", required=True,
        states={'readonly': _draft})
    basis = fields.Text("Grounds and Basis", required=True,
        states={'readonly': _draft})
    application = fields.Text("Written Application", required=True,
        states={'readonly': _draft},
        help="The text of the unit's written application (EXT-01).")
    requester_informed_at = fields.DateTime("Requester Told at",
        required=True, states={'readonly': _draft})
    requester_informed_method = fields.Selection([
            ('phone', "Telephone"),
            ('sms', "SMS"),
            ('visit', "Visit"),
            ('other', "Other"),
            ], "Told by", required=True, states={'readonly': _draft})
    due_before = fields.DateTime("Due before", readonly=True)
    filing_deadline = fields.DateTime("Filing Deadline", readonly=True)
    filed_at = fields.DateTime("Filed at", readonly=True)
    late_window = fields.Boolean("Late-Window Exception", readonly=True,
        help="The filing window had closed at dispatch (EXT-03).")
    leader = fields.Many2One('res.user', "Unit Leader", readonly=True)
    leader_at = fields.DateTime("Leader Consented at", readonly=True)
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    decided_at = fields.DateTime("Decided at", readonly=True)
    decision_note = fields.Text("Decision Note",
        states={'readonly': ~Eval('state').in_(['requested',
                        'leader_approved'])})
    new_due_at = fields.DateTime("New Due", readonly=True)
    decision_due_at = fields.DateTime("Decision Due", readonly=True,
        help="When the platform should have decided (EXT-04, LGT-05).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.assignment, Index.Range())))
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'leader_approved'),
            ('requested', 'rejected'),
            ('leader_approved', 'approved'),
            ('leader_approved', 'rejected'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'leader_approve': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'leader_reject': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'leader_approved',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'leader_approved',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_assignment(cls):
        context = Transaction().context
        if context.get('active_model') == 'sushi.ticket.assignment':
            return context.get('active_id')

    @classmethod
    def default_requester_informed_method(cls):
        return 'phone'

    def get_rec_name(self, name):
        return '%s +%s' % (self.assignment.rec_name, self.days or 0)

    def get_ticket(self, name):
        return self.assignment.ticket.id

    @classmethod
    def search_ticket(cls, name, clause):
        return [('assignment.ticket',) + tuple(clause[1:])]

    def check_filing(self, now):
        """EXT-02, EXT-03, EXT-05, EXT-07: what may be filed, and when.
        Return whether the late-window exception applies."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        config = Configuration.get_values()
        assignment = self.assignment
        limit = assignment.time_limit
        if (not limit or not limit.extendable or not assignment.limit_days
                or assignment.for_information):
            raise ExtensionError(gettext(
                    'sushi_ticket.msg_extension_not_allowed',
                    assignment=assignment.rec_name))
        if assignment.state != 'signed':
            raise ExtensionError(gettext('sushi_ticket.msg_extension_state',
                    assignment=assignment.rec_name))
        others = [e for e in assignment.extensions
            if e.id != self.id and e.state in {
                'requested', 'leader_approved', 'approved'}]
        if len(others) >= config['extension_max_count']:
            raise ExtensionError(gettext(
                    'sushi_ticket.msg_extension_count',
                    assignment=assignment.rec_name,
                    count=config['extension_max_count']))
        granted = sum(e.days for e in others)
        if granted + self.days > assignment.limit_days:
            raise ExtensionError(gettext(
                    'sushi_ticket.msg_extension_too_long',
                    assignment=assignment.rec_name,
                    days=self.days, limit=assignment.limit_days,
                    granted=granted))
        if self.requester_informed_at > now:
            raise ExtensionError(gettext(
                    'sushi_ticket.msg_extension_informed_future',
                    assignment=assignment.rec_name))
        due = assignment.due_at
        with Calendar.provisional():
            filing_deadline = Calendar.add_working_days(due, -1)
        late_window = False
        if now > filing_deadline:
            late_window = (config['extension_late_window']
                and assignment.dispatched_at >= filing_deadline
                and now <= due)
            if not late_window:
                raise ExtensionError(gettext(
                        'sushi_ticket.msg_extension_too_late',
                        assignment=assignment.rec_name,
                        deadline=Calendar.to_local(filing_deadline).strftime(
                            '%Y-%m-%d %H:%M')))
        return filing_deadline, late_window

    @classmethod
    @ModelView.button
    @transition('requested', event='extension_request')
    def submit(cls, extensions):
        Unit = Pool().get('sushi.unit')
        now = clock.now()
        for extension in extensions:
            Unit.check_member([extension.assignment.unit], extension)
            deadline, late = extension.check_filing(now)
            extension.filing_deadline = deadline
            extension.late_window = late
            extension.due_before = extension.assignment.due_at
            extension.filed_at = now
        cls.save(extensions)

    @classmethod
    @ModelView.button
    @transition('leader_approved', event='extension_leader')
    def leader_approve(cls, extensions):
        "EXT-01 (2): the unit's responsible leader consents (D-30)."
        pool = Pool()
        Unit = pool.get('sushi.unit')
        for extension in extensions:
            Unit.check_leader([extension.assignment.unit], extension)
        now = clock.now()
        days = pool.get('sushi.configuration').get_values()[
            'return_review_days']
        Calendar = pool.get('sushi.calendar')
        with Calendar.provisional():
            decision_due_at = Calendar.platform_deadline(now, days)
        cls.write(extensions, {
                'leader': Transaction().user or None,
                'leader_at': now,
                'decision_due_at': decision_due_at,
                })
        # LGT-05: filed in time, now the platform's to decide
        pool.get('sushi.ticket.assignment').pause_clock(
            [e.assignment for e in extensions if not e.late_window],
            'extension')

    @classmethod
    @ModelView.button
    @transition('rejected', event='extension_reject')
    def leader_reject(cls, extensions):
        Unit = Pool().get('sushi.unit')
        for extension in extensions:
            Unit.check_leader([extension.assignment.unit], extension)
        cls.write(extensions, {
                'decided_by': Transaction().user or None,
                'decided_at': clock.now(),
                })

    @classmethod
    @ModelView.button
    @transition('approved', event='extension_approve')
    def approve(cls, extensions):
        """EXT-04: the platform approves; the due time moves by the days
        asked, counted in working days from the current due time; the
        requester is told by SMS."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Calendar = pool.get('sushi.calendar')
        SMS = pool.get('sushi.sms')
        now = clock.now()
        # the refusals (a wrong state, a new due time in a year without an
        # official schedule) come before anything is written
        for extension in extensions:
            assignment = extension.assignment
            if assignment.state != 'signed':
                raise ExtensionError(gettext(
                        'sushi_ticket.msg_extension_state',
                        assignment=assignment.rec_name))
            try:
                with Calendar.provisional():
                    extension.new_due_at = Calendar.add_working_days(
                        assignment.due_at, extension.days)
            except CalendarMissingYearError:
                raise CalendarMissingYearError(gettext(
                        'sushi_ticket.msg_decision_missing_year',
                        assignment=assignment.rec_name,
                        year=(Calendar.last_year() or 0) + 1))
            extension.decided_by = Transaction().user or None
            extension.decided_at = now
        Assignment.resume_clock([e.assignment for e in extensions],
            shift=False)
        cls.save(extensions)
        for extension in extensions:
            Assignment.extend([extension.assignment], extension.new_due_at)
        SMS.notify_requesters(
            [e.assignment.ticket for e in extensions
                if e.assignment.role == 'lead' and not e.assignment.parent],
            'extension')

    @classmethod
    @ModelView.button
    @transition('rejected', event='extension_reject')
    def reject(cls, extensions):
        """EXT-06: the due time stands, moved only by the time the
        platform took to decide (LGT-05)."""
        pool = Pool()
        pool.get('sushi.ticket.assignment').resume_clock(
            [e.assignment for e in extensions if e.state == 'leader_approved'])
        cls.write(extensions, {
                'decided_by': Transaction().user or None,
                'decided_at': clock.now(),
                })

    @classmethod
    def on_transition(cls, extensions, state):
        "The platform's decision queue follows the requests (EXT-04)."
        Pool().get('sushi.ticket.assignment').update_decision_due(
            [e.assignment for e in extensions])

    # --- the audit event of a move (see workflow.transition) -----------

    def transition_record(self):
        "The extension's events are on its assignment's trail."
        return self.assignment

    def transition_comment(self, event):
        if event == 'extension_request':
            return '+%s: %s' % (self.days, self.reason)
        elif event == 'extension_approve' and self.new_due_at:
            Calendar = Pool().get('sushi.calendar')
            return Calendar.to_local(self.new_due_at).strftime(
                '%Y-%m-%d %H:%M')
        elif event == 'extension_reject':
            return self.decision_note
