#pragma once
// From [notify] config + environment to working parts: the event router the
// Store writes outbox rows with, the channels, the deliverer's options. What
// the notifier actor and tradernode/traderctl call; plain C++.
#include <memory>
#include <string>
#include <vector>

#include "notify/delivery.hpp"
#include "notify/email.hpp"
#include "notify/telegram.hpp"
#include "config/notify_config.hpp"
#include "storage/outbox.hpp"

namespace tn::notify {

// For storage::OpenOptions::route_events: routed types of channels that are on.
storage::EventRouter make_event_router(const NotifyConfig& c, const ChannelPlan& plan);

// The delivering channels that are on (not "log": it reads the event log).
std::vector<std::unique_ptr<Channel>> make_channels(const NotifyConfig& c, const ChannelPlan& plan,
                                                    const std::string& node, const EnvLookup& env = process_env);

TelegramOptions telegram_options(const NotifyConfig& c, const EnvLookup& env = process_env);
EmailOptions email_options(const NotifyConfig& c, const std::string& node, const EnvLookup& env = process_env);
DeliveryOptions delivery_options(const NotifyConfig& c);

}  // namespace tn::notify
