#pragma once
// A flag catalogue (`flags:` name -> class, targets, values, spellings) and
// kernel profiles (`profiles:` name -> target, flags, the Makefile lines),
// read into the matrix; problems go to the reader's diagnostics.

#include "model/cell.hpp"
#include "matrix/yaml_reader.hpp"

#include <map>
#include <string>

namespace amx {

// A catalogue file holds `rust-targets:`, `flags:`, `profiles:`, read in
// that order. What one names (a profile's flags, a flag's Rust target needs,
// the flags a specification carries) must be defined by then, in this file
// or one imported before it.
void load_catalogue(YamlReader& r, const YAML::Node& root, std::map<std::string, Flag>& out,
                    std::map<std::string, Profile>& profiles, std::vector<RustTarget>& rust_targets);

} // namespace amx
