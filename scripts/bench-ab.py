#!/usr/bin/env python3
"""Interleaved A/B of bulletin binaries on the scheduling bench.

    scripts/bench-ab.py OLD_BINARY NEW_BINARY [--concurrency 16] [--runs 7] [--tail]

Builds the stub backend (scripts/tts_stub.rs), then runs the schedule bench's
108 requests at 200 ms latency with each binary in turn, run after run, and
curl --parallel on the same requests beside them, so that the machine's noise
falls on all alike. Prints each one's median synthesis time and its ratio to
the ideal ceil(N/C) * L. Build the old binary from its commit first, e.g.
`git worktree add /tmp/old <commit> && cargo build --release --manifest-path
/tmp/old/Cargo.toml`.
"""
import argparse
import math
import os
import subprocess
import tempfile

import bench


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tail", action="store_true", help="long-tailed latency")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "tts-stub"], cwd=bench.ROOT, check=True)
    backend = bench.StubBackend(200, args.tail, voice_seconds=30)
    spans = {b: [] for b in args.binaries + ["curl"]}
    try:
        with tempfile.TemporaryDirectory(prefix="bulletin-ab-") as work:
            inputs = bench.schedule_inputs(work)
            w = bench.Work(args.binaries[0], work, backend.url, args.concurrency)
            texts = w.plan_texts(inputs)
            for _ in range(args.runs):
                for b in args.binaries:
                    w.binary = b
                    spans[b].append(bench.log_span(w.build(inputs, None)[2]))
                spans["curl"].append(bench.curl_span(backend.url, texts, args.concurrency, work))
    finally:
        backend.close()
    ideal = math.ceil(len(texts) / args.concurrency) * 0.2
    for b, xs in spans.items():
        print(f"C={args.concurrency} {b}: {bench.fmt(xs)}   ratio {bench.median(xs) / ideal:.3f}")


if __name__ == "__main__":
    main()
