#pragma once
// What a stage's process result means for the cell, and the verdict against
// the cell's expectation.

#include "matrix/model.hpp"
#include "util/process.hpp"

#include <optional>
#include <string>

namespace amx {

enum class Verdict { pass, fail, skip, xfail, xpass };

std::string to_string(Verdict v);

struct Outcome {
  bool passed = true;
  std::optional<Stage> stage; // the stage that failed
  std::string reason;
};

// A compile or link step: what failed and the first line that says why.
Outcome judge_build(Stage stage, const std::string& tool, const ProcessResult& r, const ProcessSpec& spec);

// The program under QEMU: "ok NAME" / "fail NAME expected=E got=G" lines,
// then "done"; anything else is a failure with the most specific reason.
Outcome judge_run(const ProcessResult& r, const ProcessSpec& spec);

// pass/fail read against what was expected. An expected failure that
// happens at another stage than expected_stage is a fail, not an xfail.
Verdict decide(const Outcome& o, Expected expected, std::optional<Stage> expected_stage = std::nullopt);

// Results that make the run's exit code 1.
bool unexpected(Verdict v);

} // namespace amx
