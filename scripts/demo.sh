#!/usr/bin/env bash
# The newcomer's first run: install, build, and run the node on the bundled
# real Binance data (a backtest of BTCUSDT and ETHUSDT, 2017-2022).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ninja -C build tools/tradernode tools/tradersub
out=${1:-out/demo}
build/tools/tradernode backtest --config config/backtest.toml --out "$out" --verbose
echo
echo "demo: results in $out (trades.csv, signals.csv, equity.csv, summary.json):"
cat "$out/summary.json"
