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

namespace {
constexpr std::array<const char*, 3> kStabilityNames = {"stable", "unstable", "rejected"};
} // namespace

std::string describe_spelling(const SpellingFact& f) {
  std::string status;
  if (f.accepted == false)
    status = "refused: " + f.message;
  else if (f.stability)
    status = to_string(*f.stability) + (f.stability_message.empty() ? "" : ": " + f.stability_message);
  return fmt::format("{} {}: {}={} on {} as {}{}", f.tool.name, f.tool.version, f.flag, f.value, f.target, f.args,
                     status.empty() ? "" : " (" + status + ")");
}

std::string to_string(Stability s) { return name_of(s, kStabilityNames); }
std::optional<Stability> parse_stability(const std::string& s) { return value_named<Stability>(s, kStabilityNames); }

} // namespace amx
