#pragma once
// What a run says about one flag for RFC 3716, in one rule: what a
// one-sided mismatch between C and Rust does, whether rustc refuses to mix
// Rust crates that differ in it, and so which of the four conclusions holds.

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
};

std::string to_string(MismatchEffect e);
std::string to_string(Rfc3716 c);

// The conclusion. A matched defect comes first: a flag the toolchains do
// not agree on even when both sides set it says nothing about mismatches.
Rfc3716 conclude(MismatchEffect effect, MixGuard guard, bool matched_defect);

} // namespace amx
