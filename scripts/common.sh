#!/usr/bin/env bash
# Shared settings for the qcat platform scripts. Source it; do not run it.
# Everything lives under $QCAT_WORK (default <repo>/.qcat-work, gitignored).
set -euo pipefail

QCAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QCAT_WORK="${QCAT_WORK:-$QCAT_ROOT/.qcat-work}"
# Ports: a port base of our own, so that other Payara domains on the machine do not collide.
# admin = base+48, http = base+80, https = base+81 (asadmin create-domain --portbase).
QCAT_PORTBASE="${QCAT_PORTBASE:-28000}"
QCAT_ADMIN_PORT=$((QCAT_PORTBASE + 48))
QCAT_HTTP_PORT=$((QCAT_PORTBASE + 80))
QCAT_HAZELCAST_PORT="${QCAT_HAZELCAST_PORT:-$((QCAT_PORTBASE + 900))}"
QCAT_DOMAIN="${QCAT_DOMAIN:-qcat}"
# Heap of the Payara JVM: the model lives there (tiny random model: a few MB; Qwen2.5-0.5B in
# fp32: ~2 GB, so raise QCAT_HEAP for real checkpoints).
QCAT_HEAP="${QCAT_HEAP:-1536m}"

QCAT_PG_PORT="${QCAT_PG_PORT:-28432}"
QCAT_PG_DATA="${QCAT_PG_DATA:-$QCAT_WORK/pgdata}"
QCAT_DB="${QCAT_DB:-qcat}"
QCAT_DB_USER="${QCAT_DB_USER:-qcat}"
QCAT_DB_PASSWORD="${QCAT_DB_PASSWORD:-qcat}"
PG_BIN="${PG_BIN:-}"
# QCAT_PG_EMBEDDED=1 forces the embedded fallback even where the Debian server is installed.
if [[ -z "$PG_BIN" && -z "${QCAT_PG_EMBEDDED:-}" ]]; then
  for v in 17 16 15 14 13; do
    if [[ -x "/usr/lib/postgresql/$v/bin/initdb" ]]; then PG_BIN="/usr/lib/postgresql/$v/bin"; break; fi
  done
fi

# Bootstrap credentials for the first start of an empty database (see README).
QCAT_ADMIN_PASSWORD="${QCAT_ADMIN_PASSWORD:-admin-change-me}"
QCAT_REVIEWER_PASSWORD="${QCAT_REVIEWER_PASSWORD:-reviewer-change-me}"

PAYARA_VERSION="$(sed -n 's:.*<payara.version>\(.*\)</payara.version>.*:\1:p' "$QCAT_ROOT/pom.xml" | head -1)"
PAYARA_HOME="$QCAT_WORK/payara6"
ASADMIN="$PAYARA_HOME/bin/asadmin"
QCAT_EAR="$QCAT_ROOT/app-ear/target/qcat.ear"

log() { printf '[qcat %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[qcat] ERROR: %s\n' "$*" >&2; exit 1; }
asadmin() { "$ASADMIN" --port "$QCAT_ADMIN_PORT" --interactive=false "$@"; }

# Waits until URL answers an HTTP status other than 000/404/503 or the timeout (seconds) passes.
wait_http() {
  local url="$1" timeout="${2:-120}" code start=$SECONDS
  while (( SECONDS - start < timeout )); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)"
    if [[ "$code" != "000" && "$code" != "404" && "$code" != "503" ]]; then return 0; fi
    sleep 1
  done
  return 1
}
