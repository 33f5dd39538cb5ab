#!/usr/bin/env bash
# A 3-replica OpenStack Swift all-in-one on 127.0.0.1 for tests, under one directory.
#
#   aio.sh start DIR            install packages if missing, build rings, start everything,
#                               wait until auth and a PUT work, print IRONCLAD_SWIFT_* lines
#   aio.sh stop DIR             stop every process recorded under DIR (by PID)
#   aio.sh status DIR           one line per server: name, pid, port, up/down
#   aio.sh stop-server DIR NAME    stop one server (object-1..4, container-1..3, account-1..3)
#   aio.sh start-server DIR NAME   start it again
#   aio.sh replicate-once DIR   run object/container/account replicators once (heals replicas)
#   aio.sh update-once DIR      run object/container updaters once (sends async container updates)
#
# IRONCLAD_SWIFT_PORT_OFFSET=N (at start) adds N to every port below, so several all-in-ones run
# side by side (e.g. 100: proxies 8180/8181); DIR remembers it for the other verbs.
# IRONCLAD_SWIFT_MAX_FILE_SIZE=BYTES (at start) lowers Swift's largest object (and segment),
# [swift-constraints] max_file_size, from 5 GiB + 2, so a test can meet the limit with a small body.
# The servers read their constraints from a fixed /etc/swift/swift.conf that other all-in-ones
# share, so this one's copy ($DIR/etc/swift.conf) is put in its place inside each of its server
# processes by a launcher, before Swift reads it; /etc/swift/swift.conf stays as it is.
#
# Layout: 4 object servers (zones 1-4), 3 container and 3 account servers (zones 1-3), rings
# of part power 6 with 3 replicas. Proxy 127.0.0.1:8080 reads replicas in random order;
# proxy 127.0.0.1:8081 reads the zone-1 replica first (read affinity) so a stale zone-1
# server is read deterministically. Replicators, updaters and auditors are never started:
# an inconsistency made by a test stays until the test heals it.
# Only stdout carries KEY=VALUE lines; progress goes to stderr.
set -euo pipefail

PY=/usr/bin/python3   # the swift modules live in Debian's python, not in a pyenv one on PATH
USER_NAME=test:tester
USER_KEY=testing

set_ports() {  # offset
  MEMCACHED_PORT=$((11211 + $1)) PROXY_PORT=$((8080 + $1)) AFFINITY_PROXY_PORT=$((8081 + $1))
  declare -gA PORT=(
    [object-1]=$((6210 + $1)) [object-2]=$((6220 + $1)) [object-3]=$((6230 + $1)) [object-4]=$((6240 + $1))
    [container-1]=$((6211 + $1)) [container-2]=$((6221 + $1)) [container-3]=$((6231 + $1))
    [account-1]=$((6212 + $1)) [account-2]=$((6222 + $1)) [account-3]=$((6232 + $1))
    [proxy]=$PROXY_PORT [proxy-affinity]=$AFFINITY_PROXY_PORT [memcached]=$MEMCACHED_PORT
  )
}
STORAGE_SERVERS=(object-1 object-2 object-3 object-4 container-1 container-2 container-3 account-1 account-2 account-3)

LOG_NAME=aio
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

install_packages() {
  install_missing swift swift-proxy swift-account swift-container swift-object python3-swiftclient memcached curl
  if [ ! -f /etc/swift/swift.conf ]; then   # every Swift server reads this fixed path
    mkdir -p /etc/swift
    printf '[swift-hash]\nswift_hash_path_suffix = changeme\nswift_hash_path_prefix = changeme\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' > /etc/swift/swift.conf
  fi
}

kind_of() { echo "${1%-*}"; }                         # object-2 -> object
conf_of() { echo "$DIR/etc/$1.conf"; }
max_file_size() { cat "$DIR/max-file-size" 2>/dev/null || true; }

