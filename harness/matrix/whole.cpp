#include "matrix/whole.hpp"

#include "matrix/expand.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amx {

namespace {

// A flag varies in a cell only on a target it applies to, in a fixture
// that observes it there: a flag with no such pair would add no cell.
void check_flags_vary(const Matrix& m, YamlReader& r, const std::map<std::string, YAML::Node>& flag_keys) {
  for (const auto& used : m.flags) {
    const Flag& f = m.catalogue.at(used.name);
    std::vector<std::string> targets, observers;
    for (const auto& t : m.targets)
      if (f.applies_to(t.name))
        targets.push_back(t.name);
    bool varies = false;
    for (const auto& fx : m.fixtures) {
      if (std::find(fx.flags.begin(), fx.flags.end(), used.name) == fx.flags.end())
        continue;
      observers.push_back(fx.name);
      varies = varies || std::any_of(targets.begin(), targets.end(), [&](const std::string& t) {
                 return fx.targets.empty() || std::find(fx.targets.begin(), fx.targets.end(), t) != fx.targets.end();
               });
    }
    if (varies)
      continue;
    std::string why =
        targets.empty()      ? fmt::format("it applies to {}, none of the matrix's targets", join(f.targets, ", "))
        : observers.empty() ? "no fixture of the matrix observes it (a fixture lists the flags it observes)"
                            : fmt::format("the fixtures that observe it ({}) run on none of {}", join(observers, ", "),
                                          join(targets, ", "));
    r.error(flag_keys.at(used.name), fmt::format("flag '{}' varies in no cell: {}", used.name, why));
  }
}

// Refused before expansion: the estimate is an upper bound, cheap to get.
bool check_size(const Matrix& m, YamlReader& r, const YAML::Node& root) {
  const double estimate = estimated_cells(m);
  if (estimate <= static_cast<double>(m.max_cells))
    return true;
  r.error(root["flags"].IsDefined() ? root["flags"] : root,
            fmt::format("the matrix would expand to up to {:.0f} cells, more than max-cells ({}): narrow its "
                        "flags, fixtures or pairings, or raise max-cells",
                        estimate, m.max_cells),
            root);
  return false;
}

// An expectation must expect something of some cell: each of its keys
// matching something (load_rule) is not enough when together they match
// no cell, or the pairing it names never produces them.
void check_expectations_match(const Matrix& m, YamlReader& r) {
  std::vector<bool> matched(m.expectations.size(), false);
  std::size_t left = matched.size();
  visit_cells(m, [&](const Cell& cell) {
    for (std::size_t i = 0; i < matched.size(); i++)
      if (!matched[i] && rule_matches(m.expectations[i].match, cell)) {
        matched[i] = true;
        left--;
      }
    return left > 0;
  });
  for (std::size_t i = 0; i < matched.size(); i++)
    if (!matched[i])
      r.error(m.expectations[i].match.at,
                "this expectation matches no cell of the matrix: its keys match cells one by one, but no cell "
                "has them all (see `abimatrix plan`)");
}

} // namespace

void check_as_a_whole(const Matrix& m, YamlReader& r, const std::map<std::string, YAML::Node>& flag_keys,
                      const YAML::Node& root) {
  check_flags_vary(m, r, flag_keys);
  if (check_size(m, r, root))
    check_expectations_match(m, r);
}

} // namespace amx
