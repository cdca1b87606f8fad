#pragma once
// Planning a cell: its tools, and each side's setting spelled into
// arguments, in the one place a flag value becomes arguments.

#include "compile/capability.hpp"
#include "model/plan.hpp"
#include "toolchain/toolchain.hpp"

namespace amx {

// A Rust target specification the cell needs is named under spec_dir (in
// a folder named by its content hash) and handed to the caller to write.
CellPlan plan_cell(const Cell& cell, const Matrix& m, const Toolchain& tc, const std::filesystem::path& spec_dir);
// Why a planned side cannot be built: its compiler refuses the arguments
// for the target, in the compiler's own words.
std::optional<std::string> refusal(const CellPlan& p, const Target& t, const Capabilities& caps);

} // namespace amx
