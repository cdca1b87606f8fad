#pragma once
// Loads a matrix file, the flag catalogues it imports and the fixtures it
// names. Every problem found is reported at once (FatalError, exit 2).

#include "model/cell.hpp"

#include <filesystem>

namespace amx {

Matrix load_matrix(const std::filesystem::path& path);

} // namespace amx
