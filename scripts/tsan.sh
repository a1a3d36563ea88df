#!/usr/bin/env bash
# The test suite under ThreadSanitizer, in its own build dir, build-tsan/
# (clang, release optimisation, frame pointers, line tables). For the actor
# code above all: CAF's workers, the control thread, the signal thread, the
# detached fetchers and deliverer, and the store they share.
#   scripts/tsan.sh [meson test args...]      default: the whole suite
# It links CAF built with TSan too (scripts/tsan_caf.sh, from Debian's
# source of the same 0.17.6): against Debian's uninstrumented libcaf_core.so
# TSan cannot see the hand-over of a message from one worker to another
# (lock-free atomics inside the library) and reports every message's bytes
# as a race. scripts/tsan.supp: what is left uninstrumented (libzmq).
# Prints `tsan: tests: N passed, N failed` and `tsan: build Ns, tests Ns, ok|FAILED`.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-tsan
caf=$(scripts/tsan_caf.sh) || { echo "tsan: building CAF with TSan FAILED"; exit 1; }
if [ ! -f $dir/build.ninja ]; then
  CXX=clang++ meson setup $dir --buildtype=release -Db_sanitize=thread -Db_lundef=false \
    -Dcpp_args="-fno-omit-frame-pointer -gline-tables-only" -Dcaf_prefix="$caf" >/dev/null || exit 1
else
  meson setup --reconfigure $dir -Dcaf_prefix="$caf" >/dev/null || exit 1
fi
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
start=$(date +%s)
ninja -C $dir -j2 || { echo "tsan: build FAILED"; exit 1; }
built=$(date +%s)
meson test -C $dir --no-rebuild --print-errorlogs --num-processes 2 --timeout-multiplier 6 "$@"
status=$?
done_at=$(date +%s)
echo -n "tsan: "
python3 scripts/count_tests.py $dir/meson-logs/testlog.json || status=1
echo "tsan: build $((built - start))s, tests $((done_at - built))s, $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
