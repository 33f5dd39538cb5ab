#!/usr/bin/env bash
# Cross-zone side-by-side on a running Ceph RGW multisite pair (ops/ceph/rgw.sh start DIR): real
# asynchronous replication is the fault. Images are pushed to a registry on zone z1 and pulled at
# once from a second registry on zone z2:
#   Ironclad: sidecar A (S3 driver on z1) and sidecar B (z2, z1 as freshness endpoint) sharing
#             one PostgreSQL schema;
#   peer:     two Debian docker-registry 2.8.2 instances with their S3 driver, one per zone, on
#             one bucket.
#
#   ops/chaos/side-by-side-s3.sh running|paused OPS SEED WORKDIR
#
# paused: replication of both buckets is paused before the run (rgw.sh pause-sync) and resumed
# after it. Needs the IRONCLAD_S3_* and IRONCLAD_RGW_DIR settings rgw.sh prints, PostgreSQL on
# 127.0.0.1:5432 (or IRONCLAD_PG_URL), sidecar/target/ironclad-sidecar.jar and
# chaos-tests/target/ironclad-chaos.jar (or IRONCLAD_CHAOS_RUN, the command that runs the chaos
# CLI, as the module's own test sets it before the jar exists). Ports 18101-18104.
set -euo pipefail
cd "$(dirname "$0")/../.."
LOG_NAME=side-by-side-s3
. ops/lib.sh
[ $# -eq 4 ] || die "usage: $0 running|paused OPS SEED WORKDIR"
mode=$1 ops=$2 seed=$3 work=$4
[ "$mode" = running ] || [ "$mode" = paused ] || die "mode must be running or paused, not '$mode'"
z1=${IRONCLAD_S3_ENDPOINT:?start ops/ceph/rgw.sh DIR --multisite and export what it prints}
z2=${IRONCLAD_S3_Z2_ENDPOINT:?a multisite RGW is needed: ops/ceph/rgw.sh start DIR --multisite}
access=${IRONCLAD_S3_ACCESS_KEY:?} secret=${IRONCLAD_S3_SECRET_KEY:?} region=${IRONCLAD_S3_REGION:-us-east-1}
rgw_dir=${IRONCLAD_RGW_DIR:?}
pg_url=${IRONCLAD_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}
run_id=$(date +%s)
bucket=chaos-s3-$run_id peer_bucket=chaos-s3-peer-$run_id schema=chaos_s3_$run_id
a_port=18101 b_port=18102 peer_a_port=18103 peer_b_port=18104
mkdir -p "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "$mode" = paused ]; then
    ops/ceph/rgw.sh resume-sync "$rgw_dir" "$bucket" >/dev/null 2>&1 || true
    ops/ceph/rgw.sh resume-sync "$rgw_dir" "$peer_bucket" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

s3() {  # METHOD URL: a signed request without a body; prints the status
  local method=(-X "$1")
  [ "$1" != HEAD ] || method=(-I)   # curl -X HEAD would wait for a body
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${method[@]}" --aws-sigv4 "aws:amz:$region:s3" --user "$access:$secret" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" "$2"
}
http_ok() { curl -sf -o /dev/null "$1"; }
await_up() {  # WHAT PORT: until the last started process answers /v2/, failing at once if it exits
  local pid=${pids[-1]}
  wait_for "http_ok http://127.0.0.1:$2/v2/ || ! kill -0 $pid" 120 && kill -0 "$pid" 2>/dev/null \
    || die "$1 not ready; see $work/$1.log"
}
in_z2() { [ "$(s3 HEAD "$z2/$1")" = 200 ]; }

psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $schema" || die "cannot create schema $schema in PostgreSQL"
db_url="$pg_url$([[ $pg_url == *\?* ]] && echo '&' || echo '?')currentSchema=$schema"

sidecar() {  # NAME PORT ENDPOINT [FRESHNESS_ENDPOINT]
  local extra=(-Dironclad.driver.s3.create-bucket=true)
  [ -z "${4:-}" ] || extra=(-Dironclad.driver.s3.freshness-endpoint="$4" -Dironclad.driver.s3.create-bucket=false)
  IRONCLAD_DB_URL="$db_url" IRONCLAD_DB_USER=postgres IRONCLAD_DB_PASSWORD='' \
  java -Xmx512m -Dmicronaut.server.port="$2" -Dironclad.data-dir="$work/$1" -Dironclad.driver.type=s3 \
    -Dironclad.driver.s3.endpoint="$3" -Dironclad.driver.s3.region="$region" -Dironclad.driver.s3.bucket="$bucket" \
    -Dironclad.driver.s3.access-key="$access" -Dironclad.driver.s3.secret-key="$secret" \
    -Dironclad.consistency.timeout=15s "${extra[@]}" -jar sidecar/target/ironclad-sidecar.jar serve >"$work/$1.log" 2>&1 &
  pids+=($!)
  await_up "$1" "$2"
}

peer() {  # NAME PORT ENDPOINT
  cat >"$work/$1.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  s3:
    accesskey: $access
    secretkey: $secret
    region: $region
    regionendpoint: $3
    bucket: $peer_bucket
    secure: false
    v4auth: true
    chunksize: 5242880
  redirect:
    disable: true
http:
  addr: 127.0.0.1:$2
  secret: chaos-side-by-side
YAML
  # the AWS SDK in docker-registry panics on AWS_CA_BUNDLE with its custom transport (and needs none: plain HTTP)
  env -u AWS_CA_BUNDLE /usr/bin/docker-registry serve "$work/$1.yml" >"$work/$1.log" 2>&1 &
  pids+=($!)
  await_up "$1" "$2"
}

sidecar ironclad-a $a_port "$z1"   # creates the bucket in z1
[ "$(s3 PUT "$z1/$peer_bucket")" = 200 ] || die "cannot create bucket $peer_bucket in z1"
# bucket metadata replicates to z2 on its own schedule; a pause is a bucket flag that must reach z2 too
wait_for "in_z2 $bucket && in_z2 $peer_bucket" 120 || die "buckets did not reach z2 in 120 s"
if [ "$mode" = paused ]; then
  ops/ceph/rgw.sh pause-sync "$rgw_dir" "$bucket"
  ops/ceph/rgw.sh pause-sync "$rgw_dir" "$peer_bucket"
fi
sidecar ironclad-b $b_port "$z2" "$z1"
peer registry-a $peer_a_port "$z1"
peer registry-b $peer_b_port "$z2"

read -r -a chaos <<<"${IRONCLAD_CHAOS_RUN:-java -jar chaos-tests/target/ironclad-chaos.jar}"
"${chaos[@]}" run \
  --target "http://127.0.0.1:$a_port" --pull-target "http://127.0.0.1:$b_port" \
  --peer-target "http://127.0.0.1:$peer_a_port" --peer-pull-target "http://127.0.0.1:$peer_b_port" \
  --ops "$ops" --seed "$seed" --clients 4 --report "$work/report.json"
