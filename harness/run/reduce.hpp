#pragma once
// `abimatrix reduce`: from one failing check of a generated fixture, the
// smallest standalone program (generate/standalone_source) that still
// fails the same way, built by the cell's own tools and flags with a
// command each: compile C, compile Rust, link, run under QEMU. It drops
// the call's other parameters, then the struct fields and array elements
// the failure does not need, then sets every other value to zero, each
// step kept only when the program still fails as wanted. (The flags the
// sides differ in are shrunk before, by the command, as minimize does.)

#include "generate/standalone_source.hpp"
#include "model/cell.hpp"
#include "model/matrix.hpp"
#include "model/plan.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amx {

// One command of a standalone program's build and run, in its folder.
struct StandaloneCommand {
  std::string step; // compile-c, compile-rust, link, run
  std::filesystem::path exe; // relative: the program, run without QEMU
  std::vector<std::string> args;
  std::vector<std::string> env; // KEY=VALUE
  std::chrono::milliseconds timeout{60'000};
};

// The commands that build and run c.c and r.rs in one folder as the cell's
// plan builds its fixture: its compilers and flags, the driver's link,
// its runner (a Rust target specification is target.json there).
std::vector<StandaloneCommand> standalone_commands(const Cell& cell, const CellPlan& plan, const Timeouts& t);

// What a standalone program did: the step that failed (with its output),
// or how the program ended and what each check printed.
struct Observation {
  std::string failed_step;
  std::string output;
  int exit_code = -1, signal = 0;
  bool timed_out = false;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> values; // check -> expected, got
  std::vector<std::string> failing;                                       // checks, in order
};

// Reads the program's lines ("fail a9 expected=0x... got=0x...").
void read_checks(const std::string& output, Observation& o);

// Writes the sources into `dir` and runs the commands there.
Observation run_standalone(const std::vector<StandaloneCommand>& commands, const std::filesystem::path& dir,
                           const StandaloneSources& sources, const std::optional<SourceFile>& rust_spec);

// What "fails the same way" means here: the named check fails (whatever it
// got), or the program dies by the same signal or hangs.
struct Wanted {
  std::string check;  // "a9", "r.f0", "a1.hi"; "" for a crash or hang
  std::string signal; // "SIGSEGV"
  bool timed_out = false;
};
bool fails_as(const Observation& o, const Wanted& w);
std::string describe(const Wanted& w);

// The check `property` of the case `test` of a generated fixture, as a
// standalone program names it: "rust_to_c.args_i16.a9" -> "a9".
std::string standalone_check_name(const std::string& test, const std::string& property);

// Shrinks `call` while fails(call, what) holds (it is assumed to hold for
// the call as given); `what` says what a try left out, for progress.
Call reduce_call(Call call, const Wanted& wanted, const Target& target,
                 const std::function<bool(const Call&, const std::string& what)>& fails);

} // namespace amx
