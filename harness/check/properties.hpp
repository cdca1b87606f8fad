#pragma once
// The check stage: properties a hardening or layout flag promises, read from
// the objects and the linked program (landing pads, thunks, notes, NOPs,
// alignment) or reported by the program itself ("prop" lines).

#include "matrix/model.hpp"
#include "run/result.hpp"
#include "toolchain/toolchain.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace amx {

const std::vector<std::string>& known_properties();
bool is_known_property(const std::string& property);

// What a program is built for: each flag on for either side, with the C
// side's value where both have one. The fixture is told this on its command
// line and the checks hold the program to it.
Setting intended_setting(const Cell& cell);

struct CheckInputs {
  std::filesystem::path c_runtime, c_fixture, rust_lib, program;
};

class PropertyChecker {
public:
  PropertyChecker(const Tool& readelf, const Tool& objdump, const Matrix& m);

  // Runs the fixture's checks whose flag the cell is built with; each tool
  // run is added to steps. Empty when none applies.
  std::vector<CheckResult> run(const Cell& cell, const CheckInputs& in, std::vector<StepRecord>& steps) const;

private:
  std::string inspect(const Tool& tool, std::vector<std::string> args, std::vector<StepRecord>& steps) const;

  const Tool& m_readelf;
  const Tool& m_objdump;
  const Matrix& m_matrix;
};

// The "prop NAME held" / "prop NAME lost DETAIL" lines a program printed.
std::vector<CheckResult> run_properties(const std::string& output);

// The check stage's verdict: the first lost property, and how many more.
Outcome judge_checks(const std::vector<CheckResult>& checks);

} // namespace amx
