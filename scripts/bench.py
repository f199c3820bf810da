#!/usr/bin/env python3
"""Whole-process benchmarks of bulletin against a loopback TTS backend.

    scripts/bench.py                 # everything (about 15 minutes on 2 cores)
    scripts/bench.py --quick         # one run each, 10 min and 1 h only
    scripts/bench.py --only warm,rss # pick: warm, cold, rss, schedule, long

What it measures, each as the median of --runs runs in this one invocation,
with ratios against baselines measured in the same invocation:

- warm: a rebuild of a ~57-minute bulletin (219 clips) from a warm clip cache,
  against `sox CLIPS out.wav rate -v 48k norm -1` and against ffmpeg (concat,
  soxr resampling, loudnorm) over the same clips as the backend sent them;
  also a 9-minute bulletin.
- cold: the same bulletin with an empty cache.
- rss: peak resident memory of warm and cold builds of 10 min, 1 h, 4 h.
- schedule: 108 requests at 200 ms latency (fixed, and long-tailed), at
  concurrency 8 and 16: synthesis wall time over the ideal ceil(N/C) * L,
  beside curl --parallel making the same requests at the same concurrency
  (what a client with nothing to do but fetch gets from the same backend).
- long: paragraphs of 20,000, 60,000 and 180,000 characters with no
  punctuation: peak RSS (flat: it must not grow with the paragraph) and
  manifest size (linear).

The backend is scripts/tts_stub.rs (`cargo build --release --example
tts-stub`), an OpenAI-compatible server on loopback that answers with 22050 Hz
16-bit mono WAV at a newsreader's pace (5 Chinese characters or 15 other
characters a second) after the configured latency; the sox and ffmpeg
baselines read the very clips it sends. `--server python` swaps in the
stdlib ThreadingHTTPServer this script used before, to show what it cost:
with 16 requests at once its own lock added 10-20 ms a round.
Needs sox and ffmpeg (scripts/deps.sh) and curl; builds bulletin and the stub
in release mode.
"""
import argparse
import array
import http.server
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

RATE = 22050
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_han(c):
    return 0x3400 <= ord(c) <= 0x9FFF


def seconds_for(text):
    han = sum(1 for c in text if is_han(c))
    other = sum(1 for c in text if c.isalnum() and not is_han(c))
    return han / 5.0 + other / 15.0


