// toolchain/toolchain: finding the tools of a matrix on this machine, with
// their versions; a missing compiler is a reason, a missing QEMU an error.

#include "toolchain/toolchain.hpp"

#include "matrix/load.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Matrix matrix(const test::ScopedTempDir& dir, const std::string& body) {
  test::make_fixtures_dir(dir.path());
  test::write_file(dir.path() / "m.yaml", "fixtures-dir: fixtures\nfixtures: [scalars]\n" + body);
  return load_matrix(dir.path() / "m.yaml");
}

TEST(Toolchain, FindsEachToolOnceWithItsVersion) {
  AMX_REQUIRE_TOOLS("clang-19", "i686-linux-gnu-gcc", "qemu-i386", "rustc");
  test::ScopedTempDir dir;
  auto m = matrix(dir, "targets: [i386]\nc-compilers: [clang-19, gcc, gcc-99]\n"
                       "rustc: {rustup: rustc, gone: /nonexistent/rustc, nightly: +no-such-toolchain-abimatrix}\n");
  auto tc = Toolchain::probe(m);
  const Target& i386 = *find_target("i386");
  const Tool* clang = tc.c_compiler(m.c_compilers[0], i386);
  ASSERT_TRUE(clang);
  EXPECT_TRUE(clang->path.is_absolute());
  EXPECT_THAT(clang->version, HasSubstr("clang version 19"));
  const Tool* gcc = tc.c_compiler(m.c_compilers[1], i386);
  ASSERT_TRUE(gcc);
  EXPECT_EQ(gcc->name, "i686-linux-gnu-gcc");
  EXPECT_EQ(tc.c_compiler(m.c_compilers[2], i386), nullptr);
  EXPECT_EQ(tc.c_compiler_missing(m.c_compilers[2], i386), "i686-linux-gnu-gcc-99 not found on PATH");
  ASSERT_TRUE(tc.rustc("rustup"));
  EXPECT_THAT(tc.rustc("rustup")->version, StartsWith("rustc 1."));
  EXPECT_THAT(tc.rustc("rustup")->version, HasSubstr(", LLVM "));
  EXPECT_EQ(tc.rustc("gone"), nullptr);
  EXPECT_EQ(tc.rustc_missing("gone"), "rustc /nonexistent/rustc is not installed");
  EXPECT_EQ(tc.rustc("nightly"), nullptr);
  EXPECT_THAT(tc.rustc_missing("nightly"), StartsWith("rustc +no-such-toolchain-abimatrix: "));
  EXPECT_THAT(tc.runner(i386).version, HasSubstr("qemu-i386 version"));
  EXPECT_EQ(tc.objdump(), nullptr); // no fixture checks properties
}

// rustup's proxy is not the compiler: the toolchain rustup chooses is, at
// the path rustup names; a proxy rustup cannot resolve stays itself.
TEST(Toolchain, ARustupProxyIsTheRustcOfTheToolchainItChooses) {
  AMX_REQUIRE_TOOLS("rustc", "qemu-i386");
  test::ScopedTempDir dir;
  const auto bin = dir.path() / "bin", toolchain = dir.path() / "toolchain" / "bin";
  std::filesystem::create_directories(bin);
  std::filesystem::create_directories(toolchain);
  auto script = [](const std::filesystem::path& p, const std::string& body) {
    test::write_file(p, "#!/bin/bash\n" + body);
    std::filesystem::permissions(p, std::filesystem::perms::owner_all);
  };
  script(toolchain / "rustc", "exec " + find_program("rustc").string() + " \"$@\"\n");
  script(bin / "rustup", "[ \"$*\" = 'which rustc' ] && [ ! -e " + (dir.path() / "broken").string() +
                             " ] && echo " + (toolchain / "rustc").string() + " && exit 0\n"
                             "[ \"$1\" = -vV ] && exec " + (toolchain / "rustc").string() + " -vV\nexit 1\n");
  std::filesystem::create_symlink("rustup", bin / "rustc");
  auto m = matrix(dir, "targets: [i386]\nc-compilers: [gcc]\nrustc: {proxied: " + (bin / "rustc").string() + "}\n");
  ASSERT_TRUE(Toolchain::probe(m).rustc("proxied"));
  EXPECT_EQ(Toolchain::probe(m).rustc("proxied")->path, toolchain / "rustc");
  test::write_file(dir.path() / "broken", "");
  ASSERT_TRUE(Toolchain::probe(m).rustc("proxied"));
  EXPECT_EQ(Toolchain::probe(m).rustc("proxied")->path, bin / "rustc");
}

