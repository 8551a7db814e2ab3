#!/usr/bin/env python3
"""Create or update the database of `make run`.

A new database gets every sushi module, zh_CN as its language, an
administrator and one demo account per role (their passwords are printed
once, here, and stored nowhere) and the demo data.  An existing database is
updated: the modules are upgraded and the data kept.
"""
import argparse
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(p.name for p in (ROOT / 'addons').glob('sushi_*'))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--database', default='sushi')
    parser.add_argument('--config', default=str(ROOT / 'trytond.conf'))
    args = parser.parse_args()

    db_dir = Path(os.environ.setdefault(
            'TRYTOND_DATABASE__PATH', str(ROOT / 'db')))
    db_dir.mkdir(parents=True, exist_ok=True)
    db_file = db_dir / f'{args.database}.sqlite'
    uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
    new = uri.startswith('sqlite') and not db_file.exists()
    if new:
        db_file.touch()

    admin_password = secrets.token_urlsafe(9)
    command = [str(ROOT / '.venv' / 'bin' / 'trytond-admin'),
        '-c', args.config, '-d', args.database,
        '-u', *MODULES, '--activate-dependencies']
    env = os.environ.copy()
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        if new:
            passfile.write(admin_password)
            passfile.flush()
            env['TRYTONPASSFILE'] = passfile.name
            command += ['--email', 'admin@example.org']
        print(('Creating' if new else 'Updating'),
            f'database "{args.database}" ...', flush=True)
        result = subprocess.run(command, env=env)
    if result.returncode:
        if new:
            db_file.unlink()
        sys.exit(result.returncode)
    if not new:
        return

    from proteus import config
    config.set_trytond(args.database, config_file=args.config)
    sys.path.insert(0, str(ROOT / 'scripts'))
    import demo
    accounts = demo.load()
    print()
    print('宿事速办 演示账号 (demo accounts; passwords are shown only now):')
    for login, name, password in [('admin', '平台管理员', admin_password)] + [
            tuple(a) for a in accounts]:
        print(f'  {login:<14} {pad(name, 26)} {password}')
    print()


def pad(text, width):
    "Pad text to a display width: a Chinese character takes two columns."
    import unicodedata
    used = sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1
        for c in text)
    return text + ' ' * max(0, width - used)


if __name__ == '__main__':
    main()
