#define BOOST_TEST_MODULE core_portfolio
#include <boost/test/unit_test.hpp>

#include "actors/portfolio/portfolio_core.hpp"

using namespace tn;

namespace {
constexpr int64_t D = 86400000;
std::vector<StreamMeta> streams() { return {StreamMeta{"BTCUSDT", "BTC", "USDT", "1d", D, 20, -5, 5, 0.3}}; }
OrderResult fill(const std::string& side, int64_t t, double price, Amount qty, Amount value,
                 Amount quote_after) {
  OrderResult r;
  r.request.symbol = "BTCUSDT";
  r.request.base = "BTC";
  r.request.side = side;
  r.request.decided_at_ms = t;
  r.request.price = price;
  r.filled = true;
  r.quantity = qty;
  r.value = value;
  r.quote_after = quote_after;
  r.base_after = side == "BUY" ? qty : 0;
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(equity_from_fills_and_marks) {
  PortfolioCore p(streams(), "USDT", 10000 * kAmountScale, 6 * 3600000LL, D);
  // Buy 0.15 BTC for 3000 at 20000 on day 1; marks at day 1 (20000), day 2 (10000), day 3 (30000).
  std::vector<OrderResult> fills{fill("BUY", D, 20000, 15 * kAmountScale / 100, 3000 * kAmountScale,
                                      7000 * kAmountScale)};
  std::vector<Mark> marks{{0, D, 20000}, {0, 2 * D, 10000}, {0, 3 * D, 30000}};
  p.apply_window(fills, marks, 3 * D + 1, true);
  BOOST_REQUIRE(p.equity().size() == 3u);
  BOOST_TEST(p.equity()[0].value == 10000 * kAmountScale);  // fill applied before the mark at D
  BOOST_TEST(p.equity()[1].value == 8500 * kAmountScale);   // 7000 + 0.15 * 10000
  BOOST_TEST(p.equity()[2].value == 11500 * kAmountScale);
  auto st = p.status(3 * D);
  BOOST_REQUIRE(st.positions.size() == 1u);
  BOOST_TEST(st.positions[0].asset == "BTC");
  BOOST_TEST(st.positions[0].quantity == "0.15000000");
  BOOST_TEST(st.total_value == "11500.00000000");
  BOOST_TEST(st.quote_balance == "7000.00000000");
  // One status per 6h boundary from the first event to the last: D, D+6h,
  // ..., 3D, whatever the equity interval (1d).
  auto due = p.take_due_statuses();
  BOOST_REQUIRE(due.size() == 9u);
  for (size_t i = 0; i < due.size(); ++i) BOOST_TEST(due[i].time_ms == D + static_cast<int64_t>(i) * D / 4);
  BOOST_TEST(due[1].total_value == "10000.00000000");  // D+6h: still marked at 20000
  BOOST_TEST(due[4].total_value == "8500.00000000");   // 2D: as it was then, not as it is now
  BOOST_TEST(p.take_due_statuses().empty());
}

// A live node's clock carries the statuses past boundaries no window
// reached (1d streams, 6h statuses), and a later window does not repeat them.
BOOST_AUTO_TEST_CASE(advance_to_writes_the_status_boundaries_the_clock_passed) {
  constexpr int64_t H = D / 24;
  PortfolioCore p(streams(), "USDT", 10000 * kAmountScale, 6 * H, D);
  p.apply_window({}, {{0, D, 20000}}, D + 1, false);
  BOOST_REQUIRE(p.take_due_statuses().size() == 1u);  // at D
  p.advance_to(D + 13 * H);                            // 6h and 12h past D
  auto due = p.take_due_statuses();
  BOOST_REQUIRE(due.size() == 2u);
  BOOST_TEST(due[0].time_ms == D + 6 * H);
  BOOST_TEST(due[1].time_ms == D + 12 * H);
  p.advance_to(D + 13 * H);  // again: nothing new
  BOOST_TEST(p.take_due_statuses().empty());
  p.apply_window({}, {{0, 2 * D, 21000}}, 2 * D + 1, false);
  due = p.take_due_statuses();
  BOOST_REQUIRE(due.size() == 2u);  // 18h and 2D only
  BOOST_TEST(due[0].time_ms == D + 18 * H);
  BOOST_TEST(due[1].time_ms == 2 * D);
  BOOST_TEST(due[1].total_value == "10000.00000000");  // nothing held: the quote
}

BOOST_AUTO_TEST_CASE(realized_pnl_uses_average_cost) {
  PortfolioCore p(streams(), "USDT", 10000 * kAmountScale, D, D);
  p.apply_fill(fill("BUY", D, 100, 10 * kAmountScale, 1000 * kAmountScale, 9000 * kAmountScale));
  OrderResult b2 = fill("BUY", 2 * D, 200, 5 * kAmountScale, 1000 * kAmountScale, 8000 * kAmountScale);
  b2.base_after = 15 * kAmountScale;
  p.apply_fill(b2);
  // 15 BTC cost 2000; sell all at 300 = 4500 -> realized 2500.
  p.apply_fill(fill("SELL", 3 * D, 300, 15 * kAmountScale, 4500 * kAmountScale, 12500 * kAmountScale));
  const auto& pos = p.positions().at("BTCUSDT");
  BOOST_TEST(pos.quantity == 0);
  BOOST_TEST(pos.cost == 0);
  BOOST_TEST(pos.realized == 2500 * kAmountScale);
  BOOST_TEST(p.total_value() == 12500 * kAmountScale);
}

BOOST_AUTO_TEST_CASE(rejections_change_nothing) {
  PortfolioCore p(streams(), "USDT", 100, D, D);
  OrderResult r;
  r.request.symbol = "BTCUSDT";
  r.filled = false;
  p.apply_fill(r);
  BOOST_TEST(p.total_value() == 100);
  BOOST_TEST(p.positions().at("BTCUSDT").quantity == 0);  // every watched symbol has an entry
  BOOST_TEST(p.status(0).positions.empty());               // but nothing is held
}

BOOST_AUTO_TEST_CASE(equity_boundaries_do_not_depend_on_how_the_feed_is_cut) {
  // Prices every 6 hours for three days, a buy at day 1 + 6h and a sell at
  // day 2 + 12h; fed as one window or as one feed per event, the curve is the same.
  const int64_t H6 = D / 4;
  std::vector<Mark> marks;
  for (int k = 1; k <= 12; ++k) marks.push_back({0, k * H6, 1000.0 + 10 * k});
  std::vector<OrderResult> fills{
      fill("BUY", D + H6, 1050, 2 * kAmountScale, 2100 * kAmountScale, 7900 * kAmountScale),
      fill("SELL", 2 * D + 2 * H6, 1100, 2 * kAmountScale, 2200 * kAmountScale, 10100 * kAmountScale)};
  PortfolioCore whole(streams(), "USDT", 10000 * kAmountScale, D, D);
  whole.apply_window(fills, marks, 3 * D + 1, true);
  PortfolioCore pieces(streams(), "USDT", 10000 * kAmountScale, D, D);
  size_t f = 0;
  for (size_t k = 0; k < marks.size(); ++k) {
    std::vector<OrderResult> fs;
    while (f < fills.size() && fills[f].request.decided_at_ms <= marks[k].time_ms) fs.push_back(fills[f++]);
    pieces.apply_window(fs, {marks[k]}, marks[k].time_ms + 1, k + 1 == marks.size());
  }
  BOOST_REQUIRE(whole.equity().size() == 3u);  // D, 2D, 3D
  BOOST_REQUIRE(pieces.equity().size() == whole.equity().size());
  for (size_t k = 0; k < whole.equity().size(); ++k) {
    BOOST_TEST(whole.equity()[k].time_ms == pieces.equity()[k].time_ms);
    BOOST_TEST(whole.equity()[k].value == pieces.equity()[k].value);
  }
  // At 2D: holding 2 at the 2D price (1000 + 10*8 = 1080) + 7900 USDT.
  BOOST_TEST(whole.equity()[1].value == 7900 * kAmountScale + 2 * 1080 * kAmountScale);
}
