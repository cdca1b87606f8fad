#pragma once
// Turns a matrix into its cells: the settings of each target, the pairs of
// settings each pairing mode asks for, include/exclude rules, expectations.

#include "model/cell.hpp"

#include <vector>

namespace amx {

// The settings tried on one target: all off, then each flag that applies to
// the target at each of its values (combine: each), or every combination
// (combine: product).
std::vector<Setting> target_settings(const Matrix& m, const std::string& target);

// Cells in a deterministic order; pointers in them point into m.
std::vector<Cell> expand(const Matrix& m);

bool rule_matches(const Rule& rule, const Cell& cell);

} // namespace amx
