#pragma once
// Finds every tool a matrix needs (absolute paths, once), asks each for its
// exact version, and knows how each compiler family is told the target.

#include "model/tool.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amx {

class Toolchain {
public:
  // QEMU is required for every target the host does not run itself (see
  // Target::host_machine): a missing one is a FatalError. A missing C
  // compiler or rustc only makes its cells skip, with the reason.
  static Toolchain probe(const Matrix& m);
  // Tools already found, by role and name (tests, and tools a caller found
  // itself); anything else is missing, with `why` as the reason.
  static Toolchain of(const std::vector<Tool>& tools, const std::string& why = "not given");

  // nullptr when the compiler is not installed for that target.
  const Tool* c_compiler(const CCompiler& cc, const Target& t) const;
  // Why c_compiler() returned nullptr.
  std::string c_compiler_missing(const CCompiler& cc, const Target& t) const;
  // nullptr when that rustc is not installed; rustc_missing() says why.
  const Tool* rustc(const std::string& name) const;
  std::string rustc_missing(const std::string& name) const;
  // What runs target t's programs: the host itself (role "native") when it
  // can and was found so, else the target's QEMU.
  const Tool& runner(const Target& t) const;
  // llvm-objdump for the check stage; nullptr when no fixture of the
  // matrix checks properties (it is required otherwise).
  const Tool* objdump() const;

  // Every tool found, for the run record.
  std::vector<Tool> tools() const;

private:
  std::map<std::string, Tool> m_tools;       // by role + name
  std::map<std::string, std::string> m_missing; // C compiler binary or "rustc:NAME" -> reason
  std::string m_missing_by_default;
};

// An ordered series of toolchains to bisect over. "a,b,c" is that list; a
// range "clang-14..clang-19" is every clang-N on PATH from 14 to 19 (the
// same for any NAME-N), and "nightly-2026-10-01..nightly-2026-10-08" every
// day's rustup nightly, as "+nightly-DATE" (installed when first used,
// install_rustup_toolchain). FatalError for a range it cannot read or a
// series of fewer than two.
std::vector<std::string> toolchain_series(const std::string& spec);
// Makes sure rustup has the toolchain "+NAME" names (rustup toolchain
// install, minimal profile, when it does not); anything else is left as it
// is. FatalError with rustup's words when it cannot.
void install_rustup_toolchain(const std::string& location);

} // namespace amx
