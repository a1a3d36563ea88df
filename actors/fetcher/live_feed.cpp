#include "actors/fetcher/live_feed.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/timeframe.hpp"
#include "control/format.hpp"
#include "market/bar_checks.hpp"
#include "market/market_data.hpp"
#include "schedule/bar_schedule.hpp"
#include "schedule/late_retry.hpp"

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

std::string bar_name(int64_t open_ms) { return "bar " + format_utc_ms(open_ms); }

}  // namespace

LiveFeed::LiveFeed(std::shared_ptr<market::MarketData> md, std::vector<LiveStream> streams,
                   int64_t resume_ms, bool full_bars)
    : md_(std::move(md)), resume_ms_(resume_ms), full_bars_(full_bars) {
  for (auto& s : streams) {
    State st;
    st.s = std::move(s);
    streams_.push_back(std::move(st));
  }
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
      if (st.failure.empty()) st.failing_since_ms = now;
      st.failure = r.error->to_string();
      if (st.late_open_ms != INT64_MIN) miss(st, st.late_open_ms, now);  // asked again within its window
      continue;
    }
    st.failure.clear();
    take_bars(st, r.bars, now, warm, check);
    check_due_bar(st, now);
  }
  std::vector<BarWindow> out;
  if (warm.bars() > 0) out.push_back(std::move(warm));
  out.push_back(std::move(check));
  return out;
}

void LiveFeed::take_bars(State& st, const BarSeries& b, int64_t now, BarWindow& warm, BarWindow& check) {
  const int64_t tf = st.s.tf_ms;
  // Closed bars not handed on before.
  size_t lo = 0, hi = b.size();
  while (lo < hi && b.open_time_ms[lo] <= st.last_open_ms) ++lo;
  while (hi > lo && b.open_time_ms[hi - 1] + tf > now) --hi;
  if (hi == lo) return;
  // Warm-up only: bars no longer news (closed a late window ago or more),
  // bars decided before a restart, and a first fetch's history.
  const int64_t news_after = std::max(now - late_window_ms(tf), resume_ms_);
  size_t split = lo;
  while (split < hi && b.open_time_ms[split] + tf <= news_after) ++split;
  if (st.last_open_ms == INT64_MIN) split = std::max(split, hi - 1);
  append_rows(warm, st.s.stream, b, lo, split, full_bars_);
  append_rows(check, st.s.stream, b, split, hi, full_bars_);
  st.last_open_ms = b.open_time_ms[hi - 1];
  st.last_bar_at_ms = now;
}

void LiveFeed::check_due_bar(State& st, int64_t now) {
  const int64_t tf = st.s.tf_ms;
  if (st.late_open_ms != INT64_MIN && st.last_open_ms >= st.late_open_ms) {
    spdlog::info("{}:{}: the late {} came after {} answers without it", st.s.symbol,
                 market::interval_name(tf), bar_name(st.late_open_ms), st.attempts);
    st.late_open_ms = INT64_MIN;
  }
  const int64_t due_open = bar_close_at_or_before(now, tf) - tf;  // the newest bar closed by now
  if (st.last_open_ms >= due_open) return;
  miss(st, due_open, now);
}

void LiveFeed::miss(State& st, int64_t open_ms, int64_t now) {
  if (open_ms <= st.given_up_open_ms) return;  // given up on: stale until a newer bar comes
  if (st.late_open_ms != open_ms) {
    if (st.late_open_ms != INT64_MIN) give_up(st, now);  // a newer bar is due: the older one's window is over
    st.late_open_ms = open_ms;
    st.first_miss_ms = now;
    st.attempts = 0;
  }
  ++st.attempts;
  const int64_t close = open_ms + st.s.tf_ms;
  st.retry_at_ms = late_retry_at(close, st.s.tf_ms, st.first_miss_ms, st.attempts, now);
  late_.push_back({st.s.stream, open_ms, close, st.attempts, st.retry_at_ms});
  const std::string next = st.retry_at_ms == kNeverMs ? "its late window is over"
                                                      : "asking again at " + format_utc_ms(st.retry_at_ms);
  if (st.attempts == 1)
    spdlog::warn("data late {}:{}: {} due {} is not served yet; {}", st.s.symbol, market::interval_name(st.s.tf_ms),
                 bar_name(open_ms), format_utc_ms(close), next);
  else
    spdlog::info("data late {}:{}: {} still missing after {} answers; {}", st.s.symbol,
                 market::interval_name(st.s.tf_ms), bar_name(open_ms), st.attempts, next);
  if (st.retry_at_ms == kNeverMs) give_up(st, now);
}

void LiveFeed::give_up(State& st, int64_t now) {
  errors_.emplace_back(st.s.stream, bar_name(st.late_open_ms) + " of " + st.s.symbol +
                                        " not served within its late window: " + std::to_string(st.attempts) +
                                        " answers without it since " + format_utc_ms(st.first_miss_ms));
  st.given_up_open_ms = st.late_open_ms;
  st.given_up_at_ms = now;
  st.late_open_ms = INT64_MIN;
}

std::vector<std::pair<uint32_t, std::string>> LiveFeed::take_errors() {
  return std::exchange(errors_, {});
}

std::vector<LateNote> LiveFeed::take_late() { return std::exchange(late_, {}); }

DataStateView LiveFeed::data_states(int64_t now) const {
  DataStateView v;
  for (const State& st : streams_) {
    StreamDataState d;
    d.stream = st.s.stream;
    const int64_t tf = st.s.tf_ms;
    const std::string late = st.late_open_ms == INT64_MIN ? std::string()
        : bar_name(st.late_open_ms) + " due " + format_utc_ms(st.late_open_ms + tf) + ", " +
              std::to_string(st.attempts) + " answers without it since " + format_utc_ms(st.first_miss_ms) +
              ", next ask " + format_utc_ms(st.retry_at_ms);
    if (!st.failure.empty()) {
      d = {st.s.stream, data_state::failing, st.failure + (late.empty() ? "" : "; late: " + late),
           st.failing_since_ms};
    } else if (!late.empty()) {
      d = {st.s.stream, data_state::late, late, st.first_miss_ms};
    } else if (st.given_up_open_ms > st.last_open_ms) {
      d = {st.s.stream, data_state::stale,
           bar_name(st.given_up_open_ms) + " never came within its late window; newest in hand " +
               (st.last_open_ms == INT64_MIN ? std::string("none") : format_utc_ms(st.last_open_ms)),
           st.given_up_at_ms};
    } else if (st.last_open_ms == INT64_MIN) {
      d = {st.s.stream, data_state::waiting, "first answer to come", 0};
    } else {
      const int64_t next_close = st.last_open_ms + 2 * tf;  // the next bar's close: when it is due
      if (now >= next_close)
        d = {st.s.stream, data_state::waiting,
             bar_name(st.last_open_ms + tf) + " due " + format_utc_ms(next_close), next_close};
      else
        d = {st.s.stream, data_state::ok,
             bar_name(st.last_open_ms) + " in hand, next due " + format_utc_ms(next_close), st.last_bar_at_ms};
    }
    v.streams.push_back(std::move(d));
  }
  return v;
}

}  // namespace tn
