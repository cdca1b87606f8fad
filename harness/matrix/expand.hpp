#pragma once
// Turns a matrix into its cells: the settings of each target, the pairs of
// settings each pairing mode asks for, include/exclude rules, expectations.

#include "model/cell.hpp"

#include <functional>
#include <vector>

namespace amx {

// The settings tried on one target: all off, then each flag that applies to
// the target at each of its values (combine: each), or every combination
// (combine: product); with `observed`, of those flags only.
std::vector<Setting> target_settings(const Matrix& m, const std::string& target,
                                     const std::vector<std::string>* observed = nullptr);

// Each cell in a deterministic order, one at a time, so that a matrix of
// millions of cells is planned without holding them; pointers in them point
// into m.
void for_each_cell(const Matrix& m, const std::function<void(const Cell&)>& visit);
// The same, stopping at the first cell for which visit returns false.
void visit_cells(const Matrix& m, const std::function<bool(const Cell&)>& visit);

// An upper bound on the number of cells, from counts alone (nothing is
// expanded): the size check before a matrix is expanded.
double estimated_cells(const Matrix& m);

// Every cell, in for_each_cell's order.
std::vector<Cell> expand(const Matrix& m);

bool rule_matches(const Rule& rule, const Cell& cell);

} // namespace amx
