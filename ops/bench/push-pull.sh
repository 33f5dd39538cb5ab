#!/usr/bin/env bash
# End-to-end benchmark with a real client: skopeo pushes and pulls a single-layer image of
# SIZE_MIB (default 100) through the Ironclad sidecar and through the Debian docker-registry
# (CNCF distribution 2.8.2), on the filesystem and on a real Swift all-in-one, in one run;
# then the sidecar's heap high-water mark while a 1 GiB blob is pulled with -Xmx256m.
#
#   ops/bench/push-pull.sh [WORKDIR]
#
# Needs: the sidecar jar (./mvnw -B -q -pl sidecar -am package -DskipTests), skopeo,
# docker-registry, and the Swift all-in-one (started here under WORKDIR/swift if the
# IRONCLAD_SWIFT_* variables are not set). Prints a table; figures are wall-clock seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=${1:-$(mktemp -d /tmp/ironclad-bench.XXXXXX)}
mkdir -p "$work"
size_mib=${SIZE_MIB:-100}
jar=$root/sidecar/target/ironclad-sidecar.jar
[ -f "$jar" ] || { echo "build the sidecar first: ./mvnw -B -q -pl sidecar -am package -DskipTests" >&2; exit 1; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ ! -d "$work/swift" ] || ops/swift/aio.sh stop "$work/swift" >/dev/null 2>&1 || true
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local deadline=$(( $(date +%s) + 60 ))
  until curl -sf -o /dev/null "http://127.0.0.1:$1/v2/"; do
    [ "$(date +%s)" -lt "$deadline" ] || { log "nothing answers /v2/ on port $1"; exit 1; }
    sleep 0.2
  done
}

# An OCI layout holding one image whose only layer is an uncompressed tar of random bytes.
make_layout() {  # dir mib
  local dir=$1 layer config manifest
  mkdir -p "$dir/blobs/sha256" "$dir/src"
  head -c "$(( $2 * 1024 * 1024 ))" /dev/urandom > "$dir/src/payload"
  tar -C "$dir/src" -cf "$dir/layer.tar" payload
  layer=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  mv "$dir/layer.tar" "$dir/blobs/sha256/$layer"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"config":{}}' "$layer" > "$dir/config.json"
  config=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/blobs/sha256/$config"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config" "$(stat -c %s "$dir/blobs/sha256/$config")" "$layer" "$(stat -c %s "$dir/blobs/sha256/$layer")" > "$dir/manifest.json"
  manifest=$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$manifest" "$(stat -c %s "$dir/manifest.json")" > "$dir/index.json"
  mv "$dir/manifest.json" "$dir/blobs/sha256/$manifest"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  rm -rf "$dir/src"
  echo "$layer"
}

start_sidecar() {  # port datadir heap extra-properties...
  local port=$1 data=$2 heap=$3
  shift 3
  java "-Xmx$heap" -Dmicronaut.server.port="$port" -Dironclad.data-dir="$data" "$@" -jar "$jar" serve \
    >"$data.log" 2>&1 &
  pids+=($!)
  sidecar_pid=$!
  wait_port "$port"
}

start_registry() {  # port config-storage-yaml
  local port=$1 conf="$work/registry-$1.yml"
  printf 'version: 0.1\nlog:\n  level: warn\nhttp:\n  addr: 127.0.0.1:%s\nstorage:\n  redirect:\n    disable: true\n%s\n' "$port" "$2" > "$conf"
  docker-registry serve "$conf" >"$work/registry-$1.log" 2>&1 &
  pids+=($!)
  wait_port "$port"
}

