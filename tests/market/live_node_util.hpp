#pragma once
// A live `tradernode run` pointed at the loopback fake exchange, for the
// tests that run one (market_live_node, the fault matrix): the exchange's
// bars are real ones moved in time to end now, and the node's config is
// the replay one of make_node turned to mode "live" with [sources.binance]
// at the fake.
#include <fstream>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "tests/integration/node_common.hpp"
#include "tests/market/fake_exchange.hpp"

namespace tn::test {

constexpr int64_t kLiveHourMs = 3'600'000;

// The last n real hourly bars of a CSV, moved in time so the newest one
// closed at the latest hour boundary: what the exchange would serve now.
inline BarSeries recent_hourly_bars(const std::string& csv, size_t n, int64_t now_ms) {
  BarSeries all = load_csv_bars(csv, kLiveHourMs).value();
  BarSeries out;
  const size_t from = all.size() - n;
  const int64_t shift = (now_ms / kLiveHourMs) * kLiveHourMs - kLiveHourMs - all.open_time_ms.back();
  for (size_t i = from; i < all.size(); ++i) {
    out.open_time_ms.push_back(all.open_time_ms[i] + shift);
    out.open.push_back(all.open[i]);
    out.high.push_back(all.high[i]);
    out.low.push_back(all.low[i]);
    out.close.push_back(all.close[i]);
    out.volume.push_back(all.volume[i]);
  }
  return out;
}

// make_node's config in mode "live" with its data files dropped and
// `sources` (a [sources] table and its sub-tables) appended.
inline NodeSetup make_live_node(const std::string& dir, const std::vector<StreamSpec>& streams,
                                const std::string& sources) {
  NodeSetup n = make_node(dir, streams, 0);
  std::string cfg = read_file(n.config);
  cfg.replace(cfg.find("mode = \"replay\""), 15, "mode = \"live\"");
  for (size_t at; (at = cfg.find("data = \"\"\n")) != std::string::npos;) cfg.erase(at, 10);
  std::ofstream(n.config) << cfg << sources;
  return n;
}

}  // namespace tn::test
