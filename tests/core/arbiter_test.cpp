#define BOOST_TEST_MODULE core_arbiter
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "actors/arbiter/arbiter_core.hpp"

using namespace tn;

namespace {
constexpr int64_t H = 3600000;
constexpr int64_t D = 24 * H;
// Streams: 0 BTC 1d, 1 BTC 4h, 2 BTC 1h, 3 ETH 1d
std::vector<StreamMeta> streams() {
  auto m = [](std::string sym, std::string base, std::string tf, int64_t tf_ms, double alloc) {
    return StreamMeta{sym, base, "USDT", tf, tf_ms, 20, -5.0, 5.0, alloc};
  };
  return {m("BTCUSDT", "BTC", "1d", D, 0.30), m("BTCUSDT", "BTC", "4h", 4 * H, 0.20),
          m("BTCUSDT", "BTC", "1h", H, 0.10), m("ETHUSDT", "ETH", "1d", D, 0.30)};
}
Candidate cand(uint32_t stream, uint8_t side, int64_t tf_ms, double price = 100) {
  return Candidate{stream, D - tf_ms, D, side, price, 105, side == kSideBuy ? -6.0 : 6.0};
}
Book book(Amount usdt, Amount btc = 0) {
  Book b;
  b.quote = usdt;
  if (btc) b.base["BTC"] = btc;
  return b;
}
}  // namespace

BOOST_AUTO_TEST_CASE(sell_without_position_is_not_a_signal) {
  ArbiterCore a(streams(), "acct");
  auto plan = a.plan_instant({cand(0, kSideSell, D)}, book(10000 * kAmountScale), PauseMode::running);
  BOOST_TEST(plan.empty());
  plan = a.plan_instant({cand(0, kSideSell, D)}, book(0, kAmountScale), PauseMode::running);
  BOOST_REQUIRE(plan.size() == 1u);
  BOOST_TEST(!plan[0].dropped);
}

BOOST_AUTO_TEST_CASE(sell_before_buy_then_larger_timeframe_first) {
  ArbiterCore a(streams(), "acct");
  // ETH 1d BUY, BTC 1h BUY, BTC 4h BUY, and (holding BTC) nothing opposite.
  auto plan = a.plan_instant({cand(2, kSideBuy, H), cand(3, kSideBuy, D), cand(1, kSideBuy, 4 * H)},
                             book(10000 * kAmountScale), PauseMode::running);
  BOOST_REQUIRE(plan.size() == 3u);
  BOOST_TEST(plan[0].candidate.stream == 3u);  // 1d (ETH)
  BOOST_TEST(plan[1].candidate.stream == 1u);  // 4h
  BOOST_TEST(plan[2].candidate.stream == 2u);  // 1h
  // A SELL of ETH (held) goes before every BUY, even a larger-timeframe one.
  Book b = book(10000 * kAmountScale);
  b.base["ETH"] = 5 * kAmountScale;
  plan = a.plan_instant({cand(0, kSideBuy, D), cand(3, kSideSell, D)}, b, PauseMode::running);
  BOOST_REQUIRE(plan.size() == 2u);
  BOOST_TEST(plan[0].candidate.stream == 3u);
  BOOST_TEST(plan[0].candidate.side == kSideSell);
}

