#pragma once
// The properties the check stage knows, and what a program is built for.

#include "model/cell.hpp"

#include <string>
#include <vector>

namespace amx {

const std::vector<std::string>& known_properties();
bool is_known_property(const std::string& property);

// What a program is built for: each flag on for either side, with the C
// side's value where both have one. The fixture is told this on its command
// line and the checks hold the program to it.
Setting intended_setting(const Cell& cell);

} // namespace amx
