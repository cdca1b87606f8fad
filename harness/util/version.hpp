#pragma once
// Which abimatrix this is: `git describe` of the tree it was built from
// ("unknown" outside a git checkout), for --version and every run's record.

#include <filesystem>
#include <vector>

namespace amx {

const char* harness_version();

// The folders where a matrix given by name is looked for: the installed
// share/abimatrix/matrices beside this binary, then matrices/ of the
// checkout it was built in (build/abimatrix -> matrices/).
std::vector<std::filesystem::path> matrix_dirs();

} // namespace amx
