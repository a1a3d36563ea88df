// What a Telegram Bot API answer means for delivery. Separate from the
// channel (no libcurl here) so tests and the fuzz target feed it bodies.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "actors/notifier/telegram.hpp"

namespace tn::notify {

SendResult telegram_answer(long status, const std::string& answer) {
  const auto json = nlohmann::json::parse(answer, nullptr, false);
  const std::string desc = json.is_object() && json.value("description", nlohmann::json()).is_string()
                               ? json["description"].get<std::string>()
                               : std::string("(no description)");
  if (status == 200 && json.is_object() && json.value("ok", false)) return SendResult::ok();
  const std::string what = "Telegram API answered " + std::to_string(status) + ": " + desc;
  if (status == 429) {
    int64_t after_s = 1;
    if (json.is_object() && json.contains("parameters") && json["parameters"].is_object() &&
        json["parameters"].value("retry_after", nlohmann::json()).is_number_integer())
      after_s = std::max<int64_t>(1, json["parameters"]["retry_after"].get<int64_t>());
    return SendResult::retry(what, after_s * 1000);
  }
  if (status == 400 || status == 401 || status == 403 || status == 404)
    return SendResult::permanent(what);
  return SendResult::retry(what);
}

}  // namespace tn::notify
