#pragma once
// A run: one execution of a matrix, what it recorded about itself, and the
// probe answers it keeps for the next run.

#include "model/tool.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace amx {

// Shard `index` (1-based) of `count`.
struct Partition {
  unsigned index = 1, count = 1;
};
std::string to_string(const Partition& p);

// A flag a run varied, as its catalogue defined it.
struct FlagFacts {
  std::string name, cls, description;
  std::string targets;   // "aarch64, riscv64", or "" for every target
  std::string spellings; // "rustc: -Zfixed-x18; clang: -ffixed-x18; gcc: -ffixed-x18"
};
// The facts of every flag the matrix varies or its profiles set.
std::vector<FlagFacts> flag_facts(const Matrix& m);

struct RunInfo {
  std::string matrix_path, matrix_name, matrix_hash;
  std::string host;
  unsigned jobs = 1;
  std::size_t cells_planned = 0;
  std::vector<Tool> tools;
  std::string cell_filter;            // --filter, "" for all
  std::optional<Partition> partition; // --partition, none for all
  std::vector<FlagFacts> flags;
  // What else makes two runs comparable: the abimatrix that ran it (git
  // describe) and a hash of the fixtures, runtime and minicore it built.
  std::string harness_version, fixtures_hash;
  std::vector<std::string> cell_filter_out; // --filter-out, each a glob or key prefix
};

enum class RunStatus { running, complete, interrupted };
std::string to_string(RunStatus s);

// A run as recorded, with what --resume needs to run the same cells again.
struct StoredRun {
  std::int64_t id = 0;
  RunInfo info;
  std::string status, started_at, finished_at;
};

// Whether one compiler accepts one flag spelling for one target; for rustc
// asked with RUSTC_BOOTSTRAP=1 (compiling a no_core crate), or on stable
// terms (without it: what a stable toolchain says of the arguments).
struct ProbeAnswer {
  std::string target;
  std::string args; // the spelled arguments, as one command-line string
  bool accepted = false;
  std::string message; // the compiler's first error line when refused
  bool stable_terms = false;
  std::string warning; // its first warning line when accepted with one
};

// Where rustc stands on a flag spelling: it takes it on stable terms, only
// as an unstable option (RUSTC_BOOTSTRAP or a nightly), or not at all.
enum class Stability { stable, unstable, rejected };
std::string to_string(Stability s);
std::optional<Stability> parse_stability(const std::string& s);

// What one compiler made of one spelling of one flag value on one target,
// as a run asked before planning its cells.
struct SpellingFact {
  Tool tool;
  std::string flag, value, target;
  std::string spelling; // Spelling::describe(): "-Zfixed-x18", "-Cfixed-x18 (since 1.98)"
  std::string args;     // for this value, as one command-line string
  bool chosen = false;  // the one its cells were built with
  // Whether it accepts them (with RUSTC_BOOTSTRAP=1 for rustc), and its
  // words when not; nullopt for a C compiler's only spelling, never asked
  // alone (its cells' probe says).
  std::optional<bool> accepted;
  std::string message;
  // rustc only; its words on stable terms (the error, or the warning it
  // accepts them with) beside.
  std::optional<Stability> stability;
  std::string stability_message;
};
// "rustc 1.95.0 (...): fixed-x18=on on aarch64 as -Zfixed-x18 (unstable: error: the option `Z` is only
// accepted on the nightly compiler)"
std::string describe_spelling(const SpellingFact& f);

} // namespace amx
