#include "market/json_fields.hpp"

#include <cmath>
#include <cstdlib>

namespace tn::market::json {

namespace {
[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw BadBody{(where.empty() ? "body" : where) + ": " + what};
}
std::string got(const json& v) { return std::string("got ") + v.type_name(); }
}  // namespace

json parse(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    std::string head = body.substr(0, 60);
    for (char& c : head)
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    bad("body", "not valid JSON (" + std::to_string(body.size()) + " bytes, starts \"" + head + "\")");
  }
  return j;
}

const json* optional_field(const json& obj, const char* key, const std::string& where) {
  if (!obj.is_object()) bad(where, std::string("expected an object, ") + got(obj));
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const json& field(const json& obj, const char* key, const std::string& where) {
  const json* v = optional_field(obj, key, where);
  if (!v) bad(where.empty() ? key : where + "." + key, "missing");
  return *v;
}

const json& element(const json& arr, size_t i, const std::string& where) {
  if (!arr.is_array()) bad(where, std::string("expected an array, ") + got(arr));
  if (i >= arr.size())
    bad(where, "expected at least " + std::to_string(i + 1) + " elements, got " +
                   std::to_string(arr.size()));
  return arr[i];
}

double number(const json& v, const std::string& where) {
  if (!v.is_number()) bad(where, "expected a number, " + got(v));
  const double d = v.get<double>();
  if (!std::isfinite(d)) bad(where, "not a finite number");
  return d;
}

double decimal_string(const json& v, const std::string& where) {
  if (!v.is_string()) bad(where, "expected a decimal string, " + got(v));
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 64) bad(where, "expected a decimal string, got \"" + s.substr(0, 64) + "\"");
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      bad(where, "expected a decimal string, got \"" + s + "\"");
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d))
    bad(where, "expected a decimal string, got \"" + s + "\"");
  return d;
}

int64_t integer(const json& v, const std::string& where) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) bad(where, "integer out of range");
    return static_cast<int64_t>(v.get<uint64_t>());
  }
  if (v.is_number_float()) {  // Polygon sends some integers as 1.6e12-style floats
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
    bad(where, "expected an integer, got " + std::to_string(d));
  }
  bad(where, "expected an integer, " + got(v));
}

std::string string(const json& v, const std::string& where) {
  if (!v.is_string()) bad(where, "expected a string, " + got(v));
  return v.get<std::string>();
}

}  // namespace tn::market::json
