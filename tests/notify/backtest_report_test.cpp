// The backtest report page and its charts' axes (suite notify_performance).
#include <boost/test/unit_test.hpp>

#include "common/time.hpp"
#include "notify/backtest_report.hpp"
#include "notify/svg_chart.hpp"
#include "notify/templates.hpp"

using namespace tn;
using namespace tn::notify;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<std::string> labels_of(const ValueTicks& t) {
  std::vector<std::string> out;
  for (const auto& [v, label] : t.ticks) out.push_back(label);
  return out;
}

BacktestReport small_report(size_t trades) {
  BacktestReport r;
  r.title = "Backtest report: <x>.toml";
  r.strategy = "MA distance & more";
  r.symbols = {"BTCUSDT"};
  r.equity = {{0, 10000}, {kDayMs, 9000}, {2 * kDayMs, 12000}};
  r.buy_and_hold = {{0, 10000}, {kDayMs, 11000}, {2 * kDayMs, 10500}};
  r.performance = measure(r.equity, r.buy_and_hold, 10000, 0.001, {{"BTCUSDT", kDayMs, 2000}}, {});
  r.trades.header = {"Symbol", "P&L"};
  r.trades.numeric = {false, true};
  r.total_trades = trades;
  for (size_t i = first_shown_row(trades); i < trades; ++i)
    r.trades.rows.push_back({"<script>" + std::to_string(i), format_money(1234.5)});
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(value_axes_have_round_steps_and_short_labels) {
  using V = std::vector<std::string>;
  const ValueTicks money = value_ticks(4425.87, 43626.19, false);
  BOOST_TEST(money.lo == 0.0);
  BOOST_TEST(money.hi == 50000.0);
  BOOST_TEST(labels_of(money) == (V{"0", "10k", "20k", "30k", "40k", "50k"}), boost::test_tools::per_element());
  BOOST_TEST(labels_of(value_ticks(9800, 10250, false)) == (V{"9.8k", "9.9k", "10k", "10.1k", "10.2k", "10.3k"}),
             boost::test_tools::per_element());
  BOOST_TEST(labels_of(value_ticks(0, 2.4e6, false)) == (V{"0", "0.5M", "1M", "1.5M", "2M", "2.5M"}),
             boost::test_tools::per_element());
  BOOST_TEST(labels_of(value_ticks(-0.87, 0, true)) == (V{"-100%", "-80%", "-60%", "-40%", "-20%", "0%"}),
             boost::test_tools::per_element());
  BOOST_TEST(labels_of(log_value_ticks(9500, 1.04e6)) == (V{"10k", "20k", "50k", "100k", "200k", "500k", "1M"}),
             boost::test_tools::per_element());
  BOOST_TEST(value_ticks(5, 5, false).ticks.size() >= 2u);  // flat: still an axis
  BOOST_TEST(value_ticks(NAN, 5, false).ticks.empty());
}

BOOST_AUTO_TEST_CASE(time_axes_tick_at_round_dates) {
  using T = std::vector<std::string>;
  auto labels = [](int64_t t0, int64_t t1) {
    T out;
    for (const auto& [t, label] : time_ticks(t0, t1)) out.push_back(label);
    return out;
  };
  // 2017-08-18 to 2022-10-11: every year.
  BOOST_TEST(labels(1503014400000, 1665475200000) == (T{"2018", "2019", "2020", "2021", "2022"}),
             boost::test_tools::per_element());
  // 2022-01-01 to 2022-07-15: every month, named.
  BOOST_TEST(labels(1640995200000, 1657843200000) ==
                 (T{"Jan 2022", "Feb 2022", "Mar 2022", "Apr 2022", "May 2022", "Jun 2022", "Jul 2022"}),
             boost::test_tools::per_element());
  // 2022-01-01 to 2022-01-11: every other day (even days since 1970).
  BOOST_TEST(labels(1640995200000, 1640995200000 + 10 * kDayMs) ==
                 (T{"2022-01-02", "2022-01-04", "2022-01-06", "2022-01-08", "2022-01-10"}),
             boost::test_tools::per_element());
  // Too short for any step: both ends.
  BOOST_TEST(labels(1640995200000, 1640995200000 + 60'000) == (T{"2022-01-01", "2022-01-01"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(charts_escape_their_text_and_draw_every_series) {
  const std::string svg = svg_chart({{"<b>one</b>", "#111111", {{0, 1}, {kDayMs, 2}}, false, false},
                                     {"two", "#222222\"", {{0, 2}, {kDayMs, 1}}, false, true}},
                                    ChartStyle{400, 200, "A & B", "", false, false});
  BOOST_TEST(has(svg, "&lt;b&gt;one&lt;/b&gt;"));
  BOOST_TEST(!has(svg, "<b>"));
  BOOST_TEST(has(svg, "A &amp; B"));
  BOOST_TEST(has(svg, "#222222&quot;"));  // even a colour cannot end its attribute
  BOOST_TEST(has(svg, "stroke-dasharray"));
}

BOOST_AUTO_TEST_CASE(the_report_shows_the_figures_and_escapes_every_text) {
  const std::string html = backtest_report_html(small_report(3));
  BOOST_TEST(html.find("<!DOCTYPE html>") == 0u);
  BOOST_TEST(has(html, "Backtest report: &lt;x&gt;.toml"));
  BOOST_TEST(has(html, "MA distance &amp; more"));
  BOOST_TEST(!has(html, "<script>"));
  BOOST_TEST(has(html, "&lt;script&gt;2"));
  // Final value 12,000.00 (+20%) against buy-and-hold 10,500.00 (+5%); the
  // fall from 10,000 to 9,000 on day 1 is the strategy's drawdown.
  BOOST_TEST(has(html, ">12,000.00<"));
  BOOST_TEST(has(html, ">10,500.00<"));
  BOOST_TEST(has(html, ">20.00%<"));
  BOOST_TEST(has(html, "-10.00% (1970-01-01 to 1970-01-02)"));
  BOOST_TEST(has(html, ">inf (no losing trade)<"));
  BOOST_TEST(has(html, "fees 0.1% per trade"));
  BOOST_TEST(has(html, "All 3 trades (also in trades.csv)."));
  BOOST_TEST(has(html, "split equally over BTCUSDT"));
  BOOST_TEST(html.find("http") == html.find("http://www.w3.org/2000/svg"));  // nothing fetched
}

BOOST_AUTO_TEST_CASE(a_long_trade_list_is_cut_to_the_last_rows) {
  const std::string html = backtest_report_html(small_report(5000));
  BOOST_TEST(has(html, "The last 200 of 5,000 trades; the full list is in trades.csv."));
  BOOST_TEST(has(html, "&lt;script&gt;4999<"));
  BOOST_TEST(has(html, "&lt;script&gt;4800<"));
  BOOST_TEST(!has(html, "&lt;script&gt;4799<"));
  BOOST_TEST(html.size() < 100'000u);
  // No data at all still makes a page that says so.
  BacktestReport empty;
  empty.title = "t";
  empty.performance = measure({}, {}, 100, 0, {}, {});
  const std::string e = backtest_report_html(empty);
  BOOST_TEST(has(e, "no data"));
  BOOST_TEST(has(e, ">n/a<"));
  BOOST_TEST(has(e, "No symbol traded."));
}