write_constraints() {  # swift.conf of this all-in-one: /etc/swift/swift.conf (same hash path and policies) with max_file_size
  "$PY" - /etc/swift/swift.conf "$DIR/etc/swift.conf" "$(max_file_size)" <<'EOF'
import configparser, sys
conf = configparser.ConfigParser()
conf.read(sys.argv[1])
if not conf.has_section('swift-constraints'):
    conf.add_section('swift-constraints')
conf.set('swift-constraints', 'max_file_size', sys.argv[3])
with open(sys.argv[2], 'w') as out:
    conf.write(out)
EOF
  cat > "$DIR/run/with-swift-conf.py" <<'EOF'
# Runs a Swift server script with SWIFT_CONF_FILE pointing at another swift.conf. Swift has no
# option for it: swift.common.constraints and storage_policy read utils.SWIFT_CONF_FILE once,
# when first imported, which happens only after this assignment.
import runpy, shutil, sys
import swift.common.utils as utils
utils.SWIFT_CONF_FILE = sys.argv[1]
sys.argv = sys.argv[2:]
runpy.run_path(shutil.which(sys.argv[0]), run_name='__main__')
EOF
}

swift_command() {  # script -> how to run it: as is, or through the launcher when this all-in-one has its own constraints
  if [ -n "$(max_file_size)" ]; then echo "$PY $DIR/run/with-swift-conf.py $DIR/etc/swift.conf $1"; else echo "$1"; fi
}

common_conf() {  # name port
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $2
workers = 0
user = root
swift_dir = $DIR/etc
devices = $DIR/srv/$1
mount_check = false
disable_fallocate = true
log_name = $1
log_address = $DIR/run/log.sock
recon_cache_path = $DIR/cache
EOF
}

write_server_conf() {  # name
  local name=$1 kind
  kind=$(kind_of "$1")
  mkdir -p "$DIR/srv/$name/d1"
  {
    common_conf "$name" "${PORT[$name]}"
    cat <<EOF

[pipeline:main]
pipeline = healthcheck recon $kind-server

[app:$kind-server]
use = egg:swift#$kind

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:recon]
use = egg:swift#recon

[$kind-replicator]
sync_method = ssync

[$kind-updater]

[$kind-auditor]
EOF
  } > "$(conf_of "$name")"
}

write_proxy_conf() {  # name port sorting-lines...
  local name=$1 port=$2
  shift 2
  {
    cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
user = root
swift_dir = $DIR/etc
log_name = $name
log_address = $DIR/run/log.sock

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
# A restarted server must be read at once, not skipped for a minute as "error limited".
error_suppression_limit = 1000000
EOF
    printf '%s\n' "$@"
    cat <<EOF

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = $USER_KEY .admin
user_admin_admin = admin .admin .reseller_admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHED_PORT

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
[filter:symlink]
use = egg:swift#symlink
EOF
  } > "$(conf_of "$name")"
}

build_rings() {
  "$PY" - "$DIR/etc" "${PORT[object-1]}" "${PORT[container-1]}" "${PORT[account-1]}" <<'EOF'
import sys
from swift.common.ring import RingBuilder
etc, first = sys.argv[1], dict(zip(('object', 'container', 'account'), map(int, sys.argv[2:5])))
layout = {kind: [first[kind] + 10 * zone for zone in range(4 if kind == 'object' else 3)] for kind in first}
for kind, ports in layout.items():
    builder = RingBuilder(6, 3, 0)
    for zone, port in enumerate(ports, start=1):
        builder.add_dev({'id': zone - 1, 'region': 1, 'zone': zone, 'ip': '127.0.0.1',
                         'port': port, 'device': 'd1', 'weight': 100})
    builder.rebalance()
    builder.save(f'{etc}/{kind}.builder')
    builder.get_ring().save(f'{etc}/{kind}.ring.gz')
EOF
}

configure() {
  mkdir -p "$DIR/etc" "$DIR/run" "$DIR/cache" "$DIR/pids"
  for s in "${STORAGE_SERVERS[@]}"; do write_server_conf "$s"; done
  write_proxy_conf proxy "$PROXY_PORT" "sorting_method = shuffle"
  write_proxy_conf proxy-affinity "$AFFINITY_PROXY_PORT" "sorting_method = affinity" "read_affinity = r1z1=100"
  [ -f "$DIR/etc/object.ring.gz" ] || build_rings
  if [ -n "$(max_file_size)" ]; then write_constraints; fi
}

