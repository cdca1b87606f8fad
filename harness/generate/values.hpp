#pragma once
// How a generated program names its types and writes its values, in C and
// in Rust: what the generated fixture and `reduce`'s standalone programs
// share, so both spell a value and compare it the same way.

#include "model/signature.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace amx {

// One scalar of a value: where it sits below the value ("", ".f1[2]") and
// its bits (hi: the upper half of a 128-bit one).
struct Leaf {
  std::string path;
  const ScalarType* type = nullptr;
  std::uint64_t lo = 0, hi = 0;
};

// One comparison of a leaf (two for a 128-bit one, ".lo" and ".hi"): the
// expected value and how C reads what it got, both as a uint64_t.
struct Comparison {
  std::string suffix; // "" or ".lo" / ".hi"
  std::string expected, got;
};

// The C typedefs and helpers the values of f32 and f64 use: bit casts both
// ways, and where `portable`, float types that become integers on arm64
// without FP registers (`explained`: with a comment that says so).
std::string float_helpers_c(bool f32, bool f64, bool portable, bool explained);
// A bit cast in Rust without core: F32 { u: BITS }.f.
std::string float_unions_rust(bool f32, bool f64);

class ValueWriter {
public:
  ValueWriter(const std::vector<StructSpec>& structs, unsigned pointer_bytes);

  // False for a struct with a 128-bit scalar on a 32-bit target.
  bool usable(const StructSpec& s) const;
  bool usable(const std::string& type) const;
  std::string c_type(const std::string& t) const;
  std::string rust_type(const std::string& t) const;
  // A struct's or union's definition, a line each: "struct sig_pad { ... };".
  std::string c_definition(const StructSpec& s) const;
  std::string rust_definition(const StructSpec& s) const;
  unsigned bits_of(const ScalarType& t) const { return t.bits ? t.bits : m_ptr_bits; }

  // Every scalar of a value of type t below `path`, in the order a value
  // literal names them, with the bits `bits` gives it (by path and type).
  using Bits = std::function<std::pair<std::uint64_t, std::uint64_t>(const std::string&, const ScalarType&)>;
  void leaves(const std::string& t, const std::string& path, std::vector<Leaf>& out, const Bits& bits) const;

  // The scalars of each of a call's parameters, then of its return value
  // ("r..."), with the bits the call gives them (zero where it gives none).
  std::vector<std::vector<Leaf>> leaves_of(const Call& call) const;

  // A whole value of type t from its leaves (as leaves() lists them).
  std::string value(const std::string& t, const std::vector<Leaf>& ls, bool rust) const;
  // The comparisons of one leaf read through the C lvalue `where`.
  std::vector<Comparison> compare(const Leaf& l, const std::string& where) const;

private:
  std::string c_value(const Leaf& l) const;
  std::string rust_value(const Leaf& l) const;
  std::string value(const std::string& t, const std::vector<Leaf>& ls, std::size_t& at, bool rust, bool top) const;

  std::map<std::string, const StructSpec*> m_structs;
  unsigned m_ptr_bits;
};

// A field's name in both languages: its own, else f<index>.
std::string field_name(const StructSpec& s, std::size_t index);

} // namespace amx
