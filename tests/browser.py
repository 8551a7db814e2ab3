"""Browser test harness: demo servers and headless Chromium.

The demo database is built once per test process and backend: a database
on the backend of TRYTOND_DATABASE_URI with every sushi module activated
(zh_CN as the database language, as scripts/setup_db.py does),
scripts/demo.py's demo data with one known password for every account,
and two complaints dispatched to 埇桥区 in the past (LIGHTS_FIXTURE: one red,
one yellow).  That build takes minutes; it is kept as a template (SQLite: a
file; PostgreSQL: a template database) and every `DemoServer` serves a
fresh copy of it (seconds) with `trytond` on a free port, serving sao from
.sao/package.  With SUSHI_DEMO_CACHE (a directory; scripts/runtests.py
sets one per run) the template is shared by the processes of the run, built
by the first one that needs it; otherwise it lives as long as the process.
Nothing touches the database named by DB_NAME (the module tests' own).

`shared_server()` is the one live server of the process for the browser
tests that only add their own records (test_browser*); a test module that
asserts what the whole database holds (test_security) starts a
`DemoServer` of its own, from the same template.

`Browser` drives headless Chromium (Debian package `chromium`) with
Playwright; `Browser.page()` saves a screenshot and the browser console
when the block inside it fails.

trytond reads its configuration file after the TRYTOND_* environment
variables, so a value present in trytond.conf ([database] uri, [web]
listen) would win over an environment override: the server and the admin
commands get a copy of trytond.conf with the database URI, the database
path, the listen address and the web root of this run written into it.
"""
import atexit
import configparser
import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAO = ROOT / '.sao' / 'package'
MODULES = sorted(p.name for p in (ROOT / 'addons').glob('sushi_*'))
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']
# Generous: two cores shared with other test runs.
ACTIVATE_TIMEOUT = 30 * 60
START_TIMEOUT = 120
# The least time any wait of a browser test gives the server (seconds): a
# CI machine is slower and loaded; a passing test never waits this long.
WAIT = 60
# Environment variables of the test runner that the server must not see.
RUNNER_VARIABLES = {'DB_NAME', 'DB_CACHE', 'TRYTOND_CONFIG',
    'TRYTOND_DATABASE_URI'}

LOAD_DEMO = '''\
import datetime, os, sys
from proteus import config, Model
config.set_trytond(sys.argv[1], config_file=sys.argv[2])
sys.path.insert(0, sys.argv[3])
import demo
# The demo and the tests dispatch at today's date; near the end of a year
# their deadlines fall in the next one, whose official schedule may not be
# entered yet.  A test database gets a plain Monday-Friday year then: a
# fixture of the tests, never of production, which refuses to guess.
Year = Model.get('sushi.calendar.year')
next_year = datetime.date.today().year + 1
if not Year.find([('year', '=', next_year)]):
    Year(year=next_year, source='manual',
        note='test fixture: Monday to Friday, no holidays').save()
accounts = demo.load(password=os.environ['SUSHI_DEMO_PASSWORD'])
print('demo accounts:', ', '.join(login for login, _, _ in accounts))
'''

