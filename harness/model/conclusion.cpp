#include "model/conclusion.hpp"

#include "model/enum_names.hpp"

#include <array>

namespace amx {

namespace {
constexpr std::array<const char*, 5> kFindingNames = {"pass", "skip", "ABI break", "lost property",
                                                     "toolchain defect"};
constexpr std::array<const char*, 4> kGuardNames = {"untried", "refuses", "accepts", "refuses some"};
constexpr std::array<const char*, 4> kEffectNames = {"untested", "no effect observed", "loses a property silently",
                                                    "breaks"};
constexpr std::array<const char*, 6> kConclusionNames = {
    "untested",         "consistent",       "unguarded ABI break", "guarded without observed break",
    "toolchain defect", "breaks, rustc's mixing untried"};
} // namespace

std::string to_string(Finding f) { return name_of(f, kFindingNames); }
std::string to_string(MixGuard g) { return name_of(g, kGuardNames); }
std::string to_string(MismatchEffect e) { return name_of(e, kEffectNames); }
std::string to_string(Rfc3716 c) { return name_of(c, kConclusionNames); }

bool names_toolchain_defect(const std::string& expect_reason) {
  return expect_reason.starts_with("toolchain defect");
}

Finding finding_of(Verdict v, Pairing p, std::optional<Stage> failed_at, bool known_defect) {
  // An outcome that changed when run again proves neither way.
  if (v == Verdict::skip || v == Verdict::flaky)
    return Finding::skip;
  if (v == Verdict::pass || v == Verdict::xpass)
    return Finding::pass;
  if (p == Pairing::matched || known_defect)
    return Finding::toolchain_defect;
  return failed_at == Stage::check ? Finding::lost_property : Finding::abi_break;
}

Rfc3716 conclude(MismatchEffect effect, MixGuard guard, bool matched_defect) {
  if (matched_defect)
    return Rfc3716::toolchain_defect;
  if (effect == MismatchEffect::untested)
    return Rfc3716::untested;
  const bool guarded = guard == MixGuard::refuses || guard == MixGuard::partly;
  if (effect == MismatchEffect::breaks)
    return guarded                      ? Rfc3716::consistent
           : guard == MixGuard::untested ? Rfc3716::break_guard_untried
                                         : Rfc3716::unguarded_abi_break;
  return guarded ? Rfc3716::guarded_without_break : Rfc3716::consistent;
}

} // namespace amx
