#pragma once
// A fixture's fixture.yaml: its description, targets, cases and the flags
// it observes, its property checks, and either its two hand-written sources
// or the `generate:` description its sources are made from.

#include "matrix/yaml_reader.hpp"
#include "model/matrix.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace amx {

// FIXTURES_DIR/NAME/fixture.yaml; nullopt when there is none. Problems go
// to diags, those about the name itself at `at` in the matrix (`matrix`).
// The catalogue is the matrix's, to check the flags of property checks.
std::optional<Fixture> load_fixture(const std::string& name, const std::filesystem::path& fixtures_dir,
                                    const std::map<std::string, Flag>& catalogue, YamlReader& matrix,
                                    const YAML::Node& at, Diagnostics& diags);

} // namespace amx
