// `tradernode run`: the actor node driven by its scheduler (replay of the
// recorded bars at a set pace, through the same actors and schedule logic
// as live), with the control endpoint, graceful stop on SIGINT/SIGTERM and
// one node per database.
#include "tools/node_run.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/clock.hpp"
#include "control/server.hpp"
#include "actors/fetcher/live_feed.hpp"
#include "market/market_data.hpp"
#include "actors/daily_jobs/daily_jobs.hpp"
#include "notify/notify_setup.hpp"
#include "notify/render.hpp"
#include "actors/publisher/zmq_publisher.hpp"
#include "storage/store.hpp"
#include "tools/backtest_output.hpp"
#include "breakout/universe.hpp"
#include "tools/cluster_node.hpp"
#include "tools/node_control.hpp"
#include "tools/node_loaders.hpp"
#include "tools/node_setup.hpp"
#include "tools/node_startup.hpp"
#include "tools/pipeline_spec.hpp"

namespace tn {

namespace {

// Console, plus an appending file when [node] log_file is set (logrotate
// with copytruncate, or a restart, picks up the new file).
Status setup_logging(const Config& cfg, bool quiet) {
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  if (quiet) console->set_level(spdlog::level::warn);
  std::vector<spdlog::sink_ptr> sinks{console};
  if (!cfg.log_file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(cfg.log_file, false));
    } catch (const std::exception& e) {
      return make_error(Errc::io, "[node] log_file: " + std::string(e.what()));
    }
  }
  auto logger = std::make_shared<spdlog::logger>("tradernode", sinks.begin(), sinks.end());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return Status::OK();
}

template <class T>
std::optional<T> stored(storage::Store& store, const std::string& key) {
  auto v = store.state().get(key);
  if (!v || !*v) return std::nullopt;
  auto d = decode<T>(**v);
  if (!d) return std::nullopt;
  return *d;
}

PauseMode pause_from(const std::string& s) {
  return s == pause_mode::paused         ? PauseMode::paused
         : s == pause_mode::entries_only ? PauseMode::entries_only
                                         : PauseMode::running;
}

// The node's notification channels: one start line per channel (on or off
// and why), and the Deliverer over the outbox with the channels that are on
// (null when only the log channel is on).
std::shared_ptr<notify::Deliverer> make_deliverer(const Config& cfg, const ChannelPlan& plan,
                                                  storage::Store& store) {
  std::string on;
  for (const auto& c : plan.on) on += (on.empty() ? "" : ", ") + c;
  spdlog::info("notify: channels on: {}", on);
  // Off because a secret is missing from a configured channel: a warning.
  for (const auto& line : plan.off) {
    const bool configured = line.rfind("channel telegram", 0) == 0 ? cfg.notify.telegram.configured
                                                                    : cfg.notify.email.configured;
    if (configured) spdlog::warn("notify: {}", line);
    else spdlog::info("notify: {}", line);
  }
  auto channels = notify::make_channels(cfg.notify, plan, cfg.node_name);
  if (channels.empty()) return nullptr;
  notify::RenderOptions ro;
  ro.quote = cfg.quote;
  ro.node = cfg.node_name;
  auto d = std::make_shared<notify::Deliverer>(
      store.outbox(), [ro](const storage::OutboxEntry& e) { return notify::render_entry(e, ro); },
      notify::delivery_options(cfg.notify));
  for (auto& c : channels) d->add_channel(std::move(c));
  return d;
}

// --- daily breakout jobs ---------------------------------------
// The universes' recorded daily CSVs are loaded once; a job sees the bars
// closed by the replay's last decided check (node.resume_ms), or all of
// them before the replay decided anything. No breakout table: no actor.
Result<DailyJobsActor> start_daily_jobs(caf::actor_system& sys, const Config& cfg,
                                    std::shared_ptr<storage::Store> store, caf::group events) {
  if (!cfg.breakout.equity.enabled && !cfg.breakout.crypto.enabled) return DailyJobsActor{};
  auto loaded = std::make_shared<std::map<std::string, DailyUniverse>>();
  for (const BreakoutParams* p : {&cfg.breakout.equity, &cfg.breakout.crypto}) {
    if (!p->enabled) continue;
    auto u = load_daily_universe(cfg, *p, {});
    if (!u) return u.error();
    (*loaded)[p->asset_class] = std::move(*u);
  }
  UniverseProvider provider = [loaded](const BreakoutParams& p, int64_t) -> Result<DailyUniverse> {
    return loaded->at(p.asset_class);
  };
  auto runner = DailyRunner::make(store, cfg.breakout, std::move(provider));
  if (!runner) return runner.error();
  DailyJobsSpec spec;
  spec.runner = std::move(*runner);
  spec.events = events;
  spec.data_time = [store](int64_t wall) { return stored<int64_t>(*store, kResumeKey).value_or(wall); };
  return spawn_daily_jobs(sys, std::move(spec));
}

}  // namespace

