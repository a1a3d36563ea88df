#include "notify/email.hpp"

#include <curl/curl.h>

#include <cstring>

#include "common/clock.hpp"
#include "notify/templates.hpp"

namespace tn::notify {

namespace {

std::string base64(std::string_view in, size_t line = 76) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t col = 0;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += i + 1 < in.size() ? k[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k[v & 63] : '=';
    if (line && (col += 4) >= line) out += "\r\n", col = 0;
  }
  if (line && col) out += "\r\n";
  return out;
}

// A header value: CR/LF removed (no header injection); non-ASCII or long
// text as RFC 2047 encoded words of whole UTF-8 characters.
std::string header_text(std::string_view s) {
  std::string clean;
  bool ascii = true;
  for (char c : s) {
    if (c == '\r' || c == '\n') c = ' ';
    if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
    clean += c;
  }
  if (ascii && clean.size() <= 200) return clean;
  std::string out;
  for (size_t i = 0; i < clean.size();) {
    size_t j = std::min(clean.size(), i + 45);
    while (j < clean.size() && (static_cast<unsigned char>(clean[j]) & 0xC0) == 0x80) --j;
    out += (out.empty() ? "" : "\r\n ") + std::string("=?UTF-8?B?") + base64(clean.substr(i, j - i), 0) + "?=";
    i = j;
  }
  return out;
}

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t read_upload(char* buf, size_t size, size_t n, void* p) {
  auto* u = static_cast<Upload*>(p);
  const size_t len = std::min(size * n, u->data->size() - u->pos);
  std::memcpy(buf, u->data->data() + u->pos, len);
  u->pos += len;
  return len;
}

SendResult classify(CURLcode rc, long smtp_code, const char* detail) {
  std::string what = std::string(curl_easy_strerror(rc));
  if (detail && *detail) what += " (" + std::string(detail) + ")";
  if (smtp_code) what += ", last SMTP reply " + std::to_string(smtp_code);
  switch (rc) {
    case CURLE_OK: return SendResult::ok();
    case CURLE_LOGIN_DENIED: return SendResult::permanent("SMTP login refused: " + what);
    case CURLE_USE_SSL_FAILED:
      return SendResult::permanent("SMTP server does not offer STARTTLS: " + what);
    case CURLE_PEER_FAILED_VERIFICATION:
      return SendResult::permanent("SMTP server certificate not trusted: " + what);
    default: break;
  }
  if (smtp_code >= 500 && smtp_code < 600) return SendResult::permanent("SMTP server refused: " + what);
  return SendResult::retry("SMTP delivery failed: " + what);
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

Status check_email_options(const EmailOptions& o) {
  auto bad = [](const std::string& w) { return Status(make_error(Errc::invalid_input, "email: " + w)); };
  if (o.host.empty() || has_crlf(o.host) || o.host.find('/') != std::string::npos) return bad("host is missing or invalid");
  if (o.port <= 0 || o.port > 65535) return bad("port must be 1..65535");
  if (o.from.find('@') == std::string::npos || has_crlf(o.from) || o.from.find_first_of("<> ") != std::string::npos)
    return bad("from must be an address like bot@example.com");
  if (o.recipients.empty()) return bad("no recipients");
  for (const auto& r : o.recipients)
    if (r.find('@') == std::string::npos || has_crlf(r) || r.find_first_of("<>, ") != std::string::npos)
      return bad("recipient '" + r + "' is not an address");
  if (o.tls != "starttls" && o.tls != "none") return bad("tls must be \"starttls\" or \"none\"");
  if (o.tls == "none" && !is_loopback_host(o.host))
    return bad("tls = \"none\" is only allowed for a loopback host (127.0.0.1, ::1, localhost), not '" + o.host + "'");
  return Status::OK();
}

std::string message_id(uint64_t id, const EmailOptions& o) {
  const std::string domain = o.from.substr(o.from.find('@') + 1);
  return "<tn." + std::to_string(id) + "." + o.node + "@" + domain + ">";
}

std::string build_mime(const Message& m, const EmailOptions& o) {
  const std::string boundary = "=_tn_alt_" + std::to_string(m.id);  // "=_" never occurs in base64
  std::string to;
  for (const auto& r : o.recipients) to += (to.empty() ? "" : ", ") + r;
  std::string name = header_text(o.from_name.empty() ? o.node : o.from_name);
  if (name.rfind("=?", 0) != 0) {  // a quoted string
    std::string q;
    for (char c : name) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    name = "\"" + q + "\"";
  }
  std::string s;
  s += "Date: " + rfc5322_date(m.queued_ms) + "\r\n";
  s += "From: " + name + " <" + o.from + ">\r\n";
  s += "To: " + to + "\r\n";
  s += "Subject: " + header_text(m.subject) + "\r\n";
  s += "Message-ID: " + message_id(m.id, o) + "\r\n";
  s += "X-Tradernode-Ref: " + std::to_string(m.id) + "\r\n";
  s += "MIME-Version: 1.0\r\n";
  s += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  s += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  s += base64(m.text);
  s += "--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  s += base64(m.html);
  s += "--" + boundary + "--\r\n";
  return s;
}

EmailChannel::EmailChannel(EmailOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

SendResult EmailChannel::send(const Message& m) {
  if (Status s = check_email_options(options_); !s) return SendResult::permanent(s.error().message);
  CURL* c = curl_easy_init();
  if (!c) return SendResult::retry("libcurl could not start");
  const std::string url = "smtp://" + options_.host + ":" + std::to_string(options_.port);
  const std::string mime = build_mime(m, options_);
  const std::string from = "<" + options_.from + ">";
  curl_slist* rcpt = nullptr;
  for (const auto& r : options_.recipients) rcpt = curl_slist_append(rcpt, ("<" + r + ">").c_str());
  Upload up{&mime};
  char detail[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_USE_SSL, options_.tls == "none" ? static_cast<long>(CURLUSESSL_NONE)
                                                             : static_cast<long>(CURLUSESSL_ALL));
  if (!options_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(options_.timeout_ms, 10'000)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  const CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(c);
  return classify(rc, code, detail);
}

Status send_test_email(const EmailOptions& o) {
  if (Status s = check_email_options(o); !s) return s;
  Message m;
  m.id = static_cast<uint64_t>(wall_clock_ms());
  m.queued_ms = static_cast<int64_t>(m.id);
  m.type = "notify.test";
  m.subject = "tradernode test message";
  m.text = "This is a test message from tradernode node " + o.node + ": email delivery works.\n";
  m.html = html_page(m.subject, "<p>This is a test message from tradernode node <b>" + escape_html(o.node) +
                                    "</b>: email delivery works.</p>");
  EmailChannel ch(o);
  const SendResult r = ch.send(m);
  if (r.kind == SendResult::Kind::accepted) return Status::OK();
  return make_error(r.kind == SendResult::Kind::permanent ? Errc::rejected : Errc::io, r.error);
}

}  // namespace tn::notify
