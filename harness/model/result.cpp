#include "model/result.hpp"

#include <fmt/format.h>

namespace amx {

std::string describe(const RustMix& m) {
  return fmt::format("crate ({}) against minicore ({}): {}{}", to_string(m.crate_setting),
                     to_string(m.minicore_setting), m.refused ? "refused: " + m.message : "accepted",
                     m.allow_flag.empty() ? ""
                                          : fmt::format("; with {}: {}", m.allow_flag,
                                                        m.allowed && *m.allowed ? "accepted" : "still refused"));
}

} // namespace amx
