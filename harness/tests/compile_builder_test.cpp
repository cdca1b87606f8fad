// compile/builder with a real compiler: an object is built once per run and
// shared, a failed compile is an outcome with the compiler's words, links of
// the same bytes are shared, and another run reuses what the step cache kept.

#include "compile/builder.hpp"

#include "compile/plan.hpp"
#include "matrix/expand.hpp"
#include "matrix/load.hpp"
#include "test_support.hpp"
#include "util/hash.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// scalars on i386 with clang-19, and `more` of the matrix.
Matrix scalars_matrix(const std::filesystem::path& dir, const std::string& more = "") {
  test::make_fixtures_dir(dir);
  test::write_file(dir / "m.yaml", "fixtures-dir: fixtures\ntargets: [i386]\nc-compilers: [clang-19]\n"
                                   "fixtures: [scalars]\n" + more);
  return load_matrix(dir / "m.yaml");
}

TEST(CompileBuilder, EachObjectOnceAndSharedByTheCellsThatNeedIt) {
  AMX_REQUIRE_TOOLS("clang-19", "qemu-i386", "rustc");
  test::ScopedTempDir dir;
  Matrix m = scalars_matrix(dir.path(), "rustc: {a: rustc, b: rustc}\n");
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

TEST(CompileBuilder, LinksOfTheSameBytesAreOneAndAnotherRunReusesTheSteps) {
  AMX_REQUIRE_TOOLS("clang-19", "qemu-i386", "rustc");
  test::ScopedTempDir dir;
  Matrix m = scalars_matrix(dir.path());
  auto cells = expand(m);
  Toolchain tc = Toolchain::probe(m);
  const Tool& cc = *tc.c_compiler(m.c_compilers[0], m.targets[0]);
  auto plan = plan_cell(cells[0], m, tc, dir.path() / "targets");
  auto run_in = [&](const std::filesystem::path& work) {
    return StepCache(dir.path() / "cache", CacheUse::all, 1u << 30, {{"$W", work}, {"$F", m.fixtures_dir}});
  };

  auto first_work = dir.path() / "run-1";
  auto first_cache = run_in(first_work);
  Builder first(m, first_work, &first_cache);
  auto built = first.c_object(cells[0], Builder::CPart::fixture, cc, plan.c_args);
  ASSERT_TRUE(built.built->outcome.passed) << built.built->record.result.output;
  EXPECT_FALSE(built.built->record.reused);
  EXPECT_EQ(built.built->record.cache_key.size(), 32u);
  // Two copies of one object, linked: one link, shared.
  for (auto copy : {"a", "b"}) {
    std::filesystem::create_directories(first_work / copy);
    std::filesystem::copy_file(built.built->output, first_work / copy / "x.o");
  }
  auto link_a = first.link(cells[0], cc, {first_work / "a" / "x.o"});
  auto link_b = first.link(cells[0], cc, {first_work / "b" / "x.o"});
  EXPECT_FALSE(link_a.shared);
  EXPECT_TRUE(link_b.shared);
  EXPECT_EQ(link_a.built, link_b.built);

  // Another run, in another folder: the object comes from the cache, with
  // the command as this run would have run it.
  auto second_work = dir.path() / "run-2";
  auto second_cache = run_in(second_work);
  Builder second(m, second_work, &second_cache);
  auto again = second.c_object(cells[0], Builder::CPart::fixture, cc, plan.c_args);
  ASSERT_TRUE(again.built->outcome.passed);
  EXPECT_TRUE(again.built->record.reused);
  EXPECT_EQ(again.built->record.cache_key, built.built->record.cache_key);
  EXPECT_EQ(read_file(again.built->output), read_file(built.built->output));
  EXPECT_EQ(again.built->record.cwd, again.built->output.parent_path());
  EXPECT_THAT(again.built->record.argv.back(), StartsWith(second_work.string()));
  EXPECT_EQ(again.built->record.result.output, built.built->record.result.output);

  // Without the cache, a run reuses nothing.
  auto third_work = dir.path() / "run-3";
  StepCache off(dir.path() / "cache", CacheUse::none, 1u << 30, {{"$W", third_work}});
  Builder third(m, third_work, &off);
  EXPECT_FALSE(third.c_object(cells[0], Builder::CPart::fixture, cc, plan.c_args).built->record.reused);
}

} // namespace
} // namespace amx
