#!/usr/bin/env python3
"""Inclusive share of CPU samples per frame pattern, from JFR recordings of the sidecar.

    ops/bench/jfr-summary.py NAME=FILE.jfr [NAME=FILE.jfr ...]

Counts the jdk.ExecutionSample events whose stack contains each pattern (a substring of a
frame, e.g. a method of the upload or the read path) and prints a markdown table, one column
per recording: "inclusive" share, so a frame and its callers can both be 80 %. Needs `jfr` (JDK).
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
]


def stacks(path):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                         capture_output=True, text=True, check=True).stdout
    return [m.group(1) for m in re.finditer(r"stackTrace = \[(.*?)\n\s*\]", out, re.S)]


def main():
    recordings = [a.split("=", 1) for a in sys.argv[1:]]
    if not recordings:
        sys.exit(__doc__)
    samples = {name: stacks(path) for name, path in recordings}
    print("| frame (inclusive share of CPU samples) | " + " | ".join(f"{n} ({len(samples[n])})" for n, _ in recordings) + " |")
    print("|---" + "|---:" * len(recordings) + "|")
    for label, pattern in PATTERNS:
        cells = []
        for name, _ in recordings:
            hits = sum(1 for s in samples[name] if pattern in s)
            cells.append(f"{100.0 * hits / max(1, len(samples[name])):.1f} %")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
