#pragma once
// The Telegram channel: Bot API sendMessage over HTTPS (libcurl), HTML parse
// mode. Answers: 200 ok = accepted; 429 = retry after the API's retry_after;
// 400/401/403/404 = permanent (bad chat id, bad token, bot blocked: more
// attempts cannot help); 5xx, timeouts, refused connections = retry.
#include <cstdint>
#include <string>
#include <vector>

#include "notify/delivery.hpp"

namespace tn::notify {

struct TelegramOptions {
  std::string base_url = "https://api.telegram.org";  // [notify.telegram] base_url
  std::string token;    // TELEGRAM_BOT_TOKEN: never logged, never in an error
  std::string chat_id;  // TELEGRAM_CHAT_ID
  int64_t timeout_ms = 15'000;    // whole request
  size_t max_units = 4096;        // Telegram's limit, in UTF-16 code units
};

// Splits Telegram HTML into parts of at most max_units UTF-16 code units
// each (counted on the raw HTML, which is never shorter than the text
// Telegram counts). Cuts prefer a newline, then a space; never inside a tag,
// an entity or a UTF-8 sequence. Tags open at a cut are closed at the end of
// the part and opened again at the start of the next.
std::vector<std::string> split_telegram_html(const std::string& html, size_t max_units);

// The meaning of one sendMessage answer (HTTP status and body, any bytes):
// accepted, retry (with the API's retry_after for 429) or permanent.
SendResult telegram_answer(long status, const std::string& answer);

class TelegramChannel : public Channel {
 public:
  explicit TelegramChannel(TelegramOptions options);
  ~TelegramChannel() override;
  std::string name() const override { return "telegram"; }
  SendResult send(const Message& m) override;

 private:
  SendResult post(const std::string& text);

  TelegramOptions options_;
  void* curl_ = nullptr;  // CURL*, reused (keeps the connection alive)
  // Parts of a split message already accepted, so a retry sends only the
  // rest (in memory: after a restart the message is sent whole again).
  uint64_t partial_id_ = 0;
  size_t parts_done_ = 0;
};

}  // namespace tn::notify
