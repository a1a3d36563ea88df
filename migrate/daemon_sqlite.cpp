#include "migrate/daemon_sqlite.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <vector>

namespace tn::migrate {

namespace {

// The daemon's schema: each table and the columns the import reads.
struct TableSpec {
  const char* name;
  std::vector<const char*> columns;
};
const std::vector<TableSpec>& daemon_schema() {
  static const std::vector<TableSpec> s{
      {"balances", {"account_id", "currency", "available_amount", "reserved_amount"}},
      {"orders", {"id", "account_id", "symbol", "side", "order_type", "quantity", "price", "status", "created_at"}},
      {"transactions", {"id", "account_id", "transaction_type", "amount", "currency", "description", "created_at"}},
  };
  return s;
}

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

// What SQLite said, as one of our errors about the file.
Error sqlite_error(const std::string& path, sqlite3* db, int rc) {
  const std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  if (primary == SQLITE_NOTADB) return make_error(Errc::invalid_input, "'" + path + "' is not a SQLite database (" + why + ")");
  if (primary == SQLITE_CORRUPT)
    return make_error(Errc::invalid_input, "'" + path + "' is damaged, perhaps truncated (" + why + ")");
  return make_error(Errc::invalid_input, "cannot read '" + path + "': " + why);
}

Cell cell_of(sqlite3_stmt* s, int col) {
  Cell c;
  switch (sqlite3_column_type(s, col)) {
    case SQLITE_NULL:
      return c;
    case SQLITE_FLOAT: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.15g", sqlite3_column_double(s, col));
      c.text = buf;
      break;
    }
    case SQLITE_BLOB:
      c.text = "(a blob of " + std::to_string(sqlite3_column_bytes(s, col)) + " bytes)";
      break;
    default: {  // INTEGER and TEXT: SQLite's own text of them
      const auto* t = sqlite3_column_text(s, col);
      c.text.assign(t ? reinterpret_cast<const char*>(t) : "", static_cast<size_t>(sqlite3_column_bytes(s, col)));
    }
  }
  c.null = false;
  return c;
}

// Runs sql with the text parameters, calling row(stmt) per result row.
template <class F>
Status query(sqlite3* db, const std::string& path, const std::string& sql, const std::vector<std::string>& params,
             F&& row) {
  sqlite3_stmt* raw = nullptr;
  if (int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr); rc != SQLITE_OK)
    return sqlite_error(path, db, rc);
  Stmt stmt(raw);
  for (size_t i = 0; i < params.size(); ++i)
    sqlite3_bind_text(raw, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  for (;;) {
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) return Status::OK();
    if (rc != SQLITE_ROW) return sqlite_error(path, db, rc);
    row(raw);
  }
}

// quick_check reads every page: a truncated or damaged file fails here,
// not halfway through the rows.
Status check_intact(sqlite3* db, const std::string& path) {
  std::string verdict;
  Status s = query(db, path, "PRAGMA quick_check(1)", {}, [&](sqlite3_stmt* st) { verdict = cell_of(st, 0).text; });
  if (!s) return s;
  if (verdict != "ok") return make_error(Errc::invalid_input, "'" + path + "' is damaged, perhaps truncated (SQLite's quick_check: " + verdict + ")");
  return Status::OK();
}

Status check_schema(sqlite3* db, const std::string& path) {
  std::string missing;
  for (const TableSpec& t : daemon_schema()) {
    std::set<std::string> have;
    Status s = query(db, path, "SELECT name FROM pragma_table_info(?1)", {t.name},
                     [&](sqlite3_stmt* st) { have.insert(cell_of(st, 0).text); });
    if (!s) return s;
    if (have.empty()) {
      missing += std::string(missing.empty() ? "" : "; ") + "no table '" + t.name + "'";
      continue;
    }
    for (const char* c : t.columns)
      if (!have.count(c)) missing += std::string(missing.empty() ? "" : "; ") + "table '" + t.name + "' has no column '" + c + "'";
  }
  if (missing.empty()) return Status::OK();
  return make_error(Errc::invalid_input, "'" + path + "' is not the hourly daemon's database: " + missing);
}

