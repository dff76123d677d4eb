#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/CMakeLists.txt: clang, ASan + UBSan) into build-fuzz and runs
# each for SECONDS (default 30). Exits non-zero at the first crash, leak, sanitizer report, broken
# invariant or escaped exception, after printing the input that caused it.
#
#   fuzz/run.sh            # 30 s a target
#   fuzz/run.sh 3600       # a long run: an hour a target
#   FUZZ_TARGETS="csv npy" fuzz/run.sh 600    # some targets only
#   FUZZ_JOBS=2 fuzz/run.sh 3600              # two fuzzing processes a target (on 2 cores)
#   FUZZ_SEED=1 FUZZ_RUNS=20000 fuzz/run.sh   # CI: a fixed seed and a fixed number of inputs a
#                                             # target, so every CI run executes exactly the same
#                                             # inputs (a time budget would make the count, and so
#                                             # what is explored, depend on the machine's speed)
#
# Inputs that found new code are kept in build-fuzz/corpus/<target>/ (seeded from
# fuzz/corpus/<target>/, which is read-only here); a long run can add the best of them to
# fuzz/corpus/ with `build-fuzz/fuzz_<target> -merge=1 fuzz/corpus/<target> build-fuzz/corpus/<target>`.
# A crash is written to build-fuzz/artifacts/<target>-crash-<sha1>: copy it to
# tests/fuzz/regressions/<target>/ (the replay test then runs it in every build), fix the bug, and
# check with `build-fuzz/fuzz_<target> tests/fuzz/regressions/<target>/<file>`.
set -euo pipefail
seconds=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=${FUZZ_TARGETS:-csv npy model_file init_weights flags}
jobs=${FUZZ_JOBS:-1}
seed=${FUZZ_SEED:-}
runs=${FUZZ_RUNS:-}

mkdir -p "$build"
cmake -S "$root/fuzz" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $(printf 'fuzz_%s ' $targets)

mkdir -p "$build/artifacts"
# Leaks are bugs too; ASan's report aborts.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for target in $targets; do
  mkdir -p "$build/corpus/$target"
  if [[ -n $runs ]]; then echo "== fuzz_$target: $runs inputs"; else echo "== fuzz_$target: ${seconds}s"; fi
  extra=()
  [[ -f "$root/fuzz/dict/$target.dict" ]] && extra+=(-dict="$root/fuzz/dict/$target.dict")
  [[ $jobs -gt 1 ]] && extra+=(-fork="$jobs")
  [[ -n $seed ]] && extra+=(-seed="$seed")
  # With FUZZ_RUNS the time limit is only a backstop (10x the usual budget).
  if [[ -n $runs ]]; then extra+=(-runs="$runs" -max_total_time=$((seconds * 10))); else extra+=(-max_total_time="$seconds"); fi
  if ! "$build/fuzz_$target" "${extra[@]}" \
       -timeout=20 -rss_limit_mb=2048 -max_len=65536 -close_fd_mask=3 -print_final_stats=1 \
       -artifact_prefix="$build/artifacts/$target-" \
       "$build/corpus/$target" "$root/fuzz/corpus/$target" 2> "$build/fuzz_$target.log"; then
    tail -n 60 "$build/fuzz_$target.log"
    echo "fuzz_$target FAILED; the input is in $build/artifacts/ (copy it to tests/fuzz/regressions/$target/)" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ *DONE' "$build/fuzz_$target.log" || true
done
if [[ -n $runs ]]; then echo "fuzzing: every target ran $runs inputs without a finding"; else echo "fuzzing: every target ran ${seconds}s without a finding"; fi
