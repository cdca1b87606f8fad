#pragma once
// Compiles and links. Every object (fixture x target x compiler x setting) is
// built once per run, whichever cell asks first, and shared by the others:
// compiler processes are most of a run's cost.

#include "compile/step_cache.hpp"
#include "model/result.hpp"
#include "util/thread_pool.hpp"

#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <optional>

namespace amx {

struct Built {
  StepRecord record;
  Outcome outcome;
  std::filesystem::path output;
  // A second step made with it: the real core's compiler_builtins stub.
  std::optional<StepRecord> companion;
};

// A build step as a cell sees it: shared says another cell built it.
struct BuiltRef {
  std::shared_ptr<const Built> built;
  bool shared = false;
  // The command as this cell asked for it: a step shared for the same bytes
  // may have been asked for with other paths. Empty: the built record's.
  std::vector<std::string> argv;
  // The step (and its companion) as this cell records it.
  std::vector<StepRecord> records() const;
};

// Where builds that outlive a run are kept (the real core): $ABIMATRIX_CACHE,
// else $XDG_CACHE_HOME/abimatrix, else ~/.cache/abimatrix.
std::filesystem::path default_cache_dir();

class Builder {
public:
  // cache_dir holds what is reused across runs; empty: default_cache_dir().
  // Steps are kept in `steps` when given; without it nothing is kept, but a
  // step is still built once per run for the cells whose inputs are the
  // same bytes.
  // At most `jobs` of its steps run at once, whichever threads ask.
  Builder(const Matrix& m, std::filesystem::path work_dir, StepCache* steps = nullptr,
          std::filesystem::path cache_dir = {}, unsigned jobs = 1);

  // The folders the commands name.
  Layout layout() const { return {m_matrix.fixtures_dir, m_work, m_cache_dir}; }

  // The C runtime (fixtures/runtime) or the cell's C fixture.
  enum class CPart { runtime, fixture };
  BuiltRef c_object(const Cell& cell, CPart part, const Tool& cc, const std::vector<std::string>& flags);
  // The real core from m.core_source and a compiler_builtins stub (as the
  // kernel's rust/compiler_builtins.rs), built with these Rust flags into a
  // sysroot whose folder is the output. Kept in the cache folder under a key
  // of the rustc (path and version), the command and the source's content,
  // so a later run with the same ones reuses it.
  BuiltRef core_sysroot(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags);
  // stage is rust-mix for the Rust-vs-Rust experiment's builds. With a real
  // core (flags then carry its --sysroot) the crate is fixtures/minicore's
  // real_core.rs, which only supplies what a no_std staticlib needs.
  BuiltRef minicore(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                    Stage stage = Stage::compile_rust);
  BuiltRef rust_lib(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                    const std::filesystem::path& minicore);
  // The Rust-vs-Rust experiment's crate: fixtures/minicore/mix.rs, which
  // only loads minicore, built with the Rust side's flags. Its command is
  // the same for every fixture and C compiler, so a run asks rustc once per
  // rustc, target and pair of settings.
  BuiltRef mix_crate(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                     const std::filesystem::path& minicore);
  // The target's runtime/arch/<target>-thunks.S, built without the cell's
  // flags, when the target has one (x86_64: the kernel's thunks).
  std::optional<BuiltRef> thunks(const Cell& cell, const Tool& cc);
  // Runs the linker the C compiler's driver would run, with the driver's
  // arguments (the driver itself when it does not say); shared by the
  // cells whose objects are the same bytes.
  BuiltRef link(const Cell& cell, const Tool& cc, const std::vector<std::filesystem::path>& inputs);
  // A step that writes no file (a program's run under QEMU, an ELF read),
  // done once for the cells that ask the same of the same bytes, and kept
  // across runs (a program's run unless the cache is for builds only).
  // `unkeyed` are arguments that differ each time (a run's token): appended
  // to spec's, left out of the key; a reused step brings its own. `fresh`
  // runs it again, shared with no cell and neither taken from nor kept in
  // the cache (a retry).
  BuiltRef inspect(Stage stage, const std::string& step, const Tool& tool, ProcessSpec spec,
                   const std::vector<std::string>& unkeyed = {}, bool fresh = false);

  // Takes a step out of the cross-run cache (a program run that a retry
  // contradicted: the next run must not replay it).
  void forget(const std::string& cache_key) { m_steps.forget(cache_key); }

  // A fixture's C or Rust source for the cell's target: the hand-written
  // file, or the generated one, written once into the work folder under
  // generated/<content hash>/.
  std::filesystem::path fixture_source(const Cell& cell, bool c_side);
  // Writes a file the cell's commands name (a generated source, a Rust
  // target specification), once per run; `what` names it in an error.
  void write_once(const SourceFile& f, const char* what);

private:
  struct StepSpec {
    Stage stage;
    std::string step, tool;
    std::vector<std::string> args; // without the output
    std::string output_name;
    std::vector<std::string> env;
    std::chrono::milliseconds timeout;
  };
  // A step that writes spec.output_name, once per run and kept across runs.
  BuiltRef once(const Tool& tool, StepSpec spec);
  // Builds once per key in this run, waiting for a build under way.
  BuiltRef once_by(const std::string& key, const std::function<Built()>& build);
  // core_args: rust_args() for the core crate, without its source.
  Built build_core(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                   std::vector<std::string> core_args, const std::filesystem::path& into);
  const std::string& core_source_hash();
  ProcessSpec process(const std::filesystem::path& exe, const StepSpec& spec, const std::filesystem::path& dir) const;
  // The linker a driver runs for driver_args and its command line for a
  // stand-in input and output (linker.hpp); nullopt when it does not say.
  struct DriverLink {
    Tool linker;
    std::vector<std::string> command;
  };
  std::optional<DriverLink> driver_link(const Tool& cc, const std::vector<std::string>& driver_args);
  std::filesystem::path stand_in_dir() const;
  // The output of a query a link needs (-###, -print-prog-name, --version),
  // kept like any step; "" when it failed.
  std::string query(const Tool& tool, std::vector<std::string> args);
  // Runs a step in a job slot; once interrupted, none starts.
  StepRecord run(Stage stage, const std::string& step, const ProcessSpec& spec);
  Built execute(const std::filesystem::path& exe, const StepSpec& spec, const std::filesystem::path& dir);

  StepCache m_no_cache; // when no StepCache is given: nothing kept

  const Matrix& m_matrix;
  std::filesystem::path m_work, m_cache_dir;
  StepCache& m_steps;
  JobSlots m_slots;
  std::once_flag m_source_hashed;
  std::string m_source_hash;
  std::mutex m_mutex;
  std::map<std::string, std::shared_future<std::shared_ptr<const Built>>> m_cache;
  std::set<std::filesystem::path> m_written; // files written by write_once, under m_mutex
  std::mutex m_links_mutex;
  std::map<std::string, std::optional<DriverLink>> m_links; // by driver path and arguments
};

} // namespace amx
