#!/usr/bin/env bash
# The newcomer's first run: install, build, and run the node on the bundled
# real Binance data: a replay of five coins' daily bars (2017-2022) through
# the live node's actors and schedule, one bar close every 20 ms (~40 s).
# Meanwhile, in another terminal:  build/tools/tradersub   or
# build/tools/traderctl status | positions | profit | pause | resume | stop
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ninja -C build tools/tradernode tools/tradersub tools/traderctl
# A fresh ledger each time (a node restarted on the same one resumes instead).
rm -rf out/replay-demo.lmdb
mkdir -p out
build/tools/tradernode run --config config/replay.toml
