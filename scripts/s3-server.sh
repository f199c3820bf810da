#!/usr/bin/env bash
# Starts moto's S3-compatible server (a real third-party S3 implementation
# from PyPI) on loopback for the integration tests of the shared clip cache,
# installing it into .venv-moto on first use.
#
#   eval "$(scripts/s3-server.sh)" && cargo test s3
#
# It picks a free port on 127.0.0.1 (S3_PORT to choose one), waits until the
# server answers, creates the bucket the tests use, and prints the export
# lines the tests read:
#   BULLETIN_S3_ENDPOINT  the server's URL (http://127.0.0.1:PORT)
#   BULLETIN_S3_BUCKET    a bucket on it (bulletin-test)
#
# The server keeps running in the background; its pid is in .venv-moto/server.pid
# and its log in .venv-moto/server.log. Stop it with: kill "$(cat .venv-moto/server.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-moto
bucket=bulletin-test

if [ ! -x "$venv/bin/moto_server" ] || ! "$venv/bin/python" -c 'import moto, flask' 2>/dev/null; then
  echo "s3-server.sh: installing moto[server] into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5' >&2
fi

port="${S3_PORT:-$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
url="http://127.0.0.1:$port"

nohup "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$venv/server.log" 2>&1 &
echo $! >"$venv/server.pid"

for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "$url/moto-api/" 2>/dev/null; then
    # moto accepts unsigned requests: make the bucket the tests share (each uses its own prefix).
    curl -fsS -o /dev/null -X PUT "$url/$bucket" >&2
    echo "s3-server.sh: ready at $url, bucket $bucket" >&2
    printf 'export BULLETIN_S3_ENDPOINT=%q\n' "$url"
    printf 'export BULLETIN_S3_BUCKET=%q\n' "$bucket"
    exit 0
  fi
  sleep 0.5
done
echo "s3-server.sh: the server did not answer within 60 s; its log:" >&2
cat "$venv/server.log" >&2
exit 1
