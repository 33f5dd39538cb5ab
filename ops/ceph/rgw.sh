#!/usr/bin/env bash
# A private single-node Ceph cluster with RADOS Gateway on 127.0.0.1 for tests, under one directory.
#
#   rgw.sh start DIR [--single|--multisite]
#         install packages if missing, make the cluster (one monitor, one memstore OSD, no mgr),
#         start radosgw, create the S3 user and its Swift subuser, wait until a signed S3 request
#         works on every zone, print IRONCLAD_S3_* and IRONCLAD_RGW_* lines. Default --multisite:
#         realm "ci", zonegroup "zg", zone z1 (master) on :7480 and zone z2 on :7481, two radosgw
#         processes on the one cluster with real asynchronous replication between them.
#         --single: one zone, one radosgw on :7480.
#   rgw.sh stop DIR                  stop every daemon started under DIR (by its pid file)
#   rgw.sh status DIR                one line per daemon: name, pid, up/down
#   rgw.sh pause-sync DIR BUCKET     stop replicating BUCKET between zones (multisite)
#   rgw.sh resume-sync DIR BUCKET    replicate it again (catches up in a few seconds)
#
# The OSD keeps its objects in memory (memstore): a stopped cluster's data is gone, and start
# after stop makes a new cluster. Only stdout carries KEY=VALUE lines; progress goes to stderr.
set -euo pipefail

MON_V2=3300
MON_V1=6789
Z1_PORT=7480
Z2_PORT=7481
S3_USER=ironclad
S3_ACCESS_KEY=IRONCLADACCESSKEY01
S3_SECRET_KEY=ironclad-secret-key-for-tests-only
SWIFT_KEY=ironclad-swift-key
SYSTEM_ACCESS_KEY=IRONCLADSYSTEMKEY01
SYSTEM_SECRET_KEY=ironclad-system-secret-for-sync
DAEMONS=(client.rgw.z2 client.rgw.z1 osd.0 mon.a)   # stop order

LOG_NAME=rgw
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

install_packages() {
  install_missing ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl
}

ceph_() { ceph -c "$DIR/ceph.conf" --connect-timeout 30 "$@"; }
admin() { radosgw-admin -c "$DIR/ceph.conf" "$@" >>"$DIR/log/radosgw-admin.out" 2>&1; }

write_conf() {  # fsid mode
  local zones=""
  if [ "$2" = multisite ]; then
    zones=$(printf '[client.rgw.z1]\nrgw frontends = beast endpoint=127.0.0.1:%s\nrgw zone = z1\nkeyring = %s/client.rgw.z1/keyring\n\n[client.rgw.z2]\nrgw frontends = beast endpoint=127.0.0.1:%s\nrgw zone = z2\nkeyring = %s/client.rgw.z2/keyring\n' \
      "$Z1_PORT" "$DIR" "$Z2_PORT" "$DIR")
  else
    zones=$(printf '[client.rgw.z1]\nrgw frontends = beast endpoint=127.0.0.1:%s\nkeyring = %s/client.rgw.z1/keyring\n' "$Z1_PORT" "$DIR")
  fi
  cat > "$DIR/ceph.conf" <<EOF
[global]
fsid = $1
mon host = [v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth allow insecure global id reclaim = false
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
# The default 1 s makes every lazily created RGW pool cost about 2 s.
paxos propose interval = 0.1

[mon.a]
mon data = $DIR/mon.a

[osd.0]
osd data = $DIR/osd.0
osd objectstore = memstore
# memstore keeps objects in RAM, growing only as used; a full OSD makes RGW block writes forever
memstore device bytes = 8589934592
keyring = $DIR/osd.0/keyring

[client]
# deleted objects (and replaced parts) are reclaimed within seconds instead of after 2 hours,
# so a long test run does not fill the in-memory OSD
rgw gc obj min wait = 2
rgw gc processor period = 5
rgw gc processor max time = 5

$zones
EOF
}

make_monitor() {
  local fsid=$1
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$DIR/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]" "$DIR/monmap" >/dev/null
  ceph-mon -c "$DIR/ceph.conf" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring"
  ceph-mon -c "$DIR/ceph.conf" -i a
}

make_osd() {
  local uuid secret id
  uuid=$(uuidgen)
  secret=$(ceph-authtool --gen-print-key)
  printf '{"cephx_secret": "%s"}' "$secret" > "$DIR/osd-new.json"
  id=$(ceph_ osd new "$uuid" -i "$DIR/osd-new.json")
  [ "$id" = 0 ] || die "expected OSD id 0, got '$id'"
  mkdir -p "$DIR/osd.0"
  ceph-authtool --create-keyring "$DIR/osd.0/keyring" --name osd.0 --add-key "$secret" >/dev/null
  ceph-osd -c "$DIR/ceph.conf" -i 0 --mkfs --key "$secret" --osd-uuid "$uuid" 2>>"$DIR/log/osd-mkfs.out"
  ceph-osd -c "$DIR/ceph.conf" -i 0
}

gateway_key() {  # zone
  mkdir -p "$DIR/client.rgw.$1"
  ceph_ auth get-or-create "client.rgw.$1" mon 'allow rw' osd 'allow rwx' -o "$DIR/client.rgw.$1/keyring"
}

make_multisite() {
  local keys=(--access-key="$SYSTEM_ACCESS_KEY" --secret="$SYSTEM_SECRET_KEY")
  admin realm create --rgw-realm=ci --default
  admin zonegroup create --rgw-zonegroup=zg --endpoints="http://127.0.0.1:$Z1_PORT" --master --default
  admin zone create --rgw-zonegroup=zg --rgw-zone=z1 --master --default --endpoints="http://127.0.0.1:$Z1_PORT" "${keys[@]}"
  admin zone create --rgw-zonegroup=zg --rgw-zone=z2 --endpoints="http://127.0.0.1:$Z2_PORT" "${keys[@]}"
  admin user create --uid=sync-user --display-name="zone sync" --system "${keys[@]}"
  admin period update --commit
}

