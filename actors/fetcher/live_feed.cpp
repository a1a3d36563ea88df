#include "actors/fetcher/live_feed.hpp"

#include <algorithm>

#include "market/market_data.hpp"

namespace tn {

namespace {

// Rows [from, to) of one stream's series onto a window.
void append_rows(BarWindow& w, uint32_t stream, const BarSeries& b, size_t from, size_t to, bool full) {
  if (from >= to) return;
  w.streams.push_back(stream);
  for (size_t i = from; i < to; ++i) {
    w.open_time_ms.push_back(b.open_time_ms[i]);
    w.close.push_back(b.close[i]);
    if (full) {
      w.open.push_back(b.open[i]);
      w.high.push_back(b.high[i]);
      w.low.push_back(b.low[i]);
      w.volume.push_back(b.volume[i]);
    }
  }
  w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
}

BarWindow empty_window(uint64_t id, int64_t end_ms, bool warmup) {
  BarWindow w;
  w.window = id;
  w.start_ms = w.end_ms = end_ms;
  w.next_window = id + 1;
  w.warmup = warmup;
  w.offsets.push_back(0);
  return w;
}

}  // namespace

LiveFeed::LiveFeed(std::shared_ptr<market::MarketData> md, std::vector<LiveStream> streams,
                   int64_t resume_ms, bool full_bars)
    : md_(std::move(md)), resume_ms_(resume_ms), full_bars_(full_bars) {
  for (auto& s : streams) streams_.push_back({std::move(s)});
  std::sort(streams_.begin(), streams_.end(),
            [](const State& a, const State& b) { return a.s.stream < b.s.stream; });
}

LiveFeed::State* LiveFeed::find(uint32_t stream) {
  auto it = std::lower_bound(streams_.begin(), streams_.end(), stream,
                             [](const State& a, uint32_t id) { return a.s.stream < id; });
  return it != streams_.end() && it->s.stream == stream ? &*it : nullptr;
}

std::vector<BarWindow> LiveFeed::answer(const CheckRequest& req) {
  const int64_t now = req.now_ms;
  std::vector<State*> due;
  std::vector<market::BarsRequest> asks;
  for (uint32_t id : req.streams) {
    State* st = find(id);
    if (!st) continue;
    const int64_t tf = st->s.tf_ms;
    const int64_t from = st->last_open_ms != INT64_MIN ? st->last_open_ms + tf
                                                       : now - (st->s.history_bars + 3) * tf;
    due.push_back(st);
    asks.push_back({st->s.source, st->s.symbol, tf, from, now});
  }
  std::vector<market::BarsResult> got = asks.empty() ? std::vector<market::BarsResult>{} : md_->fetch_bars(asks);

  BarWindow warm = empty_window(req.window, now + 1, true);
  BarWindow check = empty_window(req.window, now + 1, false);
  check.last = req.last;
  for (size_t i = 0; i < due.size() && i < got.size(); ++i) {
    State& st = *due[i];
    const market::BarsResult& r = got[i];
    if (!r.ok()) {
      errors_.emplace_back(st.s.stream, r.error->to_string());
      continue;
    }
    const BarSeries& b = r.bars;
    const int64_t tf = st.s.tf_ms;
    // Closed bars not handed on before.
    size_t lo = 0, hi = b.size();
    while (lo < hi && b.open_time_ms[lo] <= st.last_open_ms) ++lo;
    while (hi > lo && b.open_time_ms[hi - 1] + tf > now) --hi;
    if (hi == lo) {
      // Nothing new: stale when the newest bar we know closed two bars ago.
      const int64_t newest = st.last_open_ms != INT64_MIN ? st.last_open_ms + tf : INT64_MIN;
      if (newest == INT64_MIN || newest < now - 2 * tf)
        errors_.emplace_back(st.s.stream, "stale: no closed bar of " + st.s.symbol + " in the last two bars");
      continue;
    }
    // History (first fetch) and bars decided before a restart: warm-up only.
    size_t split = lo;
    if (st.last_open_ms == INT64_MIN) split = hi - 1;
    while (split < hi && b.open_time_ms[split] + tf <= resume_ms_) ++split;
    append_rows(warm, st.s.stream, b, lo, split, full_bars_);
    append_rows(check, st.s.stream, b, split, hi, full_bars_);
    st.last_open_ms = b.open_time_ms[hi - 1];
  }
  std::vector<BarWindow> out;
  if (warm.bars() > 0) out.push_back(std::move(warm));
  out.push_back(std::move(check));
  return out;
}

std::vector<std::pair<uint32_t, std::string>> LiveFeed::take_errors() {
  return std::exchange(errors_, {});
}

}  // namespace tn
