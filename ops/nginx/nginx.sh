#!/usr/bin/env bash
# Runs Debian's nginx as the caching front end of one sidecar, with everything (config, pid,
# logs, temp files, cache) under one directory; no system paths are touched.
#
#   ops/nginx/nginx.sh start DIR UPSTREAM PORT   # UPSTREAM = sidecar host:port; prints IRONCLAD_NGINX_URL=...
#   ops/nginx/nginx.sh stop DIR
set -euo pipefail
LOG_NAME=nginx
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib.sh"

NGINX=${IRONCLAD_NGINX_BIN:-/usr/sbin/nginx}

start() {
  local dir=$1 upstream=$2 port=$3
  [ -x "$NGINX" ] || install_missing nginx-light
  [ -x "$NGINX" ] || die "nginx not found at $NGINX"
  port_open "$port" && die "port $port is in use"
  mkdir -p "$dir/cache" "$dir/tmp"
  dir=$(cd "$dir" && pwd)
  local user
  if [ "$(id -u)" = 0 ]; then
    # workers drop root to nobody, who must own what they write and reach it through DIR's parents
    chown -R nobody:nogroup "$dir/cache" "$dir/tmp"
    if runuser -u nobody -- test -w "$dir/cache"; then
      user="nobody nogroup"
    else
      log "nobody cannot reach $dir (a parent is not searchable): workers run as root"
      user="root root"
    fi
  else
    user="$(id -un) $(id -gn)" # ignored by nginx when not started as root
  fi
  sed -e "s|@DIR@|$dir|g" -e "s|@UPSTREAM@|$upstream|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$user|g" \
    "$HERE/ironclad.conf" > "$dir/nginx.conf"
  "$NGINX" -q -t -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" || die "invalid config $dir/nginx.conf"
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
  wait_for "port_open $port" 10 || die "nginx did not listen on $port; see $dir/error.log"
  log "listening on 127.0.0.1:$port in front of $upstream (pid $(cat "$dir/nginx.pid"))"
  echo "IRONCLAD_NGINX_URL=http://127.0.0.1:$port"
}

stop() {
  local dir=$1 pid
  [ -f "$dir/nginx.pid" ] || { log "not running in $dir"; return 0; }
  pid=$(cat "$dir/nginx.pid")
  kill -QUIT "$pid" 2>/dev/null || true
  wait_for "! kill -0 $pid 2>/dev/null" 10 || { kill -KILL "$pid" 2>/dev/null || true; }
  log "stopped (pid $pid)"
}

case "${1:-}" in
  start) [ $# -eq 4 ] || die "usage: $0 start DIR UPSTREAM PORT"; start "$2" "$3" "$4" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
  *) die "usage: $0 start DIR UPSTREAM PORT | stop DIR" ;;
esac
