#!/usr/bin/python3
"""Seed corpora for the fuzz targets (fuzz/), from the project's real data:
data/ CSV files (first lines), data/api-samples/ recorded API answers,
config/*.toml, and the msgpack shapes traderctl, the publisher and storage
write (field names as in messages/*.hpp and storage/format.hpp).
Usage: fuzz_seeds.py SOURCE_DIR OUT_DIR  (writes OUT_DIR/<target>/seed-*)."""
import glob
import os
import sys

import msgpack

src, out = sys.argv[1], sys.argv[2]


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def pack(obj):
    return msgpack.packb(obj, use_bin_type=True)


# control: what traderctl sends, one per command.
for cmd, args in [("status", {}), ("pause", {"entries_only": "1"}), ("resume", {}),
                  ("positions", {}), ("profit", {}), ("daily", {"days": "7"}), ("health", {}),
                  ("run-now", {}), ("stop", {}), ("replay", {"from_seq": "1", "max": "100"}),
                  ("verify", {}), ("send-test-email", {})]:
    put("control", cmd, pack({"v": 1, "id": "ctl-1", "command": cmd, "args": args}))

order = {"order_id": "BTCUSDT:1d:1700000000000:BUY", "account": "paper", "symbol": "BTCUSDT",
         "base": "BTC", "quote": "USDT", "timeframe": "1d", "side": "BUY",
         "bar_open_time_ms": 1699920000000, "decided_at_ms": 1700006400000, "price": 37000.5,
         "quote_amount": 100000000000, "reason": "close 2% above SMA(20)"}
result = {"request": order, "filled": True, "reject_reason": "", "quantity": 270266,
          "value": 99998420, "fee": 99998, "quote_after": 9899901582, "base_after": 270266,
          "event_seq": 7, "duplicate": False}
trade = {"order_id": order["order_id"], "account": "paper", "symbol": "BTCUSDT", "timeframe": "1d",
         "side": "BUY", "bar_open_time_ms": 1699920000000, "decided_at_ms": 1700006400000,
         "price": 37000.5, "quantity": "0.00270266", "value": "99.99842000", "fee": "0.09999800",
         "quote_after": "98.99901582", "base_after": "0.00270266", "reason": "breakout",
         "reject_reason": ""}
for i, (typ, body) in enumerate([("trade.fill", trade), ("node.paused", {"reason": "control"}),
                                 ("signal", {"symbol": "BTCUSDT", "timeframe": "1d", "side": "BUY"})]):
    put("envelope", typ, pack({"v": 1, "seq": i + 1, "ts_ns": 1700006400000000000,
                               "node": "node-1", "type": typ, "body": body}))
# A replay reply body (array of envelopes) also goes to the control target.
put("control", "replay-body", pack([pack({"v": 1, "seq": 1, "ts_ns": 1, "node": "n",
                                          "type": "node.paused", "body": {"reason": "x"}})]))

put("records", "account", b"\x00" + pack({"quote": "USDT", "starting_capital": 1000000000000}))
put("records", "recommendation", b"\x01" + pack({"rec": {"id": "2024-01-02:SPY", "symbol": "SPY"},
                                                  "status": "open", "exit": {}, "event_seq": 3,
                                                  "exit_event_seq": 0}))
put("records", "outbox", b"\x02" + pack({"id": 1, "channel": "telegram", "type": "trade.fill",
                                         "event_seq": 7, "queued_ms": 1700006400000, "payload": ""}))
put("records", "order", b"\x03" + pack(result))
put("records", "balance", b"\x04" + pack(9899901582))

for path in sorted(glob.glob(os.path.join(src, "data", "**", "*.csv"), recursive=True)):
    with open(path) as f:
        head = "".join(f.readlines()[:40])
    put("csv_bars", os.path.basename(path), head)

for path in sorted(glob.glob(os.path.join(src, "config", "*.toml"))):
    put("config", os.path.basename(path), open(path, "rb").read())

# market: first byte = parser (0 klines, 1 ticker, 2 polygon aggs, 3 polygon
# prev, 4 alpha vantage) + status class (bits 3-5: 0 = 200, 3 = 429, 4 = 418).
samples = os.path.join(src, "data", "api-samples")
pick = {"binance/klines": 0, "binance/ticker": 1, "binance/error-1121": 0, "binance/error-1003-weight": 0 | 3 << 3,
        "binance/error-1003-ip": 1 | 4 << 3, "polygon/aggs-AAPL-range": 2, "polygon/aggs-AAPL-prev": 3,
        "alphavantage/": 4}
for path in sorted(glob.glob(os.path.join(samples, "*", "*.json"))):
    rel = os.path.relpath(path, samples)
    body = open(path, "rb").read()
    if rel.startswith("telegram/"):
        status = 0 if "success" in rel else 1 if "429" in rel else 2 if "400" in rel else 3
        put("telegram", os.path.basename(rel), bytes([status]) + body)
        continue
    for prefix, sel in pick.items():
        if rel.startswith(prefix):
            put("market", rel.replace("/", "-"), bytes([sel]) + body)
