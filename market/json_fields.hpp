#pragma once
// Strict reading of provider JSON: every field is looked up, type-checked
// and range-checked; anything else is a validation error naming the field
// ("results[3].o: expected a number, got string"). INTERNAL to market/:
// BadBody is thrown inside a parser and caught by read_body() at its edge.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "market/market_types.hpp"

namespace tn::market::json {

using nlohmann::json;

struct BadBody {
  std::string what;
};

json parse(const std::string& body);  // BadBody on invalid JSON
const json& field(const json& obj, const char* key, const std::string& where);
const json* optional_field(const json& obj, const char* key, const std::string& where);
const json& element(const json& arr, size_t i, const std::string& where);
double number(const json& v, const std::string& where);          // a JSON number
double decimal_string(const json& v, const std::string& where);  // "123.45" (Binance, Alpha Vantage)
int64_t integer(const json& v, const std::string& where);        // integral, also 1.6e12 as a float
std::string string(const json& v, const std::string& where);

// Runs parse_fn(); a BadBody becomes a validation MarketError "<provider>: <what>".
template <class F>
std::optional<MarketError> read_body(const char* provider, F&& parse_fn) {
  try {
    parse_fn();
    return std::nullopt;
  } catch (const BadBody& b) {
    return MarketError{MarketErrc::validation, std::string(provider) + ": " + b.what, 0};
  } catch (const std::exception& e) {  // nlohmann type errors we did not foresee
    return MarketError{MarketErrc::validation, std::string(provider) + ": " + e.what(), 0};
  }
}

}  // namespace tn::market::json
