// The daily jobs' CAF shell (actors/daily_jobs/daily_jobs.hpp).
#include <chrono>

#include <spdlog/spdlog.h>

#include "actors/daily_jobs/daily_jobs.hpp"
#include "common/clock.hpp"
#include "common/time.hpp"
#include "schedule/cron.hpp"
#include "schedule/market_calendar.hpp"

namespace tn {

namespace {

struct ScheduledJob {
  std::string asset_class;
  CronJob cron;
  bool check_calendar = false;  // equities: skip exchange holidays
  int64_t next_ms = kNeverMs;
};

struct DailyJobsState {
  DailyJobsSpec spec;
  std::vector<ScheduledJob> jobs;
  MarketCalendar calendar = MarketCalendar::always_open();
  uint64_t timer = 0;  // generation of the one live timer; older ticks are ignored
  static inline const char* name = "daily_jobs";
};
using DailyJobsSelf = DailyJobsActor::stateful_base<DailyJobsState>;

Result<RunSignalsBody> run_job(DailyJobsSelf* self, const std::string& asset_class,
                               std::optional<int64_t> day, int64_t data_ms) {
  auto& st = self->state;
  uint64_t last_seq = 0;
  auto body = st.spec.runner->run(asset_class, data_ms, day, st.spec.clock->now_ms(), last_seq);
  if (last_seq) caf::anon_send(st.spec.events, events_atom::value, last_seq);
  return body;
}

// One timer for the earliest next fire of all jobs.
void arm(DailyJobsSelf* self) {
  auto& st = self->state;
  int64_t next = kNeverMs;
  for (const ScheduledJob& j : st.jobs) next = std::min(next, j.next_ms);
  if (next == kNeverMs) return;
  const int64_t delay = std::max<int64_t>(next - st.spec.clock->now_ms(), 0);
  self->delayed_send(self, std::chrono::milliseconds(delay), cron_tick_atom::value, ++st.timer);
}

void fire_due(DailyJobsSelf* self) {
  auto& st = self->state;
  const int64_t now = st.spec.clock->now_ms();
  for (ScheduledJob& j : st.jobs) {
    if (j.next_ms > now) continue;
    j.next_ms = j.cron.next_after(now);
    if (j.check_calendar) {
      auto d = local_date(now, j.cron.zone_name());
      if (d && !st.calendar.is_trading_day(*d)) {
        spdlog::info("daily job {}: {} is not a trading day, no job", j.asset_class, format_civil_date(*d));
        continue;
      }
    }
    auto r = run_job(self, j.asset_class, std::nullopt, st.spec.data_time(now));
    if (r)
      spdlog::info("daily job {} {}: {} signals, {} recommendations ({} new), {} exits", j.asset_class,
                   r->date, r->signals, r->recommendations.size(), r->written, r->exits);
    else
      spdlog::error("daily job {}: {}", j.asset_class, r.error().message);
  }
  arm(self);
}

DailyJobsActor::behavior_type daily_jobs_impl(DailyJobsSelf* self, DailyJobsSpec spec) {
  auto& st = self->state;
  st.spec = std::move(spec);
  if (!st.spec.clock) st.spec.clock = system_clock_ptr();
  const BreakoutConfig& cfg = st.spec.runner->config();
  st.calendar = MarketCalendar::with_holidays(cfg.holidays);
  struct Plan { const BreakoutParams* p; const char* expr; const char* tz; bool cal; };
  for (Plan plan : {Plan{&cfg.equity, "30 16 * * 1-5", "America/New_York", true},
                    Plan{&cfg.crypto, "0 0 * * *", "UTC", false}}) {
    if (!plan.p->enabled) continue;
    auto cron = parse_cron(plan.expr, plan.tz);
    if (!cron) {
      spdlog::error("daily job {}: {}", plan.p->asset_class, cron.error().message);
      continue;
    }
    ScheduledJob j{plan.p->asset_class, std::move(*cron), plan.cal};
    j.next_ms = j.cron.next_after(st.spec.clock->now_ms());
    st.jobs.push_back(std::move(j));
  }
  arm(self);
  return {
      [=](cron_tick_atom, uint64_t gen) {
        if (gen != self->state.timer) return;  // superseded
        fire_due(self);
      },
      [=](run_signals_atom, const std::string& asset_class, const std::string& date) -> caf::result<std::string> {
        std::optional<int64_t> day;
        int64_t data_ms = self->state.spec.data_time(self->state.spec.clock->now_ms());
        if (!date.empty()) {
          auto d = parse_civil_date(date);
          if (!d) return to_caf_error(d.error());
          day = days_from_civil(*d);
          data_ms = (*day + 1) * kDayMs;  // the data up to the end of that day
        }
        auto r = run_job(self, asset_class, day, data_ms);
        if (!r) return to_caf_error(r.error());
        return encode(*r);
      },
  };
}

}  // namespace

DailyJobsActor spawn_daily_jobs(caf::actor_system& sys, DailyJobsSpec spec) {
  if (!spec.detached) return sys.spawn(daily_jobs_impl, std::move(spec));
  return sys.spawn<caf::detached>(daily_jobs_impl, std::move(spec));
}

}  // namespace tn
