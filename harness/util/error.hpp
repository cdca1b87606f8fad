#pragma once
// The fatal channel: a broken matrix, a missing tool or an unusable database.
// Thrown anywhere, caught once in main, printed, exit code 2. Outcomes of a
// cell (compile errors, crashes, timeouts) are never thrown: they are results.

#include <stdexcept>
#include <string>

namespace amx {

class FatalError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// A selection of no cells (`run --filter` that matches nothing): exit 4, as
// cargo-nextest exits on an empty selection, and no run is recorded.
class EmptySelection : public FatalError {
public:
  using FatalError::FatalError;
};

} // namespace amx
