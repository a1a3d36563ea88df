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

#include "messages/envelope.hpp"

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
