#pragma once
// The four targets abimatrix knows, with each tool's name for them.

#include "matrix/model.hpp"

#include <string>
#include <vector>

namespace amx {

const std::vector<Target>& known_targets();
std::vector<std::string> known_target_names();
const Target* find_target(const std::string& name);

} // namespace amx
