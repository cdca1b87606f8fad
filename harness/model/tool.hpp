#pragma once
// A tool a run used: a compiler, QEMU or an ELF reader, by absolute path and
// exact version; or the host, which runs x86_64 programs itself (role
// "native", no path, its kernel as version).

#include "model/matrix.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace amx {

struct Tool {
  std::string role; // "c-compiler", "rustc", "qemu", "native" or "inspector"
  std::string name; // how the matrix or the target names it
  std::filesystem::path path;
  std::string version;
};

// What differs between two sets of tools: one line per tool in only one of
// them, "- role name path: version" from `before`, "+ ..." from `after`.
std::vector<std::string> tool_differences(const std::vector<Tool>& before, const std::vector<Tool>& after);

// The binary a C compiler name means for a target: clang-19 is one binary for
// every target; gcc means aarch64-linux-gnu-gcc and so on.
std::string c_compiler_binary(const CCompiler& cc, const Target& t);
// The same from the names a result records; the name itself when it names
// no known family or target.
std::string c_compiler_binary(const std::string& compiler, const std::string& target);

} // namespace amx
