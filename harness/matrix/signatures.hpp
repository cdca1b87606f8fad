#pragma once
// The `generate:` section of a fixture.yaml: the signature description a
// fixture is generated from (model/signature, generate/fixture_source).

#include "matrix/yaml_reader.hpp"
#include "model/signature.hpp"

#include <optional>

namespace amx {

// Every problem is reported to the reader with its line; nullopt when any.
//   generate:
//     scalars: [bool, i8, u8, ..., f64, ptr]
//     arguments: 20                 # each function takes this many of one type
//     mixed: [[u8, u64], [f32, i32]] # A and B alternated over `arguments`
//     structs:                      # in order; a field names a scalar, an
//       - {name: pad, fields: [u8, u32, u16]}    # earlier struct, or
//       - {name: arr, fields: ["u8[3]", pad]}    # either as an array
//     unions:                       # scalars of up to 64 bits; set and
//       - {name: u, fields: [u64, f32]}          # checked through the first
//     struct-sizes: {from: 1, to: 64, by: 4}
//     struct-arguments: 10
//     callbacks: true
std::optional<SignatureSpec> load_signatures(YamlReader& r, const YAML::Node& generate, const YAML::Node& root);

} // namespace amx
