// run/minimize: delta debugging over flag names, what "fails the same way"
// compares, and the Rust side of each test.

#include "run/minimize.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <set>

namespace amx {
namespace {

using ::testing::ElementsAre;

// A test oracle that fails when every flag of `needed` is kept, counting
// what it was asked.
struct Oracle {
  std::set<std::string> needed;
  std::vector<std::vector<std::string>> asked;

  bool operator()(const std::vector<std::string>& kept) {
    asked.push_back(kept);
    return std::all_of(needed.begin(), needed.end(),
                       [&](const std::string& f) { return std::count(kept.begin(), kept.end(), f); });
  }
};

std::vector<std::string> minimize(Oracle& o, const std::vector<std::string>& all) {
  return ddmin(all, [&](const std::vector<std::string>& kept) { return o(kept); });
}

TEST(RunMinimize, FindsTheOneFlagOfThreeThatBreaks) {
  Oracle o{{"regparm"}, {}};
  EXPECT_THAT(minimize(o, {"min-function-alignment", "patchable-function-entry", "regparm"}), ElementsAre("regparm"));
  // {alignment} passes, {patchable, regparm} fails, {patchable} passes,
  // {regparm} fails: four tests, none of them the whole set.
  EXPECT_EQ(o.asked.size(), 4u);
  for (const auto& kept : o.asked)
    EXPECT_LT(kept.size(), 3u);
}

TEST(RunMinimize, KeepsTwoFlagsThatBreakOnlyTogether) {
  Oracle o{{"b", "e"}, {}};
  EXPECT_THAT(minimize(o, {"a", "b", "c", "d", "e", "f"}), ElementsAre("b", "e"));
}

TEST(RunMinimize, AsksNoSubsetTwice) {
  Oracle o{{"c", "g"}, {}};
  auto got = minimize(o, {"a", "b", "c", "d", "e", "f", "g", "h"});
  EXPECT_THAT(got, ElementsAre("c", "g"));
  std::set<std::vector<std::string>> distinct(o.asked.begin(), o.asked.end());
  EXPECT_EQ(distinct.size(), o.asked.size());
}

TEST(RunMinimize, ResultIsOneMinimal) {
  // Fails with any two of four flags: the answer must be two flags, and
  // removing either of them must pass.
  std::vector<std::string> all = {"a", "b", "c", "d"};
  auto fails = [](const std::vector<std::string>& kept) { return kept.size() >= 2; };
  auto got = ddmin(all, fails);
  ASSERT_EQ(got.size(), 2u);
  for (std::size_t i = 0; i < got.size(); i++) {
    auto less = got;
    less.erase(less.begin() + static_cast<long>(i));
    EXPECT_FALSE(fails(less));
  }
}

TEST(RunMinimize, OneFlagNeedsNoTest) {
  Oracle o{{"a"}, {}};
  EXPECT_THAT(minimize(o, {"a"}), ElementsAre("a"));
  EXPECT_TRUE(o.asked.empty());
}

TEST(RunMinimize, FailureKindDropsValuesAndPaths) {
  EXPECT_EQ(failure_kind(Stage::run, "wrong value: c_to_rust.u8 expected 165, got 199 (+25 more)"),
            "run: wrong value: c_to_rust.u8");
  EXPECT_EQ(failure_kind(Stage::run, "wrong value: c_to_rust.u8 expected 165, got 7"), "run: wrong value: c_to_rust.u8");
  EXPECT_NE(failure_kind(Stage::run, "wrong value: c_to_rust.u16 expected 1, got 2"), "run: wrong value: c_to_rust.u8");
  EXPECT_EQ(failure_kind(Stage::run, "killed by SIGILL after 3 passing checks (last: x)"), "run: killed by SIGILL");
  EXPECT_EQ(failure_kind(Stage::run, "killed by SIGSEGV before any check passed"), "run: killed by SIGSEGV");
  EXPECT_EQ(failure_kind(Stage::run, "exit code 3: boom"), "run: exit code 3");
  EXPECT_EQ(failure_kind(Stage::run, "timeout after 10 s after 2 passing checks (last: y)"), "run: timeout");
  EXPECT_EQ(failure_kind(Stage::check, "ibt-note lost: the linker dropped IBT from the program: a.o lack it (+1 more)"),
            "check: ibt-note lost");
  EXPECT_EQ(failure_kind(Stage::link, "clang-19 error: ld.lld: error: /tmp/w/obj/1/x.o: incompatible"), "link");
}

TEST(RunMinimize, FailingTheSameWayMeansTheSameFailingChecks) {
  auto value = [](std::string test, std::string name, bool held) {
    CheckResult c;
    c.kind = CheckKind::value;
    c.test = std::move(test);
    c.property = std::move(name);
    c.held = held;
    c.detail = "expected 1 (0x1), got 2 (0x2)";
    return c;
  };
  CheckResult crash;
  crash.kind = CheckKind::crash;
  crash.property = crash.test = "rs_ret_two64";
  crash.held = false;
  crash.detail = "SIGSEGV";
  CheckResult program;
  program.kind = CheckKind::crash;
  program.property = "program";
  program.held = false;
  program.detail = "killed by SIGSEGV after 3 passing checks (last: x)";

  const std::vector<CheckResult> two_defects = {value("take", "c_to_rust.a", false), value("take", "c_to_rust.b", true),
                                                crash};
  EXPECT_EQ(failure_signature(Stage::run, "r", two_defects),
            "run: rs_ret_two64 SIGSEGV, take: c_to_rust.a wrong value");
  // Other values, the same checks: the same way. One defect gone: not.
  auto other_values = two_defects;
  other_values[0].detail = "expected 1 (0x1), got 9 (0x9)";
  EXPECT_EQ(failure_signature(Stage::run, "r", other_values), failure_signature(Stage::run, "r", two_defects));
  EXPECT_NE(failure_signature(Stage::run, "r", {two_defects[0]}), failure_signature(Stage::run, "r", two_defects));
  // The program's own failure without how far it got.
  EXPECT_EQ(failure_signature(Stage::run, "r", {program}), "run: program killed by SIGSEGV");
  // No failing check: the stage and reason, as failure_kind.
  EXPECT_EQ(failure_signature(Stage::link, "clang-19 error: x", two_defects), "link");
  EXPECT_EQ(failure_signature(Stage::check, "ibt-note lost: no note", {}), "check: ibt-note lost");
}

TEST(RunMinimize, RustSideTakesTheCSideOutsideTheKeptFlags) {
  Setting c = {{"regparm", "3"}, {"min-function-alignment", "64"}, {"kcfi", "on"}};
  Setting rust = {{"regparm", "2"}, {"soft-float", "on"}};
  // kept: regparm keeps Rust's 2; kcfi keeps Rust's off; soft-float is Rust's
  // only when kept; alignment takes C's value.
  EXPECT_EQ(to_string(rust_side_keeping(c, rust, {"regparm", "kcfi"})), "min-function-alignment=64,regparm=2");
  EXPECT_EQ(to_string(rust_side_keeping(c, rust, {"soft-float"})),
            "kcfi=on,min-function-alignment=64,regparm=3,soft-float=on");
  EXPECT_EQ(rust_side_keeping(c, rust, {}), c);
  EXPECT_EQ(rust_side_keeping(c, rust, differing_flags(c, rust)), rust);
}

} // namespace
} // namespace amx
