// scripts/repro: the reproducers that evidence.yaml's known failures cite
// still show, outside the harness, what the matrix records. When a new
// toolchain fixes one, this fails, and the expectation and its reason in
// the matrix must change with it.

#include "test_support.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

ProcessResult run_repro(const std::string& script, const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv = {(test::kSourceDir / "scripts/repro" / script).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_bash(argv);
}

TEST(ScriptsRepro, QemuEnforcesBtiWhenTheProgramClaimsIt) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "llvm-readelf-19", "qemu-aarch64", "rustc");
  auto r = run_repro("qemu-aarch64-bti-enforced.sh");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("program note: no BTI  exit 0"));
  EXPECT_THAT(r.output, HasSubstr("exit 132 (SIGILL)"));
}

// evidence.yaml's branch-protection row: one rustc mixes crates that differ
// in it, the next release refuses.
TEST(ScriptsRepro, Rustc196GuardsBranchProtectionAndRustc195DoesNot) {
  AMX_REQUIRE_TOOLS("rustc");
  if (find_program("/usr/bin/rustc").empty())
    GTEST_SKIP() << "Debian's rustc-web is not installed (scripts/setup installs it)";
  auto r = run_repro("rustc-branch-protection-target-modifier.sh");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("rustc 1.95.0 (59807616e 2026-04-14): accepts\n"));
  EXPECT_THAT(r.output, HasSubstr("rustc 1.96.0 (ac68faa20 2026-05-25) (built from a source tarball): refuses: error: "
                                  "mixing `-Zbranch-protection` will cause an ABI mismatch in crate `b`"));
}

TEST(ScriptsRepro, KnownToolchainDefectsStillReproduce) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "llvm-readelf-19", "llvm-objdump-19", "qemu-i386", "qemu-riscv64", "qemu-x86_64",
                    "i686-linux-gnu-gcc", "riscv64-linux-gnu-gcc", "rustc");
  // script -> the line that shows the defect; each exits 1 while it holds.
  const std::vector<std::pair<std::string, std::string>> defects = {
      {"aarch64-neon-off-hfa.sh", "FAIL: Rust received a different struct"},
      {"i386-clang-soft-float-x87-return.sh", "FAIL: C got a different double back"},
      {"i386-reg-struct-return-array-field.sh", "FAIL: C got a different struct back"},
      {"i386-soft-float-byval-copy.sh", "FAIL: Rust stored a different first struct"},
      {"i386-regparm-struct-u64.sh", "FAIL: struct small arrived wrong"},
      {"kcfi-integer-encoding.sh", "DIFFER"},
      {"kcfi-merged-functions.sh", "REPRODUCED: id_u32 shares id_i32's body and KCFI hash"},
      {"kcfi-patchable-prefix-offset.sh", "DEPENDS: the hash offset moves with the prefix"},
      {"riscv64-stack-arg-signext.sh", "FAIL: callee saw the i16 as 63314, not -2222\nFAIL: callee saw the i8 as 234, not -22"},
      {"x86_64-clang-pre18-i128-stack-alignment.sh", "FAIL: the callee read the third i128 from the wrong stack slot"},
      {"riscv64-target-feature-float-abi.sh", "Rust object: 0x5, RVC, double-float ABI"},
      {"x86_64-softfloat-float-pair.sh", "FAIL: Rust received a different pair"},
      {"x86_64-kernel-rust-no-cs-prefix.sh", "FAIL: Rust calls __x86_indirect_thunk_r11 without a cs prefix"},
      {"x86_64-kernel-rust-size-alignment.sh", "FAIL: Rust functions are aligned to 1 bytes, not the kernel's 16"},
  };
  for (const auto& [script, line] : defects) {
    auto r = run_repro(script);
    EXPECT_EQ(r.exit_code, 1) << script << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr(line)) << script;
  }
}

// clang before 17 names float under -mgeneral-regs-only and passes float
// aggregates apart; clang-19 and rustc's soft-float target agree.
TEST(ScriptsRepro, Arm64SoftFloatTargetAgreesWithClang19NotClang16) {
  AMX_REQUIRE_TOOLS("clang-16", "clang-19", "ld.lld-19", "qemu-aarch64", "rustc");
  auto old_clang = run_repro("aarch64-neon-off-hfa.sh", {"rustc", "clang-16", "--target=aarch64-unknown-none-softfloat"});
  EXPECT_EQ(old_clang.exit_code, 1) << old_clang.output;
  auto clang19 = run_repro("aarch64-neon-off-hfa.sh", {"rustc", "clang-19", "--target=aarch64-unknown-none-softfloat"});
  EXPECT_EQ(clang19.exit_code, 0) << clang19.output;
  EXPECT_THAT(clang19.output, HasSubstr("ok: Rust received {1.5, 2.5}"));
}

// The kernel's gaps close with the flag rustc already has.
TEST(ScriptsRepro, KernelGapsCloseWithRustcsOwnFlags) {
  AMX_REQUIRE_TOOLS("llvm-objdump-19", "llvm-readelf-19", "rustc");
  auto cs = run_repro("x86_64-kernel-rust-no-cs-prefix.sh", {"rustc", "-Zindirect-branch-cs-prefix"});
  EXPECT_EQ(cs.exit_code, 0) << cs.output;
  auto align = run_repro("x86_64-kernel-rust-size-alignment.sh", {"rustc", "-Zmin-function-alignment=16"});
  EXPECT_EQ(align.exit_code, 0) << align.output;
}

TEST(ScriptsRepro, RegparmStructReturnsCrashBothWays) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "i686-linux-gnu-gcc", "qemu-i386", "rustc");
  for (const char* cc : {"clang-19", "i686-linux-gnu-gcc"})
    for (const char* direction : {"c-calls-rust", "rust-calls-c"}) {
      auto broken = run_repro("i386-regparm-sret.sh", {"rustc", cc, "1", direction});
      EXPECT_EQ(broken.exit_code, 139) << cc << " " << direction << "\n" << broken.output;
      EXPECT_THAT(broken.output, HasSubstr("killed by signal 11"));
      auto plain = run_repro("i386-regparm-sret.sh", {"rustc", cc, "0", direction});
      EXPECT_EQ(plain.exit_code, 0) << cc << " " << direction << "\n" << plain.output;
    }
  // What clang says and rustc does not: the sret pointer goes in a register.
  auto ir = run_repro("i386-regparm-sret.sh", {"rustc", "clang-19", "3"});
  EXPECT_THAT(ir.output, HasSubstr("inreg nonnull writable sret"));
  EXPECT_THAT(ir.output, ::testing::Not(HasSubstr("inreg noalias")));
}

} // namespace
} // namespace amx
