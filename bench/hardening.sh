#!/usr/bin/env bash
# bench/hardening.sh: what hardening costs, for the record (never asserted).
#  1. The sanitizer build (build-sanitize/: clang, ASan+UBSan, libFuzzer
#     coverage hooks; scripts/sanitize.sh makes it) against the release
#     build (build/), same run, same workloads:
#       - a backtest of the bundled data (config/backtest.toml: the actor
#         pipeline, LMDB, CAF), best of 3;
#       - the unit suite (meson test --suite unit), once;
#       - the compile time each build took (sum of job times in .ninja_log).
#  2. Every fuzz target's executions per second (tools/fuzz SECONDS).
#   bench/hardening.sh [FUZZ_SECONDS]      default 10 per target
# Both builds must exist (scripts/test.sh, scripts/sanitize.sh build them).
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rel=build san=build-sanitize
for d in $rel $san; do
  [ -x $d/tools/tradernode ] || { echo "hardening: $d/tools/tradernode missing (build it first)"; exit 1; }
done
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
best_backtest() {  # best wall time of 3 backtests with the given build
  local best=""
  for i in 1 2 3; do
    rm -rf "$tmp/out"
    local t0; t0=$(now)
    "$1/tools/tradernode" backtest --config config/backtest.toml --out "$tmp/out" >/dev/null 2>&1 ||
      { echo "hardening: backtest failed in $1" >&2; return 1; }
    local t; t=$(echo "$(now) - $t0" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
unit_suite() {
  local t0; t0=$(now)
  meson test -C "$1" --no-rebuild --suite unit --num-processes 2 --timeout-multiplier 4 >/dev/null 2>&1 ||
    { echo "hardening: unit suite failed in $1" >&2; return 1; }
  echo "$(now) - $t0" | bc
}
compile_s() {  # sum of the last run of every job in the build log (CPU-ish seconds)
  awk -F'\t' '!/^#/ { d[$4] = ($2 - $1) / 1000 } END { for (k in d) s += d[k]; printf "%.0f", s }' \
    "$1/.ninja_log"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (a > 0 ? b / a : 0) }'; }

echo "bench/hardening: sanitizer build ($san: clang ASan+UBSan+coverage hooks) vs release ($rel)"
bt_rel=$(best_backtest $rel) && bt_san=$(best_backtest $san) || exit 1
printf "  backtest config/backtest.toml (best of 3)  release %6.2f s  sanitized %6.2f s  cost %s\n" \
  "$bt_rel" "$bt_san" "$(ratio "$bt_rel" "$bt_san")"
us_rel=$(unit_suite $rel) && us_san=$(unit_suite $san) || exit 1
printf "  unit suite (meson test --suite unit)      release %6.1f s  sanitized %6.1f s  cost %s\n" \
  "$us_rel" "$us_san" "$(ratio "$us_rel" "$us_san")"
c_rel=$(compile_s $rel) c_san=$(compile_s $san)
printf "  compile jobs, summed (.ninja_log)         release %6d s  sanitized %6d s  cost %s\n" \
  "$c_rel" "$c_san" "$(ratio "$c_rel" "$c_san")"
echo "fuzz targets, $secs s each (tools/fuzz):"
tools/fuzz "$secs" | sed 's/^/  /'
