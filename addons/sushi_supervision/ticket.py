# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .candidate import ticket_flags


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    supervisions = fields.Many2Many('sushi.supervision-sushi.ticket',
        'ticket', 'supervision', "Supervision Cases", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # SUP-14: the candidate cron reads the few flagged orders of each
        # trigger, not the whole table
        cls._sql_indexes.update(
            Index(t, (t.id, Index.Range()), where=condition)
            for condition in ticket_flags(t).values())


class Event(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.event'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for selection in [
                ('supervise', "Supervision Registered"),
                ('supervision_action', "Routine Supervision"),
                ]:
            if selection not in cls.action.selection:
                cls.action.selection.append(selection)


class Assignment(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.assignment'

    @classmethod
    def red_cards_recomputed(cls, withdrawn, redated, since):
        """CONV-03, LGT-02, ACC-02, SUP-14: what supervision derived from a
        red card the entered year withdrew is withdrawn with it, recorded
        (when, by whom, why), never deleted: the ACC-02 candidates and the
        supervision candidates still undecided are withdrawn; those an
        officer already decided are kept, flagged, and the Office is told
        which to review.  Those of a red card kept are dated anew."""
        pool = Pool()
        Accountability = pool.get('sushi.accountability')
        Candidate = pool.get('sushi.supervision.candidate')
        Calendar = pool.get('sushi.calendar')
        super().red_cards_recomputed(withdrawn, redated, since)
        year = Calendar.to_local(since).year
        reasons = {a.id: gettext('sushi_supervision.msg_red_card_withdrawn',
                assignment=a.rec_name, year=year,
                due=Calendar.format_due(a.due_at))
            for a in withdrawn}
        with without_check_access():
            flagged = list(Accountability.red_cards_recomputed(
                    withdrawn, redated, reasons))
            flagged += Candidate.red_cards_recomputed(
                withdrawn, redated, reasons)
            if flagged:
                cls._report_basis_withdrawn(flagged, year)

    @staticmethod
    def _basis_withdrawn_name(record):
        "A flagged record's name, with its work order's number."
        assignment = getattr(record, 'assignment', None)
        if assignment and assignment.ticket.number not in record.rec_name:
            return '%s（%s）' % (record.rec_name, assignment.ticket.number)
        return record.rec_name

    @classmethod
    def _report_basis_withdrawn(cls, records, year):
        """Tell the supervisors which decided records lost the red card
        they came from: to be reviewed by a person."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        ResNotification = pool.get('res.notification')
        label = gettext('sushi_supervision.msg_red_card_withdrawn_review',
            year=year, count=len(records),
            records='、'.join(cls._basis_withdrawn_name(r)
                for r in records[:10]))
        group = ModelData.get_id('sushi_ticket', 'group_sushi_supervisor')
        ResNotification.create([{
                    'user': u.id, 'label': label[:250],
                    'description': label,
                    'icon': 'tryton-warning',
                    } for u in User.search([('groups', '=', group)])])
