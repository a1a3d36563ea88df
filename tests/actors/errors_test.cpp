#define BOOST_TEST_MODULE actors_errors
#include <boost/test/unit_test.hpp>

#include <caf/io/all.hpp>

#include "actors/pipeline.hpp"
#include "storage/store.hpp"
#include "tests/storage/test_util.hpp"

// An error an actor answers keeps its Errc and its message: in the same
// node (the arbiter reading the executor's answer), and serialized by CAF
// (what a data node reads from the trading node's gateway).

using namespace tn;
using tn::storage::test::open_store;
using tn::storage::test::order;
using tn::storage::test::TempDir;

namespace {

constexpr Amount kUsdt = kAmountScale;
// A map this small fills after about a hundred orders (tests/storage).
constexpr uint64_t kTinyMap = 256 * 1024;
const std::string kFullMessage = "ledger full: LMDB map size (0.25 MiB) reached; raise [node] db_map_size_mb";

struct System {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  explicit System(bool network = false) {
    add_tn_types(cfg);
    if (network) cfg.load<caf::io::middleman>();
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

// The paper broker over a ledger with a tiny map.
struct FullingLedger {
  TempDir dir;
  std::shared_ptr<storage::Store> store;
  FullingLedger() : store(open_store(dir.path, kTinyMap)) {
    BOOST_REQUIRE(store->ledger().init_account("acct", "USDT", 1000 * kUsdt).ok());
  }
  auto spawn_executor(caf::actor_system& sys) {
    return sys.spawn(executor_actor, store, std::string("acct"), std::string("USDT"), 10 * kUsdt, 0.001,
                     sys.groups().get_local("test.events"));
  }
};

// The i-th instant: one order, BUY and SELL in turn.
PlaceOrders instant(int i) {
  const double price = 20000.0 + 137.0 * (i % 50);
  return PlaceOrders{{i % 2 == 0 ? order("acct", kBuy, i, price, 50 * kUsdt) : order("acct", kSell, i, price)},
                     {}};
}

// Places instants until the executor answers an error; returns it.
template <class Handle>
caf::error place_until_refused(caf::actor_system& sys, const Handle& executor) {
  caf::scoped_actor self{sys};
  caf::error refused;
  for (int i = 0; i < 10000 && !refused; ++i)
    self->request(executor, std::chrono::seconds(10), instant(i))
        .receive([](OrderResults&) {}, [&](caf::error& e) { refused = std::move(e); });
  return refused;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_full_ledger_reaches_the_asker_as_storage_full_with_its_message) {
  System s;
  FullingLedger ledger;
  caf::error e = place_until_refused(*s.sys, ledger.spawn_executor(*s.sys));
  BOOST_REQUIRE(e);
  const Error got = from_caf_error(*s.sys, e);
  BOOST_TEST(got.code == Errc::storage_full);
  BOOST_TEST(got.message == kFullMessage);
  // The operator's wording, through CAF's renderer as through Error.
  BOOST_TEST(s.sys->render(e) == "storage full: " + kFullMessage);
}

BOOST_AUTO_TEST_CASE(storage_full_survives_the_binary_serializer) {
  System s;
  const caf::error sent = to_caf_error(make_error(Errc::storage_full, kFullMessage));
  std::vector<char> bytes;
  caf::binary_serializer sink{*s.sys, bytes};
  caf::error copy = sent;  // the serializer's inspect takes a mutable error
  BOOST_REQUIRE(!sink(copy));
  caf::error received;
  caf::binary_deserializer source{*s.sys, bytes};
  BOOST_REQUIRE(!source(received));
  const Error got = from_caf_error(*s.sys, received);
  BOOST_TEST(got.code == Errc::storage_full);
  BOOST_TEST(got.message == kFullMessage);
}

// Two actor systems in one process, the second reaching the first's
// executor through the middleman (TCP on loopback): the error crosses as
// it would between two nodes of a cluster.
BOOST_AUTO_TEST_CASE(storage_full_crosses_the_middleman_as_storage_full) {
  System trading(true), data(true);
  FullingLedger ledger;
  auto executor = ledger.spawn_executor(*trading.sys);
  BOOST_REQUIRE(place_until_refused(*trading.sys, executor));  // full from now on
  auto port = trading.sys->middleman().publish(executor, 0, "127.0.0.1");
  BOOST_REQUIRE_MESSAGE(port, (port ? "" : trading.sys->render(port.error())));
  auto remote = data.sys->middleman().remote_actor<decltype(executor)>("127.0.0.1", *port);
  BOOST_REQUIRE_MESSAGE(remote, (remote ? "" : data.sys->render(remote.error())));
  caf::error e = place_until_refused(*data.sys, *remote);
  BOOST_REQUIRE(e);
  const Error got = from_caf_error(*data.sys, e);
  BOOST_TEST(got.code == Errc::storage_full);
  BOOST_TEST(got.message == kFullMessage);
  caf::anon_send_exit(executor, caf::exit_reason::user_shutdown);
}

// CAF's own errors stay readable and, for a timeout, keep what they mean.
BOOST_AUTO_TEST_CASE(an_error_of_caf_itself_is_internal_or_timeout_in_cafs_words) {
  System s;
  const Error timeout = from_caf_error(*s.sys, caf::make_error(caf::sec::request_timeout));
  BOOST_TEST(timeout.code == Errc::timeout);
  BOOST_TEST(timeout.message == s.sys->render(caf::make_error(caf::sec::request_timeout)));
  const Error down = from_caf_error(*s.sys, caf::make_error(caf::sec::request_receiver_down));
  BOOST_TEST(down.code == Errc::internal);
  BOOST_TEST(!down.message.empty());
}
