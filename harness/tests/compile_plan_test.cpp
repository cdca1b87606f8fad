// compile/plan: a cell's tools and the arguments of each side, or why it is
// skipped, with tools given rather than found.

#include "compile/commands.hpp"
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
    regparm.spellings[Family::rustc] = {Spelling{.pattern = {"-Zregparm={value}"}}};
    regparm.spellings[Family::clang] = {Spelling{.pattern = {"-mregparm={value}"}}};
    m.catalogue["regparm"] = regparm;
    Flag kcfi;
    kcfi.name = "kcfi";
    kcfi.values = {"on"};
    kcfi.spellings[Family::rustc] = {Spelling{.pattern = {"-Zsanitizer=kcfi"}}};
    kcfi.spellings[Family::clang] = {Spelling{.per_value = {{"on", {"-fsanitize=kcfi"}}, {"off", {"-fno-sanitize=kcfi"}}}}};
    m.catalogue["kcfi"] = kcfi;
    Flag soft;
    soft.name = "soft-float";
    soft.values = {"on"};
    soft.rust_target_needs[""] = {{"float-abi", "soft"}};
    m.catalogue["soft-float"] = soft;
    Flag scs;
    scs.name = "shadow-call-stack";
    scs.values = {"on"};
    scs.spellings[Family::rustc] = {Spelling{.pattern = {"-Zsanitizer=shadow-call-stack"}}};
    scs.rust_target_needs[""] = {{"os", "none"}};
    m.catalogue["shadow-call-stack"] = scs;
    Flag user;
    user.name = "user-space";
    user.values = {"on"};
    user.rust_target_needs[""] = {{"os", "linux"}};
    m.catalogue["user-space"] = user;
    Flag retpoline;
    retpoline.name = "retpoline";
    retpoline.values = {"on"};
    retpoline.spellings[Family::rustc] = {Spelling{.pattern = {"-Zretpoline-external-thunk"}}};
    m.catalogue["retpoline"] = retpoline;
    m.rust_targets = {
        {"riscv64gc-unknown-none-elf", "riscv64", "", {}, {{"float-abi", "hard"}, {"os", "none"}}, {}, {}, {}},
        {"riscv64imac-unknown-none-elf", "riscv64", "", {}, {{"float-abi", "soft"}, {"os", "none"}}, {}, {}, {}},
        {"x86_64-linux-kernel", "x86_64", "", {}, {{"float-abi", "soft"}, {"os", "none"}},
         {{"arch", "\"x86_64\""}, {"features", "\"-mmx,+soft-float\""}, {"target-pointer-width", "64"}},
         {{"retpoline", "+retpoline-external-thunk"}}, {}}};
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
    return plan_cell(cell, m, tc, "/w/targets");
  }
};

// A program runs under its target's QEMU with the target's options, or by
// itself when the runner is the host.
TEST(CompilePlan, AProgramRunsUnderItsQemuOrByItself) {
  Tool qemu{"qemu", "qemu-aarch64", "/usr/bin/qemu-aarch64", "7.2"};
  EXPECT_THAT(program_command(qemu, *find_target("aarch64"), "/w/program"),
              ElementsAre("/usr/bin/qemu-aarch64", "-cpu", "max", "/w/program"));
  Tool host{"native", "host", {}, "Linux 6.1 x86_64"};
  EXPECT_THAT(program_command(host, *find_target("x86_64"), "/w/program"), ElementsAre("/w/program"));
}

