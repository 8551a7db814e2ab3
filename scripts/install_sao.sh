#!/usr/bin/env bash
# Install the sao 8.0 web client from npm into .sao/package, with its own
# dependencies, plus the project's custom.js/custom.css and the Chinese
# strings sao 8.0 leaves untranslated.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${SAO_VERSION:-8.0}
if [ ! -f .sao/package/.installed-$version ]; then
    rm -rf .sao && mkdir -p .sao
    (cd .sao && npm pack --silent "tryton-sao@$version" >/dev/null \
        && tar xzf tryton-sao-*.tgz && rm tryton-sao-*.tgz)
    (cd .sao/package && npm install --omit=dev --legacy-peer-deps \
        --no-audit --no-fund --loglevel=error)
    touch .sao/package/.installed-$version
fi
cp sao/custom.js sao/custom.css .sao/package/
.venv/bin/python - <<'PY'
import json
path = '.sao/package/locale/zh_CN.json'
data = json.load(open(path, encoding='utf-8'))
extra = json.load(open('sao/zh_CN.extra.json', encoding='utf-8'))
for key, value in extra.items():
    data[key] = [None, value]
json.dump(data, open(path, 'w', encoding='utf-8'), ensure_ascii=False)
PY
