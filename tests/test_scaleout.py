# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The scale-out layout (issue #14, deploy/docker-compose.yml), tried.

Two trytond processes serve one PostgreSQL database with the production
cache setting `[cache] clean_timeout = 0` (LISTEN/NOTIFY): a change made
through one is seen through the other at once, not after the 5 minutes of
the default polling.  Two trytond-cron processes started together run a
due task once.

The database has Tryton's base modules only (the cache and the cron are
Tryton's, the sushi modules add nothing to them), activated once per
PostgreSQL cluster into a template database: the first run costs one
base activation (about 20 s on an idle 2-core machine), later ones
seconds.  Skipped on SQLite: one file, one
process."""
import configparser
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
from pathlib import Path

from tests.rpc import Client, RPCError

ROOT = Path(__file__).resolve().parent.parent
URI = os.environ.get('TRYTOND_DATABASE_URI', '')
PASSWORD = 'scale-out-admin-0'
TEMPLATE = 'sushi_scaleout_base'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@unittest.skipUnless(URI.startswith('postgresql'),
    "scale-out needs PostgreSQL (LISTEN/NOTIFY, several processes)")
class ScaleOutTestCase(unittest.TestCase):
    "Two trytond processes and two crons on one PostgreSQL database."

    @classmethod
    def setUpClass(cls):
        import psycopg
        from psycopg.sql import SQL, Identifier
        cls.dir = Path(tempfile.mkdtemp(prefix='sushi-scaleout-'))
        cls.database = f'scaleout_{os.getpid()}'
        cls.processes = []
        parts = urllib.parse.urlsplit(URI)
        cls.admin_uri = parts._replace(path='/postgres').geturl()
        config = configparser.ConfigParser(interpolation=None)
        config['database'] = {'uri': URI, 'path': str(cls.dir)}
        # the production setting (config/production.conf)
        config['cache'] = {'clean_timeout': '0'}
        config['session'] = {'max_attempt': '100'}
        cls.config = cls.dir / 'trytond.conf'
        with open(cls.config, 'w') as f:
            config.write(f)
        passfile = cls.dir / 'admin.pass'
        passfile.write_text(PASSWORD)
        env = {'TRYTONPASSFILE': str(passfile)}
        with psycopg.connect(cls.admin_uri, autocommit=True) as conn:
            template = conn.execute("SELECT 1 FROM pg_database "
                "WHERE datname = %s", (TEMPLATE,)).fetchone()
            if not template:
                # the base modules, activated once per cluster
                conn.execute(SQL("CREATE DATABASE {} TEMPLATE template0 "
                        "ENCODING 'unicode'").format(Identifier(TEMPLATE)))
        if not template:
            cls.run_tool('trytond-admin', '-d', TEMPLATE, '--all',
                '--email', 'admin@example.org', env=env)
        with psycopg.connect(cls.admin_uri, autocommit=True) as conn:
            conn.execute(SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    Identifier(cls.database), Identifier(TEMPLATE)))
        cls.run_tool('trytond-admin', '-d', cls.database, '--password',
            env=env)
        cls.urls = [cls.serve(), cls.serve()]

    @classmethod
    def tearDownClass(cls):
        import psycopg
        from psycopg.sql import SQL, Identifier
        for process in cls.processes:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with psycopg.connect(cls.admin_uri, autocommit=True) as conn:
            conn.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                .format(Identifier(cls.database)))
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def env(cls, **extra):
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_') and k not in {
                'DB_NAME', 'DB_CACHE'}}
        env.update(extra)
        return env

    @classmethod
    def tool(cls, name):
        return str(Path(sys.executable).with_name(name))

    @classmethod
    def run_tool(cls, name, *args, env=None):
        subprocess.run([cls.tool(name), '-c', str(cls.config), *args],
            env=cls.env(**(env or {})), check=True, timeout=300,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    @classmethod
    def serve(cls):
        "Start one trytond process; return its URL once it answers."
        port = free_port()
        log = open(cls.dir / f'trytond-{port}.log', 'w')
        process = subprocess.Popen([cls.tool('trytond'), '-c',
                str(cls.config), '-d', cls.database],
            env=cls.env(TRYTOND_WEB__LISTEN=f'127.0.0.1:{port}'),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        cls.processes.append(process)
        url = f'http://127.0.0.1:{port}/'
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + cls.database + '/', timeout=30)
                return url
            except urllib.error.HTTPError:
                return url  # it answers
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"trytond on port {port} did not start")

    def test_change_seen_through_the_other_process(self):
        """A user's new group, given through one process, opens a model
        through the other at once: the other process had cached the user's
        groups (res.user.get_groups) and the model's access."""
        admin = Client(self.urls[0], self.database, 'admin', PASSWORD)
        group, = admin.call('model.res.group.search',
            [('name', '=', 'Administration')], 0, None, None, {})
        user, = admin.call('model.res.user.create', [{
                    'login': 'dispatcher_a', 'name': '调度员甲',
                    'password': 'scale-out-user-1'}], {})
        other = Client(self.urls[1], self.database, 'dispatcher_a',
            'scale-out-user-1')
        with self.assertRaises(RPCError) as refused:
            other.call('model.ir.error.search', [], 0, None, None, {})
        # Tryton answers a refused access as a UserError
        self.assertIn(refused.exception.kind, {'AccessError', 'UserError'})
        admin.call('model.res.user.write', [user],
            {'groups': [('add', [group])]}, {})
        # at once in practice; 60 s (well under the 5 minutes of the
        # default polling) for a loaded machine
        deadline = time.monotonic() + 60
        while True:
            try:
                found = other.call(
                    'model.ir.error.search', [], 0, None, None, {})
                break
            except RPCError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.assertEqual(found, [])  # allowed now (no error logged)

    def test_cron_runs_once(self):
        "Two trytond-cron processes started together run a due task once."
        client = Client(self.urls[0], self.database, 'admin', PASSWORD)
        past = dt.datetime.utcnow() - dt.timedelta(minutes=5)
        cron_id, = client.call('model.ir.cron.create', [{
                    'method': 'ir.cron.log|clean',
                    'interval_number': 1, 'interval_type': 'days',
                    'next_call': past,
                    }], {})
        crons = [subprocess.Popen([self.tool('trytond-cron'), '-c',
                    str(self.config), '-d', self.database, '--once'],
                env=self.env(), stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL) for _ in range(2)]
        for process in crons:
            self.assertEqual(process.wait(120), 0)
        runs = client.call('model.ir.cron.log.search_count',
            [('cron', '=', cron_id)], 0, None, {})
        self.assertEqual(runs, 1)
        next_call, = client.call('model.ir.cron.read', [cron_id],
            ['next_call'], {})
        self.assertIsNotNone(next_call['next_call'])


if __name__ == '__main__':
    unittest.main()
