#include "matrix/model.hpp"

#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace amx {

std::string to_string(FlagClass c) {
  switch (c) {
  case FlagClass::abi: return "abi";
  case FlagClass::hardening: return "hardening";
  case FlagClass::layout: return "layout";
  }
  return "?";
}

std::string to_string(Family f) {
  switch (f) {
  case Family::clang: return "clang";
  case Family::gcc: return "gcc";
  case Family::rustc: return "rustc";
  }
  return "?";
}

std::string to_string(ProfilePairing p) {
  switch (p) {
  case ProfilePairing::matched: return "matched";
  case ProfilePairing::rust_drops_one: return "rust-drops-one";
  case ProfilePairing::c_drops_one: return "c-drops-one";
  }
  return "?";
}

std::optional<ProfilePairing> parse_profile_pairing(const std::string& s) {
  return parse_enum(s, {ProfilePairing::matched, ProfilePairing::rust_drops_one, ProfilePairing::c_drops_one});
}

std::string to_string(Pairing p) {
  switch (p) {
  case Pairing::matched: return "matched";
  case Pairing::c_only: return "c-only";
  case Pairing::rust_only: return "rust-only";
  case Pairing::one_off: return "one-off";
  case Pairing::cross: return "cross";
  }
  return "?";
}

std::string to_string(Stage s) {
  switch (s) {
  case Stage::compile_c: return "compile-c";
  case Stage::compile_rust: return "compile-rust";
  case Stage::link: return "link";
  case Stage::run: return "run";
  case Stage::check: return "check";
  case Stage::rust_mix: return "rust-mix";
  }
  return "?";
}

std::optional<Stage> parse_stage(const std::string& s) {
  return parse_enum(s, {Stage::compile_c, Stage::compile_rust, Stage::link, Stage::run, Stage::check, Stage::rust_mix});
}

std::string to_string(Expected e) { return e == Expected::pass ? "pass" : "fail"; }

std::optional<FlagClass> parse_flag_class(const std::string& s) {
  return parse_enum(s, {FlagClass::abi, FlagClass::hardening, FlagClass::layout});
}

std::optional<Pairing> parse_pairing(const std::string& s) {
  return parse_enum(s, {Pairing::matched, Pairing::c_only, Pairing::rust_only, Pairing::one_off, Pairing::cross});
}

std::optional<Expected> parse_expected(const std::string& s) {
  return parse_enum(s, {Expected::pass, Expected::fail});
}

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

std::string to_string(const Setting& s) {
  if (s.empty())
    return "off";
  std::vector<std::string> parts;
  for (const auto& [flag, value] : s)
    parts.push_back(flag + "=" + value);
  return join(parts, ",");
}

std::optional<Family> c_compiler_family(const std::string& name) {
  if (name.starts_with("clang"))
    return Family::clang;
  if (name.starts_with("gcc"))
    return Family::gcc;
  return std::nullopt;
}

Setting parse_setting(const std::string& text) {
  Setting s;
  if (text == "off")
    return s;
  std::string last;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = std::min(text.find(',', start), text.size());
    std::string piece = text.substr(start, end - start);
    start = end + 1;
    // A piece without "name=" continues the last value: "4,2" in
    // "patchable-function-entry=4,2".
    auto eq = piece.find('=');
    if (eq == std::string::npos || eq == 0) {
      if (!last.empty())
        s[last] += "," + piece;
      continue;
    }
    last = piece.substr(0, eq);
    s[last] = piece.substr(eq + 1);
  }
  return s;
}

std::vector<std::string> differing_flags(const Setting& a, const Setting& b) {
  std::set<std::string> names;
  for (const auto& [k, _] : a)
    names.insert(k);
  for (const auto& [k, _] : b)
    names.insert(k);
  std::vector<std::string> out;
  for (const auto& n : names) {
    auto ia = a.find(n), ib = b.find(n);
    std::string va = ia == a.end() ? "off" : ia->second;
    std::string vb = ib == b.end() ? "off" : ib->second;
    if (va != vb)
      out.push_back(n);
  }
  return out;
}

std::string cell_key(const std::string& target, const std::string& fixture,
                     const std::string& c_compiler, const Setting& c, const std::string& rustc,
                     const Setting& rust) {
  return hash_hex(join({target, fixture, c_compiler, to_string(c), rustc, to_string(rust)}, "\x1f"));
}

void identify(Cell& cell) {
  cell.key = cell_key(cell.target->name, cell.fixture->name, cell.c_compiler->name, cell.c, cell.rustc, cell.rust);
  cell.name = fmt::format("{} {} {}/{} c:{} rust:{}", cell.target->name, cell.fixture->name, cell.c_compiler->name,
                          cell.rustc, to_string(cell.c), to_string(cell.rust));
}

} // namespace amx
