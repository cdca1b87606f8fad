#pragma once
// The one way work is spread over threads: items handed out in order to
// `jobs` workers. A throw in one item stops the hand-out, every worker is
// joined, and the first exception is rethrown in the caller, so no thread
// outlives an error and nothing reaches std::terminate.

#include <cstddef>
#include <functional>

namespace amx {

// Calls body(i) for each i in [0, n) on max(1, jobs) threads, until `stop`
// (when given) returns true. Returns how many items were started.
std::size_t parallel_for(std::size_t n, unsigned jobs, const std::function<void(std::size_t)>& body,
                         const std::function<bool()>& stop = {});

} // namespace amx
