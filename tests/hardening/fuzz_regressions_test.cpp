// Inputs the fuzz targets (fuzz/) found crashing, kept as they were found
// (tests/fuzz_regressions/), each fed to the decoder that failed on it. The
// case names say what was found; the decoder must now answer with a value
// or an error.
#define BOOST_TEST_MODULE fuzz_regressions
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "notify/telegram.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/orders.hpp"
#include "storage/format.hpp"

namespace {

std::string regression(const std::string& name) {
  const char* src = std::getenv("TN_SOURCE_DIR");
  const std::string path = std::string(src ? src : ".") + "/tests/fuzz_regressions/" + name;
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

// fuzz_envelope: a map key that is not a string (an array holding a string
// with byte 0xFF) threw nlohmann's invalid-UTF-8 type_error out of
// envelope_to_json, which would end tradersub.
BOOST_AUTO_TEST_CASE(envelope_nonstring_key_with_invalid_utf8_prints) {
  const std::string bytes = regression("envelope-nonstring-key-invalid-utf8.bin");
  BOOST_REQUIRE(tn::decode_envelope(bytes).ok());
  auto json = tn::envelope_to_json(bytes);
  BOOST_REQUIRE(json.ok());
  // One valid JSON line, the bad bytes replaced, the rest of the envelope intact.
  const auto parsed = nlohmann::json::parse(*json);
  BOOST_TEST(parsed["node"] == "node-2");
  BOOST_TEST(parsed["seq"] == 1);
}

// fuzz_records: 31 bytes of nested array headers, each claiming 16M
// elements, made msgpack-c reserve 512 MB per level before reading any
// element (a corrupted LMDB value or a hostile envelope could exhaust
// memory). Counts are now limited by the bytes that could back them.
BOOST_AUTO_TEST_CASE(record_with_nested_huge_array_claims_is_refused_cheaply) {
  const std::string bytes = regression("record-nested-huge-array-claims.bin").substr(1);
  BOOST_TEST(!tn::decode<int64_t>(bytes).ok());
  BOOST_TEST(!tn::decode<tn::OrderResult>(bytes).ok());
  BOOST_TEST(!tn::decode<tn::storage::format::OutboxRecord>(bytes).ok());
  BOOST_TEST(!tn::decode_envelope(bytes).ok());
  const auto limits = tn::decode_limits(bytes.size());
  BOOST_TEST(limits.array() <= bytes.size());
  BOOST_TEST(limits.map() <= bytes.size());
}

// The size-fitted limits still take every real value: a large array, a
// full order record, nesting up to kMaxDecodeDepth (and refuse one deeper).
BOOST_AUTO_TEST_CASE(size_fitted_limits_keep_real_values) {
  std::vector<int64_t> many(200000);
  for (size_t i = 0; i < many.size(); ++i) many[i] = static_cast<int64_t>(i) * 1000003;
  auto back = tn::decode<std::vector<int64_t>>(tn::encode(many));
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(*back == many);

  tn::OrderResult r;
  r.request.order_id = "BTCUSDT:1d:1700000000000:BUY";
  r.request.price = 37000.5;
  r.filled = true;
  r.quantity = 270266;
  auto order = tn::decode<tn::OrderResult>(tn::encode(r));
  BOOST_REQUIRE(order.ok());
  BOOST_TEST(order->request.order_id == r.request.order_id);
  BOOST_TEST(order->quantity == r.quantity);

  const auto nested = [](size_t depth) {  // depth arrays around 1: [[...[1]...]]
    return std::string(depth, '\x91') + '\x01';
  };
  const auto unpack = [](const std::string& b) {
    size_t off = 0;
    return msgpack::unpack(b.data(), b.size(), off, nullptr, nullptr, tn::decode_limits(b.size()));
  };
  BOOST_CHECK_NO_THROW(unpack(nested(tn::kMaxDecodeDepth)));
  BOOST_CHECK_THROW(unpack(nested(tn::kMaxDecodeDepth + 1)), msgpack::depth_size_overflow);
}

// fuzz_telegram (first byte: status 200): {"ok":"yes"} made
// json.value("ok", false) throw type_error out of the channel. Only a real
// boolean true is accepted; anything else is retried.
BOOST_AUTO_TEST_CASE(telegram_answer_with_non_boolean_ok_is_retried) {
  const std::string body = regression("telegram-ok-not-boolean.bin").substr(1);
  const auto r = tn::notify::telegram_answer(200, body);
  BOOST_TEST(static_cast<int>(r.kind) == static_cast<int>(tn::notify::SendResult::Kind::retry));
  BOOST_TEST(static_cast<int>(tn::notify::telegram_answer(200, R"({"ok":true})").kind) ==
             static_cast<int>(tn::notify::SendResult::Kind::accepted));
}

// fuzz_telegram (first byte: status 429): retry_after = INT64_MAX overflowed
// after_s * 1000 (UBSan). The wait is clamped to one day.
BOOST_AUTO_TEST_CASE(telegram_429_with_huge_retry_after_waits_a_day) {
  const std::string body = regression("telegram-retry-after-overflow.bin").substr(1);
  const auto r = tn::notify::telegram_answer(429, body);
  BOOST_TEST(static_cast<int>(r.kind) == static_cast<int>(tn::notify::SendResult::Kind::retry));
  BOOST_TEST(r.retry_after_ms == 86'400'000);
  const auto neg = tn::notify::telegram_answer(429, R"({"ok":false,"parameters":{"retry_after":-5}})");
  BOOST_TEST(neg.retry_after_ms == 1000);
}
