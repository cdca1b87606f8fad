#include "model/judge.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>
#include <numeric>
#include <random>

namespace amx {

namespace {

std::string seconds(std::chrono::milliseconds ms) {
  return ms.count() % 1000 == 0 ? fmt::format("{}s", ms.count() / 1000) : fmt::format("{:.1f}s", ms.count() / 1000.0);
}

// Reasons shared by every stage: the process did not end on its own.
std::optional<std::string> abnormal_end(const ProcessResult& r, const ProcessSpec& spec) {
  if (!r.started)
    return r.spawn_error;
  if (r.timed_out)
    return fmt::format("timeout after {}", seconds(spec.timeout));
  if (r.output_capped)
    return fmt::format("output exceeded {} bytes", spec.output_cap);
  return std::nullopt;
}

} // namespace

std::string run_token() {
  std::random_device random;
  std::uint64_t token = (static_cast<std::uint64_t>(random()) << 32) | random();
  return fmt::format("token={:016x}", token);
}

Outcome judge_build(Stage stage, const std::string& tool, const ProcessResult& r, const ProcessSpec& spec) {
  if (r.ok())
    return {};
  Outcome o{false, stage, ""};
  if (auto why = abnormal_end(r, spec))
    o.reason = fmt::format("{}: {}", tool, *why);
  else if (r.signal)
    o.reason = fmt::format("{} killed by {}", tool, signal_name(r.signal));
  else
    o.reason = fmt::format("{} error: {}", tool, first_error_line(r.output));
  return o;
}

namespace {

// "NAME c=T rust=R as=A expected=0xE got=0xG": a value check's words. The
// C type may hold spaces ("unsigned int"), so each field runs to the next.
CheckResult value_check(const std::string& words, bool held) {
  CheckResult c;
  c.kind = CheckKind::value;
  c.held = held;
  static const std::array<std::string_view, 5> keys = {" c=", " rust=", " as=", " expected=", " got="};
  std::array<std::string, 5> fields;
  std::size_t first = std::string::npos;
  for (std::size_t k = 0; k < keys.size(); k++) {
    auto at = words.find(keys[k]);
    if (at == std::string::npos)
      continue;
    first = std::min(first, at);
    auto from = at + keys[k].size();
    auto to = words.size();
    for (auto other : keys)
      if (auto next = words.find(other, from); next != std::string::npos)
        to = std::min(to, next);
    fields[k] = words.substr(from, to - from);
  }
  c.property = words.substr(0, first);
  if (c.property.empty())
    c.property = "?";
  c.c_type = fields[0];
  c.rust_type = fields[1];
  c.expected = read_value(fields[2], fields[3]);
  c.received = read_value(fields[2], fields[4]);
  if (!held)
    c.detail = fmt::format("expected {}, got {}", c.expected, c.received);
  return c;
}

// A case that did not end by returning: "crash NAME SIGNO", "timeout NAME
// MS", "fork-failed NAME".
CheckResult case_check(CheckKind kind, const std::string& name, std::string detail) {
  CheckResult c;
  c.kind = kind;
  c.property = name;
  c.test = name;
  c.held = false;
  c.detail = std::move(detail);
  return c;
}

} // namespace

std::vector<CheckResult> value_checks(const std::string& output, const std::vector<std::string>& cases) {
  std::vector<CheckResult> out;
  std::vector<std::string> reached;
  std::string test;
  std::size_t declared_at = 0; // where in `cases` the last declared case was
  for (const auto& full_line : split_lines(output)) {
    // A program's words are capped: a name can be long, not unbounded.
    const std::string line = full_line.substr(0, kMaxProtocolLine);
    auto word = line.substr(0, line.find(' '));
    auto rest = line.size() > word.size() ? line.substr(word.size() + 1) : std::string();
    if (word == "case") {
      test = rest;
      // Each declared case once, in the declared order: a program that
      // runs other cases, or one twice, is not running the fixture planned.
      auto at = std::find(cases.begin(), cases.end(), rest);
      if (std::find(reached.begin(), reached.end(), rest) != reached.end())
        out.push_back(case_check(CheckKind::crash, rest, "reported twice: the run protocol allows each case once"));
      else if (!cases.empty() && at == cases.end())
        out.push_back(case_check(CheckKind::crash, rest, "not a case the fixture declares"));
      else if (at != cases.end() && static_cast<std::size_t>(at - cases.begin()) < declared_at)
        out.push_back(case_check(CheckKind::crash, rest, "out of the declared order: after " + cases[declared_at]));
      if (at != cases.end())
        declared_at = std::max(declared_at, static_cast<std::size_t>(at - cases.begin()));
      reached.push_back(rest);
    } else if (word == "ok" || word == "fail") {
      out.push_back(value_check(rest, word == "ok"));
      out.back().test = test;
    } else if (word == "crash" || word == "timeout") {
      // The case itself: its child was killed, and whatever it had not
      // checked yet was never reached.
      auto words = split_words(rest);
      if (words.size() != 2)
        continue;
      int n = 0;
      std::from_chars(words[1].data(), words[1].data() + words[1].size(), n);
      out.push_back(word == "crash"
                        ? case_check(CheckKind::crash, words[0], signal_name(n))
                        : case_check(CheckKind::timeout, words[0],
                                     fmt::format("timeout after {}", seconds(std::chrono::milliseconds(n)))));
    } else if (word == "fork-failed") {
      out.push_back(case_check(CheckKind::crash, rest, "could not fork to run the case"));
    }
  }
  for (const auto& c : cases)
    if (std::find(reached.begin(), reached.end(), c) == reached.end())
      out.push_back(case_check(CheckKind::unreached, c, "not reached: the program ended before it"));
  return out;
}

namespace {

// "wrong value: NAME expected E, got G (+N more)" for checks outside a case,
// "wrong value in CASE: ..." per case, "SIGSEGV in CASE (+N more cases)" per
// signal, "timeout after 2s in CASE" and "not reached: CASE", in the order
// they happened: one crash never hides another failure.
std::vector<std::string> distinct_failures(const std::vector<CheckResult>& checks) {
  struct Group {
    CheckKind kind;
    std::string key; // the case of wrong values, the signal of crashes
    const CheckResult* first;
    int count;
  };
  std::vector<Group> groups;
  for (const auto& c : checks) {
    if (c.held || c.kind == CheckKind::property)
      continue;
    const std::string& key = c.kind == CheckKind::value ? c.test : c.detail;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.kind == c.kind && g.key == key; });
    if (it == groups.end())
      groups.push_back({c.kind, key, &c, 1});
    else
      it->count++;
  }
  std::vector<std::string> out;
  for (const auto& g : groups) {
    auto more = g.count > 1 ? fmt::format(" (+{} more case{})", g.count - 1, g.count > 2 ? "s" : "") : "";
    switch (g.kind) {
    case CheckKind::value:
      out.push_back(fmt::format("wrong value{}: {} expected {}, got {}{}", g.key.empty() ? "" : " in " + g.key,
                                g.first->property, g.first->expected, g.first->received,
                                g.count > 1 ? fmt::format(" (+{} more)", g.count - 1) : ""));
      break;
    case CheckKind::unreached:
      out.push_back(fmt::format("not reached: {}{}", g.first->test, more));
      break;
    default:
      out.push_back(fmt::format("{} in {}{}", g.key, g.first->test, more));
    }
  }
  return out;
}

} // namespace