# Run after LOAD_DEMO in the same process (no second pool start): two
# complaints dispatched to 埇桥区 ten and five working days ago (the
# work-order clock, `sushi_now`, set back), then the deadline sweep run
# once at the real time, as the cron would: the first is overdue (red
# light, red card), the second past half its time (yellow).  scripts/demo.py
# dispatches every demo order at the time it runs, so none is ever yellow or
# red without this.  Prints "<light> <number>" for each.
LIGHTS_FIXTURE = '''\
import datetime as dt
from proteus import Model, Wizard, config as pconfig
from trytond.pool import Pool
from trytond.transaction import Transaction

# Test setup: the work-order clock honours `sushi_now` in tests only.
Pool.test = True
database = sys.argv[1]
cfg = pconfig.get_config()
User = Model.get('res.user')
users = {u.login: u.id for u in User.find([])}


def as_user(login):
    cfg.user = users[login]
    cfg._context = User.get_preferences(True, {})


now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
with Transaction().start(database, 0, readonly=True):
    Calendar = Pool().get('sushi.calendar')
    back = {days: Calendar.add_working_days(now, -days) for days in [10, 5]}
Unit = Model.get('sushi.unit')
county, = Unit.find([('code', '=', 'yongqiao_district')])
Category = Model.get('sushi.category')
for light, days, category, title, text, phone in [
        ('red', 10, 'housing_property', '小区电梯长期故障无人维修',
            '埇桥区南关街道某小区3号楼电梯停运一个多月,物业一直未修,'
            '老人上下楼困难。', '13905572001'),
        ('yellow', 5, 'urban_management', '菜市场周边垃圾清运不及时',
            '埇桥区西关街道菜市场周边垃圾堆放多日无人清运,气味很大。',
            '13905572002'),
        ]:
    category, = Category.find([('code', '=', category)])
    dispatched = back[days]
    as_user('intake')
    with cfg.set_context(sushi_now=dispatched - dt.timedelta(hours=1)):
        Ticket = Model.get('sushi.ticket')
        ticket = Ticket(request_type='complaint', title=title,
            description=text, category=category, region=county,
            address='埇桥区', requester_name='孙女士', requester_phone=phone,
            received_at=dispatched - dt.timedelta(hours=2))
        ticket.save()
        ticket.click('accept')
    as_user('dispatcher')
    with cfg.set_context(sushi_now=dispatched):
        wizard = Wizard('sushi.ticket.dispatch', [ticket])
        wizard.form.lead_unit = Unit(county.id)
        wizard.form.basis = '属地管理'
        wizard.execute('dispatch')
    print(light, ticket.number)
as_user('admin')
Cron = Model.get('ir.cron')
sweep, = Cron.find([('method', '=', 'sushi.ticket.assignment|sweep')])
sweep.click('run_once')
'''


def submit_login_name(page, server, login):
    """Open sao on server's database and submit `login` in its login dialog
    (sao then asks for the password in a second dialog).

    sao shows the dialog before it has the list of databases: until that
    list (common.db.list) has come back, the database field is hidden and
    empty, and a submit is dropped without a word (sao's login() returns
    when it has no database, marking only the empty fields that are
    visible: none).  On PostgreSQL trytond's first list of a process
    connects to every database of the cluster, so the first login after a
    server start lost that race and waited for a password dialog that
    never came.  Hence: submit only once the database field shows the
    database, as a person would."""
    from playwright.sync_api import expect
    page.goto(server.database_url)
    dialog = page.locator('.login-dialog')
    database = dialog.locator('#database:visible')
    database.wait_for()
    expect(database).to_have_value(server.database)
    dialog.locator('input#login').fill(login)
    dialog.locator('button[type=submit]').click()


class HarnessError(RuntimeError):
    "The browser test environment could not be set up."


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def check_sao():
    "Fail, with what to do, when sao is not installed in .sao/package."
    missing = [name for name in ['index.html', 'dist/tryton-sao.js',
            'custom.js', 'node_modules/jquery/dist/jquery.js',
            'locale/zh_CN.json']
        if not (SAO / name).exists()]
    if missing:
        raise HarnessError(
            f"sao is not installed in {SAO.relative_to(ROOT)} (missing: "
            f"{', '.join(missing)}): run scripts/install_sao.sh "
            "(`make test` does it before the tests)")


def find_chromium():
    found = (os.environ.get('SUSHI_CHROMIUM') or shutil.which('chromium')
        or '/usr/bin/chromium')
    if not os.access(found, os.X_OK):
        raise HarnessError(
            f"Chromium not found at {found}: install the Debian package "
            "`chromium` (.ci/run does) or set SUSHI_CHROMIUM")
    return found


def _die_with_parent():
    "In the child: get SIGTERM when the test process dies (Linux)."
    if sys.platform.startswith('linux'):
        import ctypes
        import signal
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _tail(path, lines=200):
    try:
        text = Path(path).read_text(encoding='utf-8', errors='replace')
    except OSError:
        return '(no log)'
    return '\n'.join(text.splitlines()[-lines:])


