#pragma once
// Helpers shared by the test files: scratch folders, file writing, and the
// check that the real toolchains are installed (tests that need them skip,
// with the reason, when they are not).

#include "util/process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace amx::test {

inline const std::filesystem::path kSourceDir = AMX_SOURCE_DIR;
inline const std::filesystem::path kBinary = AMX_BINARY;

// A scratch folder per test, removed when the test passes and kept (and
// named in the output) when it fails, as mold's tests do.
class ScopedTempDir {
public:
  ScopedTempDir() {
    auto info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "abimatrix";
    std::string tmpl = (std::filesystem::temp_directory_path() / ("amx-" + name + "-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    m_path = ::mkdtemp(buf.data());
  }
  ~ScopedTempDir() {
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "kept scratch folder %s\n", m_path.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// The reason a test that runs real toolchains cannot run here, or "".
inline std::string missing_tools(const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (find_program(n).empty())
      return n + " is not installed (scripts/setup installs it)";
  return "";
}

#define AMX_REQUIRE_TOOLS(...)                                                                                        \
  do {                                                                                                                \
    if (auto why = ::amx::test::missing_tools({__VA_ARGS__}); !why.empty())                                           \
      GTEST_SKIP() << why;                                                                                            \
  } while (0)

// A fixtures folder with the repo's runtime, minicore and fixtures, plus the
// test-only ones (hang, flood) from harness/tests/fixtures.
inline std::filesystem::path make_fixtures_dir(const std::filesystem::path& under) {
  auto dir = under / "fixtures";
  std::filesystem::create_directories(dir);
  for (const auto& e : std::filesystem::directory_iterator(kSourceDir / "fixtures"))
    std::filesystem::create_directory_symlink(e.path(), dir / e.path().filename());
  for (const auto& e : std::filesystem::directory_iterator(kSourceDir / "harness/tests/fixtures"))
    std::filesystem::create_directory_symlink(e.path(), dir / e.path().filename());
  return dir;
}

// Runs the abimatrix binary itself.
inline ProcessResult run_abimatrix(const std::vector<std::string>& args, const std::filesystem::path& cwd = {}) {
  ProcessSpec spec;
  spec.exe = kBinary;
  spec.args = args;
  spec.cwd = cwd.empty() ? kSourceDir : cwd;
  spec.timeout = std::chrono::minutes(5);
  spec.output_cap = 16 << 20;
  return run_process(spec);
}

} // namespace amx::test