make_users() {
  admin user create --uid="$S3_USER" --display-name="Ironclad tests" \
    --access-key="$S3_ACCESS_KEY" --secret-key="$S3_SECRET_KEY"
  admin subuser create --uid="$S3_USER" --subuser="$S3_USER:swift" --key-type=swift \
    --secret-key="$SWIFT_KEY" --access=full
}

# A signed request through this port works: the user exists in (has been synced to) its zone.
signed_ok() {
  curl -sf -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "http://127.0.0.1:$1/"
}

swift_ok() {
  curl -sf -o /dev/null -H "X-Auth-User: $S3_USER:swift" -H "X-Auth-Key: $SWIFT_KEY" "http://127.0.0.1:$Z1_PORT/auth/v1.0"
}

mode_of_running() { [ -f "$DIR/run/client.rgw.z2.pid" ] && echo multisite || echo single; }

print_settings() {
  cat <<EOF
IRONCLAD_RGW_DIR=$DIR
IRONCLAD_S3_ENDPOINT=http://127.0.0.1:$Z1_PORT
IRONCLAD_S3_REGION=us-east-1
IRONCLAD_S3_ACCESS_KEY=$S3_ACCESS_KEY
IRONCLAD_S3_SECRET_KEY=$S3_SECRET_KEY
IRONCLAD_RGW_SWIFT_AUTH_URL=http://127.0.0.1:$Z1_PORT/auth/v1.0
IRONCLAD_RGW_SWIFT_USER=$S3_USER:swift
IRONCLAD_RGW_SWIFT_KEY=$SWIFT_KEY
EOF
  [ "$1" != multisite ] || echo "IRONCLAD_S3_Z2_ENDPOINT=http://127.0.0.1:$Z2_PORT"
}

pid_of() { cat "$DIR/run/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

stop_one() {
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  if ! wait_for "! kill -0 $pid 2>/dev/null" 15; then
    kill -9 "$pid" 2>/dev/null || true
    wait_for "! kill -0 $pid 2>/dev/null" 5 || die "$1 (pid $pid) did not stop"
  fi
  rm -f "$DIR/run/$1.pid"
}

cmd_stop() {
  local d
  for d in "${DAEMONS[@]}"; do stop_one "$d"; done
  log "stopped"
}

cmd_start() {
  local mode=$1 started=$SECONDS fsid zone
  if alive client.rgw.z1 && signed_ok "$Z1_PORT"; then
    [ "$(mode_of_running)" = "$mode" ] || die "a $(mode_of_running) cluster already runs under $DIR; stop it first"
    print_settings "$mode"
    return
  fi
  install_packages
  cmd_stop 2>/dev/null
  for port in $MON_V2 $MON_V1 $Z1_PORT $Z2_PORT; do
    ! port_open "$port" || die "port $port is taken by a process not started under $DIR"
  done
  rm -rf "${DIR:?}"/{mon.a,osd.0,client.rgw.*,run,log,keyring,monmap,ceph.conf,osd-new.json}
  mkdir -p "$DIR/run" "$DIR/log"
  fsid=$(uuidgen)
  write_conf "$fsid" "$mode"
  make_monitor "$fsid"
  make_osd
  wait_for "ceph_ osd stat 2>/dev/null | grep -q '1 up'" 60 || die "OSD not up after 60 s; see $DIR/log/osd.0.log"
  [ "$mode" = single ] || make_multisite
  make_users
  for zone in z1 $([ "$mode" = single ] || echo z2); do
    gateway_key "$zone"
    radosgw -c "$DIR/ceph.conf" -n "client.rgw.$zone"
  done
  wait_for "signed_ok $Z1_PORT && swift_ok" 90 || die "RGW z1 not ready after 90 s; see $DIR/log/client.rgw.z1.log"
  if [ "$mode" = multisite ]; then
    wait_for "signed_ok $Z2_PORT" 90 || die "RGW z2 never saw the user (metadata sync); see $DIR/log/client.rgw.z2.log"
  fi
  log "$mode ready in $(( SECONDS - started )) s under $DIR"
  print_settings "$mode"
}

cmd_status() {
  local d
  for d in "${DAEMONS[@]}"; do
    printf '%-16s pid=%-8s %s\n' "$d" "$(pid_of "$d")" "$(alive "$d" && echo up || echo down)"
  done
}

cmd_sync() {  # enable|disable bucket
  [ "$(mode_of_running)" = multisite ] || die "replication needs a multisite cluster (start --multisite)"
  radosgw-admin -c "$DIR/ceph.conf" bucket sync "$1" --bucket="$2" >&2 || die "bucket sync $1 failed for '$2'"
  log "replication of bucket $2: $1d"
}

[ $# -ge 2 ] || die "usage: $0 start DIR [--single|--multisite] | stop DIR | status DIR | pause-sync DIR BUCKET | resume-sync DIR BUCKET"
verb=$1
mkdir -p "$2"
DIR=$(cd "$2" && pwd)
case $verb in
  start)
    case ${3:---multisite} in
      --single) cmd_start single ;;
      --multisite) cmd_start multisite ;;
      *) die "unknown start option '$3'; use --single or --multisite" ;;
    esac ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  pause-sync) [ $# -eq 3 ] || die "usage: $0 pause-sync DIR BUCKET"; cmd_sync disable "$3" ;;
  resume-sync) [ $# -eq 3 ] || die "usage: $0 resume-sync DIR BUCKET"; cmd_sync enable "$3" ;;
  *) die "unknown command '$verb'" ;;
esac
