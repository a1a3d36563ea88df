#!/usr/bin/env bash
# The unit suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its
# own build dir (build-asan/, g++, release optimisation + frame pointers).
#   scripts/sanitize.sh [meson test args...]    default: --suite unit
#   scripts/sanitize.sh fuzz_regressions core_messages   # some tests by name
# Any sanitizer report fails the test that made it (halt_on_error). Prints
# the build and test times and, last, `sanitize: build Ns, tests Ns, ok|FAILED`.
# b_lundef=false: the sanitizer runtimes resolve some symbols at load time.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-asan
if [ ! -f $dir/build.ninja ]; then
  meson setup $dir --buildtype=release -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args=-fno-omit-frame-pointer >/dev/null || exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
[ $# -eq 0 ] && set -- --suite unit
# Build only what the chosen tests run (not tools or benches the unit suite
# never starts): the test executables of the suites named, or everything.
suite=""
targets=()
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --suite) j=$((i + 1)); suite=${!j} ;;
    -*) ;;
    *) [ "${!i}" != "$suite" ] && targets+=("tests/test_${!i}") ;;  # a test by name
  esac
done
if [ -n "$suite" ] && [ "$suite" != "integration" ]; then
  mapfile -t targets < <(/usr/bin/python3 - "$dir" "$suite" <<'PY'
import json, os, subprocess, sys
b, suite = os.path.abspath(sys.argv[1]), sys.argv[2]
intro = lambda what: json.loads(subprocess.check_output(["meson", "introspect", b, what]))
files = {t["id"]: t["filename"][0] for t in intro("--targets")}
for t in intro("--tests"):
    if any(s.split(":")[-1] == suite for s in t["suite"]):
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
echo "sanitize: build $((built - start))s, tests $((done_at - built))s, $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
