// model/signature: which side a wrong narrow integer blames under each
// target's psABI, and the structs a call still names.

#include "model/signature.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

TEST(ModelSignature, ANarrowIntegerWithItsOwnBitsRightBlamesWhomThePsabiAsksToWiden) {
  const auto& i16 = *find_scalar("i16");
  // riscv64: the caller widens, so an unextended i16 is the caller's fault.
  auto riscv = psabi_blame(*find_target("riscv64"), i16, 0xffffffffffffb89bull, 0xb89b, "Rust", "C");
  EXPECT_THAT(riscv, HasSubstr("own 16 bits right and the upper bits zero"));
  EXPECT_THAT(riscv, HasSubstr("So the caller (Rust) deviates"));
  // aarch64 leaves the upper bits unspecified: a callee that reads them is wrong.
  auto arm = psabi_blame(*find_target("aarch64"), i16, 0xffffffffffffb89bull, 0x1234b89b, "C", "Rust");
  EXPECT_THAT(arm, HasSubstr("the upper bits wrong"));
  EXPECT_THAT(arm, HasSubstr("So the callee (Rust) deviates"));
  // A value whose own bits are wrong went astray: no blame from values.
  EXPECT_EQ(psabi_blame(*find_target("riscv64"), i16, 0xffffffffffffb89bull, 0xb89c, "Rust", "C"), "");
  EXPECT_EQ(psabi_blame(*find_target("riscv64"), *find_scalar("u64"), 1, 2, "Rust", "C"), "");
  EXPECT_EQ(psabi_blame(*find_target("riscv64"), *find_scalar("f32"), 0x3f800000, 0x3f800000ull | (1ull << 40),
                        "Rust", "C"),
            "");
}

TEST(ModelSignature, ACallKeepsOnlyTheStructsItStillNames) {
  Call c;
  c.structs = {{"inner", {{"u8", 0, ""}}, false}, {"outer", {{"inner", 2, ""}}, false}, {"gone", {{"u8", 0, ""}}, false}};
  c.params = {{"a1", "outer"}};
  keep_named_structs(c);
  ASSERT_EQ(c.structs.size(), 2u);
  EXPECT_EQ(c.structs[0].name, "inner");
  EXPECT_EQ(c.structs[1].name, "outer");
  c.params.clear();
  c.returns = "u8";
  keep_named_structs(c);
  EXPECT_TRUE(c.structs.empty());
}

} // namespace
} // namespace amx
