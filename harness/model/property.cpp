#include "model/property.hpp"

#include <algorithm>

namespace amx {

const std::vector<std::string>& known_properties() {
  static const std::vector<std::string> all = {"bti-note",      "ibt-note",           "pac-note",
                                               "shstk-note",    "landing-pads",       "pac-ret",
                                               "no-indirect-branch", "thunk-returns", "cs-prefix",
                                               "patchable-entries",  "function-alignment", "shadow-call-stack",
                                               "sls-int3", "frame-pointer"};
  return all;
}

bool is_known_property(const std::string& property) {
  const auto& all = known_properties();
  return std::find(all.begin(), all.end(), property) != all.end();
}

Setting intended_setting(const Cell& cell) {
  Setting s = cell.rust;
  for (const auto& [flag, value] : cell.c)
    s[flag] = value;
  return s;
}

} // namespace amx
