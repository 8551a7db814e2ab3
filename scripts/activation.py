"""Cheaper module activation for the test processes of scripts/runtests.py.

Tryton's test helpers activate each set of modules from an empty
database and keep the result in DB_CACHE (a file on SQLite, a template
database on PostgreSQL).  Every set of this project contains sushi_ticket
and with it the core modules, which are most of an activation's time; so
a set not yet cached is activated here on a copy of a cached database of
the same language whose modules (with their dependencies) are a part of
the set's: the largest such one (e.g. sushi_supervision's for
sushi_assessment's; at least the sushi_ticket base), skipping those where
an added module is an extra dependency of one already there (Tryton would
activate that one again); only the modules the set adds are installed,
as `trytond-admin -u` adds modules to a live database.  A set in another
language than English is the English set (restored, or built as above)
with the language loaded as test_tryton.create_db(lang=...) and the
activation would have (see _to_language).  The base is built
(and cached) the usual way the first time.  Only with SUSHI_TEST_BASE set
(runtests.py sets it when the run covers more than one addon: one addon's
sets alone would pay for the base more than they gain).

Several test processes may share one DB_CACHE (runtests.py runs a
backend's test modules in more than one process): an exclusive lock per
set (a file in SUSHI_TEST_LOCKS) makes one process build it while the
others wait, then restore it; the sets cached so far are listed there
too (a JSON file each, written once the set is in the cache).

Each activation writes one line on the standard error: the set, how it
was had (restored, built, built on which cached set) and its wall and CPU
seconds, to see where the fixtures' time goes.

install() patches trytond.tests.test_tryton.activate_module (which the
test classes' setUpClass and the DBTestCase helper call) and
trytond.tests.tools.activate_modules (the scenarios'); call it before the
test modules are imported.
"""
import contextlib
import fcntl
import hashlib
import json
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


def _closure(modules):
    "The modules with every module they depend on (extras not included)."
    from trytond.modules import get_module_info
    seen = set()

    def visit(module):
        if module not in seen:
            seen.add(module)
            for parent in get_module_info(module).get('depends', []):
                visit(parent)
    for module in modules:
        visit(module)
    return frozenset(seen)


# The cached sets of this process, when no SUSHI_TEST_LOCKS directory
# lists those of every process: {name: (lang, closure)}
_cached = {}


def _register(name, lang, modules):
    "Note that the set is in the cache, for the sets built after it."
    closure = _closure(modules)
    _cached[name] = (lang, closure)
    directory = os.environ.get('SUSHI_TEST_LOCKS')
    if directory:
        os.makedirs(directory, exist_ok=True)
        digest = hashlib.sha1(name.encode()).hexdigest()[:16]
        path = os.path.join(directory, f'{digest}.set.json')
        with open(path + '.tmp', 'w', encoding='utf-8') as f:
            json.dump({'name': name, 'lang': lang,
                    'closure': sorted(closure)}, f)
        os.replace(path + '.tmp', path)


def _cached_sets():
    "{name: (lang, closure)} of every set known to be in the cache."
    found = dict(_cached)
    directory = os.environ.get('SUSHI_TEST_LOCKS')
    if directory and os.path.isdir(directory):
        for entry in os.listdir(directory):
            if entry.endswith('.set.json'):
                with open(os.path.join(directory, entry),
                        encoding='utf-8') as f:
                    data = json.load(f)
                found[data['name']] = (data['lang'],
                    frozenset(data['closure']))
    return found


def _best_start(modules, lang):
    """The name of the cached set of lang with the largest closure that is
    a strict part of the modules' closure, or None.  Not one with a module
    that has one of the added modules as an extra dependency
    (extras_depend): Tryton would activate that module again after it."""
    from trytond.modules import get_module_info
    wanted = _closure(modules)
    best = None
    for name, (set_lang, closure) in _cached_sets().items():
        if set_lang != lang or not closure < wanted:
            continue
        if any(set(get_module_info(m).get('extras_depend', []))
                & (wanted - closure) for m in closure):
            continue
        if best is None or len(closure) > len(best[1]):
            best = name, closure
    return best and best[0]


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