int run_node(const RunOptions& opt) {
  auto cfg_r = load_config(opt.config_path);
  if (!cfg_r) return fail(2, cfg_r.error().message);
  Config cfg = std::move(cfg_r.value());
  if (!opt.account_id.empty()) cfg.account_id = opt.account_id;
  if (!opt.db_path.empty()) cfg.db_path = opt.db_path;
  if (Status s = setup_logging(cfg, opt.quiet); !s) return fail(2, s.error().message);
  if (cfg.mode != "replay" && cfg.mode != "live")
    return fail(2, cfg.source_path + ": [node] mode = \"" + cfg.mode +
                       "\": `tradernode run` runs modes \"replay\" and \"live\"; backtests run "
                       "with `tradernode backtest`");

  if (cfg.cluster.role == "data") return run_data_node(cfg);  // fetchers + indicators of one shard

  std::function<void()> stop;  // set once the pipeline runs
  SignalWatcher signals([&](int) { stop(); });
  // Routed events get their outbox rows in their own commit (channels on only).
  const ChannelPlan plan = plan_channels(cfg.notify);
  auto db = open_node_database(cfg, notify::make_event_router(cfg.notify, plan));
  if (!db) return fail(1, db.error().message);
  std::shared_ptr<storage::Store> store = db->store;
  if (Status s = store->ledger().init_account(cfg.account_id, cfg.quote, to_amount(cfg.starting_balance)); !s)
    return fail(1, s.error().message);

  const bool trading = cfg.cluster.role == "trading";
  const uint32_t shards = trading ? cfg.cluster.shard_count  // one per data node
                                  : std::max<uint32_t>(1, std::min<uint32_t>(cfg.shards, static_cast<uint32_t>(cfg.watchlist.size())));
  // Checks up to here were decided before a restart: not again.
  const int64_t resume = stored<int64_t>(*store, kResumeKey).value_or(INT64_MIN);
  const bool live = cfg.mode == "live";
  auto loaded = live ? load_live(cfg, shards, resume) : load_replay(cfg, shards, resume);
  if (!loaded) return fail(2, loaded.error().message);
  auto history = store->ledger().orders(cfg.account_id);
  auto capital = store->ledger().starting_capital(cfg.account_id);
  if (!history || !capital) return fail(1, (!history ? history.error() : capital.error()).message);
  const std::string paused = stored<std::string>(*store, kPauseKey).value_or("");
  log_resumed_state(cfg, resume, paused, *capital);

  ControlSecurity sec;
  sec.curve = cfg.control_curve;
  sec.secret_key_file = cfg.control_secret_key_file;
  sec.allowed_client_keys = cfg.control_allowed_clients;
  auto control = ControlServer::open(cfg.control, sec);
  if (!control) return fail(2, "control endpoint: " + control.error().message);
  auto pub_r = ZmqPublisher::open(cfg.publish, static_cast<int>(cfg.send_hwm));
  if (!pub_r) return fail(1, pub_r.error().message);
  std::shared_ptr<ZmqPublisher> pub = std::move(pub_r.value());
  if (cfg.wait_subscribers > 0)
    (void)pub->wait_subscribers(cfg.wait_subscribers, std::chrono::milliseconds(cfg.wait_ms));

  PipelineSpec spec = pipeline_spec(cfg, store, pub);
  spec.readers = loaded->readers;
  spec.scheduler = loaded->scheduler;
  spec.replay_interval_ms = live ? 0 : cfg.replay_interval_ms;
  spec.blocking_fetch = live;
  spec.status_on_clock = live;
  spec.starting_capital = *capital;
  spec.history = std::move(*history);
  spec.deliverer = make_deliverer(cfg, plan, *store);
  spec.remote_shards = trading;
  spec.stream_shard = stream_shards(cfg, shards);
  if (resume != INT64_MIN) {
    spec.resume_ms = resume;
    spec.scheduler->resume(resume);
  }
  if (!paused.empty()) spec.pause = pause_from(paused);

  caf::actor_system_config caf_cfg;
  configure_node_actor_system(caf_cfg, cfg);
  caf::actor_system sys{caf_cfg};
  Pipeline p = spawn_pipeline(sys, spec);
  if (trading)  // the data nodes connect to the gateway; the run waits for them
    if (auto port = start_gateway(sys, cfg, p); !port) {
      stop_pipeline(p);
      return fail(1, port.error().message);
    }
  auto daily_jobs = start_daily_jobs(sys, cfg, store, p.events);  // daily breakout jobs
  if (!daily_jobs) {
    stop_pipeline(p);
    return fail(2, daily_jobs.error().message);
  }

  std::atomic<bool> stopping{false};
  std::mutex stop_mu;  // with stop_cv: wakes a node staying up after its data (at_end = "stay")
  std::condition_variable stop_cv;
  stop = [&] {
    {
      std::lock_guard<std::mutex> g(stop_mu);
      if (stopping.exchange(true)) return;
    }
    stop_cv.notify_all();
    caf::anon_send(p.scheduler, stop_atom::value);
    if (p.remote_shards)  // checks held for absent data nodes must not block the stop
      for (const auto& link : p.shard_links) caf::anon_send(link, stop_atom::value);
  };
  signals.start();

  const int64_t started = wall_clock_ms();
  std::atomic<bool> finished{false};  // the replay reached the end of its data
  NodeControlContext ctx{&sys, &p, store, cfg.mode, cfg.node_name, cfg.account_id, cfg.quote, {}, started, stop, {}, {}};
  ctx.finished = &finished;
  if (std::find(plan.on.begin(), plan.on.end(), "email") != plan.on.end())
    ctx.email = notify::email_options(cfg.notify, cfg.node_name);
  for (const auto& line : plan.off)
    if (line.rfind("channel email", 0) == 0) ctx.email_off = line;
  for (const auto& s : spec.streams) ctx.stream_names.push_back(s.symbol + ":" + s.timeframe);
  ctx.daily_jobs = *daily_jobs;  // daily breakout jobs

  // The start event: watchlist and capital (the portfolio's total value).
  {
    NodeStartEvent start{cfg.mode, cfg.account_id, ctx.stream_names, format_amount(*capital)};
    caf::scoped_actor self{sys};
    self->request(p.portfolio, std::chrono::seconds(5), view_atom::value, std::string("value"), uint32_t{0})
        .receive([&](std::string& v) { if (auto d = decode<std::string>(v)) start.capital = *d; },
                 [](caf::error&) {});
    if (auto seq = store->events().append({topic::node_start, encode(start), wall_clock_ms() * 1'000'000}))
      caf::anon_send(p.events, events_atom::value, seq.value());
  }
  spdlog::info("node {} ({}) on {}: {} streams, control {}, events {}{}", cfg.node_name, cfg.mode,
               cfg.db_path, spec.streams.size(), control.value()->endpoint(), cfg.publish,
               spec.resume_ms != INT64_MIN ? ", resuming after a restart" : "");

  std::atomic<bool> control_done{false};
  std::thread control_thread([&] {
    ControlServer& srv = *control.value();
    const ControlHandler handler = [&](const ControlRequest& req) { return handle_control(ctx, req); };
    while (!control_done.load()) {
      auto r = srv.poll_once(std::chrono::milliseconds(500), handler);
      if (!r) {
        spdlog::error("control endpoint: {}", r.error().message);
        break;
      }
    }
  });

  const auto t0 = std::chrono::steady_clock::now();
  int code = 0;
  RunResult result;
  if (auto r = run_to_end(sys, p))
    result = std::move(r.value());
  else
    code = fail(1, "node stopped: " + r.error().to_string());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BacktestSummary summary = summarize(result, seconds);
  std::vector<storage::EventLog::Draft> tail;
  if (code == 0) tail.push_back({topic::replay_summary, encode(summary), wall_clock_ms() * 1'000'000});
  // Ended by its data, not by a stop: status says finished from now on.
  if (code == 0 && !stopping) finished = true;
  // at_end = "stay": the summary now, then the control endpoint and the
  // stream serve on (status, positions, a slow subscriber's replay) until
  // traderctl stop or a signal. Waiting on a condition variable: no CPU.
  if (code == 0 && !stopping && cfg.at_end == "stay") {
    if (auto seqs = store->events().append_batch(tail)) caf::anon_send(p.events, events_atom::value, seqs->back());
    tail.clear();
    spdlog::info("end of the recorded data: staying up (at_end = \"stay\") until traderctl stop or a signal");
    std::unique_lock<std::mutex> lk(stop_mu);
    stop_cv.wait(lk, [&] { return stopping.load(); });
  }

  // The control thread stops before the last events: an action it is still
  // logging (the `stop` that ended the run, say) lands before node.stop,
  // which is always the log's last event.
  control_done = true;
  control_thread.join();
  const std::string why = code != 0 ? "failed" : stopping ? "stopped" : "end of the recorded data";
  tail.push_back({topic::node_stop, encode(NodeStopEvent{why}), wall_clock_ms() * 1'000'000});
  if (auto seqs = store->events().append_batch(tail)) caf::anon_send(p.events, events_atom::value, seqs->back());
  flush_events(sys, p);
  signals.finish();
  if (*daily_jobs) caf::anon_send_exit(*daily_jobs, caf::exit_reason::user_shutdown);
  stop_pipeline(p);
  if (code == 0)
    spdlog::info("node stopped ({}): {} bars, {} signals, {} trades, {} rejected in this run; "
                 "portfolio {} {}", why, summary.bars, summary.signals, summary.trades,
                 summary.rejected, summary.final_equity, cfg.quote);
  return code;
}

}  // namespace tn
