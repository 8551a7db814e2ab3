# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers shared by the tests of every sushi module."""
import contextlib
import datetime as dt
import email
import email.policy
import mailbox
import os
import re
import time

import polib
from sql import Null

from trytond import config
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.tools import find_path
from trytond.transaction import Transaction

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PLACEHOLDER = re.compile(r'%\(\w+\)s')


def local(*args):
    "The naive UTC datetime of a wall-clock time in Asia/Shanghai."
    return dt.datetime(*args, tzinfo=SHANGHAI).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def as_local(value):
    "The Asia/Shanghai wall-clock time of a naive UTC datetime."
    return value.replace(tzinfo=dt.timezone.utc).astimezone(
        SHANGHAI).replace(tzinfo=None)


class TranslationTestMixin:
    "Fail on any string of the module that locale/zh_CN.po does not cover."

    @with_transaction()
    def test_translations_complete(self):
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        TranslationUpdate = pool.get('ir.translation.update', type='wizard')

        View = pool.get('ir.ui.view')
        Report = pool.get('ir.action.report')

        lang, = Lang.search([('code', '=', 'zh_CN')])
        lang.translatable = True
        lang.save()
        # Only this module's strings are exported below: the other
        # modules' are left out of the set and update wizards, which would
        # otherwise redo the whole database's strings in every module's
        # test (the transaction is rolled back).
        table = Translation.__table__()
        Transaction().connection.cursor().execute(*table.delete(
                where=(table.module != self.module) | (table.module == Null)))
        with Transaction().set_context(active_test=False):
            views = View.search([('module', '=', self.module)])
        for Model, records in [
                (View, views),
                (Report, Report.search([('module', '=', self.module),
                            ('translatable', '=', True)])),
                ]:
            if not records:
                continue
            # the wizard as the client runs it on the selected records
            with Transaction().set_context(active_model=Model.__name__,
                    active_ids=[r.id for r in records],
                    active_id=records[0].id):
                session_id, _, _ = TranslationSet.create()
                TranslationSet.execute(session_id, {}, 'set_')
                TranslationSet.delete(session_id)
        session_id, _, _ = TranslationUpdate.create()
        TranslationUpdate.execute(
            session_id, {'start': {'language': lang.id}}, 'update')
        TranslationUpdate.delete(session_id)

        exported = Translation.translation_export('zh_CN', self.module)
        template = polib.pofile(exported.decode('utf-8')) if exported else []
        self.assertTrue(template, msg=f'no string of {self.module} found')
        path = find_path(os.path.join(self.module, 'locale', 'zh_CN.po'))
        po = polib.pofile(path) if path else []
        done = {(e.msgctxt, e.msgid): e for e in po
            if e.msgstr and 'fuzzy' not in e.flags}
        missing = [f'{e.msgctxt} {e.msgid!r}' for e in template
            if (e.msgctxt, e.msgid) not in done]
        self.assertFalse(missing,
            msg='untranslated in %s/locale/zh_CN.po:\n%s' % (
                self.module, '\n'.join(missing)))
        broken = [f'{e.msgctxt} {e.msgid!r}' for e in done.values()
            if sorted(PLACEHOLDER.findall(e.msgid))
            != sorted(PLACEHOLDER.findall(e.msgstr))]
        self.assertFalse(broken,
            msg='placeholders differ in the translation of:\n%s' % (
                '\n'.join(broken)))


def load_chinese(modules):
    """Load the zh_CN translations of modules into the test database, as
    trytond-admin -l zh_CN does: for tests of what a user reads in
    Chinese (run them in Transaction().set_context(language='zh_CN'))."""
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    lang, = Lang.search([('code', '=', 'zh_CN')])
    lang.translatable = True
    lang.save()
    for module in modules:
        Translation.translation_import('zh_CN', module,
            [find_path(f'{module}/locale/zh_CN.po')])
    Translation._translation_cache.clear()


class DBTestCase:
    """Mixin for unittest.TestCase classes that need the module activated
    in the test database, without re-running ModuleTestCase's checks."""
    module = 'sushi_ticket'
    extras = []

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import activate_module, drop_db
        super().setUpClass()
        drop_db()
        activate_module([cls.module] + list(cls.extras))

    @classmethod
    def tearDownClass(cls):
        from trytond.tests.test_tryton import drop_db
        super().tearDownClass()
        drop_db()


