// `abimatrix repro` and `abimatrix minimize` on a real run. The scalars
// fixture here also claims to observe min-function-alignment and
// patchable-function-entry (it has no check for them, so their mismatch is
// harmless to it), which makes a cell whose sides differ in three flags of
// which only regparm breaks it.

#include "test_support.hpp"
#include "util/hash.hpp"

#include <gmock/gmock.h>

#include <regex>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kThreeFlags = "min-function-alignment=64,patchable-function-entry=4,2,regparm=3";

class CliCell : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!test::missing_tools({"clang-19", "ld.lld-19", "qemu-i386", "rustc"}).empty())
      return;
    s_dir = new test::ScopedTempDir;
    const auto& d = s_dir->path();
    auto fixtures = d / "fixtures";
    for (auto part : {"runtime", "minicore"}) {
      std::filesystem::create_directories(fixtures / part);
      std::filesystem::copy(test::kSourceDir / "fixtures" / part, fixtures / part,
                            std::filesystem::copy_options::recursive);
    }
    for (auto file : {"scalars.c", "scalars.rs"})
      test::write_file(fixtures / "scalars" / file, read_file(test::kSourceDir / "fixtures/scalars" / file));
    test::write_file(fixtures / "scalars/fixture.yaml",
                     std::regex_replace(read_file(test::kSourceDir / "fixtures/scalars/fixture.yaml"),
                                        std::regex("flags: \\[regparm\\]"),
                                        "flags: [regparm, min-function-alignment, patchable-function-entry]"));
    test::write_file(d / "cell.yaml",
                     "name: cell\nimport: " + (test::kSourceDir / "matrices/flags.yaml").string() +
                         "\nfixtures-dir: fixtures\ntargets: [i386]\nc-compilers: [clang-19]\nfixtures: [scalars]\n"
                         "flags:\n  regparm: [3]\npairings: [matched]\ninclude:\n"
                         "  - c: {regparm: \"3\", min-function-alignment: \"64\", patchable-function-entry: \"4,2\"}\n"
                         "    rust: {}\n");
    s_db = new std::filesystem::path(d / "r.db");
    test::run_abimatrix({"run", (d / "cell.yaml").string(), "--db", s_db->string()});
  }
  static void TearDownTestSuite() {
    delete s_db;
    delete s_dir;
  }
  void SetUp() override { AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-i386", "rustc"); }

  // The key of the run's cell with these settings.
  static std::string key(const std::string& c, const std::string& rust) {
    auto r = test::rows(*s_db, "SELECT key FROM cells WHERE c_setting = '" + c + "' AND rust_setting = '" + rust + "'");
    return r.size() == 1 ? r[0][0] : "";
  }

  static test::ScopedTempDir* s_dir;
  static std::filesystem::path* s_db;
};
test::ScopedTempDir* CliCell::s_dir = nullptr;
std::filesystem::path* CliCell::s_db = nullptr;

TEST_F(CliCell, TheRunHasAPassingAndAFailingCell) {
  auto verdicts = test::rows(*s_db, "SELECT c.c_setting, r.verdict, coalesce(r.stage, '') FROM results r JOIN cells c "
                                    "ON c.key = r.cell_key ORDER BY c.c_setting");
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_EQ(verdicts[0], (std::vector<std::string>{kThreeFlags, "xfail", "run"}));
  EXPECT_EQ(verdicts[2], (std::vector<std::string>{"regparm=3", "pass", ""}));
}

