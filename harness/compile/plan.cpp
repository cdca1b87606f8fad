#include "compile/plan.hpp"

#include "compile/commands.hpp"
#include "model/property.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <set>

namespace amx {

namespace {

// The Rust target a side's setting builds for: the first of its
// architecture with every property the side's flags need; nullptr for the
// architecture's default triple when they need none.
std::optional<const RustTarget*> choose_rust_target(const Matrix& m, const Setting& s, const Target& t,
                                                    std::string& why_not) {
  std::map<std::string, std::string> needs;
  std::map<std::string, std::string> asked_by; // property -> the flag that needs it
  for (const auto& [name, value] : s) {
    const Flag& flag = m.catalogue.at(name);
    if (!flag.applies_to(t.name))
      continue;
    for (const auto& [key, wanted] : flag.rust_needs(t.name)) {
      auto [it, fresh] = needs.emplace(key, wanted);
      if (!fresh && it->second != wanted) {
        why_not = fmt::format("{} needs a Rust target with {}={} and {} one with {}={}", asked_by[key], key,
                              it->second, name, key, wanted);
        return std::nullopt;
      }
      asked_by.emplace(key, name);
    }
  }
  if (needs.empty())
    return nullptr;
  for (const auto& rt : m.rust_targets)
    if (rt.target == t.name && rt.has(needs))
      return &rt;
  std::vector<std::string> wanted;
  for (const auto& [key, value] : needs)
    wanted.push_back(fmt::format("{}={} ({})", key, value, asked_by[key]));
  why_not = fmt::format("no Rust target for {} has {}", t.name, join(wanted, " and "));
  return std::nullopt;
}

// A specification's JSON, with the features of the flags it carries that
// are on in s appended, in the field order of the catalogue.
std::string render_spec(const RustTarget& rt, const Setting& s) {
  std::string out = "{\n";
  for (std::size_t i = 0; i < rt.spec.size(); i++) {
    auto [key, value] = rt.spec[i];
    if (key == "features") {
      auto features = nlohmann::json::parse(value).get<std::string>();
      for (const auto& [flag, more] : rt.features_from)
        if (value_of(s, flag) != "off")
          features += (features.empty() ? "" : ",") + more;
      value = nlohmann::json(features).dump();
    }
    out += fmt::format("    {}: {}{}\n", nlohmann::json(key).dump(), value, i + 1 < rt.spec.size() ? "," : "");
  }
  return out + "}\n";
}

// The arguments that spell a side's setting for one compiler, or the reason
// it cannot be spelled. Flags a Rust target specification carries are left
// to it.
std::optional<std::vector<std::string>> spell(const Matrix& m, const Tool& tool, Family family, const Setting& s,
                                              const Target& t, const RustTarget* rust_target,
                                              const SpellingChoices& spellings, std::string& why_not) {
  // Every varied flag, even when off: a spelling may give "off" arguments.
  std::set<std::string> names;
  for (const auto& used : m.flags)
    names.insert(used.name);
  for (const auto& [name, _] : s)
    names.insert(name);

  std::vector<std::string> args;
  for (const auto& name : names) {
    const Flag& flag = m.catalogue.at(name);
    if (!flag.applies_to(t.name))
      continue;
    if (rust_target && rust_target->features_from.count(name))
      continue;
    const std::string value = value_of(s, name);
    auto spelled = spellings.args(tool, family, flag, t.name, value);
    if (!spelled) {
      why_not = fmt::format("{} has no spelling for {}={} on {}", to_string(family), name, value, t.name);
      return std::nullopt;
    }
    args.insert(args.end(), spelled->begin(), spelled->end());
  }
  return args;
}

// The Rust side of a setting: its target's arguments, then its flags'.
std::optional<std::vector<std::string>> spell_rust(const Matrix& m, const Tool& rustc, const Setting& s,
                                                   const Target& t, const std::filesystem::path& spec_dir,
                                                   const SpellingChoices& spellings, std::optional<SourceFile>& spec,
                                                   std::string& why_not) {
  auto rt = rust_target_for(m, s, t, spec_dir, why_not);
  if (!rt)
    return std::nullopt;
  auto flags = spell(m, rustc, Family::rustc, s, t, rt->target, spellings, why_not);
  if (!flags)
    return std::nullopt;
  spec = std::move(rt->spec);
  rt->args.insert(rt->args.end(), flags->begin(), flags->end());
  return std::move(rt->args);
}

} // namespace

std::optional<RustTargetChoice> rust_target_for(const Matrix& m, const Setting& s, const Target& t,
                                                const std::filesystem::path& spec_dir, std::string& why_not) {
  auto rust_target = choose_rust_target(m, s, t, why_not);
  if (!rust_target)
    return std::nullopt;
  RustTargetChoice out;
  out.target = *rust_target;
  if (const RustTarget* rt = *rust_target; rt && rt->is_spec()) {
    // rustc names the target after the file, so the content hash is the folder.
    std::string text = render_spec(*rt, s);
    out.spec = SourceFile{spec_dir / hash_hex(text) / (rt->name + ".json"), text};
    out.args = {"-Zunstable-options", "--target=" + out.spec->path.string()};
  } else if (rt) {
    out.args = {"--target=" + rt->name};
  }
  return out;
}

CellPlan plan_cell(const Cell& cell, const Matrix& m, const Toolchain& tc, const std::filesystem::path& spec_dir,
                   const SpellingChoices& spellings) {
  CellPlan p;
  p.intended = intended_setting(cell);
  p.cc = tc.c_compiler(*cell.c_compiler, *cell.target);
  if (!p.cc) {
    p.skip = tc.c_compiler_missing(*cell.c_compiler, *cell.target);
    return p;
  }
  p.rustc = tc.rustc(cell.rustc);
  if (!p.rustc) {
    p.skip = tc.rustc_missing(cell.rustc);
    return p;
  }
  p.runner = &tc.runner(*cell.target);
  std::string why_not;
  auto c = spell(m, *p.cc, cell.c_compiler->family, cell.c, *cell.target, nullptr, spellings, why_not);
  if (!c) {
    p.skip = why_not;
    return p;
  }
  p.c_args = std::move(*c);
  auto rust = spell_rust(m, *p.rustc, cell.rust, *cell.target, spec_dir, spellings, p.rust_spec, why_not);
  if (!rust) {
    p.skip = why_not;
    return p;
  }
  p.rust_args = std::move(*rust);
  // Crates of two targets do not mix: the experiment needs the C side's
  // setting to build for the Rust side's target.
  if (cell.c != cell.rust) {
    std::optional<SourceFile> other_spec;
    auto other = spell_rust(m, *p.rustc, cell.c, *cell.target, spec_dir, spellings, other_spec, why_not);
    if (other && *other != p.rust_args && rust_triple(*other) == rust_triple(p.rust_args))
      p.rust_mix_args = std::move(*other);
  }
  return p;
}

std::optional<std::string> refusal(const CellPlan& p, const Target& t, const Capabilities& caps) {
  if (p.skip)
    return std::nullopt;
  if (!p.c_args.empty())
    if (auto r = caps.refusal(*p.cc, t, p.c_args))
      return r;
  if (!p.rust_args.empty())
    if (auto r = caps.refusal(*p.rustc, t, p.rust_args))
      return r;
  return std::nullopt;
}

} // namespace amx
