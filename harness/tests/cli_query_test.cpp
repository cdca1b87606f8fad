// The query commands (runs, query, diff, regressions, history, show) on a
// database built by two real runs of one matrix, where the second run's
// rustc no longer gets -Zfixed-x18: a regression of the fixed-x18 cells,
// as a nightly rustc that dropped the flag would cause.

#include "store/database.hpp"
#include "model/judge.hpp"
#include "test_support.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include <set>

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
    // The shadow call stack spelled with x18 reserved, so that its cells
    // build on their own.
    auto catalogue = [](const std::string& rustc_fixed_x18) {
      return "flags:\n  fixed-x18:\n    class: abi\n    targets: [aarch64]\n    values: [on]\n"
             "    rustc: " + rustc_fixed_x18 + "\n    clang: -ffixed-x18\n"
             "  shadow-call-stack:\n    class: hardening\n    targets: [aarch64]\n    values: [on]\n"
             "    rustc: [-Zfixed-x18, -Zsanitizer=shadow-call-stack]\n"
             "    clang: [-ffixed-x18, -fsanitize=shadow-call-stack]\n";
    };
    test::write_file(d / "kept.yaml", catalogue("-Zfixed-x18"));
    test::write_file(d / "dropped.yaml", catalogue("-Cdebug-assertions=off"));
    test::write_file(d / "good.yaml", "import: kept.yaml\n" + body);
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
  // Each run records the abimatrix that ran it and the fixtures it built.
  auto version = test::run_abimatrix({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output, "abimatrix " + j[0]["abimatrix"].get<std::string>() + "\n");
  EXPECT_EQ(j[0]["fixtures_hash"].get<std::string>().size(), 16u);
  EXPECT_EQ(j[0]["fixtures_hash"], j[1]["fixtures_hash"]);
}

TEST_F(CliQuery, ReadingCommandsWorkOnAReadOnlyMount) {
  test::ScopedTempDir ro;
  std::filesystem::copy_file(*s_db, ro.path() / "r.db");
  // A read-only bind mount needs no privileges inside a user namespace.
  const auto bin = test::kBinary.string(), db = (ro.path() / "r.db").string(), dir = ro.path().string();
  auto script = fmt::format("mount --bind -o ro '{0}' '{0}' || exit 99; touch '{0}/x' 2>/dev/null && exit 98; "
                            "'{1}' runs --db '{2}' && '{1}' query --run 1 --db '{2}' && "
                            "'{1}' report --format json --db '{2}' >/dev/null",
                            dir, bin, db);
  auto r = test::run_bash({"-c", "exec unshare -Urm sh -c \"$0\"", script});
  if (r.exit_code == 99 || r.output.find("unshare failed") != std::string::npos)
    GTEST_SKIP() << "no user namespaces here to mount read-only: " << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("nightly"));
}

