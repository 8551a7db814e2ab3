# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re

from lxml import etree

from trytond.model.exceptions import AccessError
from trytond.modules import create_graph, get_modules
from trytond.modules.sushi_ticket.tests.tools import (
    TranslationTestMixin, create_ticket, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.tools import find_path
from trytond.transaction import Transaction
from trytond.wizard import StateView

HAN = re.compile('[\u3400-\u9fff]')
LATIN_WORD = re.compile('[A-Za-z][A-Za-z-]*')
# Latin words a Chinese user reads as they are
KEPT = {'API', 'ID', 'URL', 'SMS', 'Open311', 'QQ', 'Excel', 'HTML', 'CSV',
    'JSON', 'XML', 'ODT', 'PDF', 'SHA-256', 'IP', 'App', 'APP',
    # the names of protocols and services, as Tryton's translators keep them
    'SIP', 'Skype'}
# view attributes a person reads
READ_ATTRIBUTES = ('string', 'sum', 'confirm', 'help', 'placeholder')


def untranslated(text):
    "A label with Latin words and no Chinese character."
    if not text or not isinstance(text, str) or HAN.search(text):
        return False
    return any(w not in KEPT for w in LATIN_WORD.findall(text))


def load_chinese(pool):
    """Load the zh_CN translations of every activated module in
    dependency order, as trytond-admin -l zh_CN does (overrides last)."""
    Module = pool.get('ir.module')
    Translation = pool.get('ir.translation')
    Lang = pool.get('ir.lang')
    lang, = Lang.search([('code', '=', 'zh_CN')])
    lang.translatable = True
    lang.save()
    activated = {m.name for m in Module.search(
            [('state', '=', 'activated')])}
    graph = create_graph(get_modules(with_test=True))
    for node in graph:
        if node.name not in activated:
            continue
        paths = []
        for name in ['zh_CN.po', 'override/zh_CN.po']:
            try:
                paths.append(find_path(f'{node.name}/locale/{name}'))
            except FileNotFoundError:
                pass
        if paths:
            Translation.translation_import('zh_CN', node.name, paths)
    Translation._translation_cache.clear()


class SushiPortalTestCase(TranslationTestMixin, ModuleTestCase):
    "Test the sushi_portal module"
    module = 'sushi_portal'
    # #13 (6): the translation walk covers every role's menus of the whole
    # platform, the supervision and assessment menus included
    extras = ['sushi_supervision', 'sushi_assessment']

    @with_transaction()
    def test_chinese_everywhere(self):
        """Every label each role reaches from its menus is Chinese: menus,
        actions, tabs, view labels, fields, help, selections, buttons,
        toolbar actions, wizards and the preferences — of every module of
        the platform (supervision and assessment included) and of the core
        modules (ir, res, party, country)"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        ModelAccess = pool.get('ir.model.access')
        Menu = pool.get('ir.ui.menu')
        ActWindow = pool.get('ir.action.act_window')
        User = pool.get('res.user')
        load_chinese(pool)

        roles = [d.db_id for d in ModelData.search([
                    ('model', '=', 'res.group'),
                    ('module', 'like', 'sushi_%')])]
        self.assertGreaterEqual(len(roles), 8)
        users = User.create([{
                    'name': f'role {r}', 'login': f'role_{r}',
                    'groups': [('add', [r])]} for r in roles])
        found, seen = {}, set()

        def check(where, text):
            if untranslated(text):
                found.setdefault(text, where)

        def walk_view(model, view_id, view_type, depth=0):
            if (model, view_id, view_type) in seen:
                return
            seen.add((model, view_id, view_type))
            Model = pool.get(model)
            view = Model.fields_view_get(view_id, view_type)
            where = f'{model} {view_type} view'
            for element in etree.fromstring(view['arch']).iter():
                for attribute in READ_ATTRIBUTES:
                    check(f'{where} <{element.tag}>', element.get(attribute))
            for name, field in view['fields'].items():
                check(f'{model}.{name}', field.get('string'))
                check(f'{model}.{name} help', field.get('help'))
                if isinstance(field.get('selection'), list):
                    for _, label in field['selection']:
                        check(f'{model}.{name} selection', label)
                for sub_type, sub in (field.get('views') or {}).items():
                    for sub_name, sub_field in sub['fields'].items():
                        check(f'{field["relation"]}.{sub_name}',
                            sub_field.get('string'))
                if (depth == 0 and field['type'] in {'one2many', 'many2many'}
                        and ModelAccess.check(field['relation'], 'read',
                            raise_exception=False)):
                    for sub_type in ['tree', 'form']:
                        walk_view(field['relation'], None, sub_type, 1)
            toolbar = Model.view_toolbar_get()
            for kind in ['print', 'action', 'relate']:
                for action in toolbar[kind]:
                    check(f'{model} toolbar {kind}', action['name'])
                    if action.get('wiz_name'):
                        walk_wizard(action['wiz_name'])

        def walk_wizard(name):
            "The forms of a wizard and their buttons."
            if name in seen:
                return
            seen.add(name)
            Wizard = pool.get(name, type='wizard')
            for state_name, state in Wizard.states.items():
                if not isinstance(state, StateView):
                    continue
                for button in state.get_buttons(Wizard, state_name):
                    check(f'{name} button', button['string'])
                if ModelAccess.check(state.model_name, 'read',
                        raise_exception=False):
                    module, fs_id = state.view.split('.')
                    walk_view(state.model_name,
                        ModelData.get_id(module, fs_id), 'form')

        def walk_window(window, where):
            "The tabs and views of a window; the actions of a board."
            for tab in window.act_window_domains:
                check(f'tab of {where}', tab.name)
            if not window.res_model:
                # a board: its labels and the windows it shows
                for act_view in window.act_window_views:
                    arch = etree.fromstring(act_view.view.arch)
                    for element in arch.iter():
                        for attribute in READ_ATTRIBUTES:
                            check(f'board of {where}',
                                element.get(attribute))
                        if element.tag == 'action':
                            module, fs_id = element.get('name').split('.')
                            board_action = ActWindow(ModelData.get_id(
                                    module, fs_id))
                            check(f'board of {where}', board_action.name)
                            walk_window(board_action, board_action.name)
                return
            if not ModelAccess.check(window.res_model, 'read',
                    raise_exception=False):
                return
            views = [(v.view.id, v.view.type)
                for v in window.act_window_views] or [
                (None, 'tree'), (None, 'form')]
            for view_id, view_type in views:
                walk_view(window.res_model, view_id, view_type)

        for user in users:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(language='zh_CN',
                        _check_access=True):
                preferences = User.get_preferences_fields_view()
                for name, field in preferences['fields'].items():
                    check(f'preferences {name}', field.get('string'))
                for menu in Menu.search([]):
                    check(f'menu {menu.complete_name}', menu.name)
                    action = menu.action
                    if not action:
                        continue
                    check(f'action of {menu.name}', action.name)
                    if action.__name__ == 'ir.action.wizard':
                        walk_wizard(action.wiz_name)
                    if action.__name__ == 'ir.action.act_window':
                        walk_window(action, menu.name)
        self.assertGreater(len(seen), 20)
        self.assertFalse(found, msg='not in Chinese:\n' + '\n'.join(
                    f'{where}: {text!r}' for text, where in sorted(
                        found.items(), key=lambda i: i[1])))

    @with_transaction()
    def test_role_home_with_supervision(self):
        """#13 (5): with supervision activated the supervisor lands on the
        supervision candidates"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        supervisor = setup_network().supervisor
        self.assertEqual(User.role_home(supervisor), [Action.get_action_id(
                    ModelData.get_id('sushi_supervision', 'act_candidate'))])
        # the Office's assessment officer lands on the assessment periods,
        # the analyst on the analysis reports
        for login, group, home in [
                ('officer', ('sushi_assessment', 'group_assessment_officer'),
                    ('sushi_assessment', 'act_period_form')),
                ('analyst', ('sushi_ticket', 'group_sushi_analyst'),
                    ('sushi_analysis', 'act_report')),
                ]:
            user, = User.create([{'login': 'home_' + login, 'name': login,
                        'groups': [('add', [ModelData.get_id(*group)])]}])
            self.assertEqual(User.role_home(user),
                [Action.get_action_id(ModelData.get_id(*home))], msg=login)

    @with_transaction()
    def test_role_menus_reach_their_pages(self):
        """#13: a role sees the menus of the pages it may open, and no menu
        whose page refuses it: the officer the assessment periods (the
        hotline menu above them included), the roles dashboard.py lets in
        the leaders' dashboard, the units' staff not (they get only its
        refusal, 您的账号无权查看全市驾驶舱)"""
        pool = Pool()
        User = pool.get('res.user')
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        periods = ModelData.get_id('sushi_assessment', 'menu_period_form')
        dashboard = ModelData.get_id('sushi_portal', 'menu_dashboard')
        disclosures = ModelData.get_id('sushi_portal', 'menu_disclosure_form')

        users = {}

        def visible(group, menu):
            if group not in users:
                users[group], = User.create([{'login': f'menu_{group[1]}',
                            'name': group[1],
                            'groups': [('add', [ModelData.get_id(*group)])]}])
            with transaction.set_user(users[group].id), \
                    transaction.set_context(_check_access=True):
                return bool(Menu.search([('id', '=', menu)]))

        self.assertTrue(visible(
                ('sushi_assessment', 'group_assessment_officer'), periods))
        for group, sees in [
                ('group_sushi_city_leader', True),
                ('group_sushi_admin', True),
                ('group_sushi_supervisor', True),
                ('group_sushi_reviewer', True),
                ('group_sushi_dispatcher', True),
                ('group_sushi_analyst', True),
                ('group_sushi_unit_handler', False),
                ('group_sushi_unit_leader', False),
                ('group_sushi_intake', False),
                ]:
            self.assertEqual(
                visible(('sushi_ticket', group), dashboard), sees, msg=group)
        # the disclosures' list stays with the roles that had it
        self.assertFalse(visible(
                ('sushi_ticket', 'group_sushi_dispatcher'), disclosures))
        self.assertTrue(visible(
                ('sushi_ticket', 'group_sushi_reviewer'), disclosures))

    @with_transaction()
    def test_isolation_on_every_path(self):
        """#16, PUB-06, ORG-11, PUB-02..05: every model guarded; a
        disclosure awaiting review is its orders' units' and the
        platform's only (the county's own included), on every path; the
        requester behind a disclosure only through the order's own rules;
        one-time codes are nobody's to read"""
        from trytond.modules.sushi_ticket.tests.guard_tools import (
            as_user, assert_guarded, assert_states_enforced,
            assert_values_checked)
        from trytond.modules.sushi_ticket.tests.tools import (
            at, dispatch_ticket)
        pool = Pool()
        Disclosure = pool.get('sushi.portal.disclosure')
        Code = pool.get('sushi.portal.code')
        assert_guarded(self, 'sushi_portal')
        ns = setup_network()
        assert_values_checked(self, 'sushi_portal', ns.other_handler)
        # one disclosure per order: a draft of an order of 埇桥区 (the
        # county), a draft and a published one of orders of 萧县
        tickets = [create_ticket() for _ in range(3)]
        with at(2025, 3, 3, 9):
            dispatch_ticket(tickets[0], ns.county, basis='属地管理')
            for ticket in tickets[1:]:
                dispatch_ticket(ticket, ns.other, basis='属地管理')
        own, draft, published = Disclosure.create([{
                    'ticket': ticket.id, 'unit': unit.id,
                    'request_type': 'complaint', 'title': '道路积水',
                    'request_text': '张先生反映积水',
                    } for ticket, unit in zip(tickets,
                    [ns.county, ns.other, ns.other])])
        Disclosure.write([published], {'state': 'published'})
        # PUB-02..05: units read their orders' disclosures and the
        # published ones; the platform reads them all
        for user, visible in [
                (ns.handler, {own, published}),
                (ns.leader, {own, published}),
                (ns.other_handler, {draft, published}),
                (ns.city_handler, {published}),
                (ns.reviewer, {own, draft, published}),
                (ns.intake, {own, draft, published}),
                (ns.city_leader, {own, draft, published}),
                ]:
            with as_user(user):
                self.assertEqual(set(Disclosure.search([])), visible,
                    msg=user.login)
                for hidden in {own, draft, published} - visible:
                    for call in [
                            lambda: Disclosure.read([hidden.id],
                                ['request_text']),
                            lambda: Disclosure.export_data(
                                [Disclosure(hidden.id)], ['request_text']),
                            ]:
                        with self.assertRaises(AccessError,
                                msg=user.login):
                            call()
        # a unit asks for an exemption of its own order's draft only
        with as_user(ns.handler):
            Disclosure.write([Disclosure(own.id)],
                {'exemption_reason': '涉及个人隐私'})
            # PUB-03..06: not the public texts, the reviewer's to correct
            for name in ['title', 'address', 'request_text', 'reply_text']:
                with self.assertRaises(AccessError, msg=name):
                    Disclosure.write([Disclosure(own.id)],
                        {name: '张先生（13905570000）反映的积水不属实'})
            with self.assertRaises(AccessError):
                Disclosure.write([Disclosure(published.id)],
                    {'exemption_reason': '涉及个人隐私'})
        # the published disclosure of 萧县's order: 市城管局 reads it, not
        # the requester behind it
        with as_user(ns.city_handler):
            for call in [
                    lambda: Disclosure.read([published.id],
                        ['ticket.requester_phone']),
                    lambda: Code.search([]),
                    ]:
                with self.assertRaises(AccessError):
                    call()
        for user in [ns.analyst, ns.city_leader]:
            with as_user(user):
                with self.assertRaises(AccessError):
                    Disclosure.export_data([Disclosure(published.id)],
                        ['ticket/requester_name'])
        assert_states_enforced(self,
            [Disclosure(own.id), Disclosure(published.id)], ns.reviewer)


del ModuleTestCase
