#!/usr/bin/env python3
"""Writes a database in the hourly Python daemon's schema, as its paper
broker left it, for the `tradernode import-sqlite` tests.

    make_daemon_db.py OUT.sqlite EXPECTED.json [--defect NAME]

The trading is simulated the way the daemon did it: USDT deposited, BUYs
spending a tenth of what is available, SELLs of the whole or half a
position, a 0.1% fee charged in USDT and recorded only as a transaction,
some orders cancelled or rejected, and two left open with their amounts
reserved. A second account's rows are mixed in. The same seed gives the
same file.

EXPECTED.json says what the import must give for account "acct-1": its
balances (available + reserved), and per held asset its quantity and its
average cost (the filled BUYs since the last full SELL, in USDT), and the
order and transaction counts, and the realized P&L of its sells.

--defect writes the same database broken one way (each is a case of the
integration test): missing_table, missing_column, negative_balance,
bad_side, bad_quantity, bad_status, bad_timestamp.
"""
import argparse
import json
import random
import sqlite3
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

SCHEMA = """
CREATE TABLE balances (
    account_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    available_amount REAL NOT NULL DEFAULT 0,
    reserved_amount REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, currency));
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    order_type TEXT NOT NULL,
    quantity REAL NOT NULL,
    price REAL,
    status TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    transaction_type TEXT NOT NULL,
    amount REAL NOT NULL,
    currency TEXT NOT NULL,
    description TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
"""

EIGHT = Decimal("0.00000001")
FEE_RATE = Decimal("0.001")
START_PRICES = {"BTC": 60000.0, "ETH": 3000.0, "SOL": 150.0, "BNB": 500.0}


def q8(x):
    return Decimal(x).quantize(EIGHT, rounding=ROUND_DOWN)


class Account:
    def __init__(self, db, account, capital, when):
        self.db, self.account = db, account
        self.available = {"USDT": Decimal(capital)}
        self.reserved = {}
        self.lots = {}  # asset -> [quantity, cost] since the last full SELL
        self.orders = self.transactions = 0
        self.realized = Decimal(0)  # sells over the average cost of what they sold, fees left out
        self.tx("deposit", Decimal(capital), "USDT", "initial paper capital", when)

    def tx(self, kind, amount, currency, description, when):
        self.db.execute("INSERT INTO transactions (account_id, transaction_type, amount, currency, description,"
                        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (self.account, kind, float(amount), currency, description, stamp(when)))
        self.transactions += 1

    def order(self, asset, side, qty, price, status, when):
        cur = self.db.execute("INSERT INTO orders (account_id, symbol, side, order_type, quantity, price, status,"
                              " created_at) VALUES (?, ?, ?, 'MARKET', ?, ?, ?, ?)",
                              (self.account, asset + "USDT", side, float(qty), price, status, stamp(when)))
        self.orders += 1
        return cur.lastrowid

    def buy(self, asset, price, when):
        spend = q8(self.available["USDT"] / 10)
        if spend < 10:
            return
        qty = q8(spend / Decimal(repr(price)))
        value = q8(qty * Decimal(repr(price)))
        fee = q8(value * FEE_RATE)
        oid = self.order(asset, "BUY", qty, price, "FILLED", when)
        self.available["USDT"] -= value + fee
        self.available[asset] = self.available.get(asset, Decimal(0)) + qty
        lot = self.lots.setdefault(asset, [Decimal(0), Decimal(0)])
        lot[0] += qty
        lot[1] += value
        self.tx("buy", -value, "USDT", f"order {oid}: BUY {qty} {asset}", when)
        self.tx("fee", -fee, "USDT", f"order {oid}: fee", when)

    def sell(self, asset, price, when, whole):
        held = self.available.get(asset, Decimal(0))
        qty = held if whole else q8(held / 2)
        if qty <= 0:
            return
        value = q8(qty * Decimal(repr(price)))
        fee = q8(value * FEE_RATE)
        oid = self.order(asset, "SELL", qty, price, "FILLED", when)
        self.available[asset] = held - qty
        self.available["USDT"] += value - fee
        lot = self.lots[asset]
        sold_cost = lot[1] * qty / lot[0]
        self.realized += value - sold_cost
        lot[1] -= sold_cost
        lot[0] -= qty
        if lot[0] == 0:
            lot[1] = Decimal(0)
        self.tx("sell", value, "USDT", f"order {oid}: SELL {qty} {asset}", when)
        self.tx("fee", -fee, "USDT", f"order {oid}: fee", when)

    def reserve(self, asset, side, price, when):
        """An order left open: what it needs is reserved, not spent."""
        if side == "BUY":
            qty = Decimal("0.01")
            amount, currency = q8(qty * Decimal(repr(price))), "USDT"
        else:
            qty = q8(self.available.get(asset, Decimal(0)) / 4)
            amount, currency = qty, asset
        if qty <= 0 or amount > self.available[currency]:
            return
        self.order(asset, side, qty, price, "PENDING", when)
        self.available[currency] -= amount
        self.reserved[currency] = self.reserved.get(currency, Decimal(0)) + amount

    def save(self):
        for cur in sorted(set(self.available) | set(self.reserved)):
            self.db.execute("INSERT INTO balances VALUES (?, ?, ?, ?)",
                            (self.account, cur, float(self.available.get(cur, 0)),
                             float(self.reserved.get(cur, 0))))


