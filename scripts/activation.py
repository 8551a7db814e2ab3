"""Cheaper module activation for the test processes of scripts/runtests.py.

Tryton's test helpers activate each set of modules from an empty
database and keep the result in DB_CACHE (a file on SQLite, a template
database on PostgreSQL).  Every set of this project contains sushi_ticket
and with it the core modules, which are most of an activation's time; so
a set not yet cached is activated here on a copy of the cached
sushi_ticket database (of the same language): only the modules the set
adds are installed, as `trytond-admin -u` adds modules to a live
database.  The base is built (and cached) the usual way the first time.
Only with SUSHI_TEST_BASE set (runtests.py sets it when the run covers
more than one addon: one addon's sets alone would pay for the base more
than they gain).

Several test processes may share one DB_CACHE (runtests.py runs a
backend's test modules in more than one process): an exclusive lock per
set (a file in SUSHI_TEST_LOCKS) makes one process build it while the
others wait, then restore it.

install() patches trytond.tests.test_tryton.activate_module (which the
test classes' setUpClass and the DBTestCase helper call) and
trytond.tests.tools.activate_modules (the scenarios'); call it before the
test modules are imported.
"""
import contextlib
import fcntl
import hashlib
import os
import sys
import time

BASE = 'sushi_ticket'


@contextlib.contextmanager
def _locked(name):
    directory = os.environ.get('SUSHI_TEST_LOCKS')
    if not directory:
        yield
        return
    os.makedirs(directory, exist_ok=True)
    digest = hashlib.sha1(name.encode()).hexdigest()[:16]
    with open(os.path.join(directory, f'{digest}.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _needs_base(modules):
    "Whether every module of the set is BASE or depends on it."
    from trytond.modules import get_module_info

    def depends(module, seen):
        for parent in get_module_info(module).get('depends', []):
            if parent not in seen:
                seen.add(parent)
                depends(parent, seen)
        return seen
    try:
        return all(m == BASE or BASE in depends(m, set()) for m in modules)
    except Exception:
        return False


def _activate_on(modules):
    "Activate modules in the existing test database (test_tryton's code)."
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, 1, close=True) as transaction:
        pool = Pool()
        Module = pool.get('ir.module')
        records = Module.search([('name', 'in', modules)])
        assert len(records) == len(modules), (
            f"Not found: {', '.join(set(modules) - {r.name for r in records})}")
        records = Module.search([
                ('name', 'in', modules),
                ('state', '!=', 'activated'),
                ])
        if records:
            Module.activate(records)
            transaction.commit()
            ActivateUpgrade = pool.get('ir.module.activate_upgrade',
                type='wizard')
            instance_id, _, _ = ActivateUpgrade.create()
            transaction.commit()
            ActivateUpgrade(instance_id).transition_upgrade()
            ActivateUpgrade.delete(instance_id)
            transaction.commit()


def _log(name, how, started, waited, cpu):
    "One line on the standard error per activation: where fixtures go."
    sys.stderr.write(f'[activation] {name}: {how} in '
        f'{time.monotonic() - started:.1f} s '
        f'(CPU {time.process_time() - cpu:.1f} s)'
        + (f' (waited {waited:.1f} s for another process)'
            if waited >= 1 else '') + '\n')


def install():
    from trytond.tests import test_tryton
    original = test_tryton.activate_module

    def activate_module(modules, lang='en'):
        if isinstance(modules, str):
            modules = [modules]
        modules = list(modules)
        name = '-'.join(modules)
        if lang != 'en':
            name += '--' + lang
        if not test_tryton.DB_CACHE or test_tryton.db_exist(
                test_tryton.DB_NAME):
            return original(modules, lang=lang)
        started, cpu = time.monotonic(), time.process_time()
        with _locked(name):
            waited = time.monotonic() - started
            if test_tryton.restore_db_cache(name):
                _log(name, 'restored', started, waited, cpu)
                return
            if (modules == [BASE] or not os.environ.get('SUSHI_TEST_BASE')
                    or not _needs_base(modules)):
                original(modules, lang=lang)
                _log(name, 'built', started, waited, cpu)
                return
            # the base (restored, or built and cached), then the set's
            # own modules on it
            activate_module([BASE], lang=lang)
            _activate_on(modules)
            test_tryton.backup_db_cache(name)
            _log(name, 'built on the base', started, waited, cpu)

    test_tryton.activate_module = activate_module

    from trytond.tests import tools
    original_modules = tools.activate_modules

    def activate_modules(modules, *setup):
        if isinstance(modules, str):
            modules = [modules]
        if not setup and test_tryton.DB_CACHE:
            # the scenarios' cache name: the sorted modules
            test_tryton.drop_db()
            activate_module(sorted(modules))
            return tools._get_config()
        return original_modules(modules, *setup)

    tools.activate_modules = activate_modules
