#!/usr/bin/env bash
# Serve sao and the modules' routes on http://localhost:8000 with
# trytond-cron beside it; Ctrl-C stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
db=${1:-sushi}
conf=${TRYTOND_CONFIG_FILE:-trytond.conf}
# As production runs (deploy/): without -O, trytond's browse() asserts
# every id of the list for every record, quadratic in the list's length
# (the city leader's assessment periods, 25 000 score lines: 40 s, 0.6 s
# with -O).
export PYTHONOPTIMIZE=${PYTHONOPTIMIZE:-1}
.venv/bin/trytond-cron -c "$conf" -d "$db" &
cron=$!
.venv/bin/trytond -c "$conf" -d "$db" &
web=$!
stop() {
    trap - INT TERM EXIT
    kill "$web" "$cron" 2>/dev/null
    wait "$web" "$cron" 2>/dev/null
    exit 0
}
trap stop INT TERM EXIT
echo "宿事速办: http://localhost:8000/#$db  (Ctrl-C to stop)"
wait -n "$web" "$cron"
stop
