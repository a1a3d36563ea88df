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
  PortfolioCore p(streams(), "USDT", 10000 * kAmountScale, 6 * 3600000LL);
  // Buy 0.15 BTC for 3000 at 20000 on day 1; marks at day 1 (20000), day 2 (10000), day 3 (30000).
  std::vector<OrderResult> fills{fill("BUY", D, 20000, 15 * kAmountScale / 100, 3000 * kAmountScale,
                                      7000 * kAmountScale)};
  std::vector<Mark> marks{{0, D, 20000}, {0, 2 * D, 10000}, {0, 3 * D, 30000}};
  p.apply_window(fills, marks);
  BOOST_REQUIRE(p.equity().size() == 3u);
  BOOST_TEST(p.equity()[0].value == 10000 * kAmountScale);  // fill applied before the mark at D
  BOOST_TEST(p.equity()[1].value == 8500 * kAmountScale);   // 7000 + 0.15 * 10000
  BOOST_TEST(p.equity()[2].value == 11500 * kAmountScale);
  BOOST_TEST(p.max_drawdown() == 0.15);
  auto st = p.status(3 * D);
  BOOST_REQUIRE(st.positions.size() == 1u);
  BOOST_TEST(st.positions[0].asset == "BTC");
  BOOST_TEST(st.positions[0].quantity == "0.15000000");
  BOOST_TEST(st.total_value == "11500.00000000");
  BOOST_TEST(st.quote_balance == "7000.00000000");
  // One status per 6h bucket crossed by the equity points: three days, three.
  auto due = p.take_due_statuses();
  BOOST_REQUIRE(due.size() == 3u);
  BOOST_TEST(due[1].time_ms == 2 * D);
  BOOST_TEST(due[1].total_value == "8500.00000000");  // as it was then, not as it is now
  BOOST_TEST(p.take_due_statuses().empty());
}

BOOST_AUTO_TEST_CASE(realized_pnl_uses_average_cost) {
  PortfolioCore p(streams(), "USDT", 10000 * kAmountScale, D);
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
  PortfolioCore p(streams(), "USDT", 100, D);
  OrderResult r;
  r.request.symbol = "BTCUSDT";
  r.filled = false;
  p.apply_fill(r);
  BOOST_TEST(p.total_value() == 100);
  BOOST_TEST(p.positions().empty());
}