TEST_F(CliQuery, SomeoneElsesDatabaseIsRefusedUnchanged) {
  test::ScopedTempDir dir;
  auto foreign = dir.path() / "foreign.db";
  test::write_foreign_database(foreign);
  auto size = std::filesystem::file_size(foreign);
  for (const char* cmd : {"runs", "query", "report"}) {
    auto r = test::run_abimatrix({cmd, "--db", foreign.string()});
    EXPECT_EQ(r.exit_code, 2) << cmd;
    EXPECT_THAT(r.output, HasSubstr("foreign.db: not an abimatrix database")) << cmd;
  }
  EXPECT_EQ(std::filesystem::file_size(foreign), size);
  EXPECT_EQ(test::rows(foreign, "SELECT count(*) FROM sqlite_master"), std::vector<std::vector<std::string>>{{"1"}});
  EXPECT_EQ(test::rows(foreign, "PRAGMA journal_mode"), std::vector<std::vector<std::string>>{{"delete"}});
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
  // --matrix names whose runs a command reads, and the default run.
  j = nlohmann::json::parse(q({"report", "--matrix", "nightly", "--format", "json"}).output);
  EXPECT_EQ(j["run"]["id"], 2);
  auto other = q({"query", "--matrix", "smoke"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_THAT(other.output, HasSubstr("no run of matrix 'smoke' in the database; its runs are of: nightly"));
  auto report = q({"report", "--matrix", "smoke"});
  EXPECT_EQ(report.exit_code, 2);
  EXPECT_THAT(report.output, HasSubstr("no run of matrix 'smoke'"));
  EXPECT_EQ(q({"show", "0", "--run", "1", "--matrix", "smoke"}).exit_code, 2);
  auto missing = q({"query", "--run", "7"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("no run 7 in the database"));
}

TEST_F(CliQuery, DiffAndRegressionsShowTheFlagThatBroke) {
  auto d = q({"diff", "1", "2"});
  EXPECT_EQ(d.exit_code, 0) << d.output;
  EXPECT_THAT(d.output, HasSubstr("regressions (2):"));
  EXPECT_THAT(d.output, HasSubstr(kMatched));
  EXPECT_THAT(d.output, HasSubstr("after:  fail (run: wrong value in x18_rust_pressure: x18.across_rust_call "
                                       "expected 1736164148113840152 (0x1818181818181818), got "));
  // Inside a cell that stays xfail, a check that held now fails too: the
  // Rust side that lost -Zfixed-x18 now clobbers x18 across its own calls.
  EXPECT_THAT(d.output, HasSubstr("aarch64 x18 clang-19/rustc c:off rust:fixed-x18=on\n      before: xfail"));
  EXPECT_THAT(d.output, HasSubstr("      now failing: x18_rust_pressure: x18.across_rust_call\n"));
  EXPECT_THAT(d.output, HasSubstr("2 regressed, 0 fixed, 0 changed otherwise, 0 new, 0 gone"));

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
  EXPECT_THAT(s.output, HasSubstr("fail x18.across_rust_call c=uint64_t rust=u64 as=u64 expected=0x1818181818181818"));  // the program's own output
  auto ambiguous = q({"show", ""});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_THAT(ambiguous.output, HasSubstr("is the start of more than one cell key"));
}

// Check-level evidence with the real toolchains: on i386 with regparm on
// both sides, the structs cells' checks separate the arguments rustc passes
// the wrong way from the struct returns that crash, each owned by its rule.
TEST(CliQueryChecks, TwoDefectsInOneCellEachWithItsChecks) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "i686-linux-gnu-gcc", "qemu-i386", "rustc");
  test::ScopedTempDir dir;
  auto repo = std::filesystem::path(AMX_SOURCE_DIR);
  std::string head = "name: structs\nimport: " + (repo / "matrices/flags.yaml").string() +
                     "\nfixtures-dir: " + (repo / "fixtures").string() +
                     "\ntargets: [i386]\nc-compilers: [clang-19, gcc]\nfixtures: [structs]\n"
                     "flags:\n  regparm: [3]\npairings: [matched]\nexpect:\n"
                     "  - match: {c: {regparm: \"3\"}, rust: {regparm: \"3\"}}\n    verdict: fail\n"
                     "    checks: [\"c_to_rust.*\", \"rust_to_c.*\"]\n    reason: arguments\n";
  std::string returns = "  - match: {c: {regparm: \"3\"}, rust: {regparm: \"3\"}}\n    verdict: fail\n"
                        "    checks: [\"rs_ret_*\", rs_structs_drive]\n    reason: returns in memory\n";
  test::write_file(dir.path() / "both.yaml", head + returns);
  test::write_file(dir.path() / "one.yaml", head);
  auto db = (dir.path() / "r.db").string();

  auto both = test::run_abimatrix({"run", (dir.path() / "both.yaml").string(), "--db", db});
  EXPECT_EQ(both.exit_code, 0) << both.output;
  // Answered from the database: every argument check, held or not.
  auto args = test::run_abimatrix({"query", "--check", "rust_to_c.*", "--target", "i386", "--verdict", "xfail",
                                   "--format", "json", "--db", db});
  auto doc = nlohmann::json::parse(args.output);
  EXPECT_EQ(doc["count"], 28); // 14 fields, 2 cells
  for (const auto& c : doc["checks"]) {
    EXPECT_EQ(c["kind"], "value");
    EXPECT_EQ(c["test"], "rs_structs_drive");
    EXPECT_EQ(c["direction"], "Rust->C");
    EXPECT_FALSE(c["c_type"].get<std::string>().empty());
  }
  auto wrong = test::run_abimatrix({"query", "--check", "c_to_rust.small.a", "--db", db});
  EXPECT_THAT(wrong.output, HasSubstr("c_to_rust.small.a  rs_structs_take  uint8_t/u8  wrong value  expected 195 (0xc3), got "));
  // Each struct returned in memory crashed in its own case; none hid another.
  // What a case checked before it crashed is recorded (wrong values read
  // through the misplaced stack), what it would have checked after is not.
  auto crashed = test::run_abimatrix({"query", "--check", "rs_ret_*", "--flag", "regparm=3", "--format", "json", "--db", db});
  doc = nlohmann::json::parse(crashed.output);
  std::set<std::string> cases;
  for (const auto& c : doc["checks"]) {
    if (c["kind"] == "crash") {
      EXPECT_EQ(c["detail"], "SIGSEGV");
      cases.insert(c["property"].get<std::string>());
    }
  }
  EXPECT_EQ(cases, (std::set<std::string>{"rs_ret_small", "rs_ret_pair", "rs_ret_two64", "rs_ret_mixed", "rs_ret_big"}));

  // With the returns rule left out, the second defect is not hidden by the first.
  auto one = test::run_abimatrix({"run", (dir.path() / "one.yaml").string(), "--db", db});
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_THAT(one.output, HasSubstr("not expected: rs_ret_small, rs_ret_pair, rs_ret_two64 (+"));
}

// Check-level history: in a cell that stays xfail, one defect is fixed and
// later another appears; diff, regressions and history say so.
TEST(CliQueryChecks, ChangesInsideACellWhoseVerdictStays) {
  test::ScopedTempDir dir;
  auto path = dir.path() / "r.db";
  Database db(path); // committed nights are what the commands read
  Fixture fixture{"structs", "", {}, {}, {}, {}, {}};
  CCompiler cc{"clang-19", Family::clang};
  Cell cell = test::i386_cell(fixture, cc, {{"regparm", "3"}}, {{"regparm", "3"}});
  cell.expected = Expected::fail;
  // One night's output of the program, as the runner records it; an
  // empty output: a night that recorded nothing.
  auto night = [&](const std::string& output, RunStatus status = RunStatus::complete) {
    auto run = db.begin_run({"m.yaml", "m", "0123", "host", 1, 1, {}});
    CellResult r;
    r.cell = &cell;
    r.verdict = Verdict::xfail;
    r.checks = value_checks(output, {"take", "rs_ret_two64"});
    r.outcome = {false, Stage::run, "r"};
    if (!output.empty())
      db.record(run, {r});
    db.finish_run(run, status);
  };
  const std::string a = "case take\nfail c_to_rust.a c=int rust=i32 as=i32 expected=0x1 got=0x2\n";
  const std::string b = "fail c_to_rust.b c=int rust=i32 as=i32 expected=0x3 got=0x4\n";
  const std::string held = "case rs_ret_two64\nok rust_returns.two64.a c=int rust=i32 as=i32 expected=0x5 got=0x5\n";
  night(a + "case rs_ret_two64\ncrash rs_ret_two64 11\ndone\n");
  night(a + held + "done\n");
  night(a + b + held + "done\n");
  auto db_path = path.string();
  auto fixed = test::run_abimatrix({"diff", "1", "2", "--db", db_path});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_THAT(fixed.output, HasSubstr("fixes (1):"));
  EXPECT_THAT(fixed.output, HasSubstr("now holding: rs_ret_two64"));
  EXPECT_THAT(fixed.output, HasSubstr("0 regressed, 1 fixed"));

  auto broke = test::run_abimatrix({"regressions", "--db", db_path, "--matrix", "m"});
  EXPECT_EQ(broke.exit_code, 1) << broke.output;
  EXPECT_THAT(broke.output, HasSubstr("before: xfail (run: r)"));
  EXPECT_THAT(broke.output, HasSubstr("now failing: take: c_to_rust.b"));

  auto json = nlohmann::json::parse(test::run_abimatrix({"diff", "2", "3", "--format", "json", "--db", db_path}).output);
  EXPECT_EQ(json["regressions"][0]["now_failing"], nlohmann::json::array({"take: c_to_rust.b"}));

  auto history = test::run_abimatrix({"history", json["regressions"][0]["key"].get<std::string>(), "--db", db_path});
  EXPECT_THAT(history.output, HasSubstr("run 2: now holding: rs_ret_two64\nrun 3: now failing: take: c_to_rust.b\n"));

  night("", RunStatus::interrupted); // 4: cut short before any cell
  night(a + b + held + "done\n");
  // Against an empty night everything would look gone: refused.
  auto empty = test::run_abimatrix({"regressions", "--db", db_path});
  EXPECT_EQ(empty.exit_code, 2) << empty.output;
  EXPECT_THAT(empty.output, HasSubstr("the run to compare run 5 with, run 4, is empty: 0 of 1 cells recorded, "
                                      "status interrupted; finish it (abimatrix run --resume 4)"));
  auto since = test::run_abimatrix({"regressions", "--since-toolchain-change", "--db", db_path});
  EXPECT_EQ(since.exit_code, 2) << since.output; // no run with other tools
}

} // namespace
} // namespace amx
