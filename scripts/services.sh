#!/usr/bin/env bash
# Local services for development and tests: Apache Kafka (KRaft, official jars from Maven
# Central), FerretDB (MongoDB wire protocol) on its own PostgreSQL cluster, Dovecot (IMAP +
# LMTP) and Postfix (SMTP, delivering everything to Dovecot over LMTP, so no mail ever
# leaves this machine).
#
#   scripts/services.sh install   install what is missing (apt packages, Kafka jars, FerretDB)
#   scripts/services.sh up        install, then start every service that is not running
#   scripts/services.sh ensure    like up, but quiet when everything already answers
#   scripts/services.sh down      stop the services this script started
#   scripts/services.sh status    one line per service
#   scripts/services.sh ensure-quiet-check   exit 0 when every service answers (no output)
#
# Everything it writes lives under one git-ignored folder, $KCC_LOCAL_DIR (default .local/
# in the repository). Downloads are cached by the tools' own caches (~/.m2, Go's module and
# build caches), so a second clone on the same machine does not download again.
# Every wait is bounded; every failure prints one line that says what is missing and how
# to fix it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL=${KCC_LOCAL_DIR:-$ROOT/.local}
# Ports: the defaults are mirrored in config/index.ts; change both through the environment.
KAFKA_PORT=${KCC_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KCC_KAFKA_CONTROLLER_PORT:-19093}
FERRETDB_PORT=${KCC_FERRETDB_PORT:-27018}
# FerretDB's storage; only FerretDB talks to it.
POSTGRES_PORT=${KCC_POSTGRES_PORT:-15432}
IMAP_PORT=${KCC_IMAP_PORT:-10143}
LMTP_PORT=${KCC_LMTP_PORT:-10024}
SMTP_PORT=${KCC_SMTP_PORT:-10025}
# The local OpenID Connect provider for the workbench (scripts/idp.ts).
IDP_PORT=${KCC_IDP_PORT:-10490}
# rspamd, the spam filter in front of intake (its normal worker's HTTP API; controller next to it).
RSPAMD_PORT=${KCC_RSPAMD_PORT:-10783}
RSPAMD_CONTROLLER_PORT=${KCC_RSPAMD_CONTROLLER_PORT:-10784}
# Bounds for start-up waits, in seconds (Kafka's first start on 2 cores takes ~10 s).
START_TIMEOUT=${KCC_SERVICE_START_TIMEOUT:-90}

KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/scripts/kafka/pom.xml")
FERRETDB_VERSION=v1.24.2
# Every program the code, tests, benchmarks and these scripts run comes from here, from
# Debian's base system, or is a prerequisite the README names (Node 20, Java 17 + Maven, Go);
# test/unit/setup/programs.test.ts checks that, and names the package when one is missing.
# poppler-utils: pdftotext, with which test/unit/replyletter reads the reply letter back.
# tesseract-ocr: the language data (KCC_TESSDATA_DIR) and the native engine bench/ocr.ts compares.
# iproute2: ss, which names the process holding a taken port (not on a minimal Debian).
# chromium: Debian's browser, driven by playwright-core in the workbench's browser tests (no browser download).
# rspamd: the spam filter whose verdict sends probable non-cases to the "waarschijnlijk geen zaak" queue.
APT_PACKAGES=(postgresql dovecot-imapd dovecot-lmtpd postfix tesseract-ocr tesseract-ocr-nld tesseract-ocr-eng tesseract-ocr-osd fonts-dejavu-core poppler-utils iproute2 chromium rspamd)

LOGS=$LOCAL/logs
RUN=$LOCAL/run
mkdir -p "$LOGS" "$RUN"