namespace {

// The "echo" line a program given token=HEX must print: the token as
// minicore's amx_rs_echo changes it. "" for a program given no token.
std::string expected_echo(const ProcessSpec& spec) {
  for (const auto& a : spec.args)
    if (a.starts_with("token=")) {
      std::uint64_t token = 0;
      std::from_chars(a.data() + 6, a.data() + a.size(), token, 16);
      return fmt::format("echo {:#x}", token ^ kEchoKey);
    }
  return "";
}

// How the program itself failed, beyond what its checks say; "" when it
// did not. A timeout or a crash after wrong values is a second finding.
std::string program_failure(const ProcessResult& r, const ProcessSpec& spec, const std::vector<CheckResult>& checks) {
  int oks = 0;
  std::string last_ok;
  bool wrong = false;
  for (const auto& c : checks) {
    wrong = wrong || !c.held;
    if (c.held && c.kind == CheckKind::value) {
      oks++;
      last_ok = c.property;
    }
  }
  std::string progress = oks ? fmt::format(" after {} passing check{} (last: {})", oks, oks > 1 ? "s" : "", last_ok)
                             : " before any check passed";
  if (auto why = abnormal_end(r, spec))
    return *why + (r.started ? progress : "");
  if (r.signal)
    return fmt::format("killed by {}{}", signal_name(r.signal), progress);
  if (wrong)
    return ""; // the failing checks explain the exit
  if (r.exit_code != 0) {
    auto said = first_line(r.output);
    return fmt::format("exit code {}{}", r.exit_code, oks || said.empty() ? progress : ": " + said);
  }
  const auto lines = split_lines(r.output);
  if (std::find(lines.begin(), lines.end(), "done") == lines.end())
    return "exited 0 without printing 'done'" + progress;
  if (auto echo = expected_echo(spec); !echo.empty() && std::find(lines.begin(), lines.end(), echo) == lines.end())
    return fmt::format("Rust's side did not echo the run's token ('{}' expected): the program did not reach Rust "
                       "and come back",
                       echo);
  if (oks == 0)
    return "no checks ran";
  return "";
}

} // namespace

Outcome judge_run(const ProcessResult& r, const ProcessSpec& spec, const std::vector<CheckResult>& checks) {
  auto failures = distinct_failures(checks);
  if (auto program = program_failure(r, spec, checks); !program.empty())
    failures.push_back(std::move(program));
  if (failures.empty())
    return {};
  return {false, Stage::run, join(failures, "; ")};
}

