# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Direct answers from the knowledge base (TRI-02, KB-08).

While the caller talks, the call-taker searches the knowledge base from the
work order, ticks the entries the answer came from and closes the order as
a direct answer; the entries are recorded on the order and their use is
counted.  A correction names the order that exposed the error (KB-06)."""
from collections import Counter

from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition

from .exceptions import DirectAnswerError

INTAKE_STATES = ['draft', 'accepted']


class TicketEntry(ModelSQL):
    __name__ = 'sushi.ticket-sushi.knowledge.entry'
    __string__ = "Work Order - Knowledge Entry"

    ticket = fields.Many2One('sushi.ticket', "Work Order", required=True,
        ondelete='CASCADE')
    entry = fields.Many2One('sushi.knowledge.entry', "Knowledge Entry",
        required=True, ondelete='RESTRICT')


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    knowledge_entries = fields.Many2Many(
        'sushi.ticket-sushi.knowledge.entry', 'ticket', 'entry',
        "Knowledge Used",
        domain=[('state', '=', 'published')],
        states={
            'readonly': ~Eval('state').in_(INTAKE_STATES),
            'invisible': ~Eval('state').in_(INTAKE_STATES + ['answered']),
            },
        help="The knowledge entries the answer to the caller came from "
        "(TRI-02).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'search_knowledge': {
                    'invisible': ~Eval('state').in_(INTAKE_STATES),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('knowledge_entries', None)
        return super().copy(tickets, default=default)

    @classmethod
    @ModelView.button_action('sushi_knowledge.wizard_search')
    def search_knowledge(cls, tickets):
        "Open the knowledge search for the call being taken."

    @classmethod
    @ModelView.button
    def answer_directly(cls, tickets):
        """TRI-02: a direct answer names the knowledge entries it came from,
        or, when none fits, the written basis the agent typed: an answer is
        never blocked only because the knowledge base lacks an entry.  The
        entries' uses are counted; the answer given defaults to their
        text."""
        pool = Pool()
        Entry = pool.get('sushi.knowledge.entry')
        for ticket in tickets:
            if (not ticket.knowledge_entries
                    and not (ticket.answer_basis or '').strip()):
                raise DirectAnswerError(gettext(
                        'sushi_ticket.msg_direct_answer_basis',
                        ticket=ticket.rec_name))
        to_write = []
        for ticket in tickets:
            if not (ticket.answer or '').strip():
                to_write.extend([[ticket], {
                            'answer': '\n\n'.join(
                                e.content or e.title
                                for e in ticket.knowledge_entries),
                            }])
        if to_write:
            cls.write(*to_write)
        super().answer_directly(tickets)
        Entry.record_usage(cls.knowledge_usage(tickets))

    @classmethod
    def knowledge_usage(cls, tickets):
        "Return {entry id: number of tickets} of the entries the tickets used."
        TicketEntry = Pool().get('sushi.ticket-sushi.knowledge.entry')
        relation = TicketEntry.__table__()
        cursor = Transaction().connection.cursor()
        usage = Counter()
        for sub_ids in grouped_slice(
                [t.id for t in tickets], backend.MAX_QUERY_PARAMS):
            cursor.execute(*relation.select(
                    relation.entry, Count(relation.ticket),
                    where=reduce_ids(relation.ticket, list(sub_ids)),
                    group_by=[relation.entry]))
            for entry, count in cursor:
                usage[entry] += count
        return dict(usage)

    @classmethod
    def answer_from_knowledge(cls, tickets, entries):
        """Close the tickets as direct answers from the entries (the intake
        wizard's last step)."""
        if not entries:
            raise DirectAnswerError(gettext(
                    'sushi_knowledge.msg_direct_answer_nothing_selected'))
        cls.write(list(tickets), {
                'knowledge_entries': [('add', [e.id for e in entries])],
                })
        cls.answer_directly(list(tickets))


class Entry(metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.entry'

    source_ticket = fields.Many2One('sushi.ticket', "Source Work Order",
        ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'difficult_ticket',
            },
        help="The difficult work order this entry records how to answer.")

    @classmethod
    def copy(cls, entries, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('source_ticket', None)
        return super().copy(entries, default=default)


class Correction(metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.correction'

    ticket = fields.Many2One('sushi.ticket', "Work Order",
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'reported'},
        help="The work order on which the wrong answer was given (KB-06).")

    @classmethod
    def copy(cls, corrections, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ticket', None)
        return super().copy(corrections, default=default)


class SearchStart(metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.search.start'

    ticket = fields.Many2One('sushi.ticket', "Work Order", readonly=True,
        states={'invisible': ~Eval('ticket')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # From a work order, the call-taker ticks the entries used.
        cls.results.readonly = False
        cls.results.states = {'readonly': ~Eval('ticket')}


class Search(metaclass=PoolMeta):
    __name__ = 'sushi.knowledge.search'

    answer = StateTransition()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.start.buttons.append(Button("Answer Directly", 'answer',
                'tryton-ok', states={'invisible': ~Eval('ticket')}))

    def default_start(self, fields):
        values = super().default_start(fields)
        if ('ticket' not in values and self.model
                and self.model.__name__ == 'sushi.ticket' and self.record):
            ticket = self.record
            start = self.start.__class__(ticket=ticket, kinds=None,
                query=(ticket.title or '').strip()[:200] or None)
            if start.query:
                start.run_search()
            values = start._default_values
        return values

    def transition_answer(self):
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        entries = [r.entry for r in self.start.results
            if r.selected and r.entry]
        # TRI-02, KB-08: a wizard's steps run without access rights and the
        # order comes from the form (the wizard has no groups: everyone
        # searches the knowledge base); the answer is given with the
        # user's own rights: the order's rules, the button's groups
        with Transaction().set_context(_check_access=True):
            Ticket.answer_from_knowledge([self.start.ticket], entries)
        return 'end'

    def end(self):
        return 'reload'
