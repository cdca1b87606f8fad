#pragma once
// Runs one tool as a step of a cell and keeps what it did.

#include "model/result.hpp"
#include "util/process.hpp"

#include <string>

namespace amx {

// Runs spec and records it as one step of a cell.
StepRecord run_step(Stage stage, std::string step, const ProcessSpec& spec);
// The record of spec as the step cache had it: what an earlier run got.
StepRecord reused_step(Stage stage, std::string step, const ProcessSpec& spec, ProcessResult result,
                       std::string cache_key);

} // namespace amx
