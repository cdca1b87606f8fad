#pragma once
// A `reduce` bundle's words: run.sh (the few commands that build and run
// the reduced program, each tool replaceable through a variable) and
// REPORT.md, ready to paste into a rustc or LLVM issue: the versions,
// flags, what was expected and received, the disassembly of caller and
// callee around the call, and which side the psABI blames where the values
// show it.

#include "model/tool.hpp"
#include "run/reduce.hpp"

#include <string>
#include <vector>

namespace amx {

struct BugReport {
  std::string cell_key, cell_name, check; // the failing check as the harness named it
  std::int64_t run = 0;
  const Target* target = nullptr;
  std::string c_setting, rust_setting; // "regparm=3"; "none"
  std::vector<std::string> kept_flags; // the differing flags minimize kept
  Tool cc, rustc, runner;
  Call call;
  Wanted wanted;
  std::vector<StandaloneCommand> commands;
  StandaloneSources sources;
  Observation observation;
  std::string objdump; // llvm-objdump -d of the program: caller and callee
  std::size_t tries = 0;
};

std::string render_run_script(const BugReport& r);
std::string render_bug_report(const BugReport& r);

// The comment both reduced sources start with.
std::vector<std::string> reduced_source_about(const BugReport& r);

} // namespace amx
