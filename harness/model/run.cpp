#include "model/run.hpp"

#include "model/enum_names.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace amx {

std::string to_string(const Partition& p) { return fmt::format("{}/{}", p.index, p.count); }

std::vector<FlagFacts> flag_facts(const Matrix& m) {
  std::vector<FlagFacts> out;
  for (const Flag* f : m.flags_in_use())
    out.push_back({f->name, to_string(f->cls), f->description, join(f->targets, ", "), f->describe_spellings()});
  return out;
}

std::string to_string(RunStatus s) {
  static constexpr std::array<const char*, 3> names = {"running", "complete", "interrupted"};
  return name_of(s, names);
}

} // namespace amx
