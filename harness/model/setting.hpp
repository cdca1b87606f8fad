#pragma once
// A setting: one value per flag for one side (C or Rust) of a cell.

#include <map>
#include <string>
#include <vector>

namespace amx {

// Only flags that are not "off" are stored, so adding a flag to a matrix
// leaves the settings (and so the cell keys) of others alone.
using Setting = std::map<std::string, std::string>;

// "off" for the empty setting, else "name=value,..." sorted by name: the
// form cell keys and names are made of.
std::string to_string(const Setting& s);
// The inverse of to_string (values may hold commas: "4,2"), for databases
// older than schema 3, which kept settings as text alone.
Setting parse_setting(const std::string& text);
// The value of a flag in s, "off" when it is not there.
std::string value_of(const Setting& s, const std::string& flag);
// The flags whose values differ between two settings.
std::vector<std::string> differing_flags(const Setting& a, const Setting& b);

} // namespace amx