def _to_language(lang):
    """Make the test database, activated in English, what
    test_tryton.create_db(lang=lang) and the activation would have made:
    lang is the database's language, translatable (its translations of
    every activated module loaded, as Tryton's 加载翻译 button does), the
    users' language, and English is no longer translatable."""
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, 0, close=True) as transaction:
        pool = Pool()
        Lang = pool.get('ir.lang')
        User = pool.get('res.user')
        Configuration = pool.get('ir.configuration')
        language, = Lang.search([('code', '=', lang)])
        Lang.load_translations([language])
        configuration = Configuration(1)
        configuration.language = lang
        configuration.save()
        english, = Lang.search([('code', '=', 'en')])
        Lang.write([english], {'translatable': False})
        User.write(User.search([('login', '!=', 'root')]),
            {'language': language.id})
        transaction.commit()


def _name(modules, lang):
    "The cache's name of a set (test_tryton.activate_module's)."
    name = '-'.join(modules)
    if lang != 'en':
        name += '--' + lang
    return name


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
        name = _name(modules, lang)
        if not test_tryton.DB_CACHE or test_tryton.db_exist(
                test_tryton.DB_NAME):
            return original(modules, lang=lang)
        started, cpu = time.monotonic(), time.process_time()
        with _locked(name):
            waited = time.monotonic() - started
            if test_tryton.restore_db_cache(name):
                _log(name, 'restored', started, waited, cpu)
                return
            if (lang != 'en' and os.environ.get('SUSHI_TEST_BASE')
                    and _needs_base(modules)):
                # the set in English (restored, or built and cached),
                # turned into a database created in lang
                activate_module(modules)
                _to_language(lang)
                test_tryton.backup_db_cache(name)
                # the test starts as every later one will: restored
                test_tryton.drop_db()
                test_tryton.restore_db_cache(name)
                _log(name, f'built from {_name(modules, "en")}', started,
                    waited, cpu)
                return
            if (modules == [BASE] or not os.environ.get('SUSHI_TEST_BASE')
                    or not _needs_base(modules)):
                original(modules, lang=lang)
                if modules == [BASE]:
                    _register(name, lang, modules)
                _log(name, 'built', started, waited, cpu)
                return
            # the largest cached set it contains (at least the base,
            # restored or built and cached), then the set's own modules
            # on it
            start = _best_start(modules, lang)
            if start is None or not test_tryton.restore_db_cache(start):
                activate_module([BASE], lang=lang)
                start = _name([BASE], lang)
            _activate_on(modules)
            test_tryton.backup_db_cache(name)
            _register(name, lang, modules)
            _log(name, f'built on {start}', started, waited, cpu)

    test_tryton.activate_module = activate_module

    def _copy_cached(name):
        """restore_db_cache without starting the pool: whether the set
        was in the cache."""
        from trytond import backend
        started, cpu = time.monotonic(), time.process_time()
        cache_file = test_tryton._db_cache_file(test_tryton.DB_CACHE, name)
        with _locked(name):
            waited = time.monotonic() - started
            if backend.name == 'sqlite':
                copied = test_tryton._sqlite_copy(cache_file, restore=True)
            else:
                copied = test_tryton._pg_restore(cache_file)
        if copied:
            _log(name, 'restored', started, waited, cpu)
        return copied

    from trytond.tests import tools
    original_modules = tools.activate_modules

    def activate_modules(modules, *setup):
        if isinstance(modules, str):
            modules = [modules]
        if not setup and test_tryton.DB_CACHE:
            # the scenarios' cache name: the sorted modules
            modules = sorted(modules)
            test_tryton.drop_db()
            if not _copy_cached(_name(modules, 'en')):
                activate_module(modules)
            # proteus starts the pool (restore_db_cache's start of it
            # would be undone at once)
            return tools._get_config()
        return original_modules(modules, *setup)

    tools.activate_modules = activate_modules
