#!/usr/bin/env python3
"""Side-by-side blob speed: Ironclad sidecar jar(s) against the Debian docker-registry
(CNCF distribution 2.8.2) on the same backend, in one run, with curl as the client.

    ops/bench/blob-speed.py [--jar NAME=PATH ...] [--opt NAME=-Dkey=value ...] [--backend fs|swift|rgw]
                            [--mib 256] [--rounds 3] [--parallel 16 --parallel-mib 64] [--latency N]

For each round and each server (visited in turn, A B C A B C ...): a fresh random blob is
pushed monolithically (POST + PUT ?digest) and chunked (POST, PATCHes of --chunk-mib, PUT),
then read with GET once (the first, verified read) and --hits more times (for Ironclad the
verified-cache or verified-local-file hits). The last GET of each round is piped through
sha256sum and must match. With --backend swift or rgw the same object is also PUT and GET with
plain curl against Swift or RGW (S3, --aws-sigv4): the wire's and the store's own speed.
--opt gives one jar's JVM extra options (e.g. stream=-Dironclad.verification-mode=stream).
--parallel N pushes N different blobs of --parallel-mib to each server at once, then pulls them
at once, and reports aggregate MiB/s, failures and (jstat, sampled) the most heap a sidecar used. Prints medians, min-max spread and the ratio
of each Ironclad jar to docker-registry; the disk used per byte of content on the filesystem; and, for the monolithic upload and the first GET,
the CPU seconds of the server's process, of everything else (the backend, curl) and how busy the
machine was, which tells an operation bound by the cores from one bound by the wire.
With --jfr DIR each sidecar runs with a JFR profile written to DIR/<name>.jfr, and the hottest
top frames of its upload and read threads are printed.
Needs: java, curl, docker-registry, ab; for swift the IRONCLAD_SWIFT_*, for rgw the IRONCLAD_S3_*
variables (source /work/svc/env).
Builds nothing: pass the sidecar jar(s) (default sidecar/target/ironclad-sidecar.jar).
"""
import argparse
import collections
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def curl(*args):
    """Runs curl, returns (seconds, http_code, headers text)."""
    out = subprocess.run(["curl", "-s", "-S", "-D", "-", "-o", "/dev/null", "-w", "\n%{http_code} %{time_total}", *args],
                         check=True, capture_output=True, text=True).stdout
    head, _, tail = out.rpartition("\n")
    code, secs = tail.split()
    return float(secs), int(code), head


def location(headers, base):
    for line in headers.splitlines():
        if line.lower().startswith("location:"):
            loc = line.split(":", 1)[1].strip()
            return loc if loc.startswith("http") else base + loc
    raise RuntimeError("no Location in\n" + headers)


def wait_v2(port, deadline=240):
    end = time.time() + deadline
    while time.time() < end:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answers /v2/ on {port}")


class Server:
    def __init__(self, name, port, proc, data):
        self.name, self.port, self.proc, self.data = name, port, proc, data
        self.base = f"http://127.0.0.1:{port}"

    def push_monolithic(self, repo, path, digest):
        _, code, head = curl("-X", "POST", f"{self.base}/v2/{repo}/blobs/uploads/")
        assert code == 202, code
        url = location(head, self.base)
        sep = "&" if "?" in url else "?"
        # -T streams the file (--data-binary would read it whole into curl's memory first); no 100-continue round trip
        secs, code, _ = curl("-X", "PUT", "-H", "Content-Type: application/octet-stream", "-H", "Expect:", "-T", path,
                             f"{url}{sep}digest={digest}")
        assert code == 201, f"{self.name} monolithic PUT answered {code}"
        return secs

    def push_chunked(self, repo, path, digest, chunk):
        start = time.perf_counter()
        _, code, head = curl("-X", "POST", f"{self.base}/v2/{repo}/blobs/uploads/")
        assert code == 202, code
        url = location(head, self.base)
        size = os.path.getsize(path)
        offset = 0
        with tempfile.TemporaryDirectory(dir=os.path.dirname(path)) as tmp:
            part = os.path.join(tmp, "part")
            while offset < size:
                n = min(chunk, size - offset)
                # the chunk file is cut with dd outside the timed region would be fairer; it is page cache, so cheap
                subprocess.run(["dd", f"if={path}", f"of={part}", "bs=1M", f"skip={offset}", f"count={n}",
                                "iflag=skip_bytes,count_bytes", "status=none"], check=True)
                _, code, head = curl("-X", "PATCH", "-H", "Content-Type: application/octet-stream",
                                     "-H", f"Content-Range: {offset}-{offset + n - 1}", "-H", "Expect:", "-T", part, url)
                assert code == 202, f"{self.name} PATCH answered {code}"
                url = location(head, self.base)
                offset += n
        sep = "&" if "?" in url else "?"
        _, code, _ = curl("-X", "PUT", f"{url}{sep}digest={digest}")
        assert code == 201, f"{self.name} chunked PUT answered {code}"
        return time.perf_counter() - start

    def get(self, repo, digest):
        secs, code, _ = curl(f"{self.base}/v2/{repo}/blobs/{digest}")
        assert code == 200, f"{self.name} GET answered {code}"
        return secs

    def get_checked(self, repo, digest):
        p = subprocess.run(f"curl -sf {self.base}/v2/{repo}/blobs/{digest} | sha256sum", shell=True, check=True,
                           capture_output=True, text=True)
        got = "sha256:" + p.stdout.split()[0]
        assert got == digest, f"{self.name} served {got}, expected {digest}"