BOOST_AUTO_TEST_CASE(opposite_signal_on_larger_timeframe_drops_the_smaller) {
  ArbiterCore a(streams(), "acct");
  // Holding BTC: 1d SELL vs 1h BUY -> the 1h BUY is dropped.
  auto plan = a.plan_instant({cand(2, kSideBuy, H), cand(0, kSideSell, D)},
                             book(1000 * kAmountScale, kAmountScale), PauseMode::running);
  BOOST_REQUIRE(plan.size() == 2u);
  BOOST_TEST(plan[0].candidate.stream == 0u);
  BOOST_TEST(!plan[0].dropped);
  BOOST_TEST(plan[1].candidate.stream == 2u);
  BOOST_TEST(plan[1].dropped);
  BOOST_TEST(plan[1].reason.find("conflict: SELL on 1d") != std::string::npos);
  // Not holding BTC: the 1d SELL is no signal, so the 1h BUY stands.
  plan = a.plan_instant({cand(2, kSideBuy, H), cand(0, kSideSell, D)}, book(1000 * kAmountScale),
                        PauseMode::running);
  BOOST_REQUIRE(plan.size() == 1u);
  BOOST_TEST(!plan[0].dropped);
  // Holding: 1d BUY vs 4h SELL vs 1h BUY: the 4h SELL is dropped by the 1d
  // BUY, and the dropped 4h SELL still drops the 1h BUY: only the 1d BUY stands.
  plan = a.plan_instant({cand(2, kSideBuy, H), cand(1, kSideSell, 4 * H), cand(0, kSideBuy, D)},
                        book(1000 * kAmountScale, kAmountScale), PauseMode::running);
  BOOST_REQUIRE(plan.size() == 3u);
  BOOST_TEST(plan[0].candidate.stream == 0u);
  BOOST_TEST(!plan[0].dropped);
  BOOST_TEST(plan[1].dropped);
  BOOST_TEST(plan[2].dropped);
  for (size_t i = 1; i < 3; ++i)
    BOOST_TEST(plan[i].reason.find(plan[i].candidate.stream == 1u ? "conflict: BUY on 1d"
                                                                  : "conflict: SELL on 4h") !=
               std::string::npos);
}

// Every assignment of sides to the three BTC timeframes, holding BTC: a
// signal stands exactly when no larger timeframe has the opposite side.
BOOST_AUTO_TEST_CASE(conflict_rule_on_every_side_permutation_of_three_timeframes) {
  ArbiterCore a(streams(), "acct");
  const int64_t tfs[3] = {D, 4 * H, H};  // streams 0, 1, 2
  for (int mask = 0; mask < 8; ++mask) {
    uint8_t side[3];
    std::vector<Candidate> c;
    for (uint32_t s = 0; s < 3; ++s) {
      side[s] = (mask >> s) & 1 ? kSideSell : kSideBuy;
      c.push_back(cand(s, side[s], tfs[s]));
    }
    // Also every order of arrival: the rule must not depend on it.
    std::vector<uint32_t> order{0, 1, 2};
    do {
      std::vector<Candidate> in;
      for (uint32_t s : order) in.push_back(c[s]);
      auto plan = a.plan_instant(in, book(1000 * kAmountScale, kAmountScale), PauseMode::running);
      BOOST_REQUIRE(plan.size() == 3u);
      for (const Intent& it : plan) {
        const uint32_t s = it.candidate.stream;
        bool outranked = false;
        for (uint32_t bigger = 0; bigger < s; ++bigger) outranked |= side[bigger] != side[s];
        BOOST_TEST(it.dropped == outranked, "mask " << mask << " stream " << s);
      }
    } while (std::next_permutation(order.begin(), order.end()));
  }
}

