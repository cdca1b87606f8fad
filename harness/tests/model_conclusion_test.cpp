// model/conclusion: the RFC 3716 conclusion for a flag from what its
// mismatches did and what rustc says about mixing crates.

#include "model/conclusion.hpp"

#include <gtest/gtest.h>

namespace amx {
namespace {

TEST(ModelConclusion, TheFourConclusions) {
  EXPECT_EQ(conclude(MismatchEffect::breaks, MixGuard::refuses, false), Rfc3716::consistent);
  EXPECT_EQ(conclude(MismatchEffect::none, MixGuard::accepts, false), Rfc3716::consistent);
  EXPECT_EQ(conclude(MismatchEffect::breaks, MixGuard::accepts, false), Rfc3716::unguarded_abi_break);
  // Unguarded only when rustc was asked: a break no Rust crates could mix
  // to test says nothing of rustc.
  EXPECT_EQ(conclude(MismatchEffect::breaks, MixGuard::untested, false), Rfc3716::break_guard_untried);
  EXPECT_EQ(conclude(MismatchEffect::loses_property, MixGuard::refuses, false), Rfc3716::guarded_without_break);
  EXPECT_EQ(conclude(MismatchEffect::none, MixGuard::partly, false), Rfc3716::guarded_without_break);
  // A silent loss of hardening is no ABI break: unguarded, it is consistent
  // with RFC 3716, which guards the ABI.
  EXPECT_EQ(conclude(MismatchEffect::loses_property, MixGuard::accepts, false), Rfc3716::consistent);
  EXPECT_EQ(conclude(MismatchEffect::breaks, MixGuard::refuses, true), Rfc3716::toolchain_defect);
  EXPECT_EQ(conclude(MismatchEffect::untested, MixGuard::refuses, false), Rfc3716::untested);
  EXPECT_EQ(to_string(Rfc3716::unguarded_abi_break), "unguarded ABI break");
  EXPECT_EQ(to_string(MismatchEffect::loses_property), "loses a property silently");
}

TEST(ModelConclusion, FindingsSeparateDefectsFromMismatches) {
  EXPECT_EQ(finding_of(Verdict::xfail, Pairing::matched, Stage::run, false), Finding::toolchain_defect);
  EXPECT_EQ(finding_of(Verdict::fail, Pairing::c_only, Stage::check, true), Finding::toolchain_defect);
  EXPECT_EQ(finding_of(Verdict::xfail, Pairing::rust_only, Stage::link, false), Finding::abi_break);
  EXPECT_EQ(finding_of(Verdict::xfail, Pairing::one_off, Stage::run, false), Finding::abi_break);
  EXPECT_EQ(finding_of(Verdict::xfail, Pairing::c_only, Stage::check, false), Finding::lost_property);
  EXPECT_EQ(finding_of(Verdict::xpass, Pairing::c_only, std::nullopt, false), Finding::pass);
  EXPECT_EQ(finding_of(Verdict::skip, Pairing::matched, std::nullopt, true), Finding::skip);
  EXPECT_TRUE(names_toolchain_defect("toolchain defect: rustc merges functions"));
  EXPECT_FALSE(names_toolchain_defect("the linker drops IBT, as it must"));
}

} // namespace
} // namespace amx
