// A generated fixture end to end: the run builds it from its description,
// records its sources (which `merge` carries), `query --check` answers from
// the database, and `repro` writes a script that rebuilds it with neither
// the harness's work folder nor the description.

#include "test_support.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

namespace amx {
namespace {

using ::testing::HasSubstr;

TEST(CliGenerated, RunsRecordsAndReproducesAGeneratedFixture) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-i386", "rustc");
  test::ScopedTempDir dir;
  const auto& d = dir.path();
  test::make_fixtures_dir(d);
  test::write_file(d / "m.yaml", "import: " + (test::kSourceDir / "matrices/flags.yaml").string() +
                                     "\nfixtures-dir: fixtures\ntargets: [i386]\nc-compilers: [clang-19]\n"
                                     "fixtures: [gen-small]\nflags:\n  regparm: [3]\npairings: [matched, c-only]\n"
                                     // The rustc defect the generated set meets on every run.
                                     "expect:\n  - match: {c: {regparm: \"3\"}, rust: {regparm: \"3\"}}\n"
                                     "    verdict: fail\n    reason: scripts/repro/i386-regparm-struct-u64.sh\n");
  auto db = (d / "r.db").string();
  auto run = test::run_abimatrix({"run", (d / "m.yaml").string(), "--db", db});
  ASSERT_EQ(run.exit_code, 0) << run.output;

  // regparm 3 on the C side only: each argument a register off, so every
  // generated position reads another's value, and the checks say which.
  auto wrong = nlohmann::json::parse(test::run_abimatrix({"query", "--check", "c_to_rust.args_u8.*", "--c-flag",
                                                          "regparm=3", "--rust-flag", "regparm=off", "--format",
                                                          "json", "--db", db})
                                         .output);
  ASSERT_EQ(wrong["count"], 5);
  EXPECT_EQ(wrong["checks"][0]["property"], "c_to_rust.args_u8.a1");
  EXPECT_EQ(wrong["checks"][0]["c_type"], "uint8_t");
  EXPECT_EQ(wrong["checks"][0]["test"], "c_to_rust.args_u8");
  EXPECT_FALSE(wrong["checks"][0]["held"]);

  // The sources are recorded with the run, named by their content hash.
  auto sources = test::rows(d / "r.db", "SELECT s.path, length(o.text) FROM sources s JOIN outputs o ON "
                                        "o.id = s.output_id ORDER BY s.cell_key, s.path");
  ASSERT_EQ(sources.size(), 6u); // three cells, a C and a Rust file each
  EXPECT_THAT(sources[0][0], HasSubstr("/generated/"));
  EXPECT_THAT(sources[0][0], ::testing::EndsWith("/gen-small.c"));

  // Merged into another database, the sources come along.
  auto merged = d / "merged.db";
  auto merge = test::run_abimatrix({"merge", db, "--into", merged.string()});
  ASSERT_EQ(merge.exit_code, 0) << merge.output;
  EXPECT_EQ(test::rows(merged, "SELECT s.path, length(o.text) FROM sources s JOIN outputs o ON o.id = s.output_id "
                               "ORDER BY s.cell_key, s.path"),
            sources);

  auto matched = test::rows(d / "r.db", "SELECT key FROM flat_results WHERE c_setting = 'off'")[0][0];
  auto script = d / "matched.sh";
  auto repro = test::run_abimatrix({"repro", matched, "--db", db, "-o", script.string()});
  ASSERT_EQ(repro.exit_code, 0) << repro.output;
  // Without the work folder the run wrote the sources into.
  std::filesystem::remove_all(d / "work");
  std::filesystem::remove_all(d / "results");
  auto out = test::run_bash({script.string(), (d / "again").string()});
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_THAT(out.output, HasSubstr("outcome:  pass\nrecorded: pass\nsame outcome as recorded"));
}

} // namespace
} // namespace amx