def stamp(when):
    # The daemon wrote both forms over its life: str(datetime) and isoformat().
    if when.hour % 2:
        return when.strftime("%Y-%m-%d %H:%M:%S")
    return when.isoformat(timespec="microseconds")


def simulate(db, account, seed, steps, start):
    rnd = random.Random(seed)
    prices = dict(START_PRICES)
    acct = Account(db, account, "10000", start)
    when = start
    for step in range(steps):
        when = start + timedelta(hours=step + 1, microseconds=123456 * (step % 3))
        asset = rnd.choice(sorted(prices))
        prices[asset] = round(prices[asset] * (1 + rnd.uniform(-0.03, 0.03)), 2)
        price = prices[asset]
        roll = rnd.random()
        if roll < 0.06:
            acct.order(asset, rnd.choice(["BUY", "SELL"]), Decimal("0.5"), price,
                       rnd.choice(["CANCELLED", "REJECTED"]), when)
        elif acct.available.get(asset, 0) > 0 and roll < 0.45:
            acct.sell(asset, price, when, whole=rnd.random() < 0.6)
        else:
            acct.buy(asset, price, when)
    acct.reserve("ETH", "BUY", prices["ETH"], when + timedelta(minutes=5))
    acct.reserve("BTC", "SELL", prices["BTC"], when + timedelta(minutes=6))
    acct.save()
    return acct


def expected(acct):
    balances = {c: format(q8(acct.available.get(c, 0) + acct.reserved.get(c, 0)), ".8f")
                for c in set(acct.available) | set(acct.reserved)}
    held = {a: {"quantity": format(q8(lot[0]), ".8f"), "cost": format(q8(lot[1]), ".8f")}
            for a, lot in acct.lots.items() if lot[0] > 0}
    return {"balances": balances, "held": held, "orders": acct.orders, "transactions": acct.transactions,
            "realized": format(q8(acct.realized), ".8f")}


def break_it(db, defect):
    if defect == "missing_table":
        db.execute("DROP TABLE transactions")
    elif defect == "missing_column":
        db.execute("ALTER TABLE orders DROP COLUMN price")
    elif defect == "negative_balance":
        db.execute("UPDATE balances SET available_amount = -5 WHERE account_id = 'acct-1' AND currency = 'SOL'")
    elif defect == "bad_side":
        db.execute("UPDATE orders SET side = 'HOLD' WHERE id = 7")
    elif defect == "bad_quantity":
        db.execute("UPDATE orders SET quantity = 'lots' WHERE id = 9")
    elif defect == "bad_status":
        db.execute("UPDATE orders SET status = 'MAYBE' WHERE id = 11")
    elif defect == "bad_timestamp":
        db.execute("UPDATE orders SET created_at = '01/03/2024 12:00' WHERE id = 13")
    elif defect:
        raise SystemExit(f"unknown defect {defect}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("expected")
    ap.add_argument("--defect", default="")
    ap.add_argument("--steps", type=int, default=320)
    args = ap.parse_args()
    db = sqlite3.connect(args.out)
    db.executescript(SCHEMA)
    start = datetime(2024, 3, 1, 0, 0, 0)
    acct = simulate(db, "acct-1", 21, args.steps, start)
    simulate(db, "other", 5, 40, start)
    break_it(db, args.defect)
    db.commit()
    db.close()
    with open(args.expected, "w") as f:
        json.dump(expected(acct), f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
