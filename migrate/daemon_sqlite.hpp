#pragma once
// Reads one account's rows from the hourly daemon's SQLite database
// (libsqlite3, opened read-only: the daemon's file is never changed), in
// one read transaction so the three tables agree with each other.
//
// Values come as SQLite's text of them: TEXT as stored, INTEGER in
// decimal, REAL with 15 significant digits (so 0.1 reads "0.1", as the
// daemon meant it, not 0.1000000000000000055), BLOB as "(a blob of N
// bytes)", which no field parser accepts.
//
// Errors (invalid_input, the message names the file): it cannot be opened,
// is not a SQLite database, is damaged (truncated: SQLite's quick_check),
// lacks a table or column of the daemon's schema (every missing one is
// named), or has no row of the account (the accounts it has are listed).
#include <string>

#include "common/error.hpp"
#include "migrate/daemon_rows.hpp"

namespace tn::migrate {

Result<DaemonAccount> read_daemon_account(const std::string& path, const std::string& account);

}  // namespace tn::migrate
