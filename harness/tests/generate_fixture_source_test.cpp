// generate/fixture_source and matrix/signatures: the generated fixture is
// deterministic, puts every scalar type in every argument register and on
// the stack of every target in both directions, and a broken description is
// reported with its line.

#include "generate/fixture_source.hpp"
#include "matrix/load.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <gmock/gmock.h>

#include <algorithm>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The description the repository's matrices run.
const Fixture& repo_signatures() {
  static test::ScopedTempDir dir;
  static Matrix m = [] {
    test::write_file(dir.path() / "m.yaml", "fixtures-dir: " + (test::kSourceDir / "fixtures").string() +
                                                "\ntargets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [signatures]\n");
    return load_matrix(dir.path() / "m.yaml");
  }();
  return m.fixtures.at(0);
}

TEST(GenerateFixtureSource, TheSameDescriptionMakesTheSameBytes) {
  const auto& fx = repo_signatures();
  ASSERT_TRUE(fx.signatures);
  for (const auto& t : known_targets()) {
    auto again = generate_sources(fx.name, *fx.signatures, t);
    EXPECT_EQ(again.hash, fx.generated.at(t.name).hash) << t.name;
    EXPECT_EQ(again.c, fx.generated.at(t.name).c) << t.name;
  }
  // C has no 128-bit integers on i386: those functions are left out there.
  const auto& i386 = fx.generated.at("i386");
  const auto& x86_64 = fx.generated.at("x86_64");
  EXPECT_NE(i386.hash, x86_64.hash);
  EXPECT_THAT(x86_64.cases, ::testing::Contains("c_to_rust.args_i128"));
  EXPECT_THAT(i386.cases, Not(::testing::Contains("c_to_rust.args_i128")));
  EXPECT_THAT(i386.c, Not(HasSubstr("__int128")));
  EXPECT_EQ(fx.cases_on("i386"), i386.cases);
}

// How many arguments of one type fill a target's registers for it.
std::size_t registers_for(const ScalarType& t, const Target& target) {
  if (t.is_float)
    return target.float_arg_registers + (target.floats_to_int_registers ? target.int_arg_registers : 0);
  if (t.wide)
    return (target.int_arg_registers + 1) / 2;
  return target.int_arg_registers;
}

TEST(GenerateFixtureSource, EveryScalarInEveryRegisterAndTwoStackSlotsBothWays) {
  const auto& fx = repo_signatures();
  ASSERT_TRUE(fx.signatures);
  for (const auto& target : known_targets()) {
    auto fns = generated_functions(*fx.signatures, target);
    const auto& cases = fx.generated.at(target.name).cases;
    for (const auto& name : fx.signatures->scalars) {
      const auto& t = *find_scalar(name);
      if (t.wide && target.pointer_bytes != 8)
        continue;
      auto f = std::find_if(fns.begin(), fns.end(), [&](const auto& g) { return g.name == "args_" + name; });
      ASSERT_NE(f, fns.end()) << target.name << " " << name;
      EXPECT_TRUE(std::all_of(f->params.begin(), f->params.end(), [&](const auto& p) { return p == name; }));
      EXPECT_GE(f->params.size(), registers_for(t, target) + 2) << target.name << " " << name;
      for (std::string way : {"c_to_rust.args_", "rust_to_c.args_", "rust_returns.ret_", "c_returns.ret_"})
        EXPECT_THAT(cases, ::testing::Contains(way + name)) << target.name;
    }
  }
}

TEST(GenerateFixtureSource, EachLeafHasItsOwnValueWithTheHighBitOfEveryByteSet) {
  SignatureSpec spec;
  spec.scalars = {"u16", "i32"};
  spec.arguments = 3;
  auto g = generate_sources("sig", spec, *find_target("x86_64"));
  // Three u16 arguments, three different values, every byte >= 0x80.
  std::vector<std::string> values;
  for (std::size_t at = 0; (at = g.c.find("(uint16_t)0x", at)) != std::string::npos; at += 12)
    values.push_back(g.c.substr(at + 10, 6));
  ASSERT_GE(values.size(), 3u);
  EXPECT_NE(values[0], values[1]);
  EXPECT_NE(values[1], values[2]);
  for (const auto& v : values) {
    EXPECT_GE(v[2], '8') << v;
    EXPECT_GE(v[4], '8') << v;
  }
  EXPECT_THAT(g.c, HasSubstr("amx_check(\"c_to_rust.args_u16.a2\", &amx_u16,"));
  EXPECT_THAT(g.rust, HasSubstr("pub extern \"C\" fn sig_rs_args_i32(a1: i32, a2: i32, a3: i32)"));
  EXPECT_EQ(g.cases, (std::vector<std::string>{"c_to_rust.args_u16", "rust_to_c.args_u16", "c_to_rust.args_i32",
                                               "rust_to_c.args_i32", "rust_returns.ret_u16", "c_returns.ret_u16",
                                               "rust_returns.ret_i32", "c_returns.ret_i32"}));
}