def setup_network():
    """Create the staff of 埇桥区, one of its towns and a city department,
    and the platform's staff; return them by name."""
    from types import SimpleNamespace
    pool = Pool()
    Unit = pool.get('sushi.unit')
    User = pool.get('res.user')
    Leader = pool.get('sushi.unit.leader')
    ModelData = pool.get('ir.model.data')

    def group(name):
        return ModelData.get_id('sushi_ticket', 'group_sushi_' + name)

    county, = Unit.search([('code', '=', 'yongqiao_district')])
    city, = Unit.search([('code', '=', 'urban_management_bureau')])
    other, = Unit.search([('code', '=', 'xiao_county')])
    town, = Unit.create([{
                'code': 'yq_fuli', 'name': '埇桥区符离镇', 'kind': 'town',
                'tier': '3', 'parent': county.id}])
    specs = [
        ('intake', 'intake', []), ('dispatcher', 'dispatcher', []),
        ('reviewer', 'reviewer', []), ('supervisor', 'supervisor', []),
        ('handler', 'unit_handler', [county]),
        ('town_handler', 'unit_handler', [town]),
        ('city_handler', 'unit_handler', [city]),
        ('other_handler', 'unit_handler', [other]),
        ('leader', 'unit_leader', []), ('principal', 'unit_leader', []),
        ('city_leader', 'city_leader', []), ('analyst', 'analyst', []),
        ]
    users = User.create([{
                'login': login, 'name': login,
                'email': f'{login}@example.org',
                'groups': [('add', [group(g)])],
                'sushi_units': [('add', [u.id for u in units])],
                } for login, g, units in specs])
    ns = SimpleNamespace(county=county, town=town, city=city, other=other,
        **{login: user for (login, _, _), user in zip(specs, users)})
    Leader.create([
            {'unit': county.id, 'user': ns.leader.id,
                'role': 'deputy_in_charge'},
            {'unit': county.id, 'user': ns.principal.id,
                'role': 'principal'},
            ])
    return ns


def create_ticket(**values):
    "A complaint by phone about 埇桥区, with the requester's data."
    Ticket = Pool().get('sushi.ticket')
    defaults = {
        'requester_phone': '13805571234',
        'requester_name': '张先生',
        'request_type': 'complaint',
        'title': '小区门口道路积水',
        'description': '埇桥区汴河路某小区门口道路积水严重,下雨后无法通行,'
        '希望尽快疏通排水管道。',
        'address': '埇桥区汴河路88号',
        }
    defaults.update(values)
    ticket, = Ticket.create([defaults])
    return ticket


def dispatch_ticket(ticket, lead, co_units=(), basis=None, **options):
    "Dispatch one ticket through the contract (Ticket.dispatch_to)."
    return Pool().get('sushi.ticket').dispatch_to(
        [ticket], lead, co_units, basis=basis, **options)


def redispatch(assignment, unit, basis=None):
    "Re-dispatch one assignment through Assignment.redispatch_to."
    return Pool().get('sushi.ticket.assignment').redispatch_to(
        [assignment], unit, basis=basis)


def run_queue():
    "Run the tasks the transaction queued (SMS delivery and the like)."
    from trytond.transaction import Transaction
    Queue = Pool().get('ir.queue')
    transaction = Transaction()
    while transaction.tasks:
        Queue(transaction.tasks.pop()).run()


class at:
    "Run the work-order rules at a given wall-clock time (context)."

    def __init__(self, *args):
        self.value = local(*args) if len(args) > 1 else args[0]

    def __enter__(self):
        from trytond.transaction import Transaction
        self._cm = Transaction().set_context(sushi_now=self.value)
        return self._cm.__enter__()

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


@contextlib.contextmanager
def sushi_config(**values):
    "Set options of [sushi] for the duration of a test, then restore them."
    added = not config.has_section('sushi')
    if added:
        config.add_section('sushi')
    saved = {k: config.get('sushi', k) for k in values}
    for option, value in values.items():
        config.set('sushi', option, value)
    try:
        yield
    finally:
        if added:
            config.remove_section('sushi')
            for getter in [config.get, config.getint, config.getfloat,
                    config.getboolean]:
                getter.cache_clear()
        else:
            for option, value in saved.items():
                # None reads as unset: the providers' defaults apply
                config.set('sushi', option, value)


# the Maildir of the real SMTP server scripts/runtests.py starts
MAILDIR = os.environ.get('SUSHI_TEST_MAILDIR')


# The least time a test waits for something another process does (the
# SMTP server's delivery): CI machines are slower and loaded; a passing
# test returns as soon as it has what it waits for.
MIN_WAIT = 60


def maildir_messages(accept, count, timeout=MIN_WAIT):
    """The (message, raw bytes) the test runner's SMTP server delivered
    that accept(message) takes, once there are count of them (or after
    timeout seconds, never less than MIN_WAIT: what there is)."""
    deadline = time.monotonic() + max(timeout, MIN_WAIT)
    while True:
        found = []
        if os.path.isdir(os.path.join(MAILDIR, 'new')):
            box = mailbox.Maildir(MAILDIR, factory=None, create=False)
            for key in box.iterkeys():
                raw = box.get_bytes(key)
                message = email.message_from_bytes(raw,
                    policy=email.policy.default)
                if accept(message):
                    found.append((message, raw))
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
