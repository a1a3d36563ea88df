#define BOOST_TEST_MODULE control_security
#include <boost/test/unit_test.hpp>

// Who may open and who may talk: loopback detection, the CURVE key file
// rules, and a ZAP handler that lets only the listed client keys in.
#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <string>

#include "control/client.hpp"
#include "control/security.hpp"
#include "control/server.hpp"
#include "tests/control/control_test_util.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tn;
using namespace tn::test;

namespace {

CurveKeyPair keypair() {
  auto k = make_curve_keypair();
  BOOST_REQUIRE_MESSAGE(k.ok(), (k.ok() ? "" : k.error().to_string()));
  return k.value();
}

std::string key_file(const TempDir& dir, const std::string& name, const std::string& secret,
                     mode_t mode) {
  const std::string path = dir.write(name, secret + "\n");
  BOOST_REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

ControlRequest status_request() {
  ControlRequest r;
  r.id = new_request_id();
  r.command = control_cmd::status;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(loopback_endpoints) {
  for (const char* e : {"tcp://127.0.0.1:5556", "tcp://127.0.0.1:0", "tcp://127.1.2.3:1",
                        "tcp://localhost:5556", "tcp://[::1]:5556", "ipc:///tmp/x.sock",
                        "inproc://ctl"})
    BOOST_TEST(is_loopback_endpoint(e), e);
  for (const char* e : {"tcp://*:5556", "tcp://0.0.0.0:5556", "tcp://192.168.1.2:5556",
                        "tcp://128.0.0.1:5556", "tcp://127.0.0.256:1", "tcp://127.0.0:1",
                        "tcp://eth0:5556", "tcp://example.com:5556", "tcp://[::]:5556",
                        "ws://127.0.0.1:5556", "tcp://127.0.0.1", "", "127.0.0.1:5556"})
    BOOST_TEST(!is_loopback_endpoint(e), e);
}

BOOST_AUTO_TEST_CASE(non_loopback_without_curve_is_refused) {
  for (const char* e : {"tcp://0.0.0.0:0", "tcp://*:0"}) {
    auto s = ControlServer::open(e, {});
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST(s.error().code == Errc::invalid_input);
    BOOST_TEST(s.error().message.find("not loopback") != std::string::npos, s.error().message);
    BOOST_TEST(s.error().message.find("CURVE") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(secret_key_file_rules) {
  TempDir dir;
  const auto server = keypair(), client = keypair();
  ControlSecurity sec;
  sec.curve = true;
  sec.allowed_client_keys = {client.public_key};

  sec.secret_key_file = key_file(dir, "open.key", server.secret_key, 0644);
  auto r = ControlServer::open("tcp://127.0.0.1:0", sec);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("mode 0644") != std::string::npos, r.error().message);
  BOOST_TEST(r.error().message.find(server.secret_key) == std::string::npos);  // never leaked

  sec.secret_key_file = key_file(dir, "group.key", server.secret_key, 0640);
  BOOST_TEST(!ControlServer::open("tcp://127.0.0.1:0", sec).ok());

  sec.secret_key_file = dir.file("missing.key");
  auto missing = ControlServer::open("tcp://127.0.0.1:0", sec);
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().code == Errc::not_found);

  sec.secret_key_file = key_file(dir, "junk.key", "not a key", 0600);
  BOOST_TEST(!ControlServer::open("tcp://127.0.0.1:0", sec).ok());

  sec.secret_key_file = dir.path();  // a directory
  BOOST_TEST(!ControlServer::open("tcp://127.0.0.1:0", sec).ok());

  sec.secret_key_file = key_file(dir, "good.key", server.secret_key, 0600);
  sec.allowed_client_keys = {};
  auto none = ControlServer::open("tcp://127.0.0.1:0", sec);
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(none.error().message.find("no allowed client") != std::string::npos);
  sec.allowed_client_keys = {"short"};
  BOOST_TEST(!ControlServer::open("tcp://127.0.0.1:0", sec).ok());

  sec.allowed_client_keys = {client.public_key};
  auto ok = ControlServer::open("tcp://127.0.0.1:0", sec);
  BOOST_REQUIRE_MESSAGE(ok.ok(), (ok.ok() ? "" : ok.error().to_string()));
  BOOST_TEST(ok.value()->curve());
  BOOST_TEST(ok.value()->server_public_key() == server.public_key);

  sec.secret_key_file = key_file(dir, "ro.key", server.secret_key, 0400);
  BOOST_TEST(ControlServer::open("tcp://127.0.0.1:0", sec).ok());
}

BOOST_AUTO_TEST_CASE(curve_lets_only_allowed_clients_in) {
  TempDir dir;
  const auto server = keypair(), allowed = keypair(), stranger = keypair();
  ControlSecurity sec;
  sec.curve = true;  // forced on loopback for the test
  sec.secret_key_file = key_file(dir, "server.key", server.secret_key, 0600);
  sec.allowed_client_keys = {allowed.public_key};
  auto handler = std::make_shared<CannedHandler>();
  ServerThread st(open_server("tcp://127.0.0.1:0", sec), handler);

  // The allowed client, keys loaded the way traderctl loads them.
  const std::string client_file = key_file(dir, "client.key", allowed.secret_key, 0600);
  auto keys = load_curve_client_keys(server.public_key, client_file);
  BOOST_REQUIRE(keys.ok());
  BOOST_TEST(keys->client_public == allowed.public_key);
  auto r = call(st.endpoint(), status_request(), kWait, keys.value());
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  BOOST_TEST(r->ok);

  // Another key: refused in the handshake, so no answer at all.
  CurveClientKeys other{server.public_key, stranger.public_key, stranger.secret_key};
  auto refused = call(st.endpoint(), status_request(), 500ms, other);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().code == Errc::timeout);

  // No CURVE at all: the mechanisms do not match, no answer either.
  auto plain = call(st.endpoint(), status_request(), 500ms);
  BOOST_REQUIRE(!plain.ok());
  BOOST_TEST(plain.error().code == Errc::timeout);

  // The right client still gets in afterwards.
  BOOST_TEST(call(st.endpoint(), status_request(), kWait, keys.value()).ok());
  st.stop();
  BOOST_TEST(handler->seen().size() == 2u);
  BOOST_TEST(st.server().stats().zap_allowed >= 2u);
  BOOST_TEST(st.server().stats().zap_denied >= 1u);
}

BOOST_AUTO_TEST_CASE(non_loopback_with_curve_opens) {
  TempDir dir;
  const auto server = keypair(), client = keypair();
  ControlSecurity sec;  // curve not asked for: required by the endpoint
  sec.secret_key_file = key_file(dir, "server.key", server.secret_key, 0600);
  sec.allowed_client_keys = {client.public_key};
  auto s = ControlServer::open("tcp://0.0.0.0:0", sec);
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().to_string()));
  BOOST_TEST(s.value()->curve());
  const std::string ep = s.value()->endpoint();
  const std::string port = ep.substr(ep.rfind(':') + 1);
  ServerThread st(std::move(s.value()), std::make_shared<CannedHandler>());
  CurveClientKeys keys{server.public_key, client.public_key, client.secret_key};
  auto r = call("tcp://127.0.0.1:" + port, status_request(), kWait, keys);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  BOOST_TEST(r->ok);
}

BOOST_AUTO_TEST_CASE(client_key_loading) {
  TempDir dir;
  const auto server = keypair(), client = keypair();
  BOOST_TEST(!load_curve_client_keys("bad", key_file(dir, "c.key", client.secret_key, 0600)).ok());
  BOOST_TEST(!load_curve_client_keys(server.public_key,
                                     key_file(dir, "o.key", client.secret_key, 0644)).ok());
  BOOST_TEST(is_z85_key(server.public_key));
  BOOST_TEST(!is_z85_key(std::string(40, '"')));  // right length, not Z85
  BOOST_TEST(curve_public_key(client.secret_key).value() == client.public_key);
}
