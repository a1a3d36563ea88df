#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its
# own build dir, build-sanitize/ (scripts/sanitize_setup.sh: clang, with
# libFuzzer's coverage hooks, so the same build holds the fuzz targets).
#   scripts/sanitize.sh [meson test args...]    default: every suite
#   scripts/sanitize.sh --suite unit
#   scripts/sanitize.sh fuzz_regressions core_messages   # some tests by name
# Any sanitizer report fails the test that made it (halt_on_error, and ASan
# aborts). Prints the build and test times, then the Boost.Test case counts
# as `sanitize: tests: N passed, N failed`, and last
# `sanitize: build Ns, tests Ns, ok|FAILED`.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-sanitize
scripts/sanitize_setup.sh || exit 1
# CAF and the other Debian libraries are not instrumented: ASan's container
# overflow check needs every user of a container instrumented, so it is off.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:detect_container_overflow=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Leaks CAF's middleman leaves at exit when a peer is lost: scripts/lsan.supp.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
# Build only what the chosen tests run: the test executables of the suite
# named (and the binaries they start), or everything.
# Build only what the chosen tests run: the executables of the suite or the
# tests named, and the binaries they start (their meson `depends`). With no
# argument, everything (the fuzz targets too).
suite=""
names=()
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --suite) j=$((i + 1)); suite=${!j} ;;
    --no-suite | --timeout-multiplier | --num-processes) i=$((i + 1)) ;;  # their value is no test name
    -*) ;;
    *) [ "${!i}" != "$suite" ] && names+=("${!i}") ;;  # a test by name
  esac
done
targets=()
if [ ${#names[@]} -gt 0 ] || { [ -n "$suite" ] && [ "$suite" != "integration" ]; }; then
  mapfile -t targets < <(/usr/bin/python3 - "$dir" "$suite" "${names[@]}" <<'PY'
import json, os, subprocess, sys
b, suite, names = os.path.realpath(sys.argv[1]), sys.argv[2], set(sys.argv[3:])
intro = lambda what: json.loads(subprocess.check_output(["meson", "introspect", b, what]))
files = {t["id"]: t["filename"][0] for t in intro("--targets")}
for t in intro("--tests"):
    if t["name"] in names or (suite and any(s.split(":")[-1] == suite for s in t["suite"])):
        print(os.path.relpath(t["cmd"][0], b))
        for d in t["depends"]:
            if d in files:
                print(os.path.relpath(files[d], b))
PY
)
fi
start=$(date +%s)
ninja -C $dir -j2 "${targets[@]}" || { echo "sanitize: build FAILED"; exit 1; }
built=$(date +%s)
# Sanitized code runs 2-5x slower: give every test's timeout room.
meson test -C $dir --no-rebuild --print-errorlogs --num-processes 2 --timeout-multiplier 4 "$@"
status=$?
done_at=$(date +%s)
echo -n "sanitize: "
python3 scripts/count_tests.py $dir/meson-logs/testlog.json || status=1
echo "sanitize: build $((built - start))s, tests $((done_at - built))s, $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
