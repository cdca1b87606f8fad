#pragma once
// Bisection over an ordered list of toolchains (clang-14, clang-16,
// clang-19; or a month of rustc nightlies): where a cell's outcome changes,
// asking as few as a binary search needs, stepping over toolchains that
// cannot say (as `git bisect skip` does).

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace amx {

// Where the outcome changes: the last index like index 0 and the first
// unlike it; the indices between (if any) could not be tested.
struct Change {
  std::size_t last_same = 0, first_different = 0;
};

// `outcome` says what index i does, or nullopt when i cannot be tested; the
// two ends must be testable (outcome may throw for them). Assumes the list
// changes once, as toolchains do when a defect comes or goes; nullopt when
// the last's outcome equals the first's. Index 0 and the last are asked
// first, then midpoints (the untested one nearest the middle), each at most
// once; n >= 2.
std::optional<Change> first_change(std::size_t n,
                                   const std::function<std::optional<std::string>(std::size_t)>& outcome);

} // namespace amx
