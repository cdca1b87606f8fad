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
  EXPECT_EQ(conclude(MismatchEffect::breaks, MixGuard::untested, false), Rfc3716::unguarded_abi_break);
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

} // namespace
} // namespace amx
