#!/usr/bin/env bash
# Installs the system programs bulletin uses on Debian or Ubuntu:
#   espeak-ng  the default local voice
#   sox, ffmpeg, mediainfo  independent audio checkers used by the tests
#   java (a headless JRE)   runs EPUBCheck, which checks the EPUB talking books
#   chromium, node          load the transcript page headless (tests/browser)
# Does nothing for programs already present. Uses sudo when not root.
set -euo pipefail

missing=()
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v mediainfo >/dev/null 2>&1 || missing+=(mediainfo)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: please install ${missing[*]} with your system's package manager" >&2
  exit 1
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "deps.sh: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
