#pragma once
// The command line every executable shares (tradernode, traderctl,
// tradersub; CLI11): --version, the program's own options accepted after a
// command too and listed in each command's --help, errors that name the
// program and an unknown command, and the exit codes.
//
//   CLI::App app{"what it does"};
//   tn::cli::setup(app, "traderctl");      // first: commands inherit it
//   app.add_option(...); app.add_subcommand(...);
//   if (auto rc = tn::cli::parse(app, argc, argv)) return *rc;
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace tn::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // something failed while running
constexpr int kExitUsage = 2;    // bad command line or bad input

// "traderctl 0.1.0 (git 1a792e9-dirty)": meson's project version and `git
// describe` of the build's source (the version alone outside a checkout).
std::string version_line(const std::string& program);

// Call before declaring options and commands: commands declared afterwards
// inherit the behaviour described above.
void setup(CLI::App& app, const std::string& program);

// Parses the command line. Nothing: go on. Otherwise the exit code to
// return: kExitOk after --help or --version (printed), kExitUsage after a
// command-line error (printed on stderr).
std::optional<int> parse(CLI::App& app, int argc, char** argv);

}  // namespace tn::cli
