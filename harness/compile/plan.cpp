#include "compile/plan.hpp"

#include "compile/commands.hpp"
#include "model/property.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <set>

namespace amx {

namespace {

// The arguments that spell a side's setting for one compiler family, or the
// reason it cannot be spelled.
std::optional<std::vector<std::string>> spell(const Matrix& m, Family family, const Tool& tool, const Setting& s,
                                              const Target& t, const Capabilities* caps, std::string& why_not) {
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
    const std::string value = value_of(s, name);
    auto spelled = flag.args(family, t.name, value);
    if (!spelled) {
      why_not = fmt::format("{} has no spelling for {}={} on {}", to_string(family), name, value, t.name);
      return std::nullopt;
    }
    if (caps && !spelled->empty())
      if (auto refused = caps->refusal(tool, t, *spelled)) {
        why_not = *refused;
        return std::nullopt;
      }
    args.insert(args.end(), spelled->begin(), spelled->end());
  }
  return args;
}

// Flags that pick their own Rust target (riscv64 soft-float picks
// riscv64imac-unknown-none-elf, riscv64 shadow-call-stack
// riscv64gc-unknown-none-elf) cannot be combined: rustc takes one --target.
std::optional<std::string> conflicting_rust_targets(const std::vector<std::string>& flags) {
  std::set<std::string> targets;
  for (const auto& f : flags)
    if (f.starts_with("--target="))
      targets.insert(f.substr(9));
  if (targets.size() < 2)
    return std::nullopt;
  return fmt::format("the Rust side's flags pick {} targets ({}), and rustc builds for one", targets.size(),
                     join(std::vector<std::string>(targets.begin(), targets.end()), ", "));
}

} // namespace

CellPlan plan_cell(const Cell& cell, const Matrix& m, const Toolchain& tc, const Capabilities* caps) {
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
  p.qemu = &tc.qemu(*cell.target);
  std::string why_not;
  auto c = spell(m, cell.c_compiler->family, *p.cc, cell.c, *cell.target, caps, why_not);
  if (!c) {
    p.skip = why_not;
    return p;
  }
  p.c_args = std::move(*c);
  auto rust = spell(m, Family::rustc, *p.rustc, cell.rust, *cell.target, caps, why_not);
  if (!rust) {
    p.skip = why_not;
    return p;
  }
  p.rust_args = std::move(*rust);
  if (auto conflict = conflicting_rust_targets(p.rust_args)) {
    p.skip = *conflict;
    return p;
  }
  if (cell.c != cell.rust) {
    auto other = spell(m, Family::rustc, *p.rustc, cell.c, *cell.target, caps, why_not);
    if (other && *other != p.rust_args)
      p.rust_mix_args = std::move(*other);
  }
  return p;
}

} // namespace amx
