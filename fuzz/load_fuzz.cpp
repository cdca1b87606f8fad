// libFuzzer target for the matrix loader: any bytes as a matrix file, next
// to the repository's catalogues and fixtures so that imports and fixture
// names resolve. A FatalError (exit 2 in the harness) is the expected end
// of bad input; any other exception, a crash or a sanitizer report is a
// finding. scripts/fuzz builds and runs it.

#include "matrix/load.hpp"
#include "util/error.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::filesystem::path g_matrix;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // matrices/ holds copies of the catalogues; ../fixtures is the repository's.
  auto root = std::filesystem::temp_directory_path() / ("amx-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "matrices");
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(AMX_SOURCE_DIR) / "matrices"))
    if (e.is_regular_file())
      std::filesystem::copy_file(e.path(), root / "matrices" / e.path().filename(),
                                 std::filesystem::copy_options::overwrite_existing);
  std::error_code ec;
  std::filesystem::create_directory_symlink(std::filesystem::path(AMX_SOURCE_DIR) / "fixtures", root / "fixtures", ec);
  g_matrix = root / "matrices" / "fuzz.yaml";
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(g_matrix.parent_path().parent_path(), ignored);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(g_matrix, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    amx::load_matrix(g_matrix);
  } catch (const amx::FatalError&) {
  }
  return 0;
}
