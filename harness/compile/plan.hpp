#pragma once
// Planning a cell: its tools, and each side's setting spelled into
// arguments, in the one place a flag value becomes arguments.

#include "compile/capability.hpp"
#include "model/plan.hpp"
#include "toolchain/toolchain.hpp"

namespace amx {

// caps may be null: then every spelling is taken as accepted.
CellPlan plan_cell(const Cell& cell, const Matrix& m, const Toolchain& tc, const Capabilities* caps);

} // namespace amx
