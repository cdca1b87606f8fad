// model/judge: what a program's output and exit status mean, its checks, and
// the verdict of a cell from them.

#include "model/judge.hpp"

#include "test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <csignal>

namespace amx {
namespace {

const ProcessSpec kSpec = [] {
  ProcessSpec s;
  s.timeout = std::chrono::seconds(10);
  s.output_cap = 4096;
  return s;
}();

// A program's run as the runner judges it, for a fixture that declares the
// given cases.
Outcome judge_output(const ProcessResult& r, const std::vector<std::string>& cases = {}) {
  return judge_run(r, kSpec, value_checks(r.output, cases));
}

TEST(ModelJudge, AllChecksPass) {
  auto o = judge_output(test::exited(0, "ok a c=int rust=i32 as=i32 expected=0x1 got=0x1\nok b\ndone\n"));
  EXPECT_TRUE(o.passed);
  EXPECT_FALSE(o.stage);
}

TEST(ModelJudge, AProgramGivenATokenMustPrintRustsEcho) {
  ProcessSpec spec = kSpec;
  spec.args = {"/tmp/program", "token=0123456789abcdef"};
  const auto echo = fmt::format("echo {:#x}", 0x0123456789abcdefULL ^ kEchoKey);
  auto judge = [&](const std::string& output) {
    auto r = test::exited(0, output);
    return judge_run(r, spec, value_checks(r.output, {}));
  };
  EXPECT_TRUE(judge("ok a\n" + echo + "\ndone\n").passed);
  // A program that prints passing checks and "done" but never reached Rust.
  auto liar = judge("ok a\ndone\n");
  EXPECT_FALSE(liar.passed);
  EXPECT_EQ(liar.reason, "Rust's side did not echo the run's token ('" + echo +
                             "' expected): the program did not reach Rust and come back");
  EXPECT_FALSE(judge("ok a\necho 0x123456789abcdef\ndone\n").passed); // the token itself, unchanged
  EXPECT_NE(run_token(), run_token());
  EXPECT_TRUE(run_token().starts_with("token="));
}

TEST(ModelJudge, EachDeclaredCaseOnceAndInOrder) {
  auto failed = [](const std::string& output) {
    std::vector<std::string> out;
    for (const auto& c : value_checks(output, {"one", "two", "three"}))
      if (!c.held)
        out.push_back(c.test + ": " + c.detail);
    return out;
  };
  EXPECT_EQ(failed("case one\nok a\ncase two\ncase three\n"), std::vector<std::string>{});
  EXPECT_EQ(failed("case one\ncase two\ncase one\ncase three\n"),
            std::vector<std::string>{"one: reported twice: the run protocol allows each case once"});
  EXPECT_EQ(failed("case one\ncase three\ncase two\n"),
            std::vector<std::string>{"two: out of the declared order: after three"});
  EXPECT_EQ(failed("case one\ncase extra\ncase two\ncase three\n"),
            std::vector<std::string>{"extra: not a case the fixture declares"});
  // A line without end is read up to the cap, not whole.
  auto checks = value_checks("ok " + std::string(1 << 20, 'n') + "\n", {});
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_LT(checks[0].property.size(), kMaxProtocolLine);
}

TEST(ModelJudge, WrongValueReportsTheFirstAndCountsTheRest) {
  auto o = judge_output(test::exited(1, "ok a\nfail c_to_rust.u8 c=uint8_t rust=u8 as=u8 expected=0xa5 got=0xc7\n"
                                  "fail b c=int16_t rust=i16 as=i16 expected=0xffffffffffffffff got=0x2\ndone\n"));
  EXPECT_FALSE(o.passed);
  EXPECT_EQ(o.stage, Stage::run);
  EXPECT_EQ(o.reason, "wrong value: c_to_rust.u8 expected 165 (0xa5), got 199 (0xc7) (+1 more)");
}

TEST(ModelJudge, SignalNamesTheLastPassingCheck) {
  auto r = test::exited(-1, "ok first\nok second\n");
  r.signal = SIGSEGV;
  EXPECT_EQ(judge_output(r).reason, "killed by SIGSEGV after 2 passing checks (last: second)");
}

TEST(ModelJudge, Timeout) {
  auto r = test::exited(-1, "ok before_the_loop\n");
  r.signal = SIGKILL;
  r.timed_out = true;
  EXPECT_EQ(judge_output(r).reason, "timeout after 10s after 1 passing check (last: before_the_loop)");
}

TEST(ModelJudge, OutputCap) {
  auto r = test::exited(-1, "flood\n");
  r.signal = SIGKILL;
  r.output_capped = true;
  EXPECT_EQ(judge_output(r).reason, "output exceeded 4096 bytes before any check passed");
}

TEST(ModelJudge, ExitCodeWithoutFailLinesQuotesTheOutput) {
  EXPECT_EQ(judge_output(test::exited(255, "qemu-riscv64: Could not open './program'\n")).reason,
            "exit code 255: qemu-riscv64: Could not open './program'");
}

TEST(ModelJudge, MustFinishAndMustCheckSomething) {
  EXPECT_EQ(judge_output(test::exited(0, "ok a\n")).reason,
            "exited 0 without printing 'done' after 1 passing check (last: a)");
  EXPECT_EQ(judge_output(test::exited(0, "done\n")).reason, "no checks ran");
}

TEST(ModelJudge, NotStarted) {
  ProcessResult r;
  r.spawn_error = "exec failed: Permission denied (/usr/bin/qemu-aarch64)";
  EXPECT_EQ(judge_output(r).reason, "exec failed: Permission denied (/usr/bin/qemu-aarch64)");
}

TEST(ModelJudge, BuildErrorsQuoteTheErrorLine) {
  auto o = judge_build(Stage::compile_rust, "rustc",
                       test::exited(1, "warning: unused\nerror: mixing `-Zregparm` will cause an ABI mismatch\n"), kSpec);
  EXPECT_EQ(o.stage, Stage::compile_rust);
  EXPECT_EQ(o.reason, "rustc error: error: mixing `-Zregparm` will cause an ABI mismatch");
  EXPECT_TRUE(judge_build(Stage::link, "ld", test::exited(0, ""), kSpec).passed);
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

// The output of a program whose calls run as cases, two of which crashed.
const char* kCased = "case rs_structs_take\n"
                     "fail c_to_rust.small.a c=uint8_t rust=u8 as=u8 expected=0xc3 got=0x8\n"
                     "ok c_to_rust.pair.a c=uint32_t rust=u32 as=u32 expected=0x89abcdef got=0x89abcdef\n"
                     "fail c_to_rust.small.b c=int16_t rust=i16 as=i16 expected=0xfffffffffffff376 got=0x0\n"
                     "case rs_ret_two64\n"
                     "crash rs_ret_two64 11\n"
                     "case rs_ret_big\n"
                     "crash rs_ret_big 11\n"
                     "case rs_ret_small\n"
                     "ok rust_returns.small.a c=uint8_t rust=u8 as=u8 expected=0xc3 got=0xc3\n"
                     "done\n";

TEST(ModelJudge, EveryValueIsACheckInItsCase) {
  auto checks = value_checks(kCased, {});
  ASSERT_EQ(checks.size(), 6u);
  EXPECT_EQ(checks[0].property, "c_to_rust.small.a");
  EXPECT_EQ(checks[0].test, "rs_structs_take");
  EXPECT_EQ(checks[0].kind, CheckKind::value);
  EXPECT_FALSE(checks[0].held);
  EXPECT_EQ(checks[0].c_type, "uint8_t");
  EXPECT_EQ(checks[0].rust_type, "u8");
  EXPECT_EQ(checks[0].expected, "195 (0xc3)");
  EXPECT_EQ(checks[0].received, "8 (0x8)");
  EXPECT_EQ(checks[0].detail, "expected 195 (0xc3), got 8 (0x8)");
  EXPECT_TRUE(checks[1].held);
  EXPECT_EQ(checks[2].expected, "-3210 (0xf376)"); // as an int16_t reads it
  EXPECT_EQ(checks[3].kind, CheckKind::crash);
  EXPECT_EQ(checks[3].property, "rs_ret_two64");
  EXPECT_EQ(checks[3].test, "rs_ret_two64");
  EXPECT_EQ(checks[3].detail, "SIGSEGV");
  EXPECT_EQ(checks[5].test, "rs_ret_small");
}

TEST(ModelJudge, ATypeWithSpacesAndAFloatAreReadAsTheTypeSays) {
  auto c = value_checks("fail rust_to_c.unsigned c=unsigned int rust=u32 as=u32 expected=0x1f42 got=0x0\n"
                        "ok rust_to_c.f32 c=float rust=f32 as=f32 expected=0x3fc00000 got=0x3fc00000\n",
                        {});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].property, "rust_to_c.unsigned");
  EXPECT_EQ(c[0].c_type, "unsigned int");
  EXPECT_EQ(c[0].expected, "8002 (0x1f42)");
  EXPECT_EQ(c[1].expected, "1.5 (0x3fc00000)");
}

TEST(ModelJudge, ReadValueShowsWhatDoesNotFitItsTypeAsBareHex) {
  EXPECT_EQ(read_value("i64", "0xffffffffffffffff"), "-1 (0xffffffffffffffff)");
  EXPECT_EQ(read_value("u64", "0xffffffffffffffff"), "18446744073709551615 (0xffffffffffffffff)");
  EXPECT_EQ(read_value("f64", "0x4006000000000000"), "2.75 (0x4006000000000000)");
  // High bits that do not extend the low ones: the type cannot hold it.
  EXPECT_EQ(read_value("i16", "0xf752"), "0xf752 (outside i16)");
  EXPECT_EQ(read_value("u8", "0xffffffffffffff80"), "0xffffffffffffff80 (outside u8)");
  EXPECT_EQ(read_value("", "0x5"), "0x5");
  EXPECT_EQ(read_value("u8", "12"), "12");
}

TEST(ModelJudge, ACheckSaysWhichWayItsCallCrossed) {
  EXPECT_EQ(check_direction("c_to_rust.small.a"), "C->Rust");
  EXPECT_EQ(check_direction("rust_returns.big.d"), "C->Rust");
  EXPECT_EQ(check_direction("c_returns.u8"), "Rust->C");
  EXPECT_EQ(check_direction("rust_calls_c_ptr.pair.a"), "callback Rust->C");
  EXPECT_EQ(check_direction("ibt-note"), "");
}

TEST(ModelJudge, AHungCaseAndCasesNeverReachedAreChecksThatFailed) {
  const std::vector<std::string> cases = {"first", "hangs", "after", "never"};
  auto r = test::exited(-1, "case first\nok a c=int rust=i32 as=i32 expected=0x1 got=0x1\ncase hangs\n"
                      "timeout hangs 2000\ncase after\n");
  r.signal = SIGKILL;
  r.timed_out = true;
  auto checks = value_checks(r.output, cases);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[1].kind, CheckKind::timeout);
  EXPECT_EQ(checks[1].detail, "timeout after 2s");
  EXPECT_EQ(checks[2].kind, CheckKind::unreached);
  EXPECT_EQ(checks[2].test, "never");
  EXPECT_FALSE(checks[2].held);
  EXPECT_EQ(judge_output(r, cases).reason, "timeout after 2s in hangs; not reached: never; "
                                           "timeout after 10s after 1 passing check (last: a)");
}

