#include "model/result.hpp"

#include "model/enum_names.hpp"

#include <fmt/format.h>

namespace amx {

namespace {
constexpr std::array<const char*, 3> kCheckKindNames = {"value", "property", "crash"};
} // namespace

std::string to_string(CheckKind k) { return name_of(k, kCheckKindNames); }
std::optional<CheckKind> parse_check_kind(const std::string& s) { return value_named<CheckKind>(s, kCheckKindNames); }

std::string describe(const RustMix& m) {
  return fmt::format("crate ({}) against minicore ({}): {}{}", to_string(m.crate_setting),
                     to_string(m.minicore_setting), m.refused ? "refused: " + m.message : "accepted",
                     m.allow_flag.empty() ? ""
                                          : fmt::format("; with {}: {}", m.allow_flag,
                                                        m.allowed && *m.allowed ? "accepted" : "still refused"));
}

} // namespace amx
