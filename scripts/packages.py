#!/usr/bin/env python3
"""Print (or, with --write, update) the package list of pyproject.toml:
every module under addons/ with each of its sub-directories that hold files
tracked by git (add new files first), so that setuptools ships views,
translations, icons and templates."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def packages():
    "The directories of addons/ that hold files git tracks."
    import subprocess
    files = subprocess.run(['git', 'ls-files', 'addons'], cwd=ROOT,
        capture_output=True, text=True, check=True).stdout.split()
    result = set()
    for name in files:
        parts = name.split('/')[1:-1]
        if parts and parts[0].startswith('sushi_'):
            result.add('trytond.modules.' + '.'.join(parts))
    return sorted(result)


def main():
    block = 'packages = [\n' + ''.join(
        f'    "{p}",\n' for p in packages()) + ']'
    if '--write' not in sys.argv:
        print(block)
        return
    path = ROOT / 'pyproject.toml'
    text = path.read_text()
    text = re.sub(r'packages = \[\n(?:    ".*",\n)*\]', block, text)
    path.write_text(text)


if __name__ == '__main__':
    main()
