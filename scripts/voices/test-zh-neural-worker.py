#!/usr/bin/env python3
"""Drives zh_neural_worker.py over its protocol, as bulletin will, and checks
every answer; prints 'N passed, N failed' and exits 0 when all pass.

    VENV/bin/python scripts/voices/test-zh-neural-worker.py [--models DIR] [--worker PATH]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import wave

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--models")
ap.add_argument("--worker", default=os.path.join(here, "zh_neural_worker.py"))
args = ap.parse_args()

cmd = [sys.executable, args.worker] + (["--models", args.models] if args.models else [])
tmp = tempfile.mkdtemp(prefix="zh-neural-proto-")
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail), file=sys.stderr)


def ask(raw):
    p.stdin.write(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    p.stdin.flush()
    return json.loads(p.stdout.readline())


ready = json.loads(p.stdout.readline())
print("ready after %.2f s: %s" % (time.monotonic() - t0, ready), file=sys.stderr)
check("ready", ready == {"ready": True, "protocol": 1, "sample_rate": 24000, "voice": "zh-neural"}, ready)


def req(**kw):
    return json.dumps(kw, ensure_ascii=False) + "\n"


def wav_seconds(path):
    with wave.open(path) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 24000)
        return w.getnframes() / 24000


out = os.path.join(tmp, "a.wav")
a = ask(req(id=7, text="人民的平安,我们的承诺。", voice="zh-neural", lang="zh", speed=1.0, out=out))
check("ok", a.get("ok") is True and a.get("id") == 7 and set(a) == {"id", "ok", "seconds"}, a)
check("wav", os.path.exists(out) and not os.path.exists(out + ".tmp") and abs(wav_seconds(out) - a["seconds"]) < 0.01, a)
base = a["seconds"]

fast = ask(req(id=8, text="人民的平安,我们的承诺。", lang="zh", speed=2.0, out=os.path.join(tmp, "f.wav")))
slow = ask(req(id=9, text="人民的平安,我们的承诺。", lang="zh", speed=0.5, out=os.path.join(tmp, "s.wav")))
check("speed 2", fast["ok"] and 0.35 * base < fast["seconds"] < 0.65 * base, (base, fast))
check("speed 0.5", slow["ok"] and 1.6 * base < slow["seconds"] < 2.4 * base, (base, slow))

again = ask(req(id=10, text="人民的平安,我们的承诺。", out=os.path.join(tmp, "b.wav")))
with open(out, "rb") as f1, open(os.path.join(tmp, "b.wav"), "rb") as f2:
    check("deterministic", f1.read() == f2.read())

for i, (raw, want_id, what) in enumerate([
    ("{not json\n", None, "invalid JSON"),
    ("[1, 2]\n", None, "not an object"),
    (req(text="你好", out=out), None, "no id"),
    (req(id=11, out=out), 11, "no text"),
    (req(id=12, text="你好"), 12, "no out"),
    (req(id=13, text="你好", out=out, speed="fast"), 13, "speed not a number"),
    (req(id=14, text="你好", out=out, speed=0), 14, "speed 0"),
    (req(id=15, text="你好", out=out, lang="en"), 15, "English"),
    (req(id=16, text="你好", out=out, voice="en-us"), 16, "another voice"),
    (b'{"id": 17, "text": "\xff\xfe", "out": "x"}\n', None, "not UTF-8"),
]):
    a = ask(raw)
    check("bad request: " + what, a.get("ok") is False and a.get("retry") is False and a.get("id") == want_id
          and isinstance(a.get("error"), str), a)

for i, (text, needle) in enumerate([
    ("A股上涨", "U+0041"),
    ("二〇二七年有2个", "U+0032"),
    ("百分之30", "U+0033"),
    ("覅", "U+8985"),
    ("你好😀", "U+1F600"),
    ("", "nothing"),
    ("。,!", "nothing"),
]):
    a = ask(req(id=100 + i, text=text, out=os.path.join(tmp, "r%d.wav" % i)))
    check("rejects %r" % text, a["ok"] is False and a["retry"] is False and needle in a["error"], a)

for i, text in enumerate([
    "二〇二七年,百分之三十。",
    "“三箭齐发”、《人民日报》(社区)朵兰·未检……好!",
    "天气　很好",  # ideographic space
    "龥㐀𠀀鿏嗯唔",  # rare Han: end of the URO, Extension A, Extension B, late URO
    "中华人民共和国" * 40,  # 280 characters without a break
]):
    o = os.path.join(tmp, "h%d.wav" % i)
    a = ask(req(id=200 + i, text=text, out=o))
    check("speaks %r" % text[:20], a["ok"] is True and os.path.exists(o), a)

a = ask(req(id=300, text="你好", out=os.path.join(tmp, "no-such-dir", "x.wav")))
check("unwritable out", a["ok"] is False and isinstance(a.get("retry"), bool), a)

p.stdin.write(b"\n")  # a blank line is ignored
a = ask(req(id="s1", text="你好", out=os.path.join(tmp, "s1.wav")))
check("string id, after a blank line", a == {"id": "s1", "ok": True, "seconds": a.get("seconds")}, a)

p.stdin.close()
rest = p.stdout.read()
rc = p.wait(timeout=30)
check("exit 0 on EOF", rc == 0, rc)
check("nothing else on stdout", rest == b"", rest[:200])
err = p.stderr.read().decode("utf-8", "replace")
check("logs on stderr", "zh-neural: loaded" in err, err[:300])
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
