#!/usr/bin/env bash
# A standalone ZooKeeper (Debian package `zookeeper`, 3.8) on 127.0.0.1 for tests, under one directory.
#
#   zk.sh start DIR [PORT]   install the package if missing, write DIR/zoo.cfg, start the server,
#                            wait until it answers `ruok` with `imok`, print IRONCLAD_ZK_* lines.
#                            PORT defaults to the one of a previous start under DIR, else 2181.
#                            Starting an already running server only prints its settings.
#   zk.sh stop DIR           stop the server recorded under DIR (by PID); its data stays
#   zk.sh status DIR         pid, port and up/down
#
# tickTime is 500 ms, so clients may ask for session timeouts from 1 s (2 ticks) to 10 s
# (20 ticks): tests can see a lost session within seconds. The admin HTTP server (default
# port 8080, the Swift proxy's) is disabled. Only stdout carries KEY=VALUE lines.
set -euo pipefail

LOG_NAME=zk
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

CLASSPATH=/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar

pid_of() { cat "$DIR/zk.pid" 2>/dev/null || true; }
port_of() { sed -n 's/^clientPort=//p' "$DIR/zoo.cfg" 2>/dev/null || true; }
# A server still loading its data can accept a connection and never answer: bound each probe.
ruok() { [ "$(timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf ruok >&3 && cat <&3' "$1")" = imok ]; } 2>/dev/null

write_config() {  # port
  mkdir -p "$DIR/data"
  cat > "$DIR/zoo.cfg" <<CFG
tickTime=500
dataDir=$DIR/data
clientPort=$1
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,mntr
autopurge.purgeInterval=1
CFG
}

print_settings() {
  echo "IRONCLAD_ZK_CONNECT=127.0.0.1:$(port_of)"
  echo "IRONCLAD_ZK_DIR=$DIR"
}

cmd_start() {
  local port=${1:-$(port_of)}
  port=${port:-2181}
  if [ -n "$(pid_of)" ] && kill -0 "$(pid_of)" 2>/dev/null && ruok "$(port_of)"; then
    print_settings
    return
  fi
  install_missing zookeeper
  port_open "$port" && die "port $port is taken by a process not started under $DIR"
  write_config "$port"
  local started=$SECONDS
  nohup java -Xmx128m -Dzookeeper.log.dir="$DIR" -cp "$CLASSPATH" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$DIR/zoo.cfg" >>"$DIR/zk.out" 2>&1 </dev/null &
  echo $! > "$DIR/zk.pid"
  wait_for "ruok $port" 30 || die "ZooKeeper did not answer ruok on $port within 30 s; see $DIR/zk.out"
  log "ready on 127.0.0.1:$port in $(( SECONDS - started )) s under $DIR"
  print_settings
}

cmd_stop() {
  local pid port
  pid=$(pid_of)
  port=$(port_of)
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  if ! wait_for "! port_open $port" 10; then
    kill -9 "$pid" 2>/dev/null || true
    wait_for "! port_open $port" 5 || die "ZooKeeper (pid $pid) still holds port $port"
  fi
  rm -f "$DIR/zk.pid"
  log "stopped"
}

cmd_status() {
  local port; port=$(port_of)
  printf 'zookeeper pid=%-8s port=%-6s %s\n' "$(pid_of)" "${port:--}" "$([ -n "$port" ] && ruok "$port" && echo up || echo down)"
}

[ $# -ge 2 ] || die "usage: $0 start DIR [PORT] | stop DIR | status DIR"
verb=$1
mkdir -p "$2"
DIR=$(cd "$2" && pwd)
case $verb in
  start) cmd_start "${3:-}" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "unknown command '$verb'" ;;
esac
