#pragma once
// `tradernode import-sqlite`: brings an account over from the hourly
// daemon's SQLite database into a new LMDB ledger (migrate/ maps it,
// storage writes it in one transaction). No CAF, no config file.
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace tn {

struct ImportSqliteCommand {
  std::string sqlite;   // the daemon's database file
  std::string account;  // its account_id, also the ledger account
  std::string db_path;  // the LMDB folder: new or empty
  std::string quote = "USDT";
  CLI::App* sub = nullptr;  // set by add_import_sqlite_command
};

// Registers the subcommand on app; the returned object is filled by parse().
std::unique_ptr<ImportSqliteCommand> add_import_sqlite_command(CLI::App& app);
// Exit codes: 0 imported, 2 refused (bad input, non-empty ledger: nothing
// written), 1 a storage failure (nothing written either: one transaction).
int run_import_sqlite(const ImportSqliteCommand& c);

}  // namespace tn