say() { printf 'services: %s\n' "$*"; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# 0 when the service needs no start: ours and alive (wait for its port), or another
# process already serves the port (a developer's own server: the health check vets it).
running() {
  local name=$1 port=$2 log=$3
  if pid_alive "$name"; then wait_port "$name" "$port" "$log"; return 0; fi
  if port_open "$port"; then say "$name: port $port already answers; using that server"; return 0; fi
  return 1
}

# Wait until a port answers, or the process we started died, or the bound ran out.
wait_port() {
  local name=$1 port=$2 log=$3 deadline=$((SECONDS + START_TIMEOUT))
  while ! port_open "$port"; do
    if ! pid_alive "$name"; then
      die "$name exited during start-up; last lines of $log:
$(tail -n 15 "$log" 2>/dev/null)"
    fi
    [ $SECONDS -lt $deadline ] || die "$name did not open port $port within ${START_TIMEOUT}s; see $log"
    sleep 0.5
  done
}

# A port already taken by something that is not ours is a clear error, not a hang.
check_port_free() {
  local name=$1 port=$2 var=$3
  if port_open "$port"; then
    die "port $port for $name is taken by another process ($(ss -ltnp "sport = :$port" 2>/dev/null | awk 'NR==2{print $6}')); stop it or set $var to a free port"
  fi
}

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed: $2"; }

# ---------------------------------------------------------------- install

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    die "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
  fi
  say "installing Debian packages: ${missing[*]}"
  # Postfix asks a question at install time; we configure our own instance, so: none.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") \
    >"$LOGS/apt.log" 2>&1 || die "apt-get install failed; see $LOGS/apt.log"
  # The distribution's own Dovecot and Postfix services would hold the default ports and
  # are not used: ours run from .local with their own configuration.
  for svc in postgresql dovecot postfix rspamd; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
  done
}

install_kafka() {
  local dir=$LOCAL/kafka/$KAFKA_VERSION
  [ -f "$dir/.complete" ] && return 0
  need java "install a Java 17+ runtime, e.g. apt-get install -y openjdk-17-jre-headless"
  need mvn "install Maven, e.g. apt-get install -y maven"
  say "resolving Apache Kafka $KAFKA_VERSION jars from Maven Central"
  rm -rf "$dir" && mkdir -p "$dir"
  mvn -q -B -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$dir/libs" >"$LOGS/kafka-install.log" 2>&1 \
    || die "Maven could not resolve the Kafka jars; see $LOGS/kafka-install.log"
  touch "$dir/.complete"
}

install_ferretdb() {
  local bin=$LOCAL/bin/ferretdb-$FERRETDB_VERSION
  [ -x "$bin" ] && return 0
  need go "install Go 1.22+ (https://go.dev/doc/install) or apt-get install -y golang"
  say "building FerretDB $FERRETDB_VERSION from the Go module proxy (about a minute)"
  # `go install …@v1.24.2` builds a binary that panics at start: the module as published
  # lacks build/version/version.txt (FerretDB's own build generates it). So: copy the
  # module source, write that file, and build it.
  local src=$LOCAL/build/ferretdb-src moddir
  moddir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>"$LOGS/ferretdb-install.log" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
  [ -n "$moddir" ] && [ -d "$moddir" ] || die "could not download FerretDB $FERRETDB_VERSION from the Go module proxy; see $LOGS/ferretdb-install.log"
  rm -rf "$src" && mkdir -p "$(dirname "$src")" "$LOCAL/bin" && cp -r "$moddir" "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  (cd "$src" && go build -buildvcs=false -o "$bin.part" ./cmd/ferretdb) >>"$LOGS/ferretdb-install.log" 2>&1 \
    || die "building FerretDB failed; see $LOGS/ferretdb-install.log"
  mv "$bin.part" "$bin"
  rm -rf "$src"
}

install_node_modules() {
  [ -d "$ROOT/node_modules/kafkajs" ] && return 0
  need npm "install Node.js 20 and npm"
  say "installing npm dependencies (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund) >"$LOGS/npm.log" 2>&1 || die "npm ci failed; see $LOGS/npm.log"
}

secret() {
  # Development secrets, generated once per checkout and never committed (.local is ignored).
  local file=$LOCAL/secrets/$1
  if [ ! -s "$file" ]; then
    mkdir -p "$LOCAL/secrets" && chmod 700 "$LOCAL/secrets"
    head -c "${2:-32}" /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' >"$file"
    chmod 600 "$file"
  fi
}