class Voice:
    """A speech-like signal: harmonics of a slowly moving pitch under a
    syllable envelope, made once and sliced per request."""

    def __init__(self, seconds):
        n = int(seconds * RATE)
        samples = array.array("h", bytes(2 * n))
        phase = 0.0
        for i in range(n):
            t = i / RATE
            f0 = 140 + 25 * math.sin(2 * math.pi * 0.3 * t)
            phase += 2 * math.pi * f0 / RATE
            syllable = 0.55 + 0.45 * math.sin(2 * math.pi * 4.0 * t) ** 2
            v = (math.sin(phase) + 0.5 * math.sin(2 * phase) + 0.25 * math.sin(3 * phase)) / 1.75
            samples[i] = int(9000 * v * syllable)
        self.pcm = samples.tobytes()

    def wav(self, seconds):
        pad = int(0.15 * RATE) * 2
        body = self.pcm[: int(seconds * RATE) * 2]
        data = bytes(pad) + body + bytes(pad)
        header = b"RIFF" + (36 + len(data)).to_bytes(4, "little") + b"WAVEfmt "
        header += (16).to_bytes(4, "little") + (1).to_bytes(2, "little") + (1).to_bytes(2, "little")
        header += RATE.to_bytes(4, "little") + (RATE * 2).to_bytes(4, "little")
        header += (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
        return header + b"data" + len(data).to_bytes(4, "little") + data


class StubBackend:
    """scripts/tts_stub.rs on 127.0.0.1:0, until closed."""

    def __init__(self, latency_ms=0.0, tail=False, voice_seconds=300):
        cmd = [STUB, "--latency-ms", str(latency_ms), "--voice-seconds", str(voice_seconds)]
        self.process = subprocess.Popen(cmd + (["--tail"] if tail else []), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            sys.exit(f"tts-stub did not start: {self.url!r}")

    def wav(self, text):
        """The answer to `text`, as bulletin gets it."""
        import urllib.request

        request = urllib.request.Request(self.url, data=json.dumps({"input": text}).encode(), headers={"content-type": "application/json"})
        with urllib.request.urlopen(request) as r:
            return r.read()

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


class PythonBackend:
    """The same backend as a stdlib ThreadingHTTPServer on 127.0.0.1:0 (--server python)."""

    def __init__(self, latency_ms=0.0, tail=False, voice_seconds=300):
        voice = Voice(voice_seconds)
        self.voice = voice
        self.latency = latency_ms / 1000.0
        self.tail = tail
        self.requests = 0
        self.lock = threading.Lock()
        backend = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                text = json.loads(self.rfile.read(length)).get("input", "")
                with backend.lock:
                    backend.requests += 1
                delay = backend.latency
                if backend.tail and delay:
                    # Long-tailed: lognormal with this median (sigma 0.6: one in eight over twice as slow).
                    delay = random.lognormvariate(math.log(delay), 0.6)
                time.sleep(delay)
                body = backend.voice.wav(seconds_for(text))
                self.send_response(200)
                self.send_header("content-type", "audio/wav")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            # socketserver's default listen backlog is 5: with more concurrent
            # connections than that, the rest wait out a TCP retransmission
            # (about 200 ms), which is the harness's delay, not the client's.
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1/audio/speech"

    def wav(self, text):
        return self.voice.wav(seconds_for(text))

    def close(self):
        self.server.shutdown()


CONFIG = """
[bulletin]
sample_rate = 48000
[languages]
zh = "zh"
en = "en"
[voices.zh]
backend = "svc"
voice = "zf"
[voices.en]
backend = "svc"
voice = "af"
[backends.svc]
preset = "openai"
url = "{url}"
concurrency = {concurrency}
retries = 0
"""

ZH = "今天上午市政府召开新闻发布会介绍本市交通建设和公共服务的最新进展情况并回答记者提问"
EN_WORDS = (
    "the council said on monday that new ferry crossings will run every twenty minutes "
    "from the harbour while engineers finish repairs to the old pier and the bridge"
).split()


def sentence(i, seconds):
    """A sentence of about `seconds` at the backend's pace, Chinese or English."""
    if i % 2 == 0:
        n = max(1, int(seconds * 5))
        body = "".join(ZH[(i + k) % len(ZH)] for k in range(n))
        return body + "。"
    words, chars = [], 0
    k = i
    while chars < seconds * 15:
        w = EN_WORDS[k % len(EN_WORDS)]
        words.append(w)
        chars += len(w)
        k += 7
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def write_articles(folder, minutes, clip_seconds=15.6, per_article=11):
    """Articles whose segments (title, sentences) add up to about `minutes`."""
    os.makedirs(folder, exist_ok=True)
    clips = max(2, int(minutes * 60 / (clip_seconds + 0.4)))
    i = a = 0
    while i < clips:
        n = min(per_article, clips - i)
        zh = a % 2 == 0
        title = f"第{a + 1}条新闻" if zh else f"Story number {a + 1}"
        body = [sentence(i + k if zh else i + k + 1, clip_seconds) for k in range(n - 1)]
        with open(os.path.join(folder, f"{a:05}.txt"), "w") as f:
            f.write(title + "\n\n" + "\n\n".join(body) + "\n")
        i += n
        a += 1
    return clips


STUB = os.path.join(ROOT, "target", "release", "examples", "tts-stub")


def release_binary():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "bulletin", "--example", "tts-stub"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "bulletin")


def timed(cmd, env=None):
    """Runs `cmd`; returns (seconds, peak RSS in MiB, stderr) of that process alone."""
    started = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{cmd[0]} failed ({code}): {err.decode(errors='replace')[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024.0, err.decode(errors="replace")


class Work:
    def __init__(self, binary, root, url, concurrency=8):
        self.binary = binary
        self.root = root
        self.config = os.path.join(root, f"voices-{concurrency}.toml")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(url=url, concurrency=concurrency))

    def build(self, inputs, cache, name="b", extra=()):
        out = os.path.join(self.root, "out")
        cmd = [self.binary, "--log-format", "json", "build", "-c", self.config, "-o", out, "-n", name, *extra, inputs]
        if cache is None:
            cmd.insert(-1, "--no-cache")
            env = dict(os.environ)
        else:
            env = {**os.environ, "BULLETIN_CACHE_DIR": cache}
        return timed(cmd, env)

    def plan_texts(self, inputs):
        p = subprocess.run([self.binary, "plan", "--json", "-c", self.config, inputs], capture_output=True, check=True)
        return [s["text"] for s in json.loads(p.stdout)["segments"]]


def median(xs):
    return statistics.median(xs)


def fmt(xs, unit="s"):
    return f"{median(xs):.2f}{unit}" + (f" (runs: {', '.join(f'{x:.2f}' for x in xs)})" if len(xs) > 1 else "")


def clips_on_disk(folder, texts, backend):
    """The clips the backend sends for `texts`, as files for sox and ffmpeg."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i, t in enumerate(texts):
        p = os.path.join(folder, f"{i:05}.wav")
        with open(p, "wb") as f:
            f.write(backend.wav(t))
        paths.append(p)
    return paths


def sox_baseline(paths, out):
    return timed(["sox", *paths, out, "rate", "-v", "48k", "norm", "-1"])[0]


def ffmpeg_baseline(paths, out, work):
    listing = os.path.join(work, "concat.txt")
    with open(listing, "w") as f:
        f.writelines(f"file '{p}'\n" for p in paths)
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", listing,
           "-af", "aresample=48000:resampler=soxr,loudnorm=I=-23:TP=-1", "-ar", "48000", out]
    return timed(cmd)[0]


def bench_warm(w, backend, work, minutes, runs, label):
    inputs = os.path.join(work, f"in-{minutes}")
    clips = write_articles(inputs, minutes)
    cache = os.path.join(work, f"cache-{minutes}")
    w.build(inputs, cache)  # fills the cache; not measured
    texts = w.plan_texts(inputs)
    paths = clips_on_disk(os.path.join(work, f"clips-{minutes}"), texts, backend)
    ours, soxs, ffs, rss = [], [], [], []
    for _ in range(runs):
        t, m, _ = w.build(inputs, cache)
        ours.append(t)
        rss.append(m)
        soxs.append(sox_baseline(paths, os.path.join(work, "sox.wav")))
        ffs.append(ffmpeg_baseline(paths, os.path.join(work, "ffmpeg.wav"), work))
    audio = sum(seconds_for(t) for t in texts) / 60
    print(f"warm {label}: {len(texts)} clips, ~{audio:.0f} min of speech")
    print(f"  bulletin      {fmt(ours)}   peak RSS {fmt(rss, ' MiB')}")
    print(f"  sox           {fmt(soxs)}   ratio bulletin/sox {median(ours) / median(soxs):.2f}")
    print(f"  ffmpeg        {fmt(ffs)}   ratio bulletin/ffmpeg {median(ours) / median(ffs):.2f}")
    return {"clips": len(texts), "bulletin": ours, "sox": soxs, "ffmpeg": ffs, "rss_mib": rss}


def bench_cold(w, work, minutes, runs):
    inputs = os.path.join(work, f"in-{minutes}")
    write_articles(inputs, minutes)
    times, rss = [], []
    for r in range(runs):
        t, m, _ = w.build(inputs, os.path.join(work, f"cold-{minutes}-{r}-{time.time_ns()}"))
        times.append(t)
        rss.append(m)
    print(f"cold {minutes} min: {fmt(times)}   peak RSS {fmt(rss, ' MiB')}")
    return {"bulletin": times, "rss_mib": rss}


def bench_rss(w, work, runs, lengths):
    rows = {}
    for minutes in lengths:
        inputs = os.path.join(work, f"in-{minutes}")
        write_articles(inputs, minutes)
        cache = os.path.join(work, f"cache-{minutes}")
        cold, warm = [], []
        for r in range(runs):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(w.build(inputs, cache)[1])
            warm.append(w.build(inputs, cache)[1])
        rows[minutes] = {"cold_mib": cold, "warm_mib": warm}
        print(f"rss {minutes:>4} min: cold {fmt(cold, ' MiB')}   warm {fmt(warm, ' MiB')}")
    return rows


def log_span(stderr):
    """Seconds between the 'script ready' and 'rendering the bulletin' events of a JSON log."""
    from datetime import datetime

    stamps = {}
    for line in stderr.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        msg = event.get("message", "")
        if msg in ("script ready", "rendering the bulletin"):
            stamps[msg] = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
    return (stamps["rendering the bulletin"] - stamps["script ready"]).total_seconds()


def curl_span(url, texts, concurrency, work):
    """Seconds for curl --parallel to make the same requests at the same concurrency."""
    config = os.path.join(work, "curl.cfg")
    with open(config, "w") as f:
        for i, t in enumerate(texts):
            body = json.dumps({"model": "tts-1", "input": t, "voice": "af"})
            f.write(("next\n" if i else "") + f'url = "{url}"\nheader = "content-type: application/json"\n')
            f.write(f"data = {json.dumps(body)}\noutput = \"{os.path.join(work, 'curl.wav')}\"\n")
    cmd = ["curl", "--silent", "--show-error", "--fail", "--parallel", "--parallel-immediate", "--parallel-max", str(concurrency), "--config", config]
    return timed(cmd)[0]


def schedule_inputs(work):
    """108 segments: 12 articles of a title and 8 short sentences."""
    inputs = os.path.join(work, "in-schedule")
    os.makedirs(inputs, exist_ok=True)
    for a in range(12):
        body = " ".join(f"Short sentence {a} {k} is here." for k in range(8))
        with open(os.path.join(inputs, f"{a:03}.txt"), "w") as f:
            f.write(f"Title {a}\n\n{body}\n")
    return inputs


def bench_schedule(binary, backend_class, work, runs):
    rows = {}
    inputs = schedule_inputs(work)
    for tail in (False, True):
        backend = backend_class(200, tail, voice_seconds=30)
        try:
            for c in (8, 16):
                w = Work(binary, work, backend.url, c)
                texts = w.plan_texts(inputs)
                spans, curls = [], []
                for _ in range(runs):
                    _, _, err = w.build(inputs, None)
                    spans.append(log_span(err))
                    curls.append(curl_span(backend.url, texts, c, work))
                n = len(texts)
                ideal = math.ceil(n / c) * 0.2
                kind = "long-tailed" if tail else "fixed"
                print(f"schedule {kind:>11} C={c:>2}: {n} requests, ideal {ideal:.2f}s")
                print(f"  bulletin      {fmt(spans)}   ratio {median(spans) / ideal:.3f}")
                print(f"  curl          {fmt(curls)}   ratio {median(curls) / ideal:.3f} (whole process)")
                rows[f"{kind}-{c}"] = {"requests": n, "synthesis": spans, "curl": curls, "ideal": ideal}
        finally:
            backend.close()
    return rows


def bench_long(w, work, runs, lengths=(20_000, 60_000, 180_000)):
    """Paragraphs with no punctuation at all: peak RSS must not grow with the
    paragraph, and the manifest only linearly."""
    rows = {}
    for chars in lengths:
        inputs = os.path.join(work, f"in-long-{chars}")
        os.makedirs(inputs, exist_ok=True)
        words = " ".join(EN_WORDS[i % len(EN_WORDS)] for i in range(chars // 4))[:chars]
        with open(os.path.join(inputs, "long.txt"), "w") as f:
            f.write("One endless paragraph\n\n" + words + "\n")
        rss, sizes = [], []
        for r in range(runs):
            _, m, _ = w.build(inputs, os.path.join(work, f"long-cache-{chars}-{r}-{time.time_ns()}"), name="long")
            rss.append(m)
            sizes.append(os.path.getsize(os.path.join(work, "out", "long.json")) / 1e6)
        print(f"long paragraph ({chars:,} characters): peak RSS {fmt(rss, ' MiB')}, manifest {fmt(sizes, ' MB')}")
        rows[chars] = {"rss_mib": rss, "manifest_mb": sizes}
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one run each; 10 min and 1 h only")
    ap.add_argument("--only", default="warm,cold,rss,schedule,long")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--server", choices=("stub", "python"), default="stub", help="the loopback backend (default: scripts/tts_stub.rs)")
    args = ap.parse_args()
    runs = 1 if args.quick else args.runs
    only = set(args.only.split(","))
    for tool in ("sox", "ffmpeg", "curl"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: scripts/deps.sh")
    binary = release_binary()
    print(f"machine: {os.cpu_count()} cores; {subprocess.run(['uname', '-srm'], capture_output=True, text=True).stdout.strip()}; backend: {args.server}")
    backend_class = StubBackend if args.server == "stub" else PythonBackend
    results = {}
    with tempfile.TemporaryDirectory(prefix="bulletin-bench-") as work:
        # A voice long enough for the longest request (4,090 characters, about
        # 4.5 minutes): a shorter one would cap the long-paragraph answers.
        backend = backend_class(voice_seconds=300)
        try:
            w = Work(binary, work, backend.url)
            if "warm" in only:
                results["warm_57"] = bench_warm(w, backend, work, 57, runs, "57 min")
                results["warm_9"] = bench_warm(w, backend, work, 9, runs, "9 min")
            if "cold" in only:
                results["cold_57"] = bench_cold(w, work, 57, runs)
            if "rss" in only:
                results["rss"] = bench_rss(w, work, runs, [10, 60] if args.quick else [10, 60, 240])
            if "long" in only:
                results["long"] = bench_long(w, work, runs)
        finally:
            backend.close()
        if "schedule" in only:
            results["schedule"] = bench_schedule(binary, backend_class, work, runs)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
