#pragma once
// What one cell produced: its verdict, and every step with its command line
// and captured output, ready for the console and the database.

#include "matrix/model.hpp"
#include "run/verdict.hpp"
#include "util/process.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace amx {

struct StepRecord {
  Stage stage = Stage::compile_c;
  std::string step; // runtime, fixture-c, minicore, fixture-rust, link, run
  std::vector<std::string> argv;
  ProcessResult result;
  bool shared = false; // built for an earlier cell of this run and reused
};

// Runs spec and records it as one step of a cell.
StepRecord run_step(Stage stage, std::string step, const ProcessSpec& spec);

struct CellResult {
  const Cell* cell = nullptr;
  Verdict verdict = Verdict::skip;
  Outcome outcome;
  std::vector<StepRecord> steps;
  std::chrono::duration<double> elapsed{};
};

} // namespace amx
