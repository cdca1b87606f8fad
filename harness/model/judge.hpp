#pragma once
// What a stage's process result means for the cell: the one judge of
// compiles, links, program runs and property checks, which the runner and
// `abimatrix judge` (and so the reproducer scripts) share.

#include "model/result.hpp"
#include "util/process.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace amx {

// The run protocol: a program is given a new token=HEX each run, and its
// Rust side (minicore's amx_rs_echo) prints it back XORed with this key.
inline constexpr std::uint64_t kEchoKey = 0x9E3779B97F4A7C15;
std::string run_token();
// Longest line of a program's output that is read whole; the rest is cut.
inline constexpr std::size_t kMaxProtocolLine = 4096;

// A compile or link step: what failed and the first line that says why.
Outcome judge_build(Stage stage, const std::string& tool, const ProcessResult& r, const ProcessSpec& spec);

// The program under QEMU, from its value checks (value_checks) and how it
// ended: the distinct failures among the checks, then the program's own
// (a signal, a timeout, no "done"), as the reason.
Outcome judge_run(const ProcessResult& r, const ProcessSpec& spec, const std::vector<CheckResult>& checks);

// The "prop NAME held" / "prop NAME lost DETAIL" lines a program printed.
std::vector<CheckResult> run_properties(const std::string& output);

// Every value check a program printed ("ok NAME c=T rust=R as=A
// expected=0xE got=0xG", or "fail ..."), each in the test case whose "case
// NAME" line came before it. A case whose child died ("crash NAME SIGNO")
// or was killed for hanging ("timeout NAME MS") is a check of its own, and
// so is each of the fixture's declared `cases` the output never reached,
// and each case reported that the fixture does not declare, reports twice
// or reports out of the declared order.
std::vector<CheckResult> value_checks(const std::string& output, const std::vector<std::string>& cases);

// The check stage's verdict: the first lost property, and how many more.
Outcome judge_checks(const std::vector<CheckResult>& checks);

// A cell's program: its run (judge_run's outcome), then the properties
// checked after it.
Outcome judge_program(const Outcome& ran, const std::vector<CheckResult>& checks);

// The program itself as a check, when it failed other than through its
// value checks (a timeout, a signal, an exit without "done"): so no failure
// goes without a check that names it.
std::optional<CheckResult> program_check(const ProcessResult& r, const ProcessSpec& spec,
                                         const std::vector<CheckResult>& checks);

// The verdict of a cell. With check expectations, every failing check must
// be owned by one and each must see one of its checks fail; otherwise it is
// `fail` (naming what was not expected) or `xpass` (naming what now holds),
// said at the end of the outcome's reason.
Verdict judge_cell(const Cell& cell, Outcome& outcome, const std::vector<CheckResult>& checks);

// A cell run again after an unexpected verdict worth_retrying (run
// --retries), each retry's program run fresh. flaky when the last retry
// came out as expected: its checks, and a reason that says what happened
// at first. Otherwise the first result stands. Either way each retry's
// program run is among the steps, named "run, retry K".
CellResult with_retries(CellResult first, std::vector<CellResult> retries);

// "pass", or "fail at STAGE: REASON" (its first line), as reproducer
// scripts compare outcomes.
std::string outcome_line(const Outcome& o);

} // namespace amx
