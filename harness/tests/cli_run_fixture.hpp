#pragma once
// The fixture of the `abimatrix run` tests (cli_run_test.cpp, and
// cli_resume_test.cpp for runs cut short, resumed and sharded): a matrix of
// 36 quick cells on real toolchains, and how to read a run's results back.

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace amx {

// Debian's rustc-web and the library source of the same release: what the
// tests that build a real core need.
inline const std::filesystem::path kRustWebLibrary = "/usr/src/rustc-1.96.0/library";
#define AMX_REQUIRE_RUST_WEB_CORE()                                                                                    \
  if (!std::filesystem::exists(kRustWebLibrary / "core/src/lib.rs") || find_program("/usr/bin/rustc").empty())        \
  GTEST_SKIP() << "rustc-web and rust-web-src are not installed (scripts/setup installs them)"

// 36 cells on x86_64 and i386 (regparm on one side only): quick cells, and
// enough of them to stop a run in the middle.
class CliRun : public ::testing::Test {
protected:
  void SetUp() override {
    AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "x86_64-linux-gnu-gcc", "i686-linux-gnu-gcc", "qemu-x86_64",
                      "qemu-i386", "rustc");
    auto repo = std::filesystem::path(AMX_SOURCE_DIR);
    m_matrix = m_dir.path() / "m.yaml";
    m_body = "import: " + (repo / "matrices/flags.yaml").string() + "\nfixtures-dir: " + (repo / "fixtures").string() +
             "\ntargets: [x86_64, i386]\nc-compilers: [clang-19, gcc]\nfixtures: [scalars, structs, callbacks]\n"
             "flags:\n  regparm: [1, 2, 3]\npairings: [c-only, rust-only]\n";
    test::write_file(m_matrix, m_body);
  }

  ProcessResult abimatrix(const std::vector<std::string>& args) { return test::run_abimatrix(args); }
  // abimatrix with a step cache of the test's own.
  ProcessResult abimatrix_cached(const std::vector<std::string>& args) {
    return test::run_abimatrix(args, {}, {"ABIMATRIX_CACHE=" + (m_dir.path() / "cache").string()});
  }

  // Every cell key the matrix plans.
  std::set<std::string> planned() {
    auto doc = nlohmann::json::parse(abimatrix({"plan", m_matrix.string(), "--format", "json"}).output);
    std::set<std::string> keys;
    for (const auto& c : doc["cells"])
      keys.insert(c["key"].get<std::string>());
    return keys;
  }

  // A run's results as key -> verdict, expected, stage, reason: what has to
  // be the same for two runs to be the same evidence.
  static std::map<std::string, std::vector<std::string>> results(const std::filesystem::path& db, const std::string& run) {
    std::map<std::string, std::vector<std::string>> out;
    // The failing checks rather than the reason, whose wrong values are
    // whatever the callee found in the registers and stack it misread.
    for (auto& r : test::rows(db, "SELECT f.key, f.verdict, f.expected, coalesce(f.stage, ''), "
                            "(SELECT group_concat(ch.test || ':' || ch.property || ':' || ch.kind, ' ') FROM checks ch "
                            " WHERE ch.run_id = f.run_id AND ch.cell_key = f.key AND NOT ch.held) "
                            "FROM flat_results f WHERE f.run_id = " + run))
      out[r[0]] = std::vector<std::string>(r.begin() + 1, r.end());
    return out;
  }

  test::ScopedTempDir m_dir;
  std::filesystem::path m_matrix;
  std::string m_body;
};

} // namespace amx