install_all() {
  install_apt
  install_node_modules
  install_kafka
  install_ferretdb
  secret imap-password 18
  secret postgres-password 24
  secret encryption-key 32
  secret hmac-key 32
  secret letters-upload-token 32
  # The workbench's client secret at the local identity provider, and the demo accounts' password.
  secret oidc-client-secret 32
  secret demo-password 12
}

# ---------------------------------------------------------------- Kafka

start_kafka() {
  running kafka "$KAFKA_PORT" "$LOGS/kafka.out" && return 0
  check_port_free "Kafka controller" "$KAFKA_CONTROLLER_PORT" KCC_KAFKA_CONTROLLER_PORT
  local etc=$LOCAL/etc/kafka data=$LOCAL/data/kafka
  mkdir -p "$etc" "$data"
  cat >"$etc/server.properties" <<EOF
# Single KRaft node: broker and controller in one process.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
# One node can hold one replica: without these the internal topics never get created and
# consumer groups never form ("group coordinator is not available", kafkajs #1752).
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests create many short-lived groups; the default 3 s rebalance delay only slows them.
group.initial.rebalance.delay.ms=0
# Topics are created by the application with explicit partitions and retention.
auto.create.topics.enable=false
# A default that errs on the short side: no topic should outlive a few days (register M1533).
log.retention.hours=72
EOF
  cat >"$etc/log4j2.yaml" <<EOF
Configuration:
  Appenders:
    File:
      name: file
      fileName: $LOGS/kafka-server.log
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: file
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
EOF
  local cp="$LOCAL/kafka/$KAFKA_VERSION/libs/*"
  if [ ! -f "$data/meta.properties" ]; then
    local cluster
    cluster=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null) || die "could not run Kafka's storage tool; is Java 17+ installed?"
    java -cp "$cp" kafka.tools.StorageTool format -t "$cluster" -c "$etc/server.properties" >"$LOGS/kafka-format.log" 2>&1 \
      || die "formatting the Kafka log folder failed; see $LOGS/kafka-format.log"
  fi
  say "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
  # 512 MiB heap: ample for a test broker; the default (1/4 of RAM) would take 6 GiB.
  setsid java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$etc/log4j2.yaml" -cp "$cp" kafka.Kafka "$etc/server.properties" \
    >"$LOGS/kafka.out" 2>&1 </dev/null &
  echo $! >"$RUN/kafka.pid"
  wait_port kafka "$KAFKA_PORT" "$LOGS/kafka.out"
}

# ---------------------------------------------------------------- FerretDB

# FerretDB 1.x on PostgreSQL rather than on SQLite: with SQLite every query reads the whole
# collection (findOne by _id: 4.6 ms at 1,000 documents, 25 ms at 10,000). On PostgreSQL
# FerretDB pushes equality filters down, and scripts/postgres/gin-twins.sql makes the indexes
# the application declares serve them (see that file): findOne by _id stays ~2 ms at 30,000.

pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

