#include "actors/fetcher/open_candle_reader.hpp"

#include <algorithm>

#include "schedule/bar_schedule.hpp"

namespace tn {

OpenCandleReader::OpenCandleReader(std::vector<OpenCandleStream> streams, bool full_bars,
                                   int64_t resume_ms)
    : full_bars_(full_bars), resume_ms_(resume_ms), warm_(resume_ms == INT64_MIN) {
  for (auto& s : streams) streams_.push_back(State{std::move(s)});
  std::sort(streams_.begin(), streams_.end(),
            [](const State& a, const State& b) { return a.s.stream < b.s.stream; });
}

BarWindow OpenCandleReader::empty_window(uint64_t id, int64_t end_ms) const {
  BarWindow w;
  w.window = id;
  w.end_ms = end_ms;
  w.next_window = id + 1;
  w.offsets.push_back(0);
  return w;
}

size_t OpenCandleReader::read_closed(State& st, int64_t end_close_ms, BarWindow& w) {
  const size_t n = st.s.bars->read_until(end_close_ms, w.open_time_ms, full_bars_ ? &w.open : nullptr,
                                         full_bars_ ? &w.high : nullptr, full_bars_ ? &w.low : nullptr,
                                         w.close, full_bars_ ? &w.volume : nullptr);
  w.check_ms.resize(w.close.size(), 0);  // history rows
  return n;
}

bool OpenCandleReader::add_open_candle(State& st, int64_t t, BarWindow& w) {
  if (!st.s.hourly) return false;
  const BarSeries& h = *st.s.hourly;
  while (st.hour < h.size() && h.open_time_ms[st.hour] + kHourMs < t) ++st.hour;
  if (st.hour == h.size() || h.open_time_ms[st.hour] + kHourMs != t) return false;
  const double price = h.close[st.hour];
  // The candle holding the hour that just closed (t - 1 ms is inside it).
  w.open_time_ms.push_back(next_bar_close_after(t - 1, st.s.tf_ms) - st.s.tf_ms);
  w.close.push_back(price);
  w.check_ms.push_back(t);
  if (full_bars_) {
    w.open.push_back(price);
    w.high.push_back(price);
    w.low.push_back(price);
    w.volume.push_back(0);
  }
  return true;
}

std::vector<BarWindow> OpenCandleReader::answer(const CheckRequest& req) {
  std::vector<BarWindow> out;
  if (!warm_) {  // after a restart: history up to the resume point, decided before
    warm_ = true;
    BarWindow w = empty_window(0, resume_ms_);
    w.warmup = true;
    for (State& st : streams_) {
      if (read_closed(st, resume_ms_ == INT64_MAX ? INT64_MAX : resume_ms_ + 1, w) == 0) continue;
      w.streams.push_back(st.s.stream);
      w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
    }
    if (w.bars() > 0) out.push_back(std::move(w));
  }
  out.push_back(check(req));
  return out;
}

BarWindow OpenCandleReader::check(const CheckRequest& req) {
  const int64_t t = req.now_ms;
  BarWindow w = empty_window(req.window, t + 1);
  w.start_ms = w.end_ms;  // a check has no width: one instant
  w.last = req.last;
  size_t i = 0;
  for (uint32_t stream : req.streams) {  // both ascending: one merge pass
    while (i < streams_.size() && streams_[i].s.stream < stream) ++i;
    if (i == streams_.size()) break;
    if (streams_[i].s.stream != stream) continue;
    State& st = streams_[i];
    size_t n = read_closed(st, t, w);
    if (!req.last && add_open_candle(st, t, w)) ++n;
    n += read_closed(st, t == INT64_MAX ? INT64_MAX : t + 1, w);
    if (n == 0) continue;
    w.streams.push_back(stream);
    w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
  }
  return w;
}

}  // namespace tn
