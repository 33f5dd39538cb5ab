#!/usr/bin/env python3
"""Builds Ironclad's container base image from this machine's JDK, with no registry and no daemon.

Usage: base-image.py OUT.tar [--java-home DIR] [--tag NAME:TAG]

The image is one layer: a Java runtime made by the JDK's own jlink (the modules in MODULES), the
shared libraries that runtime links to, copied from this machine (glibc, zlib, ...), and a
minimal /etc (passwd and group with the user `ironclad`, uid/gid 10001; nsswitch.conf; the JDK's
CA certificates). /var/lib/ironclad, the data directory, belongs to that user. No shell, no
package manager. It is written as a `docker save` tarball, the format Jib reads for a base given
as `tar://OUT.tar` (jib.from.image), so the image build needs no Docker Hub. The bytes depend
only on the JDK and the libraries: timestamps are fixed, so a rebuild from the same machine gives
the same layer digest.
"""
import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

MODULES = ",".join([
    "java.se",              # the standard modules: sql, naming, management, net.http, xml, desktop (java.beans)
    "jdk.unsupported",      # sun.misc.Unsafe for Netty
    "jdk.crypto.ec", "jdk.crypto.cryptoki",  # TLS with EC keys
    "jdk.naming.dns", "jdk.zipfs", "jdk.localedata", "jdk.security.auth", "jdk.net",
    "jdk.management", "jdk.management.agent", "jdk.jfr",  # JMX, flight recordings
    "jdk.jcmd",             # jcmd/jstack for an operator inside the container
])
USER, UID = "ironclad", 10001
DATA_DIR = "var/lib/ironclad"
EPOCH = 0  # reproducible: every entry gets the same mtime


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def jlink(java_home, rootfs):
    run(os.path.join(java_home, "bin", "jlink"), "--add-modules", MODULES, "--strip-debug", "--no-header-files",
        "--no-man-pages", "--compress=2", "--output", os.path.join(rootfs, "opt", "java"))


def linked_libraries(rootfs):
    """The absolute paths of the machine's shared libraries that the runtime's ELF files need."""
    needed = set()
    for directory, _, files in os.walk(os.path.join(rootfs, "opt", "java")):
        for name in files:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                if f.read(4) != b"\x7fELF":
                    continue
            result = subprocess.run(["ldd", path], capture_output=True, text=True)
            for line in result.stdout.splitlines():
                parts = line.split()
                # "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
                if "=>" in parts and len(parts) > parts.index("=>") + 1 and parts[parts.index("=>") + 1].startswith("/"):
                    needed.add(parts[parts.index("=>") + 1])
                elif parts and parts[0].startswith("/"):
                    needed.add(parts[0])
    return sorted(p for p in needed if not os.path.realpath(p).startswith(os.path.realpath(rootfs)))


def copy_into(rootfs, path):
    """Copies a library to the same path in the root, with the symlinks that lead to it."""
    while True:
        target = os.path.join(rootfs, path.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(path):
            link = os.readlink(path)
            if not os.path.lexists(target):
                os.symlink(link, target)
            path = os.path.normpath(os.path.join(os.path.dirname(path), link))
            continue
        shutil.copy2(path, target)
        return


def write_etc(rootfs, java_home):
    etc = os.path.join(rootfs, "etc")
    os.makedirs(etc, exist_ok=True)
    files = {
        "passwd": f"root:x:0:0:root:/root:/sbin/nologin\n{USER}:x:{UID}:{UID}:Ironclad:/{DATA_DIR}:/sbin/nologin\n",
        "group": f"root:x:0:\n{USER}:x:{UID}:\n",
        "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
    }
    for name, text in files.items():
        with open(os.path.join(etc, name), "w") as f:
            f.write(text)
    # jlink keeps the JDK's symlinks (Debian points cacerts at /etc/ssl/certs/java); the image holds the files
    security = os.path.join(rootfs, "opt", "java", "lib", "security")
    for name in os.listdir(security):
        path = os.path.join(security, name)
        if os.path.islink(path):
            real = os.path.realpath(os.path.join(java_home, "lib", "security", name))
            os.unlink(path)
            shutil.copy2(real, path)
    # lib/security/java.security and the rest of conf/ may be symlinks too
    for directory, _, names in os.walk(os.path.join(rootfs, "opt", "java")):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path) and not os.path.exists(path):
                relative = os.path.relpath(path, os.path.join(rootfs, "opt", "java"))
                os.unlink(path)
                shutil.copy2(os.path.realpath(os.path.join(java_home, relative)), path)
    for directory in ("tmp", DATA_DIR):
        os.makedirs(os.path.join(rootfs, directory), exist_ok=True)


