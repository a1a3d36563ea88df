// Helpers shared by the providers (source.hpp).
#include <cctype>
#include <cstdio>

#include "market/source.hpp"

namespace tn::market {

std::string url_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

namespace {
// "https://host:port" of a URL (scheme and authority), lower-cased.
std::string origin(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return {};
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  std::string o = url.substr(0, path);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}
}  // namespace

// Equity tickers: letters, digits, '.', '-' (BRK.B), 1-12 characters, upper case.
MarketResult<std::string> equity_ticker(const char* provider, const std::string& symbol) {
  std::string t;
  for (char c : symbol) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'))
      return MarketError{MarketErrc::validation, std::string(provider) + ": \"" + symbol + "\" is not a ticker"};
    t.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (t.empty() || t.size() > 12)
    return MarketError{MarketErrc::validation, std::string(provider) + ": \"" + symbol + "\" is not a ticker"};
  return t;
}

bool same_origin(const std::string& url, const std::string& base_url) {
  const std::string a = origin(url);
  return !a.empty() && a == origin(base_url);
}

std::string describe_status(const HttpRequest& req, const HttpResponse& r) {
  std::string head = r.body.substr(0, 200);
  for (char& c : head)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return "HTTP " + std::to_string(r.status) + " from " + req.label + (head.empty() ? "" : ": " + head);
}

}  // namespace tn::market