command_of() {  # name -> the command line that runs it in the foreground
  case $1 in
    memcached) echo "memcached -l 127.0.0.1 -p $MEMCACHED_PORT -U 0 -u root" ;;
    logger) echo "$PY $DIR/run/logger.py $DIR/run/log.sock $DIR/swift.log" ;;
    proxy|proxy-affinity) echo "$(swift_command swift-proxy-server) $(conf_of "$1")" ;;
    *) echo "$(swift_command "swift-$(kind_of "$1")-server") $(conf_of "$1")" ;;
  esac
}

pid_of() { cat "$DIR/pids/$1.pid" 2>/dev/null || true; }

is_up() {  # servers are up when their port listens; the logger when its pid lives
  if [ "$1" = logger ]; then
    local pid; pid=$(pid_of logger)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
  else
    port_open "${PORT[$1]}"
  fi
}

start_one() {
  local name=$1 pid
  pid=$(pid_of "$name")
  # alive but maybe not listening yet (a slow start under load): starting a second one would lose the port race
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then return 0; fi
  # a port held by a process this DIR did not start (another all-in-one, another service)
  [ "$name" = logger ] || ! port_open "${PORT[$name]}" || die "port ${PORT[$name]} for $name is taken by a process not started under $DIR"
  # shellcheck disable=SC2046
  nohup $(command_of "$name") >>"$DIR/run/$name.out" 2>&1 </dev/null &
  echo $! > "$DIR/pids/$name.pid"
}

stop_one() {
  local name=$1 pid
  pid=$(pid_of "$name")
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  # A killed server lingers as a zombie for a moment: its port tells when it is gone.
  if [ "$name" != logger ] && ! wait_for "! port_open ${PORT[$name]}" 10; then
    kill -9 "$pid" 2>/dev/null || true
    wait_for "! port_open ${PORT[$name]}" 5 || die "$name (pid $pid) still holds port ${PORT[$name]}"
  fi
  rm -f "$DIR/pids/$name.pid"
}

write_logger() {
  cat > "$DIR/run/logger.py" <<'EOF'
# Receives the servers' syslog datagrams (there is no /dev/log here) and appends them to a file.
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
with open(out, 'ab', buffering=0) as f:
    while True:
        f.write(sock.recv(65536).rstrip(b'\0') + b'\n')
EOF
}

auth_headers() {
  curl -sf -D - -o /dev/null -H "X-Auth-User: $USER_NAME" -H "X-Auth-Key: $USER_KEY" \
    "http://127.0.0.1:$1/auth/v1.0" | tr -d '\r'
}

