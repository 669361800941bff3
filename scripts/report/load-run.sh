#!/usr/bin/env bash
# Bounded load run on loopback against a running qcat server (issue 5): wrk for DURATION with
# CONNECTIONS concurrent clients posting /classify, and the Payara JVM's resident memory before
# and after. Usage: scripts/report/load-run.sh TAXONOMY API_KEY [DURATION=300s] [CONNECTIONS=8]
# Env: QCAT_PORTBASE (default 28000), QCAT_LOAD_QUESTIONS (default the BANKING77 test file).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
taxonomy="$1" key="$2" duration="${3:-300s}" conns="${4:-8}"
port=$(( ${QCAT_PORTBASE:-28000} + 80 ))
questions="${QCAT_LOAD_QUESTIONS:-$root/../shared/datasets/banking77/test.jsonl}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
work="${QCAT_WORK:-$root/.qcat-work}"
pid="$(pgrep -f "domaindir $work/payara6/glassfish/domains/${QCAT_DOMAIN:-qcat}( |$)" | head -1 || true)"
[[ -n "$pid" ]] || { echo "no running Payara domain ${QCAT_DOMAIN:-qcat} under $work" >&2; exit 1; }
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$pid/status"; }
echo "Payara JVM pid $pid, RSS before: $(rss)"
wrk -t2 -c"$conns" -d"$duration" --timeout 60s --latency -s "$root/scripts/report/classify.lua" \
  "http://127.0.0.1:$port/qcat/api/v1/classify" -- "$questions" "$taxonomy" "$key"
echo "RSS after: $(rss)"
sleep 30
echo "RSS 30 s after: $(rss)"
