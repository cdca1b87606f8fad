#pragma once
// The fixture of the matrix loader's tests (matrix_load_test.cpp) and of
// the checks on a loaded matrix as a whole (matrix_whole_test.cpp): a small
// catalogue, a valid matrix to break one line of, and the loader's error
// with the scratch folder shown as DIR.

#include "matrix/load.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

namespace amx::test {

inline const char* kCatalogue = R"(flags:
  regparm:
    class: abi
    targets: [i386]
    values: [1, 2, 3]
    rustc: -Zregparm={value}
    clang: -mregparm={value}
    gcc: -mregparm={value}
  fixed-x18:
    class: abi
    targets: [aarch64]
    values: [on]
    rustc: -Zfixed-x18
    clang: -ffixed-x18
)";

class MatrixLoad : public ::testing::Test {
protected:
  MatrixLoad() {
    write_file(m_dir.path() / "flags.yaml", kCatalogue);
    m_fixtures = (kSourceDir / "fixtures").string();
  }

  // A valid matrix body with one line replaced, so each test breaks one thing.
  std::string matrix(const std::string& extra = "") const {
    return "import: flags.yaml\n"
           "fixtures-dir: " + m_fixtures + "\n"
           "targets: [i386, aarch64]\n"
           "c-compilers: [clang-19, gcc]\n"
           "fixtures: [scalars]\n"
           "flags:\n"
           "  regparm: [3]\n" + extra;
  }

  // matrix(extra) with the first `from` in it replaced by `to`.
  std::string matrix_with(const std::string& from, const std::string& to, const std::string& extra = "") const {
    auto text = matrix(extra);
    text.replace(text.find(from), from.size(), to);
    return text;
  }

  // The FatalError text for a matrix, with the scratch folder made relative.
  std::string load_error(const std::string& text) {
    auto path = m_dir.path() / "m.yaml";
    write_file(path, text);
    return load_error_of(path);
  }
  std::string load_error_of(const std::filesystem::path& path) {
    try {
      load_matrix(path);
    } catch (const FatalError& e) {
      std::string msg = e.what();
      for (auto pos = msg.find(m_dir.path().string()); pos != std::string::npos;
           pos = msg.find(m_dir.path().string()))
        msg.replace(pos, m_dir.path().string().size(), "DIR");
      return msg;
    }
    return "(no error)";
  }

  static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

  Matrix load_matrix_text(const std::string& text) {
    write_file(m_dir.path() / "m.yaml", text);
    return load_matrix(m_dir.path() / "m.yaml");
  }

  ScopedTempDir m_dir;
  std::string m_fixtures;
};

} // namespace amx::test
