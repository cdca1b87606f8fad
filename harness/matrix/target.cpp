#include "matrix/target.hpp"

namespace amx {

const std::vector<Target>& known_targets() {
  // aarch64 runs with -cpu max so that BTI and PAC are enforced when present.
  static const std::vector<Target> targets = {
      {"x86_64", "x86_64-unknown-linux-gnu", "x86_64-linux-gnu", "x86_64-linux-gnu", "qemu-x86_64", {}},
      {"i386", "i686-unknown-linux-gnu", "i686-linux-gnu", "i686-linux-gnu", "qemu-i386", {}},
      {"aarch64", "aarch64-unknown-linux-gnu", "aarch64-linux-gnu", "aarch64-linux-gnu", "qemu-aarch64", {"-cpu", "max"}},
      {"riscv64", "riscv64gc-unknown-linux-gnu", "riscv64-linux-gnu", "riscv64-linux-gnu", "qemu-riscv64", {}},
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

} // namespace amx
