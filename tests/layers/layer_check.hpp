#pragma once
// The layer check: reads the layer order that docs/architecture.md documents
// (its ```layers block, lowest layer first) and finds every include in the
// tree that runs against it. The build cannot see these: every folder shares
// one include root, so `storage/` could include `actors/` and still compile.
//
// Rules, for files under a layer folder:
//   1. `#include "F/..."` names a layer F at or below the file's own layer.
//   2. CAF (<caf/...>, directly or through any project header) only where
//      the block allows it: `caf` for a whole layer, `caf:NAME` for one file
//      of it, `caf:shells` for the actor shells and the wiring (*_actor.cpp,
//      *_actors.*, pipeline.*, actors.hpp, daily_jobs.hpp), so the cores
//      beside them stay plain C++.
// Folders not in the block (tests/, bench/, fuzz/) may include anything.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace tn::layers {

struct Layer {
  std::string folder;
  std::set<std::string> caf;  // "all", "shells" or file names that may include CAF
};

// Lines of the ```layers fenced block: "folder [caf|caf:NAME]...", comments after '#'.
inline std::vector<Layer> parse_layers(const std::string& doc) {
  std::vector<Layer> out;
  std::istringstream in(doc);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      inside = line.rfind("```layers", 0) == 0;
      continue;
    }
    if (line.rfind("```", 0) == 0) break;
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    Layer l;
    std::string flag;
    if (!(words >> l.folder)) continue;
    while (words >> flag)
      if (flag == "caf") l.caf.insert("all");
      else if (flag.rfind("caf:", 0) == 0) l.caf.insert(flag.substr(4));
    out.push_back(l);
  }
  return out;
}

struct Violation {
  std::string file;  // relative to the root
  int line = 0;
  std::string what;
};

struct SourceFile {
  std::string top;  // first path component
  std::vector<std::pair<int, std::string>> project_includes;  // line, path
  std::vector<int> caf_lines;
};

inline SourceFile scan(const std::filesystem::path& root, const std::string& rel) {
  static const std::regex include_re(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  SourceFile f;
  f.top = rel.substr(0, rel.find('/'));
  std::ifstream in(root / rel);
  std::string line;
  std::smatch m;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!std::regex_search(line, m, include_re)) continue;
    std::string path = m[2];
    if (m[1] == "<" && path.rfind("caf/", 0) == 0) f.caf_lines.push_back(n);
    if (m[1] == "\"") f.project_includes.emplace_back(n, path);
  }
  return f;
}

// May this file include CAF, by its layer's flags?
inline bool caf_allowed(const Layer& layer, const std::string& rel) {
  const std::string name = std::filesystem::path(rel).filename().string();
  if (layer.caf.count("all") || layer.caf.count(name)) return true;
  if (!layer.caf.count("shells")) return false;
  auto ends = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends("_actor.cpp") || name.find("_actors.") != std::string::npos ||
         name.rfind("pipeline.", 0) == 0 || name == "actors.hpp" || name == "daily_jobs.hpp";
}

// Every violation under root, sorted by file and line.
inline std::vector<Violation> check_tree(const std::filesystem::path& root,
                                         const std::vector<Layer>& layers) {
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < layers.size(); ++i) rank[layers[i].folder] = i;
  std::map<std::string, SourceFile> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp" && ext != ".h")) continue;
    const std::string rel = std::filesystem::relative(entry.path(), root).generic_string();
    if (rel.rfind("build", 0) == 0 || rel.find('/') == std::string::npos) continue;
    files[rel] = scan(root, rel);
  }
  // Which headers bring CAF in, directly or through other project headers.
  std::set<std::string> caf_headers;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [rel, f] : files) {
      if (caf_headers.count(rel)) continue;
      bool has = !f.caf_lines.empty();
      for (const auto& inc : f.project_includes) has = has || caf_headers.count(inc.second);
      if (has) grew = caf_headers.insert(rel).second || grew;
    }
  }
  std::vector<Violation> out;
  for (const auto& [rel, f] : files) {
    auto own = rank.find(f.top);
    if (own == rank.end()) continue;  // tests, bench, fuzz: the top
    const bool caf_ok = caf_allowed(layers[own->second], rel);
    for (int n : f.caf_lines)
      if (!caf_ok) out.push_back({rel, n, "includes CAF outside the layers that may"});
    for (const auto& [n, path] : f.project_includes) {
      const std::string top = path.substr(0, path.find('/'));
      auto it = rank.find(top);
      if (it != rank.end() && it->second > own->second)
        out.push_back({rel, n, "includes " + path + ": " + top + "/ is above " + f.top + "/"});
      else if (!caf_ok && caf_headers.count(path))
        out.push_back({rel, n, "includes " + path + ", which brings in CAF"});
    }
  }
  return out;
}

inline std::string describe(const std::vector<Violation>& vs) {
  std::string s;
  for (const auto& v : vs) s += v.file + ":" + std::to_string(v.line) + ": " + v.what + "\n";
  return s;
}

}  // namespace tn::layers