push_pull() {  # label port layout
  local label=$1 port=$2 layout=$3 t push pull back="$work/back-$1"
  t=$(now)
  skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$layout:v1" "docker://127.0.0.1:$port/bench/app:v1" >&2
  push=$(since "$t")
  t=$(now)
  skopeo copy -q --preserve-digests --dest-oci-accept-uncompressed-layers --src-tls-verify=false "docker://127.0.0.1:$port/bench/app:v1" "oci:$back:v1" >&2
  pull=$(since "$t")
  diff <(ls "$layout/blobs/sha256") <(ls "$back/blobs/sha256") >/dev/null || { log "$label: pulled blobs differ from pushed ones"; exit 1; }
  printf '%-34s push %6s s   pull %6s s\n' "$label" "$push" "$pull"
  echo "$push $pull" > "$work/result-$label"
}

ratio() {  # ironclad-label registry-label
  read -r ip il < "$work/result-$1"
  read -r rp rl < "$work/result-$2"
  awk -v ip="$ip" -v il="$il" -v rp="$rp" -v rl="$rl" -v l="$1 / $2" \
    'BEGIN { printf "%-34s push %6.2f x   pull %6.2f x\n", l, ip / rp, il / rl }'
}

swift_settings() {
  if [ -z "${IRONCLAD_SWIFT_AUTH_URL:-}" ]; then
    set -a
    eval "$(ops/swift/aio.sh start "$work/swift" | grep -E '^IRONCLAD_')"
    set +a
  fi
}

log "making a $size_mib MiB layout under $work"
layout="$work/layout"
make_layout "$layout" "$size_mib" >/dev/null
swift_settings

echo "skopeo push/pull of one ${size_mib} MiB layer, $(nproc) cores"
start_sidecar 5101 "$work/sc-fs" 512m
push_pull ironclad-filesystem 5101 "$layout"
start_registry 5102 "  filesystem:
    rootdirectory: $work/registry-fs"
push_pull registry-filesystem 5102 "$layout"

run=$(date +%s)
start_sidecar 5103 "$work/sc-swift" 512m -Dironclad.driver.type=swift \
  -Dironclad.driver.swift.auth-url="$IRONCLAD_SWIFT_AUTH_URL" -Dironclad.driver.swift.user="$IRONCLAD_SWIFT_USER" \
  -Dironclad.driver.swift.key="$IRONCLAD_SWIFT_KEY" -Dironclad.driver.swift.container="bench-ironclad-$run"
push_pull ironclad-swift 5103 "$layout"
start_registry 5104 "  swift:
    authurl: $IRONCLAD_SWIFT_AUTH_URL
    authversion: 1
    username: $IRONCLAD_SWIFT_USER
    password: $IRONCLAD_SWIFT_KEY
    container: bench-registry-$run
    chunksize: 5242880"
push_pull registry-swift 5104 "$layout"
echo "ratios (ironclad time / registry time; below 1 is faster)"
ratio ironclad-filesystem registry-filesystem
ratio ironclad-swift registry-swift

log "heap high-water while pulling a 1 GiB blob with -Xmx256m"
big="$work/big"
big_layer=$(make_layout "$big" 1024)
start_sidecar 5105 "$work/sc-heap" 256m
pid=$sidecar_pid
skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$big:v1" "docker://127.0.0.1:5105/bench/big:v1" >&2
jstat -gc "$pid" 100 > "$work/jstat.txt" &
sampler=$!
t=$(now)
got=$(curl -sf "http://127.0.0.1:5105/v2/bench/big/blobs/sha256:$big_layer" | sha256sum | cut -d' ' -f1)
secs=$(since "$t")
kill "$sampler"
[ "$got" = "$big_layer" ] || { log "1 GiB pull returned sha256:$got, expected sha256:$big_layer"; exit 1; }
# heap used = survivor 0 + survivor 1 + eden + old (KB); columns S0U S1U EU OU of jstat -gc
awk 'NR > 1 && $1 != "S0C" { used = $3 + $4 + $6 + $8; if (used > max) max = used }
     END { printf "1 GiB blob pull with -Xmx256m: heap used high-water %.1f MB (jstat every 100 ms)\n", max / 1024 }' "$work/jstat.txt"
echo "1 GiB blob pull: $secs s, digest verified"
