#!/usr/bin/env bash
# Shows that a change left the bundled configs' results alone: runs, with the
# tools of one build folder,
#   1. the MA-distance backtest of config/backtest.toml,
#   2. the breakout backtest of the bundled daily data (crypto: the five
#      coins of config/replay.toml; equity: AAPL and MSFT; the bundled SPY file has a bar
#      the CSV checks refuse, so the benchmark is left out),
#   3. the replay demo (config/replay.toml) flat out, to the end, on a fresh
#      ledger,
# and prints one SHA-256 per output: the CSV files and summaries as written
# (summary.json without its two timing fields) and the replay's ledger tables
# (balances, orders, transactions, node state, recommendations; the event log
# carries wall-clock stamps and is left out).
#
#   scripts/same_outputs.sh BUILD_DIR OUT_DIR > manifest.txt
#   diff <(scripts/same_outputs.sh old/build /tmp/a) <(scripts/same_outputs.sh build /tmp/b)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
out=$2
command -v mdb_dump >/dev/null || { echo "same_outputs: needs mdb_dump (apt-get install lmdb-utils)" >&2; exit 2; }
rm -rf "$out" && mkdir -p "$out"
node="$build/tools/tradernode"

hash_files() {  # label, files...
  local label=$1; shift
  for f in "$@"; do
    if [[ $f == *summary.json ]]; then
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [d.pop(k,None) for k in ("seconds","bars_per_sec")]; print(json.dumps(d,sort_keys=True))' "$f" | sha256sum | sed "s|-|$label/$(basename "$f")|"
    else
      sha256sum "$f" | sed "s|$(dirname "$f")/|$label/|"
    fi
  done
}

# 1. MA-distance backtest
"$node" backtest --config "$src/config/backtest.toml" --out "$out/backtest" --quiet
hash_files backtest "$out"/backtest/{trades,signals,equity}.csv "$out/backtest/summary.json"

# 2. breakout backtest, both asset classes
cfg="$out/breakout.toml"
sed -e "s|\"\.\./data/|\"$src/data/|" "$src/config/replay.toml" > "$cfg"
cat >> "$cfg" <<'EOF'

[strategies.breakout.crypto]
universe = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"]

[strategies.breakout.equity]
universe = ["AAPL", "MSFT"]
EOF
"$node" backtest --strategy breakout --config "$cfg" --out "$out/breakout" --quiet \
  --data "AAPL:1d=$src/data/equities/AAPL-1d.csv" --data "MSFT:1d=$src/data/equities/MSFT-1d.csv"
for class in crypto equity; do
  hash_files "breakout/$class" "$out/breakout/$class"/breakout_{trades,equity}.csv \
    "$out/breakout/$class/breakout_summary.json"
done

# 3. the replay demo, flat out, to the end
cfg="$out/replay.toml"
sed -e "s|\"\.\./data/|\"$src/data/|" -e 's|^replay_interval_ms = .*|replay_interval_ms = 0|' \
    -e "s|^db_path = .*|db_path = \"$out/replay.lmdb\"|" -e 's|^at_end = .*|at_end = "exit"|' \
    "$src/config/replay.toml" > "$cfg"
(cd "$out" && "$node" run --config "$cfg" --quiet > "$out/replay.log" 2>&1)
for table in accounts_v1 balances_v1 orders_v1 transactions_v1 node_state_v1 recommendations_v1; do
  if mdb_dump -s "$table" "$out/replay.lmdb" > "$out/replay-$table.dump" 2>/dev/null; then
    hash_files replay "$out/replay-$table.dump"
  else
    echo "(no table)  replay/$table"
  fi
done
