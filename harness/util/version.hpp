#pragma once
// Which abimatrix this is: `git describe` of the tree it was built from
// ("unknown" outside a git checkout), for --version and every run's record.

namespace amx {

const char* harness_version();

} // namespace amx
