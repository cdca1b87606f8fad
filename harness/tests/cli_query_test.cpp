// The query commands (runs, query, diff, regressions, history, show) on a
// database built by two real runs of one matrix, where the second run's
// rustc no longer gets -Zfixed-x18: a regression of the fixed-x18 cells,
// as a nightly rustc that dropped the flag would cause.

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliQuery : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!test::missing_tools({"clang-19", "ld.lld-19", "qemu-aarch64", "llvm-readelf-19", "llvm-objdump-19", "rustc"})
             .empty())
      return;
    s_dir = new test::ScopedTempDir;
    const auto& d = s_dir->path();
    auto repo = std::filesystem::path(AMX_SOURCE_DIR);
    // Same matrix name and cells; only the catalogue's rustc spelling of
    // fixed-x18 differs, so cell keys stay and verdicts change.
    std::string body = "name: nightly\nfixtures-dir: " + (repo / "fixtures").string() +
                       "\ntargets: [aarch64]\nc-compilers: [clang-19]\nfixtures: [x18]\n"
                       "flags:\n  fixed-x18:\n  shadow-call-stack:\npairings: [matched, c-only, rust-only]\n";
    test::write_file(d / "good.yaml", "import: " + (repo / "matrices/flags.yaml").string() + "\n" + body);
    test::write_file(d / "dropped.yaml",
                     "flags:\n  fixed-x18:\n    class: abi\n    targets: [aarch64]\n    values: [on]\n"
                     "    rustc: -Cdebug-assertions=off\n    clang: -ffixed-x18\n"
                     "  shadow-call-stack:\n    class: hardening\n    targets: [aarch64]\n    values: [on]\n"
                     "    rustc: [-Zfixed-x18, -Zsanitizer=shadow-call-stack]\n"
                     "    clang: [-ffixed-x18, -fsanitize=shadow-call-stack]\n");
    test::write_file(d / "bad.yaml", "import: dropped.yaml\n" + body);
    s_db = new std::filesystem::path(d / "r.db");
    test::run_abimatrix({"run", (d / "good.yaml").string(), "--db", s_db->string()});
    test::run_abimatrix({"run", (d / "bad.yaml").string(), "--db", s_db->string()});
  }
  static void TearDownTestSuite() {
    delete s_db;
    delete s_dir;
  }
  void SetUp() override {
    AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-aarch64", "llvm-readelf-19", "llvm-objdump-19", "rustc");
  }
  ProcessResult q(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(s_db->string());
    return test::run_abimatrix(args);
  }

  static test::ScopedTempDir* s_dir;
  static std::filesystem::path* s_db;
};
test::ScopedTempDir* CliQuery::s_dir = nullptr;
std::filesystem::path* CliQuery::s_db = nullptr;

const char* kMatched = "aarch64 x18 clang-19/rustc c:fixed-x18=on rust:fixed-x18=on";

TEST_F(CliQuery, RunsListsBothWithCounts) {
  auto r = q({"runs", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["id"], 2);
  EXPECT_EQ(j[0]["status"], "complete");
  EXPECT_EQ(j[1]["verdicts"]["pass"], 3); // off, fixed-x18 and SCS matched
  // fixed-x18 matched now fails, next to the two SCS mismatches that break
  // this fixture in both runs (no expectation override here).
  EXPECT_EQ(j[0]["verdicts"]["fail"], 3);
  EXPECT_EQ(j[1]["verdicts"]["fail"], 2);
}

TEST_F(CliQuery, QueryFiltersByFlagSideAndVerdict) {
  auto r = q({"query", "--flag", "fixed-x18", "--format", "json"});
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["run"], 2);
  EXPECT_EQ(j["count"], 3); // matched, C only, Rust only
  j = nlohmann::json::parse(q({"query", "--rust-flag", "fixed-x18=on", "--verdict", "fail", "--format", "json"}).output);
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["results"][0]["name"], kMatched);
  j = nlohmann::json::parse(q({"query", "--run", "1", "--c-flag", "shadow-call-stack=off", "--format", "json"}).output);
  EXPECT_EQ(j["count"], 5); // every cell without SCS on the C side
  auto missing = q({"query", "--run", "7"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("no run 7 in the database"));
}

TEST_F(CliQuery, DiffAndRegressionsShowTheFlagThatBroke) {
  auto d = q({"diff", "1", "2"});
  EXPECT_EQ(d.exit_code, 0) << d.output;
  EXPECT_THAT(d.output, HasSubstr("regressions (1):"));
  EXPECT_THAT(d.output, HasSubstr(kMatched));
  EXPECT_THAT(d.output, HasSubstr("after:  fail (run: wrong value: x18.across_rust_call"));
  EXPECT_THAT(d.output, HasSubstr("1 regressed, 0 fixed, 0 changed otherwise, 0 new, 0 gone"));

  auto r = q({"regressions", "--flag", "fixed-x18"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("run 1 -> run 2"));
  EXPECT_THAT(r.output, HasSubstr(kMatched));
  auto other = q({"regressions", "--flag", "shadow-call-stack"});
  EXPECT_EQ(other.exit_code, 0) << other.output;
  EXPECT_THAT(other.output, HasSubstr("0 regressed"));
  // Both runs used the same tools: there is no run before a toolchain change.
  auto since = q({"regressions", "--since-toolchain-change"});
  EXPECT_EQ(since.exit_code, 2);
  EXPECT_THAT(since.output, HasSubstr("no earlier run of run 2's matrix used other tools"));
}

TEST_F(CliQuery, HistoryAndShowFollowOneCell) {
  auto j = nlohmann::json::parse(q({"query", "--verdict", "fail", "--format", "json"}).output);
  std::string key = j["results"][0]["key"];
  auto h = q({"history", key.substr(0, 6), "--format", "json"});
  ASSERT_EQ(h.exit_code, 0) << h.output;
  auto hist = nlohmann::json::parse(h.output)["history"];
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0]["verdict"], "pass");
  EXPECT_EQ(hist[1]["verdict"], "fail");
  EXPECT_THAT(hist[1]["rustc_version"].get<std::string>(), HasSubstr("rustc 1."));
  EXPECT_THAT(hist[1]["c_compiler_version"].get<std::string>(), HasSubstr("clang version 19"));

  auto s = q({"show", key, "--run", "2"});
  ASSERT_EQ(s.exit_code, 0) << s.output;
  EXPECT_THAT(s.output, HasSubstr("c side    fixed-x18=on"));
  EXPECT_THAT(s.output, HasSubstr("-Cdebug-assertions=off")); // the rustc command line
  EXPECT_THAT(s.output, HasSubstr("fail x18.across_rust_call expected="));  // the program's own output
  auto ambiguous = q({"show", ""});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_THAT(ambiguous.output, HasSubstr("is the start of more than one cell key"));
}

} // namespace
} // namespace amx
