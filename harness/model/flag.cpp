#include "model/flag.hpp"

#include "model/enum_names.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

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
  std::string out;
  if (per_value.empty()) {
    out = join(pattern, " ");
  } else {
    std::vector<std::string> parts;
    for (const auto& [value, args] : per_value)
      parts.push_back(fmt::format("{}: {}", value, join(args, " ")));
    out = "(" + join(parts, ", ") + ")";
  }
  return since.empty() ? out : fmt::format("{} (since {})", out, since);
}

namespace {

const std::regex kDate(R"((\d{4})-(\d{2})-(\d{2}))");
const std::regex kRelease(R"((\d+)(?:\.(\d+))?(?:\.(\d+))?)");

// The numbers of the first release-like part of text ("1.98.0-nightly" ->
// 1 98 0, "16" -> 16); empty when there is none.
std::vector<int> release_numbers(const std::string& text) {
  std::smatch m;
  std::vector<int> out;
  if (std::regex_search(text, m, kRelease))
    for (std::size_t i = 1; i < m.size() && m[i].matched; i++)
      out.push_back(std::stoi(m[i].str()));
  return out;
}

} // namespace

std::optional<std::string> bad_since(const std::string& since) {
  if (std::regex_match(since, kDate) || std::regex_match(since, kRelease))
    return std::nullopt;
  return fmt::format("'{}' is not a version: expected a release (\"1.98\", \"18\") or a commit date (\"2026-12-03\")",
                     since);
}

bool version_reached(const std::string& version, const std::string& since) {
  if (since.empty())
    return true;
  std::smatch m;
  if (std::regex_match(since, kDate)) {
    // rustc says its commit date in its version: "(59807616e 2026-04-14)".
    return std::regex_search(version, m, kDate) && m[0].str() >= since;
  }
  auto wanted = release_numbers(since);
  // The first release after the program's own name, which may hold digits
  // ("aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0").
  auto have = release_numbers(version.substr(std::min(version.find(' ') + 1, version.size())));
  if (wanted.empty() || have.empty())
    return false;
  for (std::size_t i = 0; i < wanted.size(); i++) {
    int h = i < have.size() ? have[i] : 0;
    if (h != wanted[i])
      return h > wanted[i];
  }
  return true;
}

bool Flag::applies_to(const std::string& target) const {
  return targets.empty() || std::find(targets.begin(), targets.end(), target) != targets.end();
}

std::vector<const Spelling*> Flag::candidates(Family family, const std::string& target,
                                              const std::string& version) const {
  const auto* table = &spellings;
  if (auto t = target_spellings.find(target); t != target_spellings.end())
    table = &t->second;
  std::vector<const Spelling*> reached, later;
  if (auto it = table->find(family); it != table->end())
    for (const auto& sp : it->second)
      (version_reached(version, sp.since) ? reached : later).push_back(&sp);
  // The newest spelling a version has reached is the one it is meant to take.
  std::stable_sort(reached.begin(), reached.end(), [](const Spelling* a, const Spelling* b) {
    return !a->since.empty() && (b->since.empty() || (a->since != b->since && version_reached(a->since, b->since)));
  });
  reached.insert(reached.end(), later.begin(), later.end());
  return reached;
}

std::optional<std::vector<std::string>> Flag::args(const Spelling* spelling, Family family,
                                                   const std::string& target, const std::string& value) const {
  if (spelling)
    return spelling->args_for(value);
  // Said by the Rust target alone (riscv64 soft-float: riscv64imac).
  if (value == "off" || (family == Family::rustc && !rust_needs(target).empty()))
    return std::vector<std::string>{};
  return std::nullopt;
}

std::optional<std::vector<std::string>> Flag::args(Family family, const std::string& target,
                                                   const std::string& value, const std::string& version) const {
  auto all = candidates(family, target, version);
  return args(all.empty() ? nullptr : all.front(), family, target, value);
}

std::string Flag::describe_spellings() const {
  std::vector<std::string> out;
  auto spell = [&](const std::string& where, const std::map<Family, Spellings>& by_family) {
    for (const auto& [family, list] : by_family) {
      std::vector<std::string> each;
      for (const auto& sp : list)
        each.push_back(sp.describe());
      out.push_back(fmt::format("{}{}: {}", where, to_string(family), join(each, " or ")));
    }
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