// QEMU comes from the first folder on PATH that has it; there, the build
// without shared libraries (qemu-user-static) is preferred.
TEST(Toolchain, QemuIsTheFirstOnPathAndItsStaticBuildWhereBothAre) {
  AMX_REQUIRE_TOOLS("rustc", "qemu-i386");
  test::ScopedTempDir dir;
  auto m = matrix(dir, "targets: [i386]\nc-compilers: [gcc]\n");
  auto version = [&](const std::filesystem::path& p) {
    test::write_file(p, "#!/bin/sh\necho qemu-i386 version 7.2\n");
    std::filesystem::permissions(p, std::filesystem::perms::owner_all);
  };
  std::filesystem::create_directories(dir.path() / "first");
  std::filesystem::create_directories(dir.path() / "second");
  version(dir.path() / "second" / "qemu-i386-static");
  version(dir.path() / "first" / "qemu-i386");
  const std::string path = std::getenv("PATH");
  auto runner_with = [&](const std::string& dirs) {
    ::setenv("PATH", (dirs + ":" + path).c_str(), 1);
    auto p = Toolchain::probe(m).runner(m.targets[0]).path;
    ::setenv("PATH", path.c_str(), 1);
    return p;
  };
  EXPECT_EQ(runner_with((dir.path() / "first").string() + ":" + (dir.path() / "second").string()),
            dir.path() / "first" / "qemu-i386");
  version(dir.path() / "first" / "qemu-i386-static");
  EXPECT_EQ(runner_with((dir.path() / "first").string()), dir.path() / "first" / "qemu-i386-static");
}

TEST(Toolchain, AnX86_64HostRunsX86_64ProgramsItselfAndI386OnesUnderQemu) {
  AMX_REQUIRE_TOOLS("rustc", "qemu-i386");
  if (!test::host_is_x86_64())
    GTEST_SKIP() << "not an x86_64 host";
  test::ScopedTempDir dir;
  auto m = matrix(dir, "targets: [x86_64, i386]\nc-compilers: [clang-19]\n");
  m.targets[0].qemu = "qemu-no-such-arch"; // not looked for
  auto tc = Toolchain::probe(m);
  const Tool& x86_64 = tc.runner(m.targets[0]);
  EXPECT_EQ(x86_64.role, "native");
  EXPECT_TRUE(x86_64.path.empty());
  EXPECT_THAT(x86_64.version, ::testing::MatchesRegex("Linux .* x86_64"));
  EXPECT_EQ(tc.runner(m.targets[1]).name, "qemu-i386");
  // Tools given by a caller run under QEMU unless the host is among them.
  auto given = Toolchain::of({{"qemu", "qemu-x86_64", "/usr/bin/qemu-x86_64", "7.2"}});
  EXPECT_EQ(given.runner(*find_target("x86_64")).name, "qemu-x86_64");
}

TEST(Toolchain, AMissingQemuStopsTheRun) {
  AMX_REQUIRE_TOOLS("rustc");
  test::ScopedTempDir dir;
  auto m = matrix(dir, "targets: [i386]\nc-compilers: [clang-19]\n");
  m.targets[0].qemu = "qemu-no-such-arch";
  try {
    Toolchain::probe(m);
    FAIL() << "found a QEMU that does not exist";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("qemu-no-such-arch not found on PATH: target i386 runs under it"));
  }
}

} // namespace
} // namespace amx
