// util/hash: FNV-1a as published, hashed on in parts as if joined.

#include "util/hash.hpp"

#include <gtest/gtest.h>

namespace amx {
namespace {

TEST(UtilHash, FnvOfKnownTextsAndOfPartsAsIfJoined) {
  EXPECT_EQ(hash_hex(""), "cbf29ce484222325");
  EXPECT_EQ(hash_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(hash_hex("foobar"), "85944171f73967e8");
  EXPECT_EQ(hash_hex({"x86_64", "scalars", "", "off"}, "\x1f"), hash_hex("x86_64\x1fscalars\x1f\x1foff"));
  EXPECT_EQ(hash_hex({"one"}, "\x1f"), hash_hex("one"));
  EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));
}

} // namespace
} // namespace amx