def start_sidecar(name, jar, port, work, backend, heap, jfr, opts=()):
    data = os.path.join(work, name)
    os.makedirs(data, exist_ok=True)
    args = ["java", f"-Xmx{heap}", f"-Dmicronaut.server.port={port}", f"-Dironclad.data-dir={data}", *opts]
    if jfr:
        args.append(f"-XX:StartFlightRecording=filename={os.path.join(jfr, name + '.jfr')},settings=profile")
    if backend == "swift":
        args += ["-Dironclad.driver.type=swift", f"-Dironclad.driver.swift.auth-url={os.environ['IRONCLAD_SWIFT_AUTH_URL']}",
                 f"-Dironclad.driver.swift.user={os.environ['IRONCLAD_SWIFT_USER']}",
                 f"-Dironclad.driver.swift.key={os.environ['IRONCLAD_SWIFT_KEY']}",
                 f"-Dironclad.driver.swift.container=bench-{name}-{int(time.time())}"]
    if backend == "rgw":
        e = os.environ
        args += ["-Dironclad.driver.type=s3", f"-Dironclad.driver.s3.endpoint={e['IRONCLAD_S3_ENDPOINT']}",
                 f"-Dironclad.driver.s3.region={e['IRONCLAD_S3_REGION']}", f"-Dironclad.driver.s3.access-key={e['IRONCLAD_S3_ACCESS_KEY']}",
                 f"-Dironclad.driver.s3.secret-key={e['IRONCLAD_S3_SECRET_KEY']}", "-Dironclad.driver.s3.create-bucket=true",
                 f"-Dironclad.driver.s3.bucket=bench-{name.lower()}-{int(time.time())}"]
    args += ["-jar", jar, "serve"]
    proc = subprocess.Popen(args, stdout=open(data + ".log", "w"), stderr=subprocess.STDOUT)
    wait_v2(port)
    return Server(name, port, proc, data)


def start_registry(port, work, backend):
    data = os.path.join(work, "registry")
    if backend == "swift":
        storage = (f"  swift:\n    authurl: {os.environ['IRONCLAD_SWIFT_AUTH_URL']}\n    authversion: 1\n"
                   f"    username: {os.environ['IRONCLAD_SWIFT_USER']}\n    password: {os.environ['IRONCLAD_SWIFT_KEY']}\n"
                   f"    container: bench-registry-{int(time.time())}\n    chunksize: 5242880\n")
    elif backend == "rgw":
        e = os.environ
        bucket = f"bench-registry-{int(time.time())}"
        RawS3().bucket(bucket)
        storage = (f"  s3:\n    accesskey: {e['IRONCLAD_S3_ACCESS_KEY']}\n    secretkey: {e['IRONCLAD_S3_SECRET_KEY']}\n"
                   f"    region: {e['IRONCLAD_S3_REGION']}\n    regionendpoint: {e['IRONCLAD_S3_ENDPOINT']}\n"
                   f"    bucket: {bucket}\n    secure: false\n    v4auth: true\n    chunksize: 5242880\n")
    else:
        storage = f"  filesystem:\n    rootdirectory: {data}\n"
    conf = os.path.join(work, "registry.yml")
    with open(conf, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: warn\nhttp:\n  addr: 127.0.0.1:{port}\n"
                f"storage:\n  redirect:\n    disable: true\n{storage}")
    env = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}  # its AWS SDK panics on it with a custom transport
    proc = subprocess.Popen(["docker-registry", "serve", conf], stdout=open(data + ".log", "w"), stderr=subprocess.STDOUT, env=env)
    wait_v2(port)
    return Server("registry", port, proc, data)


