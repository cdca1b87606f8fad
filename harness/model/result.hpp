#pragma once
// What one cell produced: its plan, its verdict, and every step with its
// command line and captured output, ready for the console and the store.

#include "model/plan.hpp"
#include "util/process.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace amx {

struct StepRecord {
  Stage stage = Stage::compile_c;
  std::string step; // runtime, fixture-c, minicore, fixture-rust, link, run
  std::vector<std::string> argv;
  std::filesystem::path cwd; // where it ran; empty: the harness's own folder
  ProcessResult result;
  bool shared = false; // built for an earlier cell of this run and reused
};

// One property of the check stage.
struct CheckResult {
  std::string property; // "ibt-note", or a fixture's own "rust_return.thunk"
  std::string flag;     // the flag that asks for it; empty for run-time ones
  bool held = true;
  std::string detail;
};

// The Rust-vs-Rust experiment (RFC 3716): the fixture crate built against a
// minicore that has the C side's setting. Not part of the verdict: a record
// of what rustc itself checks.
struct RustMix {
  Setting minicore_setting, crate_setting;
  bool refused = false;
  std::string message;        // rustc's error when refused
  std::string allow_flag;     // -Cunsafe-allow-abi-mismatch=... tried when refused
  std::optional<bool> allowed; // whether that let it through
};
// One line: "crate (off) against minicore (fixed-x18=on): refused: ...".
std::string describe(const RustMix& m);

struct CellResult {
  const Cell* cell = nullptr;
  CellPlan plan;
  Verdict verdict = Verdict::skip;
  Outcome outcome;
  std::vector<StepRecord> steps;
  std::vector<CheckResult> checks;
  std::optional<RustMix> rust_mix;
  std::chrono::duration<double> elapsed{};
};

} // namespace amx