ready() {  # auth works and a PUT through this proxy is stored
  local headers url token
  headers=$(auth_headers "$1") || return 1
  url=$(sed -n 's/^[Xx]-[Ss]torage-[Uu]rl: //p' <<<"$headers")
  token=$(sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: //p' <<<"$headers")
  [ -n "$url" ] && [ -n "$token" ] || return 1
  curl -sf -o /dev/null -X PUT -H "X-Auth-Token: $token" "$url/aio-ready" &&
    curl -sf -o /dev/null -X PUT -H "X-Auth-Token: $token" --data-binary ok "$url/aio-ready/probe"
}

print_settings() {
  cat <<EOF
IRONCLAD_SWIFT_AUTH_URL=http://127.0.0.1:$PROXY_PORT/auth/v1.0
IRONCLAD_SWIFT_AFFINITY_AUTH_URL=http://127.0.0.1:$AFFINITY_PROXY_PORT/auth/v1.0
IRONCLAD_SWIFT_USER=$USER_NAME
IRONCLAD_SWIFT_KEY=$USER_KEY
IRONCLAD_SWIFT_DIR=$DIR
EOF
  if [ -n "$(max_file_size)" ]; then echo "IRONCLAD_SWIFT_MAX_FILE_SIZE=$(max_file_size)"; fi
}

all_storage_servers_listen() {
  local s
  for s in "${STORAGE_SERVERS[@]}"; do port_open "${PORT[$s]}" || return 1; done
}

all_names() { echo logger memcached "${STORAGE_SERVERS[@]}" proxy proxy-affinity; }

cmd_start() {
  if ready "$PROXY_PORT" 2>/dev/null && [ -f "$DIR/pids/proxy.pid" ]; then
    print_settings
    return
  fi
  install_packages
  local started=$SECONDS
  configure
  write_logger
  for name in $(all_names); do start_one "$name"; done
  # The first request auto-creates the account on whichever account servers answer; one that is
  # not listening yet never gets it, and container PUTs then fail there until a replicator runs.
  wait_for "all_storage_servers_listen" 60 || die "storage servers not listening after 60 s; see $DIR/run/*.out"
  wait_for "ready $PROXY_PORT && ready $AFFINITY_PROXY_PORT" 60 || die "Swift not ready after 60 s; see $DIR/run/*.out and $DIR/swift.log"
  log "ready in $(( SECONDS - started )) s under $DIR"
  print_settings
}

cmd_stop() {
  local names
  names=$(all_names | tr ' ' '\n' | tac)   # proxies first, logger last
  for name in $names; do stop_one "$name"; done
  log "stopped"
}

cmd_status() {
  local name
  for name in $(all_names); do
    printf '%-16s pid=%-8s port=%-6s %s\n' "$name" "$(pid_of "$name")" "${PORT[$name]:--}" "$(is_up "$name" && echo up || echo down)"
  done
}

known_server() {
  [[ " ${STORAGE_SERVERS[*]} proxy proxy-affinity " == *" $1 "* ]] || die "unknown server '$1'; one of: ${STORAGE_SERVERS[*]} proxy proxy-affinity"
}

cmd_start_server() {
  known_server "$1"
  start_one "$1"
  wait_for "port_open ${PORT[$1]}" 30 || die "$1 did not open port ${PORT[$1]}; see $DIR/run/$1.out"
  log "started $1"
}

cmd_daemons_once() {  # verb kinds...
  local verb=$1 s
  shift
  for s in "${STORAGE_SERVERS[@]}"; do
    if [[ " $* " == *" $(kind_of "$s") "* ]]; then
      "swift-$(kind_of "$s")-$verb" "$(conf_of "$s")" once >>"$DIR/run/$s-$verb.out" 2>&1 || log "$s $verb once failed (server down?)"
    fi
  done
  log "$verb once done"
}

[ $# -ge 2 ] || die "usage: $0 start|stop|status|stop-server NAME|start-server NAME|replicate-once|update-once DIR"
verb=$1
mkdir -p "$2"
DIR=$(cd "$2" && pwd)
[ -f "$DIR/port-offset" ] || echo "${IRONCLAD_SWIFT_PORT_OFFSET:-0}" > "$DIR/port-offset"
if [ "$verb" = start ] && [ ! -f "$DIR/max-file-size" ] && [ -n "${IRONCLAD_SWIFT_MAX_FILE_SIZE:-}" ]; then
  [[ $IRONCLAD_SWIFT_MAX_FILE_SIZE =~ ^[0-9]+$ ]] || die "IRONCLAD_SWIFT_MAX_FILE_SIZE must be a number of bytes, got '$IRONCLAD_SWIFT_MAX_FILE_SIZE'"
  echo "$IRONCLAD_SWIFT_MAX_FILE_SIZE" > "$DIR/max-file-size"
fi
set_ports "$(cat "$DIR/port-offset")"
case $verb in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  stop-server) [ $# -eq 3 ] || die "usage: $0 stop-server DIR NAME"; known_server "$3"; stop_one "$3"; log "stopped $3" ;;
  start-server) [ $# -eq 3 ] || die "usage: $0 start-server DIR NAME"; cmd_start_server "$3" ;;
  replicate-once) cmd_daemons_once replicator object container account ;;
  update-once) cmd_daemons_once updater object container ;;
  *) die "unknown command '$verb'" ;;
esac
