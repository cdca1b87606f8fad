#pragma once
// A flag catalogue (`flags:` name -> class, targets, values, spellings),
// read into the matrix's catalogue; problems go to the reader's diagnostics.

#include "matrix/model.hpp"
#include "matrix/yaml_reader.hpp"

#include <map>
#include <string>

namespace amx {

void load_catalogue(YamlReader& r, const YAML::Node& root, std::map<std::string, Flag>& out);

} // namespace amx
