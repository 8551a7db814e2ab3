"""Isolation that holds on every path, tried as a hostile user would:
through JSON-RPC and HTTP against a live server (issue #16).

One demo server for the whole module (tests/browser.py: a fresh database
with every sushi module and scripts/demo.py's accounts, one per role), on
the backend of TRYTOND_DATABASE_URI; a few records that the demo lacks (a
requester party on an order of 埇桥区 and one on an order of 市城管局, an
extension the leader consented to) are added by FIXTURE.  Every test
names the finding of the issue it checks."""
import datetime as dt
import json
import os
import random
import subprocess
import sys
import unittest
import urllib.parse

from tests import browser
from tests.rpc import Client, RPCError, http

SERVER = None
DATA = {}
MAX_ID = 2 ** 63 - 1

FIXTURE = '''\
import datetime as dt, json, sys
from trytond.config import config
config.update_etc(sys.argv[2])
from trytond.pool import Pool
from trytond.transaction import Transaction
db = sys.argv[1]
pool = Pool(db)
pool.init()
with Transaction().start(db, 0, context={'language': 'zh_CN'}) as tx:
    Ticket = pool.get('sushi.ticket')
    Assignment = pool.get('sushi.ticket.assignment')
    Extension = pool.get('sushi.ticket.extension')
    Party = pool.get('party.party')
    own, = Ticket.search([('lead_unit.code', '=', 'yongqiao_district'),
            ('assignments.state', '=', 'signed')], limit=1,
        order=[('id', 'ASC')])
    other, = Ticket.search([('lead_unit.code', '=', 'urban_management_bureau'),
            ('assignments.unit.code', '!=', 'yongqiao_district')], limit=1)
    mine, theirs = Party.create([{
                'name': '王秀英',
                'contact_mechanisms': [('create', [
                            {'type': 'mobile', 'value': '13905571111'}])],
                'addresses': [('create', [{'street': '埇桥区银河一路1号'}])],
                }, {
                'name': '李建国',
                'contact_mechanisms': [('create', [
                            {'type': 'mobile', 'value': '13905572222'}])],
                'addresses': [('create', [{'street': '宿州市汴河路2号'}])],
                }])
    Ticket.write([own], {'requester_party': mine.id},
        [other], {'requester_party': theirs.id})
    signed, = Assignment.search([('ticket', '=', own.id),
            ('state', '=', 'signed'), ('unit.code', '=', 'yongqiao_district')])
    extension, = Extension.create([{
                'assignment': signed.id, 'days': 2,
                'reason': '需协调多个部门现场会勘', 'basis': '涉及管网改造',
                'application': '关于延期办理的申请',
                'requester_informed_at': dt.datetime.now(),
                'requester_informed_method': 'phone',
                }])
    # EXT-01: the unit leader consented; the platform decides next
    Extension.write([extension], {'state': 'leader_approved'})
    # a draft reply and extension of 市城管局's order (ORG-11)
    theirs_signed, = Assignment.search([('ticket', '=', other.id),
            ('state', '=', 'signed')], limit=1)
    Reply = pool.get('sushi.ticket.reply')
    recent = dt.datetime.now() - dt.timedelta(minutes=10)
    other_reply, = (Reply.search([('assignment', '=', theirs_signed.id)],
            limit=1) or Reply.create([{
                    'assignment': theirs_signed.id,
                    'content': '经现场核查，已清理占道经营摊点。',
                    'result': 'resolved', 'contacted_at': recent,
                    'contact_method': 'phone',
                    'contact_summary': '电话告知诉求人处理结果。',
                    'requester_satisfaction': 'satisfied',
                    'handler_name': '赵工', 'handler_phone': '0557-3029999',
                    }]))
    other_extension, = (Extension.search(
            [('assignment', '=', theirs_signed.id)], limit=1)
        or Extension.create([{
                    'assignment': theirs_signed.id, 'days': 3,
                    'reason': '需等待供电部门停电检修', 'basis': '涉及线路改造',
                    'application': '关于延期办理的申请',
                    'requester_informed_at': recent,
                    'requester_informed_method': 'phone',
                    }]))
    # PUB-02..05: a draft disclosure of each order (awaiting review)
    Disclosure = pool.get('sushi.portal.disclosure')
    disclosures = [(Disclosure.search([('ticket', '=', t.id)])
            or Disclosure.create([{
                        'ticket': t.id, 'unit': t.lead_unit.id,
                        'number': t.number,
                        'request_type': t.request_type, 'title': t.title,
                        'request_text': '诉求人反映：' + t.title,
                        }]))[0] for t in [own, other]]
    tx.commit()
    print(json.dumps({
                'own_ticket': own.id, 'other_ticket': other.id,
                'own_party': mine.id, 'other_party': theirs.id,
                'own_contacts': [c.id for c in mine.contact_mechanisms],
                'other_contacts': [c.id for c in theirs.contact_mechanisms],
                'own_addresses': [a.id for a in mine.addresses],
                'other_addresses': [a.id for a in theirs.addresses],
                'extension': extension.id,
                'disclosures': [d.id for d in disclosures],
                'other_reply': other_reply.id,
                'other_extension': other_extension.id,
                }))
'''


def setUpModule():
    global SERVER
    if os.environ.get('SUSHI_TEST_SERVER'):
        SERVER = browser.RunningServer(os.environ['SUSHI_TEST_SERVER'])
    else:
        SERVER = browser.DemoServer()
        unittest.addModuleCleanup(SERVER.stop)
        SERVER.start()
    result = subprocess.run([sys.executable, '-c', FIXTURE, SERVER.database,
            str(SERVER.config_file)], env=SERVER._env(), cwd=browser.ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=600)
    if result.returncode:
        raise browser.HarnessError(f"fixture failed:\n{result.stdout}")
    DATA.update(json.loads(result.stdout.strip().splitlines()[-1]))


def client(login=None):
    "A JSON-RPC session of a demo account (anonymous without login)."
    return Client(SERVER.url, SERVER.database, login,
        SERVER.password if login else None)


class SecurityTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.users = {}

    def user(self, login):
        if login not in self.users:
            self.users[login] = client(login)
        return self.users[login]

    def assertRefused(self, call, kind='UserError', contains=None):
        "The call is refused with a clear error, never a server error."
        with self.assertRaises(RPCError) as cm:
            call()
        error = cm.exception
        self.assertNotIn(error.status, {500, 503}, msg=error.error)
        self.assertEqual(error.kind, kind, msg=error.error)
        if contains:
            self.assertIn(contains, error.message)
        return error.message

    def pii_log_count(self, ticket):
        return self.user('admin').model('sushi.ticket.pii_access',
            'search_count', [('ticket', '=', ticket)])

    def assertEveryFieldInEveryState(self, models, guard_only=False):
        """Write each field's own value back in each state of each model:
        refused exactly where the form's states lock it.  With guard_only,
        only the guard's refusal counts (the models' own business checks
        may refuse a write for other reasons)."""
        from trytond.pyson import PYSONDecoder
        admin = self.user('admin')
        wrong = []
        for model in models:
            definitions = admin.model(model, 'fields_get', None)
            names = [n for n, f in definitions.items()
                if f['type'] not in {'one2many', 'many2many', 'binary',
                    'dict', 'reference'}
                and not n.startswith(('create_', 'write_'))
                and n not in {'id', 'rec_name', 'last_modified_at'}
                and not f.get('readonly')]
            ids = admin.model(model, 'search', [], 0, None, None)
            states = {}
            for row in admin.model(model, 'read', ids, ['state']):
                states.setdefault(row['state'], row['id'])
            for state, id_ in sorted(states.items()):
                row, = admin.model(model, 'read', [id_],
                    sorted(set(definitions)
                        - {n for n, f in definitions.items()
                            if f['type'] in {'binary'}}))
                for name in names:
                    readonly = definitions[name].get('states', '{}')
                    env = dict(row, context={}, id=id_)
                    locked = bool(PYSONDecoder(env).decode(readonly)
                        .get('readonly', False))
                    # A locked field gets a new value, refused for the lock
                    # itself; an open one its own value (valid as it is).
                    value = (changed(definitions[name], row[name],
                            lambda relation: (admin.model(relation,
                                    'search', [], 0, 1, None) or [None])[0])
                        if locked else row[name])
                    if locked and value is None:
                        # no other value of the field's type to write
                        continue
                    try:
                        admin.model(model, 'write', [id_], {name: value})
                        refused = False
                    except RPCError as e:
                        self.assertNotIn(e.status, {500, 503})
                        refused = True
                        # the guard's lock, or an archived order's
                        # refusal of every change (ARC-02)
                        lock = any(text in e.message for text in [
                                '当前状态下不能修改',
                                'cannot be changed in its current state',
                                '已归档，不能修改',
                                'is archived and cannot be changed'])
                        # a model's own check refused first: not the
                        # guard's decision (msg_field_locked)
                        if guard_only and not lock:
                            continue
                        if locked:
                            self.assertTrue(lock, msg=f'{model} {state} '
                                f'{name}: {e.message}')
                    if refused != locked:
                        wrong.append(f'{model} {state} {name}: '
                            f"{'refused' if refused else 'accepted'}")
        self.assertFalse(wrong, msg='\n'.join(wrong))


class ExportTestCase(SecurityTestCase):
    "Finding 1: export_data and every read path apply the record rules."

    def test_export_other_units_orders_refused(self):
        "PUB-06, ORG-11: a unit cannot export another unit's order"
        handler = self.user('handler')
        other = DATA['other_ticket']
        self.assertRefused(lambda: handler.model('sushi.ticket',
                'export_data', [other],
                ['requester_name', 'requester_phone', 'address'], False))
        assignment, = self.user('admin').model('sushi.ticket.assignment',
            'search', [('ticket', '=', other)], 0, 1, None)
        for model, ids, names in [
                ('sushi.ticket.assignment', [assignment],
                    ['ticket/requester_phone', 'ticket/address']),
                ('sushi.ticket.event', self.user('admin').model(
                        'sushi.ticket.event', 'search',
                        [('ticket', '=', other)], 0, 1, None),
                    ['ticket/requester_name', 'comment']),
                ]:
            self.assertRefused(lambda: handler.model(
                    model, 'export_data', ids, names, False))
        # and through the domain variant, the rows are not there
        rows = handler.model('sushi.ticket', 'export_data_domain',
            [('id', '=', other)], ['requester_phone'], 0, None, None, False)
        self.assertEqual(rows, [])

    def test_other_units_replies_and_extensions_refused(self):
        """ORG-11, PUB-06 (#16 finding 1): another unit's reply and
        extension, by read, a Function field, search_read, export_data and
        export_data_domain"""
        handler = self.user('handler')
        for model, id_, names in [
                ('sushi.ticket.reply', DATA['other_reply'],
                    ['content', 'assignment.ticket.requester_phone']),
                ('sushi.ticket.extension', DATA['other_extension'],
                    ['reason', 'assignment.ticket.requester_name']),
                ('sushi.ticket', DATA['other_ticket'], ['rec_name'])]:
            for name in names:
                self.assertRefused(lambda: handler.model(model, 'read',
                        [id_], [name]))
                self.assertRefused(lambda: handler.model(model,
                        'export_data', [id_], [name.replace('.', '/')],
                        False))
                self.assertEqual(handler.model(model, 'search_read',
                        [('id', '=', id_)], 0, None, None, [name]), [])
                self.assertEqual(handler.model(model, 'export_data_domain',
                        [('id', '=', id_)], [name.replace('.', '/')], 0,
                        None, None, False), [])

    def test_export_own_order_is_logged(self):
        "PUB-06: a unit's export of its requester's phone is logged"
        own = DATA['own_ticket']
        before = self.pii_log_count(own)
        rows = self.user('handler').model('sushi.ticket', 'export_data',
            [own], ['number', 'requester_phone'], False)
        self.assertEqual(len(rows), 1)
        self.assertEqual(self.pii_log_count(own), before + 1)

    def test_export_through_relation_is_logged(self):
        "PUB-06: the phone exported from the assignment is logged too"
        own = DATA['own_ticket']
        handler = self.user('handler')
        assignments = handler.model('sushi.ticket.assignment', 'search',
            [('ticket', '=', own)], 0, 1, None)
        before = self.pii_log_count(own)
        handler.model('sushi.ticket.assignment', 'export_data', assignments,
            ['ticket/requester_phone'], False)
        self.assertEqual(self.pii_log_count(own), before + 1)

    def test_spreadsheet_of_other_units_orders_refused(self):
        "ORG-11: the Excel export of another unit's order is refused"
        handler = self.user('handler')
        report = 'report.sushi.ticket.spreadsheet'
        status, body = handler.raw(f'{report}.execute',
            [[DATA['other_ticket']], {'model': 'sushi.ticket',
                    'id': DATA['other_ticket'],
                    'ids': [DATA['other_ticket']]}, {}])
        self.assertNotIn(status, {500, 503})
        self.assertIn('error', body)


class NestedReadTestCase(SecurityTestCase):
    "Finding 2: nested field paths respect field access."

    def test_nested_personal_fields_refused(self):
        "PUB-06: city leader and analyst get no requester through a path"
        own = DATA['own_ticket']
        for login in ['city_leader', 'analyst']:
            for name in ['requester_party.name',
                    'requester_party.contact_mechanisms',
                    'requester_party.rec_name']:
                self.assertRefused(lambda: self.user(login).model(
                        'sushi.ticket', 'read', [own], [name]))
            self.assertRefused(lambda: self.user(login).model(
                    'sushi.ticket', 'search_read', [('id', '=', own)],
                    0, None, None, ['requester_party.name']))
            # the rest of the order they do read
            rows = self.user(login).model('sushi.ticket', 'read', [own],
                ['title', 'lead_unit.name'])
            self.assertEqual(rows[0]['id'], own)

    def test_nested_read_of_party_is_logged(self):
        "PUB-06: a unit reading its requester through a path is logged"
        own = DATA['own_ticket']
        before = self.pii_log_count(own)
        rows = self.user('handler').model('sushi.ticket', 'read', [own],
            ['requester_party.name'])
        self.assertEqual(rows[0]['requester_party.']['name'], '王秀英')
        self.assertGreater(self.pii_log_count(own), before)


