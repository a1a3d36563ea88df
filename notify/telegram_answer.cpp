// What a Telegram Bot API answer means for delivery. Separate from the
// channel (no libcurl here) so tests and the fuzz target feed it bodies.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "notify/telegram.hpp"

namespace tn::notify {

namespace {

// The longest wait a 429 may ask for; a larger retry_after is taken as this.
constexpr int64_t kMaxRetryAfterS = 86'400;

}  // namespace

SendResult telegram_answer(long status, const std::string& answer) {
  const auto json = nlohmann::json::parse(answer, nullptr, false);
  const std::string desc = json.is_object() && json.value("description", nlohmann::json()).is_string()
                               ? json["description"].get<std::string>()
                               : std::string("(no description)");
  // Found writing fuzz_telegram (its input reproduces it): json.value("ok", false) threw type_error when
  // "ok" was not a boolean; only a real true counts.
  const bool ok = json.is_object() && json.contains("ok") && json["ok"].is_boolean() &&
                  json["ok"].get<bool>();
  if (status == 200 && ok) return SendResult::ok();
  const std::string what = "Telegram API answered " + std::to_string(status) + ": " + desc;
  if (status == 429) {
    int64_t after_s = 1;
    if (json.is_object() && json.contains("parameters") && json["parameters"].is_object() &&
        json["parameters"].value("retry_after", nlohmann::json()).is_number_integer())
      // Clamped before * 1000: a huge retry_after overflowed (UBSan under fuzz_telegram).
      after_s = std::clamp<int64_t>(json["parameters"]["retry_after"].get<int64_t>(), 1,
                                    kMaxRetryAfterS);
    return SendResult::retry(what, after_s * 1000);
  }
  if (status == 400 || status == 401 || status == 403 || status == 404)
    return SendResult::permanent(what);
  return SendResult::retry(what);
}

}  // namespace tn::notify
