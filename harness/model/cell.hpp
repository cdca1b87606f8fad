#pragma once
// A cell: target x fixture x C compiler x C setting x rustc x Rust setting,
// with the expectation the matrix gives it.

#include "model/matrix.hpp"

#include <optional>
#include <string>

namespace amx {

// An expected failure of some checks of a cell, and why.
struct CheckExpectation {
  std::vector<std::string> checks; // globs on a check's name or test case
  std::string reason;
};

struct Cell {
  std::string key; // stable across runs: see cell_key()
  std::string name; // readable
  const Target* target = nullptr;
  const Fixture* fixture = nullptr;
  const CCompiler* c_compiler = nullptr;
  std::string rustc;
  Setting c, rust;
  Pairing pairing = Pairing::matched;
  Expected expected = Expected::pass;
  std::optional<Stage> expected_stage; // where the expected failure is
  std::string expect_reason; // why that expectation
  // When set, the expected failure is exactly these checks failing.
  std::vector<CheckExpectation> check_expectations;
};

// Hash of target, fixture, C compiler name, C setting, rustc name and Rust
// setting. Toolchain versions are deliberately not part of it, so that a cell
// can be followed from one nightly toolchain to the next.
std::string cell_key(const std::string& target, const std::string& fixture,
                     const std::string& c_compiler, const Setting& c, const std::string& rustc,
                     const Setting& rust);

// The same from the settings' text (to_string), as the database keeps them.
std::string cell_key_of_text(const std::string& target, const std::string& fixture, const std::string& c_compiler,
                             const std::string& c_text, const std::string& rustc, const std::string& rust_text);

// Sets a cell's key and its readable name from its target, fixture,
// compilers and settings.
void identify(Cell& cell);
// The same with the sides' to_string() already made, as a plan repeats them.
void identify(Cell& cell, const std::string& c_text, const std::string& rust_text);

} // namespace amx
