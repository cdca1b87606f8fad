#include "run/bisect.hpp"

#include <set>

namespace amx {

std::optional<Change> first_change(std::size_t n,
                                   const std::function<std::optional<std::string>(std::size_t)>& outcome) {
  const std::string first = outcome(0).value_or("");
  if (outcome(n - 1).value_or("") == first)
    return std::nullopt;
  // Invariant: lo is like the first, hi is not; `untestable` are in between.
  std::size_t lo = 0, hi = n - 1;
  std::set<std::size_t> untestable;
  for (;;) {
    // The untried index nearest the middle of (lo, hi).
    std::optional<std::size_t> mid;
    const std::size_t centre = lo + (hi - lo) / 2;
    for (std::size_t d = 0; d <= hi - lo && !mid; d++)
      for (std::size_t i : {centre - d, centre + d})
        if (i > lo && i < hi && !untestable.count(i) && !mid)
          mid = i;
    if (!mid)
      return Change{lo, hi};
    auto said = outcome(*mid);
    if (!said)
      untestable.insert(*mid);
    else
      (*said == first ? lo : hi) = *mid;
  }
}

} // namespace amx
