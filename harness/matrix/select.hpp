#pragma once
// Which of a matrix's cells one invocation runs: a --filter, one shard of
// --partition K/N, and for --resume the cells a run has not recorded yet.

#include "model/cell.hpp"
#include "model/run.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace amx {

// "K/N" with 1 <= K <= N; FatalError naming the text otherwise.
Partition parse_partition(const std::string& text);

// Whether a cell matches `filter` (its name contains the glob, or its key
// starts with it; every cell matches an empty one) and none of `out`.
bool selected(const Cell& c, const std::string& filter, const std::vector<std::string>& out = {});
// The cells selected(), in matrix order.
std::vector<const Cell*> filter_cells(const std::vector<Cell>& cells, const std::string& filter,
                                      const std::vector<std::string>& out = {});

// Shard p of the cells: with the cells sorted by key, every count-th one
// starting at index - 1. Depends only on the keys, so every CI job that
// expands the same matrix computes the same shards, of sizes within one of
// each other. Matrix order is kept within the shard.
std::vector<const Cell*> partition_cells(const std::vector<const Cell*>& cells, const std::optional<Partition>& p);
// The keys of shard p among these (distinct) keys, by the same rule.
std::set<std::string> partition_keys(std::vector<std::string> keys, const Partition& p);

// The cells whose key is not in `done`.
std::vector<const Cell*> cells_lacking(const std::vector<const Cell*>& cells, const std::set<std::string>& done);

} // namespace amx