def layer(rootfs):
    """The root as one uncompressed tar, owned by root except the data directory."""
    data = io.BytesIO()

    def owned(info):
        info.mtime = EPOCH
        info.uname = info.gname = ""
        info.uid = info.gid = 0
        name = info.name.lstrip("./")
        if name == DATA_DIR or name.startswith(DATA_DIR + "/"):
            info.uid = info.gid = UID
        if name == "tmp":
            info.mode = 0o1777
        return info

    with tarfile.open(fileobj=data, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in sorted(os.listdir(rootfs)):
            tar.add(os.path.join(rootfs, entry), arcname=entry, filter=owned, recursive=False)
            for directory, dirs, files in os.walk(os.path.join(rootfs, entry)):
                dirs.sort()
                for name in sorted(dirs + files):
                    path = os.path.join(directory, name)
                    tar.add(path, arcname=os.path.relpath(path, rootfs), filter=owned, recursive=False)
    return data.getvalue()


def write_archive(out, tag, layer_bytes, java_version):
    diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
    config = {
        "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
                   "User": f"{UID}:{UID}", "WorkingDir": "/" + DATA_DIR,
                   "Labels": {"org.opencontainers.image.description": "Java " + java_version + " runtime (jlink) for Ironclad"}},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "ops/deploy/base-image.py"}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": ["layer.tar"]}]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tarfile.open(out + ".part", mode="w") as tar:
        for name, payload in ((config_name, config_bytes), ("layer.tar", layer_bytes),
                              ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(payload), EPOCH, 0o644
            tar.addfile(info, io.BytesIO(payload))
    os.replace(out + ".part", out)
    return diff_id


def release_version(java_home):
    """JAVA_RUNTIME_VERSION (or JAVA_VERSION) from the JDK's release file."""
    values = {}
    with open(os.path.join(java_home, "release")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            values[key] = value.strip('"')
    return values.get("JAVA_RUNTIME_VERSION") or values.get("JAVA_VERSION", "unknown")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--java-home", default=os.environ.get("JAVA_HOME") or "/usr/lib/jvm/default-java")
    parser.add_argument("--tag", default="ironclad-base:17")
    args = parser.parse_args()
    java_home = os.path.realpath(args.java_home)
    if not os.path.isdir(os.path.join(java_home, "jmods")):
        sys.exit(f"{java_home} has no jmods/ for jlink: install the JDK's jmods (Debian: openjdk-17-jdk) or pass --java-home")
    version = release_version(java_home)
    with tempfile.TemporaryDirectory(prefix="ironclad-base-") as work:
        rootfs = os.path.join(work, "rootfs")
        jlink(java_home, rootfs)
        libraries = linked_libraries(rootfs)
        for library in libraries:
            copy_into(rootfs, library)
        write_etc(rootfs, java_home)
        smoke = subprocess.run([os.path.join(rootfs, "opt", "java", "bin", "java"), "-version"], capture_output=True, text=True)
        if smoke.returncode != 0:
            sys.exit("the jlinked runtime does not start: " + smoke.stderr)
        layer_bytes = layer(rootfs)
    diff_id = write_archive(args.out, args.tag, layer_bytes, version)
    print(f"{args.out}: {args.tag}, Java {version}, {len(libraries)} libraries, layer {len(layer_bytes) >> 20} MiB {diff_id}")


if __name__ == "__main__":
    main()