const char* const kAccountIs = " WHERE CAST(account_id AS TEXT) = ?1";

Status require_account(sqlite3* db, const std::string& path, const std::string& account) {
  int64_t rows = 0;
  std::string sql = "SELECT (SELECT COUNT(*) FROM balances" + std::string(kAccountIs) + ") + (SELECT COUNT(*) FROM orders" +
                    kAccountIs + ") + (SELECT COUNT(*) FROM transactions" + kAccountIs + ")";
  if (Status s = query(db, path, sql, {account}, [&](sqlite3_stmt* st) { rows = sqlite3_column_int64(st, 0); }); !s) return s;
  if (rows > 0) return Status::OK();
  std::string known;
  Status s = query(db, path,
                   "SELECT DISTINCT CAST(account_id AS TEXT) AS a FROM balances UNION SELECT CAST(account_id AS TEXT) "
                   "FROM orders UNION SELECT CAST(account_id AS TEXT) FROM transactions ORDER BY a LIMIT 20",
                   {}, [&](sqlite3_stmt* st) { known += (known.empty() ? "'" : ", '") + cell_of(st, 0).text + "'"; });
  if (!s) return s;
  return make_error(Errc::invalid_input, "account '" + account + "' is not in '" + path + "' (" +
                                             (known.empty() ? std::string("it has no accounts") : "its accounts: " + known) + ")");
}

Status read_rows(sqlite3* db, const std::string& path, DaemonAccount& out) {
  const std::vector<std::string> p{out.account};
  auto cells = [](sqlite3_stmt* st, std::initializer_list<Cell*> into) {
    int i = 0;
    for (Cell* c : into) *c = cell_of(st, i++);
  };
  Status s = query(db, path, "SELECT currency, available_amount, reserved_amount FROM balances" + std::string(kAccountIs) + " ORDER BY currency",
                   p, [&](sqlite3_stmt* st) {
                     DaemonBalance& b = out.balances.emplace_back();
                     cells(st, {&b.currency, &b.available_amount, &b.reserved_amount});
                   });
  if (!s) return s;
  s = query(db, path, "SELECT id, symbol, side, order_type, quantity, price, status, created_at FROM orders" + std::string(kAccountIs) + " ORDER BY id",
            p, [&](sqlite3_stmt* st) {
              DaemonOrder& o = out.orders.emplace_back();
              cells(st, {&o.id, &o.symbol, &o.side, &o.order_type, &o.quantity, &o.price, &o.status, &o.created_at});
            });
  if (!s) return s;
  return query(db, path, "SELECT id, transaction_type, amount, currency, description, created_at FROM transactions" + std::string(kAccountIs) + " ORDER BY id",
               p, [&](sqlite3_stmt* st) {
                 DaemonTransaction& t = out.transactions.emplace_back();
                 cells(st, {&t.id, &t.transaction_type, &t.amount, &t.currency, &t.description, &t.created_at});
               });
}

}  // namespace

Result<DaemonAccount> read_daemon_account(const std::string& path, const std::string& account) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return make_error(Errc::invalid_input, "'" + path + "' is not a file (" + (ec ? ec.message() : std::string("no such file")) + ")");
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return sqlite_error(path, raw, rc);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);  // the daemon may be writing: wait for its transaction
  DaemonAccount out;
  out.account = account;
  // One read transaction: the tables as of one moment.
  Status s = query(raw, path, "BEGIN", {}, [](sqlite3_stmt*) {});
  if (s) s = check_intact(raw, path);
  if (s) s = check_schema(raw, path);
  if (s) s = require_account(raw, path, account);
  if (s) s = read_rows(raw, path, out);
  if (!s) return s.error();
  (void)query(raw, path, "COMMIT", {}, [](sqlite3_stmt*) {});
  return out;
}

}  // namespace tn::migrate