class PartyTestCase(SecurityTestCase):
    "Finding 3: requesters are open to the platform only."

    def test_unit_sees_its_orders_requesters_only(self):
        "PUB-06, ORG-11: a unit reads the requesters of its orders only"
        handler = self.user('handler')
        for model, own, other in [
                ('party.party', [DATA['own_party']], [DATA['other_party']]),
                ('party.contact_mechanism', DATA['own_contacts'],
                    DATA['other_contacts']),
                ('party.address', DATA['own_addresses'],
                    DATA['other_addresses']),
                ]:
            self.assertEqual(
                sorted(handler.model(model, 'search', [], 0, None, None)),
                sorted(own), msg=model)
            self.assertRefused(lambda: handler.model(
                    model, 'read', other, ['rec_name']))

    def test_unit_read_of_requester_is_logged(self):
        "PUB-06: a unit's read of its requester's phone is logged"
        own = DATA['own_ticket']
        before = self.pii_log_count(own)
        rows = self.user('handler').model('party.contact_mechanism', 'read',
            DATA['own_contacts'], ['value'])
        self.assertEqual(rows[0]['value'], '13905571111')
        self.assertEqual(self.pii_log_count(own), before + 1)

    def test_platform_reads_every_requester(self):
        "PUB-06: intake and the platform read every requester in full"
        for login in ['intake', 'dispatcher', 'reviewer', 'supervisor']:
            rows = self.user(login).model('party.contact_mechanism', 'read',
                DATA['own_contacts'] + DATA['other_contacts'], ['value'])
            self.assertEqual({r['value'] for r in rows},
                {'13905571111', '13905572222'}, msg=login)

    def test_who_calls_is_for_the_handling_roles_only(self):
        """PUB-06 (minimum exposure): who called (name, phone, party) is
        read only by the roles that take, dispatch, review, supervise or
        handle the order; a role without such work on orders — the city
        leader, the analyst, the assessment officer, and any role added
        later — reads, searches and orders by none of it"""
        ticket = DATA['other_ticket']
        for login in ['officer', 'city_leader', 'analyst']:
            user = self.user(login)
            for name in ['requester_name', 'requester_phone',
                    'requester_party']:
                with self.subTest(login=login, field=name):
                    self.assertRefused(lambda: user.model('sushi.ticket',
                            'read', [ticket], [name]))
                    self.assertRefused(lambda: user.model('sushi.ticket',
                            'search_count', [(name, '!=', None)]))
                    self.assertRefused(lambda: user.model('sushi.ticket',
                            'search', [], 0, 1, [(name, 'ASC')]))
        for login in ['intake', 'dispatcher', 'reviewer', 'supervisor',
                'city_handler', 'admin']:
            row, = self.user(login).model('sushi.ticket', 'read', [ticket],
                ['requester_name', 'requester_phone', 'requester_party'])
            self.assertTrue(row['requester_phone'], msg=login)

    def test_only_the_platform_changes_requesters(self):
        "PUB-06: units, leaders and analysts cannot create, edit, delete"
        for login in ['handler', 'leader', 'city_leader', 'analyst']:
            user = self.user(login)
            self.assertRefused(lambda: user.model('party.party', 'create',
                    [{'name': '伪造诉求人'}]))
            self.assertRefused(lambda: user.model('party.party', 'write',
                    [DATA['own_party']], {'name': '改名'}))
            self.assertRefused(lambda: user.model('party.party', 'delete',
                    [DATA['own_party']]))
            self.assertRefused(lambda: user.model(
                    'party.contact_mechanism', 'write',
                    DATA['own_contacts'], {'value': '13900000000'}))
        for login in ['city_leader', 'analyst']:
            self.assertRefused(lambda: self.user(login).model(
                    'party.contact_mechanism', 'read',
                    DATA['own_contacts'], ['value']))
        # intake records a new requester
        party, = self.user('intake').model('party.party', 'create',
            [{'name': '新诉求人'}])
        self.assertTrue(party)

    def test_party_menu_hidden_from_units(self):
        "PUB-06: the Party menu is not shown to unit staff"
        menu, = self.user('admin').model('ir.ui.menu', 'search',
            [('name', '=', 'Parties'), ('parent', '=', None)], 0, None, None,
            context={'language': 'en'})
        for login, visible in [('handler', False), ('leader', False),
                ('city_leader', False), ('intake', True)]:
            found = self.user(login).model('ir.ui.menu', 'search',
                [('id', '=', menu)], 0, None, None)
            self.assertEqual(bool(found), visible, msg=login)


class LockedFieldTestCase(SecurityTestCase):
    "Finding 4: what the form locks, the server refuses."

    def test_extension_days_locked_after_consent(self):
        "EXT-01: after the leader's consent the days cannot change"
        extension = DATA['extension']
        for login in ['handler', 'leader', 'dispatcher']:
            self.assertRefused(lambda: self.user(login).model(
                    'sushi.ticket.extension', 'write', [extension],
                    {'days': 15}))
        days = self.user('admin').model('sushi.ticket.extension', 'read',
            [extension], ['days'])[0]['days']
        self.assertEqual(days, 2)

    def test_submitted_reply_text_locked(self):
        "RPL-04: a reply's text cannot change after sign-off"
        admin = self.user('admin')
        replies = admin.model('sushi.ticket.reply', 'search',
            [('state', '!=', 'draft')], 0, None, None)
        self.assertTrue(replies)
        fields = admin.model('sushi.ticket.reply', 'fields_get', None)
        texts = [n for n, f in fields.items() if f['type'] == 'text'
            and 'readonly' in str(f.get('states', ''))]
        self.assertTrue(texts)
        for name in texts:
            self.assertRefused(lambda: self.user('handler').model(
                    'sushi.ticket.reply', 'write', replies, {name: '改'}))

    def test_order_in_progress_content_locked(self):
        "INT-03: description and phone of a dispatched order are locked"
        own = DATA['own_ticket']
        for values in [{'description': '改写诉求'},
                {'requester_phone': '13900000000'}, {'title': '改标题'}]:
            for login in ['dispatcher', 'reviewer', 'admin']:
                self.assertRefused(lambda: self.user(login).model(
                        'sushi.ticket', 'write', [own], values))

    def test_closed_order_cannot_be_retitled(self):
        "#16 finding 4, ARC-02: the reviewer cannot retitle a closed order"
        admin = self.user('admin')
        closed = admin.model('sushi.ticket', 'search',
            [('state', '=', 'closed')], 0, 1, None)
        self.assertTrue(closed)
        before = admin.model('sushi.ticket', 'read', closed,
            ['title', 'events'])[0]
        for login in ['reviewer', 'dispatcher', 'supervisor']:
            self.assertRefused(lambda: self.user(login).model(
                    'sushi.ticket', 'write', closed, {'title': '改标题'}))
        after = admin.model('sushi.ticket', 'read', closed,
            ['title', 'events'])[0]
        self.assertEqual(after, before)

    def test_allowed_change_of_handled_order_is_an_event(self):
        "The audit trail records an allowed change with old and new value"
        own = DATA['own_ticket']
        dispatcher = self.user('dispatcher')
        dispatcher.model('sushi.ticket', 'write', [own],
            {'law_enforcement_case': True})
        events = dispatcher.model('sushi.ticket.event', 'search_read',
            [('ticket', '=', own), ('action', '=', 'edit')], 0, None, None,
            ['comment', 'actor'])
        self.assertTrue(any('执法' in e['comment'] and '否 → 是' in
                e['comment'] for e in events), msg=events)

    def test_every_field_in_every_state(self):
        """The server refuses a write exactly where the form's states lock
        the field, for every field of every work-order model in every
        state the demo has (writing each field's own value back)."""
        self.assertEveryFieldInEveryState(['sushi.ticket',
                'sushi.ticket.assignment', 'sushi.ticket.reply',
                'sushi.ticket.extension'])



def changed(definition, value, any_id):
    """A value of the field's type other than value (any_id(model): the id
    of some record of model)."""
    kind = definition['type']
    if kind in {'char', 'text'}:
        return (value or '') + '改'
    if kind == 'boolean':
        return not value
    if kind == 'selection' and isinstance(definition.get('selection'), list):
        return next(k for k, _ in definition['selection'] if k != value)
    if kind == 'multiselection' and isinstance(
            definition.get('selection'), list):
        return [] if value else [definition['selection'][0][0]]
    if value not in (None, [], ''):
        if kind in {'integer', 'biginteger', 'float'}:
            return value + 1
        return None
    return {
        'many2one': lambda: any_id(definition['relation']),
        'integer': lambda: 1, 'biginteger': lambda: 1, 'float': lambda: 1.5,
        'numeric': lambda: {'__class__': 'Decimal', 'decimal': '1.5'},
        'date': lambda: {'__class__': 'date', 'year': 2026, 'month': 1,
            'day': 5},
        'datetime': lambda: {'__class__': 'datetime', 'year': 2026,
            'month': 1, 'day': 5, 'hour': 9, 'minute': 0, 'second': 0,
            'microsecond': 0},
        'timedelta': lambda: {'__class__': 'timedelta', 'seconds': 3600},
        }.get(kind, lambda: 1)()

# Models of the other modules holding units' work or requesters' data,
# with a field to read (issue #16, after the work-order models).
OTHER_MODELS = [
    ('sushi.supervision', 'content'),
    ('sushi.supervision.opinion', 'text'),
    ('sushi.consultation.topic', 'description'),
    ('sushi.assessment.event', 'description'),
    ('sushi.assessment.deduction', 'description'),
    ('sushi.analysis.report.section', 'body'),
    ('sushi.portal.disclosure', 'request_text'),
    ('sushi.knowledge.entry', 'content'),
    ]


