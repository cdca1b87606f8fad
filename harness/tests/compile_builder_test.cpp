// compile/builder with a real compiler: an object is built once per command
// line and shared, a failed compile is an outcome with the compiler's words,
// and links are per cell.

#include "compile/builder.hpp"

#include "compile/plan.hpp"
#include "matrix/expand.hpp"
#include "matrix/load.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CompileBuilder, EachObjectOnceAndSharedByTheCellsThatNeedIt) {
  AMX_REQUIRE_TOOLS("clang-19", "qemu-i386", "rustc");
  test::ScopedTempDir dir;
  test::make_fixtures_dir(dir.path());
  test::write_file(dir.path() / "m.yaml", "fixtures-dir: fixtures\ntargets: [i386]\nc-compilers: [clang-19]\n"
                                          "fixtures: [scalars]\nrustc: {a: rustc, b: rustc}\n");
  Matrix m = load_matrix(dir.path() / "m.yaml");
  auto cells = expand(m);
  ASSERT_EQ(cells.size(), 2u); // the same C side for two rustc names
  Toolchain tc = Toolchain::probe(m);
  Builder builder(m, dir.path() / "work");
  const Tool& cc = *tc.c_compiler(m.c_compilers[0], m.targets[0]);
  auto plan = plan_cell(cells[0], m, tc, dir.path() / "work" / "targets");

  auto first = builder.c_object(cells[0], Builder::CPart::fixture, cc, plan.c_args);
  auto second = builder.c_object(cells[1], Builder::CPart::fixture, cc, plan.c_args);
  EXPECT_FALSE(first.shared);
  EXPECT_TRUE(second.shared);
  EXPECT_EQ(first.built, second.built);
  ASSERT_TRUE(first.built->outcome.passed) << first.built->record.result.output;
  EXPECT_TRUE(std::filesystem::exists(first.built->output));
  EXPECT_EQ(first.built->record.stage, Stage::compile_c);
  EXPECT_EQ(first.built->record.cwd, first.built->output.parent_path());
  EXPECT_EQ(builder.layout().work, dir.path() / "work");

  // Other arguments, another object; one the compiler refuses is an outcome.
  auto bad = builder.c_object(cells[0], Builder::CPart::runtime, cc, {"-mno-such-flag"});
  EXPECT_FALSE(bad.built->outcome.passed);
  EXPECT_EQ(bad.built->outcome.stage, Stage::compile_c);
  EXPECT_THAT(bad.built->outcome.reason, StartsWith("clang-19 error: "));
  EXPECT_THAT(bad.built->outcome.reason, HasSubstr("-mno-such-flag"));
}

} // namespace
} // namespace amx
