#!/usr/bin/env bash
# Payara Server for qcat, unpacked under .qcat-work/ from Maven Central.
#   scripts/payara.sh fetch       unpack fish.payara.distributions:payara:<payara.version>:zip
#   scripts/payara.sh setup       fetch + create domain `qcat` (own port base) + configure it + engine
#   scripts/payara.sh install-engine  copy app-inference + DJL jars into the domain's lib/
#   scripts/payara.sh start|stop  start / stop the domain
#   scripts/payara.sh deploy [EAR]  deploy (default app-ear/target/qcat.ear) and wait for /qcat
#   scripts/payara.sh undeploy
# Configuration (idempotent, see configure()): Hazelcast on loopback, heap $QCAT_HEAP, PostgreSQL
# driver as a common library and the server pool `qcat-pool` behind `jdbc/qcat`, MicroProfile
# Config values for the bootstrap users. The datasource is a server pool (not an app-scoped
# glassfish-resources.xml) so that host, port and password stay out of the EAR and the same EAR
# runs in the ITs, the main job and the Docker image (docker/post-boot-commands.asadmin).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

fetch() {
  if [[ -x "$ASADMIN" ]]; then return; fi
  log "unpacking Payara $PAYARA_VERSION into $QCAT_WORK (Maven Central, ~170 MB the first time)"
  mkdir -p "$QCAT_WORK"
  mvn -B -q -N -f "$QCAT_ROOT/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
    -Dartifact="fish.payara.distributions:payara:$PAYARA_VERSION:zip" \
    -DoutputDirectory="$QCAT_WORK" -DmarkersDirectory="$QCAT_WORK/.unpack-markers" \
    -Dmdep.overWriteReleases=true >&2
  [[ -x "$ASADMIN" ]] || die "Payara unpack failed: $ASADMIN missing"
}

domain_dir() { echo "$PAYARA_HOME/glassfish/domains/$QCAT_DOMAIN"; }

running() { [[ -f "$(domain_dir)/config/pid" ]] && kill -0 "$(cat "$(domain_dir)/config/pid")" 2>/dev/null; }

create_domain() {
  if [[ -d "$(domain_dir)" ]]; then return; fi
  log "creating domain $QCAT_DOMAIN (admin :$QCAT_ADMIN_PORT, http :$QCAT_HTTP_PORT)"
  "$ASADMIN" --interactive=false --user admin create-domain --nopassword=true \
    --portbase "$QCAT_PORTBASE" "$QCAT_DOMAIN" >/dev/null
}

start() {
  if running; then log "domain $QCAT_DOMAIN already running"; return; fi
  log "starting domain $QCAT_DOMAIN"
  "$ASADMIN" --interactive=false start-domain "$QCAT_DOMAIN" >/dev/null
}

stop() {
  if running; then "$ASADMIN" --interactive=false stop-domain "$QCAT_DOMAIN" >/dev/null; log "domain stopped"; fi
}

jvm_option() { # replace-or-add one JVM option whose prefix is $1
  local prefix="$1" value="$2" old
  old="$(asadmin list-jvm-options | grep -E "^${prefix}" || true)"
  if [[ "$old" == "$value" ]]; then return; fi
  if [[ -n "$old" ]]; then asadmin delete-jvm-options -- "$(printf '%s' "$old" | sed 's/:/\\:/g')" >/dev/null; fi
  asadmin create-jvm-options -- "$(printf '%s' "$value" | sed 's/:/\\:/g')" >/dev/null
}

configure() {
  local marker="$(domain_dir)/.qcat-configured"
  if [[ -f "$marker" && "$(cat "$marker")" == "v3/$QCAT_PG_PORT/$QCAT_HEAP" ]]; then return; fi
  start
  log "configuring domain $QCAT_DOMAIN"
  asadmin set-hazelcast-configuration --interfaces=127.0.0.1 --dasbindaddress=127.0.0.1 \
    --daspublicaddress=127.0.0.1 --dasport="$QCAT_HAZELCAST_PORT" \
    --startport="$((QCAT_HAZELCAST_PORT + 1))" >/dev/null
  jvm_option "-Xmx" "-Xmx$QCAT_HEAP"
  jvm_option "-Dai.djl.offline=" "-Dai.djl.offline=true"
  jvm_option "-Dqcat.bootstrap.admin-password=" "-Dqcat.bootstrap.admin-password=$QCAT_ADMIN_PASSWORD"
  jvm_option "-Dqcat.bootstrap.reviewer-password=" "-Dqcat.bootstrap.reviewer-password=$QCAT_REVIEWER_PASSWORD"
  local jar
  jar="$(ls "$HOME/.m2/repository/org/postgresql/postgresql/"*/postgresql-*.jar 2>/dev/null | grep -v sources | sort -V | tail -1 || true)"
  if [[ -z "$jar" ]]; then
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get -Dartifact=org.postgresql:postgresql:42.7.8 >&2
    jar="$HOME/.m2/repository/org/postgresql/postgresql/42.7.8/postgresql-42.7.8.jar"
  fi
  if ! asadmin list-libraries --type common | grep -q postgresql; then
    asadmin add-library --type common "$jar" >/dev/null
  fi
  asadmin delete-jdbc-resource jdbc/qcat >/dev/null 2>&1 || true
  asadmin delete-jdbc-connection-pool qcat-pool >/dev/null 2>&1 || true
  asadmin create-jdbc-connection-pool --datasourceclassname org.postgresql.ds.PGSimpleDataSource \
    --restype javax.sql.DataSource --steadypoolsize 2 --maxpoolsize 32 \
    --isconnectvalidatereq=true --validationmethod custom-validation \
    --validationclassname org.glassfish.api.jdbc.validation.PostgresConnectionValidation \
    --property "serverName=127.0.0.1:portNumber=$QCAT_PG_PORT:databaseName=$QCAT_DB:user=$QCAT_DB_USER:password=$QCAT_DB_PASSWORD" \
    qcat-pool >/dev/null
  asadmin create-jdbc-resource --connectionpoolid qcat-pool jdbc/qcat >/dev/null
  # batch (issue 7): the batch runtime's job repository lives in the application's database, so
  # every instance sees job state (DESIGN.md §5); Payara creates its tables there on first use.
  asadmin set-batch-runtime-configuration --datasourcelookupname jdbc/qcat >/dev/null
  log "restarting domain to apply Hazelcast/heap/library settings"
  "$ASADMIN" --interactive=false restart-domain "$QCAT_DOMAIN" >/dev/null
  echo "v3/$QCAT_PG_PORT/$QCAT_HEAP" >"$marker"
}

