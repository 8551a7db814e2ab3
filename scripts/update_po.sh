#!/usr/bin/env bash
# Refresh every module's locale/zh_CN.po from the code: new strings appear
# with an empty msgstr (and a fuzzy guess where Tryton has one), existing
# translations are kept.  Runs on a throwaway SQLite database whose default
# language is English, as Tryton's export requires.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/po.sqlite"
# Modules given as arguments, or all of them.
modules=${*:-$(ls -d addons/sushi_* | xargs -n1 basename)}
echo admin > "$tmp/pass"
TRYTOND_DATABASE__PATH="$tmp" TRYTONPASSFILE="$tmp/pass" \
    .venv/bin/trytond-admin -d po -u $modules --activate-dependencies \
    --email admin@localhost -l zh_CN --export-translations
for m in $modules; do
    po=addons/$m/locale/zh_CN.po
    [ -f "$po" ] || printf '#\nmsgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n' > "$po"
    .venv/bin/python - "$po" <<'PY'
import sys, polib
po = polib.pofile(sys.argv[1])
todo = [e for e in po if not e.msgstr or 'fuzzy' in e.flags]
print(f"{sys.argv[1]}: {len(po)} strings, {len(todo)} to translate")
PY
done