class OtherModulesTestCase(SecurityTestCase):
    """The matrix on the models of knowledge, supervision (consultation),
    assessment, analysis and portal: read, search, export_data, nested
    paths and locked fields over JSON-RPC."""

    def test_other_units_records_refused(self):
        "ORG-11: what a unit's search leaves out, read and export refuse"
        admin = self.user('admin')
        checked = 0
        for login in ['handler', 'city_handler']:
            user = self.user(login)
            for model, name in OTHER_MODELS:
                every = admin.model(model, 'search', [], 0, 200, None)
                try:
                    visible = user.model(model, 'search', [], 0, None, None)
                except RPCError as e:
                    self.assertNotIn(e.status, {500, 503})
                    visible = []
                hidden = sorted(set(every) - set(visible))[:3]
                for id_ in hidden:
                    checked += 1
                    self.assertRefused(lambda: user.model(model, 'read',
                            [id_], [name]))
                    self.assertRefused(lambda: user.model(model,
                            'export_data', [id_], [name], False))
                if hidden and visible:
                    self.assertEqual(user.model(model, 'export_data_domain',
                            [('id', 'in', hidden)], [name], 0, None, None,
                            False), [], msg=model)
        self.assertGreater(checked, 5)

    def test_no_requester_through_other_modules(self):
        """PUB-06: city leader and analyst reach no requester by a path of
        another module's model, by read, search_read (fields and domain),
        export_data or export_data_domain, whether the relation holds
        orders or not (the demo's topic had none: the path answered empty
        instead of refused)"""
        admin = self.user('admin')
        checked = 0
        for model, path in [
                ('sushi.supervision', 'tickets.requester_phone'),
                ('sushi.analysis.cluster', 'tickets.requester_phone'),
                ('sushi.consultation.topic', 'tickets.ticket.requester_phone'),
                ('sushi.consultation.topic',
                    'tickets.ticket.requester_party.name'),
                ('sushi.portal.disclosure', 'ticket.requester_name'),
                ('sushi.assessment.event', 'ticket.requester_phone')]:
            ids = admin.model(model, 'search', [], 0, 1, None)
            for login in ['city_leader', 'analyst']:
                checked += 1
                user = self.user(login)
                for method, args in [
                        ('read', (ids, [path])),
                        ('search_read', ([], 0, 1, None, [path])),
                        ('search', ([(path, 'like', '1%')], 0, 1, None)),
                        ('export_data', (ids, [path.replace('.', '/')],
                                False)),
                        ('export_data_domain', ([], [path.replace('.', '/')],
                                0, 1, None, False))]:
                    message = self.assertRefused(
                        lambda: user.model(model, method, *args))
                    self.assertNotIn('139', message, msg=(model, method))
        self.assertEqual(checked, 12)

    def test_draft_disclosures_of_own_orders_only(self):
        """PUB-02..05, ORG-11: a unit reads the draft disclosures of its
        own orders (埇桥区, the county, included), not another unit's; the
        platform reads both"""
        own, other = DATA['disclosures']
        Disclosure = 'sushi.portal.disclosure'
        for login, visible in [('handler', {own}), ('leader', {own}),
                ('city_handler', {other}), ('reviewer', {own, other}),
                ('intake', {own, other})]:
            user = self.user(login)
            found = set(user.model(Disclosure, 'search',
                    [('id', 'in', [own, other])], 0, None, None))
            self.assertEqual(found, visible, msg=login)
            for id_ in {own, other} - visible:
                self.assertRefused(lambda: user.model(Disclosure, 'read',
                        [id_], ['request_text']))
                self.assertRefused(lambda: user.model(Disclosure,
                        'export_data', [id_], ['request_text'], False))
        # the public: published disclosures only
        for row in self.user('admin').model(Disclosure, 'read', [own, other],
                ['number', 'state']):
            self.assertEqual(row['state'], 'draft')
            status, _, _ = http(SERVER.url + f'{SERVER.database}/portal/'
                f'cases/{row["number"]}')
            self.assertEqual(status, 404)

    def test_units_cannot_rewrite_public_texts(self):
        """PUB-03..06: what the public will read is masked by the platform
        and corrected by the reviewer only; the unit of the order (the
        complained-about party) applies for an exemption with its reason
        and cannot rewrite the public texts (it could put back the
        requester's name and phone, or its own account of the case)"""
        own, _ = DATA['disclosures']
        Disclosure = 'sushi.portal.disclosure'
        texts = ['title', 'address', 'request_text', 'reply_text']
        admin = self.user('admin')
        before, = admin.model(Disclosure, 'read', [own], texts)
        for login in ['handler', 'leader']:
            user = self.user(login)
            for name in texts:
                self.assertRefused(lambda: user.model(Disclosure, 'write',
                        [own], {name: '诉求人王秀英（13905571111）反映的问题'
                            '经核实不属实'}))
            # its own part of PUB-03: the reason of an application
            user.model(Disclosure, 'write', [own],
                {'exemption_reason': '涉及第三方商业秘密'})
        self.assertEqual(admin.model(Disclosure, 'read', [own], texts),
            [before])
        # the reviewer corrects the masked text before publishing
        reviewer = self.user('reviewer')
        reviewer.model(Disclosure, 'write', [own],
            {'request_text': '诉求人反映：路灯不亮'})
        reviewer.model(Disclosure, 'write', [own],
            {'request_text': before['request_text']})

    def test_no_other_units_order_into_own_topic(self):
        """ORG-11, CON-05: a unit proposing a consultation topic links the
        orders it can read only: another unit's order (which the Office
        would then see as the proposer's evidence and the lead answer,
        and whose state the link showed) is refused as a missing one is,
        so the answer tells nothing of it either"""
        handler = self.user('handler')
        Topic = 'sushi.consultation.topic'
        topic, = handler.model(Topic, 'search', [('state', '=', 'proposed'),
                ('proposing_unit.code', '=', 'yongqiao_district')],
            0, 1, None)
        other = DATA['other_ticket']
        missing = self.assertRefused(lambda: handler.model(Topic, 'write',
                [topic], {'tickets': [['create', [{'ticket': MAX_ID}]]]}))
        hidden = self.assertRefused(lambda: handler.model(Topic, 'write',
                [topic], {'tickets': [['create', [{'ticket': other}]]]}))
        self.assertEqual(hidden, missing.replace(str(MAX_ID), str(other)))
        self.assertNotIn(other, [row['ticket'] for row in handler.model(
                    'sushi.consultation.topic-sushi.ticket', 'search_read',
                    [('topic', '=', topic)], 0, None, None, ['ticket'])])
        # its own order it links
        handler.model(Topic, 'write', [topic],
            {'tickets': [['create', [{'ticket': DATA['own_ticket']}]]]})

    def test_statistics_pivot_follows_the_statistics_rights(self):
        """ANA-10, PLT-05: the Excel pivot of the statistics is refused to
        whoever may not read the statistics (a unit, a call-taker), also
        when the report's data carries a context that turns the access
        check off; the analyst gets it for the dates of the context"""
        report = 'report.sushi.analysis.statistic.pivot.execute'
        for login in ['handler', 'intake']:
            user = self.user(login)
            for data in [{}, {'context': {'_check_access': False}},
                    {'context': {'_check_access': 0, '_datetime': None}}]:
                self.assertRefused(lambda: user.call(report, [], data, {}))
        ext, content, _, _ = self.user('analyst').call(report, [],
            {'context': {'from_date': dt.date(2026, 1, 1)}}, {})
        self.assertEqual(ext, 'xlsx')

    def test_wizards_follow_their_buttons(self):
        """TRI-05, CBK-01, CBK-03, ORG-11: the wizards behind the work
        order's buttons (dispatch, record a rating, verify a bad rating,
        re-dispatch) are refused to a role the button is refused to, also
        when called directly over JSON-RPC (a call-taker, reviewer or
        supervisor dispatching, a dispatcher recording ratings)"""
        ticket = DATA['own_ticket']
        assignment = self.user('handler').model('sushi.ticket.assignment',
            'search', [('ticket', '=', ticket)], 0, 1, None)[0]
        refused = [
            ('sushi.ticket.dispatch', 'sushi.ticket', ticket,
                ['intake', 'reviewer', 'supervisor']),
            ('sushi.ticket.callback.record', 'sushi.ticket', ticket,
                ['dispatcher', 'supervisor']),
            ('sushi.ticket.verify', 'sushi.ticket', ticket,
                ['intake', 'dispatcher']),
            ('sushi.ticket.redispatch', 'sushi.ticket.assignment',
                assignment, ['dispatcher', 'reviewer']),
            ]
        for wizard, model, id_, roles in refused:
            context = {'active_model': model, 'active_id': id_,
                'active_ids': [id_]}
            for role in roles:
                with self.subTest(wizard=wizard, role=role):
                    self.assertRefused(lambda: self.user(role).call(
                            f'wizard.{wizard}.create', context))
        # the button's own roles still open it
        for wizard, model, id_, role in [
                ('sushi.ticket.dispatch', 'sushi.ticket', ticket,
                    'dispatcher'),
                ('sushi.ticket.redispatch', 'sushi.ticket.assignment',
                    assignment, 'handler')]:
            user = self.user(role)
            session, _, _ = user.call(f'wizard.{wizard}.create',
                {'active_model': model, 'active_id': id_,
                    'active_ids': [id_]})
            user.call(f'wizard.{wizard}.delete', session, {})

    def test_knowledge_answer_only_by_who_may_answer(self):
        """KB-08, TRI-02 (answered at intake): the knowledge search wizard
        (no groups: every role searches the knowledge base) closed as
        "answered directly" whatever order its form named, with no rights
        checked — a town handler or the analyst closed a call-taker's
        order they cannot even read.  Answering stays the call-taker's"""
        intake = self.user('intake')
        category, = intake.model('sushi.category', 'search',
            [('code', '!=', None)], 0, 1, None)
        ticket, = intake.model('sushi.ticket', 'create', [{
                    'title': '公积金提取材料咨询', 'request_type': 'consult',
                    'description': '想了解租房提取住房公积金需要哪些材料。',
                    'requester_name': '张先生',
                    'requester_phone': '13905576666',
                    'category': category}])
        entry, = intake.model('sushi.knowledge.entry', 'search',
            [('state', '=', 'published')], 0, 1, None)
        data = {'start': {'ticket': ticket, 'query': '公积金', 'kinds': None,
                'results': [{'entry': entry, 'selected': True}]}}
        for role in ['town_handler', 'analyst', 'city_leader']:
            user = self.user(role)
            with self.subTest(role=role):
                session, _, _ = user.call(
                    'wizard.sushi.knowledge.search.create', {})
                self.assertRefused(lambda: user.call(
                        'wizard.sushi.knowledge.search.execute', session,
                        data, 'answer', {}))
                row, = intake.model('sushi.ticket', 'read', [ticket],
                    ['state'])
                self.assertEqual(row['state'], 'draft')
        # the call-taker answers from the knowledge base
        context = {'active_model': 'sushi.ticket', 'active_id': ticket,
            'active_ids': [ticket]}
        session, _, _ = intake.call('wizard.sushi.knowledge.search.create',
            context)
        intake.call('wizard.sushi.knowledge.search.execute', session, data,
            'answer', context)
        row, = intake.model('sushi.ticket', 'read', [ticket], ['state'])
        self.assertEqual(row['state'], 'answered')

    def test_locked_fields_of_other_modules(self):
        """What the forms of the other modules lock, the server refuses:
        every field in every state the demo has"""
        self.assertEveryFieldInEveryState(['sushi.supervision',
                'sushi.consultation.topic', 'sushi.assessment.event',
                'sushi.assessment.period', 'sushi.knowledge.entry',
                'sushi.portal.disclosure'], guard_only=True)


class SearchOracleTestCase(SecurityTestCase):
    """A search is an oracle of what it filters on: it must not filter on
    what the user may not read."""

    def test_nested_domain_checked_as_paths(self):
        """PUB-06: a nested domain (`where`) is checked as a path is: the
        roles that do not see requesters tested a phone through it, and
        anyone the administrator's password hash letter by letter
        (res.group users) or a login (create_uid of any record)"""
        phone = '13905572222'
        for login in ['city_leader', 'analyst', 'officer']:
            user = self.user(login)
            for model, domain in [
                    ('sushi.ticket.assignment',
                        [('ticket', 'where', [('requester_phone', '=',
                                        phone)])]),
                    ('sushi.ticket', [('assignments', 'where',
                                [('ticket.requester_phone', 'like',
                                        '139%')])]),
                    ('sushi.ticket', ['OR', ('id', '=', 0),
                            ('repeat_of', 'not where',
                                [('requester_name', '=', '李建国')])]),
                    ]:
                with self.subTest(login=login, model=model, domain=domain):
                    self.assertRefused(lambda: user.model(model,
                            'search_count', domain))
        for login in ['handler', 'officer']:
            user = self.user(login)
            for model, domain in [
                    ('res.group', [('users', 'where',
                                [('password_hash', 'like', '$%')])]),
                    ('res.group', [('users', 'where',
                                [('password_reset', '!=', None)])]),
                    ('ir.ui.menu', [('create_uid', 'where',
                                [('login', '=', 'admin')])]),
                    ('sushi.unit', [('write_uid', 'where',
                                [('email', 'like', '%@%')])]),
                    ]:
                with self.subTest(login=login, model=model, domain=domain):
                    self.assertRefused(lambda: user.model(model,
                            'search_count', domain))
            # a text search of the users matches names only
            self.assertEqual(user.model('ir.ui.menu', 'search_count',
                    [('create_uid', 'ilike', '%admin%')]), 0)

    def test_unit_searches_requesters_on_its_orders_only(self):
        """PUB-06, ORG-11: Tryton searches a path's targets without their
        record rules, so a unit searching by a requester's phone or name
        through a relation (an assignment's order, an earlier order, a
        topic's, case's or knowledge entry's order) tested it on orders of
        other units.  Units search requesters on the orders only, where
        the rules hold; the platform keeps every path"""
        handler = self.user('handler')
        for model, name in [
                ('sushi.ticket.assignment', 'ticket.requester_phone'),
                ('sushi.ticket.reply', 'assignment.ticket.requester_name'),
                ('sushi.ticket', 'repeat_of.requester_phone'),
                ('sushi.ticket', 'assignments.ticket.requester_party.name'),
                ('sushi.consultation.topic-sushi.ticket',
                    'ticket.requester_phone'),
                ('sushi.knowledge.entry', 'source_ticket.requester_phone'),
                ('sushi.portal.disclosure', 'ticket.requester_name'),
                ]:
            with self.subTest(model=model, name=name):
                self.assertRefused(lambda: handler.model(model,
                        'search_count', [(name, 'like', '1%')]))
                self.assertRefused(lambda: handler.model(model, 'search',
                        [], 0, None, [(name, 'ASC')]))
                parent, _, field = name.rpartition('.')
                self.assertRefused(lambda: handler.model(model,
                        'search_count', [(parent, 'where',
                                [(field, 'like', '1%')])]))
        # on the orders themselves, under the rules
        self.assertEqual(handler.model('sushi.ticket', 'search_count',
                [('requester_phone', '=', '13805571009')]), 0)
        self.assertGreaterEqual(handler.model('sushi.ticket', 'search_count',
                [('requester_phone', 'like', '138%')]), 1)
        # the platform searches through any path
        self.assertEqual(self.user('dispatcher').model(
                'sushi.ticket.assignment', 'search_count',
                [('ticket.requester_phone', '=', '13805571009')]),
            self.user('admin').model('sushi.ticket.assignment',
                'search_count',
                [('ticket.requester_phone', '=', '13805571009')]))


class CreateTestCase(SecurityTestCase):
    "Finding 5: only intake fields at create, a plausible reception time."

    def new(self, **values):
        return {'title': '路灯不亮', 'request_type': 'consult',
            'requester_phone': '13905573333', **values}

    def test_workflow_fields_refused_at_create(self):
        "INT-07: number, outcome, unit and dates are the workflow's"
        intake = self.user('intake')
        for values in [{'number': '202601010101999999'},
                {'final_evaluation': 'satisfied'}, {'lead_unit': 4},
                {'closed_at': dt.datetime(2025, 1, 1)}, {'state': 'closed'},
                {'no_such_field': 1}]:
            self.assertRefused(lambda: intake.model('sushi.ticket', 'create',
                    [self.new(**values)]))
        ticket, = intake.model('sushi.ticket', 'create', [self.new()])
        row, = intake.model('sushi.ticket', 'read', [ticket],
            ['state', 'number'])
        self.assertEqual(row['state'], 'draft')

    def test_test_clock_ignored_over_rpc(self):
        """CONV-04, SGN-01, INT-07: the work-order clock's test key
        `sushi_now` in a client's context changes no date: an order
        created "in 2020" is received and numbered now"""
        intake = self.user('intake')
        then = dt.datetime(2020, 1, 6, 9, 0)
        before = dt.datetime.utcnow() - dt.timedelta(minutes=5)
        ticket, = intake.model('sushi.ticket', 'create', [self.new()],
            context={'sushi_now': then})
        row, = intake.model('sushi.ticket', 'read', [ticket],
            ['received_at', 'number'], context={'sushi_now': then})
        received = dt.datetime(*[row['received_at'][k] for k in
                ['year', 'month', 'day', 'hour', 'minute', 'second']])
        self.assertGreater(received, before)
        self.assertFalse(row['number'].startswith('2020'))

    def test_received_at_within_tolerance(self):
        "INT-07: the reception time lies within the tolerance of now"
        intake = self.user('intake')
        now = dt.datetime.utcnow()
        for received in [dt.datetime(2030, 1, 1), dt.datetime(1, 1, 1),
                now + dt.timedelta(hours=2), now - dt.timedelta(days=30)]:
            self.assertRefused(lambda: intake.model('sushi.ticket', 'create',
                    [self.new(received_at=received)]))
        intake.model('sushi.ticket', 'create',
            [self.new(received_at=now - dt.timedelta(hours=1))])


class SessionTestCase(SecurityTestCase):
    "Finding 6: an idle session expires."

    def age_session(self, session, seconds):
        "Make the session look idle for `seconds` (not older than that)."
        stamp = dt.datetime.now() - dt.timedelta(seconds=seconds)
        if SERVER.backend == 'sqlite':
            import sqlite3
            path = SERVER.dir / 'db' / f'{SERVER.database}.sqlite'
            with sqlite3.connect(path) as conn:
                conn.execute('UPDATE ir_session SET create_date = ?, '
                    'write_date = ? WHERE key = ?',
                    (stamp.isoformat(' '), stamp.isoformat(' '), session))
        else:
            import psycopg
            parts = urllib.parse.urlsplit(SERVER.uri)
            with psycopg.connect(parts._replace(
                        path='/' + SERVER.database).geturl()) as conn:
                conn.execute('UPDATE ir_session SET create_date = %s, '
                    'write_date = %s WHERE key = %s',
                    (stamp, stamp, session))

    def test_idle_session_expires(self):
        "An idle session stops working after [session] idle_timeout"
        user = client('handler')
        user.model('sushi.ticket', 'search', [], 0, 1, None)
        # 20 minutes idle: still valid
        self.age_session(user.session, 20 * 60)
        user.model('sushi.ticket', 'search', [], 0, 1, None)
        # 31 minutes idle, within max_age: expired
        self.age_session(user.session, 31 * 60)
        with self.assertRaises(RPCError) as cm:
            user.model('sushi.ticket', 'search', [], 0, 1, None)
        self.assertEqual(cm.exception.status, 401)

    def test_production_config_says_the_truth(self):
        "config/production.conf sets the idle timeout the server enforces"
        import configparser
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(browser.ROOT / 'config' / 'production.conf',
            encoding='utf-8')
        self.assertEqual(parser.getint('session', 'idle_timeout'), 1800)
        self.assertLessEqual(parser.getint('session', 'max_age'), 24 * 3600)


