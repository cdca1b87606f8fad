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

} // namespace amx
