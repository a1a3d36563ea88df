#define BOOST_TEST_MODULE layers
// The layer order of docs/architecture.md, enforced on the real tree, and the
// check itself shown to catch what it exists for on planted trees.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>

#include "tests/layers/layer_check.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tn::layers;

namespace {

std::string source_dir() {
  const char* s = std::getenv("TN_SOURCE_DIR");
  return s ? s : ".";
}

std::vector<Layer> documented() {
  return parse_layers(tn::test::read_file(source_dir() + "/docs/architecture.md"));
}

// A small tree: common <- storage <- actors (shells may use CAF) <- tools.
struct Planted {
  tn::test::TempDir dir;
  std::vector<Layer> layers = parse_layers(
      "```layers\ncommon\nstorage\nactors caf:shells\ntools caf\n```\n");
  Planted() {
    for (const char* d : {"common", "storage", "actors/arbiter", "tools", "tests"})
      fs::create_directories(dir.path() + "/" + d);
    dir.write("common/error.hpp", "#pragma once\n#include <string>\n");
    dir.write("storage/ledger.cpp", "#include \"common/error.hpp\"\n");
    dir.write("actors/pipeline.hpp", "#include <caf/all.hpp>\n");
    dir.write("actors/arbiter/arbiter_core.hpp", "#include \"storage/ledger.hpp\"\n");
    dir.write("actors/arbiter/arbiter_actor.cpp", "#include \"actors/pipeline.hpp\"\n");
    dir.write("tools/node.cpp", "#include \"actors/pipeline.hpp\"\n");
    dir.write("tests/any_test.cpp", "#include \"tools/node.hpp\"\n#include <caf/all.hpp>\n");
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_architecture_doc_lists_the_layers_in_order) {
  auto layers = documented();
  BOOST_REQUIRE_GE(layers.size(), 10u);
  BOOST_TEST(layers.front().folder == "common");
  BOOST_TEST(layers.back().folder == "tools");
  for (const auto& l : layers)
    BOOST_TEST(fs::is_directory(source_dir() + "/" + l.folder), l.folder << " is not a folder");
}

BOOST_AUTO_TEST_CASE(no_include_in_the_tree_runs_against_the_layer_order) {
  auto violations = check_tree(source_dir(), documented());
  BOOST_TEST(violations.empty(), "layer violations:\n" << describe(violations));
}

BOOST_AUTO_TEST_CASE(a_clean_planted_tree_passes) {
  Planted p;
  auto v = check_tree(p.dir.path(), p.layers);
  BOOST_TEST(v.empty(), describe(v));
}

BOOST_AUTO_TEST_CASE(an_include_of_a_higher_layer_is_named_with_its_line) {
  Planted p;
  p.dir.write("storage/ledger.cpp", "#include \"common/error.hpp\"\n#include \"actors/pipeline.hpp\"\n");
  auto v = check_tree(p.dir.path(), p.layers);
  BOOST_REQUIRE_EQUAL(v.size(), 1u);
  BOOST_TEST(v[0].file == "storage/ledger.cpp");
  BOOST_TEST(v[0].line == 2);
  BOOST_TEST(v[0].what.find("actors/ is above storage/") != std::string::npos, v[0].what);
}

BOOST_AUTO_TEST_CASE(anything_including_tools_is_refused_but_tests_may) {
  Planted p;
  p.dir.write("actors/arbiter/arbiter_core.cpp", "#include \"tools/node.hpp\"\n");
  auto v = check_tree(p.dir.path(), p.layers);
  BOOST_REQUIRE_EQUAL(v.size(), 1u);
  BOOST_TEST(v[0].file == "actors/arbiter/arbiter_core.cpp");
}

BOOST_AUTO_TEST_CASE(caf_in_a_core_is_refused_directly_or_through_a_header) {
  Planted p;
  p.dir.write("actors/arbiter/arbiter_core.cpp", "#include <caf/all.hpp>\n");
  p.dir.write("actors/arbiter/arbiter_core.hpp", "#include \"actors/pipeline.hpp\"\n");
  auto v = check_tree(p.dir.path(), p.layers);
  BOOST_REQUIRE_EQUAL(v.size(), 2u);
  BOOST_TEST(v[0].what.find("CAF") != std::string::npos);
  BOOST_TEST(v[1].what.find("brings in CAF") != std::string::npos, v[1].what);
}

BOOST_AUTO_TEST_CASE(caf_in_a_plain_layer_is_refused_even_through_a_lower_header) {
  Planted p;
  p.dir.write("common/error.hpp", "#pragma once\n#include <caf/error.hpp>\n");
  auto v = check_tree(p.dir.path(), p.layers);
  // common/error.hpp itself, and storage/ledger.cpp that includes it.
  BOOST_REQUIRE_EQUAL(v.size(), 2u);
  BOOST_TEST(v[0].file == "common/error.hpp");
  BOOST_TEST(v[1].file == "storage/ledger.cpp");
}

BOOST_AUTO_TEST_CASE(a_file_named_in_the_block_may_bring_caf) {
  auto layers = parse_layers("```layers\nmessages caf:caf_types.hpp # registration\n```\n");
  BOOST_REQUIRE_EQUAL(layers.size(), 1u);
  BOOST_TEST(caf_allowed(layers[0], "messages/caf_types.hpp"));
  BOOST_TEST(!caf_allowed(layers[0], "messages/codec.hpp"));
}
