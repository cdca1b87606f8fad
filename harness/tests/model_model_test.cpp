// model/: settings, spellings, verdict rules and cell keys, the logic every
// other folder shares.

#include "model/cell.hpp"
#include "model/property.hpp"
#include "model/tool.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace amx {
namespace {

TEST(ModelSetting, TextValuesAndDifferences) {
  Setting s{{"regparm", "3"}, {"patchable-function-entry", "4,2"}};
  EXPECT_EQ(to_string(s), "patchable-function-entry=4,2,regparm=3");
  EXPECT_EQ(to_string(Setting{}), "off");
  EXPECT_EQ(parse_setting(to_string(s)), s);
  EXPECT_EQ(parse_setting("off"), Setting{});
  EXPECT_EQ(value_of(s, "kcfi"), "off");
  EXPECT_EQ(differing_flags(s, {{"regparm", "3"}}), (std::vector<std::string>{"patchable-function-entry"}));
}

TEST(ModelFlag, SpellingsPerValueAndTarget) {
  Flag f;
  f.name = "shadow-call-stack";
  f.targets = {"aarch64", "riscv64"};
  f.spellings[Family::clang] = {Spelling{.pattern = {"-fsanitize=shadow-call-stack", "-ffixed-x18"}}};
  f.target_spellings["riscv64"][Family::clang] = {Spelling{.per_value = {{"on", {"-fsanitize=shadow-call-stack"}}}}};
  EXPECT_TRUE(f.applies_to("riscv64"));
  EXPECT_FALSE(f.applies_to("x86_64"));
  EXPECT_EQ(f.args(Family::clang, "aarch64", "on", ""),
            (std::vector<std::string>{"-fsanitize=shadow-call-stack", "-ffixed-x18"}));
  EXPECT_EQ(f.args(Family::clang, "riscv64", "on", ""), (std::vector<std::string>{"-fsanitize=shadow-call-stack"}));
  EXPECT_EQ(f.args(Family::clang, "riscv64", "off", ""), std::vector<std::string>{});
  EXPECT_EQ(f.args(Family::gcc, "aarch64", "on", ""), std::nullopt); // no spelling
  EXPECT_EQ(f.args(Family::gcc, "aarch64", "off", ""), std::vector<std::string>{});
}

TEST(ModelFlag, AVersionReachesASpellingsRelease) {
  EXPECT_TRUE(version_reached("rustc 1.98.0-nightly (abc 2026-12-03)", "1.98"));
  EXPECT_TRUE(version_reached("rustc 1.98.0-nightly (abc 2026-12-03)", "2026-12-03"));
  EXPECT_FALSE(version_reached("rustc 1.98.0-nightly (abc 2026-12-03)", "2026-12-04"));
  EXPECT_FALSE(version_reached("rustc 1.97.1 (abc 2026-11-01)", "1.98"));
  EXPECT_TRUE(version_reached("rustc 1.100.0 (abc 2027-01-01)", "1.98"));
  // gcc's name holds digits; its release is the one after it.
  EXPECT_TRUE(version_reached("aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0", "12"));
  EXPECT_FALSE(version_reached("aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0", "13"));
  EXPECT_TRUE(version_reached("Debian clang version 16.0.6 (15~deb12u1)", "16.0.6"));
  EXPECT_FALSE(version_reached("Debian clang version 16.0.6 (15~deb12u1)", "2020-01-01")); // no date in it
  EXPECT_TRUE(version_reached("anything", ""));
  EXPECT_EQ(bad_since("1.98"), std::nullopt);
  EXPECT_EQ(bad_since("2026-12-03"), std::nullopt);
  EXPECT_NE(bad_since("nightly"), std::nullopt);
}

TEST(ModelFlag, CandidatesComeNewestReachedFirstThenTheRest) {
  Flag f;
  f.spellings[Family::rustc] = {Spelling{.since = "1.99", .pattern = {"-Cnewest"}},
                                Spelling{.pattern = {"-Zoldest"}}, Spelling{.since = "1.90", .pattern = {"-Cnew"}}};
  auto order = [&](const std::string& version) {
    std::vector<std::string> out;
    for (const Spelling* s : f.candidates(Family::rustc, "x86_64", version))
      out.push_back(s->pattern.front());
    return out;
  };
  EXPECT_EQ(order("rustc 1.95.0"), (std::vector<std::string>{"-Cnew", "-Zoldest", "-Cnewest"}));
  EXPECT_EQ(order("rustc 1.99.0"), (std::vector<std::string>{"-Cnewest", "-Cnew", "-Zoldest"}));
  EXPECT_EQ(order("rustc 1.80.0"), (std::vector<std::string>{"-Zoldest", "-Cnewest", "-Cnew"}));
}

TEST(ModelVerdict, TheOneRuleOfUnexpected) {
  for (Verdict v : kAllVerdicts)
    EXPECT_EQ(parse_verdict(to_string(v)), v);
  EXPECT_EQ(parse_verdict("bogus"), std::nullopt);
  EXPECT_TRUE(is_unexpected(Verdict::fail));
  EXPECT_TRUE(is_unexpected(Verdict::xpass));
  EXPECT_FALSE(is_unexpected(Verdict::xfail));
  EXPECT_FALSE(is_unexpected(Verdict::skip));
  EXPECT_TRUE(is_passing(Verdict::xpass));
  EXPECT_TRUE(is_failing(Verdict::xfail));
  EXPECT_FALSE(is_failing(Verdict::skip));
  // An expected failure at another stage than expected is a fail.
  EXPECT_EQ(decide({false, Stage::run, "x"}, Expected::fail, Stage::check), Verdict::fail);
  EXPECT_EQ(decide({false, Stage::check, "x"}, Expected::fail, Stage::check), Verdict::xfail);
  EXPECT_EQ(decide({}, Expected::fail), Verdict::xpass);
}

TEST(ModelCell, KeysIgnoreVersionsAndNamesReadWell) {
  Fixture fx{"scalars", "", {}, {}, {}, {}, {}};
  CCompiler cc{"clang-19", Family::clang};
  Cell cell = test::i386_cell(fx, cc, {{"regparm", "3"}});
  EXPECT_EQ(cell.name, "i386 scalars clang-19/rustc c:regparm=3 rust:off");
  EXPECT_EQ(cell.key, cell_key("i386", "scalars", "clang-19", {{"regparm", "3"}}, "rustc", {}));
  EXPECT_EQ(cell.key.size(), 16u);
  EXPECT_EQ(intended_setting(cell), (Setting{{"regparm", "3"}}));
}

TEST(ModelTarget, OneTableOfFacts) {
  EXPECT_EQ(find_target("i386")->pointer_bytes, 4u);
  EXPECT_EQ(find_target("aarch64")->scs_register, "x18");
  EXPECT_TRUE(mnemonic_matches(find_target("x86_64")->call_mnemonics, "callq"));
  EXPECT_FALSE(mnemonic_matches(find_target("aarch64")->call_mnemonics, "b"));
  EXPECT_EQ(find_target("mips"), nullptr);
  EXPECT_EQ(c_compiler_binary({"gcc", Family::gcc}, *find_target("riscv64")), "riscv64-linux-gnu-gcc");
  EXPECT_EQ(c_compiler_binary({"clang-16", Family::clang}, *find_target("riscv64")), "clang-16");
}

TEST(ModelTool, DifferencesBothWays) {
  std::vector<Tool> a = {{"rustc", "rustc", "/r", "1.95"}, {"qemu", "q", "/q", "7"}};
  std::vector<Tool> b = {{"rustc", "rustc", "/r", "1.96"}, {"qemu", "q", "/q", "7"}};
  EXPECT_EQ(tool_differences(a, b), (std::vector<std::string>{"- rustc rustc /r: 1.95", "+ rustc rustc /r: 1.96"}));
  EXPECT_TRUE(tool_differences(a, a).empty());
}

} // namespace
} // namespace amx
