#include "model/conclusion.hpp"

#include "model/enum_names.hpp"

#include <array>

namespace amx {

namespace {
constexpr std::array<const char*, 4> kEffectNames = {"untested", "no effect observed", "loses a property silently",
                                                    "breaks"};
constexpr std::array<const char*, 5> kConclusionNames = {"untested", "consistent", "unguarded ABI break",
                                                        "guarded without observed break", "toolchain defect"};
} // namespace

std::string to_string(MismatchEffect e) { return name_of(e, kEffectNames); }
std::string to_string(Rfc3716 c) { return name_of(c, kConclusionNames); }

Rfc3716 conclude(MismatchEffect effect, MixGuard guard, bool matched_defect) {
  if (matched_defect)
    return Rfc3716::toolchain_defect;
  if (effect == MismatchEffect::untested)
    return Rfc3716::untested;
  const bool guarded = guard == MixGuard::refuses || guard == MixGuard::partly;
  if (effect == MismatchEffect::breaks)
    return guarded ? Rfc3716::consistent : Rfc3716::unguarded_abi_break;
  return guarded ? Rfc3716::guarded_without_break : Rfc3716::consistent;
}

} // namespace amx
