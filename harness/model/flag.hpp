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
  std::vector<std::string> pattern;
  std::map<std::string, std::vector<std::string>> per_value;

  std::optional<std::vector<std::string>> args_for(const std::string& value) const;
  // "-Zregparm={value}", or "(off: ..., 3: ...)" for a per-value map.
  std::string describe() const;
};

struct Flag {
  std::string name;
  FlagClass cls = FlagClass::abi;
  std::string description;
  std::vector<std::string> values; // without "off", which every flag has
  std::vector<std::string> targets; // empty: every target
  std::map<Family, Spelling> spellings;
  // A target listed here uses only these spellings: a flag can mean
  // different arguments per architecture (soft-float, shadow call stack).
  std::map<std::string, std::map<Family, Spelling>> target_spellings;
  SourceMark defined_at;

  bool applies_to(const std::string& target) const;
  // nullptr: the family cannot express this flag on that target.
  const Spelling* spelling(Family family, const std::string& target) const;
  // The arguments for `value` in that family on that target; nullopt when it
  // has no spelling for it ("off" without a spelling is no arguments).
  std::optional<std::vector<std::string>> args(Family family, const std::string& target,
                                               const std::string& value) const;
  // Every spelling, "rustc: -Zregparm={value}; aarch64 clang: ...".
  std::string describe_spellings() const;
};

// What the kernel passes to both compilers for one configuration of one
// architecture ("x86_64 with RETPOLINE, RETHUNK, IBT, CALL_PADDING and CFI"),
// citing the kernel Makefile lines it mirrors.
struct Profile {
  std::string name;
  std::string target;
  std::string description;
  std::vector<std::string> kernel; // the Makefile lines, "file (CONFIG_X): line"
  Setting flags;
  SourceMark defined_at;
};

// A flag a matrix varies, and the non-off values it tries.
struct UsedFlag {
  std::string name;
  std::vector<std::string> values;
};

} // namespace amx
