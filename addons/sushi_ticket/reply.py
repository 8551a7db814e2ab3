# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The unit's reply (反馈件, RPL), its sign-off (RPL-04) and the platform's
conformity review (REV)."""

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from . import clock
from .exceptions import ReplyError
from .tools import PHONE
from .workflow import DraftOnlyMixin, transition

# RPL-02 a..k and the sign-off (RPL-04): the review checklist (REV-01).
ELEMENTS = [
    ('a_point_by_point', "a. Answers every point raised"),
    ('b_detailed', "b. Detailed content"),
    ('c_facts', "c. Clear facts"),
    ('d_complete', "d. Complete narrative"),
    ('e_structure', "e. Clear structure"),
    ('f_logic', "f. Logically consistent"),
    ('g_references', "g. Document numbers and sources cited"),
    ('h_communication', "h. Communication with the requester recorded"),
    ('i_satisfaction', "i. Requester's satisfaction recorded"),
    ('j_contact', "j. Handler's contact details"),
    ('k_real_name', "k. Real-name closing"),
    ('sign_off', "Leader sign-off"),
    ]
_draft = Eval('state') != 'draft'


# RPL-03: the substantive defects a verification can find
DEFECTS = [
    ('unlawful', "Not in Line with Law or Policy"),
    ('no_contact', "No Communication with the Requester before Replying"),
    ('untrue', "Content Untrue"),
    ('promise_unkept', "Promise Not Kept"),
    ]


class Reply(DraftOnlyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.ticket.reply'
    __string__ = "Reply"

    assignment = fields.Many2One('sushi.ticket.assignment', "Assignment",
        required=True, ondelete='CASCADE',
        states={'readonly': _draft | Bool(Eval('id', -1) >= 0)})
    ticket = fields.Function(fields.Many2One('sushi.ticket', "Ticket"),
        'get_assignment_field', searcher='search_assignment_field')
    unit = fields.Function(fields.Many2One('sushi.unit', "Unit"),
        'get_assignment_field', searcher='search_assignment_field')
    kind = fields.Selection([
            ('reply', "Reply to the Platform"),
            ('co_input', "Co-Unit Input to the Lead"),
            ('sub_reply', "Sub-Unit Reply to its Tier-2 Unit"),
            ], "Kind", readonly=True)
    round = fields.Integer("Round", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting_sign_off', "Waiting for Sign-off"),
            ('submitted', "Submitted"),
            ('accepted', "Accepted"),
            ('returned', "Returned"),
            ], "State", readonly=True, required=True, sort=False)
    # RPL-02 a..f
    content = fields.Text("Reply",
        states={'readonly': _draft, 'required': ~_draft},
        help="A direct answer to every point raised: facts, what was done, "
        "the result.")
    result = fields.Selection([
            (None, ""),
            ('resolved', "Resolved"),
            ('partially_resolved', "Partially Resolved"),
            ('explained_not_resolvable_now', "Cannot Be Solved Now, "
                "Explained"),
            ], "Result", states={'readonly': _draft})
    explanation = fields.Text("Explanation to the Requester",
        states={
            'readonly': _draft,
            'invisible': Eval('result') != 'explained_not_resolvable_now',
            },
        help="Why the matter cannot be solved now, and how the requester "
        "was guided (RPL-06).")
    # RPL-02 g
    policy_references = fields.Text("Policies Cited",
        states={
            'readonly': _draft,
            'invisible': Bool(Eval('no_policy_cited')),
            },
        help="Document numbers and sources of the laws and policies cited.")
    no_policy_cited = fields.Boolean("No Policy Cited",
        states={'readonly': _draft})
    # RPL-02 h, i
    contacted_at = fields.DateTime("Requester Contacted at",
        states={'readonly': _draft})
    contact_method = fields.Selection([
            (None, ""),
            ('phone', "Telephone"),
            ('visit', "Visit"),
            ('sms', "SMS"),
            ('meeting', "Meeting"),
            ('other', "Other"),
            ], "Contact Method", states={'readonly': _draft})
    contact_summary = fields.Text("Communication with the Requester",
        states={'readonly': _draft})
    requester_satisfaction = fields.Selection([
            (None, ""),
            ('satisfied', "Satisfied"),
            ('basically_satisfied', "Basically Satisfied"),
            ('dissatisfied', "Dissatisfied"),
            ('not_expressed', "Did Not Say"),
            ], "Requester's Satisfaction", states={'readonly': _draft})
    # RPL-02 j, k
    handler_name = fields.Char("Handler", states={'readonly': _draft})
    handler_phone = fields.Char("Handler Phone", states={'readonly': _draft})
    attachments = fields.One2Many('ir.attachment', 'resource',
        "Photos, Videos and Documents",
        help="Site photos or videos where conditions allow (RPL-05).")
    # sign-off (RPL-04)
    signed_off_by = fields.Many2One('res.user', "Signed off by",
        readonly=True)
    signed_off_role = fields.Selection([
            (None, ""),
            ('principal', "Principal Leader"),
            ('deputy_in_charge', "Deputy Leader in Charge"),
            ], "Signed off as", readonly=True)
    signed_off_at = fields.DateTime("Signed off at", readonly=True)
    submitted_at = fields.DateTime("Submitted at", readonly=True)
    # review (REV)
    review_due_at = fields.DateTime("Review Due", readonly=True)
    reviewed_by = fields.Many2One('res.user', "Reviewed by", readonly=True)
    reviewed_at = fields.DateTime("Reviewed at", readonly=True)
    failed_elements = fields.MultiSelection(ELEMENTS, "Failed Elements",
        states={'readonly': Eval('state') != 'submitted'},
        help="What the review found missing (REV-01).")
    review_note = fields.Text("Review Note",
        states={'readonly': Eval('state') != 'submitted'})
    # RPL-03, RPL-07: what a later verification found (scored per reply)
    defects = fields.MultiSelection(DEFECTS, "Verified Defects",
        readonly=True,
        help="What verification found wrong in the substance (RPL-03).")
    refused_to_cooperate = fields.Boolean("Refused to Improve",
        readonly=True,
        help="The unit refused to complete or improve the reply with the "
        "platform (RPL-07).")
    findings_at = fields.DateTime("Findings at", readonly=True)
    findings_by = fields.Many2One('res.user', "Findings by", readonly=True)
    findings_origin = fields.Selection([
            (None, ""),
            ('rating_verification', "Verification of a Bad Rating"),
            ('spot_check', "Platform Spot Check"),
            ], "Findings from", readonly=True)
    findings_note = fields.Text("Findings", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.assignment, Index.Range())),
                Index(t, (t.state, Index.Equality()),
                    (t.submitted_at, Index.Range())),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'waiting_sign_off'),
            ('waiting_sign_off', 'draft'),
            ('waiting_sign_off', 'submitted'),
            ('submitted', 'accepted'),
            ('submitted', 'returned'),
            }
        cls._buttons.update({
                'request_sign_off': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'waiting_sign_off',
                    'depends': ['state'],
                    },
                'sign_off': {
                    'invisible': Eval('state') != 'waiting_sign_off',
                    'depends': ['state'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_no_policy_cited(cls):
        return False

    @classmethod
    def default_handler_name(cls):
        user = Transaction().user
        if user:
            return Pool().get('res.user')(user).name

    @classmethod
    def default_assignment(cls):
        context = Transaction().context
        if context.get('active_model') == 'sushi.ticket.assignment':
            return context.get('active_id')

    @fields.depends('assignment')
    def on_change_assignment(self):
        if self.assignment:
            self.kind = kind_of(self.assignment)
            self.round = self.assignment.round

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s (%s)' % (self.assignment.rec_name,
            kinds.get(self.kind, ''))

    @classmethod
    def get_assignment_field(cls, replies, names):
        result = {n: {} for n in names}
        for reply in replies:
            for name in names:
                value = getattr(reply.assignment, name)
                result[name][reply.id] = value.id if value else None
        return result

    @classmethod
    def search_assignment_field(cls, name, clause):
        return [('assignment.' + clause[0],) + tuple(clause[1:])]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('assignment'):
            Assignment = Pool().get('sushi.ticket.assignment')
            assignment = Assignment(values['assignment'])
            values.setdefault('round', assignment.round)
            values.setdefault('kind', kind_of(assignment))
        return values

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Unit = pool.get('sushi.unit')
        pool.get('sushi.ticket.assignment')
        replies = super().create(vlist)
        for reply in replies:
            if reply.assignment.state not in {'dispatched', 'signed'}:
                raise ReplyError(gettext('sushi_ticket.msg_reply_state',
                        assignment=reply.assignment.rec_name))
            Unit.check_member([reply.assignment.unit], reply)
        return replies

    def check_complete(self):
        "RPL-02, RPL-06: every element a reply must carry, with names."
        missing = []
        if not (self.content or '').strip():
            missing.append('content')
        if not self.result:
            missing.append('result')
        elif (self.result == 'explained_not_resolvable_now'
                and not (self.explanation or '').strip()):
            missing.append('explanation')
        if not self.no_policy_cited and not (
                self.policy_references or '').strip():
            missing.append('policy_references')
        if self.kind == 'reply':
            for name in ['contacted_at', 'contact_method', 'contact_summary',
                    'requester_satisfaction']:
                value = getattr(self, name)
                if not value or (isinstance(value, str)
                        and not value.strip()):
                    missing.append(name)
        if not (self.handler_name or '').strip():
            missing.append('handler_name')
        if not self.handler_phone:
            missing.append('handler_phone')
        if missing:
            names = self.fields_get(missing)
            raise ReplyError(gettext('sushi_ticket.msg_reply_incomplete',
                    reply=self.rec_name,
                    fields='、'.join(names[f]['string'] for f in missing)))
        if not PHONE.match(self.handler_phone.replace(' ', '')):
            raise ReplyError(gettext('sushi_ticket.msg_reply_handler_phone',
                    phone=self.handler_phone))
        if self.contacted_at and self.contacted_at > clock.now():
            raise ReplyError(gettext('sushi_ticket.msg_reply_contact_future',
                    reply=self.rec_name))

    @classmethod
    @ModelView.button
    @transition('waiting_sign_off', event='reply_draft')
    def request_sign_off(cls, replies):
        Unit = Pool().get('sushi.unit')
        for reply in replies:
            Unit.check_member([reply.assignment.unit], reply)
            if reply.assignment.state not in {'dispatched', 'signed'}:
                raise ReplyError(gettext('sushi_ticket.msg_reply_state',
                        assignment=reply.assignment.rec_name))
            reply.check_complete()

    @classmethod
    @ModelView.button
    @transition('draft', event='reply_send_back')
    def send_back(cls, replies):
        "The leader sends the draft back to the handler."
        Unit = Pool().get('sushi.unit')
        for reply in replies:
            Unit.check_leader([reply.assignment.unit], reply)

    @classmethod
    @ModelView.button
    @transition('submitted', event='reply_sign_off')
    def sign_off(cls, replies):
        """RPL-04: the leader signs off and the reply goes out: to the
        platform, to the lead unit (co-unit input) or to the tier-2 unit."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        Ticket = pool.get('sushi.ticket')
        Unit = pool.get('sushi.unit')
        now = clock.now()
        review_days = Configuration.get_values()['review_days']
        for reply in replies:
            reply.check_complete()
            # RPL-04: a supervised order needs the principal leader
            unit = reply.assignment.unit
            reply.signed_off_role = Unit.check_leader(
                [unit], reply,
                principal=reply.assignment.ticket.is_supervised)[unit.id]
            reply.signed_off_by = Transaction().user
            reply.signed_off_at = reply.submitted_at = now
            if reply.kind == 'reply':
                with Calendar.provisional():
                    reply.review_due_at = Calendar.platform_deadline(
                        now, review_days)
        cls.save(replies)
        assignments = [r.assignment for r in replies]
        Assignment.record_late_completion(assignments, now)
        Assignment.reply_submitted(assignments)
        co_inputs = [r for r in replies if r.kind == 'co_input']
        if co_inputs:
            # TRI-08: a co-unit's part is done when the lead has it
            cls.accept_replies(co_inputs)
        Ticket.process([r.assignment.ticket for r in replies])

    @classmethod
    @ModelView.button
    def accept(cls, replies):
        """REV-01: the reply conforms.  A lead's reply completes the order
        and opens the callback (CBK); a sub-unit's reply is accepted by its
        tier-2 unit (ORG-10)."""
        Unit = Pool().get('sushi.unit')
        for reply in replies:
            if reply.kind == 'sub_reply':
                Unit.check_member([reply.assignment.parent.unit], reply)
            elif reply.kind == 'reply':
                reply.check_reviewer()
        cls.accept_replies(replies)

    def check_reviewer(self):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if not Transaction().user:
            return
        groups = set(User.get_groups())
        allowed = {ModelData.get_id('sushi_ticket', x) for x in [
                'group_sushi_reviewer', 'group_sushi_admin']}
        if not groups & allowed:
            raise ReplyError(gettext('sushi_ticket.msg_reply_not_reviewer',
                    reply=self.rec_name))

    @classmethod
    @transition('accepted', event='review_accept')
    def accept_replies(cls, replies):
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Callback = pool.get('sushi.ticket.callback')
        Ticket = pool.get('sushi.ticket')
        now = clock.now()
        cls.write(replies, {
                'reviewed_by': Transaction().user or None,
                'reviewed_at': now,
                })
        for reply in replies:
            Assignment.complete([reply.assignment], reply.submitted_at)
        Ticket.process([r.assignment.ticket for r in replies])
        tickets = [r.assignment.ticket for r in replies
            if r.kind == 'reply']
        if tickets:
            Callback.request_rating(Ticket.browse(tickets))

    @classmethod
    @ModelView.button
    @transition('returned', event='review_return')
    def return_(cls, replies):
        """REV-01: non-standard, non-specific or incomplete: back to the
        unit, which completes it within the original time (REV-02)."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Ticket = pool.get('sushi.ticket')
        Unit = pool.get('sushi.unit')
        now = clock.now()
        for reply in replies:
            if reply.kind == 'sub_reply':
                Unit.check_member([reply.assignment.parent.unit], reply)
            else:
                reply.check_reviewer()
            if not reply.failed_elements and not (
                    reply.review_note or '').strip():
                raise ReplyError(gettext(
                        'sushi_ticket.msg_reply_return_reason',
                        reply=reply.rec_name))
        cls.write(replies, {
                'reviewed_by': Transaction().user or None,
                'reviewed_at': now,
                })
        Assignment.reply_returned([r.assignment for r in replies])
        Ticket.process([r.assignment.ticket for r in replies])

    # --- the audit event of a move (see workflow.transition) -----------

    def transition_record(self):
        "The reply's events are on its assignment's trail."
        return self.assignment

    def transition_action(self, event):
        "A sub-unit's reply is reviewed by its tier-2 unit (ORG-10)."
        if self.kind == 'sub_reply':
            return {'review_accept': 'sub_reply_accept',
                'review_return': 'sub_reply_return'}.get(event, event)
        return event

    def transition_comment(self, event):
        if event == 'reply_sign_off':
            return self.content
        elif event == 'review_accept':
            return self.review_note
        elif event == 'review_return':
            # as the unit reads them, in its language
            labels = dict(self.fields_get(['failed_elements'])[
                    'failed_elements']['selection'])
            return '；'.join(
                [str(labels[e]) for e in self.failed_elements or []]
                + ([self.review_note] if self.review_note else []))


    @classmethod
    def record_findings(cls, replies, defects=(), refused=False, note=None,
            origin='spot_check'):
        """RPL-03, RPL-07: store what a verification found in accepted
        replies, with its time, author and origin, and an event."""
        pool = Pool()
        Event = pool.get('sushi.ticket.event')
        defects = sorted(set(defects or ()))
        unknown = set(defects) - dict(DEFECTS).keys()
        if unknown or not (defects or refused):
            return
        cls.write(list(replies), {
                'defects': defects,
                'refused_to_cooperate': bool(refused),
                'findings_at': clock.now(),
                'findings_by': Transaction().user or None,
                'findings_origin': origin,
                'findings_note': note,
                })
        names = cls.fields_get(['defects', 'refused_to_cooperate'])
        labels = dict(names['defects']['selection'])
        Event.log([r.assignment for r in replies], 'findings',
            comment='；'.join([str(labels[d]) for d in defects]
                + ([names['refused_to_cooperate']['string']]
                    if refused else [])
                + ([note] if note else [])))


def kind_of(assignment):
    if assignment.parent:
        return 'sub_reply'
    if assignment.role == 'co':
        return 'co_input'
    return 'reply'
