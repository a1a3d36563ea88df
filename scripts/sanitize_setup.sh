#!/usr/bin/env bash
# Configures build-sanitize/ if it is not yet: clang, ASan+UBSan, release
# optimisation with frame pointers and line tables (readable reports), and
# libFuzzer's coverage hooks in every library (-Dfuzz=true) so one build
# serves the sanitized test suite (scripts/sanitize.sh) and the fuzz
# targets (tools/fuzz). b_lundef=false: the sanitizer runtimes resolve some
# symbols at load time.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-sanitize
[ -f $dir/build.ninja ] && exit 0
CXX=clang++ meson setup $dir --buildtype=release -Dfuzz=true \
  -Db_sanitize=address,undefined -Db_lundef=false \
  -Dcpp_args="-fno-omit-frame-pointer -gline-tables-only" >/dev/null
