// The daemon's database as read (migrate/daemon_sqlite.hpp): one account's
// rows, values as the daemon meant them, and every way the file can be
// wrong named. The integration test does the same with Python's sqlite3.
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <filesystem>

#include "migrate/daemon_sqlite.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tn;
using namespace tn::migrate;
using tn::test::TempDir;

namespace {

const char* const kSchema =
    "CREATE TABLE balances (account_id INTEGER, currency TEXT, available_amount REAL, reserved_amount REAL);"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INTEGER, symbol TEXT, side TEXT, order_type TEXT,"
    " quantity REAL, price REAL, status TEXT, created_at TIMESTAMP);"
    "CREATE TABLE transactions (id INTEGER PRIMARY KEY, account_id INTEGER, transaction_type TEXT, amount REAL,"
    " currency TEXT, description TEXT, created_at TIMESTAMP);";

// A database made by running sql; returns its path.
std::string make_db(const TempDir& t, const std::string& sql) {
  const std::string path = t.file("daemon.sqlite");
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string why = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, why);
  return path;
}

std::string refusal(const std::string& path, const std::string& account = "1") {
  auto r = read_daemon_account(path, account);
  BOOST_REQUIRE_MESSAGE(!r.ok(), "read what should be refused");
  BOOST_TEST((r.error().code == Errc::invalid_input));
  return r.error().message;
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_accounts_rows_are_read_with_the_values_the_daemon_meant) {
  TempDir t;
  const auto path = make_db(t, std::string(kSchema) +
      "INSERT INTO balances VALUES (1, 'USDT', 0.1, 0.00001), (2, 'USDT', 5, 0), (1, 'BTC', 0.3, NULL);"
      "INSERT INTO orders VALUES (1, 1, 'BTCUSDT', 'BUY', 'MARKET', 0.12345678, 60000.5, 'FILLED', '2024-03-01 01:00:00'),"
      " (2, 2, 'ETHUSDT', 'BUY', 'MARKET', 1, 3000, 'FILLED', '2024-03-01 01:00:00'),"
      " (3, 1, 'ETHUSDT', 'SELL', 'LIMIT', 2, NULL, 'PENDING', '2024-03-01T02:00:00.5');"
      "INSERT INTO transactions VALUES (1, 1, 'deposit', 10000, 'USDT', NULL, '2024-03-01 00:00:00'),"
      " (2, 1, 'fee', X'00', 'USDT', 'blob', '2024-03-01 00:00:00');");
  auto r = read_daemon_account(path, "1");  // an INTEGER account_id matched by its text
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  BOOST_REQUIRE_EQUAL(r->balances.size(), 2u);
  BOOST_TEST(r->balances[1].currency.text == "USDT");  // ordered by currency
  BOOST_TEST(r->balances[1].available_amount.text == "0.1");  // not 0.10000000000000001
  BOOST_TEST(r->balances[1].reserved_amount.text == "1e-05");
  BOOST_TEST(r->balances[0].reserved_amount.null);
  BOOST_REQUIRE_EQUAL(r->orders.size(), 2u);
  BOOST_TEST(r->orders[0].id.text == "1");
  BOOST_TEST(r->orders[0].quantity.text == "0.12345678");
  BOOST_TEST(r->orders[0].price.text == "60000.5");
  BOOST_TEST(r->orders[1].price.null);
  BOOST_TEST(r->orders[1].created_at.text == "2024-03-01T02:00:00.5");
  BOOST_REQUIRE_EQUAL(r->transactions.size(), 2u);
  BOOST_TEST(r->transactions[0].amount.text == "10000");
  BOOST_TEST(r->transactions[0].description.null);
  BOOST_TEST(r->transactions[1].amount.text == "(a blob of 1 bytes)");
}

BOOST_AUTO_TEST_CASE(every_missing_table_and_column_is_named) {
  TempDir t;
  const auto path = make_db(t,
      "CREATE TABLE balances (account_id INTEGER, currency TEXT, available_amount REAL);"
      "CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INTEGER, symbol TEXT, side TEXT, order_type TEXT,"
      " quantity REAL, status TEXT, created_at TIMESTAMP);");
  const std::string why = refusal(path);
  BOOST_TEST(why.find("is not the hourly daemon's database") != std::string::npos, why);
  BOOST_TEST(why.find("table 'balances' has no column 'reserved_amount'") != std::string::npos, why);
  BOOST_TEST(why.find("table 'orders' has no column 'price'") != std::string::npos, why);
  BOOST_TEST(why.find("no table 'transactions'") != std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(an_account_not_in_the_file_is_refused_with_those_it_has) {
  TempDir t;
  const auto path = make_db(t, std::string(kSchema) + "INSERT INTO balances VALUES (1, 'USDT', 1, 0), (7, 'USDT', 1, 0);");
  const std::string why = refusal(path, "3");
  BOOST_TEST(why.find("account '3' is not in") != std::string::npos, why);
  BOOST_TEST(why.find("its accounts: '1', '7'") != std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_whole_sqlite_database_is_refused) {
  TempDir t;
  BOOST_TEST(refusal(t.file("absent.sqlite")).find("is not a file") != std::string::npos);
  BOOST_TEST(refusal(t.path()).find("is not a file") != std::string::npos);
  const std::string text = t.write("notes.txt", std::string(4096, 'x'));
  BOOST_TEST(refusal(text).find("is not a SQLite database") != std::string::npos, refusal(text));
  // Truncated: the header promises pages the file no longer has.
  std::string rows = kSchema;
  for (int i = 1; i <= 400; ++i)
    rows += "INSERT INTO orders VALUES (" + std::to_string(i) +
            ", 1, 'BTCUSDT', 'BUY', 'MARKET', 1, 100, 'FILLED', '2024-03-01 01:00:00');";
  const auto path = make_db(t, rows);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  const std::string why = refusal(path);
  BOOST_TEST(why.find("is damaged, perhaps truncated") != std::string::npos, why);
  // An empty file is an empty SQLite database: not the daemon's.
  BOOST_TEST(refusal(t.write("empty.sqlite", "")).find("no table 'balances'") != std::string::npos);
}
