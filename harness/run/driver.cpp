#include "run/driver.hpp"

#include "compile/plan.hpp"
#include "matrix/expand.hpp"
#include "matrix/select.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace amx {

RunDriver::RunDriver(const Matrix& m) : m_matrix(m), m_tc(Toolchain::probe(m)) {}

std::size_t RunDriver::prepare(ProbeCache& cache, const std::filesystem::path& work, unsigned jobs) {
  m_caps = Capabilities::probe(m_matrix, m_tc, cache, work, jobs);
  m_builder = std::make_unique<Builder>(m_matrix, work);
  m_runner = std::make_unique<Runner>(m_matrix, *m_builder, Inspectors{m_tc.readelf(), m_tc.objdump()});
  return m_caps->probed();
}

CellPlan RunDriver::plan(const Cell& cell) const {
  auto p = plan_cell(cell, m_matrix, m_tc, m_caps ? &*m_caps : nullptr);
  if (m_builder)
    p.layout = m_builder->layout();
  return p;
}

CellResult RunDriver::run_cell(const Cell& cell) { return m_runner->run_cell(cell, plan(cell)); }

bool RunDriver::run_cells(const std::vector<const Cell*>& cells, unsigned jobs,
                          const std::function<void(CellResult&&)>& on_result) {
  std::vector<std::pair<const Cell*, CellPlan>> planned;
  planned.reserve(cells.size());
  for (const Cell* c : cells)
    planned.emplace_back(c, plan(*c));
  return m_runner->run_all(planned, jobs, on_result);
}

namespace {

// One run's results come from one set of tools; a resumed run must find
// the tools it started with.
void check_same_tools(const StoredRun& run, const std::vector<Tool>& now) {
  auto changes = tool_differences(run.info.tools, now);
  if (!changes.empty())
    throw FatalError(fmt::format("cannot resume run {}: its tools changed since it started (- then, + now)\n  {}\n"
                                 "start a new run instead",
                                 run.id, join(changes, "\n  ")));
}

} // namespace

RunSummary drive_run(const RunRequest& request, RunRecorder& recorder, RunObserver& observer) {
  const Matrix& m = *request.matrix;
  const auto& resumed = request.resume;
  if (resumed && m.hash != resumed->info.matrix_hash)
    throw FatalError(fmt::format("cannot resume run {}: {} is not the matrix it ran ({} changed since, or is "
                                 "another matrix); start a new run instead",
                                 resumed->id, m.path.string(), resumed->info.matrix_path));
  RunInfo info = resumed ? resumed->info
                         : RunInfo{std::filesystem::absolute(m.path).string(), m.name, m.hash, request.host, 0, 0, {},
                                   request.filter, request.partition, flag_facts(m)};

  // select
  auto cells = expand(m);
  auto chosen = partition_cells(filter_cells(cells, info.cell_filter), info.partition);
  // find the tools
  RunDriver driver(m);
  info.jobs = request.jobs;

  // begin or resume the record
  RunStart start;
  if (resumed) {
    check_same_tools(*resumed, driver.tools());
    start.run = resumed->id;
    start.planned = chosen.size();
    chosen = cells_lacking(chosen, recorder.reopen(resumed->id));
  } else {
    info.cells_planned = chosen.size();
    info.tools = driver.tools();
    start.run = recorder.begin(info);
    start.planned = chosen.size();
  }
  start.resumed = resumed.has_value();
  start.cells = chosen.size();
  start.jobs = info.jobs;
  start.partition = info.partition;
  start.tools = driver.tools();
  observer.started(start);

  // probe, then plan, build, run, check and record each cell
  auto work = std::filesystem::absolute(request.work_dir.empty()
                                            ? request.work_root / fmt::format("run-{}", start.run)
                                            : request.work_dir);
  if (auto probed = driver.prepare(recorder, work, info.jobs))
    observer.probed(probed);
  RunSummary summary{start.run, false, info.cells_planned, 0, 0};
  try {
    summary.complete = driver.run_cells(chosen, info.jobs, [&](CellResult&& r) {
      observer.finished(r);
      recorder.push(std::move(r));
    });
    recorder.close();
  } catch (...) {
    // Whatever was committed stays; the run is marked as cut short.
    try {
      recorder.close();
    } catch (...) {
    }
    recorder.finish(start.run, RunStatus::interrupted);
    throw;
  }
  recorder.finish(start.run, summary.complete ? RunStatus::complete : RunStatus::interrupted);
  if (!request.keep_work) {
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
  }
  // The counts speak for the whole run, not just this invocation's part.
  for (const auto& [verdict, n] : recorder.verdict_counts(start.run)) {
    summary.recorded += n;
    if (is_unexpected(verdict))
      summary.unexpected += n;
  }
  return summary;
}

} // namespace amx
