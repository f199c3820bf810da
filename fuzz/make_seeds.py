#!/usr/bin/env python3
"""Writes the committed seed corpus under fuzz/seeds/<target>/.

Run from anywhere: python3 fuzz/make_seeds.py. The output is deterministic, so
re-running it changes nothing unless this script changed.
"""

import math
import pathlib
import shutil
import struct

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
SEEDS = FUZZ / "seeds"


def write(target, name, data):
    path = SEEDS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


# --- ingest: the seed layout in both languages, with BOM and CRLF variants -------------

def ingest():
    for example in sorted((ROOT / "examples").iterdir()):
        text = example.read_bytes()
        write("ingest", example.name, text)
    zh = (ROOT / "examples" / "01-zh-river-park.txt").read_bytes()
    en = (ROOT / "examples" / "03-en-harbour-ferry.txt").read_bytes()
    write("ingest", "zh-bom.txt", b"\xef\xbb\xbf" + zh)
    write("ingest", "zh-crlf.txt", zh.replace(b"\n", b"\r\n"))
    write("ingest", "en-bom-crlf.txt", b"\xef\xbb\xbf" + en.replace(b"\n", b"\r\n"))
    write("ingest", "en-cr.txt", en.replace(b"\n", b"\r"))
    write(
        "ingest",
        "zh-single-breaks.txt",
        "标题:单行换行的文章\n发布时间:2022-10-24 10:47:55丨来源:中国网丨作者:丨责任编辑:苏文彦\n"
        "第一段正文,没有空行。\n第二段正文。(记者 王小明)\n",
    )
    write(
        "ingest",
        "en-markdown.md",
        "# A heading title\n\nLanguage: en | Source: Wire\n\n- a list item\n- another item\n\n"
        "## A sub-heading\n\n    indented paragraph that wraps\nonto the next line\n\n"
        "Last words. (Reporting by Jo Bloggs)\n",
    )
    write("ingest", "separators.txt", "Title\u2029Body after a paragraph separator.\u2028Next line.")
    write("ingest", "utf16le.txt", "\ufeffTitle\n\nBody.".encode("utf-16-le"))
    write("ingest", "binary.txt", b"Title\n\n\x01\x02\x03\x04 body")
    write("ingest", "invalid-utf8.txt", b"Title\n\nBody \xe4\xb8 cut.")
    write("ingest", "blank.txt", " \n\u3000\n\u200b\n")


# --- audio_decode: WAV files with the quirks the decoder handles, PCM, MP3 magic -------

def tone(n, rate=8000, freq=440.0):
    return [0.5 * math.sin(2 * math.pi * freq * i / rate) for i in range(n)]


def pcm16(samples):
    return b"".join(struct.pack("<h", int(s * 32767)) for s in samples)


def chunk(cid, body, pad=True):
    out = cid + struct.pack("<I", len(body)) + body
    if pad and len(body) % 2:
        out += b"\0"
    return out


