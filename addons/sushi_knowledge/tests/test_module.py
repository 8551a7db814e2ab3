# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The knowledge base: entries, versions, duties and their lateness,
corrections, coverage and expiry (RULES §19 KB-01..06, SCORING D5).

Dates are in 2025: the Spring Festival from Tuesday 28 January to Tuesday
4 February, with the make-up working days Sunday 26 January and Saturday
8 February, puts holidays and make-up days inside every deadline."""
import datetime as dt
import json
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import (
    AccessError, RequiredValidationError, ValidationError)
from trytond.modules.sushi_ticket.tests.tools import (
    TranslationTestMixin, as_local, local)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .. import common
from ..exceptions import (
    DirectAnswerError, EntryReadonlyError, EntryValidationError,
    EntryWorkflowError)


def clock(*args):
    "Run the knowledge base at the Shanghai wall-clock time args."
    return patch.object(common, 'now', return_value=local(*args))


def get_unit(code):
    Unit = Pool().get('sushi.unit')
    unit, = Unit.search([('code', '=', code)])
    return unit


def create_entry(**values):
    Entry = Pool().get('sushi.knowledge.entry')
    values.setdefault('title', '住房公积金提取办理指南')
    values.setdefault('kind', 'faq_script')
    values.setdefault('owner_unit',
        get_unit('housing_provident_fund_center').id)
    values.setdefault('content', '职工购买自住住房可以申请提取住房公积金。')
    values.setdefault('effective_date', dt.date(2025, 1, 1))
    entry, = Entry.create([values])
    return entry


def publish(entry, at=(2025, 1, 6, 9)):
    Entry = Pool().get('sushi.knowledge.entry')
    with clock(*at):
        Entry.submit([entry])
        Entry.publish([entry])


def create_user(login, group, units=()):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login, 'name': login,
                'groups': [('add', [ModelData.get_id(
                                'sushi_ticket', f'group_sushi_{group}')])],
                'sushi_units': [('add', [u.id for u in units])],
                }])
    return user


class SushiKnowledgeTestCase(TranslationTestMixin, ModuleTestCase):
    "Test the sushi_knowledge module"
    module = 'sushi_knowledge'

    @with_transaction()
    def test_new_policy_late_in_working_days(self):
        "KB-01, KB-03: a new policy is due 7 working days after its issue"
        Entry = Pool().get('sushi.knowledge.entry')
        entry = create_entry(kind='policy_document',
            title='关于调整住房公积金缴存基数的通知',
            document_number='宿公积金〔2025〕3号',
            issued_on=dt.date(2025, 1, 20))
        # Monday 20 January: the make-up Sunday counts, the festival not
        self.assertEqual(as_local(entry.due_at),
            dt.datetime(2025, 2, 5, 17, 30))
        with clock(2025, 2, 10, 9):
            Entry.submit([entry])
        # 6 and 7 February, the make-up Saturday 8 and Monday 10
        self.assertEqual(entry.late_days, 4)
        self.assertEqual(entry.submitted_at, local(2025, 2, 10, 9))
        self.assertEqual(entry.assessed_unit, entry.owner_unit)

    @with_transaction()
    def test_new_policy_on_time_and_just_late(self):
        "KB-01: due at 17:30 of the 7th working day; later is a day late"
        Entry = Pool().get('sushi.knowledge.entry')
        on_time, late = [create_entry(kind='policy_document',
                title=f'政策{i}', document_number=f'宿政〔2025〕{i}号',
                issued_on=dt.date(2025, 3, 3)) for i in range(2)]
        self.assertEqual(as_local(on_time.due_at),
            dt.datetime(2025, 3, 12, 17, 30))
        with clock(2025, 3, 12, 17, 30):
            Entry.submit([on_time])
        with clock(2025, 3, 12, 17, 31):
            Entry.submit([late])
        self.assertEqual((on_time.late_days, late.late_days), (0, 1))

    @with_transaction()
    def test_policy_document_needs_number_and_date(self):
        "KB-06: a policy document names its document; every entry an owner"
        with self.assertRaises(EntryValidationError) as cm:
            create_entry(kind='policy_document', issued_on=dt.date(2025, 1, 2))
        self.assertIn('住房公积金提取办理指南', cm.exception.message)
        with self.assertRaises(EntryValidationError):
            create_entry(kind='policy_document', document_number='宿政〔1〕号')
        with self.assertRaises(EntryValidationError):
            create_entry(effective_date=dt.date(2025, 3, 1),
                expiry_date=dt.date(2025, 2, 1))
        # Other kinds need neither
        entry = create_entry(kind='policy_interpretation')
        self.assertIsNone(entry.due_at)
        # Last: PostgreSQL refuses the row itself
        with self.assertRaises(RequiredValidationError):
            create_entry(owner_unit=None)

    @with_transaction()
    def test_submit_needs_content(self):
        "KB-04: an entry without content cannot be submitted"
        Entry = Pool().get('sushi.knowledge.entry')
        entry = create_entry(content='  ')
        with self.assertRaises(EntryWorkflowError):
            Entry.submit([entry])
        self.assertEqual(entry.state, 'draft')

    @with_transaction()
    def test_published_entry_is_readonly_and_versioned(self):
        "KB-06: a change to a published entry is a new version; history kept"
        Entry = Pool().get('sushi.knowledge.entry')
        first = create_entry()
        publish(first, at=(2025, 1, 6, 9))
        # Published twice (two reviewers at once): the second is told
        with self.assertRaises(UserError):
            Entry.publish([first])
        with self.assertRaises(EntryReadonlyError):
            Entry.write([first], {'content': '改了'})
        with self.assertRaises(EntryReadonlyError):
            Entry.delete([first])

        with clock(2025, 3, 3, 9):
            action = Entry.new_version([first])
        second, = Entry.browse(action['res_id'])
        self.assertEqual((second.state, second.version), ('draft', 2))
        self.assertEqual(second.previous_version, first)
        self.assertEqual(second.first_version, first)
        self.assertIsNone(second.due_at)
        # One revision at a time
        with self.assertRaises(EntryWorkflowError):
            Entry.new_version([first])
        # The published version stays in service while the draft is edited
        self.assertEqual(first.state, 'published')
        Entry.write([second], {'content': '职工购房、租房均可申请提取。'})
        publish(second, at=(2025, 3, 4, 10))
        first = Entry(first.id)
        self.assertEqual(first.state, 'superseded')
        self.assertEqual(first.retired_at, local(2025, 3, 4, 10))
        self.assertEqual(first.content, '职工购买自住住房可以申请提取住房公积金。')
        self.assertEqual(second.published_at, local(2025, 3, 4, 10))
        self.assertEqual(second.rec_name, '住房公积金提取办理指南 (v2)')
        self.assertEqual(first.versions, second.versions)
        self.assertEqual([v.id for v in second.versions],
            [first.id, second.id])

    @with_transaction()
    def test_new_version_copies_attachments(self):
        "A new version keeps the documents attached to the entry"
        pool = Pool()
        Entry = pool.get('sushi.knowledge.entry')
        Attachment = pool.get('ir.attachment')
        entry = create_entry()
        Attachment.create([{'resource': str(entry), 'name': '通知原文',
                    'type': 'link', 'link': 'https://www.ahsz.gov.cn/'}])
        publish(entry)
        draft, = Entry.create_versions([entry])
        self.assertEqual([a.name for a in draft.attachments], ['通知原文'])
        self.assertEqual(len(entry.attachments), 1)

    @with_transaction()
    def test_answer_script_request_in_time(self):
        "KB-02: an answer script is due 2 working days after the request"
        pool = Pool()
        Request = pool.get('sushi.knowledge.request')
        Entry = pool.get('sushi.knowledge.entry')
        unit = get_unit('medical_security_bureau')
        request, = Request.create([{
                    'subject': '异地就医备案口径', 'unit': unit.id}])
        # Friday afternoon before the festival: Sunday 26 is a working day
        with clock(2025, 1, 24, 15):
            Request.send([request])
        self.assertEqual(request.state, 'requested')
        self.assertEqual(as_local(request.due_at),
            dt.datetime(2025, 1, 27, 17, 30))
        entry = create_entry(owner_unit=unit.id, request=request.id,
            title='异地就医备案怎么办理')
        with clock(2025, 1, 27, 10):
            Entry.submit([entry])
        self.assertEqual(request.state, 'submitted')
        self.assertEqual(request.submitted_at, local(2025, 1, 27, 10))
        self.assertEqual(request.late_days, 0)
        self.assertEqual(request.assessed_unit, unit)

    @with_transaction()
    def test_answer_script_late_across_the_festival(self):
        "KB-02, KB-03: lateness counts working days after the due date"
        pool = Pool()
        Request = pool.get('sushi.knowledge.request')
        Entry = pool.get('sushi.knowledge.entry')
        unit = get_unit('medical_security_bureau')
        request, = Request.create([{'subject': '医保报销口径',
                    'unit': unit.id}])
        with clock(2025, 1, 27, 10):
            Request.send([request])
        self.assertEqual(as_local(request.due_at),
            dt.datetime(2025, 2, 6, 17, 30))
        # Not yet answered: late up to any later time (SCORING F5)
        self.assertEqual(
            Request.lateness(request, local(2025, 2, 10, 9)), 3)
        with clock(2025, 2, 7, 9):
            self.assertTrue(request.overdue)
            self.assertEqual(Request.search([('overdue', '=', True)]),
                [request])
        entry = create_entry(owner_unit=unit.id, request=request.id,
            title='医保报销比例')
        with clock(2025, 2, 8, 10):
            Entry.submit([entry])
        # 7 February and the make-up Saturday 8 February
        self.assertEqual(request.late_days, 2)
        self.assertEqual(Request.lateness(request, local(2025, 3, 1)), 2)

    @with_transaction()
    def test_sent_back_script_reopens_request(self):
        "KB-02: a script sent back does not count; the resubmission does"
        pool = Pool()
        Request = pool.get('sushi.knowledge.request')
        Entry = pool.get('sushi.knowledge.entry')
        unit = get_unit('medical_security_bureau')
        request, = Request.create([{'subject': '门诊慢特病口径',
                    'unit': unit.id}])
        with clock(2025, 3, 3, 9):
            Request.send([request])
        entry = create_entry(owner_unit=unit.id, request=request.id)
        with clock(2025, 3, 4, 9):
            Entry.submit([entry])
        Entry.send_back([entry])
        self.assertEqual(entry.state, 'draft')
        self.assertEqual(request.state, 'requested')
        self.assertIsNone(request.submitted_at)
        with clock(2025, 3, 7, 9):
            Entry.submit([entry])
        self.assertEqual((request.state, request.late_days), ('submitted', 2))

    @with_transaction()
    def test_correction_withdraws_entry(self):
        "KB-06, D5.3: a confirmed correction counts against the owner unit"
        pool = Pool()
        Correction = pool.get('sushi.knowledge.correction')
        Entry = pool.get('sushi.knowledge.entry')
        county = get_unit('yongqiao_district')
        town, = pool.get('sushi.unit').create([{
                    'code': 'yq_fuli', 'name': '符离镇', 'kind': 'town',
                    'tier': '3', 'parent': county.id}])
        entry = create_entry(owner_unit=town.id, title='符离镇便民服务中心地址')
        publish(entry)
        self.assertEqual(entry.assessed_unit, county)
        with clock(2025, 4, 1, 10):
            correction, = Correction.create([{'entry': entry.id,
                        'description': '服务中心已搬迁'}])
        self.assertEqual((correction.unit, correction.assessed_unit),
            (town, county))
        self.assertEqual(correction.reported_at, local(2025, 4, 1, 10))
        with clock(2025, 4, 2, 10):
            Correction.confirm([correction])
            Correction.withdraw_entry([correction])
        self.assertEqual(correction.confirmed_at, local(2025, 4, 2, 10))
        self.assertEqual((correction.state, correction.resolution),
            ('resolved', 'withdrawn'))
        entry = Entry(entry.id)
        self.assertEqual(entry.state, 'withdrawn')
        self.assertEqual(entry.retired_at, local(2025, 4, 2, 10))

    @with_transaction()
    def test_correction_fixed_by_new_version(self):
        "KB-06: a correction is resolved when the fixed version is published"
        pool = Pool()
        Correction = pool.get('sushi.knowledge.correction')
        Entry = pool.get('sushi.knowledge.entry')
        entry = create_entry()
        publish(entry)
        correction, = Correction.create([{'entry': entry.id,
                    'description': '提取条件有误'}])
        # A dismissed report does not count
        other, = Correction.create([{'entry': entry.id,
                    'description': '无误'}])
        Correction.dismiss([other])
        with self.assertRaises(UserError):
            Correction.correct_entry([correction])
        Correction.confirm([correction])
        Correction.correct_entry([correction])
        draft = correction.corrected_entry
        self.assertEqual((draft.state, draft.version), ('draft', 2))
        self.assertEqual(correction.state, 'confirmed')
        Entry.write([draft], {'content': '职工购买、建造自住住房可申请提取。'})
        publish(draft, at=(2025, 4, 3, 9))
        self.assertEqual((correction.state, correction.resolution),
            ('resolved', 'fixed'))
        self.assertEqual(correction.resolved_at, local(2025, 4, 3, 9))
        self.assertEqual(Correction.search([
                    ('state', 'in', ['confirmed', 'resolved']),
                    ('assessed_unit', '=', entry.assessed_unit.id),
                    ]), [correction])

    @with_transaction()
    def test_coverage_of_the_four_kinds(self):
        "KB-05, D5.2: each assessed unit's missing kinds, on a given day"
        pool = Pool()
        Coverage = pool.get('sushi.knowledge.coverage')
        Entry = pool.get('sushi.knowledge.entry')
        Unit = pool.get('sushi.unit')
        fund = get_unit('housing_provident_fund_center')
        county = get_unit('xiao_county')
        department, = Unit.create([{
                    'code': 'xx_rsj', 'name': '萧县人社局',
                    'kind': 'county_department', 'tier': '3',
                    'parent': county.id}])
        publish(create_entry(kind='policy_document',
                document_number='宿公积金〔2025〕1号',
                issued_on=dt.date(2025, 1, 2)), at=(2025, 1, 6, 9))
        publish(create_entry(kind='policy_interpretation'),
            at=(2025, 1, 6, 9))
        script = create_entry(kind='faq_script')
        publish(script, at=(2025, 1, 6, 9))
        # A county department's entries count for its county
        publish(create_entry(owner_unit=department.id,
                kind='difficult_ticket'), at=(2025, 1, 6, 9))
        with clock(2025, 2, 3, 9):
            Entry.withdraw([script])

        missing = Coverage.missing(dt.date(2025, 1, 31))
        self.assertEqual(len(missing), 106)
        self.assertEqual(missing[fund.id], 1)
        self.assertEqual(missing[county.id], 3)
        self.assertEqual(missing[get_unit('si_county').id], 4)
        # The withdrawn script no longer counts; nothing counted before
        self.assertEqual(Coverage.missing(dt.date(2025, 2, 3))[fund.id], 2)
        self.assertEqual(Coverage.missing(dt.date(2025, 1, 5))[fund.id], 4)
        with Transaction().set_context(date=dt.date(2025, 1, 31)):
            row, = Coverage.search([('unit', '=', fund.id)])
            self.assertEqual((row.policy_documents,
                    row.policy_interpretations, row.faq_scripts,
                    row.difficult_tickets), (1, 1, 1, 0))

    @with_transaction()
    def test_duties_listed_with_lateness(self):
        "D5.1: new policies and requested scripts side by side, per unit"
        pool = Pool()
        Duty = pool.get('sushi.knowledge.duty')
        Request = pool.get('sushi.knowledge.request')
        Entry = pool.get('sushi.knowledge.entry')
        unit = get_unit('medical_security_bureau')
        policy = create_entry(owner_unit=unit.id, kind='policy_document',
            document_number='宿医保〔2025〕8号',
            issued_on=dt.date(2025, 1, 20))
        request, = Request.create([{'subject': '医保卡挂失口径',
                    'unit': unit.id}])
        with clock(2025, 3, 3, 9):
            Request.send([request])
        with clock(2025, 2, 10, 9):
            Entry.submit([policy])
        duties = sorted(Duty.search([('assessed_unit', '=', unit.id)]),
            key=lambda d: d.kind)
        self.assertEqual(
            [(d.kind, d.origin, d.late_days, d.submitted_at is None)
                for d in duties],
            [('answer_script', request, None, True),
                ('new_policy', policy, 4, False)])
        with clock(2025, 3, 6, 9):
            self.assertTrue(duties[0].overdue)
        self.assertEqual(
            Duty.search([('late_days', '>', 0)]), [duties[1]])

    @with_transaction()
    def test_expiry_cron_notifies_owner_unit(self):
        "KB-06: entries past their expiry date expire; the unit is told"
        pool = Pool()
        Entry = pool.get('sushi.knowledge.entry')
        Notification = pool.get('res.notification')
        unit = get_unit('housing_provident_fund_center')
        handler = create_user('gjj_handler', 'unit_handler', [unit])
        old = create_entry(title='2024年度公积金缴存基数',
            expiry_date=dt.date(2025, 6, 30))
        current = create_entry(title='2025年度公积金缴存基数',
            expiry_date=dt.date(2025, 7, 1))
        publish(old)
        publish(current)
        with clock(2025, 7, 1, 8):
            expired = Entry.expire_entries()
        self.assertEqual(expired, [old.id])
        old, current = Entry.browse([old.id, current.id])
        self.assertEqual((old.state, current.state), ('expired', 'published'))
        self.assertEqual(old.retired_at, local(2025, 7, 1, 8))
        notification, = Notification.search([('user', '=', handler.id)])
        self.assertIn('2024年度公积金缴存基数', notification.description)
        self.assertEqual(json.loads(notification.records), [old.id])
        # An expired entry is renewed by a new version
        draft, = Entry.create_versions([old])
        self.assertEqual(draft.version, 2)

    @with_transaction()
    def test_unit_staff_edit_only_their_entries(self):
        "Record rules: units edit their own; call-takers read published"
        pool = Pool()
        Entry = pool.get('sushi.knowledge.entry')
        fund = get_unit('housing_provident_fund_center')
        medical = get_unit('medical_security_bureau')
        handler = create_user('gjj', 'unit_handler', [fund])
        agent = create_user('agent', 'intake')
        mine = create_entry(title='公积金贷款额度')
        theirs = create_entry(title='医保缴费标准', owner_unit=medical.id)
        published = create_entry(title='医保报销流程', owner_unit=medical.id)
        publish(published)
        with Transaction().set_user(handler.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(
                {e.id for e in Entry.search([])},
                {mine.id, published.id})
            Entry.write([Entry(mine.id)], {'keywords': '贷款'})
            with self.assertRaises(AccessError):
                Entry.write([Entry(theirs.id)], {'keywords': '缴费'})
            with self.assertRaises(AccessError):
                create_entry(owner_unit=medical.id)
            Entry.submit([Entry(mine.id)])
            with self.assertRaises(UserError):
                Entry.publish([Entry(mine.id)])
        with Transaction().set_user(agent.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(Entry.search([]), [Entry(published.id)])
            with self.assertRaises(AccessError):
                Entry.write([Entry(published.id)], {'keywords': 'x'})
            found = Entry.search_text('医保报销')
            self.assertEqual([e.id for e, _, _ in found], [published.id])


    @with_transaction()
    def test_direct_answer_needs_knowledge_entry(self):
        "TRI-02, KB-08: a direct answer names its entries; uses are counted"
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Entry = pool.get('sushi.knowledge.entry')
        entry = create_entry()
        other = create_entry(title='公积金贷款额度', content='最高50万元。')
        publish(entry)
        publish(other)
        tickets = Ticket.create([{
                    'requester_phone': '13905570001',
                    'requester_name': '张女士',
                    'title': '咨询公积金提取',
                    'description': '想用公积金付首付，怎么提取？',
                    } for _ in range(2)])
        with self.assertRaises(DirectAnswerError) as cm:
            Ticket.answer_directly(tickets[:1])
        self.assertIn(tickets[0].rec_name, cm.exception.message)
        self.assertEqual(tickets[0].state, 'draft')
        with self.assertRaises(DirectAnswerError):
            Ticket.answer_from_knowledge(tickets[:1], [])

        with clock(2025, 3, 3, 10):
            Ticket.answer_from_knowledge(tickets[:1], [entry, other])
            Ticket.answer_from_knowledge(tickets[1:], [entry])
        first, second = Ticket.browse([t.id for t in tickets])
        self.assertEqual((first.state, first.disposal),
            ('answered', 'direct_answer'))
        self.assertEqual(set(first.knowledge_entries), {entry, other})
        # The answer given is the text read to the caller
        self.assertIn('申请提取住房公积金', first.answer)
        entry, other = Entry.browse([entry.id, other.id])
        self.assertEqual((entry.usage_count, other.usage_count), (2, 1))
        self.assertEqual(entry.last_used_at, local(2025, 3, 3, 10))

    @with_transaction()
    def test_direct_answer_with_written_basis(self):
        "TRI-02: with no fitting entry, a written basis lets the agent answer"
        Ticket = Pool().get('sushi.ticket')
        ticket, = Ticket.create([{
                    'requester_phone': '13905570002',
                    'requester_name': '李先生',
                    'title': '咨询新出台的电动车上牌规定',
                    'description': '新规定什么时候开始执行？',
                    'answer': '自2025年3月1日起执行，可到各车管所办理。',
                    }])
        with self.assertRaises(DirectAnswerError):
            Ticket.answer_directly([ticket])
        ticket.answer_basis = '宿州市公安局2025年2月20日公告第3号'
        ticket.save()
        with clock(2025, 3, 3, 10):
            Ticket.answer_directly([ticket])
        self.assertEqual((ticket.state, ticket.disposal),
            ('answered', 'direct_answer'))
        self.assertEqual(list(ticket.knowledge_entries), [])
        self.assertEqual(ticket.answer_basis,
            '宿州市公安局2025年2月20日公告第3号')

    @with_transaction()
    def test_direct_answer_only_from_published_entries(self):
        "KB-08: a draft entry cannot be the source of an answer"
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        draft = create_entry()
        ticket, = Ticket.create([{'requester_phone': '13905570002',
                    'requester_name': '李先生', 'description': '公积金提取'}])
        with self.assertRaises(ValidationError):
            Ticket.answer_from_knowledge([ticket], [draft])

    @with_transaction()
    def test_isolation_on_every_path(self):
        """#16: every model guarded; a unit's draft stays its own on every
        path (search, read, export_data, nested); what the form locks
        after publication the server refuses; hostile values refused"""
        from trytond.modules.sushi_ticket.tests.guard_tools import (
            as_user, assert_guarded, assert_states_enforced,
            assert_values_checked)
        from trytond.modules.sushi_ticket.tests.tools import create_ticket
        pool = Pool()
        Entry = pool.get('sushi.knowledge.entry')
        Correction = pool.get('sushi.knowledge.correction')
        assert_guarded(self, 'sushi_knowledge')
        fund = get_unit('housing_provident_fund_center')
        medical = get_unit('medical_security_bureau')
        handler = create_user('gjj', 'unit_handler', [fund])
        admin = create_user('kb_admin', 'admin')
        assert_values_checked(self, 'sushi_knowledge', handler)
        theirs = create_entry(title='医保缴费标准', owner_unit=medical.id)
        published = create_entry(title='医保报销流程', owner_unit=medical.id)
        publish(published)
        # a correction reported on another unit's order, with a requester
        ticket = create_ticket()
        correction, = Correction.create([{'entry': published.id,
                    'description': '报销比例有误', 'ticket': ticket.id}])
        with as_user(handler):
            for call in [
                    lambda: Entry.read([theirs.id], ['content']),
                    lambda: Entry.export_data([Entry(theirs.id)],
                        ['title', 'content']),
                    lambda: Correction.read([correction.id],
                        ['ticket.requester_phone']),
                    lambda: Correction.export_data(
                        [Correction(correction.id)],
                        ['ticket/requester_phone']),
                    ]:
                with self.assertRaises(AccessError):
                    call()
            self.assertEqual(Entry.export_data_domain(
                    [('id', '=', theirs.id)], ['content']), [])
            row, = Entry.export_data([Entry(published.id)], ['title'])
            self.assertEqual(row, ['医保报销流程'])
        assert_states_enforced(self, [theirs, published], admin)


del ModuleTestCase