TEST(GenerateFixtureSource, StructLeavesAreNamedByTheirFieldPath) {
  SignatureSpec spec;
  spec.structs = {{"pad", {{"u8", 0}, {"u32", 0}}}, {"outer", {{"pad", 0}, {"i16", 2}}}};
  spec.struct_arguments = 2;
  auto g = generate_sources("sig", spec, *find_target("aarch64"));
  EXPECT_THAT(g.c, HasSubstr("struct sig_outer { struct sig_pad f0; int16_t f1[2]; };"));
  EXPECT_THAT(g.rust, HasSubstr("#[repr(C)] pub struct SOuter { f0: SPad, f1: [i16; 2] }"));
  EXPECT_THAT(g.c, HasSubstr("amx_check(\"rust_to_c.args_outer.a2.f0.f1\", &amx_u32,"));
  EXPECT_THAT(g.c, HasSubstr("amx_check(\"c_returns.ret_outer.r.f1[1]\", &amx_i16,"));
}

TEST(GenerateFixtureSource, AUnionIsSetAndCheckedThroughItsFirstMember) {
  SignatureSpec spec;
  spec.structs = {{"u", {{"u64", 0}, {"f32", 0}}, true}};
  spec.struct_arguments = 1;
  auto g = generate_sources("sig", spec, *find_target("riscv64"));
  EXPECT_THAT(g.c, HasSubstr("union sig_u { uint64_t f0; amx_f32 f1; };"));
  EXPECT_THAT(g.rust, HasSubstr("#[repr(C)] pub union SU { f0: u64, f1: f32 }"));
  EXPECT_THAT(g.c, HasSubstr("amx_check(\"c_to_rust.args_u.a1.f0\", &amx_u64,"));
  EXPECT_THAT(g.c, Not(HasSubstr("args_u.a1.f1")));
  EXPECT_THAT(g.c, HasSubstr("(union sig_u){ (uint64_t)0x"));
}

TEST(GenerateFixtureSource, ABrokenDescriptionIsReportedWithItsLine) {
  test::ScopedTempDir dir;
  auto fixtures = dir.path() / "fixtures";
  std::filesystem::create_directories(fixtures / "gen");
  test::write_file(fixtures / "gen" / "fixture.yaml",
                   "description: broken\nflags: []\ngenerate:\n  scalars: [u8, u7]\n  arguments: 200\n"
                   "  structs:\n    - {name: a, fields: [b]}\n    - {name: b, fields: [\"u8[x]\"]}\n"
                   "  unions:\n    - {name: w, fields: [u128]}\n");
  test::write_file(dir.path() / "m.yaml",
                   "fixtures-dir: fixtures\ntargets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [gen]\n");
  try {
    load_matrix(dir.path() / "m.yaml");
    FAIL() << "loaded";
  } catch (const FatalError& e) {
    std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("fixture.yaml:4:"));
    EXPECT_THAT(what, HasSubstr("unknown scalar type 'u7'"));
    EXPECT_THAT(what, HasSubstr("fixture.yaml:5:"));
    EXPECT_THAT(what, HasSubstr("arguments must be a whole number from 1 to 64, not '200'"));
    EXPECT_THAT(what, HasSubstr("'b' is neither a scalar type nor a struct defined before 'a'"));
    EXPECT_THAT(what, HasSubstr("'u8[x]': an array field is TYPE[N]"));
    EXPECT_THAT(what, Not(HasSubstr("has no fields"))); // the field's own error says it
    EXPECT_THAT(what, HasSubstr("union 'w': a field is a scalar of at most 64 bits, not 'u128'"));
  }
}

} // namespace
} // namespace amx
