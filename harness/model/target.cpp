#include "model/target.hpp"

#include <algorithm>

namespace amx {

const std::vector<Target>& known_targets() {
  // aarch64 runs with -cpu max so that BTI and PAC are enforced when present.
  static const std::vector<Target> targets = {
      {"x86_64", "x86_64-unknown-linux-gnu", "x86_64-linux-gnu", "x86_64-linux-gnu", "qemu-x86_64", {},
       8, {"call*"}, "", {"endbr*"}, "endbr64", {}, "", 6, 8, false, {"%rsp, %rbp"},
       false, "the x86-64 System V psABI leaves the upper bits of a narrow argument unspecified (clang and gcc "
       "extend to 32 bits by an unwritten rule)", "x86_64"},
      {"i386", "i686-unknown-linux-gnu", "i686-linux-gnu", "i686-linux-gnu", "qemu-i386", {},
       4, {"call*"}, "", {"endbr*"}, "endbr32", {}, "", 3, 0, false, {"%esp, %ebp"},
       false, "the i386 System V psABI leaves the upper bits of a narrow argument's stack slot unspecified", ""},
      {"aarch64", "aarch64-unknown-linux-gnu", "aarch64-linux-gnu", "aarch64-linux-gnu", "qemu-aarch64",
       {"-cpu", "max"}, 8, {"bl", "blr", "blraa", "blraaz"}, "", {"bti", "paciasp", "pacibsp"}, "bti c",
       {"x30, [x18]"}, "x18", 8, 8, false, {"x29, sp"},
       false, "AAPCS64 leaves the unused bits of a narrow argument's register or stack slot unspecified", ""},
      {"riscv64", "riscv64gc-unknown-linux-gnu", "riscv64-linux-gnu", "riscv64-linux-gnu", "qemu-riscv64", {},
       8, {"jal", "jalr", "call"}, "zero", {}, "", {"ra, ", "(gp)"}, "gp", 8, 8, true, {"s0, sp"},
       true, "the RISC-V psABI widens integer scalars narrower than XLEN \"when passed in registers or on "
       "the stack\"", ""},
  };
  return targets;
}

std::vector<std::string> known_target_names() {
  std::vector<std::string> names;
  for (const auto& t : known_targets())
    names.push_back(t.name);
  return names;
}

const Target* find_target(const std::string& name) {
  for (const auto& t : known_targets())
    if (t.name == name)
      return &t;
  return nullptr;
}

bool mnemonic_matches(const std::vector<std::string>& patterns, const std::string& mnemonic) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return p.ends_with('*') ? mnemonic.starts_with(p.substr(0, p.size() - 1)) : mnemonic == p;
  });
}

} // namespace amx
