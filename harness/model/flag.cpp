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
  if (value == "off")
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
  return join(out, "; ");
}

} // namespace amx
