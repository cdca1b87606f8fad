#include "model/cell.hpp"

#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace amx {

namespace {
std::string key_of(const std::string& target, const std::string& fixture, const std::string& c_compiler,
                   const std::string& c, const std::string& rustc, const std::string& rust) {
  return key_hex({target, fixture, c_compiler, c, rustc, rust}, "\x1f");
}
} // namespace

std::string cell_key(const std::string& target, const std::string& fixture,
                     const std::string& c_compiler, const Setting& c, const std::string& rustc,
                     const Setting& rust) {
  return key_of(target, fixture, c_compiler, to_string(c), rustc, to_string(rust));
}

std::string cell_key_of_text(const std::string& target, const std::string& fixture, const std::string& c_compiler,
                             const std::string& c_text, const std::string& rustc, const std::string& rust_text) {
  return key_of(target, fixture, c_compiler, c_text, rustc, rust_text);
}

void identify(Cell& cell) { identify(cell, to_string(cell.c), to_string(cell.rust)); }

void identify(Cell& cell, const std::string& c_text, const std::string& rust_text) {
  cell.key = key_of(cell.target->name, cell.fixture->name, cell.c_compiler->name, c_text, cell.rustc, rust_text);
  cell.name = fmt::format("{} {} {}/{} c:{} rust:{}", cell.target->name, cell.fixture->name, cell.c_compiler->name,
                          cell.rustc, c_text, rust_text);
}

} // namespace amx
