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
  bool reused = false; // taken from the step cache: an earlier run did it
  std::string cache_key; // its address in the step cache; "" if it has none
  // What it was given besides the inherited environment: RUSTC_BOOTSTRAP=1
  // for a rustc that builds a no_core crate, which only a nightly builds.
  std::vector<std::string> env;
};

// What a check looked at: a value passed across the boundary, a property
// of the built code, or a test case of the program that crashed, hung (and
// was killed) or was never reached because the program died before it.
enum class CheckKind { value, property, crash, timeout, unreached };
std::string to_string(CheckKind k);
std::optional<CheckKind> parse_check_kind(const std::string& s);

// One check of a cell: every value the program compares, every property,
// and every case that crashed, hung or was not reached is one.
struct CheckResult {
  // "c_to_rust.small.a" (direction, then the argument or field path),
  // "ibt-note", a fixture's own "rust_return.thunk", or the case.
  std::string property;
  std::string flag; // the flag that asks for a property; empty otherwise
  bool held = true;
  std::string detail; // why it did not hold: "expected 1, got 2", "SIGSEGV"
  CheckKind kind = CheckKind::property;
  std::string test; // the program's test case it ran in; "" for none
  // A value check's values as its type reads them ("-3210 (0xf376)"), and
  // that type as each side declares it.
  std::string expected, received;
  std::string c_type, rust_type;
};

// Which way a value check's call crossed the boundary, from the first part
// of its name: "C->Rust", "Rust->C", "callback C->Rust", "callback
// Rust->C"; "" for a name that does not say.
std::string check_direction(const std::string& property);

// How a check ended: "held", "wrong value", "lost" (a property), the
// signal of a crashed case ("SIGSEGV"), "timeout after 2s", "not reached",
// or "failed" (the program itself).
std::string check_outcome(const CheckResult& c);

// A check's name with its case: "CASE: NAME", or NAME outside a case or
// for the case itself. What diff, history and minimize compare.
std::string case_and_name(const std::string& test, const std::string& property);

// One line for a person: "CASE: NAME (uint8_t/u8, C->Rust): wrong value:
// expected 195 (0xc3), got 8 (0x8)", "rs_ret_two64: SIGSEGV",
// "ibt-note (cf-protection): lost: no note".
std::string describe_check(const CheckResult& c);

// A value the program printed in hex, widened to 64 bits, as the type
// named by `as` reads it ("i16": "-3210 (0xf376)"; "f32": "1.5
// (0x3fc00000)"); "0xf752 (outside i16)" when the widened value is no
// value of the type, as when a callee reads a slot its caller did not
// extend.
std::string read_value(const std::string& as, const std::string& hex);

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

// A file the cell's commands read that exists only for its run (a generated
// fixture's source), recorded so that `repro` can write it again.
struct CellResult {
  const Cell* cell = nullptr;
  CellPlan plan;
  Verdict verdict = Verdict::skip;
  Outcome outcome;
  std::vector<StepRecord> steps;
  std::vector<CheckResult> checks;
  std::optional<RustMix> rust_mix;
  std::vector<SourceFile> sources;
  std::chrono::duration<double> elapsed{};
};

} // namespace amx