TEST_F(CliCell, ReproScriptsReproduceAPassAndAFailureWithoutTheHarnessOrTheRepo) {
  const auto& d = s_dir->path();
  auto pass = key("regparm=3", "regparm=3"), fail = key(kThreeFlags, "off");
  ASSERT_FALSE(pass.empty());
  ASSERT_FALSE(fail.empty());
  for (const auto& [cell, file] : {std::pair{pass, "pass.sh"}, {fail, "fail.sh"}}) {
    auto r = test::run_abimatrix({"repro", cell.substr(0, 8), "--db", s_db->string(), "-o", (d / file).string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(std::filesystem::status(d / file).permissions() & std::filesystem::perms::owner_exec,
              std::filesystem::perms::none);
  }
  // Standalone: the sources the run compiled are gone; only the scripts'
  // own copies remain. rustc gets RUSTC_BOOTSTRAP=1 from the script alone
  // (-Zregparm needs it), and the scripts run from another folder.
  std::filesystem::rename(d / "fixtures", d / "fixtures-moved");
  auto script = read_file(d / "fail.sh");
  EXPECT_THAT(script, HasSubstr("env RUSTC_BOOTSTRAP=1 \"$RUSTC\""));
  EXPECT_THAT(script, HasSubstr("-mregparm=3"));
  EXPECT_THAT(script, Not(HasSubstr((d / "work").string()))) << "work paths must be the script's own";
  EXPECT_THAT(script, HasSubstr("Debian clang version 19")) << "the tool versions of the run";

  auto ok = test::run_bash({(d / "pass.sh").string(), (d / "pass-work").string()}, "/");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_THAT(ok.output, HasSubstr("outcome:  pass\nrecorded: pass\nsame outcome as recorded"));
  EXPECT_TRUE(std::filesystem::exists(d / "pass-work/src/scalars/scalars.rs"));

  auto bad = test::run_bash({(d / "fail.sh").string(), (d / "fail-work").string()}, "/");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("outcome:  fail at run: wrong value in rs_scalars_take: c_to_rust.u8 expected 165 (0xa5), got "));
  EXPECT_THAT(bad.output, HasSubstr("same outcome as recorded"));
  std::filesystem::rename(d / "fixtures-moved", d / "fixtures");

  if (!find_program("shellcheck").empty())
    for (auto file : {"pass.sh", "fail.sh"}) {
      ProcessSpec spec;
      spec.exe = find_program("shellcheck");
      spec.args = {(d / file).string()};
      auto lint = run_process(spec);
      EXPECT_EQ(lint.exit_code, 0) << file << "\n" << lint.output;
    }
}

TEST_F(CliCell, ReproSaysWhenAToolNowBehavesDifferently) {
  // The same script with QEMU pointed at a program that exits 0 at once: it
  // no longer prints 'done', and the script says the outcome differs.
  const auto& d = s_dir->path();
  auto r = test::run_abimatrix({"repro", key("regparm=3", "regparm=3"), "--db", s_db->string(), "-o",
                                (d / "other.sh").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ProcessSpec spec;
  spec.exe = "/usr/bin/env";
  spec.args = {"QEMU=/bin/true", find_program("bash").string(), (d / "other.sh").string(), (d / "other-work").string()};
  auto out = run_process(spec);
  EXPECT_EQ(out.exit_code, 1) << out.output;
  // QEMU replaced by /bin/true: no case ran, and the program never said done.
  EXPECT_THAT(out.output, HasSubstr("outcome:  fail at run: not reached: rs_scalars_take (+2 more cases)\n"));
  EXPECT_THAT(out.output, HasSubstr("DIFFERENT from the recorded outcome"));
}

// A matrix name that would end the script's comment and run a command, or
// print escapes to the terminal: the script stays a comment where it names
// it, and running it touches nothing (issue 19, item 4).
TEST_F(CliCell, AHostileMatrixNameNeverRunsFromTheScript) {
  const auto& d = s_dir->path();
  auto yaml = read_file(d / "cell.yaml");
  yaml.replace(yaml.find("name: cell"), 10, "name: \"cell\\ntouch PWNED; $(touch PWNED2) `touch PWNED3`\\e[31m\"");
  test::write_file(d / "hostile.yaml", yaml);
  auto db = d / "hostile.db";
  ASSERT_NE(test::run_abimatrix({"run", (d / "hostile.yaml").string(), "--db", db.string()}).exit_code, 2);
  auto cell = test::rows(db, "SELECT key FROM cells WHERE c_setting = 'regparm=3' AND rust_setting = 'regparm=3'")[0][0];
  auto r = test::run_abimatrix({"repro", cell, "--db", db.string(), "-o", (d / "hostile.sh").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto script = read_file(d / "hostile.sh");
  EXPECT_THAT(script, HasSubstr("# Run 1 of matrix 'cell\n# touch PWNED; $(touch PWNED2) `touch PWNED3`?[31m'"));
  EXPECT_EQ(script.find('\x1b'), std::string::npos);
  ProcessSpec spec;
  spec.exe = find_program("bash");
  spec.args = {(d / "hostile.sh").string(), (d / "hostile-work").string()};
  spec.cwd = d;
  auto out = run_process(spec);
  EXPECT_EQ(out.exit_code, 0) << out.output;
  for (auto file : {"PWNED", "PWNED2", "PWNED3"})
    EXPECT_FALSE(std::filesystem::exists(d / file)) << file;
}

TEST_F(CliCell, MinimizeFindsTheOneBreakingFlagOfThree) {
  auto r = test::run_abimatrix({"minimize", key(kThreeFlags, "off"), "--db", s_db->string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("the sides differ in 3: min-function-alignment (C 64, Rust off), "
                                  "patchable-function-entry (C 4,2, Rust off), regparm (C 3, Rust off)"));
  // The same failing checks, whatever values they read.
  EXPECT_THAT(r.output, HasSubstr("fails the same way: run: "));
  EXPECT_THAT(r.output, HasSubstr("rs_scalars_take: c_to_rust.u8 wrong value"));
  // The whole difference, none of it, then ddmin's four.
  EXPECT_THAT(r.output, HasSubstr("run  2  differ in none\n          pass\n"));
  EXPECT_THAT(r.output, HasSubstr("run  6  differ in regparm\n          fail at run: wrong value in rs_scalars_take: c_to_rust.u8"));
  EXPECT_THAT(r.output, HasSubstr("minimal: regparm (C 3, Rust off) (6 runs)\n"
                                  "  C side:    " + std::string(kThreeFlags) + "\n"
                                  "  Rust side: min-function-alignment=64,patchable-function-entry=4,2\n"));
  // Nothing of it is recorded as a run.
  EXPECT_EQ(test::rows(*s_db, "SELECT count(*) FROM runs")[0][0], "1");
}

TEST_F(CliCell, MinimizeAndReproRefuseWhatTheyCannotDo) {
  auto passed = test::run_abimatrix({"minimize", key("regparm=3", "regparm=3"), "--db", s_db->string()});
  EXPECT_EQ(passed.exit_code, 2);
  EXPECT_THAT(passed.output, HasSubstr("did not fail in run 1 (pass); there is nothing to minimize"));
  auto unknown = test::run_abimatrix({"repro", "ffffffffffff", "--db", s_db->string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.output, HasSubstr("no cell key starts with 'ffffffffffff'"));
  auto nodb = test::run_abimatrix({"repro", "abc", "--db", (s_dir->path() / "none.db").string()});
  EXPECT_EQ(nodb.exit_code, 2);
}

// `abimatrix judge`, which reproducer scripts ask: the harness's own reading
// of one step, without a database or a matrix.
TEST(CliJudge, SaysWhatAStepsResultMeans) {
  test::ScopedTempDir dir;
  auto out = dir.path() / "out";
  auto judge = [&](const std::string& text, std::vector<std::string> args) {
    test::write_file(out, text);
    args.insert(args.begin(), {"judge"});
    args.insert(args.end(), {"--output", out.string()});
    return test::run_abimatrix(args);
  };
  auto wrong = judge("ok a\nfail b c=int rust=i32 as=i32 expected=0x1 got=0x2\ndone\n", {"run", "--exit-code", "1"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_EQ(wrong.output, "fail at run: wrong value: b expected 1 (0x1), got 2 (0x2)\n");
  // A case the fixture declares that the output never reached is a failure.
  auto cut = judge("case a\nok x\ndone\n", {"run", "--exit-code", "0", "--case", "a", "--case", "b"});
  EXPECT_EQ(cut.output, "fail at run: not reached: b\n");
  auto lost = judge("ok a\nprop ibt-note lost no note\ndone\n", {"run", "--exit-code", "0"});
  EXPECT_EQ(lost.output, "fail at check: ibt-note lost: no note\n");
  auto fine = judge("ok a\ndone\n", {"run", "--exit-code", "0"});
  EXPECT_EQ(fine.exit_code, 0);
  EXPECT_EQ(fine.output, "pass\n");
  auto killed = judge("ok a\n", {"run", "--signal", "11"});
  EXPECT_EQ(killed.output, "fail at run: killed by SIGSEGV after 1 passing check (last: a)\n");
  auto slow = judge("", {"run", "--timed-out", "--timeout", "2"});
  EXPECT_EQ(slow.output, "fail at run: timeout after 2s before any check passed\n");
  auto compile = judge("x.c:1:1: error: boom\n", {"compile-c", "--tool", "clang-19", "--exit-code", "1"});
  EXPECT_EQ(compile.output, "fail at compile-c: clang-19 error: x.c:1:1: error: boom\n");
  EXPECT_EQ(judge("", {"run"}).exit_code, 2);           // how did it end?
  EXPECT_EQ(judge("", {"sideways", "--exit-code", "0"}).exit_code, 2);
}

// An x86_64 program the host ran itself: its reproducer runs it the same
// way, and under QEMU when RUNNER names it (on a machine that cannot).
TEST(CliRepro, AProgramTheHostRanRunsByItselfOrUnderTheRunnerGiven) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-x86_64", "rustc");
  if (!test::host_is_x86_64())
    GTEST_SKIP() << "not an x86_64 host";
  test::ScopedTempDir dir;
  const auto db = dir.path() / "r.db";
  auto run = test::run_abimatrix({"run", (test::kSourceDir / "matrices/smoke.yaml").string(), "--db", db.string(),
                                  "--work-dir", (dir.path() / "work").string(), "--filter", "x86_64 scalars clang-19*"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto keys = test::rows(db, "SELECT cell_key FROM results");
  ASSERT_EQ(keys.size(), 1u);
  const auto script = dir.path() / "cell.sh";
  auto r = test::run_abimatrix({"repro", keys[0][0], "--db", db.string(), "-o", script.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto text = read_file(script);
  EXPECT_THAT(text, HasSubstr("RUNNER=${RUNNER:-}\n"));
  EXPECT_THAT(text, HasSubstr("none, the host ran the program: Linux "));

  auto own = test::run_bash({script.string(), (dir.path() / "own").string()}, "/");
  EXPECT_EQ(own.exit_code, 0) << own.output;
  EXPECT_THAT(own.output, ::testing::ContainsRegex("\\+ /\\S*/obj/[0-9a-f]+/program "));
  EXPECT_THAT(own.output, HasSubstr("same outcome as recorded"));

  ProcessSpec qemu;
  qemu.exe = "/usr/bin/env";
  qemu.args = {"RUNNER=qemu-x86_64", find_program("bash").string(), script.string(), (dir.path() / "qemu").string()};
  auto emulated = run_process(qemu);
  EXPECT_EQ(emulated.exit_code, 0) << emulated.output;
  EXPECT_THAT(emulated.output, HasSubstr("+ qemu-x86_64 /"));
  EXPECT_THAT(emulated.output, HasSubstr("same outcome as recorded"));
  if (!find_program("shellcheck").empty()) {
    ProcessSpec lint;
    lint.exe = find_program("shellcheck");
    lint.args = {script.string()};
    auto linted = run_process(lint);
    EXPECT_EQ(linted.exit_code, 0) << linted.output;
  }
}

} // namespace
} // namespace amx
