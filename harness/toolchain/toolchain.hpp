#pragma once
// Finds every tool a matrix needs (absolute paths, once), asks each for its
// exact version, and knows how each compiler family is told the target.

#include "matrix/model.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amx {

struct Tool {
  std::string role; // "c-compiler", "rustc", "qemu" or "inspector"
  std::string name; // how the matrix or the target names it
  std::filesystem::path path;
  std::string version;
};

// What differs between two sets of tools: one line per tool in only one of
// them, "- role name path: version" from `before`, "+ ..." from `after`.
std::vector<std::string> tool_differences(const std::vector<Tool>& before, const std::vector<Tool>& after);

class Toolchain {
public:
  // QEMU is required: a missing one is a FatalError. A missing C compiler or
  // rustc only makes its cells skip, with the reason.
  static Toolchain probe(const Matrix& m);

  // nullptr when the compiler is not installed for that target.
  const Tool* c_compiler(const CCompiler& cc, const Target& t) const;
  // Why c_compiler() returned nullptr.
  std::string c_compiler_missing(const CCompiler& cc, const Target& t) const;
  // nullptr when that rustc is not installed; rustc_missing() says why.
  const Tool* rustc(const std::string& name) const;
  std::string rustc_missing(const std::string& name) const;
  const Tool& qemu(const Target& t) const;
  // llvm-readelf and llvm-objdump for the check stage; nullptr when no
  // fixture of the matrix checks properties (they are required otherwise).
  const Tool* readelf() const;
  const Tool* objdump() const;

  // Every tool found, for the run record.
  std::vector<Tool> tools() const;

private:
  std::map<std::string, Tool> m_tools;       // by role + name
  std::map<std::string, std::string> m_missing; // C compiler binary or "rustc:NAME" -> reason
};

// The binary a C compiler name means for a target: clang-19 is one binary for
// every target; gcc means aarch64-linux-gnu-gcc and so on.
std::string c_compiler_binary(const CCompiler& cc, const Target& t);

} // namespace amx
