// `cmake --install` and `cpack -G DEB`: the installed abimatrix, run from
// elsewhere, finds its shipped matrices and fixtures by name and runs the
// smoke matrix from the install tree; the .deb holds the same tree.

#include "test_support.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

// A tool of the build (cmake, cpack, dpkg-deb) with a generous timeout.
ProcessResult run_tool(const std::filesystem::path& exe, const std::vector<std::string>& args,
                       const std::filesystem::path& cwd = {}) {
  ProcessSpec spec;
  spec.exe = exe;
  spec.args = args;
  spec.cwd = cwd;
  spec.timeout = std::chrono::minutes(5);
  spec.output_cap = 16 << 20;
  return run_process(spec);
}

TEST(CliInstall, TheInstalledBinaryRunsSmokeFromTheInstallTree) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-x86_64", "qemu-i386", "rustc");
  test::ScopedTempDir dir;
  const auto prefix = dir.path() / "prefix";
  auto installed = run_tool(AMX_CMAKE, {"--install", AMX_BUILD_DIR, "--prefix", prefix.string()});
  ASSERT_EQ(installed.exit_code, 0) << installed.output;
  for (const char* f : {"bin/abimatrix", "share/abimatrix/matrices/smoke.yaml", "share/abimatrix/matrices/flags.yaml",
                        "share/abimatrix/matrices/profiles.yaml", "share/abimatrix/matrices/kernel/Makefile", "share/abimatrix/fixtures/runtime",
                        "share/abimatrix/fixtures/minicore", "share/abimatrix/fixtures/scalars", "share/man/man1/abimatrix.1",
                        "share/bash-completion/completions/abimatrix"})
    EXPECT_TRUE(std::filesystem::exists(prefix / f)) << f;

  // From a folder that is not the checkout, by name.
  const auto bin = prefix / "bin/abimatrix";
  auto version = run_tool(bin, {"--version"}, dir.path());
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.output, ::testing::StartsWith("abimatrix "));
  auto missing = run_tool(bin, {"plan", "smok"}, dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("smok: no such file here, nor a shipped matrix of that name in " +
                                        (prefix / "share/abimatrix/matrices").string()));
  auto run = run_tool(bin, {"run", "smoke", "-j", "2", "--db", "r.db"}, dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("all 50 cells as expected"));
  EXPECT_EQ(test::rows(dir.path() / "r.db", "SELECT matrix_path FROM runs"),
            (std::vector<std::vector<std::string>>{{(prefix / "share/abimatrix/matrices/smoke.yaml").string()}}));
  EXPECT_EQ(test::rows(dir.path() / "r.db", "SELECT DISTINCT fixtures_dir FROM results"),
            (std::vector<std::vector<std::string>>{{(prefix / "share/abimatrix/fixtures").string()}}));
}

TEST(CliInstall, CpackBuildsADebOfTheSameTree) {
  AMX_REQUIRE_TOOLS("dpkg-deb", "dpkg-shlibdeps");
  test::ScopedTempDir dir;
  auto packed = run_tool(AMX_CPACK, {"-G", "DEB", "--config", std::string(AMX_BUILD_DIR) + "/CPackConfig.cmake",
                                     "-B", dir.path().string()});
  ASSERT_EQ(packed.exit_code, 0) << packed.output;
  std::filesystem::path deb;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().extension() == ".deb")
      deb = e.path();
  ASSERT_FALSE(deb.empty()) << packed.output;
  const auto dpkg_deb = find_program("dpkg-deb");
  auto contents = run_tool(dpkg_deb, {"--contents", deb.string()});
  EXPECT_THAT(contents.output, HasSubstr("./usr/bin/abimatrix"));
  EXPECT_THAT(contents.output, HasSubstr("./usr/share/abimatrix/matrices/smoke.yaml"));
  EXPECT_THAT(contents.output, HasSubstr("./usr/share/abimatrix/fixtures/minicore/"));
  auto depends = run_tool(dpkg_deb, {"--field", deb.string(), "Depends"});
  EXPECT_THAT(depends.output, HasSubstr("qemu-user"));
  EXPECT_THAT(depends.output, HasSubstr("libyaml-cpp")); // found by dpkg-shlibdeps
}

} // namespace
} // namespace amx