# PostgreSQL refuses to run as root: as root, run it as the 'postgres' user the Debian
# package creates; as anybody else, as that user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_alive() {
  local bin=$1 data=$LOCAL/data/postgres
  [ -f "$data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start_postgres() {
  local bin data=$LOCAL/data/postgres sock=$RUN/postgres
  bin=$(pg_bin) || die "PostgreSQL is not installed: apt-get install -y postgresql"
  if postgres_alive "$bin"; then setup_postgres "$bin" "$sock"; return 0; fi
  check_port_free PostgreSQL "$POSTGRES_PORT" KCC_POSTGRES_PORT
  mkdir -p "$sock"
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$LOCAL" "$LOCAL/data" "$RUN" 2>/dev/null || true
    chown postgres "$sock"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data" && mkdir -p "$data"
    [ "$(id -u)" != 0 ] || chown postgres "$data"
    chmod 700 "$data"
    local pwfile=$sock/initdb-password
    cp "$LOCAL/secrets/postgres-password" "$pwfile"
    [ "$(id -u)" != 0 ] || chown postgres "$pwfile"
    as_pg "$bin/initdb" -D "$data" -U ferretdb --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$LOGS/postgres-initdb.log" 2>&1 \
      || { rm -f "$pwfile"; die "initdb failed (the folder must be reachable by the postgres user); see $LOGS/postgres-initdb.log"; }
    rm -f "$pwfile"
    cat >>"$data/postgresql.conf" <<EOF
# scripts/services.sh: a loopback-only store for FerretDB.
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$sock'
# Socket connections are trusted (initdb --auth-local=trust), so only its owner may use it.
unix_socket_permissions = 0700
max_connections = 200
# FerretDB sends the filter key as a statement parameter; planned generically, a
# parameterised key matches no index. A custom plan per execution sees the constant key.
plan_cache_mode = force_custom_plan
# A commit returns before its WAL record is flushed (a crash of the machine, not of a
# process, can lose the last fraction of a second). That is what a standalone MongoDB does
# by default (j: false, journal flushed every 100 ms), and per-write fsyncs made every
# FerretDB write cost 2-4 ms here.
synchronous_commit = off
EOF
  fi
  say "starting PostgreSQL (FerretDB's store) on 127.0.0.1:$POSTGRES_PORT"
  touch "$LOGS/postgres.log"
  [ "$(id -u)" != 0 ] || chown postgres "$LOGS/postgres.log"
  as_pg "$bin/pg_ctl" -D "$data" -l "$LOGS/postgres.log" -w -t "$START_TIMEOUT" start >"$LOGS/postgres-start.log" 2>&1 \
    || die "PostgreSQL did not start; last lines of $LOGS/postgres.log:
$(tail -n 15 "$LOGS/postgres.log" 2>/dev/null)"
  setup_postgres "$bin" "$sock"
}

