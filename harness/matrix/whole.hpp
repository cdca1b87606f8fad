#pragma once
// Checks on a loaded matrix as a whole, once each part of it is sound: a
// flag that no cell can vary, a matrix estimated past max-cells (refused
// before it is expanded), an expectation that no cell matches.

#include "matrix/yaml_reader.hpp"

#include <map>
#include <string>

namespace amx {

// Reports each problem through r; flag_keys: each varied flag's key node.
void check_as_a_whole(const Matrix& m, YamlReader& r, const std::map<std::string, YAML::Node>& flag_keys,
                      const YAML::Node& root);

} // namespace amx
