#!/usr/bin/env python3
"""Print (or, with --write, update) the package list of pyproject.toml:
every module under addons/ with each of its sub-directories, so that
setuptools ships views, translations, icons and templates."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def packages():
    result = []
    for module in sorted((ROOT / 'addons').glob('sushi_*')):
        result.append(f'trytond.modules.{module.name}')
        for sub in sorted(p for p in module.rglob('*') if p.is_dir()
                if '__pycache__' not in p.parts):
            rel = sub.relative_to(module).as_posix().replace('/', '.')
            result.append(f'trytond.modules.{module.name}.{rel}')
    return result


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
