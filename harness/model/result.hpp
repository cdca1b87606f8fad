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

// What a check looked at: a value passed across the boundary, a property
// of the built code, or a test case of the program that died.
enum class CheckKind { value, property, crash };
std::string to_string(CheckKind k);
std::optional<CheckKind> parse_check_kind(const std::string& s);

// One check of a cell: every value the program compares, every property,
// and every case that crashed is one.
struct CheckResult {
  // "c_to_rust.small.a" (direction, then the argument or field path),
  // "ibt-note", a fixture's own "rust_return.thunk", or the crashed case.
  std::string property;
  std::string flag; // the flag that asks for a property; empty otherwise
  bool held = true;
  std::string detail; // why it did not hold: "expected 1, got 2", "SIGSEGV"
  CheckKind kind = CheckKind::property;
  std::string test;               // the program's test case it ran in; "" for none
  std::string expected, received; // a value check's values, as printed
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
