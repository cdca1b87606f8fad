#pragma once
// The fixed parts of every compile command: what a freestanding C object and
// a Rust crate are built with before the flags under test; and how a program
// is run.

#include "model/matrix.hpp"
#include "model/tool.hpp"

#include <string>
#include <vector>

namespace amx {

// The arguments every C compile starts with, and a rustc command line for a
// crate (flags last; a --target among them replaces the target's own).
std::vector<std::string> c_base_args(const CCompiler& cc, const Target& t);
std::vector<std::string> rust_args(const std::string& crate_type, const std::string& crate_name, const Target& t,
                                   const std::vector<std::string>& flags);
// The driver arguments that link a freestanding static program (lld for
// clang), before the inputs.
std::vector<std::string> link_driver_args(const CCompiler& cc, const Target& t);
// A program's command line: under the target's QEMU, or the program itself
// when the runner is the host (role "native"). The executable first.
std::vector<std::string> program_command(const Tool& runner, const Target& t, const std::string& program);
// The --target a command ends up with: the last one given; "" for none.
std::string rust_triple(const std::vector<std::string>& args);
// The name rustc knows that target by (a specification's file stem), which
// names its folder in a sysroot.
std::string rust_target_name(const std::vector<std::string>& args);

} // namespace amx
