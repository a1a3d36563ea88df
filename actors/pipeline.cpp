// Spawns and wires the pipeline (see pipeline.hpp for the picture).
#include "actors/pipeline.hpp"

#include <chrono>

#include "actors/cluster/cluster_actors.hpp"
#include "common/clock.hpp"
#include "storage/store.hpp"

namespace tn {

ArbiterActor spawn_arbiter(caf::actor_system& sys, ArbiterCore core, uint32_t shards,
                           ExecutorActor executor, PortfolioActor portfolio,
                           std::shared_ptr<storage::Store> store, caf::group events,
                           ProgressSink progress, PauseMode pause, storage::LedgerRules rules);

std::string health_of(caf::scheduled_actor* self, const std::string& name, const Activity& a) {
  return encode(ActorHealth{name, self->mailbox().size(), a.last_ms});
}

std::vector<std::pair<std::string, HealthActor>> Pipeline::named() const {
  std::vector<std::pair<std::string, HealthActor>> out;
  if (scheduler) out.emplace_back("scheduler", scheduler);
  for (size_t i = 0; i < signals.size(); ++i) {
    const std::string n = std::to_string(i);
    if (remote_shards)
      out.emplace_back("shard_link." + n, shard_links[i]);
    else if (!check_fetchers.empty())
      out.emplace_back("fetcher." + n, check_fetchers[i]);
    else
      out.emplace_back("fetcher." + n, fetchers[i]);
    if (i < indicators.size()) out.emplace_back("indicator." + n, indicators[i]);
    out.emplace_back("signal." + n, signals[i]);
  }
  out.emplace_back("arbiter", arbiter);
  out.emplace_back("executor", executor);
  out.emplace_back("portfolio", portfolio);
  // Dynamically typed (group members), yet they answer health as the others.
  out.emplace_back("publisher", caf::actor_cast<HealthActor>(publisher));
  out.emplace_back("notifier", caf::actor_cast<HealthActor>(notifier));
  if (deliverer) out.emplace_back("deliverer", deliverer);
  return out;
}

Pipeline spawn_pipeline(caf::actor_system& sys, const PipelineSpec& spec) {
  Pipeline p;
  p.events = sys.groups().get_local("tradernode.events");
  const bool node_mode = !spec.readers.empty();
  const uint32_t shards = static_cast<uint32_t>(node_mode ? spec.readers.size() : spec.planners.size());
  Amount quote_balance = spec.starting_capital;
  if (spec.history.empty())
    if (auto b = spec.store->ledger().balance(spec.account, spec.quote)) quote_balance = b.value();

  // New events only: older ones are in the log for whoever asks.
  auto last = spec.store->events().last_seq();
  const uint64_t first_seq = last ? last.value() + 1 : 1;
  p.publisher = sys.spawn(publisher_actor, spec.publisher, spec.store, p.events, first_seq);
  if (spec.deliverer)
    p.deliverer = sys.spawn<caf::detached>(deliverer_actor, spec.store, spec.deliverer, spec.clock);
  p.notifier = sys.spawn(notifier_actor, spec.store, p.events, first_seq, p.deliverer);
  p.executor = sys.spawn(executor_actor, spec.store, spec.account, spec.quote,
                         spec.min_trade_value, spec.fee_rate, p.events);
  p.portfolio = sys.spawn(portfolio_actor, spec.streams, spec.quote, quote_balance, spec.history,
                          spec.status_interval_ms, spec.equity_interval_ms, spec.store, p.events,
                          spec.status_on_clock ? spec.clock : nullptr);
  p.arbiter = spawn_arbiter(sys, ArbiterCore(spec.streams, spec.account), shards, p.executor,
                            p.portfolio, spec.store, p.events, spec.progress, spec.pause,
                            {spec.min_trade_value, spec.fee_rate});
  std::vector<int32_t> periods;
  for (const auto& s : spec.streams) periods.push_back(s.ma_period);
  for (uint32_t i = 0; i < shards; ++i) {
    p.signals.push_back(
        sys.spawn(signal_actor, spec.streams, spec.equity_interval_ms, i, p.arbiter,
                  spec.publish_bars ? spec.store : nullptr, p.events));
    if (spec.remote_shards) {  // fetcher + indicator on a data node
      ShardLinkSpec ls{i, p.signals.back(), spec.store, p.events, {}, spec.resume_ms, spec.clock};
      for (size_t k = 0; k < spec.streams.size(); ++k)
        if (k < spec.stream_shard.size() && spec.stream_shard[k] == i)
          ls.streams.push_back(spec.streams[k].symbol + ":" + spec.streams[k].timeframe);
      p.shard_links.push_back(spawn_shard_link(sys, std::move(ls)));
      continue;
    }
    p.indicators.push_back(sys.spawn(indicator_actor, periods, p.signals.back()));
    if (!node_mode)
      p.fetchers.push_back(sys.spawn(fetcher_actor, spec.planners[i], p.indicators.back(), spec.credit));
    else if (spec.blocking_fetch)  // HTTP waits must not hold a scheduler worker
      p.check_fetchers.push_back(sys.spawn<caf::detached>(check_fetcher_actor, spec.readers[i],
                                                          p.indicators.back(), spec.streams, spec.store,
                                                          p.events, spec.clock));
    else
      p.check_fetchers.push_back(sys.spawn(check_fetcher_actor, spec.readers[i], p.indicators.back(),
                                           spec.streams, spec.store, p.events, spec.clock));
  }
  p.remote_shards = spec.remote_shards;
  if (node_mode) {  // the checks go to the check fetchers, or to the shard links
    std::vector<CheckTarget> targets(p.check_fetchers.begin(), p.check_fetchers.end());
    targets.insert(targets.end(), p.shard_links.begin(), p.shard_links.end());
    p.scheduler = spawn_scheduler(sys, spec.scheduler, std::move(targets), spec.replay_interval_ms,
                                  spec.store, spec.clock);
    // Late bars' retries go to the scheduler. Told before its start (from
    // the arbiter, after this returns), so before any check reaches a fetcher.
    for (const auto& f : p.check_fetchers) caf::anon_send(f, attach_atom::value, RetrySink(p.scheduler));
  }
  return p;
}

Result<RunResult> run_to_end(caf::actor_system& sys, const Pipeline& p) {
  caf::scoped_actor self{sys};
  Result<RunResult> out = make_error(Errc::internal, "no answer from the arbiter");
  // In the node modes the scheduler stands in for every shard's fetcher:
  // it gets the start and the acks (and paces the checks).
  std::vector<FeederActor> feeders(p.fetchers.begin(), p.fetchers.end());
  if (p.scheduler) feeders.assign(p.signals.size(), p.scheduler);
  self->request(p.arbiter, caf::infinite, run_atom::value, feeders)
      .receive([&](RunResult& r) { out = std::move(r); },
               [&](caf::error& e) { out = from_caf_error(sys, e); });
  return out;
}

void flush_events(caf::actor_system& sys, const Pipeline& p) {
  caf::scoped_actor self{sys};
  // The deliverer last: its final drain sends what the others just logged.
  for (const auto& a : {p.publisher, p.notifier, caf::actor_cast<caf::actor>(p.deliverer)})
    if (a)
      self->request(a, std::chrono::seconds(30), sync_atom::value)
        .receive([](bool) {}, [](caf::error&) {});
}

void stop_pipeline(const Pipeline& p) {
  auto stop = [](const auto& a) {
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  };
  stop(p.arbiter), stop(p.executor), stop(p.portfolio), stop(p.publisher), stop(p.notifier);
  stop(p.scheduler), stop(p.deliverer), stop(p.gateway);
  for (const auto& a : p.fetchers) stop(a);
  for (const auto& a : p.check_fetchers) stop(a);
  for (const auto& a : p.shard_links) stop(a);
  for (const auto& a : p.indicators) stop(a);
  for (const auto& a : p.signals) stop(a);
}

}  // namespace tn
