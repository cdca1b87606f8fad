#pragma once
// Stages, outcomes and verdicts: what a cell's run means, and the one rule
// for which verdicts go against the expectation (lit's ResultCode.isFailure).

#include <optional>
#include <string>
#include <vector>

namespace amx {

// The steps of a cell. rust-mix is the Rust-vs-Rust experiment: the fixture
// crate against a minicore built with the other side's setting.
enum class Stage { compile_c, compile_rust, link, run, check, rust_mix };
enum class Expected { pass, fail };
// flaky: unexpected at first, as expected when run again (run --retries).
enum class Verdict { pass, fail, skip, xfail, xpass, flaky };

std::string to_string(Stage s);
std::string to_string(Expected e);
std::string to_string(Verdict v);
std::optional<Stage> parse_stage(const std::string& s);
std::optional<Expected> parse_expected(const std::string& s);
std::optional<Verdict> parse_verdict(const std::string& s);
// Every verdict, in the order tables list them.
inline constexpr Verdict kAllVerdicts[] = {Verdict::pass,  Verdict::fail,  Verdict::xfail,
                                           Verdict::xpass, Verdict::flaky, Verdict::skip};

// fail and xpass: the verdicts that make a run's exit code 1.
bool is_unexpected(Verdict v);
// The verdicts a filter word means: a group ("unexpected": fail and xpass;
// "broken": fail and xfail), or a glob over the verdicts' names; empty when
// it means none.
std::vector<Verdict> verdicts_meant(const std::string& word);
// What verdicts_meant understands, for a message.
std::string verdict_words();
// pass and xpass: the cell's program did what a correct toolchain does.
bool is_passing(Verdict v);
// fail and xfail: it did not.
bool is_failing(Verdict v);

// What a cell's steps came to, before the expectation is applied.
struct Outcome {
  bool passed = true;
  std::optional<Stage> stage; // the stage that failed
  std::string reason;
};

// Whether running a cell's program again can tell a flaky toolchain, QEMU
// or machine from a real breakage: an unexpected verdict that its program
// decided (a run, a check, or an expected failure that did not come).
// Compiles and links are deterministic, and kept: retrying them proves
// nothing.
bool worth_retrying(Verdict v, const Outcome& o);

// pass/fail read against what was expected. An expected failure that
// happens at another stage than expected_stage is a fail, not an xfail.
Verdict decide(const Outcome& o, Expected expected, std::optional<Stage> expected_stage = std::nullopt);

} // namespace amx
