// util/hash: FNV-1a as published, hashed on in parts as if joined; cell
// keys as XXH3-64 of their parts joined, well mixed.

#include "util/hash.hpp"

#include <gtest/gtest.h>

namespace amx {
namespace {

TEST(UtilHash, FnvOfKnownTextsAndOfPartsAsIfJoined) {
  EXPECT_EQ(hash_hex(""), "cbf29ce484222325");
  EXPECT_EQ(hash_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(hash_hex("foobar"), "85944171f73967e8");
  EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));
}

TEST(UtilHash, KeysAreXxh3OfThePartsJoined) {
  EXPECT_EQ(key_hex({""}, "\x1f"), "2d06800538d394c2"); // XXH3-64 of nothing, seed 0
  EXPECT_EQ(key_hex({"x86_64", "scalars", "", "off"}, "\x1f"), key_hex({"x86_64\x1fscalars\x1f\x1foff"}, "|"));
  // One character apart, apart from the first digits on (FNV-1a kept 4-5
  // leading digits in common here).
  auto a = key_hex({"i386", "scalars", "clang-19", "regparm=1", "rustc", "off"}, "\x1f");
  auto b = key_hex({"i386", "scalars", "clang-19", "regparm=2", "rustc", "off"}, "\x1f");
  auto c = key_hex({"i386", "scalars", "clang-19", "regparm=3", "rustc", "off"}, "\x1f");
  EXPECT_NE(a.substr(0, 4), b.substr(0, 4));
  EXPECT_NE(a.substr(0, 4), c.substr(0, 4));
  EXPECT_NE(b.substr(0, 4), c.substr(0, 4));
}

} // namespace
} // namespace amx
