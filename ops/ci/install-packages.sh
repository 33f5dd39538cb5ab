#!/usr/bin/env bash
# Installs the Debian packages the test suite's real services and clients need, if missing.
set -euo pipefail
packages=(swift swift-proxy swift-account swift-container swift-object python3-swiftclient memcached
          ceph-mon ceph-osd ceph-mgr radosgw ceph-common
          zookeeper skopeo docker-registry curl podman runc apache2-utils docker.io containerd
          chromium chromium-driver nginx-light)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "packages ready"
