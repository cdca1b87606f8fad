// abimatrix bisect: a recorded cell built again with each toolchain of a
// series, as few as a binary search needs, to find the first whose outcome
// differs; with the real clang-14, clang-16 and clang-19, and with a fake
// rustup whose nightlies are installed only when bisect first builds them.

#include "test_support.hpp"
#include "util/hash.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using test::rows;

class CliBisect : public ::testing::Test {
protected:
  // The scalars fixture on `target` (i386 too: regparm is the flag scalars
  // varies), run once into m_db; the key of its cell with every flag off.
  std::string run_scalars(const std::string& target) {
    const std::filesystem::path repo = AMX_SOURCE_DIR;
    test::write_file(m_dir.path() / "m.yaml",
                     "import: " + (repo / "matrices/flags.yaml").string() + "\nfixtures-dir: " +
                         (repo / "fixtures").string() + "\ntargets: [" + target +
                         ", i386]\nc-compilers: [clang-19]\nfixtures: [scalars]\nflags:\n  regparm: [3]\n"
                         "pairings: [matched]\n");
    auto r = abimatrix({"run", (m_dir.path() / "m.yaml").string(), "--db", m_db.string(), "--filter", target + " *"});
    EXPECT_LE(r.exit_code, 1) << r.output;
    return rows(m_db, "SELECT key FROM flat_results WHERE target = '" + target + "'")[0][0];
  }

  ProcessResult abimatrix(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    auto all = env;
    all.push_back("ABIMATRIX_CACHE=" + (m_dir.path() / "cache").string());
    return test::run_abimatrix(args, {}, all);
  }

  test::ScopedTempDir m_dir;
  std::filesystem::path m_db = m_dir.path() / "r.db";
};

// rustc leaves an i16 passed on the stack unextended on riscv64; which
// clang's callee relies on the extension (scripts/repro/riscv64-stack-arg-signext.sh)?
TEST_F(CliBisect, FindsTheFirstClangWhoseCalleeExposesTheRiscv64StackArgumentDefect) {
  AMX_REQUIRE_TOOLS("clang-14", "clang-16", "clang-19", "ld.lld-19", "qemu-riscv64", "qemu-i386", "rustc");
  auto key = run_scalars("riscv64");
  // The whole outcome first changes with clang-16, whose lld cannot link
  // riscv64 objects that ask for linker relaxation.
  auto r = abimatrix({"bisect", key, "--db", m_db.string(), "--cc", "clang-14..clang-19"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("its C compiler clang-19 replaced by each of: clang-14, clang-16, clang-19\n"));
  EXPECT_THAT(r.output, HasSubstr("first change: clang-14 (Debian clang version 14.0.6) -> clang-16 (Debian clang "
                                  "version 16."));
  EXPECT_THAT(r.output, HasSubstr("  before: pass\n  after:  link\n"));
  // The check: clang-14's callee does not rely on the extension, clang-19's
  // does, and clang-16 cannot say (its program does not link).
  r = abimatrix({"bisect", key, "--db", m_db.string(), "--cc", "clang-14..clang-19", "--check", "rust_to_c.stack_*"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("first change: clang-14 (Debian clang version 14.0.6) -> clang-19 (Debian clang "
                                  "version 19."));
  EXPECT_THAT(r.output, HasSubstr("  before: rust_to_c.stack_* holds\n  after:  rust_to_c.stack_i16 wrong value\n"
                                  "  untested between them: clang-16 (Debian clang version 16."));
  EXPECT_THAT(r.output, HasSubstr("relocation R_RISCV_ALIGN requires unimplemented linker relaxation"));
}

// A month of nightlies is not installed to bisect it: rustup installs the
// ones the search builds, and no others.
TEST_F(CliBisect, InstallsOnlyTheNightliesItBuilds) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-x86_64", "qemu-i386", "rustc");
  auto key = run_scalars("x86_64");
  // Nightlies from 2026-10-06 on miscompile: their rustc refuses to build.
  auto bin = m_dir.path() / "bin";
  std::filesystem::create_directories(bin);
  test::write_file(bin / "rustup",
                   "#!/bin/bash\n"
                   "root=" + (m_dir.path() / "toolchains").string() + "\n"
                   "if [ \"$1\" = toolchain ] && [ \"$2\" = install ]; then\n"
                   "  name=${@: -1}; mkdir -p \"$root/$name\"; echo \"$name\" >> \"$root/installed\"\n"
                   "  day=${name#nightly-}\n"
                   "  if [[ $day > 2026-10-05 ]]; then\n"
                   "    printf '#!/bin/bash\\n[ \"$1\" = -vV ] && exec %s \"$@\"\\necho \"error: internal compiler error\" >&2; exit 101\\n' "
                   + find_program("rustc").string() + " > \"$root/$name/rustc\"\n"
                   "  else\n"
                   "    printf '#!/bin/bash\\nexec %s \"$@\"\\n' " + find_program("rustc").string() +
                   " > \"$root/$name/rustc\"\n"
                   "  fi\n"
                   "  chmod +x \"$root/$name/rustc\"; exit 0\n"
                   "fi\n"
                   "if [ \"$1\" = which ] && [ -x \"$root/$3/rustc\" ]; then echo \"$root/$3/rustc\"; exit 0; fi\n"
                   "echo \"error: toolchain '$3' is not installed\" >&2; exit 1\n");
  std::filesystem::permissions(bin / "rustup", std::filesystem::perms::owner_all);
  auto r = abimatrix({"bisect", key, "--db", m_db.string(), "--rustc", "nightly-2026-10-01..nightly-2026-10-08"},
                     {"PATH=" + bin.string() + ":" + ::getenv("PATH")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("first change: +nightly-2026-10-05"));
  EXPECT_THAT(r.output, HasSubstr("-> +nightly-2026-10-06"));
  EXPECT_THAT(r.output, HasSubstr("  after:  compile-rust"));
  // The ends, then the midpoints: 5 of the 8.
  EXPECT_EQ(read_file(m_dir.path() / "toolchains" / "installed"),
            "nightly-2026-10-01\nnightly-2026-10-08\nnightly-2026-10-04\nnightly-2026-10-06\nnightly-2026-10-05\n");

  // A series it cannot read is said before anything is built.
  auto bad = abimatrix({"bisect", key, "--db", m_db.string(), "--cc", "clang-19..gcc-12"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr("'clang-19..gcc-12': expected NAME-N..NAME-M"));
}

} // namespace
} // namespace amx
