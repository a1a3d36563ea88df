#!/usr/bin/env bash
# A short fuzz run for CI: every target (fuzz/) for SECONDS each (default 15)
# on its seed corpus plus what earlier runs kept (build-sanitize/corpus/). The
# crash inputs found so far are checked by the unit suite fuzz_regressions.
# Builds the fuzz targets in build-sanitize/ first if needed (clang; minutes on
# 2 cores). Exit status non-zero when a target finds anything.
#   scripts/fuzz_smoke.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
tools/fuzz "${1:-15}"
status=$?
echo "fuzz smoke: $(( $(date +%s) - start ))s, $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
