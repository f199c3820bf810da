#!/usr/bin/env python3
"""Benchmark: render long bulletins from cached clips; print time and peak memory.

Shows that memory stays flat as the bulletin's length doubles (clips are spooled
to disk; loudness is measured in one streaming pass and applied in a second).

    scripts/bench-long.py                    # 1 h and 2 h, 3 runs each, medians
    scripts/bench-long.py --hours 0.25 0.5 --runs 1   # quicker

Clips come from a local command backend (sox synthesizing a 4 s tone), so the
first, cache-filling run of each length is not measured; the measured runs read
every clip from the clip cache, as an hourly cron re-run over unchanged
articles does. Needs sox and a release build (built here).
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SEGMENT_SECONDS = 4.0 + 0.25  # clip + sentence pause


def write_inputs(folder, hours):
    segments = int(hours * 3600 / SEGMENT_SECONDS)
    per_article = 40
    os.makedirs(folder, exist_ok=True)
    n = 0
    for a in range(0, segments, per_article):
        body = " ".join(
            f"Sentence number {i} of the long bulletin is read aloud here." for i in range(a, min(a + per_article, segments))
        )
        with open(os.path.join(folder, f"{a // per_article:05}.txt"), "w") as f:
            f.write(f"Article {a // per_article}\n\n{body}\n")
        n += 1
    return segments


CONFIG = """
[bulletin]
sample_rate = 48000
[bulletin.pauses]
after_title = 250
sentence = 250
paragraph = 250
article = 250
[languages]
en = "tone"
[voices.tone]
backend = "sox"
[backends.sox]
kind = "command"
program = "sox"
args = ["-n", "-r", "24000", "-b", "16", "-c", "1", "-t", "wav", "-", "synth", "4", "sine", "440", "vol", "0.3"]
input = "stdin"
output = "stdout"
concurrency = 2
"""


def run(binary, work, inputs, cache):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    p = subprocess.run(
        [binary, "-q", "build", "-c", os.path.join(work, "voices.toml"), "-o", os.path.join(work, "out"), "-n", "long", inputs],
        env={**os.environ, "BULLETIN_CACHE_DIR": cache},
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    if p.returncode != 0:
        sys.exit(f"bulletin failed ({p.returncode}): {p.stderr[-2000:]}")
    # ru_maxrss of children is the largest child so far; runs go from short to
    # long, so it is this run's peak unless an earlier run was larger.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, nargs="+", default=[1.0, 2.0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("sox"):
        sys.exit("sox is needed: scripts/deps.sh")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
    binary = os.path.join(root, "target", "release", "bulletin")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "voices.toml"), "w") as f:
            f.write(CONFIG)
        for hours in sorted(args.hours):
            inputs = os.path.join(work, f"in-{hours}")
            segments = write_inputs(inputs, hours)
            cache = os.path.join(work, f"cache-{hours}")
            fill, _ = run(binary, work, inputs, cache)  # fills the cache; not measured
            times, peaks = [], []
            for _ in range(args.runs):
                t, m = measure_isolated(binary, work, inputs, cache)
                times.append(t)
                peaks.append(m)
            rows.append((hours, segments, statistics.median(times), statistics.median(peaks), fill))
    base = rows[0]
    print(f"{'length':>8} {'segments':>9} {'median time':>12} {'x realtime':>11} {'peak RSS':>10} {'RSS vs first':>13}")
    for hours, segments, t, m, fill in rows:
        print(
            f"{hours:>7.2f}h {segments:>9} {t:>11.1f}s {hours * 3600 / t:>10.0f}x {m:>8.0f}MiB {m / base[3]:>12.2f}x"
        )
    print(f"(medians of {args.runs} runs from a warm clip cache; the cache-filling run is not counted)")


def measure_isolated(binary, work, inputs, cache):
    """One run in a fresh Python child, so its peak RSS is its own."""
    code = (
        "import resource,subprocess,sys,time,os;"
        "s=time.monotonic();"
        f"p=subprocess.run([{binary!r},'-q','build','-c',{os.path.join(work, 'voices.toml')!r},'-o',{os.path.join(work, 'out')!r},'-n','long',{inputs!r}],"
        f"env={{**os.environ,'BULLETIN_CACHE_DIR':{cache!r}}},capture_output=True);"
        "e=time.monotonic()-s;"
        "sys.exit(p.stderr.decode()[-2000:]) if p.returncode else None;"
        "print(e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    t, m = out.stdout.split()
    return float(t), float(m)


if __name__ == "__main__":
    main()
