#!/usr/bin/env bash
# The unit suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its
# own build dir (build-asan/, g++, release optimisation + frame pointers).
#   scripts/sanitize.sh [meson test args...]    default: --suite unit
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
start=$(date +%s)
ninja -C $dir -j2 || { echo "sanitize: build FAILED"; exit 1; }
built=$(date +%s)
[ $# -eq 0 ] && set -- --suite unit
# Sanitized code runs 2-5x slower: give every test's timeout room.
meson test -C $dir --print-errorlogs --num-processes 2 --timeout-multiplier 4 "$@"
status=$?
done_at=$(date +%s)
echo "sanitize: build $((built - start))s, tests $((done_at - built))s, $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
