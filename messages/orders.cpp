#include "messages/orders.hpp"

namespace tn {

std::string make_order_id(const std::string& account, int64_t bar_open_time_ms,
                          const std::string& symbol, const std::string& timeframe,
                          const std::string& side) {
  return account + ":" + std::to_string(bar_open_time_ms) + ":" + symbol + ":" + timeframe + ":" +
         side;
}

}  // namespace tn