std::vector<CheckResult> run_properties(const std::string& output) {
  std::vector<CheckResult> out;
  for (const auto& line : split_lines(output)) {
    if (!line.starts_with("prop "))
      continue;
    auto w = split_words(line);
    if (w.size() < 3)
      continue;
    CheckResult r;
    r.property = w[1];
    r.held = w[2] == "held";
    if (!r.held) {
      auto at = line.find(" lost ");
      r.detail = at == std::string::npos ? "" : line.substr(at + 6);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Outcome judge_checks(const std::vector<CheckResult>& checks) {
  auto is_lost = [](const CheckResult& c) { return c.kind == CheckKind::property && !c.held; };
  auto first = std::find_if(checks.begin(), checks.end(), is_lost);
  if (first == checks.end())
    return {};
  auto lost = std::count_if(checks.begin(), checks.end(), is_lost);
  return {false, Stage::check,
          fmt::format("{} lost: {}{}", first->property, first->detail,
                      lost > 1 ? fmt::format(" (+{} more)", lost - 1) : "")};
}

Outcome judge_program(const Outcome& ran, const std::vector<CheckResult>& checks) {
  return ran.passed ? judge_checks(checks) : ran;
}

std::optional<CheckResult> program_check(const ProcessResult& r, const ProcessSpec& spec,
                                         const std::vector<CheckResult>& checks) {
  auto failure = program_failure(r, spec, checks);
  if (failure.empty())
    return std::nullopt;
  CheckResult c;
  c.kind = CheckKind::crash;
  c.property = "program";
  c.held = false;
  c.detail = std::move(failure);
  return c;
}

Verdict judge_cell(const Cell& cell, Outcome& outcome, const std::vector<CheckResult>& checks) {
  if (cell.check_expectations.empty())
    return decide(outcome, cell.expected, cell.expected_stage);
  // A failure before the program ran is none of the checks'.
  if (!outcome.passed && outcome.stage != Stage::run && outcome.stage != Stage::check)
    return Verdict::fail;
  auto owns = [](const CheckExpectation& e, const CheckResult& c) {
    return std::any_of(e.checks.begin(), e.checks.end(),
                       [&](const std::string& g) { return glob_match(g, c.property) || glob_match(g, c.test); });
  };
  std::vector<std::string> unowned, holding;
  for (const auto& c : checks)
    if (!c.held && std::none_of(cell.check_expectations.begin(), cell.check_expectations.end(),
                                [&](const CheckExpectation& e) { return owns(e, c); }))
      unowned.push_back(c.property);
  for (const auto& e : cell.check_expectations)
    if (std::none_of(checks.begin(), checks.end(), [&](const CheckResult& c) { return !c.held && owns(e, c); }))
      holding.push_back(join(e.checks, ", "));
  auto named = [](const std::vector<std::string>& v) {
    return v.size() > 3 ? fmt::format("{}, {}, {} (+{} more)", v[0], v[1], v[2], v.size() - 3) : join(v, ", ");
  };
  if (!unowned.empty()) {
    outcome.reason += (outcome.reason.empty() ? "" : "; ") + ("not expected: " + named(unowned));
    return Verdict::fail;
  }
  if (!holding.empty()) {
    outcome.reason += (outcome.reason.empty() ? "" : "; ") + ("now hold: " + named(holding));
    return Verdict::xpass;
  }
  return Verdict::xfail;
}

std::string outcome_line(const Outcome& o) {
  if (o.passed)
    return "pass";
  return fmt::format("fail at {}: {}", o.stage ? to_string(*o.stage) : "?", first_line(o.reason));
}

CellResult with_retries(CellResult first, std::vector<CellResult> retries) {
  if (retries.empty())
    return first;
  std::vector<StepRecord> runs;
  for (std::size_t k = 0; k < retries.size(); k++)
    for (auto& s : retries[k].steps)
      if (s.stage == Stage::run) {
        s.step = fmt::format("run, retry {}", k + 1);
        runs.push_back(std::move(s));
      }
  auto out = std::move(first);
  const auto& last = retries.back();
  if (!is_unexpected(last.verdict)) {
    out.outcome.reason = fmt::format("{} on retry {}; at first {}{}{}", to_string(last.verdict), retries.size(),
                                     to_string(out.verdict),
                                     out.outcome.stage ? " at " + to_string(*out.outcome.stage) : "",
                                     out.outcome.reason.empty() ? "" : ": " + out.outcome.reason);
    out.verdict = Verdict::flaky;
    out.checks = last.checks;
  }
  out.steps.insert(out.steps.end(), std::make_move_iterator(runs.begin()), std::make_move_iterator(runs.end()));
  out.elapsed += std::accumulate(retries.begin(), retries.end(), std::chrono::duration<double>{},
                                 [](auto sum, const CellResult& r) { return sum + r.elapsed; });
  return out;
}

} // namespace amx
