# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Corrections of knowledge-base entries (纠错, KB-06, D5.3).

The platform reports an error in a published entry; once confirmed, the
correction counts against the owner unit (its time is `confirmed_at`) and
the entry is either withdrawn or fixed through a new version, which
resolves the correction when it is published."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import common
from .exceptions import CorrectionError

STATES = [
    ('reported', "Reported"),
    ('confirmed', "Confirmed"),
    ('resolved', "Resolved"),
    ('dismissed', "Dismissed"),
    ]


class Correction(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.knowledge.correction'
    __string__ = "Knowledge Correction"

    entry = fields.Many2One('sushi.knowledge.entry', "Entry", required=True,
        ondelete='RESTRICT',
        domain=[('state', 'in', ['published', 'superseded', 'expired',
                    'withdrawn'])],
        states={'readonly': Eval('state') != 'reported'},
        help="The entry that gave a caller a wrong answer.")
    unit = fields.Many2One('sushi.unit', "Owner Unit", readonly=True,
        ondelete='RESTRICT',
        help="The unit the correction counts against: the entry's owner.")
    assessed_unit = fields.Many2One('sushi.unit', "Assessed Unit",
        readonly=True, ondelete='RESTRICT')
    description = fields.Text("Error", required=True,
        states={'readonly': Eval('state') != 'reported'},
        help="What is wrong or out of date, and what the right "
        "information is.")
    reported_at = fields.DateTime("Reported at", readonly=True)
    reported_by = fields.Many2One('res.user', "Reported by", readonly=True)
    confirmed_at = fields.DateTime("Confirmed at", readonly=True)
    confirmed_by = fields.Many2One('res.user', "Confirmed by",
        readonly=True)
    resolution = fields.Selection([
            (None, ""),
            ('fixed', "Fixed by a New Version"),
            ('withdrawn', "Entry Withdrawn"),
            ], "Resolution", readonly=True)
    corrected_entry = fields.Many2One('sushi.knowledge.entry',
        "Corrected Version", readonly=True, ondelete='RESTRICT')
    resolved_at = fields.DateTime("Resolved at", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('reported_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('reported', 'confirmed'),
            ('reported', 'dismissed'),
            ('confirmed', 'resolved'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'reported',
                    'depends': ['state'],
                    },
                'dismiss': {
                    'invisible': Eval('state') != 'reported',
                    'depends': ['state'],
                    },
                'withdraw_entry': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                'correct_entry': {
                    'invisible': ((Eval('state') != 'confirmed')
                        | Eval('corrected_entry')),
                    'depends': ['state', 'corrected_entry'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'reported'

    @classmethod
    def default_reported_at(cls):
        return common.now()

    @classmethod
    def default_reported_by(cls):
        return Transaction().user

    def get_rec_name(self, name):
        return self.entry.rec_name if self.entry else str(self.id)

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'entry' in field_names:
            unit = self.entry.owner_unit if self.entry else None
            if unit != self.unit:
                values['unit'] = unit.id if unit else None
            assessed = common.assessed_unit(unit)
            if assessed != self.assessed_unit:
                values['assessed_unit'] = assessed.id if assessed else None
        return values

    @classmethod
    def copy(cls, corrections, default=None):
        default = default.copy() if default is not None else {}
        for name in ['confirmed_at', 'confirmed_by', 'resolution',
                'corrected_entry', 'resolved_at']:
            default.setdefault(name, None)
        default.setdefault('reported_at', common.now())
        default.setdefault('reported_by', Transaction().user)
        return super().copy(corrections, default=default)

    @classmethod
    @ModelView.button
    @transition('confirmed')
    def confirm(cls, corrections):
        """Confirm the errors: each confirmed correction costs its unit a
        point (D5.3), and the unit is told to fix the entry."""
        cls.write(corrections, {
                'confirmed_at': common.now(),
                'confirmed_by': Transaction().user,
                })
        common.notify_units([(c.unit.id,
                    gettext('sushi_knowledge.msg_correction_label',
                        entry=c.entry.title),
                    c.description[:200],
                    cls.__name__, [c.id])
                for c in corrections if c.unit])

    @classmethod
    @ModelView.button
    @transition('dismissed')
    def dismiss(cls, corrections):
        "The entry was right: the report does not count."

    @classmethod
    @ModelView.button
    @transition('resolved')
    def withdraw_entry(cls, corrections):
        "Withdraw the wrong entries (and their published later versions)."
        Entry = Pool().get('sushi.knowledge.entry')
        firsts = [c.entry.first_version.id if c.entry.first_version
            else c.entry.id for c in corrections]
        Entry.withdraw(Entry.search([
                    ['OR',
                        ('id', 'in', firsts),
                        ('first_version', 'in', firsts),
                        ],
                    ('state', '=', 'published'),
                    ]))
        cls.write(corrections, {
                'resolution': 'withdrawn',
                'resolved_at': common.now(),
                })

    @classmethod
    @ModelView.button
    def correct_entry(cls, corrections):
        """Start a new version of each wrong entry for its unit to fix; the
        correction is resolved when that version is published."""
        Entry = Pool().get('sushi.knowledge.entry')
        for correction in corrections:
            if correction.state != 'confirmed' or correction.corrected_entry:
                raise CorrectionError(gettext(
                        'sushi_knowledge.msg_correction_not_open',
                        correction=correction.rec_name))
            published = [e for e in correction.entry.versions
                if e.state in {'published', 'expired'}]
            if not published:
                raise CorrectionError(gettext(
                        'sushi_knowledge.msg_correction_nothing_to_fix',
                        entry=correction.entry.rec_name))
            draft, = Entry.create_versions([published[-1]])
            cls.write([correction], {'corrected_entry': draft.id})

    @classmethod
    def resolve_fixed(cls, entries):
        "Resolve the confirmed corrections whose new version is published."
        corrections = cls.search([
                ('state', '=', 'confirmed'),
                ('corrected_entry', 'in', [e.id for e in entries]),
                ])
        if corrections:
            cls.write(corrections, {
                    'resolution': 'fixed',
                    'resolved_at': common.now(),
                    })
            cls._resolve(corrections)

    @classmethod
    @Workflow.transition('resolved')
    def _resolve(cls, corrections):
        pass