def _fingerprint():
    """What the demo database is built from: the modules, the demo loaders,
    the configuration and the fixture scripts of this file (names, sizes and
    times of the files; their contents for the scripts)."""
    digest = hashlib.sha256()
    paths = [ROOT / 'scripts' / 'demo.py']
    for base in ['addons', 'scripts/demo']:
        paths.extend(sorted((ROOT / base).rglob('*')))
    for path in paths:
        if path.is_file() and '__pycache__' not in path.parts:
            stat = path.stat()
            digest.update(f'{path.relative_to(ROOT)} {stat.st_size} '
                f'{stat.st_mtime_ns}\n'.encode())
    digest.update((ROOT / 'trytond.conf').read_bytes())
    digest.update((LOAD_DEMO + LIGHTS_FIXTURE).encode())
    return digest.hexdigest()[:16]


_process_cache = None


def _cache_dir():
    "SUSHI_DEMO_CACHE, or a directory of this process removed at its exit."
    global _process_cache
    if os.environ.get('SUSHI_DEMO_CACHE'):
        path = Path(os.environ['SUSHI_DEMO_CACHE'])
        path.mkdir(parents=True, exist_ok=True)
        return path, False
    if _process_cache is None:
        _process_cache = Path(tempfile.mkdtemp(prefix='sushi-demo-cache-'))
        atexit.register(shutil.rmtree, _process_cache, ignore_errors=True)
    return _process_cache, True


class DemoTemplate:
    """The demo database of one backend, built once and copied for each
    server: a file of the cache directory on SQLite, a database on the
    PostgreSQL server.  Its description (name, password, light numbers,
    build times) is a JSON file of the cache directory; a lock file there
    lets one process build it while the others wait."""

    _known = {}

    def __init__(self, uri):
        self.uri = uri
        self.backend = urllib.parse.urlsplit(uri).scheme.split('+')[0]
        self.cache, self._temporary = _cache_dir()
        self.key = f'{self.backend}-{_fingerprint()}'
        self.database = f'sushi_demo_{self.key.split("-")[1]}'
        self.info_file = self.cache / f'demo-{self.key}.json'
        self.file = self.cache / f'demo-{self.key}.sqlite'

    @classmethod
    def get(cls, uri):
        "The template of uri's backend, built when it is not there."
        template = cls._known.get(uri)
        if template is None:
            template = cls(uri)
            template.ensure()
            cls._known[uri] = template
        return template

    def ensure(self):
        with open(self.cache / f'demo-{self.key}.lock', 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self._exists():
                self._build()
            self.info = json.loads(self.info_file.read_text())

    def _exists(self):
        if not self.info_file.exists():
            return False
        if self.backend == 'sqlite':
            return self.file.exists()
        with _pg_connect(self.uri) as conn:
            return bool(conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s",
                    (self.database,)).fetchone())

    def _build(self):
        builder = DemoServer(self.uri)
        builder.database = self.database
        builder.dir = Path(tempfile.mkdtemp(prefix='sushi-demo-build-'))
        (builder.dir / 'db').mkdir()
        try:
            builder.config_file = builder._write_config()
            started = time.monotonic()
            if self.backend == 'postgresql':
                with _pg_connect(self.uri) as conn:
                    _drop_pg(conn, self.database)
            builder._create_database()
            builder._activate()
            timings = {'activate': time.monotonic() - started}
            started = time.monotonic()
            output = builder._load_demo()
            timings['demo'] = time.monotonic() - started
            lights = dict(re.findall(
                    r'^(red|yellow) (\S+)$', output, re.MULTILINE))
            if self.backend == 'sqlite':
                shutil.move(builder.dir / 'db' / f'{self.database}.sqlite',
                    self.file)
            # kept: the servers copy it
            builder._created = False
            if self._temporary:
                atexit.register(self.drop)
            self.info_file.write_text(json.dumps({
                        'database': self.database,
                        'password': builder.password,
                        'lights': lights, 'timings': timings}))
        finally:
            builder.stop()
        sys.stderr.write(f'\n(demo database built for {self.backend}: '
            f'activation {timings["activate"]:.0f} s, '
            f'demo data {timings["demo"]:.0f} s)\n')

    def copy_to(self, server):
        "Give server a database of its own that is a copy of the template."
        if self.backend == 'sqlite':
            shutil.copyfile(self.file,
                server.dir / 'db' / f'{server.database}.sqlite')
        else:
            from psycopg.sql import SQL, Identifier
            with _pg_connect(self.uri) as conn:
                conn.execute(SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        Identifier(server.database),
                        Identifier(self.database)))
        server._created = True

    def drop(self):
        if self.backend == 'postgresql':
            with contextlib.suppress(Exception), _pg_connect(self.uri) as conn:
                _drop_pg(conn, self.database)


