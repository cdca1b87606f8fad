#include "model/result.hpp"

#include "model/enum_names.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <map>

namespace amx {

namespace {
constexpr std::array<const char*, 5> kCheckKindNames = {"value", "property", "crash", "timeout", "not-reached"};
} // namespace

std::string to_string(CheckKind k) { return name_of(k, kCheckKindNames); }
std::optional<CheckKind> parse_check_kind(const std::string& s) { return value_named<CheckKind>(s, kCheckKindNames); }

std::string check_direction(const std::string& property) {
  static const std::map<std::string, std::string, std::less<>> directions = {
      {"c_to_rust", "C->Rust"},         {"rust_returns", "C->Rust"},
      {"rust_to_c", "Rust->C"},         {"c_returns", "Rust->C"},
      {"c_calls_rust_ptr", "callback C->Rust"}, {"rust_calls_c_ptr", "callback Rust->C"},
  };
  auto it = directions.find(std::string_view(property).substr(0, property.find('.')));
  return it == directions.end() ? "" : it->second;
}

std::string check_outcome(const CheckResult& c) {
  if (c.held)
    return "held";
  switch (c.kind) {
  case CheckKind::value:
    return "wrong value";
  case CheckKind::property:
    return "lost";
  case CheckKind::crash:
    return c.property == "program" ? "failed" : c.detail;
  case CheckKind::timeout:
    return c.detail.empty() ? "timeout" : c.detail;
  case CheckKind::unreached:
    return "not reached";
  }
  return "?";
}

std::string case_and_name(const std::string& test, const std::string& property) {
  return test.empty() || test == property ? property : test + ": " + property;
}

std::string describe_check(const CheckResult& c) {
  std::vector<std::string> about;
  if (!c.c_type.empty())
    about.push_back(c.c_type + "/" + c.rust_type);
  if (auto d = check_direction(c.property); !d.empty())
    about.push_back(d);
  if (!c.flag.empty())
    about.push_back(c.flag);
  std::string line = case_and_name(c.test, c.property);
  if (!about.empty())
    line += " (" + fmt::format("{}", fmt::join(about, ", ")) + ")";
  line += ": " + check_outcome(c);
  // A case's detail is its outcome; a value, a property and the program say why.
  const bool says_why = c.kind == CheckKind::value || c.kind == CheckKind::property || c.property == "program";
  if (!c.held && !c.detail.empty() && says_why)
    line += ": " + c.detail;
  return line;
}

std::string read_value(const std::string& as, const std::string& hex) {
  std::uint64_t raw = 0;
  if (!hex.starts_with("0x") ||
      std::from_chars(hex.data() + 2, hex.data() + hex.size(), raw, 16).ptr != hex.data() + hex.size() || as.size() < 2)
    return hex;
  int bits = 0;
  std::from_chars(as.data() + 1, as.data() + as.size(), bits);
  if (bits <= 0 || bits > 64)
    return hex;
  const std::uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
  const std::uint64_t low = raw & mask;
  const bool negative = bits < 64 && (low >> (bits - 1)) & 1;
  // The widened value fits when its high bits only extend the low ones.
  const std::uint64_t extended = as[0] == 'i' && negative ? low | ~mask : low;
  if (extended != raw)
    return fmt::format("{} (outside {})", hex, as); // e.g. an i16 its receiver did not sign-extend
  const std::string bare = fmt::format("{:#x}", low);
  switch (as[0]) {
  case 'u':
    return fmt::format("{} ({})", low, bare);
  case 'i':
    return fmt::format("{} ({})", static_cast<std::int64_t>(extended), bare);
  case 'f':
    if (bits == 32)
      return fmt::format("{} ({})", std::bit_cast<float>(static_cast<std::uint32_t>(low)), bare);
    if (bits == 64)
      return fmt::format("{} ({})", std::bit_cast<double>(low), bare);
  }
  return hex;
}

std::string describe(const RustMix& m) {
  return fmt::format("crate ({}) against minicore ({}): {}{}", to_string(m.crate_setting),
                     to_string(m.minicore_setting), m.refused ? "refused: " + m.message : "accepted",
                     m.allow_flag.empty() ? ""
                                          : fmt::format("; with {}: {}", m.allow_flag,
                                                        m.allowed && *m.allowed ? "accepted" : "still refused"));
}

} // namespace amx
