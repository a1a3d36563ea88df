#!/usr/bin/env bash
# Install, build and run every test. Prints, last, a line
#   tests: N passed, N failed
# counting Boost.Test cases across all suites (a suite that crashes before
# its report counts as one failure).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
ninja -C build || { echo "tests: 0 passed, 1 failed"; exit 1; }
meson test -C build --print-errorlogs --num-processes 2 "$@"
status=$?
python3 scripts/count_tests.py build/meson-logs/testlog.json
counted=$?
[ $status -eq 0 ] && [ $counted -eq 0 ]
