// `tradernode backtest`: the full actor pipeline over recorded bars on a
// simulated clock, as fast as it goes.
#include "tools/backtest.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "actors/pipeline.hpp"
#include "actors/publisher/zmq_publisher.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"
#include "tools/backtest_output.hpp"
#include "tools/node_loaders.hpp"
#include "tools/node_setup.hpp"
#include "tools/node_startup.hpp"
#include "tools/pipeline_spec.hpp"
#include "tools/worker_threads.hpp"

namespace tn {

namespace {

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Prints progress on a terminal (at most a few times a second).
ProgressSink::behavior_type progress_printer(ProgressSink::pointer) {
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return {
      [=](const Progress& p) {
        auto now = std::chrono::steady_clock::now();
        if (now - *last < std::chrono::milliseconds(250)) return;
        *last = now;
        std::fprintf(stderr, "\r  %llu bars ... sim time %lld s   ",
                     static_cast<unsigned long long>(p.bars),
                     static_cast<long long>(p.sim_time_ms / 1000));
      },
  };
}

// A backtest streams its events only when asked to: by default it binds no
// port, so any number run side by side and beside a node on the default
// endpoint. Null: nothing published (the event log and the files still get
// everything).
Result<std::shared_ptr<ZmqPublisher>> open_publisher(const Config& cfg, const BacktestOptions& opt) {
  if (!opt.publish && !cfg.backtest_publish) {
    if (cfg.wait_subscribers > 0)
      spdlog::warn("[bus] wait_subscribers ignored: a backtest publishes only with --publish "
                   "or [backtest] publish = true");
    return std::shared_ptr<ZmqPublisher>();
  }
  auto pub_r = ZmqPublisher::open(cfg.publish, static_cast<int>(cfg.send_hwm));
  if (!pub_r) return pub_r.error();
  std::shared_ptr<ZmqPublisher> pub = std::move(pub_r.value());
  if (cfg.wait_subscribers > 0) {
    auto n = pub->wait_subscribers(cfg.wait_subscribers, std::chrono::milliseconds(cfg.wait_ms));
    if (!opt.quiet) spdlog::info("{} of {} subscribers connected", n ? n.value() : 0, cfg.wait_subscribers);
  }
  return pub;
}

}  // namespace

int run_backtest(const BacktestOptions& opt) {
  auto cfg_r = load_config(opt.config_path);
  if (!cfg_r) return fail(2, cfg_r.error().message);
  Config cfg = std::move(cfg_r.value());
  for (const auto& d : opt.data)
    if (Status s = apply_data_override(cfg, d); !s) return fail(2, s.error().message);
  if (!opt.account_id.empty()) cfg.account_id = opt.account_id;

  // Cadence "close" cuts the bars into windows; "hourly" runs the replay's
  // checks (one per 1h close) flat out, so a replay equals it by design.
  Result<std::vector<std::shared_ptr<WindowPlanner>>> planners = std::vector<std::shared_ptr<WindowPlanner>>{};
  Result<Loaded> checks = Loaded{};
  if (cfg.hourly()) {
    checks = load_replay(cfg, cfg.shards, INT64_MIN);
    if (!checks) return fail(2, checks.error().message);
  } else {
    planners = load_planners(cfg);
    if (!planners) return fail(2, planners.error().message);
  }

  std::error_code ec;
  std::filesystem::create_directories(opt.out_dir, ec);
  if (ec) return fail(1, "cannot create " + opt.out_dir + ": " + ec.message());
  // A backtest starts from a clean ledger every time: same input, same output.
  // Its own OUT/ledger.lmdb is replaced; a --db-path given by hand is never
  // deleted (it could be a live node's ledger): it must be new or empty.
  const std::string db = opt.db_path.empty() ? opt.out_dir + "/ledger.lmdb" : opt.db_path;
  if (!opt.db_path.empty() && std::filesystem::exists(db, ec) && !std::filesystem::is_empty(db, ec))
    return fail(2, "--db-path " + db + " is not empty: a backtest needs a fresh ledger");
  // Nothing of an earlier run stays beside this one's results.
  if (Status s = clear_backtest_outputs(opt.out_dir, opt.db_path); !s) return fail(1, s.error().message);
  storage::OpenOptions so;
  so.path = db;
  so.map_size_bytes = cfg.db_map_size_mb << 20;
  so.durable = cfg.db_durable;
  so.node = cfg.node_name;
  auto store_r = storage::Store::open(so);
  if (!store_r) return fail(1, store_r.error().message);
  std::shared_ptr<storage::Store> store = std::move(store_r.value());
  if (Status s = store->ledger().init_account(cfg.account_id, cfg.quote, to_amount(cfg.starting_balance)); !s)
    return fail(1, s.error().message);

  auto pub = open_publisher(cfg, opt);
  if (!pub) return fail(1, pub.error().message);

  caf::actor_system_config caf_cfg;
  add_tn_types(caf_cfg);
  set_worker_threads(caf_cfg, cfg.threads);
  caf::actor_system sys{caf_cfg};

  PipelineSpec spec = pipeline_spec(cfg, store, pub.value());
  spec.planners = planners.value();
  spec.readers = checks->readers;
  spec.scheduler = checks->scheduler;
  if (!opt.quiet && isatty(STDERR_FILENO)) spec.progress = sys.spawn(progress_printer);
  // A backtest's notifications (thousands of trades) are on the log only
  // when asked for; the summary always is.
  if (!opt.verbose) spdlog::set_level(spdlog::level::warn);
  Pipeline p = spawn_pipeline(sys, spec);

  NodeStartEvent start{"backtest", cfg.account_id, {}, format_amount(to_amount(cfg.starting_balance))};
  for (const auto& s : spec.streams) start.watchlist.push_back(s.symbol + ":" + s.timeframe);
  if (auto seq = store->events().append({topic::node_start, encode(start), wall_ns()}))
    caf::anon_send(p.events, events_atom::value, seq.value());

  const auto t0 = std::chrono::steady_clock::now();
  int code = 0;
  RunResult result;
  if (auto r = run_to_end(sys, p))
    result = std::move(r.value());
  else
    code = fail(1, "backtest stopped: " + r.error().to_string());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (spec.progress) std::fprintf(stderr, "\r%60s\r", "");

  MeasuredRun measured;
  if (code == 0) {
    if (auto closes = load_closes(cfg))
      measured = measure_run(result, closes.value(), cfg.starting_balance, cfg.fee_rate);
    else
      code = fail(1, closes.error().message);
  }
  BacktestSummary summary = summarize(result, seconds, cfg.starting_balance);
  std::vector<storage::EventLog::Draft> tail;
  if (code == 0) tail.push_back({topic::backtest_summary, encode(summary), wall_ns()});
  tail.push_back({topic::node_stop, encode(NodeStopEvent{code == 0 ? "backtest finished" : "backtest failed"}), wall_ns()});
  if (auto seqs = store->events().append_batch(tail)) caf::anon_send(p.events, events_atom::value, seqs->back());
  flush_events(sys, p);
  stop_pipeline(p);
  if (spec.progress) caf::anon_send_exit(spec.progress, caf::exit_reason::user_shutdown);
  if (!opt.quiet) spdlog::set_level(spdlog::level::info);
  if (code != 0) return code;

  if (Status s = write_backtest_files(opt.out_dir, cfg.account_id, result, summary, measured); !s)
    return fail(1, s.error().message);
  if (opt.report)
    if (Status s = write_backtest_report(opt.out_dir, opt.config_path, cfg, result, summary, measured); !s)
      return fail(1, s.error().message);
  if (!opt.quiet)
    spdlog::info("backtest: {} bars, {} signals, {} trades, {} rejected; final equity {} {} "
                 "(max drawdown {:.2f}%) in {:.3f} s -> {}",
                 summary.bars, summary.signals, summary.trades, summary.rejected,
                 summary.final_equity, cfg.quote, summary.max_drawdown * 100, seconds, opt.out_dir);
  return 0;
}

}  // namespace tn