class PasswordTestCase(SecurityTestCase):
    "Finding 7: passwords and accounts."

    def test_weak_passwords_refused(self):
        "A short, common or repetitive password is refused"
        admin = self.user('admin')
        for password in ['12345678', '1234567890', 'password123',
                'aaaaaaaaaaaa', 'abababababab']:
            self.assertRefused(lambda: admin.model('res.user', 'create',
                    [{'login': 'weak_%s' % random.randrange(10 ** 6),
                            'name': '弱口令', 'password': password}]))

    def test_password_change_needs_current_password(self):
        "Changing one's password asks for the current one"
        login = 'pw_%s' % random.randrange(10 ** 6)
        first, second = 'Suzhou-12345-an', 'Bianhe-Road-88x'
        self.user('admin').model('res.user', 'create', [{
                    'login': login, 'name': '改密测试', 'password': first}])
        user = Client(SERVER.url, SERVER.database, login, first)
        self.assertRefused(lambda: user.call(
                'model.res.user.set_preferences',
                {'password': second}, {}))
        self.assertRefused(lambda: user.call(
                'model.res.user.set_preferences',
                {'password': second, 'password_current': 'wrong-password'},
                {}))
        user.call('model.res.user.set_preferences',
            {'password': second, 'password_current': first}, {})
        Client(SERVER.url, SERVER.database, login, second)

    def test_current_password_guesses_rate_limited(self):
        """A session guessing the current password meets the login's rate
        limit: wrong guesses count as failed logins ([session]
        max_attempt = 5), then not even the right one is checked, and the
        login form without a device cookie is closed the same way"""
        login = 'guess_%s' % random.randrange(10 ** 6)
        password, new = 'Suzhou-12345-an', 'Bianhe-Road-88x'
        self.user('admin').model('res.user', 'create', [{
                    'login': login, 'name': '猜密测试', 'password': password}])
        user = Client(SERVER.url, SERVER.database, login, password)
        # the user's own browser: a device cookie of a successful login
        cookie = user.model('res.user.device', 'renew', None)
        for i in range(6):
            self.assertRefused(lambda: user.call(
                    'model.res.user.set_preferences',
                    {'password': new, 'password_current': f'guess-{i}'}, {}))
        with self.assertRaises(RPCError) as cm:
            user.call('model.res.user.set_preferences',
                {'password': new, 'password_current': password}, {})
        self.assertEqual(cm.exception.status, 429)
        with self.assertRaises(RPCError) as cm:
            Client(SERVER.url, SERVER.database, login, password)
        self.assertEqual(cm.exception.status, 429)
        # the lock-out trade-off (SECURITY.md): the device that logged in
        # before keeps its own count and still logs in
        user_id, session = client().call('common.db.login', login,
            {'password': password, 'device_cookie': cookie}, 'zh_CN')[:2]
        self.assertTrue(session)

    def test_reset_password_secret_hidden(self):
        """PUB-06 (staff accounts): anyone may ask a reset of any login,
        the temporary password goes to the user's e-mail only: no other
        account reads it (field, nested path, search, order, export, the
        reset e-mail as a report), nor searches the password hashes"""
        login = 'reset_%s' % random.randrange(10 ** 6)
        admin = self.user('admin')
        user_id, = admin.model('res.user', 'create', [{
                    'login': login, 'name': '重置测试',
                    'email': f'{login}@example.org',
                    'password': 'Suzhou-12345-an'}])
        client().call('common.db.reset_password', login, 'zh_CN')
        secret, = admin.model('res.user', 'read', [user_id],
            ['password_reset'])
        self.assertTrue(secret['password_reset'])  # the reset happened
        ticket = DATA['other_ticket']
        for role in ['city_handler', 'intake', 'supervisor', 'city_leader']:
            user = self.user(role)
            for name in ['password_reset', 'password_reset_expire',
                    'password_hash']:
                with self.subTest(role=role, field=name):
                    # masked (clients read every field of a user they show)
                    row, = user.model('res.user', 'read', [user_id], [name])
                    self.assertIsNone(row[name])
                    self.assertRefused(lambda: user.model('res.user',
                            'search_count', [(name, '!=', None)]))
                    self.assertRefused(lambda: user.model('res.user',
                            'search_count', ['OR', ('id', '=', 0),
                                [(name, 'like', '%')]]))
                    self.assertRefused(lambda: user.model('res.user',
                            'search', [], 0, None, [(name, 'ASC')]))
                    self.assertRefused(lambda: user.model('res.user',
                            'export_data', [user_id], [name], False))
            if role in {'city_handler', 'supervisor'}:
                self.assertRefused(lambda: user.model('sushi.ticket', 'read',
                        [ticket], ['create_uid.password_reset']))
                self.assertRefused(lambda: user.model('sushi.ticket',
                        'search_count',
                        [('create_uid.password_reset', '!=', None)]))
            # refused by Tryton as a report the user has no action of
            with self.assertRaises(RPCError) as cm:
                user.call('report.res.user.email_reset_password.execute',
                    [user_id], {'model': 'res.user', 'id': user_id,
                        'ids': [user_id]}, {})
            self.assertNotIn(cm.exception.status, {500, 503})
            self.assertNotIn(secret['password_reset'], str(cm.exception))
        # the user's own preferences still open
        Client(SERVER.url, SERVER.database, login, 'Suzhou-12345-an').call(
            'model.res.user.get_preferences', False, {})

    def test_email_completion_hides_staff_emails(self):
        """PUB-06 (staff data): the e-mail form's address completion
        (ir.email.complete, open to every session) gives no staff
        e-mails, and answers nothing by login, to a user who does not see
        them on the users"""
        for login in ['handler', 'intake']:
            user = self.user(login)
            for text in ['adm', 'admin@', 'city_handler', '演示']:
                found = user.call('model.ir.email.complete', text, 10, {})
                self.assertEqual(found, [], msg=(login, text))
        found = self.user('admin').call('model.ir.email.complete', 'city_h',
            10, {})
        self.assertIn('city_handler@example.org', str(found))

    def test_no_account_or_setup_through_core_wizards(self):
        """CONV-01, PLT-05 (role permissions; accounts are the system
        administrator's): Tryton's set-up
        wizards without groups ran for any session, and their transitions
        skip the access rights — a unit handler added an account of the
        Administration group through "res.user.config" and logged in
        with it; the translation, module and materialized-view wizards
        ran the same way.  All are the administrators' now."""
        login = 'wizard_%s' % random.randrange(10 ** 6)
        admin_group, = self.user('admin').model('res.group', 'search',
            [('name', '=', 'Administration')], 0, 1, None)
        for role in ['handler', 'intake']:
            user = self.user(role)
            with self.subTest(role=role):
                try:
                    session, _, _ = user.call('wizard.res.user.config.create',
                        {})
                    user.call('wizard.res.user.config.execute', session,
                        {'user': {'login': login, 'name': '越权账号',
                                'password': 'Xk9-pQ7-zW3-long',
                                'groups': [admin_group]}}, 'add', {})
                except RPCError as e:
                    self.assertNotIn(e.status, {500, 503})
                self.assertEqual(self.user('admin').model('res.user',
                        'search', [('login', '=', login)], 0, None, None),
                    [])
                for wizard in ['res.user.config', 'ir.translation.clean',
                        'ir.translation.set', 'ir.model.refresh_materialized',
                        'ir.module.config_wizard', 'ir.module.config',
                        'ir.model.print_model_graph']:
                    self.assertRefused(lambda: user.call(
                            f'wizard.{wizard}.create', {}))
                # the schema graphs (audit of the ninth session: a Python
                # error to any session where Graphviz is missing)
                for report in ['ir.model.graph', 'ir.model.workflow_graph']:
                    self.assertRefused(lambda: user.call(
                            f'report.{report}.execute', [1],
                            {'model': 'ir.model', 'id': 1, 'ids': [1]}, {}))
        # the administrator keeps them
        admin = self.user('admin')
        session, _, _ = admin.call('wizard.res.user.config.create', {})
        admin.call('wizard.res.user.config.delete', session, {})

    def test_login_not_testable_by_search(self):
        """PUB-06 (staff data): who does not see logins and e-mails cannot
        test one by searching either: a search, count or order by login or
        e-mail, on the users or through a path of another model, is
        refused; the name search (the client's completion) matches names
        only"""
        for role in ['handler', 'intake', 'city_leader', 'officer']:
            user = self.user(role)
            with self.subTest(role=role):
                for domain in [[('login', '=', 'admin')],
                        [('email', 'like', '%@%')],
                        ['OR', ('id', '=', 0), ('login', 'like', 'adm%')]]:
                    self.assertRefused(lambda: user.model('res.user',
                            'search_count', domain))
                self.assertRefused(lambda: user.model('res.user', 'search',
                        [], 0, None, [('login', 'ASC')]))
                self.assertRefused(lambda: user.model('sushi.ticket',
                        'search_count', [('create_uid.login', '=', 'admin')]))
                self.assertRefused(lambda: user.model('sushi.ticket',
                        'search', [], 0, None, [('write_uid.email', 'ASC')]))
                # the name search: by name, not by login
                self.assertEqual(user.model('res.user', 'search_count',
                        [('rec_name', 'ilike', '%city_handler%')]), 0)
                self.assertEqual(user.model('res.user', 'search_count',
                        [('rec_name', 'ilike', '%市城管局承办人%')]), 1)
        admin = self.user('admin')
        self.assertEqual(admin.model('res.user', 'search_count',
                [('login', '=', 'city_handler')]), 1)
        self.assertEqual(admin.model('res.user', 'search_count',
                [('rec_name', 'ilike', '%city_handler%')]), 1)

    def test_logins_and_emails_hidden(self):
        "Staff see each other's names, not logins or e-mails"
        for login in ['handler', 'intake', 'city_leader']:
            user = self.user(login)
            rows = user.model('res.user', 'search_read', [], 0, None, None,
                ['name'])
            self.assertGreater(len(rows), 5)
            others = user.model('res.user', 'search_read',
                [('id', '!=', user.user_id)], 0, None, None,
                ['login', 'email'])
            self.assertEqual({(r['login'], r['email']) for r in others},
                {(None, None)}, msg=login)
            self.assertRefused(lambda: user.model('res.user', 'export_data',
                    [others[0]['id']], ['login'], False))
        # their own preferences still work
        preferences = self.user('handler').call(
            'model.res.user.get_preferences', False, {})
        self.assertEqual(preferences['name'], '埇桥区承办人(演示)')


class RobustnessTestCase(SecurityTestCase):
    "Finding 8: hostile input gets a clear error, never a 500 or 503."

    def test_huge_id_in_route(self):
        "GET of an id beyond 64 bits is not found, not a server error"
        status, _, _ = http(SERVER.url
            + f'{SERVER.database}/knowledge/entries/9223372036854775808')
        self.assertEqual(status, 404)

    def test_json_rpc_as_text_plain(self):
        "A JSON-RPC body sent as text/plain gets a clear 4xx"
        status, body = client().raw('common.server.version', [],
            content_type='text/plain')
        self.assertGreaterEqual(status, 400)
        self.assertLess(status, 500)

    def test_oversized_values(self):
        "A 1 MB reference or phone is refused before the database sees it"
        intake = self.user('intake')
        big = 'x' * (1024 * 1024)
        for values in [{'channel_ref': big}, {'requester_phone': big},
                {'title': big}, {'description': big + big}]:
            self.assertRefused(lambda: intake.model('sushi.ticket', 'create',
                    [{'title': '路灯', **values}]), contains='超过')

    def test_nul_byte(self):
        "A NUL byte in a text is a clear error, not a database error"
        self.assertRefused(lambda: self.user('intake').model('sushi.ticket',
                'create', [{'title': '路灯\x00不亮'}]), contains='空字符')

    def test_missing_reference(self):
        "A reference to no record is refused on SQLite as on PostgreSQL"
        for value in [-1, 999999, MAX_ID]:
            self.assertRefused(lambda: self.user('intake').model(
                    'sushi.ticket', 'create',
                    [{'title': '路灯', 'category': value}]), contains='不存在')
        self.assertRefused(lambda: self.user('intake').model(
                'sushi.ticket', 'create',
                [{'title': '路灯', 'category': MAX_ID + 1}]))

    def test_wrong_types(self):
        "A value of the wrong type is refused clearly"
        for values in [{'title': 5}, {'category': '1'},
                {'received_at': '2025-01-01'}, {'anonymous': 'yes'}]:
            self.assertRefused(lambda: self.user('intake').model(
                    'sushi.ticket', 'create', [{**values}]))

    def test_preferences_checked(self):
        """Audit of the ninth session: one's preferences are checked as
        any form's values are — a list as language ended in a Python
        error, a name had no limit"""
        user = client('town_handler')
        for values, text in [({'language': ['zh_CN']}, '类型不正确'),
                ({'name': '长' * 5000}, '超过'),
                ({'signature': '签名\x00'}, '空字符'),
                ({'menu': '1'}, '类型不正确'),
                ({'actions': 5}, '类型不正确')]:
            with self.subTest(values=values):
                self.assertRefused(lambda: user.call(
                        'model.res.user.set_preferences', values, {}),
                    contains=text)
        user.call('model.res.user.set_preferences',
            {'signature': '符离镇承办人', 'language': 'zh_CN'}, {})
        preferences = user.call('model.res.user.get_preferences', False, {})
        self.assertEqual(preferences['signature'], '符离镇承办人')
        self.assertEqual(preferences['language'], 'zh_CN')

    def test_name_and_email_set_by_administrators(self):
        """Audit of the ninth session: staff are named by name in the
        chat, the history and the replies, so a handler may not rename
        themselves (as 市长 or another unit's leader) nor change their
        e-mail: refused in Chinese, and read-only in the preferences form;
        an unchanged name still passes; the administrator's form lets
        them"""
        user = client('town_handler')
        before = user.call('model.res.user.get_preferences', False, {})
        for values in [{'name': '市长'}, {'email': 'mayor@example.org'}]:
            with self.subTest(values=values):
                self.assertRefused(lambda: user.call(
                        'model.res.user.set_preferences', values, {}),
                    contains='由平台管理员维护')
        view = user.call('model.res.user.get_preferences_fields_view', {})
        self.assertTrue(view['fields']['name']['readonly'])
        self.assertTrue(view['fields']['email']['readonly'])
        self.assertFalse(view['fields']['signature']['readonly'])
        user.call('model.res.user.set_preferences',
            {'name': before['name'], 'signature': '符离镇承办人'}, {})
        after = user.call('model.res.user.get_preferences', False, {})
        self.assertEqual(after['name'], before['name'])
        self.assertEqual(after.get('email'), before.get('email'))
        admin = client('admin')
        view = admin.call('model.res.user.get_preferences_fields_view', {})
        self.assertFalse(view['fields']['name']['readonly'])
        self.assertFalse(view['fields']['email']['readonly'])


