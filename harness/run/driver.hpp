#pragma once
// The run driver: a run read top to bottom as passes, the way mold_main
// reads. select the cells -> find the tools -> begin (or resume) the record
// -> probe the spellings -> plan each cell -> build, run and check -> record.
// It prints nothing: it reports to a RunObserver (the console) and records
// into a RunRecorder (the results database); `run` and `minimize` share it.

#include "compile/builder.hpp"
#include "compile/capability.hpp"
#include "compile/spelling.hpp"
#include "model/run.hpp"
#include "run/runner.hpp"
#include "toolchain/toolchain.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace amx {

// What happened before the first cell finished.
struct RunStart {
  std::int64_t run = 0;
  bool resumed = false;
  std::size_t cells = 0;   // cells this invocation runs
  std::size_t planned = 0; // cells of the whole run (shard)
  unsigned jobs = 1;
  std::optional<Partition> partition;
  std::vector<Tool> tools;
  // How many leading digits of a key tell the matrix's cells apart.
  std::size_t key_length = 16;
};

// Whoever shows the run to a person; the driver never prints.
class RunObserver {
public:
  virtual ~RunObserver() = default;
  virtual void started(const RunStart&) {}
  // Each answer while the compilers are asked about command lines.
  virtual void probing(std::size_t /*answered*/, std::size_t /*asked*/) {}
  virtual void probed(std::size_t /*command_lines*/) {}
  virtual void finished(const CellResult& r) = 0;
};

// Where a run's results are kept. Results go in as cells finish, so an
// interrupted run keeps what it finished.
class RunRecorder {
public:
  virtual ~RunRecorder() = default;
  virtual std::int64_t begin(const RunInfo& info) = 0;
  // The keys of the cells `run` has a result for, and marks it running.
  virtual std::set<std::string> reopen(std::int64_t run) = 0;
  virtual void push(CellResult r) = 0;
  // Commits what is queued; rethrows a write error.
  virtual void close() = 0;
  virtual void finish(std::int64_t run, RunStatus status) = 0;
  // What the run's compilers made of each flag spelling (a resumed run asks
  // again, and the answers replace the ones it had).
  virtual void spellings(std::int64_t run, const std::vector<SpellingFact>& facts) = 0;
  virtual std::map<Verdict, std::size_t> verdict_counts(std::int64_t run) = 0;
};

// The step cache of a run of m in `work`: default_cache_dir()/steps.
StepCache step_cache(const Matrix& m, const std::filesystem::path& work, CacheUse use,
                     std::uintmax_t max_bytes = kDefaultCacheBytes);

// One matrix's tools, spellings and builder, ready to run its cells.
class RunDriver : private SideQuestions {
public:
  // Finds every tool the matrix needs: a FatalError when QEMU or an ELF
  // reader is missing; a missing compiler only skips its cells.
  explicit RunDriver(const Matrix& m);

  const Matrix& matrix() const { return m_matrix; }
  std::vector<Tool> tools() const { return m_tc.tools(); }
  // What each compiler made of each flag spelling (after plan or run_cell).
  const std::vector<SpellingFact>& spelling_facts() const { return m_spellings->facts(); }
  // Makes the builder; the probe cache keeps what compilers accept across
  // runs, `steps` (which must outlive the driver) the steps.
  void prepare(ProbeCache& cache, StepCache& steps, const std::filesystem::path& work, unsigned jobs);

  // Plans the cells after asking which spelling each compiler takes; a side
  // the probe cache knows to be refused skips its cells. The other sides
  // are asked about only when their builds give cause (SideQuestions).
  // Returns how many command lines were asked.
  std::size_t plan(const std::vector<const Cell*>& cells, const Capabilities::Progress& progress = {});
  // Plans one cell, asking about both its sides (in work/probe), and runs it.
  CellPlan plan_single(const Cell& cell);
  CellResult run_cell(const Cell& cell);
  // Runs the cells plan() planned on `jobs` threads (see Runner::run_all);
  // true if every cell was reported.
  bool run_planned(unsigned jobs, unsigned retries, const std::function<bool(CellResult&&)>& on_result);
  // After the cells: asks rustc alone about each spelling no cell's Rust
  // side showed it takes. How many command lines were asked since plan().
  std::size_t settle_spellings();

private:
  using Planned = std::vector<std::pair<const Cell*, CellPlan>>;
  // Asks which spelling each compiler takes, once; the questions it asked
  // this time (the cache aside).
  std::size_t choose_spellings(const Capabilities::Progress& progress = {});
  CellPlan plan_one(const Cell& cell) const;
  // Writes the plans' specifications and skips the sides refused; `ask`:
  // asks about the sides the cache does not know, and settles the spellings.
  std::size_t probe(Planned& planned, bool ask, const Capabilities::Progress& progress = {});
  std::optional<std::string> refusal(const Cell& cell, const CellPlan& plan, bool c_side) override;
  void rust_taken(const Cell& cell, const CellPlan& plan) override;
  // A Rust side rustc takes, by an answer in caps, says so of its
  // spellings, as a build would.
  void take_if_accepted(const Capabilities& caps, const Cell& cell, const CellPlan& plan);

  const Matrix& m_matrix;
  Toolchain m_tc;
  ProbeCache* m_cache = nullptr;
  std::filesystem::path m_work;
  unsigned m_jobs = 1;
  std::unique_ptr<Builder> m_builder;
  std::unique_ptr<Runner> m_runner;
  Planned m_planned;
  std::optional<SpellingChoices> m_spellings;
  // The answers about sides, and those asked while the cells build.
  std::mutex m_asking;
  Capabilities m_answers;
  std::size_t m_asked_later = 0;
};

struct RunRequest {
  const Matrix* matrix = nullptr;
  std::string filter;
  std::vector<std::string> filter_out;
  std::optional<Partition> partition;
  // The run to finish instead of starting one: its record says which cells
  // and tools; the matrix must be the one it ran.
  std::optional<StoredRun> resume;
  unsigned jobs = 1;
  // Where objects and programs go; empty: work_root/run-ID.
  std::filesystem::path work_dir, work_root;
  bool keep_work = false;
  // Record a run even when the filter selects no cell (else EmptySelection).
  bool allow_empty = false;
  std::string host;
  // What the step cache (default_cache_dir()/steps) is used for, and its bound.
  CacheUse cache_use = CacheUse::all;
  std::uintmax_t cache_max_bytes = kDefaultCacheBytes;
  // Start no more cells after this many unexpected results (0: no bound).
  std::size_t max_fail = 0;
  // How often a cell worth_retrying runs again (0: never).
  unsigned retries = 0;
};

struct RunSummary {
  std::int64_t run = 0;
  bool complete = false;
  std::size_t planned = 0, recorded = 0, unexpected = 0;
  bool max_fail_reached = false; // stopped by RunRequest::max_fail, not interrupted
};

// The whole of `abimatrix run`.
RunSummary drive_run(const RunRequest& request, RunRecorder& recorder, RunObserver& observer);

} // namespace amx
