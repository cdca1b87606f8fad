#include "model/verdict.hpp"

#include "model/enum_names.hpp"
#include "util/text.hpp"

namespace amx {

namespace {
constexpr std::array<const char*, 6> kStageNames = {"compile-c", "compile-rust", "link", "run", "check", "rust-mix"};
constexpr std::array<const char*, 2> kExpectedNames = {"pass", "fail"};
constexpr std::array<const char*, 6> kVerdictNames = {"pass", "fail", "skip", "xfail", "xpass", "flaky"};
} // namespace

std::string to_string(Stage s) { return name_of(s, kStageNames); }
std::string to_string(Expected e) { return name_of(e, kExpectedNames); }
std::string to_string(Verdict v) { return name_of(v, kVerdictNames); }
std::optional<Stage> parse_stage(const std::string& s) { return value_named<Stage>(s, kStageNames); }
std::optional<Expected> parse_expected(const std::string& s) { return value_named<Expected>(s, kExpectedNames); }
std::optional<Verdict> parse_verdict(const std::string& s) { return value_named<Verdict>(s, kVerdictNames); }

bool is_unexpected(Verdict v) { return v == Verdict::fail || v == Verdict::xpass; }
bool is_passing(Verdict v) { return v == Verdict::pass || v == Verdict::xpass; }
bool is_failing(Verdict v) { return v == Verdict::fail || v == Verdict::xfail; }

std::vector<Verdict> verdicts_meant(const std::string& word) {
  std::vector<Verdict> out;
  for (auto v : kAllVerdicts)
    if (word == "unexpected" ? is_unexpected(v) : word == "broken" ? is_failing(v) : glob_match(word, to_string(v)))
      out.push_back(v);
  return out;
}

std::string verdict_words() {
  return "pass, fail, xfail, xpass, flaky, skip, a glob over them, or a group: unexpected (fail, xpass), broken "
         "(fail, xfail)";
}

bool worth_retrying(Verdict v, const Outcome& o) {
  return is_unexpected(v) && (v == Verdict::xpass || o.stage == Stage::run || o.stage == Stage::check);
}

Verdict decide(const Outcome& o, Expected expected, std::optional<Stage> expected_stage) {
  if (expected == Expected::pass)
    return o.passed ? Verdict::pass : Verdict::fail;
  if (o.passed)
    return Verdict::xpass;
  // A hardening mismatch should cost a property, not the run: failing
  // elsewhere is a different finding, not the expected one.
  return expected_stage && o.stage != expected_stage ? Verdict::fail : Verdict::xfail;
}

} // namespace amx
