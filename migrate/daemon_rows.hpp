#pragma once
// The hourly daemon's SQLite rows of one account, as read and before any
// parsing: each value in the text form SQLite gives it (daemon_sqlite.hpp
// says how). daemon_import.hpp maps them; its tests build them by hand.
#include <string>
#include <vector>

namespace tn::migrate {

struct Cell {
  bool null = true;
  std::string text;  // meaningful when !null
};

struct DaemonBalance {
  Cell currency, available_amount, reserved_amount;
};

struct DaemonOrder {
  Cell id, symbol, side, order_type, quantity, price, status, created_at;
};

struct DaemonTransaction {
  Cell id, transaction_type, amount, currency, description, created_at;
};

struct DaemonAccount {
  std::string account;
  std::vector<DaemonBalance> balances;
  std::vector<DaemonOrder> orders;
  std::vector<DaemonTransaction> transactions;
};

}  // namespace tn::migrate
