#include "schedule/check_scheduler.hpp"

#include <algorithm>
#include <iterator>

namespace tn {

Result<CheckScheduler> CheckScheduler::make(const std::vector<CheckStream>& streams,
                                            const CheckSchedulerOptions& o) {
  if (o.shards == 0 || o.credit == 0)
    return make_error(Errc::invalid_input, "check scheduler needs shards >= 1 and credit >= 1");
  BarSchedule sched;
  for (const CheckStream& s : streams) {
    if (s.shard >= o.shards)
      return make_error(Errc::invalid_input, "stream " + std::to_string(s.stream) + " has shard " +
                                                 std::to_string(s.shard) + " of " +
                                                 std::to_string(o.shards));
    Status st = s.min_interval_ms < 0 ? sched.add(s.stream, s.tf_ms)
                                      : sched.add(s.stream, s.tf_ms, s.min_interval_ms);
    if (!st) return st.error();
    if (o.hourly && o.simulated && !s.check_times)
      return make_error(Errc::invalid_input, "stream " + std::to_string(s.stream) +
                                                 ": an hourly replay needs its check times (1h closes)");
  }
  if (o.hourly && o.check_every_ms <= 0) return make_error(Errc::invalid_input, "check_every must be > 0");
  auto sorted = streams;
  for (CheckStream& s : sorted)
    if (s.min_interval_ms < 0) s.min_interval_ms = default_min_interval_ms(s.tf_ms);
  std::sort(sorted.begin(), sorted.end(),
            [](const CheckStream& a, const CheckStream& b) { return a.stream < b.stream; });
  return CheckScheduler(std::move(sched), std::move(sorted), o);
}

CheckScheduler::CheckScheduler(BarSchedule sched, std::vector<CheckStream> streams,
                               CheckSchedulerOptions o)
    : sched_(std::move(sched)), streams_(std::move(streams)), opt_(o), clock_ms_(o.start_ms),
      cursor_(streams_.size(), 0) {
  // Hourly: the first check is at the data's first 1h close, not after it.
  if (opt_.hourly) clock_ms_ = o.start_ms == INT64_MIN ? INT64_MIN : o.start_ms - 1;
}

void CheckScheduler::resume(int64_t last_done_ms) {
  for (const CheckStream& s : streams_) sched_.mark_checked(s.stream, last_done_ms);
  last_tick_ = std::max(last_tick_, last_done_ms);
  if (opt_.simulated) clock_ms_ = std::max(clock_ms_, last_done_ms);
}

std::vector<CheckRequest> CheckScheduler::make_check(int64_t t, const std::vector<uint32_t>& due,
                                                     bool last) {
  const uint64_t id = ++sent_;
  std::vector<CheckRequest> out(opt_.shards);
  for (auto& r : out) {
    r.window = id;
    r.now_ms = t;
    r.last = last;
  }
  size_t i = 0;
  for (uint32_t stream : due) {  // both ascending
    while (i < streams_.size() && streams_[i].stream < stream) ++i;
    if (i == streams_.size()) break;
    out[streams_[i].shard].streams.push_back(stream);
    ++checks_[stream];
    ++total_checks_;
  }
  time_of_[id] = t;
  last_sent_ = last;
  return out;
}

std::optional<std::vector<CheckRequest>> CheckScheduler::next_check(int64_t now_ms) {
  if (last_sent_ || sent_ - acked_ >= opt_.credit) return std::nullopt;
  if (stop_) {
    // Ends the run: nothing new is read; the in-flight checks finish first.
    return make_check(opt_.simulated ? clock_ms_ : now_ms, {}, true);
  }
  if (opt_.hourly) return opt_.simulated ? next_hourly_sim() : next_hourly_live(now_ms);
  if (!opt_.simulated) {
    clock_ms_ = std::max(clock_ms_, now_ms);
    if (next_wakeup_ms(clock_ms_) > clock_ms_) return std::nullopt;
    std::vector<uint32_t> due = sched_.take_due(clock_ms_);
    const std::vector<uint32_t> again = take_retries(clock_ms_);
    std::vector<uint32_t> all;
    std::set_union(due.begin(), due.end(), again.begin(), again.end(), std::back_inserter(all));
    return make_check(clock_ms_, all, false);
  }
  int64_t t = kNeverMs;
  for (const CheckStream& s : streams_) t = std::min(t, sim_due_ms(s));
  if (t >= opt_.end_ms) return final_check();
  clock_ms_ = t;
  std::vector<uint32_t> due;
  for (const CheckStream& s : streams_)
    if (sim_due_ms(s) <= t) due.push_back(s.stream);
  for (uint32_t s : due) sched_.mark_checked(s, t);
  return make_check(t, due, false);
}

std::vector<CheckRequest> CheckScheduler::final_check() {
  // The data's last close: read everything left, of every stream, and end.
  clock_ms_ = opt_.end_ms == kNeverMs ? clock_ms_ : std::max(clock_ms_, opt_.end_ms);
  std::vector<uint32_t> all;
  for (const CheckStream& s : streams_) all.push_back(s.stream);
  for (uint32_t s : all) sched_.mark_checked(s, clock_ms_);
  return make_check(clock_ms_, all, true);
}

int64_t CheckScheduler::next_hourly_time(size_t index) {
  const std::vector<int64_t>& times = *streams_[index].check_times;
  size_t& i = cursor_[index];
  while (i < times.size() && (times[i] <= clock_ms_ || times[i] % opt_.check_every_ms != 0)) ++i;
  return i < times.size() ? times[i] : kNeverMs;
}

bool CheckScheduler::interval_passed(const CheckStream& s, int64_t t) const {
  const auto last = sched_.last_check_ms(s.stream);
  return !last || t - *last >= s.min_interval_ms;
}

std::optional<std::vector<CheckRequest>> CheckScheduler::next_hourly_sim() {
  for (;;) {  // ends: every round moves the clock forward or ends the run
    std::vector<int64_t> next(streams_.size());
    int64_t t = kNeverMs;
    for (size_t i = 0; i < streams_.size(); ++i) t = std::min(t, next[i] = next_hourly_time(i));
    if (t == kNeverMs) return final_check();
    clock_ms_ = t;
    std::vector<uint32_t> due;
    for (size_t i = 0; i < streams_.size(); ++i)
      if (next[i] == t && interval_passed(streams_[i], t)) due.push_back(streams_[i].stream);
    if (due.empty()) continue;  // every stream checked too recently: no check
    for (uint32_t s : due) sched_.mark_checked(s, t);
    return make_check(t, due, false);
  }
}

int64_t CheckScheduler::sim_due_ms(const CheckStream& s) const {
  return std::max({sched_.next_due_ms(s.stream), s.first_close_ms, clock_ms_});
}

std::optional<std::vector<CheckRequest>> CheckScheduler::next_hourly_live(int64_t now_ms) {
  clock_ms_ = std::max(clock_ms_, now_ms);
  // The check's time is its step boundary, not the moment the timer fired:
  // order ids and intervals stay on the grid. A node down for hours makes
  // one check at the current step, not one per missed step.
  const int64_t tick = floor_div(clock_ms_, opt_.check_every_ms) * opt_.check_every_ms;
  if (tick <= last_tick_ && !forced_) return std::nullopt;
  last_tick_ = std::max(last_tick_, tick);
  std::vector<uint32_t> due;
  for (const CheckStream& s : streams_)
    if (forced_ || interval_passed(s, tick)) due.push_back(s.stream);
  forced_ = false;
  if (due.empty()) return std::nullopt;
  for (uint32_t s : due) sched_.mark_checked(s, tick);
  return make_check(tick, due, false);
}

int64_t CheckScheduler::next_wakeup_ms(int64_t now_ms) const {
  if (opt_.hourly && !opt_.simulated && !last_sent_)
    return forced_ || last_tick_ == INT64_MIN ? std::max(clock_ms_, now_ms) : last_tick_ + opt_.check_every_ms;
  if (opt_.simulated || last_sent_) return kNeverMs;
  const int64_t now = std::max(clock_ms_, now_ms);
  int64_t next = sched_.next_wakeup_ms(now);
  for (const auto& [stream, at] : retries_) next = std::min(next, std::max(at, now));
  return next;
}

void CheckScheduler::retry(uint32_t stream, int64_t at_ms) {
  if (opt_.simulated || stop_ || last_sent_ || !sched_.contains(stream)) return;
  retries_[stream] = at_ms;
}

// The streams whose retry has come (ascending), forgotten once taken.
std::vector<uint32_t> CheckScheduler::take_retries(int64_t now_ms) {
  std::vector<uint32_t> out;
  for (auto it = retries_.begin(); it != retries_.end();) {
    if (it->second > now_ms) {
      ++it;
      continue;
    }
    out.push_back(it->first);
    it = retries_.erase(it);
  }
  return out;
}

std::optional<int64_t> CheckScheduler::ack(uint64_t window) {
  if (window <= acked_ || window > sent_) return std::nullopt;
  acked_ = window;
  auto it = time_of_.find(window);
  const int64_t t = it == time_of_.end() ? clock_ms_ : it->second;
  time_of_.erase(time_of_.begin(), time_of_.upper_bound(window));
  return t;
}

int64_t CheckScheduler::next_check_ms(const CheckStream& s, int64_t now_ms) const {
  if (last_sent_) return 0;
  // Replay: its next due time, or the data's end, where one last check reads
  // every stream.
  if (opt_.simulated) return std::min(sim_due_ms(s), opt_.end_ms);
  return std::max(sched_.next_due_ms(s.stream), std::max(clock_ms_, now_ms));
}

ScheduleView CheckScheduler::view(int64_t now_ms) const {
  ScheduleView v;
  v.now_ms = opt_.simulated ? clock_ms_ : now_ms;
  v.checks = total_checks_;
  for (const CheckStream& s : streams_) {
    ScheduleStream e;
    e.stream = s.stream;
    e.last_check_ms = sched_.last_check_ms(s.stream).value_or(0);
    auto it = checks_.find(s.stream);
    e.checks = it == checks_.end() ? 0 : it->second;
    e.next_check_ms = next_check_ms(s, now_ms);
    v.streams.push_back(e);
  }
  return v;
}

}  // namespace tn
