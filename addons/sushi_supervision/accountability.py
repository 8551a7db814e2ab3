# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Accountability records (ACC-01..12): the seven cases of 附件2 四(八), the
evidence, the method and the deciding body, and fault tolerance (ACC-11).
ACC-02 and ACC-03 are proposed from the stored facts by a set-based cron,
ACC-04 from a repeat request (SCP-04 c) and decided only once the Office
has verified that the feedback did not match reality; the others are
entered by the Office."""
from sql import Cast, Literal, Null
from sql.conditionals import Coalesce
from sql.operators import Concat, Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.ticket import FINISHED_STATES, OPEN_STATES
from trytond.modules.sushi_ticket.tools import update_from_values
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import AccountabilityError

CASE_TYPES = [
    ('acc01_refusal', "ACC-01 Refused to handle without justification"),
    ('acc02_overdue', "ACC-02 Overdue, or without a proper extension"),
    ('acc03_returned_twice', "ACC-03 Returned twice in a row for re-handling"),
    ('acc04_falsification', "ACC-04 Falsified feedback, complained again"),
    ('acc05_perfunctory', "ACC-05 Perfunctory lead or co-unit, dragging on"),
    ('acc06_disclosure', "ACC-06 Disclosed unrelated information"),
    ('acc07_attitude', "ACC-07 Bad attitude or retaliation"),
    # ACC-09, RET-03: "逾期退回予以追责" (附件2 四(四)), outside the seven
    ('ret03_late_return', "RET-03 Returned after the return window"),
    ]
# ACC-08, ACC-09
METHODS = [
    (None, ""),
    ('circulated_criticism', "Circulated Criticism"),
    ('warning', "Warning"),
    ('interview', "Interview"),
    ('named_circular', "Interview and Named Circular"),
    ('organisational', "Organisational Handling"),
    ('disciplinary', "Disciplinary Sanction"),
    ('legal', "Handled under the Law"),
    ]
BODIES = [
    (None, ""),
    ('office', "Hotline Office"),
    ('inspection_office', "City Party Committee Inspection Office"),
    ('discipline_commission',
        "City Commission for Discipline Inspection and Supervision"),
    ('unit', "The Unit Itself"),
    ('judicial', "Judicial Authorities"),
    ]
STATES = [
    ('candidate', "Candidate"),
    ('open', "Under Investigation"),
    ('decided', "Decided"),
    ('dismissed', "Dismissed"),
    ('withdrawn', "Withdrawn"),
    ]
# the states in which a record is no longer edited
CLOSED = ['decided', 'dismissed', 'withdrawn']


class Accountability(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.accountability'
    __string__ = "Accountability Record"

    key = fields.Char("Key", readonly=True,
        help="Set on automatic candidates: one per fact.")
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='RESTRICT',
        states={'readonly': ~Eval('state').in_(['candidate', 'open'])})
    case_type = fields.Selection(CASE_TYPES, "Case", required=True,
        states={'readonly': ~Eval('state').in_(['candidate', 'open'])})
    automatic = fields.Boolean("Proposed by the System", readonly=True)
    tickets = fields.Many2Many('sushi.accountability-sushi.ticket',
        'accountability', 'ticket', "Work Orders",
        states={'readonly': Eval('state').in_(CLOSED)})
    assignment = fields.Many2One('sushi.ticket.assignment', "Assignment",
        readonly=True, ondelete='SET NULL',
        help="The unit's part the automatic candidate comes from.")
    supervisions = fields.Many2Many(
        'sushi.accountability-sushi.supervision', 'accountability',
        'supervision', "Supervision Cases",
        states={'readonly': Eval('state').in_(CLOSED)})
    fact_at = fields.DateTime("Fact Dated", readonly=True)
    description = fields.Text("Facts",
        states={'readonly': Eval('state').in_(CLOSED)})
    evidence = fields.Text("Evidence",
        states={'readonly': Eval('state').in_(CLOSED)})
    attachments = fields.One2Many('ir.attachment', 'resource',
        "Evidence Files")
    # ACC-12: staff personal data, readable by the Office only (field
    # access in accountability.xml)
    persons = fields.Text("Staff Concerned",
        states={'readonly': Eval('state').in_(CLOSED)},
        help="Names and posts of the staff held accountable: personal "
        "data, visible to the Office only.")
    method = fields.Selection(METHODS, "Method",
        states={'readonly': Eval('state').in_(CLOSED)})
    deciding_body = fields.Selection(BODIES, "Deciding Body",
        states={'readonly': Eval('state').in_(CLOSED)})
    decided_on = fields.Date("Decided on",
        states={'readonly': Eval('state').in_(CLOSED)})
    decision = fields.Text("Decision",
        states={'readonly': Eval('state').in_(CLOSED)})
    # ACC-04: the verification half of the semi-automatic case
    feedback_untrue = fields.Boolean("Verified: Feedback Untrue",
        states={
            'readonly': Eval('state').in_(CLOSED),
            'invisible': Eval('case_type') != 'acc04_falsification',
            },
        help="The Office's verification found that the unit's feedback did "
        "not match reality, which made the requester complain again "
        "(ACC-04): needed to decide the case.")
    # ACC-11
    fault_tolerance_applied = fields.Boolean("Fault Tolerance Applied",
        states={'readonly': Eval('state').in_(CLOSED)},
        help="The fault-tolerance mechanism for hard-to-handle matters "
        "applies (ACC-11): recorded, with no sanction.")
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    created_at = fields.DateTime("Recorded at", readonly=True)
    # CONV-03: the red card an ACC-02 candidate was proposed from was
    # withdrawn when the year's official schedule was entered
    basis_withdrawn_at = fields.DateTime("Basis Withdrawn at",
        readonly=True,
        help="When the fact the automatic record came from (a red card) "
        "was withdrawn: a candidate is withdrawn with it; a record the "
        "Office took up or decided is kept and flagged for review.")
    basis_withdrawn_by = fields.Many2One('res.user', "Basis Withdrawn by",
        readonly=True)
    basis_withdrawn_reason = fields.Text("Why the Basis Was Withdrawn",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('key_unique', Unique(t, t.key),
                'sushi_supervision.msg_accountability_key_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.unit, Index.Equality()),
                    (t.state, Index.Equality())),
                # the ACC-02 candidates of the red cards withdrawn
                # (red_cards_recomputed), read by assignment
                Index(t, (t.assignment, Index.Equality()),
                    where=t.assignment != Null),
                })
        cls._order = [('created_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('candidate', 'open'),
            ('candidate', 'dismissed'),
            ('open', 'decided'),
            ('open', 'dismissed'),
            }
        cls._buttons.update({
                'investigate': {
                    'invisible': Eval('state') != 'candidate',
                    'depends': ['state'],
                    },
                'decide': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'dismiss': {
                    'invisible': ~Eval('state').in_(['candidate', 'open']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_created_at(cls):
        return clock.now()

    @classmethod
    def default_fault_tolerance_applied(cls):
        return False

    @classmethod
    def default_feedback_untrue(cls):
        return False

    def get_rec_name(self, name):
        return '%s %s' % (self.unit.rec_name if self.unit else '',
            dict(self.fields_get(['case_type'])['case_type'][
                    'selection']).get(self.case_type, ''))

    @classmethod
    @ModelView.button
    @transition('open')
    def investigate(cls, records):
        "The Office takes up a candidate."

    @classmethod
    @ModelView.button
    @transition('decided')
    def decide(cls, records):
        """ACC-08, ACC-12: a decision needs its method (or fault tolerance),
        the deciding body, the date and the evidence; ACC-04 also the
        verification that the feedback was untrue."""
        for record in records:
            if (not (record.method or record.fault_tolerance_applied)
                    or not record.deciding_body or not record.decided_on
                    or not (record.evidence or '').strip()):
                raise AccountabilityError(gettext(
                        'sushi_supervision.msg_accountability_decide',
                        record=record.rec_name))
            if (record.case_type == 'acc04_falsification'
                    and not record.feedback_untrue):
                raise AccountabilityError(gettext(
                        'sushi_supervision.msg_accountability_acc04_verify',
                        record=record.rec_name))

    @classmethod
    @ModelView.button
    @transition('dismissed')
    def dismiss(cls, records):
        for record in records:
            if not (record.decision or '').strip():
                raise AccountabilityError(gettext(
                        'sushi_supervision.msg_accountability_dismiss',
                        record=record.rec_name))

    @classmethod
    def propose(cls, now=None):
        """Cron: ACC-02 (a red card for being overdue, with no approved
        extension), ACC-03 (returned for re-handling twice in a row,
        REV-03) and late returns (ACC-09, RET-03) from the assignments, in
        one INSERT ... SELECT each and one INSERT of their ticket links,
        then ACC-04 from the repeat requests; each fact is proposed
        once."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Extension = pool.get('sushi.ticket.extension')
        Link = pool.get('sushi.accountability-sushi.ticket')
        table = cls.__table__()
        existing = cls.__table__()
        link = Link.__table__()
        linked = Link.__table__()
        a = Assignment.__table__()
        e = Extension.__table__()
        cursor = Transaction().connection.cursor()
        now = clock.whole_seconds(now or clock.now())
        true = Literal(True)

        def key(code):
            return Concat(Cast(Literal(code + ':'), 'VARCHAR'),
                Cast(a.id, 'VARCHAR'))
        approved = Exists(e.select(Literal(1),
                where=(e.assignment == a.id) & (e.state == 'approved')))
        facts = [
            ('acc02_overdue', (a.red_card == true)
                & (a.red_card_cause == 'overdue') & ~approved,
                a.red_card_at),
            # flagged before the time was stored: its last write
            ('acc03_returned_twice', a.accountability_candidate == true,
                Coalesce(a.accountability_candidate_at, a.write_date)),
            # ACC-09: a late return is subject to accountability, dated at
            # the window's end it passed (LGT-05), whatever the decision
            ('ret03_late_return', a.return_overdue == true,
                Coalesce(a.return_overdue_at, a.return_requested_at)),
            ]
        for code, where, fact_at in facts:
            cursor.execute(*table.insert([
                        table.key, table.unit, table.case_type,
                        table.assignment, table.fact_at, table.automatic,
                        table.state, table.created_at, table.create_uid,
                        table.create_date],
                    a.select(key(code), a.unit, Literal(code), a.id,
                        clock.whole_seconds(fact_at), true, Literal('candidate'), Literal(now),
                        Literal(0), Literal(now),
                        where=where & ~Exists(existing.select(Literal(1),
                                where=existing.key == key(code))))))
        # the work order of each new candidate
        cursor.execute(*link.insert([link.accountability, link.ticket,
                    link.create_uid, link.create_date],
                table.join(a, condition=table.assignment == a.id).select(
                    table.id, a.ticket, Literal(0), Literal(now),
                    where=(table.created_at == now)
                    & (table.assignment != Null)
                    & ~Exists(linked.select(Literal(1),
                            where=linked.accountability == table.id)))))
        cls.propose_falsification(now)

    @classmethod
    def propose_falsification(cls, now):
        """ACC-04 (semi-automatic): a request accepted as a new work order
        that repeats a closed one (SCP-04 c, `repeat_of`) makes the unit
        that gave the closed order's feedback (its lead unit) a candidate,
        dated at the repeat's intake, with both orders linked.  A repeat
        not accepted as lawfully closed on the same facts (SCP-04 b),
        merged, answered at intake or still a draft is none.  One
        candidate per repeat request; the Office verifies the feedback
        (feedback_untrue) before deciding, or dismisses it (new facts)."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Link = pool.get('sushi.accountability-sushi.ticket')
        table = cls.__table__()
        existing = cls.__table__()
        link = Link.__table__()
        t = Ticket.__table__()
        o = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        code = 'acc04_falsification'
        key = Concat(Cast(Literal(code + ':'), 'VARCHAR'),
            Cast(t.id, 'VARCHAR'))
        repeats = t.join(o, condition=o.id == t.repeat_of)
        cursor.execute(*table.insert([
                    table.key, table.unit, table.case_type, table.fact_at,
                    table.automatic, table.feedback_untrue,
                    table.fault_tolerance_applied, table.state,
                    table.created_at, table.create_uid, table.create_date],
                repeats.select(key, o.lead_unit, Literal(code),
                    clock.whole_seconds(t.received_at), Literal(True),
                    Literal(False), Literal(False), Literal('candidate'),
                    Literal(now), Literal(0), Literal(now),
                    where=(o.lead_unit != Null)
                    & t.state.in_(OPEN_STATES + FINISHED_STATES)
                    & ~Exists(existing.select(Literal(1),
                            where=existing.key == key)))))
        # the closed order whose feedback is in question, and the repeat
        linked = Link.__table__()
        new = table.join(t, condition=table.key == key)
        for column in [t.repeat_of, t.id]:
            cursor.execute(*link.insert([link.accountability, link.ticket,
                        link.create_uid, link.create_date],
                    new.select(table.id, column, Literal(0), Literal(now),
                        where=(table.created_at == now)
                        & (table.case_type == code)
                        & ~Exists(linked.select(Literal(1),
                                where=(linked.accountability == table.id)
                                & (linked.ticket == column))))))


    @classmethod
    def red_cards_recomputed(cls, withdrawn, redated, reasons):
        """The red cards of the assignments withdrawn were withdrawn when
        a year was entered (Assignment.recompute_deadlines); reasons gives
        the why of each ({assignment id: text}).  Their ACC-02 candidates
        are withdrawn, dated and explained (basis_withdrawn_*); a record
        the Office already took up, decided or dismissed keeps its state
        and is flagged the same way.  The key is freed: a red card given
        later is proposed anew.  The candidates of the red cards redated
        are dated at the new red card.  Return the flagged records.

        Set-based: the records are found by one search per slice of the
        assignments and written by one UPDATE ... FROM (VALUES (id,
        reason)) per state and slice of 1 000 (update_from_values), the
        new dates by one UPDATE ... FROM (VALUES (key, date)) per slice."""
        table = cls.__table__()
        now = clock.whole_seconds(clock.now())
        user = Transaction().user or None
        by_id = {a.id: a for a in withdrawn}
        found = []
        for sub in grouped_slice(list(by_id), backend.MAX_QUERY_PARAMS):
            found.extend(cls.search_read([
                        ('case_type', '=', 'acc02_overdue'),
                        ('automatic', '=', True),
                        ('assignment', 'in', list(sub)),
                        ('basis_withdrawn_at', '=', None),
                        ], fields_names=['assignment', 'state']))
        # the candidates withdrawn, the others kept and flagged
        flagged = [r['id'] for r in found if r['state'] != 'candidate']
        stamp = [(table.basis_withdrawn_at, now),
            (table.basis_withdrawn_by, user), (table.key, Null),
            (table.write_date, now)]
        for candidate, constants in [
                (True, stamp + [(table.state, 'withdrawn')]),
                (False, stamp)]:
            update_from_values(table, table.id,
                [table.basis_withdrawn_reason],
                [(r['id'], reasons[r['assignment']]) for r in found
                    if (r['state'] == 'candidate') == candidate],
                constants=constants)
        # a red card kept, dated at the real due time (LGT-05)
        dates = {'acc02_overdue:%s' % a.id: clock.whole_seconds(
                a.red_card_at) for a in redated}
        update_from_values(table, table.key, [table.fact_at],
            [(k, d) for k, d in dates.items() if d is not None],
            where=table.state == 'candidate')
        undated = [k for k, d in dates.items() if d is None]
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice(undated, 1000):
            cursor.execute(*table.update([table.fact_at], [Null],
                    where=table.key.in_(list(sub))
                    & (table.state == 'candidate')))
        return cls.browse(flagged)


class AccountabilityTicket(ModelSQL):
    __name__ = 'sushi.accountability-sushi.ticket'
    __string__ = "Accountability - Work Order"

    accountability = fields.Many2One('sushi.accountability',
        "Accountability Record", required=True, ondelete='CASCADE')
    ticket = fields.Many2One('sushi.ticket', "Work Order", required=True,
        ondelete='CASCADE')


class AccountabilitySupervision(ModelSQL):
    __name__ = 'sushi.accountability-sushi.supervision'
    __string__ = "Accountability - Supervision Case"

    accountability = fields.Many2One('sushi.accountability',
        "Accountability Record", required=True, ondelete='CASCADE')
    supervision = fields.Many2One('sushi.supervision', "Supervision Case",
        required=True, ondelete='CASCADE')
