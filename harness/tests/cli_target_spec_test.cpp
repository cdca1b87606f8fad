// A Rust side built for a generated target specification end to end: the
// run writes the kernel's x86_64 target.json into its work folder, `show`
// prints it with the Rust side's arguments, and `repro` writes a script
// that carries it and rebuilds the cell without the harness's folders.
// (How the flags a specification carries become its features is the
// planning's, tested in compile_plan_test.)

#include "test_support.hpp"
#include "util/process.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

TEST(CliTargetSpec, ShownAndCarriedByTheReproducer) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-x86_64", "rustc");
  test::ScopedTempDir dir;
  const auto& d = dir.path();
  test::make_fixtures_dir(d);
  test::write_file(d / "m.yaml", "import: " + (test::kSourceDir / "matrices/flags.yaml").string() +
                                     "\nfixtures-dir: fixtures\ntargets: [x86_64]\nc-compilers: [clang-19]\n"
                                     "fixtures: [floats]\nflags:\n  soft-float:\npairings: [matched]\n");
  auto db = (d / "r.db").string();
  auto run = test::run_abimatrix({"run", (d / "m.yaml").string(), "--db", db});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto keys = test::rows(d / "r.db", "SELECT key FROM flat_results WHERE c_setting = 'soft-float=on'");
  ASSERT_EQ(keys.size(), 1u) << run.output;
  const auto& key = keys[0][0];

  auto show = test::run_abimatrix({"show", key, "--db", db});
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_THAT(show.output, HasSubstr("verdict   pass"));
  // The specification the kernel generates for x86_64.
  EXPECT_THAT(show.output, HasSubstr("rust args -Zunstable-options --target="));
  EXPECT_THAT(show.output, HasSubstr("/x86_64-linux-kernel.json -Ctarget-feature=-sse,"));
  EXPECT_THAT(show.output, HasSubstr("/targets/"));
  EXPECT_THAT(show.output, HasSubstr("\"rustc-abi\": \"x86-softfloat\","));
  EXPECT_THAT(show.output, HasSubstr("\"features\": \"-mmx,+soft-float\","));

  auto script = d / "cell.sh";
  auto repro = test::run_abimatrix({"repro", key, "--db", db, "-o", script.string()});
  ASSERT_EQ(repro.exit_code, 0) << repro.output;
  // Without the work folder the run wrote the specification into.
  std::filesystem::remove_all(d / "work");
  auto out = test::run_bash({script.string(), (d / "again").string()});
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_THAT(out.output, HasSubstr("outcome:  pass\nrecorded: pass\nsame outcome as recorded"));
  EXPECT_TRUE(std::filesystem::exists(d / "again"));
}

} // namespace
} // namespace amx
