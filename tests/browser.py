"""Browser test harness: a demo server of its own and headless Chromium.

`DemoServer` builds a fresh database on the backend of
TRYTOND_DATABASE_URI (SQLite: a file in a temporary directory; PostgreSQL:
CREATE DATABASE on that server, dropped at the end), activates every sushi
module with zh_CN as the database language the way scripts/setup_db.py does,
loads scripts/demo.py's demo data with one known password for every account
and serves sao from .sao/package with `trytond` on a free port.  It never
touches the database named by DB_NAME (the Tryton module tests' own).

`Browser` drives headless Chromium (Debian package `chromium`) with
Playwright; `Browser.page()` saves a screenshot and the browser console
when the block inside it fails.

trytond reads its configuration file after the TRYTOND_* environment
variables, so a value present in trytond.conf ([database] uri, [web]
listen) would win over an environment override: the server and the admin
commands get a copy of trytond.conf with the database URI, the database
path, the listen address and the web root of this run written into it.
"""
import configparser
import contextlib
import os
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


class DemoServer:
    """A trytond serving sao and a fresh demo database.

    Use start() and stop() (stop() is safe to call after a failed start).
    Every demo account of scripts/demo.py has `password`."""

    def __init__(self, uri=None):
        self.uri = uri or os.environ.get('TRYTOND_DATABASE_URI') or 'sqlite://'
        self.backend = urllib.parse.urlsplit(self.uri).scheme.split('+')[0]
        if self.backend not in {'sqlite', 'postgresql'}:
            raise HarnessError(f"unsupported database URI: {self.uri}")
        self.database = f'sushi_browser_{secrets.token_hex(4)}'
        self.password = secrets.token_urlsafe(12)
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
        self.dir = Path(tempfile.mkdtemp(prefix='sushi-browser-'))
        (self.dir / 'db').mkdir()
        self.log = self.dir / 'trytond.log'
        self.config_file = self._write_config()
        started = time.monotonic()
        self._create_database()
        self._activate()
        self.timings['activate'] = time.monotonic() - started
        started = time.monotonic()
        self._load_demo()
        self.timings['demo'] = time.monotonic() - started
        started = time.monotonic()
        self._serve()
        self.timings['serve'] = time.monotonic() - started

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

    def _pg_connect(self):
        import psycopg
        parts = urllib.parse.urlsplit(self.uri)
        return psycopg.connect(
            parts._replace(path='/postgres').geturl(), autocommit=True)

    def _create_database(self):
        if self.backend == 'sqlite':
            (self.dir / 'db' / f'{self.database}.sqlite').touch()
        else:
            from psycopg.sql import SQL, Identifier
            with self._pg_connect() as conn:
                conn.execute(SQL(
                        "CREATE DATABASE {} TEMPLATE template0 "
                        "ENCODING 'unicode'").format(
                        Identifier(self.database)))
        self._created = True

    def _drop_database(self):
        if not self._created or self.backend != 'postgresql':
            return
        from psycopg.sql import SQL, Identifier
        with self._pg_connect() as conn:
            conn.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    Identifier(self.database)))
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
        self._run('loading the demo data', [sys.executable, '-c', LOAD_DEMO,
                self.database, str(self.config_file),
                str(ROOT / 'scripts')], env)

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


class Browser:
    "Headless Chromium through Playwright, one per test class."

    def __init__(self, server=None, timeout=60_000):
        self.server = server
        self.timeout = timeout
        self.playwright = None
        self.browser = None
        self.shots = None

    def start(self):
        executable = find_chromium()
        from playwright.sync_api import sync_playwright
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
