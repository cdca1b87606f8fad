// model/judge: what a program's output and exit status mean, its checks, and
// the verdict of a cell from them.

#include "model/judge.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace amx {
namespace {

ProcessResult exited(int code, std::string output) {
  ProcessResult r;
  r.started = true;
  r.exit_code = code;
  r.output = std::move(output);
  return r;
}

const ProcessSpec kSpec = [] {
  ProcessSpec s;
  s.timeout = std::chrono::seconds(10);
  s.output_cap = 4096;
  return s;
}();

TEST(ModelJudge, AllChecksPass) {
  auto o = judge_run(exited(0, "ok a\nok b\ndone\n"), kSpec);
  EXPECT_TRUE(o.passed);
  EXPECT_FALSE(o.stage);
}

TEST(ModelJudge, WrongValueReportsTheFirstAndCountsTheRest) {
  auto o = judge_run(exited(1, "ok a\nfail c_to_rust.u8 expected=165 got=199\nfail b expected=-1 got=2\ndone\n"), kSpec);
  EXPECT_FALSE(o.passed);
  EXPECT_EQ(o.stage, Stage::run);
  EXPECT_EQ(o.reason, "wrong value: c_to_rust.u8 expected 165, got 199 (+1 more)");
}

TEST(ModelJudge, SignalNamesTheLastPassingCheck) {
  auto r = exited(-1, "ok first\nok second\n");
  r.signal = SIGSEGV;
  EXPECT_EQ(judge_run(r, kSpec).reason, "killed by SIGSEGV after 2 passing checks (last: second)");
}

TEST(ModelJudge, Timeout) {
  auto r = exited(-1, "ok before_the_loop\n");
  r.signal = SIGKILL;
  r.timed_out = true;
  EXPECT_EQ(judge_run(r, kSpec).reason, "timeout after 10s after 1 passing check (last: before_the_loop)");
}

TEST(ModelJudge, OutputCap) {
  auto r = exited(-1, "flood\n");
  r.signal = SIGKILL;
  r.output_capped = true;
  EXPECT_EQ(judge_run(r, kSpec).reason, "output exceeded 4096 bytes before any check passed");
}

TEST(ModelJudge, ExitCodeWithoutFailLinesQuotesTheOutput) {
  EXPECT_EQ(judge_run(exited(255, "qemu-riscv64: Could not open './program'\n"), kSpec).reason,
            "exit code 255: qemu-riscv64: Could not open './program'");
}

TEST(ModelJudge, MustFinishAndMustCheckSomething) {
  EXPECT_EQ(judge_run(exited(0, "ok a\n"), kSpec).reason,
            "exited 0 without printing 'done' after 1 passing check (last: a)");
  EXPECT_EQ(judge_run(exited(0, "done\n"), kSpec).reason, "no checks ran");
}

TEST(ModelJudge, NotStarted) {
  ProcessResult r;
  r.spawn_error = "exec failed: Permission denied (/usr/bin/qemu-aarch64)";
  EXPECT_EQ(judge_run(r, kSpec).reason, "exec failed: Permission denied (/usr/bin/qemu-aarch64)");
}

TEST(ModelJudge, BuildErrorsQuoteTheErrorLine) {
  auto o = judge_build(Stage::compile_rust, "rustc",
                       exited(1, "warning: unused\nerror: mixing `-Zregparm` will cause an ABI mismatch\n"), kSpec);
  EXPECT_EQ(o.stage, Stage::compile_rust);
  EXPECT_EQ(o.reason, "rustc error: error: mixing `-Zregparm` will cause an ABI mismatch");
  EXPECT_TRUE(judge_build(Stage::link, "ld", exited(0, ""), kSpec).passed);
}

TEST(ModelJudge, DecideAgainstExpectation) {
  Outcome pass, fail{false, Stage::run, "x"};
  EXPECT_EQ(decide(pass, Expected::pass), Verdict::pass);
  EXPECT_EQ(decide(fail, Expected::pass), Verdict::fail);
  EXPECT_EQ(decide(fail, Expected::fail), Verdict::xfail);
  EXPECT_EQ(decide(pass, Expected::fail), Verdict::xpass);
  // An expected failure at another stage than the one expected is a finding.
  EXPECT_EQ(decide(fail, Expected::fail, Stage::run), Verdict::xfail);
  EXPECT_EQ(decide(fail, Expected::fail, Stage::check), Verdict::fail);
  EXPECT_TRUE(is_unexpected(Verdict::fail));
  EXPECT_TRUE(is_unexpected(Verdict::xpass));
  EXPECT_FALSE(is_unexpected(Verdict::xfail));
  EXPECT_FALSE(is_unexpected(Verdict::skip));
}

// The output of a program whose calls run as cases, one of which crashed.
const char* kCased = "case rs_structs_take\n"
                     "fail c_to_rust.small.a expected=195 got=8\n"
                     "ok c_to_rust.pair.a\n"
                     "fail c_to_rust.tail expected=7 got=0\n"
                     "case rs_ret_two64\n"
                     "fail rs_ret_two64 expected=no-signal got=SIGSEGV\n"
                     "case rs_ret_big\n"
                     "fail rs_ret_big expected=no-signal got=SIGSEGV\n"
                     "case rs_ret_small\n"
                     "ok rust_returns.small.a\n"
                     "done\n";

TEST(ModelJudge, EveryValueIsACheckInItsCase) {
  auto checks = value_checks(kCased);
  ASSERT_EQ(checks.size(), 6u);
  EXPECT_EQ(checks[0].property, "c_to_rust.small.a");
  EXPECT_EQ(checks[0].test, "rs_structs_take");
  EXPECT_EQ(checks[0].kind, CheckKind::value);
  EXPECT_FALSE(checks[0].held);
  EXPECT_EQ(checks[0].expected, "195");
  EXPECT_EQ(checks[0].received, "8");
  EXPECT_EQ(checks[0].detail, "expected 195, got 8");
  EXPECT_TRUE(checks[1].held);
  EXPECT_EQ(checks[3].kind, CheckKind::crash);
  EXPECT_EQ(checks[3].property, "rs_ret_two64");
  EXPECT_EQ(checks[3].test, "rs_ret_two64");
  EXPECT_EQ(checks[3].detail, "SIGSEGV");
  EXPECT_EQ(checks[5].test, "rs_ret_small");
}

TEST(ModelJudge, TheReasonListsEachDistinctFailureCrashesIncluded) {
  auto o = judge_run(exited(1, kCased), kSpec);
  EXPECT_EQ(o.reason, "wrong value in rs_structs_take: c_to_rust.small.a expected 195, got 8 (+1 more); "
                      "SIGSEGV in rs_ret_two64 (+1 more case)");
  EXPECT_FALSE(program_check(exited(1, kCased), kSpec, value_checks(kCased))); // every failure is a check already
  // A crash of the program itself after wrong values is a second finding, and a check.
  auto r = exited(-1, "ok a\nfail b expected=1 got=2\n");
  r.signal = SIGSEGV;
  o = judge_run(r, kSpec);
  EXPECT_EQ(o.reason, "wrong value: b expected 1, got 2; killed by SIGSEGV after 1 passing check (last: a)");
  auto program = program_check(r, kSpec, value_checks(r.output));
  ASSERT_TRUE(program);
  EXPECT_EQ(program->property, "program");
  EXPECT_EQ(program->detail, "killed by SIGSEGV after 1 passing check (last: a)");
}

TEST(ModelJudge, ARuleOwnsTheChecksItNamesAndNothingMore) {
  Cell cell;
  cell.expected = Expected::fail;
  cell.check_expectations = {{{"c_to_rust.*"}, "arguments"}, {{"rs_ret_*"}, "returns in memory"}};
  auto checks = value_checks(kCased);
  Outcome o{false, Stage::run, "r"};
  EXPECT_EQ(judge_cell(cell, o, checks), Verdict::xfail);
  EXPECT_EQ(o.reason, "r");

  // A second defect that no rule explains is not hidden by the first.
  cell.check_expectations.pop_back();
  o = {false, Stage::run, "r"};
  EXPECT_EQ(judge_cell(cell, o, checks), Verdict::fail);
  EXPECT_EQ(o.reason, "r; not expected: rs_ret_two64, rs_ret_big");

  // One defect fixed upstream: its checks now hold, and the cell says so.
  cell.check_expectations = {{{"c_to_rust.*"}, "arguments"}, {{"rust_to_c.*"}, "the other way"}};
  auto only_args = value_checks("case t\nfail c_to_rust.a expected=1 got=2\nok rust_to_c.a\ndone\n");
  o = {false, Stage::run, "r"};
  EXPECT_EQ(judge_cell(cell, o, only_args), Verdict::xpass);
  EXPECT_EQ(o.reason, "r; now hold: rust_to_c.*");

  // Failing before the program ran is no check's failure.
  o = {false, Stage::link, "ld"};
  EXPECT_EQ(judge_cell(cell, o, {}), Verdict::fail);
  // Without check rules, the cell's expectation decides as ever.
  cell.check_expectations.clear();
  o = {false, Stage::link, "ld"};
  EXPECT_EQ(judge_cell(cell, o, {}), Verdict::xfail);
}

} // namespace
} // namespace amx
