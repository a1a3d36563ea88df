#define BOOST_TEST_MODULE integration_import_sqlite
// `tradernode import-sqlite` on databases the hourly daemon's way, made by
// Python's sqlite3 (make_daemon_db.py): the imported account as a node shows
// it (positions, profit, daily, verify), a replay node trading on from it,
// and every bad database refused with nothing written.
#include <cmath>
#include <filesystem>
#include <map>

#include <boost/test/unit_test.hpp>

#include "tests/integration/node_common.hpp"

using namespace tn;
using namespace tn::test;
namespace fs = std::filesystem;

namespace {

// A daemon database (broken one way with `defect`) and what the import must give.
nlohmann::json make_daemon_db(const std::string& path, const std::string& defect = "") {
  std::vector<std::string> argv{"/usr/bin/python3", source_dir() + "/tests/integration/make_daemon_db.py", path,
                                path + ".json"};
  if (!defect.empty()) argv.insert(argv.end(), {"--defect", defect});
  auto r = run_process(argv, std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "make_daemon_db.py exited with " << r.exit_code << ": " << r.output);
  return nlohmann::json::parse(read_file(path + ".json"));
}

ProcessResult import_sqlite(const std::string& sqlite, const std::string& db, const std::string& account = "acct-1") {
  return run_process({tradernode_bin(), "import-sqlite", "--sqlite", sqlite, "--account-id", account, "--db-path", db},
                     std::chrono::seconds(60));
}

nlohmann::json ctl_json(const NodeSetup& n, std::vector<std::string> args) {
  auto r = ctl(n, std::move(args));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return nlohmann::json::parse(r.output);
}

double number(const nlohmann::json& j) { return std::stod(j.get<std::string>()); }

// The ledger's journal of acct-1, read directly (no node running on it).
std::vector<OrderResult> journal(const std::string& db) {
  storage::OpenOptions o;
  o.path = db;
  o.durable = false;
  auto store = storage::Store::open(o);
  BOOST_REQUIRE_MESSAGE(store.ok(), (store.ok() ? std::string() : store.error().message));
  auto orders = (*store)->ledger().orders("acct-1");
  BOOST_REQUIRE(orders.ok());
  return *orders;
}

// The first `bars` daily bars of a symbol: fewer than the MA needs, so a
// node over them shows the imported account without trading.
std::string first_bars(const TempDir& t, const std::string& symbol, size_t bars) {
  std::istringstream in(read_file(data_dir() + "/binance/" + symbol + "-1d.csv"));
  std::string line, out;
  for (size_t i = 0; i <= bars && std::getline(in, line); ++i) out += line + "\n";
  return t.write(symbol + "-first.csv", out);
}

// Every file of an LMDB folder but the two that any open rewrites (LMDB's
// reader table and the node lock's pid), with their bytes.
std::map<std::string, std::string> folder_bytes(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    out[name] = name == "lock.mdb" || name == "node.lock" ? std::string() : read_file(e.path().string());
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_imported_account_is_what_a_node_shows_and_trades_on_from) {
  TempDir t;
  const std::string sqlite = t.file("daemon.sqlite");
  const auto want = make_daemon_db(sqlite);
  const std::string db = t.file("node.lmdb");  // make_node's db_path
  auto imp = import_sqlite(sqlite, db);
  BOOST_REQUIRE_MESSAGE(imp.exit_code == 0, imp.output);
  BOOST_TEST(imp.output.find(std::to_string(want["orders"].get<int>()) + " orders") != std::string::npos, imp.output);

  // The ledger: every daemon order under its own id, the daemon's balances.
  const auto imported = journal(db);
  BOOST_REQUIRE_EQUAL(imported.size(), want["orders"].get<size_t>());  // nothing held before its first order
  BOOST_TEST(imported.front().request.order_id == "sqlite:1");
  for (const auto& o : imported) BOOST_TEST(o.request.order_id.rfind("sqlite:", 0) == 0u);
  BOOST_TEST(format_amount(imported.back().quote_after) == want["balances"]["USDT"].get<std::string>());
  verify_offline(db, "acct-1");
  const auto log = read_log(db);
  BOOST_TEST(log.back().type == "import.summary");
  BOOST_TEST(std::count_if(log.begin(), log.end(), [](const LoggedEvent& e) { return e.type == "import.transaction"; }) ==
             want["transactions"].get<long>());

  // A node on it, over too few bars to trade: it shows the imported account.
  NodeSetup n = make_node(t.path(), {{"BTCUSDT", "1d", first_bars(t, "BTCUSDT", 5)}}, 0, "at_end = \"stay\"\n");
  {
    Child node = start_node(n);
    require_control(n, node);
    const auto positions = ctl_json(n, {"positions"})["positions"];
    BOOST_TEST(positions.size() == want["held"].size());
    for (const auto& p : positions) {
      const auto& held = want["held"][p["asset"].get<std::string>()];
      BOOST_TEST(p["quantity"] == held["quantity"], p.dump());
      BOOST_TEST(std::abs(number(p["cost"]) - number(held["cost"])) < 0.01, p.dump() << " vs " << held.dump());
    }
    const auto profit = ctl_json(n, {"profit"});
    BOOST_TEST(std::abs(number(profit["realized_total"]) - number(want["realized"])) < 0.05, profit.dump());
    BOOST_TEST(profit["symbols"].size() == 4u);  // every symbol the daemon traded
    BOOST_TEST(ctl(n, {"daily", "3"}).exit_code == 0);
    const auto v = ctl_json(n, {"verify"});
    BOOST_TEST(v["ledger_ok"] == true, v.dump());
    BOOST_TEST(v["chain_ok"] == true, v.dump());
    BOOST_TEST(v["orders_checked"] == want["orders"]);
    BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
    auto run = wait_process(node, std::chrono::seconds(30));
    BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  }

  // A replay node over the whole data trades on from the imported balances.
  std::vector<StreamSpec> streams;
  for (const char* s : {"BTCUSDT", "ETHUSDT", "SOLUSDT"})
    streams.push_back({s, "1d", data_dir() + "/binance/" + s + "-1d.csv"});
  n = make_node(t.path(), streams, 0);
  auto run = wait_process(start_node(n), std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  const auto after = journal(db);
  BOOST_REQUIRE(after.size() > imported.size() + 10);
  for (size_t i = 0; i < imported.size(); ++i) BOOST_TEST(after[i].request.order_id == imported[i].request.order_id);
  // Its first order starts from the daemon's last balances.
  const OrderResult& first = after[imported.size()];
  BOOST_REQUIRE(first.filled);
  const Amount quote_before = imported.back().quote_after;
  if (first.request.side == kBuy) {
    BOOST_TEST(first.quote_after == quote_before - first.value - first.fee);
  } else {  // a SELL sells the whole imported position
    BOOST_TEST(format_amount(first.quantity) == want["balances"][first.request.base].get<std::string>());
    BOOST_TEST(first.quote_after == quote_before + first.value - first.fee);
  }
  verify_offline(db, "acct-1");
}

BOOST_AUTO_TEST_CASE(each_bad_database_is_refused_by_name_and_nothing_is_written) {
  TempDir t;
  struct Case {
    std::string defect, said;
  };
  const std::vector<Case> cases{
      {"missing_table", "is not the hourly daemon's database: no table 'transactions'"},
      {"missing_column", "table 'orders' has no column 'price'"},
      {"negative_balance", "balances currency 'SOL': available_amount is negative"},
      {"bad_side", "orders id 7: side 'HOLD' is not BUY or SELL"},
      {"bad_quantity", "orders id 9: quantity 'lots' is not a number"},
      {"bad_status", "orders id 11: status 'MAYBE' is not a status"},
      {"bad_timestamp", "orders id 13: created_at '01/03/2024 12:00' is not an ISO-8601 date and time"},
  };
  for (const Case& c : cases) {
    const std::string sqlite = t.file(c.defect + ".sqlite"), db = t.file(c.defect + ".lmdb");
    make_daemon_db(sqlite, c.defect);
    auto r = import_sqlite(sqlite, db);
    BOOST_TEST(r.exit_code == 2, c.defect << ": " << r.output);
    BOOST_TEST(r.output.find(c.said) != std::string::npos, c.defect << ": " << r.output);
    BOOST_TEST(!fs::exists(db), c.defect << ": the LMDB folder was made");
  }
  // Not SQLite at all, truncated, absent, or without the account.
  const std::string good = t.file("good.sqlite");
  make_daemon_db(good);
  const std::string cut = t.file("truncated.sqlite");
  fs::copy_file(good, cut);
  fs::resize_file(cut, fs::file_size(cut) / 2);
  const std::vector<std::pair<std::vector<std::string>, std::string>> files{
      {{t.write("notes.txt", std::string(8192, 'n')), "acct-1"}, "is not a SQLite database"},
      {{cut, "acct-1"}, "is damaged, perhaps truncated"},
      {{t.file("absent.sqlite"), "acct-1"}, "is not a file"},
      {{good, "acct-404"}, "account 'acct-404' is not in"},
  };
  for (const auto& [args, said] : files) {
    const std::string db = t.file("refused.lmdb");
    auto r = import_sqlite(args[0], db, args[1]);
    BOOST_TEST(r.exit_code == 2, said << ": " << r.output);
    BOOST_TEST(r.output.find(said) != std::string::npos, said << ": " << r.output);
    BOOST_TEST(!fs::exists(db), said << ": the LMDB folder was made");
  }
}

BOOST_AUTO_TEST_CASE(a_second_import_is_refused_and_leaves_the_ledger_as_it_was) {
  TempDir t;
  const std::string sqlite = t.file("daemon.sqlite"), db = t.file("ledger.lmdb");
  make_daemon_db(sqlite);
  auto first = import_sqlite(sqlite, db);
  BOOST_REQUIRE_MESSAGE(first.exit_code == 0, first.output);
  const auto before = folder_bytes(db);
  BOOST_REQUIRE(before.count("data.mdb"));
  auto again = import_sqlite(sqlite, db);
  BOOST_TEST(again.exit_code == 2, again.output);
  BOOST_TEST(again.output.find("is not empty") != std::string::npos, again.output);
  BOOST_TEST((folder_bytes(db) == before));
  // A bad database against the existing ledger changes nothing either.
  make_daemon_db(t.file("bad.sqlite"), "bad_side");
  BOOST_TEST(import_sqlite(t.file("bad.sqlite"), db).exit_code == 2);
  BOOST_TEST((folder_bytes(db) == before));
  verify_offline(db, "acct-1");
}