# The ferretdb database and the GIN-twin triggers; idempotent, run at every start.
setup_postgres() {
  local bin=$1 sock=$2
  # Socket connections are trusted (only the postgres user may open the socket); TCP, which
  # FerretDB uses, needs the password.
  local psql=(as_pg "$bin/psql" -h "$sock" -p "$POSTGRES_PORT" -U ferretdb -v ON_ERROR_STOP=1 -qAt)
  if [ "$("${psql[@]}" -d postgres -c "select 1 from pg_database where datname = 'ferretdb'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "create database ferretdb" >/dev/null || die "could not create the ferretdb database"
  fi
  # Every start, so that a cluster made by an older version of this script gets it too.
  # TOAST compresses large values with pglz by default; FerretDB stores binary data (GridFS
  # chunks: scanned PDFs and images, which do not compress) as base64 in JSONB, and pglz spent
  # 5.9 ms of PostgreSQL CPU on each 180 kB chunk trying. lz4 gives up on such data quickly:
  # 2.4 ms (measured with .local probes on this machine; see README "Development servers").
  if [ "$("${psql[@]}" -d postgres -c "show default_toast_compression")" != lz4 ]; then
    if "${psql[@]}" -d postgres -c "alter system set default_toast_compression = lz4" >/dev/null 2>&1; then
      "${psql[@]}" -d postgres -c "select pg_reload_conf()" >/dev/null \
        || say "PostgreSQL did not reload its configuration: lz4 applies from its next start"
    else
      say "PostgreSQL has no lz4 here: large values stay pglz-compressed (slower, same data)"
    fi
  fi
  # Every start: the trigger's definition may have changed since the cluster was made.
  # Fed on stdin: the postgres user need not be able to read the checkout.
  (echo "set client_min_messages = warning;"; cat "$ROOT/scripts/postgres/gin-twins.sql") | "${psql[@]}" -d ferretdb \
    >"$LOGS/postgres-setup.log" 2>&1 || die "installing scripts/postgres/gin-twins.sql failed; see $LOGS/postgres-setup.log"
}

stop_postgres() {
  local bin data=$LOCAL/data/postgres
  bin=$(pg_bin) || return 0
  postgres_alive "$bin" || return 0
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || say "PostgreSQL did not stop cleanly"
  say "stopped postgres"
}

start_ferretdb() {
  running ferretdb "$FERRETDB_PORT" "$LOGS/ferretdb.log" && return 0
  mkdir -p "$LOCAL/data/ferretdb/state"
  say "starting FerretDB $FERRETDB_VERSION (PostgreSQL) on 127.0.0.1:$FERRETDB_PORT"
  # The URL carries the password: through the environment, not the command line (ps).
  # pool_max_conns: FerretDB's default pool is 50. Its metadata registry takes a write lock and
  # then waits for a pool connection to create a database's schema, while requests that hold
  # connections wait for that lock: with the pool exhausted by concurrent work (several test
  # processes at once, 2026-12-01) every request hung until FerretDB was restarted (goroutine
  # dump: Registry.databaseGetOrCreate in pgxpool.Acquire). PostgreSQL allows 200 (above).
  FERRETDB_POSTGRESQL_URL="postgres://ferretdb:$(cat "$LOCAL/secrets/postgres-password")@127.0.0.1:$POSTGRES_PORT/ferretdb?pool_max_conns=150" \
  setsid "$LOCAL/bin/ferretdb-$FERRETDB_VERSION" --handler=postgresql \
    --state-dir="$LOCAL/data/ferretdb/state" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr=- --telemetry=disable \
    --log-level=warn --log-format=text >"$LOGS/ferretdb.log" 2>&1 </dev/null &
  echo $! >"$RUN/ferretdb.pid"
  wait_port ferretdb "$FERRETDB_PORT" "$LOGS/ferretdb.log"
}

# ---------------------------------------------------------------- Dovecot

start_dovecot() {
  running dovecot "$IMAP_PORT" "$LOGS/dovecot.out" && return 0
  check_port_free "Dovecot LMTP" "$LMTP_PORT" KCC_LMTP_PORT
  need dovecot "apt-get install -y dovecot-imapd dovecot-lmtpd"
  local etc=$LOCAL/etc/dovecot mail=$LOCAL/data/mail
  mkdir -p "$etc" "$mail" "$RUN/dovecot"
  # Mail is stored as the unprivileged 'mail' user (Dovecot refuses root for mail access).
  chown mail:mail "$mail"
  chmod 755 "$LOCAL" "$LOCAL/data"
  # One password for every mailbox: this is a local test server, reachable on loopback only.
  local password
  password=$(cat "$LOCAL/secrets/imap-password")
  cat >"$etc/dovecot.conf" <<EOF
# Generated by scripts/services.sh: a loopback-only test server, not a production setup.
base_dir = $RUN/dovecot
state_dir = $LOCAL/data/dovecot-state
log_path = $LOGS/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$mail/%d/%n
mail_uid = mail
mail_gid = mail
first_valid_uid = 8
last_valid_uid = 8
first_valid_gid = 8
# Every address is a mailbox: tests invent citizens' addresses freely.
passdb {
  driver = static
  args = password=$password
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$mail/%d/%n allow_all_users=yes
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
EOF
  mkdir -p "$LOCAL/data/dovecot-state"
  say "starting Dovecot on 127.0.0.1:$IMAP_PORT (IMAP) and :$LMTP_PORT (LMTP)"
  # -F keeps it in the foreground so that we own its pid.
  setsid dovecot -F -c "$etc/dovecot.conf" >"$LOGS/dovecot.out" 2>&1 </dev/null &
  echo $! >"$RUN/dovecot.pid"
  wait_port dovecot "$IMAP_PORT" "$LOGS/dovecot.out"
}

# ---------------------------------------------------------------- Postfix

start_postfix() {
  local etc=$LOCAL/etc/postfix
  if [ -f "$etc/main.cf" ] && postfix -c "$etc" status >/dev/null 2>&1; then wait_port postfix "$SMTP_PORT" "$LOGS/postfix.log"; return 0; fi
  if port_open "$SMTP_PORT"; then say "postfix: port $SMTP_PORT already answers; using that server"; return 0; fi
  need postfix "apt-get install -y postfix"
  local queue=$LOCAL/data/postfix/queue data=$LOCAL/data/postfix/data
  mkdir -p "$etc" "$queue" "$data"
  chown postfix "$data"
  cat >"$etc/main.cf" <<EOF
# Generated by scripts/services.sh: a loopback-only test instance. Every message, to any
# domain, is handed to the local Dovecot over LMTP: nothing is ever relayed off this machine.
compatibility_level = 3.6
queue_directory = $queue
data_directory = $data
mail_owner = postfix
setgid_group = postdrop
myhostname = smtp.kcc.test
mydomain = kcc.test
myorigin = \$mydomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
relay_domains = static:all
relay_recipient_maps =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
default_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
relay_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
local_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
message_size_limit = 52428800
smtputf8_enable = no
biff = no
maillog_file_prefixes = $LOGS
maillog_file = $LOGS/postfix.log
# Fast retries: a test should not wait the default 5 minutes after Dovecot restarts.
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 30s
EOF
  cat >"$etc/master.cf" <<EOF
# service type  private unpriv chroot wakeup maxproc command
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
lmtp      unix  - - n -    - lmtp
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
  postfix -c "$etc" set-permissions >"$LOGS/postfix-setup.log" 2>&1 || true
  # Postfix reports configuration errors only to a terminal or syslog: give it a terminal.
  script -qec "postfix -c $etc check" /dev/null >>"$LOGS/postfix-setup.log" 2>&1 || die "postfix configuration check failed; see $LOGS/postfix-setup.log"
  say "starting Postfix on 127.0.0.1:$SMTP_PORT (SMTP, delivering to Dovecot)"
  postfix -c "$etc" start >>"$LOGS/postfix-setup.log" 2>&1 || die "postfix did not start; see $LOGS/postfix-setup.log and $LOGS/postfix.log"
  sed -n 's/^ *\([0-9][0-9]*\).*/\1/p' "$queue/pid/master.pid" >"$RUN/postfix.pid" 2>/dev/null || true
  wait_port postfix "$SMTP_PORT" "$LOGS/postfix.log"
}

# ---------------------------------------------------------------- identity provider

start_idp() {
  running idp "$IDP_PORT" "$LOGS/idp.log" && return 0
  say "starting the local OpenID Connect provider on 127.0.0.1:$IDP_PORT"
  # From the checkout (tsx resolves from there); exec, so the pid is the provider's own.
  (cd "$ROOT" && KCC_LOCAL_DIR="$LOCAL" KCC_IDP_PORT="$IDP_PORT" exec setsid node --import tsx scripts/idp.ts) >"$LOGS/idp.log" 2>&1 </dev/null &
  echo $! >"$RUN/idp.pid"
  wait_port idp "$IDP_PORT" "$LOGS/idp.log"
}

# ---------------------------------------------------------------- rspamd

# Debian's rspamd with its stock rules (/etc/rspamd), our overrides from scripts/rspamd/
# (loopback ports, no network look-ups: there is no DNS to the world here, and a KCC's own
# filter in front of the mailbox would do those), state under .local. Runs as root with -i
# only because this is a loopback test instance; production runs the distribution's service.
start_rspamd() {
  running rspamd "$RSPAMD_PORT" "$LOGS/rspamd.log" && return 0
  need rspamd "apt-get install -y rspamd"
  check_port_free rspamd "$RSPAMD_CONTROLLER_PORT" KCC_RSPAMD_CONTROLLER_PORT
  local conf=$LOCAL/etc/rspamd data=$LOCAL/data/rspamd
  rm -rf "$conf" && mkdir -p "$conf/local.d" "$conf/override.d" "$data/db" "$data/run"
  cp "$ROOT"/scripts/rspamd/local.d/* "$conf/local.d/"
  cp "$ROOT"/scripts/rspamd/override.d/* "$conf/override.d/"
  printf 'bind_socket = "127.0.0.1:%s";\ncount = 1;\n' "$RSPAMD_PORT" >"$conf/local.d/worker-normal.inc"
  printf 'bind_socket = "127.0.0.1:%s";\ncount = 1;\n' "$RSPAMD_CONTROLLER_PORT" >"$conf/override.d/worker-controller.inc"
  # rspamd will not run as root: as root, drop to the package's _rspamd user (or -i without it).
  local as_user=()
  if [ "$(id -u)" = 0 ]; then
    if id _rspamd >/dev/null 2>&1; then chown -R _rspamd:_rspamd "$data"; as_user=(-u _rspamd -g _rspamd); else as_user=(-i); fi
  fi
  say "starting rspamd on 127.0.0.1:$RSPAMD_PORT"
  (exec setsid rspamd -f "${as_user[@]}" -c /etc/rspamd/rspamd.conf --var LOCAL_CONFDIR="$conf" \
    --var DBDIR="$data/db" --var RUNDIR="$data/run" --var LOGDIR="$LOGS") >"$LOGS/rspamd.log" 2>&1 </dev/null &
  echo $! >"$RUN/rspamd.pid"
  wait_port rspamd "$RSPAMD_PORT" "$LOGS/rspamd.log"
}

# ---------------------------------------------------------------- stop / status

stop_pid() {
  local name=$1
  pid_alive "$name" || { rm -f "$RUN/$name.pid"; return 0; }
  local pid deadline
  pid=$(cat "$RUN/$name.pid")
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.3; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; say "$name did not stop within 30 s; killed"; fi
  rm -f "$RUN/$name.pid"
  say "stopped $name"
}

stop_all() {
  if [ -f "$LOCAL/etc/postfix/main.cf" ] && postfix -c "$LOCAL/etc/postfix" status >/dev/null 2>&1; then
    postfix -c "$LOCAL/etc/postfix" stop >/dev/null 2>&1 || true
    say "stopped postfix"
  fi
  rm -f "$RUN/postfix.pid"
  stop_pid rspamd
  stop_pid idp
  stop_pid dovecot
  stop_pid ferretdb
  stop_postgres
  stop_pid kafka
}

status_all() {
  local s
  for s in "kafka $KAFKA_PORT" "postgres $POSTGRES_PORT" "ferretdb $FERRETDB_PORT" "dovecot $IMAP_PORT" "postfix $SMTP_PORT" "idp $IDP_PORT" "rspamd $RSPAMD_PORT"; do
    set -- $s
    if port_open "$2"; then echo "$1: up on 127.0.0.1:$2"; else echo "$1: down"; fi
  done
}

all_answer() { port_open "$KAFKA_PORT" && port_open "$POSTGRES_PORT" && port_open "$FERRETDB_PORT" && port_open "$IMAP_PORT" && port_open "$SMTP_PORT" && port_open "$IDP_PORT" && port_open "$RSPAMD_PORT"; }

up_all() {
  install_all
  # Already answering on a port and not started by us counts as running (e.g. a developer's
  # own server); started by us means a pid file whose process is alive.
  start_kafka
  start_postgres
  start_ferretdb
  start_dovecot
  start_postfix
  start_idp
  start_rspamd
  # Ports open is not the same as ready: the health check speaks each protocol once.
  (cd "$ROOT" && node --import tsx scripts/health.ts) || die "a service is up but not healthy (see above)"
}

case "${1:-}" in
  install) install_all ;;
  up) up_all; status_all ;;
  ensure) if all_answer && [ -d "$ROOT/node_modules/kafkajs" ]; then exit 0; fi; up_all ;;
  ensure-quiet-check) all_answer && [ -d "$ROOT/node_modules/kafkajs" ] ;;
  down) stop_all ;;
  status) status_all ;;
  *) echo "usage: $0 install|up|ensure|down|status" >&2; exit 2 ;;
esac
