#include "schedule/bar_schedule.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

namespace tn {

namespace {
constexpr int64_t kDueNow = std::numeric_limits<int64_t>::min();

int64_t checked_tf(int64_t tf_ms) { return std::clamp<int64_t>(tf_ms, 1, kMaxPeriodMs); }
}  // namespace

int64_t bar_offset_ms(int64_t tf_ms) {
  // Weekly (and multi-week) bars start on Mondays; everything else, including
  // days, is epoch-aligned, which is also how Binance aligns them.
  return (tf_ms > 0 && tf_ms % kWeekMs == 0) ? kMondayOffsetMs : 0;
}

int64_t bar_close_at_or_before(int64_t t_ms, int64_t tf_ms) {
  tf_ms = checked_tf(tf_ms);
  return boundary_at_or_before(t_ms, tf_ms, bar_offset_ms(tf_ms));
}

int64_t next_bar_close_after(int64_t t_ms, int64_t tf_ms) {
  tf_ms = checked_tf(tf_ms);
  return boundary_after(t_ms, tf_ms, bar_offset_ms(tf_ms));
}

int64_t default_min_interval_ms(int64_t tf_ms) {
  // The replaced daemon's figures for its three timeframes (1d is not
  // tf / 12); the rest follow the 1h/4h ratio, floored so that short
  // timeframes cannot hammer a data source.
  if (tf_ms == kHourMs) return 300 * kSecondMs;
  if (tf_ms == 4 * kHourMs) return 1200 * kSecondMs;
  if (tf_ms == kDayMs) return 3600 * kSecondMs;
  return std::max<int64_t>(tf_ms / 12, kMinuteMs);
}

BarSchedule::BarSchedule(int64_t close_delay_ms)
    : close_delay_ms_(std::clamp<int64_t>(close_delay_ms, 0, kMaxPeriodMs)) {}

Status BarSchedule::add(uint32_t stream, int64_t tf_ms) {
  return add(stream, tf_ms, default_min_interval_ms(tf_ms));
}

Status BarSchedule::add(uint32_t stream, int64_t tf_ms, int64_t min_interval_ms) {
  const std::string who = "schedule: stream " + std::to_string(stream);
  if (tf_ms <= 0 || tf_ms > kMaxPeriodMs)
    return make_error(Errc::invalid_input, who + ": timeframe must be positive, got " +
                                               std::to_string(tf_ms) + " ms");
  if (min_interval_ms < 0 || min_interval_ms > kMaxPeriodMs)
    return make_error(Errc::invalid_input, who + ": minimum interval out of range: " +
                                               std::to_string(min_interval_ms) + " ms");
  auto it = std::lower_bound(entries_.begin(), entries_.end(), stream,
                             [](const Entry& e, uint32_t s) { return e.stream < s; });
  if (it != entries_.end() && it->stream == stream)
    return make_error(Errc::invalid_input, who + ": already scheduled");
  Entry e;
  e.stream = stream;
  e.tf_ms = tf_ms;
  e.min_interval_ms = min_interval_ms;
  entries_.insert(it, e);
  return Status::OK();
}

const BarSchedule::Entry* BarSchedule::find(uint32_t stream) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), stream,
                             [](const Entry& e, uint32_t s) { return e.stream < s; });
  return (it != entries_.end() && it->stream == stream) ? &*it : nullptr;
}

BarSchedule::Entry* BarSchedule::find(uint32_t stream) {
  return const_cast<Entry*>(std::as_const(*this).find(stream));
}

int64_t BarSchedule::due_at(const Entry& e) const {
  if (e.forced || !e.last_check_ms) return kDueNow;
  const int64_t last = clamp_time_ms(*e.last_check_ms);
  // The check at `last` covered every bar closed (plus delay) by then; the
  // next one to wait for is the bar after that. Computing from the covered
  // close (not from each missed bar) makes an outage cost one check.
  const int64_t covered = bar_close_at_or_before(last - close_delay_ms_, e.tf_ms);
  const int64_t next_close = covered + e.tf_ms + close_delay_ms_;
  return std::max(next_close, last + e.min_interval_ms);
}

std::vector<uint32_t> BarSchedule::due(int64_t now_ms) const {
  std::vector<uint32_t> out;
  for (const auto& e : entries_)
    if (due_at(e) <= now_ms) out.push_back(e.stream);
  return out;
}

std::vector<uint32_t> BarSchedule::take_due(int64_t now_ms) {
  auto out = due(now_ms);
  for (uint32_t s : out) mark_checked(s, now_ms);
  return out;
}

bool BarSchedule::mark_checked(uint32_t stream, int64_t now_ms) {
  Entry* e = find(stream);
  if (!e) return false;
  e->forced = false;
  if (!e->last_check_ms || now_ms > *e->last_check_ms) e->last_check_ms = now_ms;
  return true;
}

void BarSchedule::run_now() {
  for (auto& e : entries_) e.forced = true;
}

int64_t BarSchedule::next_due_ms(uint32_t stream) const {
  const Entry* e = find(stream);
  return e ? due_at(*e) : kNeverMs;
}

int64_t BarSchedule::next_wakeup_ms(int64_t now_ms) const {
  if (entries_.empty()) return kNeverMs;
  int64_t next = kNeverMs;
  for (const auto& e : entries_) next = std::min(next, due_at(e));
  return std::max(next, now_ms);
}

std::optional<int64_t> BarSchedule::last_check_ms(uint32_t stream) const {
  const Entry* e = find(stream);
  return e ? e->last_check_ms : std::nullopt;
}

int64_t BarSchedule::closed_bar_ms(uint32_t stream, int64_t now_ms) const {
  const Entry* e = find(stream);
  return e ? bar_close_at_or_before(clamp_time_ms(now_ms) - close_delay_ms_, e->tf_ms) : kNeverMs;
}

}  // namespace tn
