#pragma once
// What a run concludes, derived once for every report format: each cell's
// finding, and per flag (and per target where targets differ) what a
// one-sided mismatch between C and Rust does, whether each rustc of the run
// refuses to mix Rust crates that differ in it, and the RFC 3716 verdict.

#include "model/conclusion.hpp"
#include "report/run_report.hpp"

#include <string>
#include <vector>

namespace amx {

Finding finding_of(const ShownResult& s);

// The cells that set a flag on either side, for every flag of the run that
// any cell sets, in the run's order of flags.
struct FlagCells {
  const FlagFacts* flag = nullptr;
  std::vector<const ShownResult*> cells;
};
std::vector<FlagCells> cells_by_flag(const RunReport& r);

// What one rustc does with Rust crates that differ in a flag, and the
// option it names when it refuses ("-Zregparm").
struct RustcGuard {
  MixGuard guard = MixGuard::untested;
  std::string option;
  bool operator==(const RustcGuard&) const = default;
};

// Where one rustc stands on a flag: how stable the spelling its cells were
// built with is (the least stable over the row's values and targets), and
// in its words. No stability: never asked (a flag the Rust target
// specification carries, or a run before schema 16).
struct RustcStanding {
  std::optional<Stability> stability;
  std::string args;    // "-Zfixed-x18"
  std::string message; // its words on stable terms
  bool operator==(const RustcStanding&) const = default;
};

struct FlagConclusion {
  const FlagFacts* flag = nullptr;
  std::string target; // empty: the row holds on every target of the flag
  MismatchEffect effect = MismatchEffect::untested;
  // The first cell differing in this flag alone that broke, else that lost
  // a property; what the effect quotes.
  const ShownResult* example = nullptr;
  std::vector<std::string> quiet_fixtures; // where such cells had no effect
  std::vector<RustcGuard> guards;          // per rustc, in Conclusions::rustcs order
  std::vector<RustcStanding> standing;     // per rustc, in Conclusions::rustcs order
  Rfc3716 verdict = Rfc3716::untested;
  const ShownResult* defect = nullptr;  // a matched cell of this flag alone that failed
  std::vector<std::string> reproducers; // scripts/repro/... the flag's expectations name
};

struct DefectGroup {
  std::string expect_reason;
  std::vector<const ShownResult*> cells;
  std::vector<std::string> reproducers;
};

struct Conclusions {
  std::vector<std::string> rustcs, targets; // of the run's cells, in order of first use
  // One row per flag, or one per target where the targets conclude differently.
  std::vector<FlagConclusion> rows;
  // One per flag and target it ran on: the overview grid.
  std::vector<FlagConclusion> by_target;
  // Matched cells with several flags (a kernel profile's build) that fail:
  // toolchain defects no one flag's row can claim, by the reason expected.
  std::vector<DefectGroup> shared_defects;
};
Conclusions conclude_run(const RunReport& r);

// The words every format shows for a conclusion, as plain text: the
// effect with its example ("breaks at run: wrong value in ... (i386
// structs)"), one rustc's guard ("refuses -Zregparm"), and the targets a
// row covers.
std::string effect_text(const FlagConclusion& c);
std::string guard_text(const RustcGuard& g);
// "unstable: -Zfixed-x18", "stable, warns: -Ctarget-feature=-neon", or
// "not asked".
std::string standing_text(const RustcStanding& s);
std::vector<std::string> targets_of(const Conclusions& all, const FlagConclusion& row);

// At most n characters, cut at a space so no symbol is cut short.
std::string clipped(const std::string& s, std::size_t n);

// The version a run recorded for a tool of a role ("rustc", "c-compiler").
std::string tool_version(const RunReport& r, const std::string& role, const std::string& name);

// What rustc says about linking Rust crates of these cells that differ in
// the flag: "refuses", "accepts", or counts by reason ("refuses 2 of 4; 2
// of 4 refused for fixed-x18 (-Zfixed-x18)", naming the run's flag that
// spells the option rustc names); "not tried" when no cell tried. The first
// refusal naming the flag goes to `example`.
std::string rust_mix_summary(const std::vector<const ShownResult*>& cells, const FlagFacts* f,
                             const std::vector<FlagFacts>& flags, std::string* example);

// The scripts/repro/ reproducers a text names, in order, each once.
std::vector<std::string> reproducers_in(const std::string& text);

} // namespace amx