TEST(ModelJudge, TheReasonListsEachDistinctFailureCrashesIncluded) {
  auto o = judge_output(test::exited(1, kCased));
  EXPECT_EQ(o.reason, "wrong value in rs_structs_take: c_to_rust.small.a expected 195 (0xc3), got 8 (0x8) "
                      "(+1 more); SIGSEGV in rs_ret_two64 (+1 more case)");
  EXPECT_FALSE(program_check(test::exited(1, kCased), kSpec, value_checks(kCased, {}))); // every failure is a check already
  // A crash of the program itself after wrong values is a second finding, and a check.
  auto r = test::exited(-1, "ok a\nfail b c=int rust=i32 as=i32 expected=0x1 got=0x2\n");
  r.signal = SIGSEGV;
  o = judge_output(r);
  EXPECT_EQ(o.reason, "wrong value: b expected 1 (0x1), got 2 (0x2); killed by SIGSEGV after 1 passing check (last: a)");
  auto program = program_check(r, kSpec, value_checks(r.output, {}));
  ASSERT_TRUE(program);
  EXPECT_EQ(program->property, "program");
  EXPECT_EQ(program->detail, "killed by SIGSEGV after 1 passing check (last: a)");
}

TEST(ModelJudge, ARuleOwnsTheChecksItNamesAndNothingMore) {
  Cell cell;
  cell.expected = Expected::fail;
  cell.check_expectations = {{{"c_to_rust.*"}, "arguments"}, {{"rs_ret_*"}, "returns in memory"}};
  auto checks = value_checks(kCased, {});
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
  auto only_args = value_checks("case t\nfail c_to_rust.a c=int rust=i32 as=i32 expected=0x1 got=0x2\nok rust_to_c.a\ndone\n", {});
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

namespace amx {
namespace {

// One attempt of a cell: a verdict, and its program's run among its steps.
CellResult attempt(Verdict v, Outcome o, int exit_code, std::vector<CheckResult> checks = {}) {
  CellResult r;
  r.verdict = v;
  r.outcome = std::move(o);
  StepRecord build, run;
  build.stage = Stage::compile_c;
  build.step = "fixture-c";
  run.stage = Stage::run;
  run.step = "run";
  run.result = test::exited(exit_code, "");
  r.steps = {build, run};
  r.checks = std::move(checks);
  r.elapsed = std::chrono::seconds(1);
  return r;
}

TEST(ModelJudge, OnlyWhatTheProgramDecidedIsWorthRetrying) {
  EXPECT_TRUE(worth_retrying(Verdict::fail, {false, Stage::run, "signal"}));
  EXPECT_TRUE(worth_retrying(Verdict::fail, {false, Stage::check, "lost"}));
  EXPECT_TRUE(worth_retrying(Verdict::xpass, {}));
  EXPECT_FALSE(worth_retrying(Verdict::fail, {false, Stage::link, "undefined"})); // deterministic, kept
  EXPECT_FALSE(worth_retrying(Verdict::xfail, {false, Stage::run, "wrong value"}));
  EXPECT_FALSE(worth_retrying(Verdict::pass, {}));
}

TEST(ModelJudge, ARetryAsExpectedMakesTheCellFlakyWithEveryRunKept) {
  CheckResult held{"c_to_rust.a", "", true, ""};
  auto r = with_retries(attempt(Verdict::fail, {false, Stage::run, "killed by SIGSEGV"}, 139),
                        {attempt(Verdict::fail, {false, Stage::run, "killed by SIGSEGV"}, 139),
                         attempt(Verdict::pass, {}, 0, {held})});
  EXPECT_EQ(r.verdict, Verdict::flaky);
  EXPECT_FALSE(is_unexpected(r.verdict));
  EXPECT_EQ(r.outcome.reason, "pass on retry 2; at first fail at run: killed by SIGSEGV");
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_TRUE(r.checks[0].held); // the checks of the attempt that came out as expected
  ASSERT_EQ(r.steps.size(), 4u); // the first attempt's steps, then each retry's program run
  EXPECT_EQ(r.steps[2].step, "run, retry 1");
  EXPECT_EQ(r.steps[3].step, "run, retry 2");
  EXPECT_EQ(r.steps[3].result.exit_code, 0);
  EXPECT_EQ(r.elapsed, std::chrono::seconds(3));
}

TEST(ModelJudge, RetriesThatFailTooLeaveTheFirstResult) {
  auto r = with_retries(attempt(Verdict::fail, {false, Stage::run, "wrong value: x"}, 1),
                        {attempt(Verdict::fail, {false, Stage::run, "wrong value: y"}, 1)});
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.outcome.reason, "wrong value: x");
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[2].step, "run, retry 1");
  EXPECT_EQ(with_retries(attempt(Verdict::pass, {}, 0), {}).steps.size(), 2u);
}

} // namespace
} // namespace amx