class SubmitTestCase(SecurityTestCase):
    "Finding 9: channels resubmit idempotently over RPC."

    def test_resubmission_returns_the_same_ticket(self):
        "INT-01: the same channel reference is the same ticket"
        intake = self.user('intake')
        channel, = intake.model('sushi.channel', 'search',
            [('code', '!=', None)], 0, 1, None)
        values = {'title': '小区停水', 'channel': channel,
            'channel_ref': 'WX-%s' % random.randrange(10 ** 9),
            'requester_phone': '13905574444', 'request_type': 'help'}
        first = intake.model('sushi.ticket', 'submit', values)
        again = intake.model('sushi.ticket', 'submit', values)
        self.assertTrue(first['created'])
        self.assertFalse(again['created'])
        self.assertEqual(again['id'], first['id'])
        self.assertEqual(again['number'], first['number'])
        # units may not submit
        self.assertRefused(lambda: self.user('handler').model(
                'sushi.ticket', 'submit', values))


class AttachmentNoteChatTestCase(SecurityTestCase):
    "The matrix on ir.attachment, ir.note and the record chat."

    def test_other_units_attachments_and_notes(self):
        "ORG-11: attachments and notes follow the order's record rules"
        admin, handler = self.user('admin'), self.user('handler')
        other = 'sushi.ticket,%s' % DATA['other_ticket']
        own = 'sushi.ticket,%s' % DATA['own_ticket']
        attachment, = admin.model('ir.attachment', 'create', [{
                    'resource': other, 'name': '现场照片.txt',
                    'type': 'data', 'data': None}])
        note, = admin.model('ir.note', 'create', [{
                    'resource': other, 'message': '诉求人王女士 13905572222'}])
        self.assertEqual(handler.model('ir.attachment', 'search',
                [('resource', '=', other)], 0, None, None), [])
        self.assertEqual(handler.model('ir.note', 'search',
                [('resource', '=', other)], 0, None, None), [])
        for model, id_, name in [('ir.attachment', attachment, 'name'),
                ('ir.note', note, 'message')]:
            self.assertRefused(lambda: handler.model(model, 'read', [id_],
                    [name]))
            self.assertRefused(lambda: handler.model(model, 'export_data',
                    [id_], [name], False))
            self.assertRefused(lambda: handler.model(model, 'write', [id_],
                    {name: '改'}))
            self.assertRefused(lambda: handler.model(model, 'delete',
                    [id_]))
        # notes need the right to write the order: the platform's only
        # (units talk through replies and the order's chat)
        for login in ['handler', 'city_leader', 'analyst']:
            self.assertRefused(lambda: self.user(login).model('ir.note',
                    'create', [{'resource': own, 'message': '批示'}]))

    def test_email_only_what_one_reads(self):
        """PUB-06, ORG-11: the e-mail form of the client (ir.email.send)
        attaches only attachments the user may read, about a record the
        user may read: another unit's evidence (or any attachment by id)
        is refused before anything is sent"""
        admin = self.user('admin')
        user = self.user('city_handler')
        every = admin.model('ir.attachment', 'search', [], 0, None, None)
        readable = user.model('ir.attachment', 'search', [], 0, None, None)
        hidden = sorted(set(every) - set(readable))
        self.assertTrue(hidden)
        own, = user.model('sushi.ticket.assignment', 'search', [], 0, 1,
            None)
        self.assertRefused(lambda: user.model('ir.email', 'send',
                'someone@example.org', '', '', '材料', '见附件', [],
                ['sushi.ticket.assignment', own], [], hidden[:1]))
        self.assertRefused(lambda: user.model('ir.email', 'send',
                'someone@example.org', '', '', '工单', '见附件', [],
                ['sushi.ticket', DATA['own_ticket']], [], []))

    def test_chat_shows_no_logins(self):
        """PUB-06 (staff data): the order chat's follower search, its
        follower list and its "joined" messages show staff by name; a user
        who does not see logins gets another user as an opaque key (their
        own login stays: the client finds itself by it), follows and
        unfollows with it, and cannot test a login by subscribing it"""
        admin, handler = self.user('admin'), self.user('handler')
        own = 'sushi.ticket,%s' % DATA['own_ticket']
        logins = {r['login'] for r in admin.model('res.user', 'search_read',
                [], 0, None, None, ['login'])} - {'handler'}
        found = handler.model('ir.chat.channel', 'search_followers', own,
            '演示')
        town, = [f for f in found if f['name'] == '符离镇承办人(演示)']
        self.assertTrue(found)
        self.assertFalse(logins & {f['key'] for f in found}, msg=found)
        self.assertFalse(logins & {f['name'] for f in found}, msg=found)
        # the opaque key subscribes and unsubscribes
        handler.model('ir.chat.channel', 'subscribe', own, town['key'])
        followers = handler.model('ir.chat.channel', 'get_followers', own)
        self.assertIn('符离镇承办人(演示)', [f['name'] for f in followers])
        self.assertFalse(logins & {f['key'] for f in followers},
            msg=followers)
        messages = json.dumps(handler.model('ir.chat.channel', 'get', own,
                None, None), ensure_ascii=False)
        self.assertIn('符离镇承办人(演示)', messages)
        self.assertNotIn('town_handler', messages)
        handler.model('ir.chat.channel', 'unsubscribe', own, town['key'])
        self.assertNotIn('符离镇承办人(演示)', [f['name'] for f in
                handler.model('ir.chat.channel', 'get_followers', own)])
        # a login, existing or not, answers the same refusal
        answers = set()
        for login in ['town_handler', 'no_such_login_7']:
            answers.add(self.assertRefused(lambda: handler.model(
                        'ir.chat.channel', 'subscribe', own, login),
                    kind='UserError'))
        self.assertEqual(len(answers), 1)
        # the administrators see logins, as on the users
        found = admin.model('ir.chat.channel', 'search_followers', own,
            '符离镇承办人')
        self.assertEqual([f['key'] for f in found], ['town_handler'])

    def test_no_chat_of_other_records(self):
        """PUB-06: the chat calls take only a record of a model that has a
        chat: the follower search of any readable record (a unit) gave
        every party's contact mechanisms, the requesters' phones, as
        e-mail followers to any session"""
        for login in ['officer', 'city_leader', 'handler']:
            user = self.user(login)
            for resource in ['sushi.unit,1', 'party.party,%s'
                    % DATA['own_party'], 'res.user,1']:
                for method, params in [('search_followers', [resource, '']),
                        ('get_followers', [resource]),
                        ('get', [resource, None, None]),
                        ('subscribe', [resource, None])]:
                    status, body = user.raw(f'model.ir.chat.channel.{method}',
                        params + [{}])
                    self.assertNotIn(status, {500, 503})
                    self.assertIn('error', body, msg=(login, method))
                    for phone in ['13905571111', '13905572222']:
                        self.assertNotIn(phone, json.dumps(body),
                            msg=(login, resource, method))

    def test_other_units_chat(self):
        """ORG-11: a unit cannot read or post in another unit's order chat
        (the order's real chat, sushi.ticket being a ChatMixin)"""
        handler = self.user('handler')
        other = 'sushi.ticket,%s' % DATA['other_ticket']
        own = 'sushi.ticket,%s' % DATA['own_ticket']
        # the platform's message on 市城管局's order
        status, body = self.user('admin').raw('model.ir.chat.channel.post',
            [other, '诉求人李建国 13905572222 来电催办', 'internal', {}])
        self.assertEqual(status, 200)
        self.assertNotIn('error', body)
        for method, params in [('get', [other, None, None]),
                ('get_followers', [other]),
                ('search_followers', [other, 'a']),
                ('post', [other, '伪造的消息', 'internal']),
                ('subscribe', [other, 'handler']),
                ('subscribe_email', [own, 'x@example.com']),
                ('subscribe', [own, 'city_handler'])]:
            status, body = handler.raw(
                f'model.ir.chat.channel.{method}', params + [{}])
            self.assertNotIn(status, {500, 503})
            self.assertNotIn('13905572222', json.dumps(body,
                    ensure_ascii=False), msg=method)
            self.assertIn('error', body, msg=method)
        # nor through the messages themselves
        self.assertRefused(lambda: handler.model('ir.chat.message',
                'search_read', [], 0, None, None, ['content']))
        # 埇桥区 talks on its own order
        handler.model('ir.chat.channel', 'post', own, '已联系诉求人',
            'internal')
        self.assertIn('已联系诉求人', [m['content'] for m in handler.model(
                    'ir.chat.channel', 'get', own, None, None)])


# --- fuzz ---------------------------------------------------------------

HOSTILE = ['9223372036854775808', '-1', '0', '%00', "1'--", 'a' * 4096,
    '%E5%AE%BF%E5%B7%9E', '..%2F..%2Fetc%2Fpasswd', '<script>1</script>']
BODIES = [None, b'{', b'[]', b'null', b'{"a": "\\u0000"}',
    json.dumps({'phone': 'x' * 200000, 'text': 1,
            'description': None, 'id': 2 ** 70}).encode(),
    b'{"service_code": [[[[[]]]]], "lat": "nan", "long": 1e999}']
QUERY = {'q': 'a\x00b', 'limit': '99999999999999999999', 'page': '-1',
    'kind': "'", 'phone': '1' * 300, 'number': '9' * 40, 'lat': 'x',
    'service_code': '%', 'start_date': '0000-00-00', 'api_key': 'x'}


def public_routes():
    "The routes of the sushi modules: (rule, methods, endpoint module)."
    import importlib
    from trytond.wsgi import app
    for module in browser.MODULES:
        try:
            importlib.import_module(f'trytond.modules.{module}')
        except ImportError:
            pass
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        name = getattr(endpoint, '__module__', '') or ''
        if name.startswith('trytond.modules.sushi_'):
            yield rule


class FormValuesTestCase(SecurityTestCase):
    """Audit of the ninth session: the form calls (`on_change`,
    `on_change_with`, `on_change_notify`, `default_get`) take records by id
    from the client and Tryton reads them without record rules or access
    rights, answering their rec_name: any session read any requester's name
    (`requester_party` of an order's on_change) and phone (a reference
    default `party.contact_mechanism,<id>`, whose rec_name is
    "name <phone>"), and a unit the number and unit of other units'
    orders."""

    OTHER_NAME, OTHER_PHONE = '李建国', '13905572222'

    def other_assignment(self):
        return self.user('admin').model('sushi.ticket.assignment', 'search',
            [('ticket', '=', DATA['other_ticket'])], 0, 1, None)[0]

    def test_on_change_refuses_unreadable_records(self):
        """PUB-06, ORG-11: an on_change naming a record the user may not
        read (a relational value, the record's own id, a parent's values or
        a line) is refused as a missing record is, and tells nothing of
        it; for every role that may not read it"""
        other_party = DATA['other_party']
        other_ticket = DATA['other_ticket']
        assignment = self.other_assignment()
        calls = [
            ('sushi.ticket', 'on_change', {'requester_party': other_party,
                    'request_type': 'consult'}, ['request_type']),
            ('sushi.ticket', 'on_change_with', {'id': other_ticket,
                    'state': 'draft'}, ['earlier_tickets']),
            ('party.contact_mechanism', 'on_change', {'party': other_party,
                    'type': 'mobile'}, ['type']),
            ('party.address', 'on_change', {'party': other_party},
                ['country']),
            ('party.contact_mechanism', 'on_change',
                {'_parent_party.id': other_party, 'type': 'mobile'},
                ['type']),
            ('sushi.ticket.reply', 'on_change', {'assignment': assignment},
                ['assignment']),
            ('sushi.ticket', 'on_change', {'id': DATA['own_ticket'],
                    'assignments': [{'id': assignment}],
                    'request_type': 'consult'}, ['request_type']),
            ('sushi.supervision.action', 'on_change',
                {'ticket': other_ticket, 'unit': None}, ['ticket']),
            ]
        for login in ['handler', 'town_handler', 'city_leader', 'analyst',
                'officer']:
            user = self.user(login)
            for model, method, values, names in calls:
                if login in {'city_leader', 'analyst', 'officer'} and (
                        'party' not in json.dumps(values)):
                    continue  # they read every order
                with self.subTest(login=login, model=model, values=values):
                    message = self.assertRefused(lambda: user.model(
                            model, method, values, names))
                    self.assertIn('不存在', message)
                    self.assertNotIn(self.OTHER_NAME, message)
                    # in Chinese, the model named too (所请求的参与者…)
                    self.assertNotRegex(message, '[A-Za-z]{3,}')
        status, body = self.user('analyst').raw(
            'model.party.contact_mechanism.on_change_notify',
            [{'party': other_party, 'value': self.OTHER_PHONE,
                    'type': 'mobile'}, {}])
        self.assertNotIn(status, {500, 503})
        self.assertNotIn(self.OTHER_NAME, json.dumps(body, ensure_ascii=False))
        # the forms still work on what the user reads
        handler = self.user('handler')
        handler.model('sushi.ticket', 'on_change', {'id': DATA['own_ticket'],
                'requester_party': DATA['own_party'],
                'request_type': 'consult'}, ['request_type'])
        changes = self.user('intake').model('sushi.ticket', 'on_change',
            {'requester_party': other_party, 'request_type': 'consult'},
            ['request_type'])
        self.assertEqual(changes['requester_party.'],
            {'rec_name': self.OTHER_NAME})

    def test_default_get_drops_unreadable_defaults(self):
        """PUB-06, ORG-11: a default from the client's context naming a
        record the user may not read (`default_resource` of a note or an
        attachment, `default_requester_party` of an order, the reply form's
        active assignment) is left out, rec_name and all"""
        contact = 'party.contact_mechanism,%s' % DATA['other_contacts'][0]
        assignment = self.other_assignment()
        calls = [
            ('ir.note', ['resource'], {'default_resource': contact}),
            ('ir.attachment', ['resource'], {'default_resource': contact}),
            ('sushi.ticket', ['requester_party'],
                {'default_requester_party': DATA['other_party']}),
            ('sushi.ticket.reply', ['assignment'],
                {'active_model': 'sushi.ticket.assignment',
                    'active_id': assignment}),
            ]
        for login in ['handler', 'town_handler', 'city_leader', 'analyst',
                'officer']:
            user = self.user(login)
            for model, names, context in calls:
                if (login in {'city_leader', 'analyst', 'officer'}
                        and model == 'sushi.ticket.reply'):
                    continue  # they read every assignment
                with self.subTest(login=login, model=model):
                    values = user.model(model, 'default_get', names, True,
                        context=context)
                    self.assertIsNone(values.get(names[0]))
                    text = json.dumps(values, ensure_ascii=False)
                    for secret in [self.OTHER_NAME, self.OTHER_PHONE]:
                        self.assertNotIn(secret, text)
        # the platform's roles get them
        values = self.user('intake').model('sushi.ticket', 'default_get',
            ['requester_party'], True,
            context={'default_requester_party': DATA['other_party']})
        self.assertEqual(values['requester_party.'],
            {'rec_name': self.OTHER_NAME})

    def test_wizard_sessions_are_their_users(self):
        """PUB-06, ORG-11: a wizard session is its user's: another session
        ran, read and deleted it by its (sequential) id — a unit handler
        read the call-taker's knowledge search, the caller's words and
        order, as the wizard's values"""
        intake, handler = self.user('intake'), self.user('handler')
        words = '王秀英 13905571111 公积金'
        session, _, _ = intake.call('wizard.sushi.knowledge.search.create',
            {})
        intake.call('wizard.sushi.knowledge.search.execute', session,
            {'start': {'query': words, 'ticket': DATA['own_ticket']}},
            'start', {})
        for login in ['handler', 'analyst', 'dispatcher']:
            user = self.user(login)
            with self.subTest(login=login):
                for call in [
                        lambda: user.call(
                            'wizard.sushi.knowledge.search.execute', session,
                            {}, 'start', {}),
                        lambda: user.call(
                            'wizard.sushi.knowledge.search.execute', session,
                            {'start': {'query': '改'}}, 'search', {}),
                        lambda: user.call(
                            'wizard.sushi.knowledge.search.delete', session,
                            {})]:
                    message = self.assertRefused(call)
                    self.assertIn('向导已结束', message)
                    self.assertNotIn('13905571111', message)
        # the call-taker's own session is untouched and goes on
        result = intake.call('wizard.sushi.knowledge.search.execute',
            session, {}, 'start', {})
        self.assertEqual(result['view']['defaults']['query'], words)
        intake.call('wizard.sushi.knowledge.search.delete', session, {})
        # a made-up session id answers the same
        self.assertRefused(lambda: handler.call(
                'wizard.sushi.knowledge.search.execute', MAX_ID, {}, 'start',
                {}), contains='向导已结束')

    def test_wizard_values_name_readable_records_only(self):
        """ORG-11: a wizard's values as the client sends them name only
        records the user may read: the knowledge search's order of another
        unit answered its number"""
        handler = self.user('handler')
        session, _, _ = handler.call('wizard.sushi.knowledge.search.create',
            {})
        message = self.assertRefused(lambda: handler.call(
                'wizard.sushi.knowledge.search.execute', session,
                {'start': {'query': '公积金', 'ticket': DATA['other_ticket']}},
                'start', {}))
        self.assertIn('不存在', message)
        result = handler.call('wizard.sushi.knowledge.search.execute',
            session, {'start': {'query': '公积金',
                    'ticket': DATA['own_ticket']}}, 'start', {})
        self.assertEqual(result['view']['defaults']['ticket'],
            DATA['own_ticket'])
        handler.call('wizard.sushi.knowledge.search.delete', session, {})


