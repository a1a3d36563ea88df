#include "actors/fetcher/check_reader.hpp"

#include <algorithm>

namespace tn {

CheckReader::CheckReader(std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> sources,
                         bool full_bars, int64_t resume_ms)
    : sources_(std::move(sources)), full_bars_(full_bars), resume_ms_(resume_ms),
      warm_(resume_ms == INT64_MIN) {
  std::sort(sources_.begin(), sources_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
}

BarWindow CheckReader::empty_window(uint64_t id, int64_t end_ms) const {
  BarWindow w;
  w.window = id;
  w.end_ms = end_ms;
  w.next_window = id + 1;
  w.offsets.push_back(0);
  return w;
}

void CheckReader::read(size_t index, int64_t until_ms, BarWindow& w) {
  auto& [stream, src] = sources_[index];
  const size_t n = src->read_until(until_ms == INT64_MAX ? INT64_MAX : until_ms + 1, w.open_time_ms,
                                   full_bars_ ? &w.open : nullptr, full_bars_ ? &w.high : nullptr,
                                   full_bars_ ? &w.low : nullptr, w.close,
                                   full_bars_ ? &w.volume : nullptr);
  if (n == 0) return;
  w.streams.push_back(stream);
  w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
}

BarWindow CheckReader::warmup(int64_t until_ms) {
  BarWindow w = empty_window(0, until_ms);
  w.warmup = true;
  for (size_t i = 0; i < sources_.size(); ++i) read(i, until_ms, w);
  return w;
}

std::vector<BarWindow> CheckReader::answer(const CheckRequest& req) {
  std::vector<BarWindow> out;
  if (!warm_) {
    warm_ = true;
    BarWindow w = warmup(resume_ms_);
    if (w.bars() > 0) out.push_back(std::move(w));
  }
  out.push_back(check(req));
  return out;
}

BarWindow CheckReader::check(const CheckRequest& req) {
  BarWindow w = empty_window(req.window, req.now_ms + 1);
  w.start_ms = w.end_ms;  // a check has no width: one instant
  w.last = req.last;
  size_t i = 0;
  for (uint32_t stream : req.streams) {  // both ascending: one merge pass
    while (i < sources_.size() && sources_[i].first < stream) ++i;
    if (i == sources_.size()) break;
    if (sources_[i].first == stream) read(i, req.now_ms, w);
  }
  return w;
}

DataSpan data_span(const std::vector<BarSeries>& series, const std::vector<int64_t>& tf_ms) {
  DataSpan span;
  for (size_t i = 0; i < series.size() && i < tf_ms.size(); ++i) {
    if (series[i].size() == 0) continue;
    span.first_close_ms = std::min(span.first_close_ms, series[i].open_time_ms.front() + tf_ms[i]);
    span.last_close_ms = std::max(span.last_close_ms, series[i].open_time_ms.back() + tf_ms[i]);
  }
  return span;
}

}  // namespace tn
