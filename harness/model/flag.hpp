#pragma once
// A flag: one ABI-relevant knob, its values, class, targets and how each
// compiler family spells it; and the kernel profiles built from flags.

#include "model/setting.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amx {

enum class FlagClass { abi, hardening, layout };
enum class Family { clang, gcc, rustc };

std::string to_string(FlagClass c);
std::string to_string(Family f);

std::optional<FlagClass> parse_flag_class(const std::string& s);

// Where something came from in a YAML file, 1-based, for messages.
struct SourceMark {
  std::filesystem::path file;
  int line = 0;
  int column = 0;
};

// How one compiler family spells a flag: argument templates with "{value}",
// or explicit arguments per value. A value missing from a per-value map has
// no spelling. "off" means "pass nothing" unless the map spells it.
struct Spelling {
  // The first version that takes it ("1.98" or a commit date "2026-12-03"
  // for rustc, a major version "18" for clang and gcc); empty: any version.
  std::string since;
  std::vector<std::string> pattern;
  std::map<std::string, std::vector<std::string>> per_value;

  std::optional<std::vector<std::string>> args_for(const std::string& value) const;
  // "-Zregparm={value}", or "(off: ..., 3: ...)" for a per-value map,
  // with " (since 1.98)" when it has a first version.
  std::string describe() const;
};

// A family's spellings of a flag, in the catalogue's order: as a flag moves
// from -Z to -C or is renamed, both spellings are listed, each with the
// version that takes it.
using Spellings = std::vector<Spelling>;

// Whether a tool of `version` ("rustc 1.98.0-nightly (abc 2026-12-03)",
// "Debian clang version 16.0.6", "gcc (Debian 12.2.0-14) 12.2.0") has
// reached `since`: a release ("1.98": a nightly or beta of 1.98 has), a
// commit date "YYYY-MM-DD", or a major version "18". A version without the
// part `since` names has not reached it.
bool version_reached(const std::string& version, const std::string& since);
// Why `since` is not a version version_reached() understands; nullopt when it is.
std::optional<std::string> bad_since(const std::string& since);

struct Flag {
  std::string name;
  FlagClass cls = FlagClass::abi;
  std::string description;
  std::vector<std::string> values; // without "off", which every flag has
  std::vector<std::string> targets; // empty: every target
  std::map<Family, Spellings> spellings;
  // A target listed here uses only these spellings: a flag can mean
  // different arguments per architecture (soft-float, shadow call stack).
  std::map<std::string, std::map<Family, Spellings>> target_spellings;
  // What a Rust side with this flag on needs of its Rust target ("float-abi:
  // soft"), on every target ("") or one; see RustTarget.
  std::map<std::string, std::map<std::string, std::string>> rust_target_needs;
  SourceMark defined_at;

  bool applies_to(const std::string& target) const;
  // The family's spellings on that target in the order a compiler of
  // `version` tries them: those whose `since` it has reached first, the
  // newest first, then the rest in catalogue order. Empty: the family
  // cannot express this flag on that target.
  std::vector<const Spelling*> candidates(Family family, const std::string& target, const std::string& version) const;
  // The arguments for `value` in a spelling of that family on that target
  // (nullptr: it has none); nullopt when that spells nothing for it ("off"
  // without a spelling is no arguments).
  std::optional<std::vector<std::string>> args(const Spelling* spelling, Family family, const std::string& target,
                                               const std::string& value) const;
  // The same in the spelling a compiler of `version` takes first.
  std::optional<std::vector<std::string>> args(Family family, const std::string& target, const std::string& value,
                                               const std::string& version) const;
  // Every spelling, "rustc: -Zregparm={value}; aarch64 clang: ...".
  std::string describe_spellings() const;
  // What the flag needs of the Rust target on `target`; empty: nothing.
  const std::map<std::string, std::string>& rust_needs(const std::string& target) const;
};

// Lines of one kernel file that a profile or a Rust target mirrors, as they
// stand in the copy kept in matrices/kernel/FILE (a test holds them to it).
struct KernelLines {
  std::string file;   // "arch/x86/Makefile"
  std::string config; // the configuration they depend on: "CONFIG_CALL_PADDING"
  std::vector<std::string> lines;
};

// A target rustc builds one architecture's code for: a built-in triple, or a
// target specification that the harness generates from the cell's flags, as
// the kernel's scripts/generate_rust_target.rs generates target.json from
// its configuration. A Rust side builds for the first target of its
// architecture that has every property its flags need, and for the
// architecture's default triple when they need none; so flags that change
// the target compose instead of naming triples that collide.
struct RustTarget {
  std::string name;   // the triple, or the specification's name (its file stem)
  std::string target; // the architecture (Target::name) it builds for
  std::string description;
  std::vector<KernelLines> kernel; // the lines it mirrors
  std::map<std::string, std::string> properties;
  // A specification's fields in order, each value as JSON text; empty for a
  // built-in triple.
  std::vector<std::pair<std::string, std::string>> spec;
  // A flag the specification carries: what the flag, when on, appends to the
  // "features" field. Its own rustc arguments are then not passed, as the
  // kernel passes MITIGATION_RETPOLINE to rustc only through target.json.
  std::map<std::string, std::string> features_from;
  SourceMark defined_at;

  bool is_spec() const { return !spec.empty(); }
  bool has(const std::map<std::string, std::string>& needs) const;
};

// What the kernel passes to the compilers for one configuration of one
// architecture ("x86_64 with RETPOLINE, RETHUNK, IBT, CALL_PADDING and CFI"),
// citing the kernel lines it mirrors.
struct Profile {
  std::string name;
  std::string target;
  std::string description;
  std::vector<KernelLines> kernel;
  // The values the cited lines' $(CONFIG_X) take in this configuration.
  std::map<std::string, std::string> config;
  Setting flags; // passed to both compilers
  Setting c_only; // passed to the C compiler alone, as the kernel does
  // False where the kernel builds no Rust for this configuration (i386):
  // the Rust side then shows what it would need, not what it is.
  bool kernel_builds_rust = true;
  SourceMark defined_at;

  // The C side's setting: flags and c_only.
  Setting c_flags() const;
};

// A flag a matrix varies, and the non-off values it tries.
struct UsedFlag {
  std::string name;
  std::vector<std::string> values;
};

} // namespace amx