TEST(CompilePlan, EachSideSpelledForItsCompiler) {
  Planned p;
  auto plan = p.plan(p.clang, {{"regparm", "3"}}, {});
  ASSERT_FALSE(plan.skip) << *plan.skip;
  EXPECT_EQ(plan.cc->name, "clang-19");
  EXPECT_EQ(plan.runner->name, "qemu-i386");
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
  EXPECT_EQ(p.plan(p.clang, {}, {{"shadow-call-stack", "on"}, {"user-space", "on"}}, "riscv64").skip,
            "shadow-call-stack needs a Rust target with os=none and user-space one with os=linux");
  EXPECT_EQ(p.plan(p.clang, {}, {{"soft-float", "on"}, {"user-space", "on"}}, "riscv64").skip,
            "no Rust target for riscv64 has float-abi=soft (soft-float) and os=linux (user-space)");
}

// Flags that change the Rust target compose: each names what it needs, and
// the side builds for the first target that has it all.
TEST(CompilePlan, RustTargetComposedFromTheFlags) {
  Planned p;
  p.tc = Toolchain::of({{"c-compiler", "clang-19", "/usr/bin/clang-19", "19"},
                        {"rustc", "rustc", "/usr/bin/rustc", "1.95"},
                        {"qemu", "qemu-riscv64", "/usr/bin/qemu-riscv64", "7.2"}});
  p.m.flags = {{"soft-float", {"on"}}, {"shadow-call-stack", {"on"}}};
  auto both = p.plan(p.clang, {}, {{"soft-float", "on"}, {"shadow-call-stack", "on"}}, "riscv64");
  ASSERT_FALSE(both.skip) << *both.skip;
  EXPECT_THAT(both.rust_args,
              ElementsAre("--target=riscv64imac-unknown-none-elf", "-Zsanitizer=shadow-call-stack"));
  auto scs = p.plan(p.clang, {}, {{"shadow-call-stack", "on"}}, "riscv64");
  EXPECT_THAT(scs.rust_args, ElementsAre("--target=riscv64gc-unknown-none-elf", "-Zsanitizer=shadow-call-stack"));
  // Sides of two targets: no Rust-vs-Rust experiment, crates of two targets
  // do not mix.
  EXPECT_FALSE(scs.rust_mix_args);
  EXPECT_FALSE(scs.rust_spec);
}

// A specification is generated from the setting, as the kernel generates
// target.json from its configuration, and carries the flags it names.
TEST(CompilePlan, TargetSpecificationGeneratedFromTheSetting) {
  Planned p;
  p.tc = Toolchain::of({{"c-compiler", "clang-19", "/usr/bin/clang-19", "19"},
                        {"rustc", "rustc", "/usr/bin/rustc", "1.95"},
                        {"qemu", "qemu-x86_64", "/usr/bin/qemu-x86_64", "7.2"}});
  p.m.flags = {{"soft-float", {"on"}}, {"retpoline", {"on"}}};
  auto kernel = p.plan(p.clang, {}, {{"soft-float", "on"}, {"retpoline", "on"}}, "x86_64");
  ASSERT_FALSE(kernel.skip) << *kernel.skip;
  ASSERT_TRUE(kernel.rust_spec);
  EXPECT_EQ(kernel.rust_spec->text, "{\n    \"arch\": \"x86_64\",\n"
                                    "    \"features\": \"-mmx,+soft-float,+retpoline-external-thunk\",\n"
                                    "    \"target-pointer-width\": 64\n}\n");
  EXPECT_EQ(kernel.rust_spec->path.filename(), "x86_64-linux-kernel.json");
  EXPECT_EQ(kernel.rust_spec->path.parent_path().parent_path(), "/w/targets");
  // The specification carries retpoline: its -Z spelling is not passed.
  EXPECT_THAT(kernel.rust_args, ElementsAre("-Zunstable-options", "--target=" + kernel.rust_spec->path.string()));
  auto plain = p.plan(p.clang, {}, {{"soft-float", "on"}}, "x86_64");
  ASSERT_TRUE(plain.rust_spec);
  EXPECT_NE(plain.rust_spec->path, kernel.rust_spec->path); // another content, another folder
  EXPECT_EQ(plain.rust_spec->text.find("retpoline"), std::string::npos);
}

} // namespace
} // namespace amx
