#pragma once
// What a run says about one flag for RFC 3716, in one rule: what a
// one-sided mismatch between C and Rust does, whether rustc refuses to mix
// Rust crates that differ in it, and so which of the four conclusions holds.

#include "model/matrix.hpp"
#include "model/verdict.hpp"

#include <optional>
#include <string>

namespace amx {

// The worst a one-sided mismatch of the flag did in a run.
enum class MismatchEffect {
  untested,      // no cell differed in this flag alone
  none,          // every such cell passed
  loses_property, // they ran; a property the flag promises was lost
  breaks,         // the program failed to build, link or run
};

// Whether rustc refuses to link Rust crates that differ in the flag (RFC
// 3716's target modifiers), naming the flag.
enum class MixGuard { untested, refuses, accepts, partly };

enum class Rfc3716 {
  untested,
  consistent,             // breaks and guarded, or harmless and unguarded
  unguarded_abi_break,    // breaks, and rustc mixes such crates
  guarded_without_break,  // rustc refuses, and no mismatch broke anything
  toolchain_defect,       // both sides matched and the toolchains still disagree
  // Breaks, and no Rust crates could be mixed to ask rustc: the settings
  // build for different Rust targets, or the flag has no Rust spelling.
  break_guard_untried,
};

// What one cell shows: the colour and the section the reports give it.
enum class Finding { pass, skip, abi_break, lost_property, toolchain_defect };

// Whether an expectation's reason blames the toolchains ("toolchain
// defect: ..."), as the matrices write it for reproducer-backed defects.
bool names_toolchain_defect(const std::string& expect_reason);

// A failing cell is a toolchain defect when its sides match or a known
// defect explains it; otherwise a mismatch that fails to build, link or
// run breaks the ABI, and one that runs and fails a check lost a property.
Finding finding_of(Verdict v, Pairing p, std::optional<Stage> failed_at, bool known_defect);

std::string to_string(Finding f);
std::string to_string(MixGuard g);
std::string to_string(MismatchEffect e);
std::string to_string(Rfc3716 c);

// The conclusion. A matched defect comes first: a flag the toolchains do
// not agree on even when both sides set it says nothing about mismatches.
Rfc3716 conclude(MismatchEffect effect, MixGuard guard, bool matched_defect);

} // namespace amx