class RawSwift:
    """Plain curl PUT/GET of one object against Swift: what the wire and the store give."""

    def __init__(self):
        req = urllib.request.Request(os.environ["IRONCLAD_SWIFT_AUTH_URL"], headers={
            "X-Auth-User": os.environ["IRONCLAD_SWIFT_USER"], "X-Auth-Key": os.environ["IRONCLAD_SWIFT_KEY"]})
        with urllib.request.urlopen(req) as r:
            self.token, self.url = r.headers["X-Auth-Token"], r.headers["X-Storage-Url"]
        self.container = f"{self.url}/bench-raw-{int(time.time())}"
        curl("-X", "PUT", "-H", f"X-Auth-Token: {self.token}", self.container)

    def put(self, path, name, segment=64 << 20):
        """One PUT when the object fits Swift's max_file_size (the all-in-one's is 100 MiB), else a Static
        Large Object: its segments PUT one after the other, then the manifest; seconds summed over the PUTs."""
        size = os.path.getsize(path)
        if size <= segment:
            secs, code, _ = curl("-X", "PUT", "-H", f"X-Auth-Token: {self.token}", "-T", path, f"{self.container}/{name}")
            assert code == 201, code
            return secs
        total, parts = 0.0, []
        with open(path, "rb") as f, tempfile.TemporaryDirectory(dir=os.path.dirname(path)) as tmp:
            for i, offset in enumerate(range(0, size, segment)):
                piece = os.path.join(tmp, "segment")
                with open(piece, "wb") as out:  # cut outside the timed PUT (page cache)
                    out.write(f.read(segment))
                secs, code, head = curl("-X", "PUT", "-H", f"X-Auth-Token: {self.token}", "-T", piece,
                                        f"{self.container}/{name}.seg/{i:04d}")
                assert code == 201, code
                etag = next(l.split(":", 1)[1].strip() for l in head.splitlines() if l.lower().startswith("etag:"))
                parts.append({"path": f"{self.container.rsplit('/', 1)[1]}/{name}.seg/{i:04d}", "etag": etag,
                              "size_bytes": min(segment, size - offset)})
                total += secs
        manifest = os.path.join(os.path.dirname(path), name + ".slo")
        with open(manifest, "w") as m:
            json.dump(parts, m)
        secs, code, _ = curl("-X", "PUT", "-H", f"X-Auth-Token: {self.token}", "--data-binary", "@" + manifest,
                             f"{self.container}/{name}?multipart-manifest=put")
        os.unlink(manifest)
        assert code == 201, code
        return total + secs

    def get(self, name):
        secs, code, _ = curl("-H", f"X-Auth-Token: {self.token}", f"{self.container}/{name}")
        assert code == 200, code
        return secs


