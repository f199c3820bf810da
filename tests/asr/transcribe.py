#!/usr/bin/env python3
"""Transcribes each English segment of a bulletin with pocketsphinx, an
independent recogniser (its bundled en-us model), for the intelligibility
test in tests/it/intelligibility.rs.

    python transcribe.py NAME.wav NAME.json

Each segment's span [start_ms, end_ms] of the WAV, as the manifest gives it,
is cut and resampled to 16 kHz by sox, and decoded alone. Prints one JSON
object a line: {"id": ..., "text": ..., "hyp": ...}.
"""
import json
import subprocess
import sys

from pocketsphinx import Decoder


def main(wav, manifest_path):
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    decoder = Decoder(samprate=16000, logfn="/dev/null")
    for seg in manifest["segments"]:
        if seg.get("kind") == "sound" or not str(seg.get("lang", "")).startswith("en"):
            continue
        start, end = seg["start_ms"] / 1000.0, seg["end_ms"] / 1000.0
        raw = subprocess.run(
            ["sox", wav, "-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1", "-",
             "trim", "%.3f" % start, "=%.3f" % end],
            check=True, capture_output=True,
        ).stdout
        decoder.start_utt()
        decoder.process_raw(raw, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        print(json.dumps({"id": seg["id"], "text": seg["text"], "hyp": hyp.hypstr if hyp else ""}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
