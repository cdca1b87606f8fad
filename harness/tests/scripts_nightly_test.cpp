// scripts/nightly: two nights that differ in one toolchain. The matrix names
// its C compiler `clang`, found on PATH, which is clang-14 the first night
// and clang-19 the second, as a distribution upgrade would do. The riscv64
// scalars cell passes with clang-14 (its callee re-extends an i16 passed on
// the stack) and fails with clang-19 (which relies on the caller, where
// rustc does not extend: scripts/repro/riscv64-stack-arg-signext.sh), so the
// second night must name the new compiler and the regression, and exit 1;
// a third night with the same tools has nothing new and exits 0.

#include "test_support.hpp"
#include "util/hash.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ScriptsNightly : public ::testing::Test {
protected:
  void SetUp() override {
    AMX_REQUIRE_TOOLS("clang-14", "clang-19", "ld.lld-14", "ld.lld-19", "qemu-riscv64", "rustc");
    for (auto v : {"14", "19"}) {
      std::filesystem::create_directories(m_dir.path() / ("clang" + std::string(v)));
      std::filesystem::create_symlink(find_program(std::string("clang-") + v),
                                      m_dir.path() / ("clang" + std::string(v)) / "clang");
    }
    test::write_file(m_dir.path() / "night.yaml",
                     "name: night\nfixtures-dir: " + (test::kSourceDir / "fixtures").string() +
                         "\ntargets: [riscv64]\nc-compilers: [clang]\nfixtures: [scalars, signatures]\n"
                         "expect:\n  - match: {target: riscv64, fixture: scalars}\n    verdict: fail\n"
                         "    stage: run\n    reason: rustc does not sign-extend an i16 passed on the stack; "
                         "scripts/repro/riscv64-stack-arg-signext.sh\n");
  }

  // One night with `clang` from clang_dir first on PATH; `part` is
  // {"--partition", "K/N"} for one shard, or {"--merge-shards"}.
  ProcessResult night(const std::string& clang_dir, const std::string& date,
                      const std::vector<std::string>& part = {}) {
    ProcessSpec spec;
    spec.exe = "/usr/bin/env";
    spec.args = {"PATH=" + (m_dir.path() / clang_dir).string() + ":" + std::getenv("PATH"),
                 "ABIMATRIX=" + test::kBinary.string(),
                 find_program("bash").string(),
                 (test::kSourceDir / "scripts/nightly").string(),
                 "--no-build",
                 "--results",
                 (m_dir.path() / "results").string(),
                 "--date",
                 date};
    spec.args.insert(spec.args.end(), part.begin(), part.end());
    spec.args.push_back((m_dir.path() / "night.yaml").string());
    spec.timeout = std::chrono::minutes(5);
    return run_process(spec);
  }

  test::ScopedTempDir m_dir;
};

