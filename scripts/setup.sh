#!/usr/bin/env bash
# Installs what tradernode needs on Debian 12 (as root, or with sudo), then
# configures the build folder. Safe to run again: it installs only what is
# missing and reuses an existing build folder.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ meson ninja-build pkg-config
  libcaf-dev                      # C++ Actor Framework 0.17 (caf_core, caf_io)
  libzmq3-dev cppzmq-dev          # ZeroMQ + its C++ binding
  libmsgpack-cxx-dev              # msgpack-c (C++)
  liblmdb-dev                     # LMDB
  libsqlite3-dev                  # reading the hourly daemon's database (tradernode import-sqlite)
  libboost-test-dev               # Boost.Test
  libtomlplusplus-dev             # config (TOML)
  libcli11-dev                    # command lines
  nlohmann-json3-dev              # JSON output
  libspdlog-dev libfmt-dev        # logging and formatting
  libhowardhinnant-date-dev tzdata  # time zones for cron jobs (date/tz.h, system tzdata)
  python3-zmq python3-msgpack     # the README's Python subscriber example (tested)
  libcurl4-openssl-dev            # HTTP(S) to exchanges, Telegram; SMTP
  libcpp-httplib-dev              # loopback test servers speaking the providers' protocols
  python3-aiosmtpd                # loopback SMTP server for the email tests
  libssl-dev                      # SHA-256 (libcrypto) for the event log hash chain
  libkainjow-mustache-dev         # message and report templates
  openssl                         # CLI: throwaway certificates in the cluster TLS test (tests/integration/cluster_test.cpp)
  clang libclang-rt-14-dev        # libFuzzer + sanitizer runtimes for fuzz/ (tools/fuzz)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=release
fi
