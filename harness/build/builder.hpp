#pragma once
// Compiles and links. Every object (fixture x target x compiler x setting) is
// built once per run, whichever cell asks first, and shared by the others:
// compiler processes are most of a run's cost.

#include "matrix/model.hpp"
#include "run/result.hpp"
#include "toolchain/toolchain.hpp"

#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>

namespace amx {

struct Built {
  StepRecord record;
  Outcome outcome;
  std::filesystem::path output;
};

// A build step as a cell sees it: shared says another cell built it.
struct BuiltRef {
  std::shared_ptr<const Built> built;
  bool shared = false;
};

class Builder {
public:
  Builder(const Matrix& m, std::filesystem::path work_dir);

  // The C runtime (fixtures/runtime) or the cell's C fixture.
  enum class CPart { runtime, fixture };
  BuiltRef c_object(const Cell& cell, CPart part, const Tool& cc, const std::vector<std::string>& flags);
  BuiltRef minicore(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags);
  BuiltRef rust_lib(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                    const std::filesystem::path& minicore);
  // Not shared: each cell links its own program.
  Built link(const Cell& cell, const Tool& cc, const std::vector<std::filesystem::path>& inputs);

private:
  struct StepSpec {
    Stage stage;
    std::string step, tool;
    std::vector<std::string> args; // without the output
    std::string output_name;
    std::vector<std::string> env;
    std::chrono::milliseconds timeout;
  };
  BuiltRef once(const std::filesystem::path& exe, StepSpec spec);
  Built execute(const std::filesystem::path& exe, const StepSpec& spec, const std::filesystem::path& dir);

  const Matrix& m_matrix;
  std::filesystem::path m_work;
  std::mutex m_mutex;
  std::map<std::string, std::shared_future<std::shared_ptr<const Built>>> m_cache;
};

} // namespace amx
