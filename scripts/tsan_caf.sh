#!/usr/bin/env bash
# CAF 0.17.6 built with -fsanitize=thread, for scripts/tsan.sh.
# Why: TSan only sees the hand-over of a message between CAF's workers when
# the library that does it is instrumented too; against Debian's
# libcaf_core.so every message looks like a race. So we build the very
# source Debian builds its libcaf-dev from (the orig tarball from Debian's
# archive, checked against the SHA-256 in its .dsc) with clang and TSan, and
# install it under build-tsan-caf/prefix. Nothing of it is committed.
#   scripts/tsan_caf.sh            build once (about 10 minutes on 2 cores)
# Prints the prefix on success. Needs cmake and clang (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD/build-tsan-caf
prefix=$root/prefix
if [ -f "$prefix/lib/libcaf_core.so" ] && [ -f "$prefix/lib/libcaf_io.so" ]; then
  echo "$prefix"; exit 0
fi
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
tarball=actor-framework_0.17.6.orig.tar.gz
sha256=e2bf5bd243f08bb7d8adde197cfe3e6d71314ed3378fe0692f8932f4c3b3928c  # from actor-framework_0.17.6-2.1.dsc
mkdir -p "$root"
if [ ! -f "$root/$tarball" ]; then
  curl -fsS --max-time 300 -o "$root/$tarball.part" "$mirror/pool/main/a/actor-framework/$tarball"
  mv "$root/$tarball.part" "$root/$tarball"
fi
echo "$sha256  $root/$tarball" | sha256sum -c --quiet - || { rm -f "$root/$tarball"; echo "tsan_caf: checksum mismatch" >&2; exit 1; }
rm -rf "$root/src" "$root/obj"
mkdir -p "$root/src" "$root/obj"
tar -xzf "$root/$tarball" -C "$root/src" --strip-components=1
# 0.17.6 relies on <limits> coming in through other headers, which newer
# libstdc++ no longer does (Debian patches the same); add the include.
for f in libcaf_io/caf/io/network/receive_buffer.hpp libcaf_io/src/io/network/datagram_handler.cpp \
         libcaf_io/src/io/network/test_multiplexer.cpp; do
  sed -i '0,/^#include/s//#include <limits>\n#include/' "$root/src/$f"
done
# CAF's own switches: no examples, tests, tools, Python or OpenCL; keep
# libstdc++ (clang would otherwise pick libc++, an ABI our code does not use).
cmake -S "$root/src" -B "$root/obj" -G Ninja \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer -gline-tables-only" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
  -DCAF_NO_EXAMPLES=yes -DCAF_NO_UNIT_TESTS=yes -DCAF_NO_TOOLS=yes \
  -DCAF_NO_PYTHON=yes -DCAF_NO_OPENCL=yes -DCAF_NO_AUTO_LIBCPP=yes \
  -DCAF_NO_SUMMARY=yes >/dev/null
ninja -C "$root/obj" -j2 >/dev/null
ninja -C "$root/obj" install >/dev/null
echo "$prefix"
