#include "notify/telegram.hpp"

#include <curl/curl.h>

#include <nlohmann/json.hpp>

namespace tn::notify {

namespace {

// UTF-16 code units of the UTF-8 sequence starting with byte c.
size_t units_of(unsigned char c) {
  if ((c & 0xC0) == 0x80) return 0;  // continuation byte
  return c >= 0xF0 ? 2 : 1;          // 4-byte sequences are surrogate pairs
}

// Name of the tag starting at s[i] == '<' ("b", "/b", "a"), and its end.
std::string tag_name(const std::string& tag) {
  size_t j = 1;
  std::string n;
  if (j < tag.size() && tag[j] == '/') n += tag[j++];
  while (j < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[j])) || tag[j] == '-')) n += tag[j++];
  return n;
}

// The tags still open at the end of part, given those open at its start.
std::vector<std::string> open_tags_after(const std::string& part, std::vector<std::string> open) {
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] != '<') continue;
    const size_t end = part.find('>', i);
    if (end == std::string::npos) break;
    const std::string tag = part.substr(i, end - i + 1);
    const std::string name = tag_name(tag);
    if (!name.empty() && name[0] == '/') {
      if (!open.empty()) open.pop_back();
    } else if (!name.empty() && tag[tag.size() - 2] != '/') {
      open.push_back(tag);
    }
    i = end;
  }
  return open;
}

size_t write_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

std::vector<std::string> split_telegram_html(const std::string& html, size_t max_units) {
  std::vector<std::string> parts;
  constexpr size_t kReserve = 64;  // room for the closing tags added at a cut
  max_units = std::max<size_t>(max_units, 2 * kReserve);
  std::vector<std::string> open;  // full opening tags carried into the next part
  size_t pos = 0;
  while (pos < html.size()) {
    std::string prefix;
    for (const auto& t : open) prefix += t;
    size_t used = 0;
    for (unsigned char c : prefix) used += units_of(c);
    const size_t budget = max_units - std::min(max_units - kReserve, used) - kReserve;
    size_t units = 0, cut = html.size(), last_nl = 0, last_space = 0, last_safe = 0;
    bool in_tag = false, in_entity = false;
    for (size_t i = pos; i < html.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(html[i]);
      const bool boundary = !in_tag && !in_entity && units_of(c) != 0;
      if (boundary && i > pos) last_safe = i;
      units += units_of(c);
      if (units > budget) {
        cut = last_nl > pos + budget / 2 ? last_nl : last_space > pos + budget / 2 ? last_space : last_safe;
        if (cut <= pos) {  // one tag or entity longer than the budget: cut after it
          cut = i + 1;
          while (cut < html.size() && (in_tag || in_entity || units_of(static_cast<unsigned char>(html[cut])) == 0)) {
            if (html[cut] == '>' ) in_tag = false;
            if (html[cut] == ';') in_entity = false;
            ++cut;
          }
        }
        break;
      }
      if (c == '<') in_tag = true;
      else if (c == '>' && in_tag) in_tag = false;
      else if (c == '&' && !in_tag) in_entity = true;
      else if (c == ';' && in_entity) in_entity = false;
      if (!in_tag && !in_entity && c == '\n') last_nl = i + 1;
      if (!in_tag && !in_entity && c == ' ') last_space = i + 1;
    }
    std::string part = prefix + html.substr(pos, cut - pos);
    open = open_tags_after(html.substr(pos, cut - pos), open);
    if (cut < html.size())
      for (auto it = open.rbegin(); it != open.rend(); ++it) part += "</" + tag_name(*it) + ">";
    parts.push_back(std::move(part));
    pos = cut;
  }
  return parts;
}

TelegramChannel::TelegramChannel(TelegramOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  curl_ = curl_easy_init();
}

TelegramChannel::~TelegramChannel() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

SendResult TelegramChannel::post(const std::string& text) {
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) return SendResult::retry("libcurl could not start");
  curl_easy_reset(c);
  const std::string url = options_.base_url + "/bot" + options_.token + "/sendMessage";
  const std::string body = nlohmann::json{{"chat_id", options_.chat_id},
                                          {"text", text},
                                          {"parse_mode", "HTML"},
                                          {"disable_web_page_preview", true}}
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string answer;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(options_.timeout_ms, 10'000)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK)  // curl's message names no URL, so the token stays out of it
    return SendResult::retry(std::string("Telegram API unreachable: ") + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  return telegram_answer(status, answer);
}

SendResult TelegramChannel::send(const Message& m) {
  if (m.id != partial_id_) partial_id_ = m.id, parts_done_ = 0;
  const auto parts = split_telegram_html(m.chat_html, options_.max_units);
  for (size_t i = parts_done_; i < parts.size(); ++i) {
    SendResult r = post(parts[i]);
    if (r.kind != SendResult::Kind::accepted) {
      if (parts.size() > 1) r.error += " (part " + std::to_string(i + 1) + " of " + std::to_string(parts.size()) + ")";
      return r;
    }
    parts_done_ = i + 1;
  }
  partial_id_ = 0;
  parts_done_ = 0;
  return SendResult::ok();
}

}  // namespace tn::notify
