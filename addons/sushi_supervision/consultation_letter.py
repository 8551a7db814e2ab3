# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The co-units' written replies to the lead unit (按期函复, CON-04): each
with the due time the lead set and the time it was received."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .consultation_exceptions import ConsultationError, ConsultationRightError

_sent = Eval('state') != 'requested'


class Letter(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.consultation.letter'
    __string__ = "Co-Unit Letter"

    topic = fields.Many2One('sushi.consultation.topic', "Topic",
        required=True, ondelete='CASCADE', readonly=True)
    unit = fields.Many2One('sushi.unit', "Co-Unit", required=True,
        readonly=True, ondelete='RESTRICT')
    requested_at = fields.DateTime("Requested at", required=True,
        readonly=True)
    requested_by = fields.Many2One('res.user', "Requested by",
        readonly=True)
    due_at = fields.DateTime("Due", required=True,
        states={'readonly': _sent},
        help="Set by the lead unit.")
    opinion = fields.Text("Opinions and Measures",
        states={'readonly': _sent},
        help="The co-unit's clear opinions and solutions, and the results "
        "of the work within its duties (CON-04).")
    received_at = fields.DateTime("Received at", readonly=True)
    sent_by = fields.Many2One('res.user', "Sent by", readonly=True)
    late = fields.Boolean("Late", readonly=True)
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue')
    attachments = fields.One2Many('ir.attachment', 'resource', "Letter")
    state = fields.Selection([
            ('requested', "Requested"),
            ('received', "Received"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('topic')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.due_at, Index.Range())),
                Index(t, (t.unit, Index.Equality())),
                })
        cls._order = [('due_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('requested', 'received')}
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'requested'

    def get_rec_name(self, name):
        return '%s - %s' % (self.topic.rec_name, self.unit.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            [('topic.rec_name',) + tuple(clause[1:])],
            [('unit.rec_name',) + tuple(clause[1:])],
            ]

    def get_overdue(self, name):
        return self.state == 'requested' and clock.now() > self.due_at

    def notice_line(self):
        Calendar = Pool().get('sushi.calendar')
        return gettext('sushi_supervision.msg_consultation_letter_line',
            topic=self.topic.rec_name,
            due=Calendar.to_local(self.due_at).strftime('%Y-%m-%d %H:%M'))

    def check_co_unit(self):
        from .consultation_topic import is_admin, user_units
        if is_admin():
            return
        if self.unit.id not in user_units():
            raise ConsultationRightError(gettext(
                    'sushi_supervision.msg_consultation_not_co_unit',
                    letter=self.rec_name, unit=self.unit.rec_name))

    @classmethod
    def check_modification(cls, mode, letters, values=None, external=False):
        super().check_modification(
            mode, letters, values=values, external=external)
        if not external:
            return
        if mode in {'create', 'delete'}:
            # Letters are asked for through the topic's button only.
            raise ConsultationError(gettext(
                    'sushi_supervision.msg_consultation_letter_button'))
        if mode == 'write':
            for letter in letters:
                if 'due_at' in values:
                    letter.topic.check_lead()
                if set(values) - {'due_at'}:
                    letter.check_co_unit()

    @classmethod
    @ModelView.button
    @transition('received')
    def send(cls, letters):
        """The co-unit sends its written reply; the lead has it now.  A
        letter after its due time is a D4.3 candidate (CON-04)."""
        Fact = Pool().get('sushi.consultation.fact')
        now = clock.now()
        for letter in letters:
            letter.check_co_unit()
            if not (letter.opinion or '').strip() and not letter.attachments:
                raise ConsultationError(gettext(
                        'sushi_supervision.msg_consultation_letter_empty',
                        letter=letter.rec_name))
            letter.received_at = now
            letter.sent_by = Transaction().user or None
            letter.late = now > letter.due_at
        cls.save(letters)
        Fact.record_letters([l for l in letters if l.late])
