// run/verdict: what a program's output and exit status mean.

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

TEST(RunVerdict, AllChecksPass) {
  auto o = judge_run(exited(0, "ok a\nok b\ndone\n"), kSpec);
  EXPECT_TRUE(o.passed);
  EXPECT_FALSE(o.stage);
}

TEST(RunVerdict, WrongValueReportsTheFirstAndCountsTheRest) {
  auto o = judge_run(exited(1, "ok a\nfail c_to_rust.u8 expected=165 got=199\nfail b expected=-1 got=2\ndone\n"), kSpec);
  EXPECT_FALSE(o.passed);
  EXPECT_EQ(o.stage, Stage::run);
  EXPECT_EQ(o.reason, "wrong value: c_to_rust.u8 expected 165, got 199 (+1 more)");
}

TEST(RunVerdict, SignalNamesTheLastPassingCheck) {
  auto r = exited(-1, "ok first\nok second\n");
  r.signal = SIGSEGV;
  EXPECT_EQ(judge_run(r, kSpec).reason, "killed by SIGSEGV after 2 passing checks (last: second)");
}

TEST(RunVerdict, Timeout) {
  auto r = exited(-1, "ok before_the_loop\n");
  r.signal = SIGKILL;
  r.timed_out = true;
  EXPECT_EQ(judge_run(r, kSpec).reason, "timeout after 10s after 1 passing check (last: before_the_loop)");
}

TEST(RunVerdict, OutputCap) {
  auto r = exited(-1, "flood\n");
  r.signal = SIGKILL;
  r.output_capped = true;
  EXPECT_EQ(judge_run(r, kSpec).reason, "output exceeded 4096 bytes before any check passed");
}

TEST(RunVerdict, ExitCodeWithoutFailLinesQuotesTheOutput) {
  EXPECT_EQ(judge_run(exited(255, "qemu-riscv64: Could not open './program'\n"), kSpec).reason,
            "exit code 255: qemu-riscv64: Could not open './program'");
}

TEST(RunVerdict, MustFinishAndMustCheckSomething) {
  EXPECT_EQ(judge_run(exited(0, "ok a\n"), kSpec).reason,
            "exited 0 without printing 'done' after 1 passing check (last: a)");
  EXPECT_EQ(judge_run(exited(0, "done\n"), kSpec).reason, "no checks ran");
}

TEST(RunVerdict, NotStarted) {
  ProcessResult r;
  r.spawn_error = "exec failed: Permission denied (/usr/bin/qemu-aarch64)";
  EXPECT_EQ(judge_run(r, kSpec).reason, "exec failed: Permission denied (/usr/bin/qemu-aarch64)");
}

TEST(RunVerdict, BuildErrorsQuoteTheErrorLine) {
  auto o = judge_build(Stage::compile_rust, "rustc",
                       exited(1, "warning: unused\nerror: mixing `-Zregparm` will cause an ABI mismatch\n"), kSpec);
  EXPECT_EQ(o.stage, Stage::compile_rust);
  EXPECT_EQ(o.reason, "rustc error: error: mixing `-Zregparm` will cause an ABI mismatch");
  EXPECT_TRUE(judge_build(Stage::link, "ld", exited(0, ""), kSpec).passed);
}

TEST(RunVerdict, DecideAgainstExpectation) {
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

} // namespace
} // namespace amx
