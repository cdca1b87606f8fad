#pragma once
// What a generated fixture is made of: the scalar types both languages
// name, the structs built from them, and the description (a fixture.yaml's
// `generate:`) that says which function shapes to make of them.

#include "model/target.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
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
  std::string name;  // "": f<index>; a reduced struct keeps its fields' names
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

// One generated function called one way, as `reduce` shrinks it and a
// standalone program spells it: its parameters (each keeps its name from
// the fixture, "a9", so the check names still fit), its return type, the
// structs they name and the bits of every scalar, by the path its check
// names ("a9", "a3.f1[2]", "r.f0").
struct Call {
  // c_to_rust, c_calls_rust_ptr, rust_returns (C calls Rust), or rust_to_c,
  // rust_calls_c_ptr, c_returns (Rust calls C).
  std::string way;
  std::string function; // "args_i16"
  std::vector<std::pair<std::string, std::string>> params; // name, type
  std::string returns;                                     // "" for none
  std::vector<StructSpec> structs;                         // each after those it names
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> bits; // lo, hi

  bool c_calls() const { return way == "c_to_rust" || way == "c_calls_rust_ptr" || way == "rust_returns"; }
  bool through_pointer() const { return way.ends_with("_ptr"); }
};

// Drops the structs a call no longer names, directly or through others.
void keep_named_structs(Call& call);

// Which side of a call a wrong integer blames under the target's psABI: one
// narrower than 64 bits that arrived with its own bits right and the upper
// ones wrong was left unwidened by a caller the psABI asks to widen it, or
// read too wide by a callee that may not rely on them. "" when the values
// do not show that (the value itself went astray).
std::string psabi_blame(const Target& t, const ScalarType& type, std::uint64_t expected, std::uint64_t received,
                        const std::string& caller, const std::string& callee);

// The structs of a size sweep: one of each size from..to by step bytes,
// u32 fields then u8s ("bytes5": u32, u8), so sizes cross every
// register-pair and memory boundary.
std::vector<StructSpec> struct_size_sweep(std::size_t from, std::size_t to, std::size_t step);

} // namespace amx