BOOST_AUTO_TEST_CASE(pause_modes) {
  ArbiterCore a(streams(), "acct");
  Book b = book(1000 * kAmountScale);
  b.base["ETH"] = kAmountScale;
  std::vector<Candidate> c{cand(0, kSideBuy, D), cand(3, kSideSell, D)};
  auto plan = a.plan_instant(c, b, PauseMode::paused);
  BOOST_REQUIRE(plan.size() == 2u);
  BOOST_TEST((plan[0].dropped && plan[1].dropped));
  plan = a.plan_instant(c, b, PauseMode::entries_only);
  BOOST_REQUIRE(plan.size() == 2u);
  BOOST_TEST(plan[0].candidate.side == kSideSell);  // exits still happen
  BOOST_TEST(!plan[0].dropped);
  BOOST_TEST(plan[1].dropped);
  BOOST_TEST(plan[1].reason.find("entries") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(buy_sizing_by_timeframe_and_halving) {
  ArbiterCore a(streams(), "acct");
  Intent in{cand(0, kSideBuy, D, 20000), false, "r"};
  auto r = a.make_order(in, book(10000 * kAmountScale));
  BOOST_TEST(r.side == "BUY");
  BOOST_TEST(r.quote_amount == 3000 * kAmountScale);  // 30% of 10000
  BOOST_TEST(r.order_id == "acct:" + std::to_string(0) + ":BTCUSDT:1d:BUY");
  BOOST_TEST(r.base == "BTC");
  BOOST_TEST(r.decided_at_ms == D);
  // 4h: 20%, halved when BTC is held: 10000 * 0.2 / 2 = 1000.
  Intent in4{cand(1, kSideBuy, 4 * H), false, "r"};
  r = a.make_order(in4, book(10000 * kAmountScale, 1));
  BOOST_TEST(r.quote_amount == 1000 * kAmountScale);
  BOOST_TEST(r.bar_open_time_ms == D - 4 * H);
  // SELL: no quote amount (the executor sells the whole position).
  Intent s{cand(0, kSideSell, D), false, "r"};
  r = a.make_order(s, book(0, kAmountScale));
  BOOST_TEST(r.side == "SELL");
  BOOST_TEST(r.quote_amount == 0);
}

BOOST_AUTO_TEST_CASE(book_follows_fills_only) {
  Book b = book(100);
  OrderResult rej;
  rej.request.base = "BTC";
  rej.filled = false;
  b.apply(rej);
  BOOST_TEST(b.quote == 100);
  OrderResult f;
  f.request.base = "BTC";
  f.filled = true;
  f.quote_after = 40;
  f.base_after = 7;
  b.apply(f);
  BOOST_TEST(b.quote == 40);
  BOOST_TEST(b.base["BTC"] == 7);
}

BOOST_AUTO_TEST_CASE(signal_event_carries_the_numbers) {
  ArbiterCore a(streams(), "acct");
  auto plan = a.plan_instant({cand(0, kSideBuy, D, 95)}, book(1000), PauseMode::running);
  auto e = a.signal_event(plan[0]);
  BOOST_TEST(e.symbol == "BTCUSDT");
  BOOST_TEST(e.side == "BUY");
  BOOST_TEST(e.threshold == -5.0);
  BOOST_TEST(e.decision == "order");
  BOOST_TEST(e.reason.find("-6.00%") != std::string::npos);
}

// An instant's orders go to the executor as one batch, so make_orders sizes
// each BUY from the balances the orders before it will leave, by the paper
// broker's own rules (fee included).
BOOST_AUTO_TEST_CASE(make_orders_sizes_each_order_from_what_the_ones_before_leave) {
  ArbiterCore a(streams(), "acct");
  const storage::LedgerRules rules{10 * kAmountScale, 0.001};
  // ETH 1d then BTC 1d: 30% of 10000, then 30% of 7000 - nothing else held.
  auto plan = a.plan_instant({cand(0, kSideBuy, D, 100), cand(3, kSideBuy, D, 10)},
                             book(10000 * kAmountScale), PauseMode::running);
  auto orders = a.make_orders(plan, book(10000 * kAmountScale), rules);
  BOOST_REQUIRE(orders.size() == 2u);
  BOOST_TEST(orders[0].quote_amount == 3000 * kAmountScale);
  // The fee of the first comes out of the quote too: 10000 - 3000 - 3.
  BOOST_TEST(orders[1].quote_amount == (10000 - 3000 - 3) * kAmountScale * 3 / 10);

  // BTC 1d then BTC 4h: the 4h BUY is halved, BTC being held after the 1d.
  plan = a.plan_instant({cand(1, kSideBuy, 4 * H), cand(0, kSideBuy, D)}, book(10000 * kAmountScale),
                        PauseMode::running);
  orders = a.make_orders(plan, book(10000 * kAmountScale), rules);
  BOOST_REQUIRE(orders.size() == 2u);
  BOOST_TEST(orders[0].timeframe == "1d");
  BOOST_TEST(orders[1].quote_amount == (10000 - 3000 - 3) * kAmountScale * 2 / 10 / 2);
}

BOOST_AUTO_TEST_CASE(make_orders_after_a_rejection_sizes_from_the_untouched_balance) {
  ArbiterCore a(streams(), "acct");
  const storage::LedgerRules rules{10 * kAmountScale, 0.0};
  // 30 USDT: the 1d BUY (9) is below the minimum and will be rejected, so
  // BTC is still not held and the 4h BUY is 20% of the same 30, not halved.
  auto plan = a.plan_instant({cand(1, kSideBuy, 4 * H), cand(0, kSideBuy, D)}, book(30 * kAmountScale),
                             PauseMode::running);
  auto orders = a.make_orders(plan, book(30 * kAmountScale), rules);
  BOOST_REQUIRE(orders.size() == 2u);
  BOOST_TEST(orders[0].quote_amount == 9 * kAmountScale);
  BOOST_TEST(orders[1].quote_amount == 6 * kAmountScale);
}

BOOST_AUTO_TEST_CASE(make_orders_leaves_dropped_intents_out) {
  ArbiterCore a(streams(), "acct");
  // Holding BTC: 1d SELL and 1h BUY -> the 1h BUY is dropped, one order.
  auto plan = a.plan_instant({cand(2, kSideBuy, H), cand(0, kSideSell, D)}, book(0, kAmountScale),
                             PauseMode::running);
  BOOST_REQUIRE(plan.size() == 2u);
  auto orders = a.make_orders(plan, book(0, kAmountScale), {0, 0.0});
  BOOST_REQUIRE(orders.size() == 1u);
  BOOST_TEST(orders[0].side == "SELL");
  BOOST_TEST(orders[0].timeframe == "1d");
  // Everything paused: no order at all.
  plan = a.plan_instant({cand(0, kSideBuy, D)}, book(100 * kAmountScale), PauseMode::paused);
  BOOST_TEST(a.make_orders(plan, book(100 * kAmountScale), {0, 0.0}).empty());
}

BOOST_AUTO_TEST_CASE(an_open_candles_order_id_comes_from_its_check_time) {
  // Cadence "hourly": a 1d stream may buy at 13:00 and again at 14:00 of
  // one day; each order needs its own id. A closed bar's id stays its open time.
  ArbiterCore a(streams(), "acct");
  const int64_t day = 10 * D;
  Candidate at13{0, day, day + 13 * H, kSideBuy, 100, 106, -5.7, true};
  Candidate at14{0, day, day + 14 * H, kSideBuy, 99, 106, -6.6, true};
  auto r13 = a.make_order({at13, false, "r"}, book(10000 * kAmountScale));
  auto r14 = a.make_order({at14, false, "r"}, book(10000 * kAmountScale));
  BOOST_TEST(r13.order_id == "acct:" + std::to_string(day + 13 * H) + ":BTCUSDT:1d:BUY");
  BOOST_TEST(r14.order_id == "acct:" + std::to_string(day + 14 * H) + ":BTCUSDT:1d:BUY");
  BOOST_TEST(r13.bar_open_time_ms == day);  // the candle's own open, as in its events
  BOOST_TEST(r13.decided_at_ms == day + 13 * H);
  Candidate closed{0, day, day + D, kSideBuy, 100, 106, -5.7};
  BOOST_TEST(a.make_order({closed, false, "r"}, book(10000 * kAmountScale)).order_id ==
             "acct:" + std::to_string(day) + ":BTCUSDT:1d:BUY");
}
