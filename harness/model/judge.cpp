#include "model/judge.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

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

Outcome judge_run(const ProcessResult& r, const ProcessSpec& spec) {
  Outcome o{false, Stage::run, ""};
  int oks = 0;
  std::string last_ok, first_fail;
  int fails = 0;
  bool done = false;
  for (const auto& line : split_lines(r.output)) {
    if (line.starts_with("ok ")) {
      oks++;
      last_ok = line.substr(3);
    } else if (line.starts_with("fail ")) {
      if (fails++ == 0) {
        // "fail NAME expected=E got=G" -> "NAME expected E, got G"
        auto words = split_words(line.substr(5));
        std::string name = words.empty() ? "?" : words[0], expected, got;
        for (const auto& w : words) {
          if (w.starts_with("expected="))
            expected = w.substr(9);
          else if (w.starts_with("got="))
            got = w.substr(4);
        }
        first_fail = fmt::format("{} expected {}, got {}", name, expected, got);
      }
    } else if (line == "done") {
      done = true;
    }
  }
  std::string progress = oks ? fmt::format(" after {} passing check{} (last: {})", oks, oks > 1 ? "s" : "", last_ok)
                             : " before any check passed";

  if (auto why = abnormal_end(r, spec)) {
    o.reason = *why + (r.started ? progress : "");
  } else if (fails) {
    o.reason = fmt::format("wrong value: {}{}", first_fail, fails > 1 ? fmt::format(" (+{} more)", fails - 1) : "");
  } else if (r.signal) {
    o.reason = fmt::format("killed by {}{}", signal_name(r.signal), progress);
  } else if (r.exit_code != 0) {
    auto said = first_line(r.output);
    o.reason = fmt::format("exit code {}{}", r.exit_code, oks || said.empty() ? progress : ": " + said);
  } else if (!done) {
    o.reason = "exited 0 without printing 'done'" + progress;
  } else if (oks == 0) {
    o.reason = "no checks ran";
  } else {
    return {};
  }
  return o;
}

std::vector<CheckResult> run_properties(const std::string& output) {
  std::vector<CheckResult> out;
  for (const auto& line : split_lines(output)) {
    if (!line.starts_with("prop "))
      continue;
    auto w = split_words(line);
    if (w.size() < 3)
      continue;
    CheckResult r{w[1], "", w[2] == "held", ""};
    if (!r.held) {
      auto at = line.find(" lost ");
      r.detail = at == std::string::npos ? "" : line.substr(at + 6);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Outcome judge_checks(const std::vector<CheckResult>& checks) {
  auto first = std::find_if(checks.begin(), checks.end(), [](const CheckResult& c) { return !c.held; });
  if (first == checks.end())
    return {};
  auto lost = std::count_if(checks.begin(), checks.end(), [](const CheckResult& c) { return !c.held; });
  return {false, Stage::check,
          fmt::format("{} lost: {}{}", first->property, first->detail,
                      lost > 1 ? fmt::format(" (+{} more)", lost - 1) : "")};
}

Outcome judge_program(const ProcessResult& r, const ProcessSpec& spec, const std::vector<CheckResult>& checks) {
  auto ran = judge_run(r, spec);
  return ran.passed ? judge_checks(checks) : ran;
}

std::string outcome_line(const Outcome& o) {
  if (o.passed)
    return "pass";
  return fmt::format("fail at {}: {}", o.stage ? to_string(*o.stage) : "?", first_line(o.reason));
}

} // namespace amx
