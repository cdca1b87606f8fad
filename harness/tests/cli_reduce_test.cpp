// abimatrix reduce: the riscv64 stack-argument defect, found by the
// generated fixture with the real clang-19, rustc and QEMU, shrunk to a
// bundle whose run.sh fails alone, far from the harness and the repository.

#include "test_support.hpp"
#include "util/hash.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace amx {
namespace {

using ::testing::HasSubstr;
using test::rows;

class CliReduce : public ::testing::Test {
protected:
  // The generated and the hand-written fixture on riscv64, both sides
  // without flags: the keys of their cells.
  std::pair<std::string, std::string> run_riscv64() {
    const std::filesystem::path repo = AMX_SOURCE_DIR;
    test::write_file(m_dir.path() / "m.yaml",
                     "import: " + (repo / "matrices/flags.yaml").string() + "\nfixtures-dir: " +
                         (repo / "fixtures").string() +
                         "\ntargets: [riscv64]\nc-compilers: [clang-19]\nfixtures: [signatures, scalars]\n"
                         "flags:\n  float-feature: [on]\npairings: [matched]\n");
    auto r = abimatrix({"run", (m_dir.path() / "m.yaml").string(), "--db", m_db.string(), "--filter", "* c:off *"});
    EXPECT_EQ(r.exit_code, 1) << r.output; // rustc's unextended i16 on the stack
    return {rows(m_db, "SELECT key FROM flat_results WHERE fixture = 'signatures'")[0][0],
            rows(m_db, "SELECT key FROM flat_results WHERE fixture = 'scalars'")[0][0]};
  }

  ProcessResult abimatrix(const std::vector<std::string>& args) {
    return test::run_abimatrix(args, {}, {"ABIMATRIX_CACHE=" + (m_dir.path() / "cache").string()});
  }

  test::ScopedTempDir m_dir;
  std::filesystem::path m_db = m_dir.path() / "r.db";
};

TEST_F(CliReduce, ShrinksTheRiscv64StackArgumentDefectToABundleThatFailsAlone) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "llvm-objdump-19", "qemu-riscv64", "rustc");
  auto [generated, hand_written] = run_riscv64();
  auto bug = m_dir.path() / "bug";
  auto r = abimatrix({"reduce", generated, "--db", m_db.string(), "--check", "rust_to_c.args_i16.a9", "-o",
                      bug.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("reducing while a9 gets a wrong value\n"));
  // The eight i16 ahead of a9 fill the argument registers and stay; the
  // ones after it go, and so do their values.
  EXPECT_THAT(r.output, HasSubstr("parameters up to a9: fails a9  (the same way)"));
  EXPECT_THAT(r.output, HasSubstr("reduced in "));
  EXPECT_THAT(r.output, HasSubstr(": 9 parameters;"));

  // Under 60 lines of C and Rust together, with nothing of the harness.
  auto c = read_file(bug / "c.c"), rust = read_file(bug / "r.rs");
  EXPECT_LT(std::count(c.begin(), c.end(), '\n') + std::count(rust.begin(), rust.end(), '\n'), 60) << c << rust;
  EXPECT_THAT(c, Not(HasSubstr("amx.h")));
  EXPECT_THAT(rust, Not(HasSubstr("minicore")));
  EXPECT_THAT(rust, HasSubstr("fn caller() { unsafe { callee(0, 0, 0, 0, 0, 0, 0, 0, (0xb89bu16 as i16)); } }"));

  // run.sh alone, from a copy far from the harness and the repository.
  test::ScopedTempDir elsewhere;
  for (auto f : {"c.c", "r.rs", "run.sh"})
    std::filesystem::copy_file(bug / f, elsewhere.path() / f);
  ProcessSpec sh;
  sh.exe = "/bin/sh";
  sh.args = {(elsewhere.path() / "run.sh").string()};
  sh.cwd = "/";
  auto run = run_process(sh);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("fail a9 expected=0xffffffffffffb89b got=0x000000000000b89b\n"));

  // The report: versions, values, whom the psABI blames, and the caller's
  // store of the unextended value right before its call.
  auto report = read_file(bug / "REPORT.md");
  EXPECT_THAT(report, HasSubstr("# riscv64: a9 gets a wrong value between clang-19 (Debian clang version 19."));
  EXPECT_THAT(report, HasSubstr("Rust calls C (`extern \"C\" fn(a1: i16, a2: i16, a3: i16, a4: i16, a5: i16, a6: "
                                "i16, a7: i16, a8: i16, a9: i16)`)"));
  EXPECT_THAT(report, HasSubstr("`a9`: expected `0xffffffffffffb89b`, received `0x000000000000b89b`."));
  EXPECT_THAT(report, HasSubstr("So the caller (Rust, rustc 1."));
  EXPECT_THAT(report, HasSubstr("deviates from the psABI: it passed the value unwidened"));
  EXPECT_THAT(report, HasSubstr("sd a0, 0x0(sp)"));
  EXPECT_THAT(report, HasSubstr("<callee>"));
  EXPECT_THAT(report, HasSubstr("ld t3, 0x0(sp)")); // the callee reads the whole slot
}

TEST_F(CliReduce, SaysWhatItCannotReduce) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-riscv64", "rustc");
  auto [generated, hand_written] = run_riscv64();
  auto r = abimatrix({"reduce", hand_written, "--db", m_db.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("reduce: fixture scalars is written by hand; reduce shrinks the calls of generated "
                                  "fixtures"));
  test::write_file(m_dir.path() / "a-file", "");
  r = abimatrix({"reduce", generated, "--db", m_db.string(), "-o", (m_dir.path() / "a-file").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("reduce: cannot write the bundle into " + (m_dir.path() / "a-file").string() +
                                  ": Not a directory"));
  EXPECT_THAT(r.output, Not(HasSubstr("try ")));
  r = abimatrix({"reduce", generated, "--db", m_db.string(), "--check", "c_to_rust.*"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("no failing check of cell " + generated + " matches 'c_to_rust.*'; the failing "
                                  "ones: rust_to_c.args_i8.a9, "));
}

} // namespace
} // namespace amx