class ThirdAuditTestCase(SecurityTestCase):
    """Audit of the tenth session: the errors that told whether another
    unit's record exists, units' searches by phone left out of the
    personal-data log, the translations read whole by any session, the
    Open311 lookup of reports by number, the e-mail signatures of other
    users."""

    MISSING = 987654321

    def answer(self, call, id_):
        "(kind, message with the id replaced) of a call, or its result."
        try:
            return ('result', json.dumps(call(id_), default=str))
        except RPCError as e:
            self.assertNotIn(e.status, {500, 503}, msg=e.error)
            return (e.kind, e.status, e.message.replace(str(id_), 'ID'))

    def test_other_units_records_answer_as_missing(self):
        """ORG-11: every call on another unit's record (read, write,
        delete, copy, export, a button, a form call, a report, a wizard's
        active record, an attachment on it, who clicked its buttons) is
        answered exactly as the same call on an id that does not exist;
        a record the user reads keeps its own refusal"""
        admin = self.user('admin')
        handler = self.user('handler')
        assignment = admin.model('sushi.ticket.assignment', 'search',
            [('ticket', '=', DATA['other_ticket'])], 0, 1, None)[0]
        # a note and an attachment on the other unit's order: Tryton's
        # check refused them naming the order's id
        other = f"sushi.ticket,{DATA['other_ticket']}"
        note, = admin.model('ir.note', 'create',
            [{'resource': other, 'message': '已电话联系李建国'}])
        attachment, = admin.model('ir.attachment', 'create',
            [{'resource': other, 'name': '现场照片.txt'}])
        records = [
            ('ir.note', note),
            ('ir.attachment', attachment),
            ('sushi.ticket', DATA['other_ticket']),
            ('sushi.ticket.assignment', assignment),
            ('sushi.ticket.reply', DATA['other_reply']),
            ('sushi.ticket.extension', DATA['other_extension']),
            ('party.party', DATA['other_party']),
            ('party.contact_mechanism', DATA['other_contacts'][0]),
            ]
        checked = 0
        for model, other in records:
            calls = {
                'read': lambda i: handler.model(model, 'read', [i],
                    ['rec_name']),
                'write': lambda i: handler.model(model, 'write', [i], {}),
                'delete': lambda i: handler.model(model, 'delete', [i]),
                'copy': lambda i: handler.model(model, 'copy', [i], {}),
                'export_data': lambda i: handler.model(model, 'export_data',
                    [i], ['id'], False),
                'on_change_with': lambda i: handler.model(model,
                    'on_change_with', {'id': i}, ['rec_name']),
                'get_click': lambda i: handler.model(
                    'ir.model.button.click', 'get_click', model, 'sign', i),
                'attachment': lambda i: handler.model('ir.attachment',
                    'create', [{'resource': f'{model},{i}',
                            'name': 'x.txt'}]),
                }
            if model == 'sushi.ticket.assignment':
                calls['button'] = lambda i: handler.model(model, 'sign', [i])
            if model == 'sushi.ticket':
                calls['report'] = lambda i: handler.call(
                    'report.sushi.ticket.xlsx.execute', [i], {}, {})
            for name, call in calls.items():
                with self.subTest(model=model, call=name):
                    foreign = self.answer(call, other)
                    missing = self.answer(call, self.MISSING)
                    self.assertEqual(foreign, missing)
                    checked += 1
        self.assertGreater(checked, 60)
        # a wizard started on another unit's assignment
        def redispatch(id_):
            session, start, _ = handler.call(
                'wizard.sushi.ticket.redispatch.create', {})
            return handler.call('wizard.sushi.ticket.redispatch.execute',
                session, {}, start, {'active_model': 'sushi.ticket.assignment',
                    'active_id': id_, 'active_ids': [id_]})
        self.assertEqual(self.answer(redispatch, assignment),
            self.answer(redispatch, self.MISSING))
        # the refusal says nothing but "does not exist", in Chinese
        kind, _, message = self.answer(calls['read'], other)
        self.assertIn('不存在', message)
        self.assertNotIn('规则', message)
        # who may read the record gets the real refusal: the city leader
        # reads every order and may change none
        message = self.assertRefused(lambda: self.user('city_leader').model(
                'sushi.ticket', 'write', [DATA['other_ticket']],
                {'title': '改'}))
        self.assertNotIn('不存在', message)
        self.assertIn('权限', message)

    def test_unit_phone_searches_logged(self):
        """PUB-06: a unit user's search, count or order by a requester's
        phone, name or party on its orders, and its search of requesters
        (parties, their phones), is logged as a read on every order it
        matched; the platform's are not, as their reads are not"""
        admin = self.user('admin')
        own = DATA['own_ticket']

        def logged():
            return admin.model('sushi.ticket.pii_access', 'search_read',
                [('ticket', '=', own),
                    ('fields_read', 'like', 'search:%')],
                0, None, None, ['fields_read', 'user'])

        before = len(logged())
        handler = self.user('handler')
        self.assertGreaterEqual(handler.model('sushi.ticket', 'search_count',
                [('requester_party.name', '=', '王秀英')]), 1)
        self.assertIn(own, handler.model('sushi.ticket', 'search',
                [('requester_phone', '!=', None)], 0, None,
                [('requester_phone', 'ASC')]))
        self.assertEqual(handler.model('party.contact_mechanism',
                'search_count', [('value', 'like', '1390557111%')]), 1)
        rows = logged()[:len(logged()) - before]
        self.assertEqual(
            sorted(r['fields_read'] for r in rows),
            ['search:party.contact_mechanism:value',
                'search:requester_party.name', 'search:requester_phone'])
        self.assertEqual({r['user'] for r in rows}, {handler.user_id})
        # the platform's searches are not logged
        count = len(logged())
        self.user('intake').model('sushi.ticket', 'search_count',
            [('requester_phone', 'like', '139%')])
        self.assertEqual(len(logged()), count)

    def test_translations_not_read_whole(self):
        """A cheap denial of service: reading every translation (10 000
        rows, 18 s and 7.5 MB) or every field definition (3 200 rows,
        8.6 s) was open to any session; only the administrators read them
        (the client's "Translate view" and model forms), every other
        session's messages are still translated"""
        for login in ['handler', 'city_leader', 'intake']:
            user = self.user(login)
            for model, name in [('ir.translation', 'src'),
                    ('ir.model.field', 'string')]:
                with self.subTest(login=login, model=model):
                    self.assertRefused(lambda: user.model(model,
                            'search_read', [], 0, None, None, [name]),
                        contains='权限')
                    self.assertRefused(lambda: user.model(model,
                            'export_data_domain', [], [name], 0, 1, None,
                            False), contains='权限')
        for model, name in [('ir.translation', 'src'),
                ('ir.model.field', 'string')]:
            self.assertEqual(len(self.user('admin').model(model,
                        'search_read', [], 0, 2, None, [name])), 2)
        # a message is still given in Chinese
        self.assertRefused(lambda: self.user('handler').model(
                'sushi.ticket', 'read', [self.MISSING], ['number']),
            contains='不存在')

    def test_open311_lookup_of_unpublished_orders(self):
        """PUB-05, PUB-03: praise and reports are not published; Open311
        answered any of them by number to anyone (numbers are sequential:
        a day's numbers listed every report with its unit, street and
        position); now as an unknown number"""
        admin = self.user('admin')
        hidden = admin.model('sushi.ticket', 'search_read', [
                ('request_type', 'in', ['praise', 'report']),
                ('state', 'not in', ['draft', 'rejected', 'merged'])],
            0, None, None, ['number'])
        self.assertTrue(hidden)
        base = f'{SERVER.url}{SERVER.database}/open311/v2/'
        for row in hidden:
            number = row['number']
            unknown = number[:-6] + '999999'
            with self.subTest(number=number):
                status, body, _ = http(f'{base}requests/{number}.json')
                self.assertEqual(status, 404)
                status2, body2, _ = http(f'{base}requests/{unknown}.json')
                self.assertEqual(body.replace(number.encode(), b'N'),
                    body2.replace(unknown.encode(), b'N'))
                status, body, _ = http(
                    f'{base}requests.json?service_request_id={number}')
                self.assertEqual((status, json.loads(body)), (200, []))

    def test_unsearchable_field_refused_clearly(self):
        """A search on a computed field that cannot be searched ended in
        Tryton's NotImplementedError (a programming error, its traceback
        logged at every call): now a user error, in Chinese"""
        for login in ['handler', 'city_leader']:
            with self.subTest(login=login):
                self.assertRefused(lambda: self.user(login).model(
                        'sushi.ticket', 'search_count',
                        [('earlier_tickets', '!=', None)]),
                    contains='搜索')
                self.assertRefused(lambda: self.user(login).model(
                        'sushi.ticket.assignment', 'search_count',
                        [('ticket', 'where',
                                [('earlier_tickets', '!=', None)])]),
                    contains='搜索')

    def test_requesters_contacts_in_texts_hidden(self):
        """PUB-06: who may not read the requester (city leader, analyst,
        officer) read the phone, e-mail or name a requester typed into
        the request, and a count by `description like '%1390557%'`
        tested a phone: the texts come masked (read, nested read, export)
        and such a search is refused; the platform reads them whole"""
        admin = self.user('admin')
        draft, = admin.model('sushi.ticket', 'search_read',
            [('state', '=', 'draft')], 0, 1, None,
            ['description', 'requester_name'])
        text = ('我是{}，电话13905570001，邮箱qian@example.org，'
            '汴河路88号门口污水管道堵塞。').format(
                draft['requester_name'] or '钱多多')
        values = {'description': text}
        if not draft['requester_name']:
            values['requester_name'] = '钱多多'
        admin.model('sushi.ticket', 'write', [draft['id']], values)
        try:
            for login in ['city_leader', 'analyst']:
                user = self.user(login)
                with self.subTest(login=login):
                    row, = user.model('sushi.ticket', 'read',
                        [draft['id']], ['description'])
                    for secret in ['13905570001', 'qian@example.org',
                            draft['requester_name'] or '钱多多']:
                        self.assertNotIn(secret, row['description'])
                    self.assertIn('汴河路88号', row['description'])
                    exported = user.model('sushi.ticket', 'export_data',
                        [draft['id']], ['number', 'description'], False)
                    self.assertNotIn('13905570001', json.dumps(
                            exported, ensure_ascii=False))
                    self.assertRefused(lambda: user.model('sushi.ticket',
                            'search_count', [('description', 'like',
                                    '%1390557%')]))
                    # nor through a relation to the orders
                    self.assertRefused(lambda: user.model(
                            'sushi.ticket.assignment', 'search_count',
                            [('ticket.description', 'like', '%1390557%')]))
                    self.assertRefused(lambda: user.model(
                            'sushi.ticket.assignment', 'search_count',
                            [('ticket', 'where', [('description', 'ilike',
                                            '%139 0557%')])]))
                    # words and the search bar's numbers still search
                    self.assertGreaterEqual(user.model('sushi.ticket',
                            'search_count', [('description', 'like',
                                    '%污水管道%')]), 1)
            row, = self.user('intake').model('sushi.ticket', 'read',
                [draft['id']], ['description'])
            self.assertEqual(row['description'], text)
        finally:
            admin.model('sushi.ticket', 'write', [draft['id']], {
                    'description': draft['description'],
                    'requester_name': draft['requester_name']})

    def test_other_users_signatures_hidden(self):
        """Staff data: another user's e-mail signature (a phone and an
        address) is the administrators' to read, as logins and e-mails"""
        admin = self.user('admin')
        dispatcher = self.user('dispatcher')
        dispatcher.call('model.res.user.set_preferences',
            {'signature': '派单科 电话 0557-3021234'}, {})
        for login in ['handler', 'city_leader']:
            user = self.user(login)
            with self.subTest(login=login):
                row, = user.model('res.user', 'read',
                    [dispatcher.user_id], ['name', 'signature'])
                self.assertIsNone(row['signature'])
                self.assertRefused(lambda: user.model('res.user',
                        'search_count', [('signature', 'like', '%0557%')]))
        row, = admin.model('res.user', 'read', [dispatcher.user_id],
            ['signature'])
        self.assertEqual(row['signature'], '派单科 电话 0557-3021234')
        self.assertEqual(dispatcher.call('model.res.user.get_preferences',
                False, {})['signature'], '派单科 电话 0557-3021234')