# The inference engine (app-inference + DJL/PyTorch/OpenBLAS/tokenizers) is a server library in
# the domain's lib/ (common class loader), not part of the EAR: native libraries can be loaded only
# once per JVM, so they must outlive redeployments. Restarts the domain when the jars changed.
install_engine() {
  local jar
  jar="$(ls "$QCAT_ROOT"/app-inference/target/app-inference-*.jar 2>/dev/null | grep -v -E 'sources|tests' | head -1 || true)"
  [[ -n "$jar" ]] || die "app-inference is not built: run mvn -B install -DskipTests first"
  local staging="$QCAT_WORK/engine-lib"
  rm -rf "$staging"; mkdir -p "$staging"
  mvn -B -q -f "$QCAT_ROOT/pom.xml" -pl app-inference dependency:copy-dependencies \
    -DincludeScope=runtime -DexcludeArtifactIds=slf4j-simple -DoutputDirectory="$staging" >&2
  cp "$jar" "$staging/"
  # Route the engine's SLF4J logging (DJL) into Payara's java.util.logging server.log.
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=org.slf4j:slf4j-jdk14:2.0.16 -DoutputDirectory="$staging" >&2
  local lib; lib="$(domain_dir)/lib"
  local sum_new sum_old
  sum_new="$(cd "$staging" && sha256sum -- *.jar | sha256sum | cut -c1-64)"
  sum_old="$(cat "$lib/.qcat-engine.sum" 2>/dev/null || true)"
  if [[ "$sum_new" == "$sum_old" ]]; then return; fi
  log "installing the inference engine into $lib ($(ls "$staging" | wc -l) jars)"
  if [[ -f "$lib/.qcat-engine.list" ]]; then
    while read -r f; do rm -f "$lib/$f"; done <"$lib/.qcat-engine.list"
  fi
  cp "$staging"/*.jar "$lib/"
  (cd "$staging" && ls -- *.jar) >"$lib/.qcat-engine.list"
  echo "$sum_new" >"$lib/.qcat-engine.sum"
  if running; then
    log "restarting domain to load the engine"
    "$ASADMIN" --interactive=false restart-domain "$QCAT_DOMAIN" >/dev/null
  fi
}

deploy() {
  local ear="${1:-$QCAT_EAR}"
  [[ -f "$ear" ]] || die "$ear not found: build first (mvn -B install -DskipTests)"
  # After a (re)start the domain redeploys its applications for a while; wait for that first so
  # that the new deployment does not overwrite files being loaded.
  if asadmin list-applications 2>/dev/null | grep -q '^qcat '; then
    wait_http "http://127.0.0.1:$QCAT_HTTP_PORT/qcat/api/v1/ping" 90 || true
  fi
  log "deploying $ear"
  asadmin deploy --force=true --name qcat "$ear" >/dev/null
  wait_http "http://127.0.0.1:$QCAT_HTTP_PORT/qcat/api/v1/ping" 120 \
    || die "qcat did not answer at http://127.0.0.1:$QCAT_HTTP_PORT/qcat/api/v1/ping; see $(domain_dir)/logs/server.log"
  log "deployed: http://127.0.0.1:$QCAT_HTTP_PORT/qcat/"
}

case "${1:-}" in
  fetch) fetch ;;
  setup) fetch; create_domain; install_engine; configure ;;
  install-engine) install_engine ;;
  start) fetch; create_domain; start ;;
  stop) stop ;;
  deploy) shift; deploy "$@" ;;
  undeploy) asadmin undeploy qcat >/dev/null 2>&1 || true ;;
  log) echo "$(domain_dir)/logs/server.log" ;;
  *) echo "usage: $0 fetch|setup|install-engine|start|stop|deploy [EAR]|undeploy|log" >&2; exit 2 ;;
esac
