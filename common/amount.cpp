#include "common/amount.hpp"

#include <cstdio>

namespace tn {

std::string format_amount(Amount a) {
  const bool neg = a < 0;
  // Work in unsigned to survive INT64_MIN.
  uint64_t u = neg ? uint64_t(0) - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%08llu", neg ? "-" : "",
                static_cast<unsigned long long>(u / kAmountScale),
                static_cast<unsigned long long>(u % kAmountScale));
  return buf;
}

}  // namespace tn
