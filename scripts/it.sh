#!/usr/bin/env bash
# Runs the Arquillian integration tests (app-it, *IT) on a real Payara and a real PostgreSQL.
# Everything is set up here, isolated from a running `qcat-server`: domain `qcat-it` on port base
# 29000 (admin 29048, http 29080), PostgreSQL on 29432 with a fresh database `qcat_it`.
#   scripts/it.sh            build, set up, run the ITs, stop domain and PostgreSQL
#   QCAT_IT_KEEP=1 scripts/it.sh       leave both running afterwards (faster reruns)
#   QCAT_IT_SKIP_BUILD=1 scripts/it.sh reuse the built EAR
# Exit status: that of the Maven run (0 = all ITs passed).
export QCAT_PORTBASE="${QCAT_IT_PORTBASE:-29000}"
export QCAT_DOMAIN=qcat-it
export QCAT_PG_PORT="${QCAT_IT_PG_PORT:-29432}"
export QCAT_DB=qcat_it
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export QCAT_PG_DATA="$QCAT_WORK/pgdata-it"

start_s=$SECONDS
cd "$QCAT_ROOT"
# The portal's browser tests (PortalIT) drive Debian's headless Chromium through ChromeDriver
# (PLATFORM.md caveat 6). CI is a fresh machine running as root: install them when missing.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  log "installing chromium and chromium-driver (apt-get)"
  if [[ $(id -u) == 0 ]]; then
    apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
  else
    sudo apt-get update -qq >&2 || true
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
  fi
fi
if [[ -z "${QCAT_IT_SKIP_BUILD:-}" ]]; then
  log "building (mvn install -DskipTests)"
  mvn -B -q install -DskipTests
fi
"$QCAT_ROOT/scripts/pg.sh" recreate-db
"$QCAT_ROOT/scripts/payara.sh" setup
"$QCAT_ROOT/scripts/payara.sh" start
"$QCAT_ROOT/scripts/payara.sh" undeploy
TINY_MODEL="$QCAT_WORK/models/it-tiny-random"
if [[ ! -f "$TINY_MODEL/config.json" ]]; then
  QCAT_JAVA_OPTS=-Xmx1g "$QCAT_ROOT/bin/qcat" init-random --preset tiny --out "$TINY_MODEL" \
    --seed 7 --tokenizer byte-level >&2
fi
log "set-up took $((SECONDS - start_s)) s; running the ITs"

cleanup() {
  if [[ -z "${QCAT_IT_KEEP:-}" ]]; then
    "$QCAT_ROOT/scripts/payara.sh" stop || true
    "$QCAT_ROOT/scripts/pg.sh" stop || true
  fi
}
trap cleanup EXIT

set +e
mvn -B -Pit verify -pl app-it \
  -Dqcat.it.adminPort="$QCAT_ADMIN_PORT" \
  -Dqcat.it.baseUrl="http://127.0.0.1:$QCAT_HTTP_PORT/qcat/api/v1" \
  -Dqcat.it.adminPassword="$QCAT_ADMIN_PASSWORD" \
  -Dqcat.it.reviewerPassword="$QCAT_REVIEWER_PASSWORD" \
  -Dqcat.it.tinyModelDir="$TINY_MODEL" \
  -Dqcat.it.chromium="$(command -v chromium)" \
  -Dqcat.it.chromedriver="$(command -v chromedriver)"
rc=$?
set -e
log "ITs finished with exit status $rc after $((SECONDS - start_s)) s in total"
log "browser screenshots: $QCAT_ROOT/app-it/target/screenshots"
[[ $rc == 0 ]] || log "server log: $("$QCAT_ROOT/scripts/payara.sh" log)"
exit $rc
