#pragma once
// What a generated fixture is made of: the scalar types both languages
// name, the structs built from them, and the description (a fixture.yaml's
// `generate:`) that says which function shapes to make of them.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace amx {

struct ScalarType {
  std::string name;      // "u8", "i128", "f32", "ptr", "bool"
  std::string c, rust;   // "uint8_t" / "u8"
  std::string runtime;   // the runtime's type descriptor: "amx_u8"
  unsigned bits = 0;     // 0: pointer-sized
  bool is_signed = false, is_float = false;
  bool wide = false;     // 128 bits: only where the target is 64-bit
};

// Every scalar type a description may name.
const std::vector<ScalarType>& scalar_types();
const ScalarType* find_scalar(const std::string& name);

// A field: a scalar, a struct defined earlier, either as an array.
struct FieldSpec {
  std::string type;  // a scalar or struct name
  std::size_t count = 0; // 0: not an array
};

struct StructSpec {
  std::string name;
  std::vector<FieldSpec> fields;
  bool is_union = false; // set and read through its first field
};

struct SignatureSpec {
  std::vector<std::string> scalars;                  // each in `arguments` positions, returned, called back
  std::size_t arguments = 0;                         // how many arguments of one type a function takes
  std::vector<std::pair<std::string, std::string>> mixed; // A, B alternated over `arguments` positions
  std::vector<StructSpec> structs;                   // as written, unions too, then the size sweep's
  std::size_t struct_arguments = 0;                  // how many of one struct a function takes
  bool callbacks = false;                            // scalars through function pointers both ways
};

// What a description makes for one target (generate/fixture_source): the
// program's two halves and the cases it runs.
struct GeneratedSources {
  std::string c, rust;
  std::vector<std::string> cases; // in the order the program runs them
  std::string hash;               // of both texts
};

// The structs of a size sweep: one of each size from..to by step bytes,
// u32 fields then u8s ("bytes5": u32, u8), so sizes cross every
// register-pair and memory boundary.
std::vector<StructSpec> struct_size_sweep(std::size_t from, std::size_t to, std::size_t step);

} // namespace amx