TEST_F(ScriptsNightly, ReportsTheToolchainChangeAndItsRegression) {
  auto first = night("clang14", "2026-11-21");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("is the first run of its matrix: nothing to compare with"));

  auto second = night("clang19", "2026-11-22");
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_THAT(second.output, HasSubstr("tools changed (- run 1, + run 2):"));
  EXPECT_THAT(second.output, ::testing::ContainsRegex("- c-compiler clang [^ ]*/clang14/clang: Debian clang version 14"));
  EXPECT_THAT(second.output, ::testing::ContainsRegex("\\+ c-compiler clang [^ ]*/clang19/clang: Debian clang version 19"));
  EXPECT_THAT(second.output, HasSubstr("regressions (2):"));
  EXPECT_THAT(second.output, HasSubstr("riscv64 scalars clang/rustc c:off rust:off"));
  EXPECT_THAT(second.output, HasSubstr("before: xpass"));
  EXPECT_THAT(second.output, HasSubstr("after:  xfail (run: wrong value in rs_scalars_drive: rust_to_c.stack_i16 expected -2222 (0xf752), got 0xf752 (outside i16))"));
  EXPECT_THAT(second.output, HasSubstr("nightly: night REGRESSED"));
  for (auto ext : {".md", ".xml", ".html", "-changes.txt"})
    EXPECT_TRUE(std::filesystem::exists(m_dir.path() / "results" / (std::string("2026-11-22-night") + ext))) << ext;
  // The generated fixture's regressed cell comes with a bug report bundle
  // of its first newly failing check, linked from the changes file; the
  // hand-written one has none.
  const auto key = test::rows(m_dir.path() / "results/nightly.db",
                              "SELECT key FROM cells WHERE fixture = 'signatures'")[0][0];
  const auto bundle = m_dir.path() / "results" / ("2026-11-22-night-bug-" + key.substr(0, 12));
  EXPECT_THAT(second.output, HasSubstr("reduced: " + key + " rust_"));
  EXPECT_THAT(read_file(m_dir.path() / "results/2026-11-22-night-changes.txt"),
              HasSubstr(bundle.string() + "/REPORT.md"));
  EXPECT_THAT(read_file(bundle / "REPORT.md"), HasSubstr("gets a wrong value between clang (Debian clang version 19"));
  EXPECT_THAT(second.output, Not(HasSubstr("reduced: " + test::rows(m_dir.path() / "results/nightly.db",
                                                                   "SELECT key FROM cells WHERE fixture = 'scalars'")[0][0])));

  // The same tools again: the regression is not new.
  auto third = night("clang19", "2026-11-23");
  EXPECT_EQ(third.exit_code, 0) << third.output;
  EXPECT_THAT(third.output, HasSubstr("0 regressed"));
  EXPECT_THAT(third.output, Not(HasSubstr("tools changed")));
  EXPECT_EQ(test::rows(m_dir.path() / "results/nightly.db", "SELECT count(*) FROM runs")[0][0], "3");
  // The night's page carries each cell's history: the regressed cell has
  // held its verdict since run 2, and the page compares with run 2.
  auto page = read_file(m_dir.path() / "results/2026-11-23-night.html");
  EXPECT_THAT(page, HasSubstr("\"changed_in\":2"));
  EXPECT_THAT(page, HasSubstr("\"trail\":[[1,\"xpass\"],[2,\"xfail\"],[3,\"xfail\"]]"));
  EXPECT_THAT(page, ::testing::ContainsRegex("\"since_previous\":\\{[^}]*\"from\":2"));
}

// The nightly as CI jobs run it (.github/workflows/nightly.yml,
// .gitlab-ci.yml): each shard into a database of its own, then one job
// merges them into the nightly database and reports.
TEST_F(ScriptsNightly, ShardsRunApartAndMergeIntoOneNight) {
  test::write_file(m_dir.path() / "night.yaml",
                   "name: night\nfixtures-dir: " + (test::kSourceDir / "fixtures").string() +
                       "\ntargets: [x86_64, i386]\nc-compilers: [clang]\nfixtures: [scalars]\n");
  for (auto shard : {"1/2", "2/2"}) {
    auto r = night("clang19", "2026-11-24", {"--partition", shard});
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  const auto results = m_dir.path() / "results";
  EXPECT_TRUE(std::filesystem::exists(results / "shards/night-1-of-2.db"));
  EXPECT_TRUE(std::filesystem::exists(results / "shards/night-2-of-2.db"));
  EXPECT_FALSE(std::filesystem::exists(results / "nightly.db")); // shards only

  auto merged = night("clang19", "2026-11-24", {"--merge-shards"});
  EXPECT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_THAT(merged.output, HasSubstr("merged 2 results from 2 databases into run 1"));
  EXPECT_EQ(test::rows(results / "nightly.db", "SELECT status, (SELECT count(*) FROM results) FROM runs"),
            (std::vector<std::vector<std::string>>{{"complete", "2"}}));
  for (auto ext : {".md", ".xml", ".html", "-changes.txt"})
    EXPECT_TRUE(std::filesystem::exists(results / (std::string("2026-11-24-night") + ext))) << ext;
  EXPECT_FALSE(std::filesystem::exists(results / "shards/night-1-of-2.db")); // merged, then removed
}

TEST_F(ScriptsNightly, AMatrixThatDoesNotLoadIsAHarnessError) {
  test::write_file(m_dir.path() / "night.yaml", "name: night\ntargets: [riscv64]\nc-compilers: [clang]\n");
  auto r = night("clang19", "2026-11-21");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("nightly: night: harness error (exit 2)"));
}

} // namespace
} // namespace amx
