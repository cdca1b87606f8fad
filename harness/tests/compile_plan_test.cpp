// compile/plan: a cell's tools and the arguments of each side, or why it is
// skipped, with tools given rather than found.

#include "compile/plan.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::ElementsAre;

struct Planned {
  Matrix m;
  Fixture fixture{"scalars", "", {}, {}, {}, {}, {}};
  CCompiler clang{"clang-19", Family::clang};
  CCompiler gcc{"gcc", Family::gcc};
  Toolchain tc = Toolchain::of({{"c-compiler", "clang-19", "/usr/bin/clang-19", "19"},
                                {"rustc", "rustc", "/usr/bin/rustc", "1.95"},
                                {"qemu", "qemu-i386", "/usr/bin/qemu-i386", "7.2"}},
                               "not installed here");

  Planned() {
    Flag regparm;
    regparm.name = "regparm";
    regparm.values = {"1", "3"};
    regparm.targets = {"i386"};
    regparm.spellings[Family::rustc].pattern = {"-Zregparm={value}"};
    regparm.spellings[Family::clang].pattern = {"-mregparm={value}"};
    m.catalogue["regparm"] = regparm;
    Flag kcfi;
    kcfi.name = "kcfi";
    kcfi.values = {"on"};
    kcfi.spellings[Family::rustc].pattern = {"-Zsanitizer=kcfi"};
    kcfi.spellings[Family::clang].per_value = {{"on", {"-fsanitize=kcfi"}}, {"off", {"-fno-sanitize=kcfi"}}};
    m.catalogue["kcfi"] = kcfi;
    Flag soft;
    soft.name = "soft-float";
    soft.values = {"on"};
    soft.spellings[Family::rustc].pattern = {"--target=riscv64imac-unknown-none-elf"};
    m.catalogue["soft-float"] = soft;
    Flag scs;
    scs.name = "shadow-call-stack";
    scs.values = {"on"};
    scs.spellings[Family::rustc].pattern = {"--target=riscv64gc-unknown-none-elf"};
    m.catalogue["shadow-call-stack"] = scs;
    m.flags = {{"regparm", {"3"}}, {"kcfi", {"on"}}};
  }

  CellPlan plan(const CCompiler& cc, const Setting& c, const Setting& rust, const char* target = "i386") {
    Cell cell;
    cell.target = find_target(target);
    cell.fixture = &fixture;
    cell.c_compiler = &cc;
    cell.rustc = "rustc";
    cell.c = c;
    cell.rust = rust;
    return plan_cell(cell, m, tc, nullptr);
  }
};

TEST(CompilePlan, EachSideSpelledForItsCompiler) {
  Planned p;
  auto plan = p.plan(p.clang, {{"regparm", "3"}}, {});
  ASSERT_FALSE(plan.skip) << *plan.skip;
  EXPECT_EQ(plan.cc->name, "clang-19");
  EXPECT_EQ(plan.qemu->name, "qemu-i386");
  // A flag that is off still passes what its spelling gives for off.
  EXPECT_THAT(plan.c_args, ElementsAre("-fno-sanitize=kcfi", "-mregparm=3"));
  EXPECT_TRUE(plan.rust_args.empty());
  // The C side spelled for rustc, for the Rust-vs-Rust experiment.
  ASSERT_TRUE(plan.rust_mix_args);
  EXPECT_THAT(*plan.rust_mix_args, ElementsAre("-Zregparm=3"));
  EXPECT_EQ(plan.intended, (Setting{{"regparm", "3"}}));
}

TEST(CompilePlan, MatchedSidesNeedNoExperiment) {
  Planned p;
  auto plan = p.plan(p.clang, {{"kcfi", "on"}}, {{"kcfi", "on"}});
  ASSERT_FALSE(plan.skip);
  EXPECT_THAT(plan.rust_args, ElementsAre("-Zsanitizer=kcfi"));
  EXPECT_FALSE(plan.rust_mix_args);
}

TEST(CompilePlan, SkipsSayWhy) {
  Planned p;
  EXPECT_EQ(p.plan(p.gcc, {}, {}).skip, "not installed here");
  p.tc = Toolchain::of({{"c-compiler", "i686-linux-gnu-gcc", "/usr/bin/i686-linux-gnu-gcc", "12"},
                        {"rustc", "rustc", "/usr/bin/rustc", "1.95"},
                        {"qemu", "qemu-i386", "/usr/bin/qemu-i386", "7.2"}});
  EXPECT_EQ(p.plan(p.gcc, {{"regparm", "3"}}, {}).skip, "gcc has no spelling for regparm=3 on i386");
  p.tc = Toolchain::of({{"c-compiler", "clang-19", "/usr/bin/clang-19", "19"},
                        {"rustc", "rustc", "/usr/bin/rustc", "1.95"},
                        {"qemu", "qemu-riscv64", "/usr/bin/qemu-riscv64", "7.2"}});
  p.m.flags = {{"soft-float", {"on"}}, {"shadow-call-stack", {"on"}}};
  EXPECT_EQ(p.plan(p.clang, {}, {{"soft-float", "on"}, {"shadow-call-stack", "on"}}, "riscv64").skip,
            "the Rust side's flags pick 2 targets (riscv64gc-unknown-none-elf, riscv64imac-unknown-none-elf), and "
            "rustc builds for one");
}

} // namespace
} // namespace amx
