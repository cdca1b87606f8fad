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
#include <optional>

namespace amx {

// The arguments every C compile starts with, and a rustc command line for a
// crate (flags last; a --target among them replaces the target's own).
std::vector<std::string> c_base_args(const CCompiler& cc, const Target& t);
std::vector<std::string> rust_args(const std::string& crate_type, const std::string& crate_name, const Target& t,
                                   const std::vector<std::string>& flags);

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
  // stage is rust-mix for the Rust-vs-Rust experiment's builds.
  BuiltRef minicore(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                    Stage stage = Stage::compile_rust);
  BuiltRef rust_lib(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                    const std::filesystem::path& minicore, Stage stage = Stage::compile_rust);
  // The target's runtime/arch/<target>-thunks.S, built without the cell's
  // flags, when the target has one (x86_64: the kernel's thunks).
  std::optional<BuiltRef> thunks(const Cell& cell, const Tool& cc);
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
