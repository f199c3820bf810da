#!/usr/bin/env python3
"""Measures the zh-neural voice: model load time, synthesis speed and the
clips' pace and levels, on the segments `bulletin plan --json` prints.

    bulletin plan --json ARTICLE > plan.json
    VENV/bin/python scripts/voices/bench-zh-neural.py --models DIR --plan plan.json \
        [--threads N] [--wav-dir DIR] [--repeat 1]

Runs in the voice's own venv (onnxruntime, or TensorFlow 2.15 for .tflite
models). Prints one JSON object on stdout; notes/zh-neural.md has the results.
"""
import argparse
import importlib.util
import json
import math
import os
import statistics
import sys
import time


def load_worker():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zh_neural_worker.py")
    spec = importlib.util.spec_from_file_location("zh_neural_worker", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True)
    ap.add_argument("--plan", required=True, help="output of bulletin plan --json")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="synthesize each segment this many times")
    ap.add_argument("--wav-dir", help="keep the clips here")
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--punctuation", choices=("marks", "split"), default="marks")
    args = ap.parse_args()

    texts = [s["text"] for s in json.load(open(args.plan, encoding="utf-8"))["segments"]
             if s.get("lang", "zh").startswith("zh") and s.get("text")]

    w0, c0 = time.perf_counter(), time.process_time()
    w = load_worker()
    voice = w.Voice(args.models, args.threads, split=args.punctuation == "split")
    load_wall, load_cpu = time.perf_counter() - w0, time.process_time() - c0
    w1 = time.perf_counter()
    voice.synthesize("你好")
    first_wall = time.perf_counter() - w1
    np = voice.np

    rows, rejected = [], []
    for i, text in enumerate(texts):
        for r in range(args.repeat):
            t0, c1 = time.perf_counter(), time.process_time()
            try:
                audio = voice.synthesize(text, args.speed)
            except w.Unspeakable as e:
                rejected.append({"i": i, "error": str(e)})
                break
            wall, cpu = time.perf_counter() - t0, time.process_time() - c1
            sec = len(audio) / w.SAMPLE_RATE
            x = audio.astype(np.float64)
            rms = math.sqrt(float(np.mean(x * x)))
            row = {"i": i, "chars": w.han_count(text), "audio_s": round(sec, 3),
                   "wall_s": round(wall, 4), "cpu_s": round(cpu, 4),
                   "speed": round(sec / wall, 2), "cpu_speed": round(sec / cpu, 2) if cpu else None,
                   "cps": round(w.han_count(text) / sec, 2),
                   "peak": round(float(np.max(np.abs(x))), 3),
                   "rms_dbfs": round(20 * math.log10(rms), 1)}
            rows.append(row)
            if args.wav_dir and r == 0:
                os.makedirs(args.wav_dir, exist_ok=True)
                w.write_wav(os.path.join(args.wav_dir, "%02d.wav" % i), audio, np)

    med = lambda k: statistics.median(r[k] for r in rows)
    total_audio = sum(r["audio_s"] for r in rows)
    total_wall = sum(r["wall_s"] for r in rows)
    out = {
        "runtime": "%s %s" % (voice.models.runtime, voice.models.version),
        "threads": args.threads or "default", "punctuation": args.punctuation, "speed": args.speed,
        "load_wall_s": round(load_wall, 2), "load_cpu_s": round(load_cpu, 2),
        "first_call_s": round(first_wall, 2),
        "segments": len(texts), "synthesized": len(rows), "rejected": rejected,
        "median_speed": med("speed"), "median_cpu_speed": med("cpu_speed"),
        "total_audio_s": round(total_audio, 1), "total_wall_s": round(total_wall, 1),
        "overall_speed": round(total_audio / total_wall, 2),
        "median_cps": med("cps"), "min_cps": min(r["cps"] for r in rows), "max_cps": max(r["cps"] for r in rows),
        "max_peak": max(r["peak"] for r in rows), "median_rms_dbfs": med("rms_dbfs"),
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "rows": rows,
    }
    json.dump(out, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
