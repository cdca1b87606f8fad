// cmake/check_layers.cmake, which every build runs first: the real tree
// passes, and a folder that includes one above it fails with the file named.

#include "test_support.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

ProcessResult check_layers(const std::filesystem::path& harness) {
  ProcessSpec spec;
  spec.exe = AMX_CMAKE;
  spec.args = {"-DHARNESS_DIR=" + harness.string(), "-P", (test::kSourceDir / "cmake/check_layers.cmake").string()};
  return run_process(spec);
}

TEST(Layers, TheTreeIncludesOnlyDownward) {
  auto r = check_layers(test::kSourceDir / "harness");
  EXPECT_TRUE(r.ok()) << r.output;
}

TEST(Layers, AnUpwardIncludeFailsTheBuild) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "model/cell.hpp", "#include \"util/text.hpp\"\n");
  test::write_file(dir.path() / "compile/plan.cpp", "#include \"model/cell.hpp\"\n#include \"store/database.hpp\"\n");
  auto r = check_layers(dir.path());
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.output, HasSubstr("compile/plan.cpp: compile/ includes store/, which is above it"));
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("model/cell.hpp")));
}

} // namespace
} // namespace amx
