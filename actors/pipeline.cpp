// Spawns and wires the pipeline (see pipeline.hpp for the picture).
#include "actors/pipeline.hpp"

#include <chrono>

#include "actors/cluster/cluster_actors.hpp"
#include "storage/store.hpp"

namespace tn {

caf::actor spawn_arbiter(caf::actor_system& sys, ArbiterCore core, uint32_t shards,
                         caf::actor executor, caf::actor portfolio,
                         std::shared_ptr<storage::Store> store, caf::group events,
                         caf::actor progress, PauseMode pause, storage::LedgerRules rules);

std::string health_of(caf::scheduled_actor* self, const std::string& name, const Activity& a) {
  return encode(ActorHealth{name, self->mailbox().size(), a.last_ms});
}

std::vector<std::pair<std::string, caf::actor>> Pipeline::named() const {
  std::vector<std::pair<std::string, caf::actor>> out;
  if (scheduler) out.emplace_back("scheduler", scheduler);
  for (size_t i = 0; i < fetchers.size(); ++i) {
    const std::string n = std::to_string(i);
    out.emplace_back((remote_shards ? "shard_link." : "fetcher.") + n, fetchers[i]);
    if (i < indicators.size()) out.emplace_back("indicator." + n, indicators[i]);
    out.emplace_back("signal." + n, signals[i]);
  }
  for (const auto& [n, a] : {std::pair{"arbiter", arbiter}, {"executor", executor},
                             {"portfolio", portfolio}, {"publisher", publisher},
                             {"notifier", notifier}})
    out.emplace_back(n, a);
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
                          spec.status_interval_ms, spec.equity_interval_ms, spec.store, p.events);
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
      p.fetchers.push_back(spawn_shard_link(sys, std::move(ls)));
      continue;
    }
    p.indicators.push_back(sys.spawn(indicator_actor, periods, p.signals.back()));
    if (!node_mode)
      p.fetchers.push_back(sys.spawn(fetcher_actor, spec.planners[i], p.indicators.back(), spec.credit));
    else if (spec.blocking_fetch)  // HTTP waits must not hold a scheduler worker
      p.fetchers.push_back(sys.spawn<caf::detached>(check_fetcher_actor, spec.readers[i],
                                                    p.indicators.back(), spec.streams, spec.store, p.events));
    else
      p.fetchers.push_back(sys.spawn(check_fetcher_actor, spec.readers[i], p.indicators.back(),
                                     spec.streams, spec.store, p.events));
  }
  p.remote_shards = spec.remote_shards;
  if (node_mode)
    p.scheduler = spawn_scheduler(sys, spec.scheduler, p.fetchers, spec.replay_interval_ms, spec.store,
                                  spec.clock);
  return p;
}

std::string error_text(caf::actor_system& sys, const caf::error& e) {
  const caf::message& ctx = e.context();
  if (e.category() == caf::atom("system") && e.code() == static_cast<uint8_t>(caf::sec::runtime_error) &&
      ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return sys.render(e);
}

Result<RunResult> run_to_end(caf::actor_system& sys, const Pipeline& p) {
  caf::scoped_actor self{sys};
  Result<RunResult> out = make_error(Errc::internal, "no answer from the arbiter");
  // In the node modes the scheduler stands in for every shard's fetcher:
  // it gets the start and the acks (and paces the checks).
  std::vector<caf::actor> feeders = p.fetchers;
  if (p.scheduler) feeders.assign(p.fetchers.size(), p.scheduler);
  self->request(p.arbiter, caf::infinite, run_atom::value, feeders)
      .receive([&](RunResult& r) { out = std::move(r); },
               [&](caf::error& e) { out = make_error(Errc::internal, error_text(sys, e)); });
  return out;
}

void flush_events(caf::actor_system& sys, const Pipeline& p) {
  caf::scoped_actor self{sys};
  // The deliverer last: its final drain sends what the others just logged.
  for (const auto& a : {p.publisher, p.notifier, p.deliverer})
    if (a)
      self->request(a, std::chrono::seconds(30), sync_atom::value)
        .receive([](bool) {}, [](caf::error&) {});
}

void stop_pipeline(const Pipeline& p) {
  for (const auto& a : {p.arbiter, p.executor, p.portfolio, p.publisher, p.notifier, p.scheduler,
                        p.deliverer, p.gateway})
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  for (const auto* group : {&p.fetchers, &p.indicators, &p.signals})
    for (const auto& a : *group) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

}  // namespace tn
