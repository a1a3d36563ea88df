#pragma once
// The part of a PipelineSpec every mode takes from the config the same way
// (backtest, replay, live); each mode then adds its data and driver.
#include <memory>

#include "actors/pipeline.hpp"
#include "config/config.hpp"
#include "tools/node_setup.hpp"

namespace tn {

inline PipelineSpec pipeline_spec(const Config& cfg, std::shared_ptr<storage::Store> store,
                                  std::shared_ptr<ZmqPublisher> pub) {
  PipelineSpec spec;
  spec.streams = stream_table(cfg);
  spec.store = std::move(store);
  spec.publisher = std::move(pub);
  spec.account = cfg.account_id;
  spec.quote = cfg.quote;
  spec.min_trade_value = to_amount(cfg.min_trade_value);
  spec.fee_rate = cfg.fee_rate;
  spec.equity_interval_ms = cfg.equity_interval_ms;
  spec.status_interval_ms = cfg.status_interval_ms;
  spec.publish_bars = cfg.publish_bars;
  return spec;
}

}  // namespace tn
