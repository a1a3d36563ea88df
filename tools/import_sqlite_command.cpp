#include "tools/import_sqlite_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "common/clock.hpp"
#include "migrate/daemon_import.hpp"
#include "migrate/daemon_sqlite.hpp"
#include "storage/store.hpp"
#include "tools/node_lock.hpp"

namespace tn {

namespace {

constexpr int kOk = 0, kFailed = 1, kBadInput = 2;

int refuse(const Error& e) {
  spdlog::error("import-sqlite: {}", e.message);
  return e.code == Errc::invalid_input ? kBadInput : kFailed;
}

void print_summary(const ImportSummaryEvent& s, const std::string& db_path) {
  std::printf("imported account %s from %s into %s\n", s.account.c_str(), s.source.c_str(), db_path.c_str());
  std::printf("  %u orders (%u filled), %u transactions, %u opening entries\n", s.orders, s.fills,
              s.transactions, s.opening_entries);
  std::printf("  starting capital %s %s, balance now %s %s\n", s.starting_capital.c_str(), s.quote.c_str(),
              s.quote_balance.c_str(), s.quote.c_str());
  for (const ImportedHolding& h : s.holdings)
    std::printf("  %s %s, cost %s %s (from %s)\n", h.asset.c_str(), h.quantity.c_str(), h.cost.c_str(),
                s.quote.c_str(), h.cost_from.c_str());
}

}  // namespace

std::unique_ptr<ImportSqliteCommand> add_import_sqlite_command(CLI::App& app) {
  auto c = std::make_unique<ImportSqliteCommand>();
  c->sub = app.add_subcommand("import-sqlite",
                              "bring an account over from the hourly daemon's SQLite database into a new ledger");
  c->sub->add_option("--sqlite", c->sqlite, "the daemon's database file (read only)")->required();
  c->sub->add_option("--account-id", c->account, "the daemon's account_id, also the ledger account")->required();
  c->sub->add_option("--db-path", c->db_path, "the LMDB folder to write: new or empty")->required();
  c->sub->add_option("--quote", c->quote, "the account's quote asset (default USDT, as [account] quote)");
  return c;
}

int run_import_sqlite(const ImportSqliteCommand& c) {
  // Everything is read, checked and built in memory before the LMDB folder
  // is touched: a refused import creates nothing.
  auto rows = migrate::read_daemon_account(c.sqlite, c.account);
  if (!rows) return refuse(rows.error());
  migrate::ImportOptions opt;
  opt.quote = c.quote;
  opt.source = std::filesystem::absolute(c.sqlite).string();
  opt.now_ms = wall_clock_ms();
  auto plan = migrate::plan_import(*rows, opt);
  if (!plan) return refuse(plan.error());

  auto lock = NodeLock::acquire(c.db_path);  // no node may run on it meanwhile
  if (!lock) return refuse(lock.error());
  storage::OpenOptions so;
  so.path = c.db_path;
  so.node = "import-sqlite";  // the envelopes say who wrote the imported events
  auto store = storage::Store::open(so);
  if (!store) return refuse(store.error());
  if (Status s = (*store)->ledger().import_history(plan->ledger); !s) return refuse(s.error());
  print_summary(plan->summary, c.db_path);
  return kOk;
}

}  // namespace tn
