#pragma once
// Outbox row -> Message: the plain text, HTML and Telegram variants of every
// notification, from the event bodies of messages/events.hpp and the
// payloads of daily_report.hpp. This is the notifier's Renderer.
#include <optional>
#include <string>

#include "notify/delivery.hpp"
#include "notify/templates.hpp"
#include "common/error.hpp"
#include "storage/outbox.hpp"

namespace tn::notify {

struct RenderOptions {
  std::string quote = "USDT";  // the account's quote currency, for trade values
  std::string node = "tradernode";
};

// nullopt for types with nothing to tell a person (signal.dropped, market.bar).
Result<std::optional<Message>> render_entry(const storage::OutboxEntry& entry,
                                            const RenderOptions& options = {});

// Pieces shared with the report writers (reports.cpp).
struct Field {
  std::string label, value;
};
// subject, fields (and extra HTML/text appended) -> the three variants.
Message compose(uint64_t id, const std::string& subject, const std::vector<Field>& fields,
                const mustache::data& extra, const std::string& extra_text_tmpl,
                const std::string& extra_html_tmpl);

}  // namespace tn::notify
