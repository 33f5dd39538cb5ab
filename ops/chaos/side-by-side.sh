#!/usr/bin/env bash
# Side-by-side chaos run: the Ironclad sidecar and the Debian docker-registry (CNCF distribution
# 2.8.2), both on a running Swift all-in-one (ops/swift/aio.sh) behind a fault proxy with the
# given scenario, and writes one report. A scenario without Swift actions gives each registry its
# own proxy and runs both at once; one with actions (servers stopped and started) runs them in turn.
#
#   ops/chaos/side-by-side.sh SCENARIO.json OPS SEED WORKDIR [SWIFT_AUTH_URL]
#
# SWIFT_AUTH_URL defaults to $IRONCLAD_SWIFT_AUTH_URL (as aio.sh prints it); use the read-affinity
# proxy's URL ($IRONCLAD_SWIFT_AFFINITY_AUTH_URL) for container-lag/object-behind. Needs
# chaos-tests/target/ironclad-chaos.jar and sidecar/target/ironclad-sidecar.jar.
# Ports CHAOS_PORT_BASE..+3 (default 18090-18093), so runs on separate all-in-ones can go at once.
# CHAOS_CLIENTS sets the number of concurrent clients (default 4); CHAOS_SIDECAR_OPTS adds JVM
# options to the sidecar (e.g. -Dironclad.writeback.enabled=true for store-flap.json), and then
# the blobs still pending write-back once the run ended are waited for (up to 120 s) and written
# to $WORKDIR/writeback.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
LOG_NAME=side-by-side
. ops/lib.sh
scenario=$(realpath "$1") ops=$2 seed=$3 work=$4
auth=${5:-${IRONCLAD_SWIFT_AUTH_URL:?set IRONCLAD_SWIFT_AUTH_URL or pass it}}
user=${IRONCLAD_SWIFT_USER:-test:tester} key=${IRONCLAD_SWIFT_KEY:-testing}
upstream=${auth%/auth/*} auth_path=/auth/${auth#*/auth/}
base=${CHAOS_PORT_BASE:-18090}
proxy_port=$base sidecar_port=$((base + 1)) peer_port=$((base + 2)) peer_proxy_port=$base run_id=$(date +%s)
has_actions=$(python3 -c 'import json,sys; print(bool(json.load(open(sys.argv[1])).get("actions")))' "$scenario")
mkdir -p "$work"
# Private copies: a rebuild during a long run replaces the jars in place under the running JVMs.
cp chaos-tests/target/ironclad-chaos.jar sidecar/target/ironclad-sidecar.jar "$work/"
chaos_jar=$work/ironclad-chaos.jar sidecar_jar=$work/ironclad-sidecar.jar
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

up() {  # URL WHAT: until the URL answers 2xx, for up to 120 s
  wait_for "curl -sf -o /dev/null $1" 120 || die "$2 not ready at $1; see $work/*.log"
}

java -jar "$chaos_jar" proxy --upstream "$upstream" --listen $proxy_port --scenario "$scenario" \
  >"$work/proxy.log" 2>&1 & pids+=($!)
up "http://127.0.0.1:$proxy_port/_chaos/injected" "fault proxy"   # the registries authenticate at start
at_once=()
if [ "$has_actions" = False ]; then
  peer_proxy_port=$((base + 3))
  java -jar "$chaos_jar" proxy --upstream "$upstream" --listen $peer_proxy_port --scenario "$scenario" \
    >"$work/peer-proxy.log" 2>&1 & pids+=($!)
  up "http://127.0.0.1:$peer_proxy_port/_chaos/injected" "peer fault proxy"
  at_once=(--peer-proxy "http://127.0.0.1:$peer_proxy_port")
fi
java -Xmx512m -Dmicronaut.server.port=$sidecar_port -Dironclad.data-dir="$work/sidecar" \
  -Dironclad.driver.type=swift -Dironclad.driver.swift.auth-url="http://127.0.0.1:$proxy_port$auth_path" \
  -Dironclad.driver.swift.user="$user" -Dironclad.driver.swift.key="$key" \
  -Dironclad.driver.swift.container="chaos-$run_id" -Dironclad.driver.swift.segment-size=1048576 \
  -Dironclad.consistency.timeout=15s ${CHAOS_SIDECAR_OPTS:-} -jar "$sidecar_jar" serve >"$work/sidecar.log" 2>&1 & pids+=($!)
cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  swift:
    authurl: http://127.0.0.1:$peer_proxy_port$auth_path
    authversion: 1
    username: $user
    password: $key
    container: chaos-peer-$run_id
    chunksize: 5242880
  redirect:
    disable: true
http:
  addr: 127.0.0.1:$peer_port
  secret: chaos-side-by-side
YAML
/usr/bin/docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 & pids+=($!)

up "http://127.0.0.1:$sidecar_port/v2/" "sidecar"
up "http://127.0.0.1:$peer_port/v2/" "docker-registry"

swift_dir=()
[ -n "${IRONCLAD_SWIFT_DIR:-}" ] && swift_dir=(--swift-dir "$IRONCLAD_SWIFT_DIR")
java -jar "$chaos_jar" run --target "http://127.0.0.1:$sidecar_port" \
  --peer-target "http://127.0.0.1:$peer_port" --proxy "http://127.0.0.1:$proxy_port" \
  --ops "$ops" --seed "$seed" --clients "${CHAOS_CLIENTS:-4}" --scenario "$scenario" --report "$work/report.json" "${swift_dir[@]}" "${at_once[@]}"
if [ -n "${CHAOS_SIDECAR_OPTS:-}" ]; then
  pending() { curl -sf "http://127.0.0.1:$sidecar_port/prometheus" | awk '/^ironclad_writeback_pending_count/ {print int($2)}'; }
  at_end=$(pending) flush_start=$(date +%s%N)
  wait_for '[ "$(pending)" = 0 ]' 120 || true
  printf 'pending at the end of the run: %s\npending after waiting for the flush: %s (waited %d ms)\n' \
    "$at_end" "$(pending)" $(( ($(date +%s%N) - flush_start) / 1000000 )) | tee "$work/writeback.txt"
fi