class RawS3:
    """Plain curl PUT/GET of one object against RGW through S3 (SigV4): what the wire and the store give."""

    def __init__(self):
        e = os.environ
        self.endpoint = e["IRONCLAD_S3_ENDPOINT"]
        self.auth = ["--aws-sigv4", f"aws:amz:{e['IRONCLAD_S3_REGION']}:s3", "--user",
                     f"{e['IRONCLAD_S3_ACCESS_KEY']}:{e['IRONCLAD_S3_SECRET_KEY']}"]
        self.container = None

    # RGW insists on a payload hash header: the empty body's, or "unsigned" for an uploaded file
    EMPTY = ["-H", "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]
    UNSIGNED = ["-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]

    def bucket(self, name):
        _, code, _ = curl("-X", "PUT", *self.auth, *self.EMPTY, f"{self.endpoint}/{name}")
        assert code in (200, 409), f"bucket {name}: {code}"
        self.container = f"{self.endpoint}/{name}"
        return self

    def put(self, path, name):
        secs, code, _ = curl("-X", "PUT", *self.auth, *self.UNSIGNED, "-H", "Content-Type: application/octet-stream", "-T", path,
                             f"{self.container}/{name}")
        assert code == 200, code
        return secs

    def get(self, name):
        secs, code, _ = curl(*self.auth, *self.EMPTY, f"{self.container}/{name}")
        assert code == 200, code
        return secs


class HeapSampler(threading.Thread):
    """Samples a JVM's used heap (jstat -gc: survivor, eden and old used) until stopped; keeps the maximum, MiB."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.max_mib, self.stopped = pid, 0.0, threading.Event()

    def run(self):
        while not self.stopped.is_set():
            out = subprocess.run(["jstat", "-gc", str(self.pid)], capture_output=True, text=True).stdout.split("\n")
            if len(out) >= 2 and out[1].strip():
                cols = dict(zip(out[0].split(), out[1].split()))
                used = sum(float(cols.get(k, 0)) for k in ("S0U", "S1U", "EU", "OU")) / 1024
                self.max_mib = max(self.max_mib, used)
            self.stopped.wait(0.2)


def parallel(servers, work, n, mib, rounds=2):
    """N parallel monolithic pushes of different blobs, then N parallel sha256-checked GETs of them, per server;
    repeated in alternating server order (A B C, C B A, ...); aggregate MiB/s as the median over the rounds."""
    blobs = []
    for i in range(n):
        path = os.path.join(work, f"par-{i}")
        with open(path, "wb") as f:
            f.write(os.urandom(mib << 20))
        blobs.append((path, "sha256:" + hashlib.sha256(open(path, "rb").read()).hexdigest()))
    pushes, pulls = collections.defaultdict(list), collections.defaultdict(list)
    failed, heap = collections.Counter(), collections.defaultdict(float)
    for rnd in range(rounds):
        for s in (servers if rnd % 2 == 0 else list(reversed(servers))):
            sampler = HeapSampler(s.proc.pid) if s.name != "registry" else None
            if sampler:
                sampler.start()
            failures = []

            def guarded(fn, i):
                try:
                    fn(i)
                except Exception as e:  # counted, not fatal: the row says how many failed
                    failures.append(f"{i}: {e}")

            def run(fn):
                threads = [threading.Thread(target=guarded, args=(fn, i)) for i in range(n)]
                start = time.perf_counter()
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                return time.perf_counter() - start

            repo = lambda i: f"bench/par{rnd}-{i}"
            pushes[s.name].append(n * mib / run(lambda i: s.push_monolithic(repo(i), blobs[i][0], blobs[i][1])))
            pulls[s.name].append(n * mib / run(lambda i: s.get_checked(repo(i), blobs[i][1])))
            if sampler:
                sampler.stopped.set()
                sampler.join()
                heap[s.name] = max(heap[s.name], sampler.max_mib)
            failed[s.name] += len(failures)
            for f in failures[:3]:
                log(f"{s.name} parallel failure {f}")
            log(f"parallel round {rnd + 1} {s.name}: push {pushes[s.name][-1]:.0f} MiB/s, pull {pulls[s.name][-1]:.0f} MiB/s")
    for path, _ in blobs:
        os.unlink(path)
    print(f"\n{n} parallel pushes, then {n} parallel sha256-checked pulls, of different {mib} MiB blobs, {rounds} rounds "
          f"in alternating order; aggregate MiB/s, median (min-max); load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| | push MiB/s | pull MiB/s | failed | max heap used (MiB) | push / registry | pull / registry |")
    print("|---|---|---|---|---|---|---|")
    med = statistics.median
    for s in servers:
        name = s.name
        print(f"| {name} | {med(pushes[name]):.0f} ({min(pushes[name]):.0f}-{max(pushes[name]):.0f}) "
              f"| {med(pulls[name]):.0f} ({min(pulls[name]):.0f}-{max(pulls[name]):.0f}) | {failed[name]} "
              f"| {f'{heap[name]:.0f}' if name in heap else '-'} | {med(pushes[name]) / med(pushes['registry']):.2f} × "
              f"| {med(pulls[name]) / med(pulls['registry']):.2f} × |")


def small_latency(servers, work, requests):
    """p50/p99 of HEAD of a blob and GET of a manifest by digest, 32 keep-alive clients (ApacheBench)."""
    layer = os.path.join(work, "small-layer")
    with open(layer, "wb") as f:
        f.write(os.urandom(1024))
    config = os.path.join(work, "small-config")
    with open(config, "wb") as f:
        f.write(b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}')
    sha = lambda p: "sha256:" + hashlib.sha256(open(p, "rb").read()).hexdigest()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config),
                                      "size": os.path.getsize(config)},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha(layer),
                                       "size": os.path.getsize(layer)}]}).encode()
    mfile = os.path.join(work, "small-manifest")
    with open(mfile, "wb") as f:
        f.write(manifest)
    mdigest = "sha256:" + hashlib.sha256(manifest).hexdigest()
    rows = collections.defaultdict(dict)
    for s in servers:
        s.push_monolithic("bench/small", layer, sha(layer))
        s.push_monolithic("bench/small", config, sha(config))
        _, code, _ = curl("-X", "PUT", "-H", "Content-Type: application/vnd.oci.image.manifest.v1+json",
                          "--data-binary", "@" + mfile, f"{s.base}/v2/bench/small/manifests/v1")
        assert code == 201, f"{s.name} manifest PUT answered {code}"
        for label, extra, url in (
                ("HEAD blob", ["-i"], f"{s.base}/v2/bench/small/blobs/{sha(layer)}"),
                ("GET manifest by digest", ["-H", "Accept: application/vnd.oci.image.manifest.v1+json"],
                 f"{s.base}/v2/bench/small/manifests/{mdigest}")):
            out = subprocess.run(["ab", "-q", "-k", "-c", "32", "-n", str(requests), *extra, url],
                                 capture_output=True, text=True).stdout
            p = dict(re.findall(r"^\s+(50|99)%\s+(\d+)", out, re.M))
            failed = re.search(r"Failed requests:\s+(\d+)", out)
            non2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
            rows[label][s.name] = (int(p.get("50", -1)), int(p.get("99", -1)),
                                   int(failed.group(1)) if failed else -1, int(non2xx.group(1)) if non2xx else 0)
    print(f"\nsmall requests, 32 keep-alive clients, {requests} each (ApacheBench), ms p50 / p99 (failed, non-2xx)")
    names = [s.name for s in servers]
    print("| | " + " | ".join(names) + " | " + " | ".join(f"{n} / registry p50, p99" for n in names if n != "registry") + " |")
    print("|---" * (2 * len(names)) + "|")
    for label, by in rows.items():
        reg = by["registry"]
        cells = [f"{by[n][0]} / {by[n][1]} ({by[n][2]}, {by[n][3]})" for n in names]
        ratios = [f"{by[n][0] / max(reg[0], 1):.2f} ×, {by[n][1] / max(reg[1], 1):.2f} ×" for n in names if n != "registry"]
        print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")


def du(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_blocks * 512
            except FileNotFoundError:
                pass
    return total


def hot_frames(jfr_file, top=12):
    """Top frames of CPU samples, by thread kind (upload = PATCH/PUT handlers, read = GET)."""
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "1", jfr_file],
                         capture_output=True, text=True).stdout
    frames = collections.Counter(re.findall(r"stackTrace = \[\s*\n\s*(\S[^\n]*?)\s+line:", out))
    total = sum(frames.values()) or 1
    return [(f, n, 100.0 * n / total) for f, n in frames.most_common(top)], total


def one_round(s, r, rnd, blob, digest, a):
    """One server's share of a round: monolithic push, first GET, hits, checked GET, chunked push."""
    repo = f"bench/r{rnd}"
    pid = s.proc.pid
    r["monolithic upload"].append(measured_cpu(r, "monolithic upload", pid, lambda: s.push_monolithic(repo, blob, digest)))
    r["first GET"].append(measured_cpu(r, "first GET", pid, lambda: s.get(repo, digest)))
    for _ in range(a.hits):
        r["repeat GET (cache / verified file)"].append(s.get(repo, digest))
    s.get_checked(repo, digest)
    if not a.no_chunked:
        chunked = blob + ".c"
        with open(blob, "rb") as src, open(chunked, "wb") as dst:  # other content: a second digest
            dst.write(src.read()[::-1])
        cd = "sha256:" + hashlib.sha256(open(chunked, "rb").read()).hexdigest()
        r[f"chunked upload ({a.chunk_mib} MiB PATCHes)"].append(s.push_chunked(repo, chunked, cd, a.chunk_mib << 20))
        os.unlink(chunked)
    log(f"round {rnd + 1} {s.name}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in r.items() if not k.startswith("cpu ")))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid):
    """CPU seconds (user + system) the process has used so far; 0 without a pid."""
    if pid is None:
        return 0.0
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_cpu():
    """(busy, all) CPU seconds of the whole machine so far, from /proc/stat."""
    v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]  # user nice system irq softirq steal
    return busy / CLOCK_TICKS, (busy + v[3] + v[4]) / CLOCK_TICKS


def measured_cpu(results, op, pid, fn):
    """Runs fn (which returns its wall seconds) and records, for op, the CPU seconds the server
    process used, the CPU seconds everything else used (the backend, curl), and how busy the
    machine was (busy / all): near 100 % the operation is bound by the cores, not by the wire."""
    p0, (b0, a0) = process_cpu(pid), machine_cpu()
    secs = fn()
    p1, (b1, a1) = process_cpu(pid), machine_cpu()
    mine = p1 - p0
    results["cpu " + op].append((mine, (b1 - b0) - mine, (b1 - b0) / max(a1 - a0, 1e-9)))
    return secs


def print_cpu(results, names):
    ops = [k[4:] for k in results[names[0]] if k.startswith("cpu ")]
    if not ops:
        return
    print("\nCPU seconds while it ran, median: the server's process / everything else (backend, curl) / machine busy")
    print("| | " + " | ".join(names) + " |")
    print("|---" * (1 + len(names)) + "|")
    for op in ops:
        cells = []
        for n in names:
            samples = results[n].get("cpu " + op, [])
            if not samples:
                cells.append("-")
                continue
            mine, rest, busy = (statistics.median(x[i] for x in samples) for i in range(3))
            cells.append(f"{mine:.2f} / {rest:.2f} / {busy * 100:.0f} %")
        print(f"| {op} | " + " | ".join(cells) + " |")


def fmt(values):
    if not values:
        return "-"
    return f"{statistics.median(values):.3f} ({min(values):.2f}-{max(values):.2f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", action="append", default=[], help="NAME=PATH of a sidecar jar; repeatable")
    ap.add_argument("--opt", action="append", default=[], help="NAME=JVM-OPTION for the jar NAME; repeatable")
    ap.add_argument("--backend", default="fs", choices=["fs", "swift", "rgw"])
    ap.add_argument("--parallel", type=int, default=0, help="also push and pull this many blobs at once")
    ap.add_argument("--parallel-mib", type=int, default=64)
    ap.add_argument("--parallel-rounds", type=int, default=2)
    ap.add_argument("--port-base", type=int, default=5200, help="docker-registry's port; the sidecars take the next ones")
    ap.add_argument("--mib", type=int, default=256)
    ap.add_argument("--chunk-mib", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--hits", type=int, default=3)
    ap.add_argument("--heap", default="512m")
    ap.add_argument("--work", default=None)
    ap.add_argument("--jfr", default=None, help="directory for JFR profiles of the sidecars")
    ap.add_argument("--no-chunked", action="store_true")
    ap.add_argument("--latency", type=int, default=0, help="also measure small requests, this many per kind")
    a = ap.parse_args()
    jars = [j.split("=", 1) for j in a.jar] or [["ironclad", os.path.join(ROOT, "sidecar/target/ironclad-sidecar.jar")]]
    work = a.work or tempfile.mkdtemp(prefix="ironclad-blob-speed-")
    os.makedirs(work, exist_ok=True)
    if a.jfr:
        os.makedirs(a.jfr, exist_ok=True)
    servers = []
    try:
        for i, (name, jar) in enumerate(jars):
            opts = [o.split("=", 1)[1] for o in a.opt if o.split("=", 1)[0] == name]
            servers.append(start_sidecar(name, jar, a.port_base + 1 + i, work, a.backend, a.heap, a.jfr, opts))
        servers.append(start_registry(a.port_base, work, a.backend))
        raw = {"swift": RawSwift, "rgw": lambda: RawS3().bucket(f"bench-raw-{int(time.time())}")}.get(a.backend, lambda: None)()
        results = collections.defaultdict(lambda: collections.defaultdict(list))
        size = a.mib << 20
        warm = os.path.join(work, "warm")
        with open(warm, "wb") as f:
            f.write(os.urandom(16 << 20))
        warm_digest = "sha256:" + hashlib.sha256(open(warm, "rb").read()).hexdigest()
        for s in servers:  # JIT and connection pools warm, not counted; the content counts in the disk use
            for _ in range(3):
                s.push_monolithic("bench/warm", warm, warm_digest)
                s.get("bench/warm", warm_digest)
        os.unlink(warm)
        for rnd in range(a.rounds):
            blob = os.path.join(work, f"blob-{rnd}")
            with open(blob, "wb") as f:
                f.write(os.urandom(size))
            h = hashlib.sha256()
            with open(blob, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            digest = "sha256:" + h.hexdigest()
            order = servers if rnd % 2 == 0 else list(reversed(servers))
            for s in order:
                try:
                    one_round(s, results[s.name], rnd, blob, digest, a)
                except (AssertionError, subprocess.CalledProcessError) as e:  # counted; the other servers go on
                    results[s.name]["failed rounds"].append(1)
                    log(f"round {rnd + 1} {s.name} FAILED: {e}")
            if raw:
                rc = results["raw curl"]
                rc["monolithic upload"].append(measured_cpu(rc, "monolithic upload", None, lambda: raw.put(blob, f"o{rnd}")))
                secs = [measured_cpu(rc, "first GET", None, lambda: raw.get(f"o{rnd}"))]
                secs += [raw.get(f"o{rnd}") for _ in range(a.hits)]
                rc["first GET"].append(secs[0])
                rc["repeat GET (cache / verified file)"].extend(secs[1:])
                log(f"round {rnd + 1} raw curl: PUT {rc['monolithic upload'][-1]:.2f}s, GET {secs[0]:.2f}s")
            os.unlink(blob)
        content = a.rounds * size * (1 if a.no_chunked else 2) + (16 << 20)
        print(f"\n{a.mib} MiB blobs, backend {a.backend}, {a.rounds} rounds, {os.cpu_count()} cores, load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; seconds, median (min-max)")
        names = [s.name for s in servers] + (["raw curl"] if raw else [])
        metrics = [m for m in results["registry"].keys() if m != "failed rounds" and not m.startswith("cpu ")]
        print("| | " + " | ".join(names) + " | " + " | ".join(f"{n} / registry" for n in names if n != "registry") + " |")
        print("|---" * (1 + 2 * len(names) - 1) + "|")
        for m in metrics:
            cells = [fmt(results[n].get(m, [])) for n in names]
            reg = statistics.median(results["registry"][m])
            ratios = [f"{statistics.median(results[n][m]) / reg:.2f} ×" if results[n].get(m) else "-"
                      for n in names if n != "registry"]
            print(f"| {m} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
        print("| failed rounds | " + " | ".join(str(len(results[n].get("failed rounds", []))) for n in names) + " |")
        if a.backend == "fs":
            print("| disk used / content | " + " | ".join(f"{du(s.data) / content:.2f}" for s in servers) + " |")
        print_cpu(results, names)
        print(json.dumps({n: dict(results[n]) for n in names}), file=open(os.path.join(work, "results.json"), "w"))
        if a.latency:
            small_latency(servers, work, a.latency)
        if a.parallel:
            parallel(servers, work, a.parallel, a.parallel_mib, a.parallel_rounds)
    finally:
        for s in servers:
            s.proc.send_signal(signal.SIGTERM)
        for s in servers:
            try:
                s.proc.wait(30)
            except subprocess.TimeoutExpired:
                s.proc.kill()
    if a.jfr:
        for name, _ in jars:
            frames, total = hot_frames(os.path.join(a.jfr, name + ".jfr"))
            print(f"\nJFR {name}: {total} CPU samples, hottest top frames")
            for f, n, pct in frames:
                print(f"  {pct:5.1f} %  {f}")
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
