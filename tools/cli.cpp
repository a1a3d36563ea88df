#include "tools/cli.hpp"

#include <cstdio>
#include <memory>
#include <vector>

namespace tn::cli {

const char* git_describe();  // generated from tools/version.cpp.in

namespace {

// A command's --help also lists the program's options (e.g. traderctl's
// --endpoint and --json), which the command accepts through fallthrough.
class Formatter : public CLI::Formatter {
 public:
  // Called right after the command's own options (make_groups is not virtual).
  std::string make_subcommands(const CLI::App* app, CLI::AppFormatMode mode) const override {
    std::string out;
    const CLI::App* parent = app->get_parent();
    if (parent != nullptr && mode != CLI::AppFormatMode::Sub) {
      std::vector<const CLI::Option*> globals = parent->get_options(
          [parent](const CLI::Option* o) { return o->nonpositional() && o != parent->get_help_ptr(); });
      if (!globals.empty())
        out = make_group(parent->get_name() + " options (before or after the command)", false, globals);
    }
    return out + CLI::Formatter::make_subcommands(app, mode);
  }
};

std::string command_list(const CLI::App& app) {
  std::string out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); }))
    out += (out.empty() ? "" : ", ") + sub->get_name();
  return out;
}

// The word where a command was expected, when it is none of them
// (CLI11 would only say "A subcommand is required").
std::optional<std::string> unknown_command(const CLI::App& app) {
  if (app.get_subcommands({}).empty() || !app.get_subcommands().empty()) return std::nullopt;
  for (const std::string& word : app.remaining())
    if (!word.empty() && word[0] != '-') return word;
  return std::nullopt;
}

}  // namespace

std::string version_line(const std::string& program) {
  const std::string version = TN_PROJECT_VERSION, describe = git_describe();
  return program + " " + version + (describe.empty() || describe == version ? "" : " (git " + describe + ")");
}

void setup(CLI::App& app, const std::string& program) {
  app.name(program);
  auto formatter = std::make_shared<Formatter>();
  formatter->label("SUBCOMMAND", "COMMAND");
  app.formatter(formatter);
  // Inherited by the commands declared after this:
  app.fallthrough();
  app.group("Commands");  // their heading in --help
  app.set_version_flag("--version", version_line(program), "Print the version and exit");
  app.failure_message([program](const CLI::App*, const CLI::Error& e) {
    return program + ": " + e.what() + "\nRun with --help for more information.\n";
  });
}

std::optional<int> parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    if (auto word = unknown_command(app)) {
      std::fprintf(stderr, "%s: unknown command '%s' (commands: %s; see --help)\n", app.get_name().c_str(),
                   word->c_str(), command_list(app).c_str());
      return kExitUsage;
    }
    if (app.get_require_subcommand_min() > 0 && app.get_subcommands().empty() &&
        dynamic_cast<const CLI::RequiredError*>(&e)) {
      std::fprintf(stderr, "%s: a command is needed (commands: %s; see --help)\n", app.get_name().c_str(),
                   command_list(app).c_str());
      return kExitUsage;
    }
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
}

}  // namespace tn::cli