class FuzzTestCase(SecurityTestCase):
    "Every public route and JSON-RPC with malformed and hostile input."

    def expand(self, rule, value):
        path = rule.rule
        for argument in rule.arguments:
            path = __import__('re').sub(r'<[^>]*\b%s>' % argument,
                SERVER.database if argument == 'database_name' else value,
                path)
        return path

    def test_public_routes(self):
        "Every route of the sushi modules: 0 responses 500 or 503"
        rules = list(public_routes())
        self.assertGreaterEqual(len(rules), 3)
        handler = self.user('handler')
        session = handler.headers()['Authorization']
        bad = []
        count = 0
        query = urllib.parse.urlencode(QUERY)
        for rule in rules:
            methods = sorted((rule.methods or {'GET'})
                - {'HEAD', 'OPTIONS'})
            values = HOSTILE if any(a != 'database_name'
                for a in rule.arguments) else ['']
            for value in values:
                path = self.expand(rule, value).lstrip('/')
                for method in methods:
                    bodies = BODIES if method in {'POST', 'PUT'} else [None]
                    for body in bodies:
                        for headers in [{}, {'Authorization': session},
                                {'Content-Type': 'application/json',
                                    'Authorization': 'Bearer x' * 3}]:
                            if body is not None:
                                headers = {'Content-Type':
                                    'application/json', **headers}
                            status, data, _ = http(
                                f'{SERVER.url}{path}?{query}', body, method,
                                headers)
                            count += 1
                            if status in {500, 503}:
                                bad.append(f'{method} /{path[:80]} '
                                    f'{(body or b"")[:40]!r} -> {status}')
        self.assertFalse(bad, msg=f'{len(bad)} of {count}:\n'
            + '\n'.join(bad[:50]))

    def test_json_rpc(self):
        "JSON-RPC with malformed, oversized and hostile calls"
        handler = self.user('handler')
        own = DATA['own_ticket']
        calls = []
        for model in ['sushi.ticket', 'sushi.ticket.assignment',
                'sushi.ticket.reply', 'sushi.ticket.extension',
                'party.party', 'res.user', 'ir.attachment', 'ir.note',
                'sushi.knowledge.entry']:
            prefix = f'model.{model}.'
            calls += [
                (prefix + 'read', [[MAX_ID + 1], ['id'], {}]),
                (prefix + 'read', [[own], ['no_such_field'], {}]),
                (prefix + 'read', [['x'], ['id'], {}]),
                (prefix + 'read', [[own], None, {}]),
                (prefix + 'read', [own, ['id'], {}]),
                (prefix + 'read', [[own], [['id']], {}]),
                (prefix + 'search', [[('id', 'badop', 1)], 0, 10, None, {}]),
                (prefix + 'search', [[('no_such', '=', 1)], 0, 10, None, {}]),
                (prefix + 'search', [[('id', '=', MAX_ID + 1)], 0, 10, None,
                        {}]),
                (prefix + 'search', [['OR'], -5, -5, [['id', 'sideways']],
                        {}]),
                (prefix + 'search', [[], 0, 10 ** 30, None, {}]),
                (prefix + 'search', ['x', 0, 10, None, 'ctx']),
                (prefix + 'search_read', [[], 0, 5, None, ['a.b.c.d'], {}]),
                (prefix + 'write', [[MAX_ID + 1], {'title': 'x'}, {}]),
                (prefix + 'write', [[own], {'id': 5}, {}]),
                (prefix + 'write', [[own], 'x', {}]),
                (prefix + 'create', [[{'\x00': 1}], {}]),
                (prefix + 'create', [[{'name': 'x' * 100000}], {}]),
                (prefix + 'create', ['x', {}]),
                (prefix + 'delete', [[MAX_ID + 1], {}]),
                (prefix + 'delete', [[-7], {}]),
                (prefix + 'export_data', [[own], ['a/b/c'], False, {}]),
                (prefix + 'export_data', [[MAX_ID + 1], ['id'], False, {}]),
                (prefix + 'fields_get', [['x' * 10000], {}]),
                (prefix + 'no_such_method', [{}]),
                (prefix + '__init__', [{}]),
                ]
        calls += [
            ('model.sushi.ticket.submit', [{'title': 'x' * 10 ** 6}, {}]),
            ('model.sushi.ticket.submit', [['x'], {}]),
            ('model.sushi.ticket.submit', [{'channel': MAX_ID * 4}, {}]),
            ('model.sushi.ticket.submit', [{'received_at': {
                            '__class__': 'datetime', 'year': 1, 'month': 1,
                            'day': 1}}, {}]),
            ('model.sushi.ticket.export_data_domain',
                [[('requester_phone', 'like', '%')], ['requester_phone'],
                    0, 10 ** 20, None, False, {}]),
            ('model.res.user.set_preferences', [{'password': None}, {}]),
            ('model.res.user.set_preferences', [{'password': ''}, {}]),
            ('model.res.user.set_preferences', [{'login': 'admin'}, {}]),
            ('model.ir.chat.channel.post', ['sushi.ticket,-1', 'x', 'x',
                    {}]),
            ('common.db.login', ['nobody', {'password': 'x' * 100000}, 'x']),
            ('common.db.login', [None, None]),
            ('system.methodHelp', ['model.sushi.ticket.__class__']),
            ('model', []), ('', []), ('model.', [{}]),
            ('model.no.such.model.read', [[1], ['id'], {}]),
            ]
        bad = []
        for method, params in calls:
            for user in [handler, self.user('intake')]:
                status, body = user.raw(method, params)
                if status in {500, 503}:
                    bad.append(f'{method} {str(params)[:60]} -> {status}')
                elif status == 200 and isinstance(body, dict):
                    self.assertTrue('result' in body or 'error' in body)
        # bodies that are not JSON-RPC calls at all
        for body, content_type in [(b'{', 'application/json'),
                (b'[1, 2]', 'application/json'),
                (b'{"method": 5, "params": {}}', 'application/json'),
                (b'{"method": "model.sushi.ticket.read", "params": 5}',
                    'application/json'),
                (b'{"id": 1, "method": "common.server.version", '
                    b'"params": []}', 'text/plain'),
                (b'\xff\xfe', 'application/json'),
                (b'x' * (3 * 1024 * 1024), 'application/json'),
                (json.dumps({'method': 'model.sushi.ticket.read',
                            'params': [[[[[[[[[[1]]]]]]]]]]}).encode(),
                    'application/json')]:
            headers = handler.headers()
            headers['Content-Type'] = content_type
            status, _, _ = http(handler.url, body, 'POST', headers)
            if status in {500, 503}:
                bad.append(f'{body[:50]!r} as {content_type} -> {status}')
        self.assertFalse(bad, msg='\n'.join(bad))


# Written by the server's own code (no guard), as a fixture: the titles of
# handled orders are locked for every client.
WRITE_TICKETS = '''\
import json, sys
from trytond.config import config
config.update_etc(sys.argv[2])
from trytond.pool import Pool
from trytond.transaction import Transaction
db = sys.argv[1]
pool = Pool(db)
pool.init()
with Transaction().start(db, 0, context={'language': 'zh_CN'}) as tx:
    Ticket = pool.get('sushi.ticket')
    for id_, values in json.loads(sys.argv[3]).items():
        Ticket.write([Ticket(int(id_))], values)
    tx.commit()
'''


def write_tickets(values):
    "Write {ticket id: values} as the server's own code."
    result = subprocess.run([sys.executable, '-c', WRITE_TICKETS,
            SERVER.database, str(SERVER.config_file),
            json.dumps(values, ensure_ascii=False)],
        env=SERVER._env(), cwd=browser.ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=600)
    if result.returncode:
        raise browser.HarnessError(f"write failed:\n{result.stdout}")


class FourthAuditTestCase(SecurityTestCase):
    """Audit of the twelfth session: who reads the order's texts masked
    (city leader, analyst, officer) rebuilt what the mask hides by
    searching them piece by piece, read the assignment's copy of the
    title whole, got other requesters' orders and names from the intake
    form's hints; a client's context named another user as the author of
    a chat message."""

    PHONE = '13905570002'
    NAME = '钱多多'
    MAIL = 'qian@example.org'
    MASKED = ['city_leader', 'analyst', 'officer']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = client('admin')
        cls.own = DATA['own_ticket']
        cls.saved, = admin.model('sushi.ticket', 'read', [cls.own],
            ['title', 'description', 'requester_name'])
        cls.saved.pop('id')
        cls.title = f'{cls.NAME}反映{cls.PHONE}门前夜间施工噪音扰民'
        cls.description = (f'我是{cls.NAME}，电话{cls.PHONE}，邮箱'
            f'{cls.MAIL}，汴河路88号门前夜间施工噪音扰民。')
        write_tickets({cls.own: {'title': cls.title,
                    'description': cls.description,
                    'requester_name': cls.NAME}})
        cls.assignment = admin.model('sushi.ticket.assignment', 'search',
            [('ticket', '=', cls.own)], 0, 1, [('id', 'ASC')])[0]

    @classmethod
    def tearDownClass(cls):
        write_tickets({cls.own: cls.saved})
        super().tearDownClass()

    def found(self, user, model, id_, domain, order=None):
        """Whether a search by domain tells that record id_ matches it (a
        refusal tells nothing)."""
        try:
            ids = user.model(model, 'search',
                [('id', '=', id_), domain], 0, None, order)
        except RPCError as e:
            self.assertNotIn(e.status, {500, 503}, msg=e.error)
            return False
        return id_ in ids

    def test_masked_texts_searched_as_shown(self):
        """PUB-06: a search of the order's texts (title, description, the
        assignment's copy of the title) by who reads them masked matches
        what they show, not what the mask hides: four digits at a time,
        digits apart, the e-mail, the requester's name, the whole text,
        the search bar, a path or nested domain from the assignment, the
        negated operators; nor does an order by those texts sort by what
        is hidden. The platform searches the whole texts"""
        own, assignment = self.own, self.assignment
        hidden = [
            ('description', 'like', '%1390%'),
            ('description', 'like', '%0002%'),
            ('description', 'like', '%1%%%3%%%9%%%0%%%5%%%5%%%7%%%0%'),
            ('description', 'ilike', '%QIAN@%'),
            ('description', 'like', f'%{self.NAME}%'),
            ('description', '=', self.description),
            ('title', 'ilike', '%5570%'),
            ('title', 'like', f'%{self.NAME}%'),
            ('title', '=', self.title),
            ('title', 'in', [self.title]),
            ('title', '>=', f'{self.NAME}反映1390'),
            ('rec_name', 'ilike', f'%{self.NAME}反映%'),
            ('assignments.ticket_title', 'like', f'%{self.NAME}%'),
            ]
        hidden_assignment = [
            ('ticket_title', 'like', '%1390%'),
            ('ticket_title', 'like', f'%{self.NAME}%'),
            ('ticket_title', '=', self.title),
            ('ticket.title', 'like', f'%{self.NAME}%'),
            ('ticket.rec_name', 'ilike', f'%{self.NAME}反映%'),
            ('ticket', 'where', [('description', 'like', '%qian%')]),
            ('ticket', 'where', [('title', 'like', '%0557%')]),
            ]
        shown = [
            ('description', 'like', '%汴河路88号门前%'),
            ('title', 'like', '%某某反映%'),
            ('title', 'not like', f'%{self.NAME}%'),
            ('description', 'not ilike', '%qian%'),
            ]
        shown_assignment = [
            ('ticket_title', 'like', '%门前夜间施工%'),
            ('ticket.title', 'like', '%某某反映%'),
            ('ticket_title', 'not like', f'%{self.NAME}%'),
            ]
        for login in self.MASKED:
            user = self.user(login)
            for model, id_, domains, expected in [
                    ('sushi.ticket', own, hidden, False),
                    ('sushi.ticket.assignment', assignment,
                        hidden_assignment, False),
                    ('sushi.ticket', own, shown, True),
                    ('sushi.ticket.assignment', assignment,
                        shown_assignment, True)]:
                for domain in domains:
                    with self.subTest(login=login, domain=domain):
                        self.assertEqual(
                            self.found(user, model, id_, domain), expected)
            # an order by the texts sorts by what is hidden
            for model, order in [('sushi.ticket', [('title', 'ASC')]),
                    ('sushi.ticket', [('description', 'DESC')]),
                    ('sushi.ticket.assignment', [('ticket_title', 'ASC')]),
                    ('sushi.ticket.assignment', [('ticket.title', 'ASC')])]:
                with self.subTest(login=login, order=order):
                    self.assertRefused(lambda: user.model(model, 'search',
                            [], 0, 5, order), contains='排序')
        # the platform searches the texts whole
        for login in ['intake', 'dispatcher']:
            user = self.user(login)
            for domain in hidden[:6]:
                with self.subTest(login=login, domain=domain):
                    self.assertTrue(self.found(user, 'sushi.ticket', own,
                            domain))
            self.assertTrue(self.found(user, 'sushi.ticket.assignment',
                    assignment, ('ticket_title', 'like', f'%{self.NAME}%')))

    def test_assignment_title_copy_masked(self):
        """PUB-06: the assignment's copy of the order's title (the unit
        lists) is masked as the title is, on read, search_read, export
        and nested reads, for who reads the requester masked"""
        own, assignment = self.own, self.assignment
        for login in self.MASKED:
            user = self.user(login)
            answers = {
                'read': user.model('sushi.ticket.assignment', 'read',
                    [assignment], ['ticket_title', 'rec_name']),
                'search_read': user.model('sushi.ticket.assignment',
                    'search_read', [('id', '=', assignment)], 0, None, None,
                    ['ticket_title']),
                'export': user.model('sushi.ticket.assignment',
                    'export_data', [assignment], ['ticket_title'], True),
                'export_domain': user.model('sushi.ticket.assignment',
                    'export_data_domain', [('id', '=', assignment)],
                    ['ticket_title', 'ticket/title'], 0, None, None, False),
                'nested': user.model('sushi.ticket', 'read', [own],
                    ['assignments.ticket_title', 'title']),
                'nested export': user.model('sushi.ticket', 'export_data',
                    [own], ['number', 'assignments/ticket_title'], False),
                }
            for call, answer in answers.items():
                with self.subTest(login=login, call=call):
                    text = json.dumps(answer, ensure_ascii=False)
                    self.assertNotIn(self.PHONE, text)
                    self.assertNotIn(self.NAME, text)
                    self.assertIn('门前夜间施工噪音扰民', text)
        row, = self.user('dispatcher').model('sushi.ticket.assignment',
            'read', [assignment], ['ticket_title'])
        self.assertEqual(row['ticket_title'], self.title)

    def test_intake_hints_hidden_from_masked_view(self):
        """PUB-06, SCP-04: the intake form's hints (the caller's earlier
        orders by phone, the name they gave then, the look-alike orders
        with their titles and "same caller") tested a phone against every
        order and gave requesters' names to who reads them masked: for
        them the hints are empty; the call-takers keep them"""
        admin = self.user('admin')
        phone = admin.model('sushi.ticket', 'read', [self.own],
            ['requester_phone'])[0]['requester_phone']
        self.assertTrue(phone)
        values = {'id': -1, 'state': 'draft', 'requester_phone': phone,
            'requester_name': None, 'title': '门前夜间施工噪音扰民',
            'description': '汴河路88号门前夜间施工噪音扰民，请尽快处理。',
            'received_at': None, 'category': None, 'region': None,
            'address': None, 'requester_party': None,
            'requester_type': 'individual'}
        hints = ['earlier_tickets', 'repeat_candidates', 'similar_tickets',
            'duplicate_hints']
        for login in self.MASKED:
            user = self.user(login)
            for phone_given, name in [(p, n) for p in [True, False]
                    for n in hints]:
                given = dict(values,
                    requester_phone=phone if phone_given else None)
                with self.subTest(login=login, hint=name, phone=phone_given):
                    try:
                        answer = user.model('sushi.ticket', 'on_change_with',
                            given, [name])
                    except RPCError as e:
                        self.assertNotIn(e.status, {500, 503}, msg=e.error)
                        answer = {}
                    self.assertFalse(answer.get(name), msg=answer)
            with self.subTest(login=login, on_change='requester_phone'):
                try:
                    changes = user.model('sushi.ticket', 'on_change',
                        values, ['requester_phone'])
                except RPCError as e:
                    self.assertNotIn(e.status, {500, 503}, msg=e.error)
                    changes = []
                text = json.dumps(changes, ensure_ascii=False)
                self.assertNotIn(self.NAME, text)
                self.assertNotIn('requester_party', text)
        # the call-taker sees the caller's earlier orders and the name
        intake = self.user('intake')
        answer = intake.model('sushi.ticket', 'on_change_with', values,
            ['earlier_tickets', 'duplicate_hints'])
        earlier = answer['earlier_tickets']
        if isinstance(earlier, dict):
            earlier = [v['id'] for _, v in earlier.get('add', [])]
        self.assertIn(self.own, earlier)
        self.assertIn(self.NAME, answer['duplicate_hints'] or '')
        self.assertIn(self.NAME, json.dumps(intake.model('sushi.ticket',
                    'on_change', values, ['requester_phone']),
                ensure_ascii=False))

    def test_chat_author_not_from_context(self):
        """ORG-11: a client's context `user` made a chat message another
        user's (Tryton's post takes the author from the context, where
        only the server's own code may put it) and subscribed that user
        to the order: the author is who posts"""
        admin = self.user('admin')
        handler = self.user('handler')
        own = f'sushi.ticket,{self.own}'
        forged = self.user('leader').user_id
        for context in [{'user': forged}, {'user': 0},
                {'user': forged, '_user': forged}]:
            with self.subTest(context=context):
                text = f'冒名消息 {context}'
                try:
                    handler.call('model.ir.chat.channel.post', own, text,
                        'internal', context)
                except RPCError as e:
                    self.assertNotIn(e.status, {500, 503}, msg=e.error)
                    continue
                message, = admin.model('ir.chat.message', 'search_read',
                    [('content', '=', text)], 0, None, None, ['user'])
                self.assertEqual(message['user'], handler.user_id)
        followers = admin.model('ir.chat.channel', 'get_followers', own)
        self.assertNotIn(f'user:{forged}', json.dumps(followers))
        self.assertNotIn('leader', [f.get('key') for f in
                followers.get('users', [])] if isinstance(followers, dict)
            else [])


