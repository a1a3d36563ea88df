#include "market/market_types.hpp"

namespace tn::market {

const char* market_errc_name(MarketErrc c) {
  switch (c) {
    case MarketErrc::fetch: return "fetch error";
    case MarketErrc::rate_limit: return "rate-limit error";
    case MarketErrc::validation: return "validation error";
    case MarketErrc::not_found: return "not found";
    case MarketErrc::unsupported: return "unsupported";
  }
  return "error";
}

Error MarketError::to_error() const {
  switch (kind) {
    case MarketErrc::fetch: return make_error(Errc::io, message);
    case MarketErrc::rate_limit: return make_error(Errc::busy, message);
    case MarketErrc::validation: return make_error(Errc::invalid_input, message);
    case MarketErrc::not_found: return make_error(Errc::not_found, message);
    case MarketErrc::unsupported: return make_error(Errc::invalid_input, message);
  }
  return make_error(Errc::internal, message);
}

}  // namespace tn::market