def _pg_connect(uri):
    import psycopg
    parts = urllib.parse.urlsplit(uri)
    return psycopg.connect(
        parts._replace(path='/postgres').geturl(), autocommit=True)


def _drop_pg(conn, database):
    from psycopg.sql import SQL, Identifier
    conn.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            Identifier(database)))


class DemoServer:
    """A trytond serving sao and a fresh copy of the demo database.

    Use start() and stop() (stop() is safe to call after a failed start).
    Every demo account of scripts/demo.py has `password`; `lights` maps
    'red' and 'yellow' to the numbers of the complaints of LIGHTS_FIXTURE.
    """

    def __init__(self, uri=None):
        self.uri = uri or os.environ.get('TRYTOND_DATABASE_URI') or 'sqlite://'
        self.backend = urllib.parse.urlsplit(self.uri).scheme.split('+')[0]
        if self.backend not in {'sqlite', 'postgresql'}:
            raise HarnessError(f"unsupported database URI: {self.uri}")
        self.database = f'sushi_browser_{secrets.token_hex(4)}'
        self.password = secrets.token_urlsafe(12)
        self.lights = {}
        self.dir = None
        self.port = None
        self.process = None
        self.log = None
        self._log_file = None
        self._created = False
        self.timings = {}

    @property
    def url(self):
        return f'http://127.0.0.1:{self.port}/'

    @property
    def database_url(self):
        "sao's address with this database chosen."
        return f'{self.url}#{self.database}'

    # Set up

    def start(self):
        check_sao()
        started = time.monotonic()
        template = DemoTemplate.get(self.uri)
        self.timings['template'] = time.monotonic() - started
        self.password = template.info['password']
        self.lights = template.info['lights']
        self.dir = Path(tempfile.mkdtemp(prefix='sushi-browser-'))
        (self.dir / 'db').mkdir()
        self.log = self.dir / 'trytond.log'
        self.config_file = self._write_config()
        started = time.monotonic()
        template.copy_to(self)
        self.timings['copy'] = time.monotonic() - started
        started = time.monotonic()
        self._serve()
        self.timings['serve'] = time.monotonic() - started
        started = time.monotonic()
        self._warm()
        self.timings['warm'] = time.monotonic() - started

    def _warm(self):
        """trytond loads the database's modules at the first request for it,
        and the knowledge search its dictionary at the first search: one
        public search does both before the first test logs in, so that no
        test's timeouts or latency bounds pay for them."""
        query = urllib.parse.urlencode({'q': '社保卡补办'})
        try:
            with urllib.request.urlopen(
                    f'{self.url}{self.database}/knowledge/search?{query}',
                    timeout=ACTIVATE_TIMEOUT) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            pass  # the tests will say what does not answer

    def _env(self):
        env = {k: v for k, v in os.environ.items()
            if k not in RUNNER_VARIABLES}
        env['TRYTOND_DATABASE__URI'] = self.uri
        env['TRYTOND_DATABASE__PATH'] = str(self.dir / 'db')
        if self.port:
            env['TRYTOND_WEB__LISTEN'] = f'127.0.0.1:{self.port}'
        env['TRYTOND_WEB__ROOT'] = str(SAO)
        env['PYTHONPATH'] = os.pathsep.join(
            filter(None, [str(ROOT), env.get('PYTHONPATH')]))
        return env

    def _write_config(self):
        "trytond.conf with this run's database, port and web root."
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(ROOT / 'trytond.conf', encoding='utf-8')
        for section in ['database', 'web']:
            if not parser.has_section(section):
                parser.add_section(section)
        parser.set('database', 'uri', self.uri)
        parser.set('database', 'path', str(self.dir / 'db'))
        if self.port:
            parser.set('web', 'listen', f'127.0.0.1:{self.port}')
        parser.set('web', 'root', str(SAO))
        path = self.dir / 'trytond.conf'
        with open(path, 'w', encoding='utf-8') as f:
            parser.write(f)
        return path

    def _create_database(self):
        if self.backend == 'sqlite':
            (self.dir / 'db' / f'{self.database}.sqlite').touch()
        else:
            from psycopg.sql import SQL, Identifier
            with _pg_connect(self.uri) as conn:
                conn.execute(SQL(
                        "CREATE DATABASE {} TEMPLATE template0 "
                        "ENCODING 'unicode'").format(
                        Identifier(self.database)))
        self._created = True

    def _drop_database(self):
        if not self._created or self.backend != 'postgresql':
            return
        with _pg_connect(self.uri) as conn:
            _drop_pg(conn, self.database)
        self._created = False

    def _bin(self, name):
        candidate = Path(sys.executable).parent / name
        return str(candidate) if candidate.exists() else (
            shutil.which(name) or name)

    def _run(self, what, command, env):
        result = subprocess.run(command, env=env, cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=ACTIVATE_TIMEOUT, preexec_fn=_die_with_parent)
        if result.returncode:
            output = '\n'.join(result.stdout.splitlines()[-200:])
            sys.stderr.write(f'\n--- {what} failed ---\n{output}\n')
            raise HarnessError(
                f"{what} failed (exit {result.returncode}):\n{output}")
        return result.stdout

    def _activate(self):
        "As scripts/setup_db.py: every sushi module, an admin, zh_CN."
        env = self._env()
        passfile = self.dir / 'admin.pass'
        passfile.write_text(self.password)
        env['TRYTONPASSFILE'] = str(passfile)
        self._run('trytond-admin', [self._bin('trytond-admin'),
                '-c', str(self.config_file), '-d', self.database,
                '-u', *MODULES, '--activate-dependencies',
                '--email', 'admin@example.org'], env)

    def _load_demo(self):
        env = self._env()
        env['SUSHI_DEMO_PASSWORD'] = self.password
        # The tests assert the demo's own orders (first pages, counts,
        # states); the six months of history (scripts/demo/history.py) stay
        # out of their database.
        env['SUSHI_DEMO_HISTORY'] = '0'
        return self._run('loading the demo data', [sys.executable, '-c',
                LOAD_DEMO + LIGHTS_FIXTURE, self.database,
                str(self.config_file), str(ROOT / 'scripts')], env)

    def _serve(self, attempts=3):
        for attempt in range(attempts):
            # The port is chosen right before trytond binds it, and chosen
            # again if another process took it in between.
            self.port = free_port()
            self.config_file = self._write_config()
            error = self._launch()
            if error is None:
                return
            if 'Address already in use' not in _tail(self.log):
                break
        log = _tail(self.log)
        sys.stderr.write(f'\n--- trytond log ({self.log}) ---\n{log}\n')
        raise HarnessError(f"the server did not start: {error}\n"
            f"--- trytond log ---\n{log}")

    def _launch(self):
        "Start trytond; return None once it serves sao, else the error."
        if self._log_file:
            self._log_file.close()
        self._log_file = open(self.log, 'w', encoding='utf-8')
        self.process = subprocess.Popen(
            [self._bin('trytond'), '-c', str(self.config_file),
                '-d', self.database, '-v'],
            env=self._env(), cwd=ROOT, stdin=subprocess.DEVNULL,
            stdout=self._log_file, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        error = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"trytond exited with status {self.process.returncode}"
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200 and b'tryton-sao' in (
                            response.read()):
                        return None
            except (urllib.error.URLError, OSError) as e:
                error = e
            time.sleep(0.25)
        self._terminate()
        return f"no answer on {self.url} after {START_TIMEOUT} s ({error})"

    # Tear down

    def _terminate(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)

    def stop(self):
        try:
            self._terminate()
        finally:
            if self._log_file:
                self._log_file.close()
            try:
                self._drop_database()
            finally:
                if self.dir:
                    shutil.rmtree(self.dir, ignore_errors=True)

    def server_log(self, lines=200):
        return _tail(self.log, lines) if self.log else '(not started)'


class RunningServer:
    """A demo server started elsewhere, described by the JSON file of
    SUSHI_TEST_SERVER (url, db, password, dir, uri and lights): for working
    on the tests without starting a server each time."""

    def __init__(self, path):
        data = json.loads(Path(path).read_text())
        self.url, self.database = data['url'], data['db']
        self.password, self.dir = data['password'], Path(data['dir'])
        self.uri = data.get('uri', 'sqlite://')
        self.lights = data.get('lights', {})
        self.backend = urllib.parse.urlsplit(self.uri).scheme
        self.config_file = self.dir / 'trytond.conf'
        self.log = self.dir / 'trytond.log'

    database_url = DemoServer.database_url
    server_log = DemoServer.server_log

    def _env(self):
        env = {k: v for k, v in os.environ.items()
            if k not in RUNNER_VARIABLES}
        env['PYTHONPATH'] = os.pathsep.join(
            filter(None, [str(ROOT), env.get('PYTHONPATH')]))
        return env

    def stop(self):
        pass


_shared = {}


def shared_server():
    """The demo server of this process on TRYTOND_DATABASE_URI's backend,
    started at the first call and stopped when the process ends.  For test
    classes that only add records of their own and assert nothing about
    the others'.  With SUSHI_TEST_SERVER, the server it describes."""
    if os.environ.get('SUSHI_TEST_SERVER'):
        return RunningServer(os.environ['SUSHI_TEST_SERVER'])
    server = DemoServer()
    if server.uri not in _shared:
        try:
            server.start()
        except BaseException:
            server.stop()
            raise
        atexit.register(server.stop)
        _shared[server.uri] = server
    return _shared[server.uri]


class Browser:
    "Headless Chromium through Playwright, one per test class."

    def __init__(self, server=None, timeout=2 * WAIT * 1000):
        self.server = server
        self.timeout = timeout
        self.playwright = None
        self.browser = None
        self.shots = None

    def start(self):
        executable = find_chromium()
        from playwright.sync_api import expect, sync_playwright
        # Playwright's assertions wait 5 s by default: too little for a
        # loaded machine (the process-wide setting, for every test module).
        expect.set_options(timeout=WAIT * 1000)
        self.playwright = sync_playwright().start()
        try:
            self.browser = self.playwright.chromium.launch(
                executable_path=executable, headless=True,
                args=CHROMIUM_ARGS)
        except Exception:
            self.playwright.stop()
            self.playwright = None
            raise

    def stop(self):
        try:
            if self.browser:
                self.browser.close()
        finally:
            if self.playwright:
                self.playwright.stop()
            self.browser = self.playwright = None

    @contextlib.contextmanager
    def page(self, name='page', locale='en-US', dump=True, **options):
        """A page in a new browser context (no shared session storage).

        When the block fails (and dump is true), a screenshot, the page's
        HTML and its console are written into a kept temporary directory
        whose path is printed; the server log is printed too."""
        context = self.browser.new_context(locale=locale,
            viewport={'width': 1400, 'height': 900}, **options)
        context.set_default_timeout(self.timeout)
        page = context.new_page()
        console = []
        page.on('console', lambda m: console.append(f'{m.type}: {m.text}'))
        page.on('pageerror', lambda e: console.append(f'pageerror: {e}'))
        try:
            yield page
        except BaseException:
            if dump:
                self._dump(page, name, console)
            raise
        finally:
            context.close()

    def _dump(self, page, name, console):
        if self.shots is None:
            self.shots = Path(tempfile.mkdtemp(prefix='sushi-browser-shots-'))
        base = self.shots / ''.join(
            c if c.isalnum() or c in '._-' else '_' for c in name)
        try:
            page.screenshot(path=f'{base}.png', full_page=True)
            Path(f'{base}.html').write_text(page.content(), encoding='utf-8')
        except Exception as e:  # the page itself may be gone
            console.append(f'(no screenshot: {e})')
        Path(f'{base}.console.txt').write_text('\n'.join(console),
            encoding='utf-8')
        sys.stderr.write(f'\nbrowser failure: screenshot {base}.png, '
            f'console {base}.console.txt\n')
        if self.server:
            sys.stderr.write(f'--- trytond log (last lines) ---\n'
                f'{self.server.server_log(60)}\n')
