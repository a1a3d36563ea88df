#include "notify/notify_setup.hpp"

#include <map>

namespace tn::notify {

storage::EventRouter make_event_router(const NotifyConfig& c, const ChannelPlan& plan) {
  // Precomputed per type: the router runs inside every event's write txn.
  auto table = std::make_shared<std::map<std::string, std::vector<std::string>, std::less<>>>();
  for (const auto& type : routed_types(c)) {
    auto chans = route_for(c, plan.on, type);
    if (!chans.empty()) (*table)[type] = std::move(chans);
  }
  if (table->empty()) return {};
  return [table](std::string_view type) {
    auto it = table->find(type);
    return it == table->end() ? std::vector<std::string>() : it->second;
  };
}

TelegramOptions telegram_options(const NotifyConfig& c, const EnvLookup& env) {
  TelegramOptions o;
  o.base_url = c.telegram.base_url;
  o.timeout_ms = c.telegram.timeout_ms;
  o.token = env("TELEGRAM_BOT_TOKEN");
  o.chat_id = env("TELEGRAM_CHAT_ID");
  return o;
}

EmailOptions email_options(const NotifyConfig& c, const std::string& node, const EnvLookup& env) {
  EmailOptions o;
  o.host = c.email.host;
  o.port = c.email.port;
  o.user = c.email.user;
  o.password = c.email.user.empty() ? std::string() : env("SMTP_PASSWORD");
  o.from = c.email.from;
  o.from_name = c.email.from_name;
  o.recipients = c.email.recipients;
  o.tls = c.email.tls;
  o.timeout_ms = c.email.timeout_ms;
  o.node = node;
  return o;
}

std::vector<std::unique_ptr<Channel>> make_channels(const NotifyConfig& c, const ChannelPlan& plan,
                                                    const std::string& node, const EnvLookup& env) {
  std::vector<std::unique_ptr<Channel>> out;
  for (const auto& name : plan.on) {
    if (name == "telegram") out.push_back(std::make_unique<TelegramChannel>(telegram_options(c, env)));
    if (name == "email") out.push_back(std::make_unique<EmailChannel>(email_options(c, node, env)));
  }
  return out;
}

DeliveryOptions delivery_options(const NotifyConfig& c) {
  DeliveryOptions o;
  o.backoff_initial_ms = c.backoff_initial_ms;
  o.backoff_max_ms = c.backoff_max_ms;
  return o;
}

}  // namespace tn::notify
