#include "model/cell.hpp"

#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace amx {

std::string cell_key(const std::string& target, const std::string& fixture,
                     const std::string& c_compiler, const Setting& c, const std::string& rustc,
                     const Setting& rust) {
  return hash_hex(join({target, fixture, c_compiler, to_string(c), rustc, to_string(rust)}, "\x1f"));
}

void identify(Cell& cell) {
  cell.key = cell_key(cell.target->name, cell.fixture->name, cell.c_compiler->name, cell.c, cell.rustc, cell.rust);
  cell.name = fmt::format("{} {} {}/{} c:{} rust:{}", cell.target->name, cell.fixture->name, cell.c_compiler->name,
                          cell.rustc, to_string(cell.c), to_string(cell.rust));
}

} // namespace amx
