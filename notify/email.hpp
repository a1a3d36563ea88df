#pragma once
// The email channel: SMTP via libcurl, STARTTLS (required) and AUTH, one
// multipart/alternative message (text + HTML) per notification. The
// Message-ID is derived from the outbox id, so a message re-sent after a
// crash is the same message to every mail client (and to a person reading).
// Answers: accepted after the server's 250 to the data; login refused,
// STARTTLS missing and 5xx replies are permanent; connection failures,
// drops, timeouts and 4xx replies are retried.
#include <cstdint>
#include <string>
#include <vector>

#include "notify/delivery.hpp"
#include "common/error.hpp"

namespace tn::notify {

struct EmailOptions {
  std::string host;
  int port = 587;
  std::string user;       // empty: no AUTH
  std::string password;   // SMTP_PASSWORD: never logged, never in an error
  std::string from;       // address
  std::string from_name;  // display name
  std::vector<std::string> recipients;
  std::string tls = "starttls";  // "starttls" | "none" (loopback hosts only)
  int64_t timeout_ms = 30'000;
  std::string node = "tradernode";  // in the Message-ID
};

// invalid_input naming what is wrong (no host, no recipients, tls "none"
// to a host that is not loopback, CR/LF in an address, ...).
Status check_email_options(const EmailOptions& o);
bool is_loopback_host(const std::string& host);

// The whole RFC 5322 message, CRLF line ends, both parts base64.
std::string build_mime(const Message& m, const EmailOptions& o);
// "<tn.42.NODE@example.com>" (the domain of `from`).
std::string message_id(uint64_t id, const EmailOptions& o);

class EmailChannel : public Channel {
 public:
  explicit EmailChannel(EmailOptions options);
  std::string name() const override { return "email"; }
  SendResult send(const Message& m) override;

 private:
  EmailOptions options_;
};

// Sends a short test message now (no outbox): OK or the server's error
// (`traderctl send-test-email`).
Status send_test_email(const EmailOptions& o);

}  // namespace tn::notify
