#include "model/flag.hpp"

#include "model/enum_names.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amx {

namespace {
constexpr std::array<const char*, 3> kFlagClassNames = {"abi", "hardening", "layout"};
constexpr std::array<const char*, 3> kFamilyNames = {"clang", "gcc", "rustc"};
} // namespace

std::string to_string(FlagClass c) { return name_of(c, kFlagClassNames); }
std::string to_string(Family f) { return name_of(f, kFamilyNames); }
std::optional<FlagClass> parse_flag_class(const std::string& s) { return value_named<FlagClass>(s, kFlagClassNames); }

std::optional<std::vector<std::string>> Spelling::args_for(const std::string& value) const {
  if (!per_value.empty()) {
    auto it = per_value.find(value);
    if (it != per_value.end())
      return it->second;
    if (value == "off")
      return std::vector<std::string>{};
    return std::nullopt;
  }
  if (value == "off")
    return std::vector<std::string>{};
  std::vector<std::string> args;
  for (auto arg : pattern) {
    for (auto pos = arg.find("{value}"); pos != std::string::npos; pos = arg.find("{value}"))
      arg.replace(pos, 7, value);
    args.push_back(arg);
  }
  return args;
}

std::string Spelling::describe() const {
  if (per_value.empty())
    return join(pattern, " ");
  std::vector<std::string> parts;
  for (const auto& [value, args] : per_value)
    parts.push_back(fmt::format("{}: {}", value, join(args, " ")));
  return "(" + join(parts, ", ") + ")";
}

bool Flag::applies_to(const std::string& target) const {
  return targets.empty() || std::find(targets.begin(), targets.end(), target) != targets.end();
}

const Spelling* Flag::spelling(Family family, const std::string& target) const {
  const auto* table = &spellings;
  if (auto t = target_spellings.find(target); t != target_spellings.end())
    table = &t->second;
  auto it = table->find(family);
  return it == table->end() ? nullptr : &it->second;
}

std::optional<std::vector<std::string>> Flag::args(Family family, const std::string& target,
                                                   const std::string& value) const {
  if (const Spelling* sp = spelling(family, target))
    return sp->args_for(value);
  // Said by the Rust target alone (riscv64 soft-float: riscv64imac).
  if (value == "off" || (family == Family::rustc && !rust_needs(target).empty()))
    return std::vector<std::string>{};
  return std::nullopt;
}

std::string Flag::describe_spellings() const {
  std::vector<std::string> out;
  auto spell = [&](const std::string& where, const std::map<Family, Spelling>& by_family) {
    for (const auto& [family, spelling] : by_family)
      out.push_back(fmt::format("{}{}: {}", where, to_string(family), spelling.describe()));
  };
  spell("", spellings);
  for (const auto& [target, by_family] : target_spellings)
    spell(target + " ", by_family);
  for (const auto& [target, needs] : rust_target_needs) {
    std::vector<std::string> wanted;
    for (const auto& [key, value] : needs)
      wanted.push_back(key + "=" + value);
    out.push_back(fmt::format("{}rustc target: {}", target.empty() ? "" : target + " ", join(wanted, ", ")));
  }
  return join(out, "; ");
}

const std::map<std::string, std::string>& Flag::rust_needs(const std::string& target) const {
  static const std::map<std::string, std::string> none;
  if (auto it = rust_target_needs.find(target); it != rust_target_needs.end())
    return it->second;
  if (auto it = rust_target_needs.find(""); it != rust_target_needs.end())
    return it->second;
  return none;
}

bool RustTarget::has(const std::map<std::string, std::string>& needs) const {
  for (const auto& [key, value] : needs) {
    auto it = properties.find(key);
    if (it == properties.end() || it->second != value)
      return false;
  }
  return true;
}

Setting Profile::c_flags() const {
  Setting c = flags;
  c.insert(c_only.begin(), c_only.end());
  return c;
}

} // namespace amx
