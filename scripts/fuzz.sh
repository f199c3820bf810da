#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Builds every target in fuzz/, then runs each (or only those named) for
# SECONDS_PER_TARGET seconds (default 60), one at a time on one core, starting
# from the committed seeds in fuzz/seeds/<target>/ and the working corpus in
# fuzz/corpus/<target>/ (git-ignored, kept between runs). Prints one summary
# line per target and exits non-zero if any target found a crash, a timeout or
# an out-of-memory input; those inputs are in fuzz/artifacts/<target>/, and each
# summary line is also appended to fuzz/artifacts/history.log.
#
# cargo-fuzz needs nightly-only compiler flags; RUSTC_BOOTSTRAP=1 lets the
# stable toolchain accept them. Targets are built optimised with debug assertions
# and overflow checks. The crate forbids unsafe code, so AddressSanitizer is off by
# default (it halves the speed); FUZZ_SANITIZER=address turns it back on.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
all_targets=(ingest audio_decode template config)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

case $seconds in
    '' | *[!0-9]*) echo "fuzz.sh: SECONDS_PER_TARGET must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install --locked cargo-fuzz
fi

# Longest input per target: articles and WAV files need room, templates less.
max_len() {
    case $1 in
        ingest | audio_decode) echo 16384 ;;
        config) echo 8192 ;;
        *) echo 4096 ;;
    esac
}

sanitizer=${FUZZ_SANITIZER:-none}
cargo fuzz build --sanitizer "$sanitizer"

status=0
summaries=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    log="fuzz/artifacts/$target/last-run.log"
    before=$(find "fuzz/artifacts/$target" -type f ! -name '*.log' | wc -l)
    set +e
    cargo fuzz run --sanitizer "$sanitizer" "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -max_len="$(max_len "$target")" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    # libFuzzer says how long it ran when it finishes; after a crash, estimate it.
    elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n1)
    if [ -z "$elapsed" ]; then
        rate=$(grep -Eo 'exec/s: [0-9]+' "$log" | tail -n1 | grep -Eo '[0-9]+' || true)
        elapsed="~$(( ${runs:-0} / ${rate:-1} ))"
        [ "${rate:-0}" -gt 0 ] || elapsed="~0"
    fi
    after=$(find "fuzz/artifacts/$target" -type f ! -name '*.log' | wc -l)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n1)
    found=$((after - before))
    line="$target: ${runs:-?} runs in ${elapsed}s, ${cov:-no coverage line}, new findings: $found"
    if [ $rc -ne 0 ] || [ $found -gt 0 ]; then
        status=1
        line="$line (exit $rc; see $log)"
        grep -E '^(==[0-9]+==|SUMMARY|thread .* panicked|Failing input)' "$log" | head -n5 >&2 || true
    fi
    summaries+=("$line")
    echo "$line"
    # A running record, to add up how long each target has been fuzzed.
    echo "$(date -u +%FT%TZ) $line" >>fuzz/artifacts/history.log
done

echo "--- summary"
printf '%s\n' "${summaries[@]}"
exit $status
