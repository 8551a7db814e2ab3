# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Knowledge-base entries (KB-01, KB-04..06, KB-08).

An entry is written by its owner unit, submitted, reviewed and published
by the platform.  A published entry is never changed: a change is a new
version, a draft copy that replaces the published one when it is published
in turn.  The versions of an entry share its first version, so the history
tells what was published when."""
import datetime as dt

from sql import Null
from sql.operators import ILike, Or
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.tools import rec_name_domain
from trytond.modules.sushi_ticket.workflow import transition
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from . import common, search
from .exceptions import (
    EntryReadonlyError, EntryValidationError, EntryWorkflowError)

# KB-05: the four kinds each unit's knowledge base must cover.
KINDS = [
    ('policy_document', "Policy Document"),
    ('policy_interpretation', "Policy Interpretation"),
    ('faq_script', "Answer Script for Common Questions"),
    ('difficult_ticket', "Difficult-Case Work Order"),
    ]
# KB-06: these kinds come from an official document and carry its number
# and issuing date.
DOCUMENT_KINDS = {'policy_document'}
STATES = [
    ('draft', "Draft"),
    ('review', "In Review"),
    ('published', "Published"),
    ('superseded', "Superseded"),
    ('expired', "Expired"),
    ('withdrawn', "Withdrawn"),
    ]
# What the owner unit writes; frozen once the entry leaves draft.
CONTENT_FIELDS = {
    'title', 'kind', 'owner_unit', 'document_number', 'issued_on',
    'effective_date', 'expiry_date', 'content', 'keywords', 'category',
    'request',
    }
_draft_only = {'readonly': Eval('state') != 'draft'}


class Entry(Workflow, ModelSQL, ModelView):
    __name__ = 'sushi.knowledge.entry'
    __string__ = "Knowledge Entry"

    title = fields.Char("Title", required=True, strip=True,
        states=_draft_only)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states=_draft_only)
    kind_string = kind.translated('kind')
    owner_unit = fields.Many2One('sushi.unit', "Owner Unit", required=True,
        ondelete='RESTRICT', states=_draft_only,
        help="The unit that answers for the entry: it submits it, keeps it "
        "up to date and is assessed on it.")
    assessed_unit = fields.Many2One('sushi.unit', "Assessed Unit",
        readonly=True, ondelete='RESTRICT',
        help="The assessed unit whose score the entry counts for: the owner "
        "unit, or the county or department it belongs to.")
    document_number = fields.Char("Document Number", strip=True,
        states=_draft_only,
        help="The number of the official document (文号); required for "
        "policy documents.")
    issued_on = fields.Date("Issuing Date", states=_draft_only,
        help="The date the policy was issued (出台); required for policy "
        "documents.  New policies are due in the knowledge base within 7 "
        "working days of it (KB-01).")
    effective_date = fields.Date("Effective Date", required=True,
        states=_draft_only,
        help="Call-takers see the entry from this date.")
    expiry_date = fields.Date("Expiry Date", states=_draft_only,
        help="The last day the entry is valid; it expires the day after.")
    content = fields.Text("Content", states=_draft_only,
        help="The text call-takers read to the caller: for an answer "
        "script, the agreed wording.")
    keywords = fields.Char("Keywords", states=_draft_only,
        help="Other words callers use for the subject, separated by spaces.")
    category = fields.Many2One('sushi.category', "Business Category",
        ondelete='RESTRICT', states=_draft_only)
    request = fields.Many2One('sushi.knowledge.request', "Request",
        ondelete='RESTRICT',
        domain=[
            ('unit', '=', Eval('owner_unit', -1)),
            ('state', 'in', ['requested', 'submitted']),
            ],
        states=_draft_only,
        help="The platform's request for an answer script this entry "
        "answers (KB-02).")
    attachments = fields.One2Many('ir.attachment', 'resource',
        "Attachments")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    version = fields.Integer("Version", readonly=True, required=True)
    previous_version = fields.Many2One('sushi.knowledge.entry',
        "Previous Version", readonly=True, ondelete='RESTRICT')
    first_version = fields.Many2One('sushi.knowledge.entry',
        "First Version", readonly=True, ondelete='RESTRICT')
    versions = fields.Function(fields.Many2Many('sushi.knowledge.entry',
            None, None, "Versions"), 'get_versions')

    submitted_at = fields.DateTime("Submitted at", readonly=True,
        help="The last time the unit submitted the entry for review.")
    submitted_by = fields.Many2One('res.user', "Submitted by",
        readonly=True)
    review_note = fields.Text("Review Note",
        states={'readonly': Eval('state') != 'review'},
        help="Why the platform sent the entry back to the unit.")
    published_at = fields.DateTime("Published at", readonly=True)
    published_by = fields.Many2One('res.user', "Published by",
        readonly=True)
    retired_at = fields.DateTime("Retired at", readonly=True,
        help="When the entry stopped being published: replaced by a new "
        "version, expired or withdrawn.")

    # KB-01, D5.1: the duty of a new policy, on its first version.
    due_at = fields.DateTime("Submission Due", readonly=True,
        help="The time by which the unit had to submit the new policy.")
    late_days = fields.Integer("Working Days Late", readonly=True)

    usage_count = fields.Integer("Uses", readonly=True, required=True,
        help="How many calls were answered directly from this entry.")
    last_used_at = fields.DateTime("Last Used at", readonly=True)

    search_title = fields.Text("Title Words", readonly=True, loading='lazy')
    search_body = fields.Text("Body Words", readonly=True, loading='lazy')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'review'),
            ('review', 'draft'),
            ('review', 'published'),
            ('published', 'superseded'),
            ('published', 'expired'),
            ('published', 'withdrawn'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'review',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') != 'review',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                'new_version': {
                    'invisible': ~Eval('state').in_(['published', 'expired']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        search.register_index(cls)

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_version(cls):
        return 1

    @classmethod
    def default_usage_count(cls):
        return 0

    @classmethod
    def default_effective_date(cls):
        return common.today()

    @classmethod
    def default_kind(cls):
        return 'faq_script'

    @classmethod
    def default_owner_unit(cls):
        Unit = Pool().get('sushi.unit')
        units = Unit.user_units()
        return units[0] if len(units) == 1 else None

    def get_rec_name(self, name):
        if self.version and self.version > 1:
            return f'{self.title} (v{self.version})'
        return self.title

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['title', 'document_number'])

    @classmethod
    def get_versions(cls, entries, name):
        firsts = {e.first_version.id if e.first_version else e.id
            for e in entries}
        family = {f: [] for f in firsts}
        for sub_ids in grouped_slice(list(firsts), backend.MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            for version in cls.search(['OR',
                        ('id', 'in', sub_ids),
                        ('first_version', 'in', sub_ids),
                        ], order=[('version', 'ASC'), ('id', 'ASC')]):
                first = (version.first_version.id if version.first_version
                    else version.id)
                family[first].append(version.id)
        return {e.id: family[e.first_version.id if e.first_version else e.id]
            for e in entries}

    @classmethod
    def copy(cls, entries, default=None):
        default = default.copy() if default is not None else {}
        for name in ['submitted_at', 'submitted_by', 'published_at',
                'published_by', 'retired_at', 'due_at', 'late_days',
                'last_used_at', 'review_note', 'request', 'previous_version',
                'first_version', 'attachments']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        default.setdefault('version', 1)
        default.setdefault('usage_count', 0)
        return super().copy(entries, default=default)

    @classmethod
    def check_modification(cls, mode, entries, values=None, external=False):
        super().check_modification(
            mode, entries, values=values, external=external)
        if mode == 'write' and values.keys() & CONTENT_FIELDS:
            for entry in entries:
                if entry.state != 'draft':
                    raise EntryReadonlyError(gettext(
                            'sushi_knowledge.msg_entry_readonly',
                            entry=entry.rec_name))
        elif mode == 'delete':
            for entry in entries:
                if entry.state != 'draft':
                    raise EntryReadonlyError(gettext(
                            'sushi_knowledge.msg_entry_delete',
                            entry=entry.rec_name))

    @classmethod
    def validate_fields(cls, entries, field_names):
        super().validate_fields(entries, field_names)
        if field_names & {'kind', 'document_number', 'issued_on'}:
            for entry in entries:
                entry.check_document()
        if field_names & {'effective_date', 'expiry_date'}:
            for entry in entries:
                if entry.expiry_date and entry.expiry_date < (
                        entry.effective_date):
                    raise EntryValidationError(gettext(
                            'sushi_knowledge.msg_entry_dates',
                            entry=entry.rec_name))

    def check_document(self):
        "KB-06: a policy document names its document and issuing date."
        if self.kind in DOCUMENT_KINDS and not (
                self.document_number and self.issued_on):
            raise EntryValidationError(gettext(
                    'sushi_knowledge.msg_entry_document_required',
                    entry=self.rec_name, kind=self.kind_string))

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        Term = Pool().get('sushi.knowledge.term')
        if field_names is None or field_names & {
                'title', 'keywords', 'document_number', 'content'}:
            search_title = Term.index_words(
                self.title, self.keywords, self.document_number)
            search_body = Term.index_words(self.content)
            if search_title != self.search_title:
                values['search_title'] = search_title
            if search_body != self.search_body:
                values['search_body'] = search_body
        if field_names is None or 'owner_unit' in field_names:
            unit = common.assessed_unit(self.owner_unit)
            if unit != self.assessed_unit:
                values['assessed_unit'] = unit.id if unit else None
        if field_names is None or field_names & {
                'issued_on', 'previous_version'}:
            due_at = self.compute_due_at()
            if due_at != self.due_at:
                values['due_at'] = due_at
        return values

    def compute_due_at(self):
        """KB-01: a new policy is due within the configured working days
        (7) of its issuing date, at office close (CONV-05).  Only the first
        version carries the duty."""
        pool = Pool()
        Calendar = pool.get('sushi.calendar')
        Configuration = pool.get('sushi.configuration')
        if not self.issued_on or self.previous_version:
            return None
        days = Configuration.get_values()['knowledge_policy_days']
        return Calendar.add_working_days(
            Calendar.local_datetime(self.issued_on, dt.time(12)), days)

    @classmethod
    @ModelView.button
    @transition('review')
    def submit(cls, entries):
        "The owner unit submits the entry for the platform's review."
        pool = Pool()
        Request = pool.get('sushi.knowledge.request')
        now = common.now()
        user = Transaction().user
        to_write = []
        for entry in entries:
            if not (entry.content or '').strip():
                raise EntryWorkflowError(gettext(
                        'sushi_knowledge.msg_entry_no_content',
                        entry=entry.rec_name))
            entry.check_document()
            # D5.1: the last submission is the one that counts.
            to_write.extend([[entry], {
                        'submitted_at': now,
                        'submitted_by': user,
                        'late_days': (common.late_days(entry.due_at, now)
                            if entry.due_at else None),
                        }])
        if to_write:
            cls.write(*to_write)
        Request.record_submission(
            list({e.request for e in entries if e.request}), now)

    @classmethod
    @ModelView.button
    @transition('draft')
    def send_back(cls, entries):
        "The platform returns the entry to its unit for changes."
        pool = Pool()
        Request = pool.get('sushi.knowledge.request')
        Request.reopen(
            list({e.request for e in entries if e.request}), entries)

    @classmethod
    @ModelView.button
    @transition('published')
    def publish(cls, entries):
        """Publish the entries; the version each replaces is superseded and
        the corrections that asked for them are resolved."""
        pool = Pool()
        Correction = pool.get('sushi.knowledge.correction')
        now = common.now()
        if not entries:
            return
        for entry in entries:
            entry.check_document()
        cls.write(entries, {
                'published_at': now,
                'published_by': Transaction().user,
                'review_note': None,
                })
        search.count_entries(cls, [e.id for e in entries], 1)
        firsts = [e.first_version.id if e.first_version else e.id
            for e in entries]
        previous = cls.search([
                ['OR',
                    ('id', 'in', firsts),
                    ('first_version', 'in', firsts),
                    ],
                ('id', 'not in', [e.id for e in entries]),
                ('state', '=', 'published'),
                ])
        if previous:
            cls.supersede(previous)
        Correction.resolve_fixed(entries)

    @classmethod
    @Workflow.transition('superseded')
    def supersede(cls, entries):
        cls.write(entries, {'retired_at': common.now()})
        search.count_entries(cls, [e.id for e in entries], -1)

    @classmethod
    @ModelView.button
    @transition('withdrawn')
    def withdraw(cls, entries):
        "Take the entries out of the knowledge base for good."
        cls.write(entries, {'retired_at': common.now()})
        search.count_entries(cls, [e.id for e in entries], -1)

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, entries):
        cls.write(entries, {'retired_at': common.now()})
        search.count_entries(cls, [e.id for e in entries], -1)

    @classmethod
    @ModelView.button
    def new_version(cls, entries):
        """Start a new draft version of each published or expired entry and
        open them."""
        ActWindow = Pool().get('ir.action.act_window')
        drafts = cls.create_versions(entries)
        if not drafts:
            return
        action = ActWindow.get('sushi_knowledge.act_entry_form')
        action['res_id'] = [e.id for e in drafts]
        action['pyson_domain'] = str([('id', 'in', [e.id for e in drafts])])
        return action

    @classmethod
    def create_versions(cls, entries):
        """Return a new draft version of each published or expired entry,
        with a copy of its attachments.  An entry has at most one version in
        draft or review at a time."""
        Attachment = Pool().get('ir.attachment')
        firsts = [e.first_version.id if e.first_version else e.id
            for e in entries]
        pending = cls.search([
                ['OR',
                    ('id', 'in', firsts),
                    ('first_version', 'in', firsts),
                    ],
                ('state', 'in', ['draft', 'review']),
                ], limit=1)
        if pending:
            raise EntryWorkflowError(gettext(
                    'sushi_knowledge.msg_entry_pending_version',
                    entry=pending[0].rec_name))
        drafts = []
        for entry in entries:
            if entry.state not in {'published', 'expired'}:
                raise EntryWorkflowError(gettext(
                        'sushi_knowledge.msg_entry_new_version_state',
                        entry=entry.rec_name))
            draft, = cls.copy([entry], default={
                    'version': entry.version + 1,
                    'previous_version': entry.id,
                    'first_version': (entry.first_version.id
                        if entry.first_version else entry.id),
                    })
            if entry.attachments:
                Attachment.copy(list(entry.attachments),
                    default={'resource': str(draft)})
            drafts.append(draft)
        return drafts

    @classmethod
    def expire_entries(cls):
        """Expire the published entries past their expiry date and notify
        the owner units (cron).  Set-based: one UPDATE per thousand."""
        entry = cls.__table__()
        cursor = Transaction().connection.cursor()
        today = common.today()
        now = common.now()
        cursor.execute(*entry.select(entry.id, entry.owner_unit,
                where=(entry.state == 'published')
                & (entry.expiry_date != Null)
                & (entry.expiry_date < today)))
        by_unit = {}
        for id_, unit in cursor:
            by_unit.setdefault(unit, []).append(id_)
        ids = [i for v in by_unit.values() for i in v]
        search.count_entries(cls, ids, -1)
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*entry.update(
                    [entry.state, entry.retired_at,
                        entry.write_date, entry.write_uid],
                    ['expired', now, CurrentTimestamp(), Transaction().user],
                    where=reduce_ids(entry.id, list(sub_ids))))
        if ids:
            clock.forget(cls.__name__)
            cls._notify_expired(by_unit, today)
        return ids

    @classmethod
    def _notify_expired(cls, by_unit, today):
        notices = []
        for unit, ids in sorted(by_unit.items()):
            titles = [e.title for e in cls.browse(ids[:3])]
            notices.append((unit,
                    gettext('sushi_knowledge.msg_entry_expired_label',
                        count=len(ids)),
                    gettext('sushi_knowledge.msg_entry_expired_description',
                        titles='、'.join(titles), count=len(ids),
                        date=today.isoformat()),
                    cls.__name__, ids))
        common.notify_units(notices)

    @classmethod
    def record_usage(cls, usage):
        """Add uses to entries: usage maps entry ids to the number of calls
        answered from them (one UPDATE per count)."""
        entry = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = common.now()
        by_count = {}
        for entry_id, count in usage.items():
            by_count.setdefault(count, []).append(entry_id)
        for count, ids in by_count.items():
            for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
                cursor.execute(*entry.update(
                        [entry.usage_count, entry.last_used_at],
                        [entry.usage_count + count, now],
                        where=reduce_ids(entry.id, list(sub_ids))))
        clock.forget(cls.__name__)

    @classmethod
    def reindex_words(cls, words):
        """Queue the re-indexing of the entries whose text holds one of
        words, after the dictionary gained, lost or re-weighted them: jieba
        cuts that text differently now.  Only those entries are re-cut."""
        words = {w.strip() for w in words if w and w.strip()}
        if not words:
            return
        entry = cls.__table__()
        cursor = Transaction().connection.cursor()
        ids = []
        for sub_words in grouped_slice(sorted(words), 50):
            conditions = []
            for word in sub_words:
                pattern = '%' + (word.replace('\\', '\\\\')
                    .replace('%', '\\%').replace('_', '\\_')) + '%'
                for column in [entry.title, entry.keywords,
                        entry.document_number, entry.content]:
                    conditions.append(ILike(column, pattern, escape='\\'))
            # one flat OR: nested a | b | c … overflows SQLite's parser
            # when the dictionary gains many words at once (module data)
            cursor.execute(*entry.select(entry.id, where=Or(conditions)))
            ids.extend(i for i, in cursor)
        ids = sorted(set(ids))
        for sub_ids in grouped_slice(ids, 200):
            cls.__queue__.reindex(cls.browse(list(sub_ids)))

    @classmethod
    def reindex(cls, entries):
        """Cut the words of entries again with the current dictionary.

        The index is not content: published entries are re-indexed too, by
        SQL, without a new version or a change of their write date."""
        Term = Pool().get('sushi.knowledge.term')
        entry = cls.__table__()
        cursor = Transaction().connection.cursor()
        for record in entries:
            title = Term.index_words(
                record.title, record.keywords, record.document_number)
            body = Term.index_words(record.content)
            if (title, body) != (record.search_title, record.search_body):
                if record.state == 'published':
                    search.count_tokens(
                        [(record.search_title, record.search_body)], -1)
                    search.count_tokens([(title, body)], 1)
                cursor.execute(*entry.update(
                        [entry.search_title, entry.search_body],
                        [title, body],
                        where=entry.id == record.id))
        clock.forget(cls.__name__)

    @classmethod
    def refresh_search_statistics(cls):
        """Count again how many published entries hold each word of the
        search index (cron)."""
        search.refresh_statistics(cls)

    @classmethod
    def search_text(cls, query, limit=20, kinds=None, marks=('【', '】'),
            escape=None):
        """Search the published, currently effective entries for a Chinese
        query; return up to limit (entry, rank, snippet), best first (at
        most search.FIRST_PASS, the candidates ranked).

        The question is read as its words (jieba and the domain dictionary,
        stop words and fillers left out, colloquial words read as their
        standard words) and its character bigrams; the entries sharing the
        most informative of them are ranked by coverage and BM25 (see
        search.py).  rank is in [0, 1) and tells the confidence:
        search.band(rank) is 'confident', 'possible' or 'weak'.  An empty
        query, or one of only punctuation or stop words, or one no entry
        shares a word with, finds nothing; a query over 200 characters, a
        limit outside 1..100 or an unknown kind raise QueryError.  The
        snippet is the passage of the content with the most query words,
        between marks, escape (e.g. an HTML escape) applied to the text
        between them."""
        return search.search_entries(cls, query, limit=limit, kinds=kinds,
            marks=marks, escape=escape)
