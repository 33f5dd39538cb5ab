#!/usr/bin/env python3
"""Inclusive share of CPU samples per frame pattern, from JFR recordings of the sidecar.

    ops/bench/jfr-summary.py NAME=FILE.jfr [NAME=FILE.jfr ...]
    ops/bench/jfr-summary.py --within PATTERN NAME=FILE.jfr [...]

Counts the jdk.ExecutionSample events whose stack contains each pattern (a substring of a
frame, e.g. a method of the upload or the read path) and prints a markdown table, one column
per recording: "inclusive" share, so a frame and its callers can both be 80 %. With --within, only
the samples whose stack contains PATTERN count (e.g. `ReadDeliveries.spool`, a first read in spool
mode), and the hottest top frames among them are listed too: where that one path spends its CPU.
Reads async-profiler's collapsed stacks too (FILE.collapsed), which also see native and kernel
frames and every thread, where JFR's sampler sees only threads running Java. Needs `jfr` (JDK).
"""
import re
import subprocess
import sys

PATTERNS = [
    ("session append (PATCH): `UploadService.appendClaimed`", "UploadService.appendClaimed"),
    ("final PUT: `UploadService.completeClaimed`", "UploadService.completeClaimed"),
    ("whole-body PUT: `UploadService.putWholeBody`", "UploadService.putWholeBody"),
    ("Bouncy Castle `SHA256Digest.processBlock`", "SHA256Digest.processBlock"),
    ("JDK SHA-256 (`sun.security.provider.SHA2` / `DigestBase`)", "sun.security.provider."),
    ("part spool (`ReplayablePart`)", "ReplayablePart."),
    ("request body spool (`BodyReceiver`)", "BodyReceiver."),
    ("blob GET: `BlobHandler.get`", "BlobHandler.get"),
    ("response pump: `ChunkPump.pump`", "ChunkPump.pump"),
    ("in-place hash before the first byte: `LocalFileVerifier.hash`", "LocalFileVerifier.hash"),
    ("stream-mode hash while sending: `VerifyingInputStream.read`", "VerifyingInputStream.read"),
    ("stream-mode first read of a store file: `VerifyingFileBody.verify`", "VerifyingFileBody.verify"),
    ("filesystem stage append: `UploadStage.append`", "UploadStage.append"),
    ("sendfile handler: `ZeroCopyHandler`", "ZeroCopyHandler."),
    ("Netty event loop (socket writes etc.)", "io.netty.channel.SingleThreadIoEventLoop.run"),
    ("socket reads (`sun.nio.ch` / `NioSocketImpl`)", "NioSocketImpl.read"),
    ("JDK HTTP client (`jdk.internal.net.http`)", "jdk.internal.net.http."),
    ("Apache HTTP client (`org.apache.http`)", "org.apache.http."),
    ("AWS SDK stream layers (`software.amazon.awssdk`)", "software.amazon.awssdk."),
    ("file writes (`FileChannelImpl.write` / `FileOutputStream.write`)", "FileChannelImpl.write"),
]


def stacks(path):
    """(stack text, weight, top frame) per sample: a JFR recording, or async-profiler's collapsed
    output (`file=X.collapsed`: one `frame;frame;...;top COUNT` line per distinct stack)."""
    if path.endswith(".collapsed"):
        out = []
        for line in open(path):
            frames, _, count = line.rstrip("\n").rpartition(" ")
            if frames:
                out.append((frames.replace(";", "\n"), int(count), frames.rsplit(";", 1)[-1]))
        return out
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                         capture_output=True, text=True, check=True).stdout
    found = [m.group(1) for m in re.finditer(r"stackTrace = \[(.*?)\n\s*\]", out, re.S)]
    return [(st, 1, st.strip().split("\n")[0].strip().split(" line:")[0]) for st in found]


def main():
    args = sys.argv[1:]
    within = None
    if args[:1] == ["--within"] and len(args) > 1:
        within, args = args[1], args[2:]
    recordings = [a.split("=", 1) for a in args]
    if not recordings:
        sys.exit(__doc__)
    samples = {name: [s for s in stacks(path) if within is None or within in s[0]] for name, path in recordings}
    total = {name: sum(w for _, w, _ in samples[name]) for name, _ in recordings}
    print("| frame (inclusive share of CPU samples) | " + " | ".join(f"{n} ({total[n]})" for n, _ in recordings) + " |")
    print("|---" + "|---:" * len(recordings) + "|")
    for label, pattern in PATTERNS:
        cells = []
        for name, _ in recordings:
            hits = sum(w for st, w, _ in samples[name] if pattern in st)
            cells.append(f"{100.0 * hits / max(1, total[name]):.1f} %")
        print(f"| {label} | " + " | ".join(cells) + " |")
    if within:
        for name, _ in recordings:
            tops = {}
            for _, w, top in samples[name]:
                tops[top] = tops.get(top, 0) + w
            print(f"\nhottest top frames within {within}, {name} ({total[name]} samples):")
            for frame, n in sorted(tops.items(), key=lambda kv: -kv[1])[:12]:
                print(f"  {100.0 * n / max(1, total[name]):5.1f} %  {frame}")


if __name__ == "__main__":
    main()