def fmt_body(tag, channels, rate, bits, extensible_tag=None):
    block = channels * ((bits + 7) // 8)
    body = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    if extensible_tag is not None:
        guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        body += struct.pack("<HHI", 22, bits, 4) + struct.pack("<H", extensible_tag) + guid_tail
    return body


def riff(chunks, size=None, form=b"WAVE", magic=b"RIFF"):
    payload = form + b"".join(chunks)
    return magic + struct.pack("<I", len(payload) if size is None else size) + payload


def audio():
    data = pcm16(tone(64))
    write("audio_decode", "pcm16-mono.wav", riff([chunk(b"fmt ", fmt_body(1, 1, 8000, 16)), chunk(b"data", data)]))
    stereo = pcm16([s for s in tone(32) for _ in range(2)])
    write("audio_decode", "pcm16-stereo-list.wav", riff([
        chunk(b"fmt ", fmt_body(1, 2, 16000, 16)),
        chunk(b"LIST", b"INFOISFT\x05\x00\x00\x00fuzz\x00"),
        chunk(b"data", stereo),
    ]))
    # Streaming writers: sizes 0 or 0xFFFFFFFF in RIFF and data headers.
    write("audio_decode", "streaming-sizes.wav",
          riff([chunk(b"fmt ", fmt_body(1, 1, 24000, 16))], size=0xFFFFFFFF)
          + b"data" + struct.pack("<I", 0xFFFFFFFF) + data)
    write("audio_decode", "zero-data-size.wav",
          riff([chunk(b"fmt ", fmt_body(1, 1, 22050, 16))], size=0)
          + b"data" + struct.pack("<I", 0) + data)
    # An odd-sized chunk without its pad byte.
    write("audio_decode", "odd-chunk-no-pad.wav", riff([
        chunk(b"fmt ", fmt_body(1, 1, 8000, 16)),
        chunk(b"junk", b"abc", pad=False),
        chunk(b"data", data),
    ]))
    write("audio_decode", "u8.wav", riff([chunk(b"fmt ", fmt_body(1, 1, 8000, 8)),
                                          chunk(b"data", bytes(int(128 + 100 * s) for s in tone(64)))]))
    write("audio_decode", "s24.wav", riff([chunk(b"fmt ", fmt_body(1, 1, 48000, 24)),
                                           chunk(b"data", b"".join(struct.pack("<i", int(s * 8e6))[:3] for s in tone(48)))]))
    write("audio_decode", "s32.wav", riff([chunk(b"fmt ", fmt_body(1, 1, 44100, 32)),
                                           chunk(b"data", b"".join(struct.pack("<i", int(s * 2e9)) for s in tone(32)))]))
    write("audio_decode", "f32.wav", riff([chunk(b"fmt ", fmt_body(3, 1, 16000, 32)),
                                           chunk(b"data", b"".join(struct.pack("<f", s) for s in tone(32))
                                           + struct.pack("<ff", float("nan"), float("inf")))]))
    write("audio_decode", "f64.wav", riff([chunk(b"fmt ", fmt_body(3, 1, 16000, 64)),
                                           chunk(b"data", b"".join(struct.pack("<d", s) for s in tone(16)))]))
    write("audio_decode", "mulaw.wav", riff([chunk(b"fmt ", fmt_body(7, 1, 8000, 8)), chunk(b"data", bytes(range(0, 256, 4)))]))
    write("audio_decode", "alaw.wav", riff([chunk(b"fmt ", fmt_body(6, 1, 8000, 8)), chunk(b"data", bytes(range(1, 256, 4)))]))
    write("audio_decode", "extensible.wav", riff([chunk(b"fmt ", fmt_body(0xFFFE, 1, 16000, 16, extensible_tag=1)),
                                                  chunk(b"data", data)]))
    ds64 = struct.pack("<QQQI", 0, len(data), 0, 0)
    write("audio_decode", "rf64.wav", riff([chunk(b"ds64", ds64), chunk(b"fmt ", fmt_body(1, 1, 8000, 16)),
                                            b"data" + struct.pack("<I", 0xFFFFFFFF) + data],
                                           size=0xFFFFFFFF, magic=b"RF64"))
    first = riff([chunk(b"fmt ", fmt_body(1, 1, 8000, 16)), chunk(b"data", data)])
    second = riff([chunk(b"fmt ", fmt_body(1, 1, 16000, 16)), chunk(b"data", data[:64])])
    write("audio_decode", "glued.wav", first + second)
    write("audio_decode", "glued-truncated.wav", first + second[:20])
    write("audio_decode", "truncated-data.wav", first[:-40])
    write("audio_decode", "no-fmt.wav", riff([chunk(b"data", data)]))
    write("audio_decode", "adpcm.wav", riff([chunk(b"fmt ", fmt_body(2, 1, 8000, 4)), chunk(b"data", data[:32])]))
    # Headerless PCM: the first three bytes choose the format in the fuzz target.
    write("audio_decode", "raw-s16.pcm", bytes([0, 5, 1]) + data)
    write("audio_decode", "raw-f32-stereo.pcm", bytes([3, 4, 2]) + b"".join(struct.pack("<f", s) for s in tone(32)))
    write("audio_decode", "raw-mulaw.pcm", bytes([5, 0, 1]) + bytes(range(0, 256, 2)))
    write("audio_decode", "mp3-frame.mp3", b"\xff\xfb\x90\x64" + bytes(413))
    write("audio_decode", "id3.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x0a" + bytes(10) + b"\xff\xfb\x90\x64" + bytes(64))
    write("audio_decode", "json-error.txt", b'{"error": {"message": "quota exceeded", "code": 429}}')
    write("audio_decode", "ogg.ogg", b"OggS\x00\x02" + bytes(40))


# --- template: `template\0text\0voice\0lang\0speed` ------------------------------------

def template():
    seeds = {
        "plain.txt": ["say {text} as {voice} at {speed}x {{raw}}", "Hello, world.", "alloy", "en", "1.25"],
        "ssml.txt": ['<speak version="1.0" xml:lang="{lang}"><voice name="{voice}"><prosody rate="{speed}">{text}</prosody></voice></speak>',
                     'Tom & Jerry <say> "hi" it\'s \x1b[31m', "zh-CN-XiaoxiaoNeural", "zh-CN", "0.9"],
        "secret.txt": ["Bearer ${API_KEY}", "", "", "", "1"],
        "missing-secret.txt": ["Bearer ${api_key}", "", "", "", "1"],
        "url.txt": ["https://api.example.test/v1/text-to-speech/{voice}?lang={lang}&k=${KEY}", "文本", "v", "zh", "1"],
        "command.txt": ["-v {voice} -s {wpm} -w {out}", "你好,世界。", "cmn", "zh", "1.2"],
        "sole-var.txt": ["{speed}", "", "", "", "3.999"],
        "unclosed.txt": ["{text", "x", "", "", "1"],
        "unknown.txt": ["{txet}", "x", "", "", "1"],
        "braces.txt": ["{{}}}}{{{{", "\r\n\r", "", "", "nan"],
        "json.txt": ['{{"input": "{text}", "voice": "{voice}"}}', "line\nbreak\ttab", "nova", "en", "-1"],
    }
    for name, parts in seeds.items():
        write("template", name, "\0".join(parts))


# --- config: the repository's voices.toml and snippets for every backend kind ---------

def config():
    write("config", "voices.toml", (ROOT / "voices.toml").read_bytes())
    snippets = {
        "openai.toml": """
[bulletin]
sample_rate = 24000
split = "paragraph"
intro = "Good morning."
formats = ["wav", "mp3"]
bits = 24
[bulletin.pauses]
after_title = "0.7s"
sentence = 250
[languages]
en = "en"
[voices.en]
backend = "kokoro"
voice = "af_heart"
speed = 1.1
lang = "en-US"
[backends.kokoro]
preset = "openai"
url = "http://127.0.0.1:8880/v1/audio/speech"
api_key_env = "OPENAI_API_KEY"
concurrency = 4
retries = 3
timeout_secs = 30
""",
        "elevenlabs.toml": """
[languages]
zh = { title = "anchor", body = "reader", attribution = "anchor" }
[voices.anchor]
backend = "eleven"
voice = "21m00Tcm4TlvDq8ikWAM"
fallback = "reader"
[voices.reader]
backend = "local"
voice = "zh"
[backends.eleven]
preset = "elevenlabs"
api_key_env = "ELEVEN_KEY"
requests_per_minute = 60
[backends.local]
kind = "command"
program = "espeak-ng"
args = ["-v", "{voice}", "-s", "{wpm}", "-w", "{out}"]
input = "arg"
output = "file"
""",
        "azure.toml": """
[languages]
zh = "zh"
[voices.zh]
backend = "azure"
voice = "zh-CN-XiaoxiaoNeural"
lang = "zh-CN"
[backends.azure]
preset = "azure"
url = "https://westeurope.tts.speech.microsoft.com/cognitiveservices/v1"
api_key_env = "AZURE_KEY"
""",
        "google.toml": """
[languages]
en = "en"
[voices.en]
backend = "google"
voice = "en-GB-Neural2-A"
lang = "en-GB"
[backends.google]
preset = "google"
api_key_env = "GOOGLE_KEY"
""",
        "pool-headers.toml": """
[bulletin]
loudness = { target = -23.0 }
mixed_language = "split"
[bulletin.bwf]
description = "Morning news"
originator = "bulletin"
[bulletin.cart]
title = "News"
category = "NEWS"
valid_for = "6h"
[languages]
en = "en"
[voices.en]
backend = "pool"
voice = "en"
[backends.pool]
kind = "http"
method = "POST"
urls = ["http://127.0.0.1:5000/a", "http://127.0.0.1:5001/b?k=${POOL_KEY}"]
cooldown_secs = 2.5
headers = { X-Token = "${POOL_TOKEN}", Accept = "audio/wav" }
query = { voice = "{voice}" }
form = { text = "{text}", speed = "{speed}" }
max_response_mb = 8
response = { format = "pcm", encoding = "s16le", sample_rate = 22050, channels = 1 }
""",
        "text-body.toml": """
[languages]
en = "en"
[voices.en]
backend = "t"
[backends.t]
kind = "http"
url = "http://127.0.0.1:9/tts"
text_body = "{text}"
content_type = "text/plain; charset=utf-8"
response = { format = "json", json_pointer = "/audioContent" }
max_chars = 200
max_bytes = 600
""",
        "bad-values.toml": """
[bulletin]
sample_rate = 7999
split = "word"
[bulletin.pauses]
article = -1
[voices.x]
backend = "nowhere"
speed = 9.0
""",
        "lexicon-sounds.toml": """
[bulletin]
lexicon = ["lexicon.toml"]
intro = "Hi."
[bulletin.sounds]
intro = "jingle.wav"
bed = "bed.wav"
bed_lead = "2s"
bed_duck_db = -18.0
""",
    }
    for name, text in snippets.items():
        write("config", name, text.lstrip("\n"))
    write("config", "bom.toml", "\ufeff[bulletin]\nsample_rate = 48000\n")


if __name__ == "__main__":
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    ingest()
    audio()
    template()
    config()
