#pragma once
// One call of a generated fixture as a program of its own, for a bug
// report: a C file with its own start-up code (no runtime, no libc) and a
// Rust file with its own lang items (no minicore), which build with one
// compiler command each and link with one more. The C side prints a line a
// scalar, "ok a9 expected=0x... got=0x..." or "fail ...", and exits 1 when
// one failed. Both sides name their functions `caller` and `callee`, so
// the disassembly a report quotes is found by name.

#include "model/signature.hpp"
#include "model/target.hpp"

#include <string>
#include <vector>

namespace amx {

struct StandaloneSources {
  std::string c, rust;
};

// `about`: the lines of the comment both files start with; `only`: the one
// check to print ("" for every scalar's).
StandaloneSources standalone_sources(const Call& call, const Target& target, const std::vector<std::string>& about,
                                     const std::string& only = "");

} // namespace amx