class FifthAuditTestCase(SecurityTestCase):
    """Audit of the fourteenth session: malformed searches from outside
    ended in Python errors (an English message, a traceback logged at each
    call, once a 503) instead of a clear refusal; a unit rewrote or
    removed the platform's notes and attachments on its assignment."""

    def test_malformed_searches_refused_clearly(self):
        """A text field searched with a number, a list or a mapping, a
        nested domain that is no list, an order that is no list of (field,
        direction) pairs: each a Chinese refusal, for a unit and for the
        masked view (city leader), through search, count, search_read and
        export (Tryton answered AttributeError: 'int' object has no
        attribute 'strip', 'append', 'upper', 'partition')"""
        searches = [
            ([('number', 'like', 5)], None),
            ([('number', '=', ['202601'])], None),
            ([('title', 'ilike', {'a': 1})], None),
            ([('number', 'in', [1, 2])], None),
            ([('assignments.unit.name', '=', 1.5)], None),
            ([('assignments', 'where', 5)], None),
            ([('rec_name', 'ilike', True)], None),
            ([('anonymous', 'like', 'x')], None),
            ([('anonymous', '=', [True])], None),
            ([], [[1, 2]]),
            ([], [['id', 5]]),
            ([], [['id']]),
            ([], [[None, None]]),
            ([], 'id'),
            ]
        for login in ['handler', 'city_leader']:
            user = self.user(login)
            for domain, order in searches:
                with self.subTest(login=login, domain=domain, order=order):
                    for call in [
                            lambda: user.model('sushi.ticket', 'search',
                                domain, 0, 10, order),
                            lambda: user.model('sushi.ticket', 'search_read',
                                domain, 0, 10, order, ['number']),
                            lambda: user.model('sushi.ticket',
                                'export_data_domain', domain, ['number'], 0,
                                10, order)]:
                        message = self.assertRefused(call)
                        self.assertRegex(message, '搜索.*(取值类型|排序)')
                    if order is None:
                        message = self.assertRefused(lambda: user.model(
                                'sushi.ticket', 'search_count', domain))
                        self.assertIn('搜索取值类型不正确', message)
        # the notes' unread flag: an empty AssertionError, and a database
        # error (503) for a list
        handler = self.user('handler')
        for domain in [[('unread', 'like', 'x')], [('unread', '=', ['a'])],
                [('unread', '=', {'a': 1})]]:
            with self.subTest(domain=domain):
                self.assertIn('搜索取值类型不正确', self.assertRefused(
                        lambda: handler.model('ir.note', 'search', domain,
                            0, 10, None)))
        # well-formed ones still answer
        self.assertEqual(handler.model('sushi.ticket', 'search',
                [('number', 'like', '2026%'), ('number', 'in', ['x', None]),
                    ('assignments', 'where', [('id', '>', 0)])], 0, 10,
                [['number', 'DESC'], ['id', None]]), [])

    def test_notes_and_attachments_changed_by_their_authors(self):
        """ORG-11, ACC-04: a unit rewrote and deleted the dispatcher's note
        on its own assignment, and removed the platform's file there (Tryton
        lets whoever may write the record a note hangs on do it); staff
        rewrote each other's notes.  Only the author or an administrator
        changes or removes them; marking a note read stays everyone's."""
        admin = self.user('admin')
        dispatcher = self.user('dispatcher')
        handler = self.user('handler')
        intake = self.user('intake')
        own, = admin.model('sushi.ticket.assignment', 'search',
            [('ticket', '=', DATA['own_ticket']),
                ('unit.code', '=', 'yongqiao_district')], 0, 1, None)
        theirs, = admin.model('sushi.ticket.assignment', 'search',
            [('ticket', '=', DATA['other_ticket'])], 0, 1, None)
        text = '派单员提醒：该件已两次退回，请认真核实。'
        note, other_note = dispatcher.model('ir.note', 'create', [
                {'resource': f'sushi.ticket.assignment,{own}',
                    'message': text},
                {'resource': f'sushi.ticket.assignment,{theirs}',
                    'message': text}])
        attachment, = dispatcher.model('ir.attachment', 'create', [{
                    'resource': f'sushi.ticket.assignment,{own}',
                    'name': '现场照片.txt', 'type': 'data',
                    'data': {'__class__': 'bytes', 'base64': 'aGVsbG8='}}])
        refusal = '只能由添加人或平台管理员修改或删除'
        for model, id_, values in [
                ('ir.note', note, {'message': '（已删改）'}),
                ('ir.note', note, {'unread': False, 'message': 'x'}),
                ('ir.attachment', attachment, {'name': '无关.txt'})]:
            with self.subTest(model=model, values=values):
                self.assertRefused(lambda: handler.model(model, 'write',
                        [id_], values), contains=refusal)
                self.assertRefused(lambda: handler.model(model, 'delete',
                        [id_]), contains=refusal)
        self.assertRefused(lambda: intake.model('ir.note', 'write',
                [note], {'message': '改'}), contains=refusal)
        # another unit's note is refused as a missing one, as before
        message = self.assertRefused(lambda: handler.model('ir.note',
                'delete', [other_note]))
        self.assertNotIn(refusal, message)
        self.assertIn('不存在', message)
        row, = admin.model('ir.note', 'read', [note], ['message'])
        self.assertEqual(row['message'], text)
        self.assertEqual(len(admin.model('ir.attachment', 'read',
                    [attachment], ['name'])), 1)
        # reading is everyone's; one's own notes are one's own
        handler.model('ir.note', 'write', [note], {'unread': False})
        mine, = handler.model('ir.note', 'create', [{
                    'resource': f'sushi.ticket.assignment,{own}',
                    'message': '承办人备注'}])
        handler.model('ir.note', 'write', [mine], {'message': '承办人备注（补充）'})
        handler.model('ir.note', 'delete', [mine])
        dispatcher.model('ir.note', 'write', [note], {'message': text + '！'})
        admin.model('ir.note', 'delete', [note, other_note])
        admin.model('ir.attachment', 'delete', [attachment])

    def test_units_search_requester_texts_on_their_orders_only(self):
        """PUB-06, ORG-11: a unit tested the phone and name a requester
        typed into another unit's order through a relation to it, whose
        targets Tryton searches without record rules: its own order marked
        a duplicate of 市城管局's answered `duplicate_of.description like
        '%13905572222%'` with 1 and another phone with 0.  The requester's
        texts (title, description, address) are searched by units on the
        orders themselves; the platform still searches them anywhere"""
        admin = self.user('admin')
        own, other = DATA['own_ticket'], DATA['other_ticket']
        saved, = admin.model('sushi.ticket', 'read', [other],
            ['description'])
        phone = '13905572222'
        write_tickets({other: {
                    'description': f'我是李建国，电话{phone}，门前垃圾无人清运。'}})
        write_tickets({own: {'duplicate_of': other}})
        try:
            handler = self.user('handler')
            with self.assertRaises(RPCError):
                handler.model('sushi.ticket', 'read', [other],
                    ['description'])
            for domain in [
                    [('duplicate_of.description', 'like', f'%{phone}%')],
                    [('duplicate_of.description', 'like', '%李建国%')],
                    [('duplicate_of', 'where',
                            [('description', 'like', f'%{phone}%')])],
                    [('duplicate_of.title', 'like', '%占道%')],
                    [('duplicate_of.address', 'like', '%胜利路%')],
                    [('duplicate_of.rec_name', 'ilike', '%占道%')],
                    [('duplicate_of.assignments.ticket_title', 'like',
                            '%占道%')]]:
                with self.subTest(domain=domain):
                    self.assertRefused(lambda: handler.model('sushi.ticket',
                            'search_count', [('id', '=', own)] + domain))
            self.assertRefused(lambda: handler.model('sushi.ticket',
                    'search', [], 0, None,
                    [('duplicate_of.description', 'ASC')]))
            # the unit's own orders' texts, and the platform's searches
            self.assertEqual(handler.model('sushi.ticket', 'search_count',
                    [('id', '=', own), ('duplicate_of', '=', other)]), 1)
            self.assertGreaterEqual(handler.model('sushi.ticket',
                    'search_count', [('description', 'like', '%')]), 1)
            self.assertEqual(self.user('intake').model('sushi.ticket',
                    'search_count', [('id', '=', own),
                        ('duplicate_of.description', 'like',
                            f'%{phone}%')]), 1)
        finally:
            write_tickets({own: {'duplicate_of': None}})
            write_tickets({other: {'description': saved['description']}})

    def test_column_settings_are_their_users(self):
        """ORG-11: any session created, changed and removed another user's
        column widths and hidden columns (`user` of ir.ui.view_tree_width
        and ir.ui.view_tree_optional was free), and so hid the columns of
        the dispatcher's lists; they are now each user's own"""
        handler = self.user('handler')
        dispatcher = self.user('dispatcher')
        width, = dispatcher.model('ir.ui.view_tree_width', 'create', [{
                    'model': 'sushi.ticket', 'field': 'number',
                    'user': dispatcher.user_id, 'width': 120}])
        view = handler.model('sushi.ticket', 'fields_view_get', None,
            'tree')['view_id']
        for model, values in [
                ('ir.ui.view_tree_width', {'model': 'sushi.ticket',
                        'field': 'deadline', 'width': 1}),
                ('ir.ui.view_tree_optional', {'model': 'sushi.ticket',
                        'field': 'deadline', 'value': True, 'view': view})]:
            with self.subTest(model=model):
                with self.assertRaises(RPCError) as cm:
                    handler.model(model, 'create', [dict(values,
                                user=dispatcher.user_id)])
                self.assertNotIn(cm.exception.status, {500, 503})
                self.assertEqual(dispatcher.model(model, 'search_count',
                        [('field', '=', 'deadline')]), 0)
                # one's own still saves
                own, = handler.model(model, 'create', [dict(values,
                            user=handler.user_id)])
                handler.model(model, 'delete', [own])
        for call in [
                lambda: handler.model('ir.ui.view_tree_width', 'write',
                    [width], {'width': 1}),
                lambda: handler.model('ir.ui.view_tree_width', 'delete',
                    [width])]:
            self.assertIn('不存在', self.assertRefused(call))
        self.assertEqual(handler.model('ir.ui.view_tree_width', 'search',
                [('user', '=', dispatcher.user_id)], 0, None, None), [])
        row, = dispatcher.model('ir.ui.view_tree_width', 'read', [width],
            ['width'])
        self.assertEqual(row['width'], 120)
        dispatcher.model('ir.ui.view_tree_width', 'delete', [width])
