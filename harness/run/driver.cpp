#include "run/driver.hpp"

#include "compile/plan.hpp"
#include "matrix/expand.hpp"
#include "matrix/select.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"
#include "util/version.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace amx {

StepCache step_cache(const Matrix& m, const std::filesystem::path& work, CacheUse use, std::uintmax_t max_bytes) {
  const auto dir = default_cache_dir();
  return StepCache(dir / "steps", use, max_bytes,
                   {{"$W", work}, {"$F", std::filesystem::absolute(m.fixtures_dir)}, {"$C", dir}});
}

RunDriver::RunDriver(const Matrix& m) : m_matrix(m), m_tc(Toolchain::probe(m)) {}

void RunDriver::prepare(ProbeCache& cache, StepCache& steps, const std::filesystem::path& work, unsigned jobs) {
  m_cache = &cache;
  m_work = work;
  m_jobs = jobs;
  m_builder = std::make_unique<Builder>(m_matrix, work, &steps, std::filesystem::path(), jobs);
  m_runner = std::make_unique<Runner>(m_matrix, *m_builder, m_tc.objdump(), static_cast<SideQuestions*>(this));
  m_answers = Capabilities::known({}, cache, work); // none yet, keyed for this work folder
}

std::size_t RunDriver::choose_spellings(const Capabilities::Progress& progress) {
  if (m_spellings)
    return 0;
  m_spellings = SpellingChoices::probe(
      m_matrix, m_tc, *m_cache, m_work,
      [&](const SourceFile& spec) { m_builder->write_once(spec, "a Rust target specification"); }, m_jobs, progress);
  return m_spellings->probed();
}

CellPlan RunDriver::plan_one(const Cell& cell) const {
  auto p = plan_cell(cell, m_matrix, m_tc, m_work / "targets", *m_spellings);
  p.layout = m_builder->layout();
  return p;
}

namespace {

// What a cell's side asks its compiler: its whole command line.
ProbeQuestion side_question(const Cell& cell, const CellPlan& p, bool c_side) {
  if (c_side)
    return {p.cc, cell.target, cell.c_compiler, p.c_args};
  return {p.rustc, cell.target, nullptr, p.rust_args};
}

} // namespace

std::size_t RunDriver::probe(Planned& planned, bool ask, const Capabilities::Progress& progress) {
  std::vector<ProbeQuestion> questions;
  for (const auto& [cell, p] : planned) {
    if (p.skip)
      continue;
    if (p.rust_spec)
      m_builder->write_once(*p.rust_spec, "a Rust target specification");
    for (bool c_side : {true, false})
      if (!(c_side ? p.c_args : p.rust_args).empty())
        questions.push_back(side_question(*cell, p, c_side));
  }
  auto caps = ask ? Capabilities::probe(questions, *m_cache, m_work, m_matrix.timeouts.compile, m_jobs, progress)
                  : Capabilities::known(questions, *m_cache, m_work);
  for (auto& [cell, p] : planned) {
    if (auto why = amx::refusal(p, *cell->target, caps)) {
      p.skip = why;
    } else if (!p.skip && !p.rust_args.empty()) {
      take_if_accepted(caps, *cell, p);
    }
  }
  std::lock_guard lock(m_asking);
  m_answers.merge(caps);
  return caps.probed() + (ask ? m_spellings->settle(*m_cache, m_work, m_matrix.timeouts.compile, m_jobs) : 0);
}

std::size_t RunDriver::plan(const std::vector<const Cell*>& cells, const Capabilities::Progress& progress) {
  auto probed = choose_spellings(progress);
  m_planned.clear();
  m_planned.reserve(cells.size());
  for (const Cell* c : cells)
    m_planned.emplace_back(c, plan_one(*c));
  return probed + probe(m_planned, false, progress);
}

std::size_t RunDriver::settle_spellings() {
  std::lock_guard lock(m_asking);
  return std::exchange(m_asked_later, 0) + m_spellings->settle(*m_cache, m_work, m_matrix.timeouts.compile, m_jobs);
}

std::optional<std::string> RunDriver::refusal(const Cell& cell, const CellPlan& p, bool c_side) {
  auto q = side_question(cell, p, c_side);
  // One question at a time: a cell that waits here leaves its job slot to
  // the cells still building.
  std::lock_guard lock(m_asking);
  if (!m_answers.answer(q)) {
    auto one = Capabilities::probe({q}, *m_cache, m_work, m_matrix.timeouts.compile, 1);
    m_asked_later += one.probed();
    m_answers.merge(one);
  }
  if (!c_side)
    take_if_accepted(m_answers, cell, p);
  return m_answers.refusal(*q.tool, *cell.target, q.args);
}

void RunDriver::take_if_accepted(const Capabilities& caps, const Cell& cell, const CellPlan& p) {
  const ProbeAnswer* a = caps.answer(side_question(cell, p, false));
  if (a && a->accepted)
    m_spellings->accepted_with(*p.rustc, cell.target->name, cell.rust, p.rust_args);
}

void RunDriver::rust_taken(const Cell& cell, const CellPlan& p) {
  std::lock_guard lock(m_asking);
  m_spellings->accepted_with(*p.rustc, cell.target->name, cell.rust, p.rust_args);
}

CellPlan RunDriver::plan_single(const Cell& cell) {
  choose_spellings();
  Planned one{{&cell, plan_one(cell)}};
  probe(one, true);
  return std::move(one[0].second);
}

CellResult RunDriver::run_cell(const Cell& cell) {
  return m_runner->run_cell(cell, plan_single(cell));
}

bool RunDriver::run_planned(unsigned jobs, unsigned retries, const std::function<bool(CellResult&&)>& on_result) {
  return m_runner->run_all(m_planned, jobs, retries, on_result);
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

// The fixture sources a run builds from, as one hash: runtime, minicore and
// each fixture's folder, every file by its path and bytes, in path order.
std::string fixtures_hash(const Matrix& m) {
  std::vector<std::filesystem::path> files;
  std::vector<std::string> folders = {"runtime", "minicore"};
  for (const auto& f : m.fixtures)
    folders.push_back(f.name);
  for (const auto& folder : folders) {
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(m.fixtures_dir / folder, ec))
      if (e.is_regular_file())
        files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::uint64_t h = kFnvOffset;
  for (const auto& f : files) {
    h = fnv1a64(f.lexically_relative(m.fixtures_dir).string() + '\0', h);
    h = fnv1a64(read_file(f), h);
  }
  return fmt::format("{:016x}", h);
}

} // namespace

RunSummary drive_run(const RunRequest& request, RunRecorder& recorder, RunObserver& observer) {
  const Matrix& m = *request.matrix;
  const auto& resumed = request.resume;
  if (resumed && m.hash != resumed->info.matrix_hash)
    throw FatalError(fmt::format("cannot resume run {}: {} is not the matrix it ran ({} changed since, or is "
                                 "another matrix); start a new run instead",
                                 resumed->id, m.path.string(), resumed->info.matrix_path));
  if (resumed && !resumed->info.fixtures_hash.empty() && resumed->info.fixtures_hash != fixtures_hash(m))
    throw FatalError(fmt::format("cannot resume run {}: the fixtures under {} changed since it ran; start a new run "
                                 "instead",
                                 resumed->id, m.fixtures_dir.string()));
  RunInfo info = resumed ? resumed->info
                         : RunInfo{std::filesystem::absolute(m.path).string(), m.name, m.hash, request.host, 0, 0, {},
                                   request.filter, request.partition, flag_facts(m), harness_version(),
                                   fixtures_hash(m), request.filter_out};

  // select
  auto cells = expand(m);
  auto filtered = filter_cells(cells, info.cell_filter, info.cell_filter_out);
  // An empty shard is a fine part of a sharded run; a selection of nothing is
  // a mistake, said before anything is recorded.
  if (filtered.empty() && !resumed && !request.allow_empty) {
    std::vector<std::string> options;
    if (!info.cell_filter.empty())
      options.push_back(fmt::format("--filter '{}'", info.cell_filter));
    for (const auto& f : info.cell_filter_out)
      options.push_back(fmt::format("--filter-out '{}'", f));
    throw EmptySelection(
        options.empty()
            ? fmt::format("{} has no cells (its exclude rules take them all); --allow-empty records the run anyway",
                          m.path.string())
            : fmt::format("{} select{} none of the {} cells of {} (`abimatrix plan` lists them); "
                          "--allow-empty records the run anyway",
                          join(options, " "), options.size() == 1 ? "s" : "", cells.size(), m.path.string()));
  }
  auto chosen = partition_cells(std::move(filtered), info.partition);
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
  std::vector<std::string> keys;
  for (const auto& c : cells)
    keys.push_back(c.key);
  start.key_length = unique_prefix_length(std::move(keys), 8);
  observer.started(start);

  // probe, then plan, build, run, check and record each cell
  auto work = std::filesystem::absolute(request.work_dir.empty()
                                            ? request.work_root / fmt::format("run-{}", start.run)
                                            : request.work_dir);
  auto steps = step_cache(m, work, request.cache_use, request.cache_max_bytes);
  // What compilers accept is kept with the steps, for every database; a
  // run without the cache asks again.
  ProbeFolder probes(request.cache_use == CacheUse::none ? work / "probe-answers" : default_cache_dir() / "probes");
  driver.prepare(probes, steps, work, info.jobs);
  RunSummary summary{start.run, false, info.cells_planned, 0, 0};
  try {
    if (auto probed = driver.plan(chosen, [&](std::size_t done, std::size_t asked) { observer.probing(done, asked); }))
      observer.probed(probed);
    recorder.spellings(start.run, driver.spelling_facts());
    std::size_t unexpected = 0;
    summary.complete = driver.run_planned(info.jobs, request.retries, [&](CellResult&& r) {
      observer.finished(r);
      if (is_unexpected(r.verdict))
        unexpected++;
      recorder.push(std::move(r));
      summary.max_fail_reached = request.max_fail && unexpected >= request.max_fail;
      return !summary.max_fail_reached;
    });
    summary.max_fail_reached = summary.max_fail_reached && !summary.complete;
    recorder.close();
    // The spellings again, now that the cells' Rust sides have said what
    // rustc takes, and rustc was asked alone about the rest.
    if (!interrupted())
      if (auto probed = driver.settle_spellings())
        observer.probed(probed);
    recorder.spellings(start.run, driver.spelling_facts());
  } catch (...) {
    // Whatever was committed stays; the run is marked as cut short.
    try {
      recorder.close();
      recorder.spellings(start.run, driver.spelling_facts());
    } catch (...) {
    }
    recorder.finish(start.run, RunStatus::interrupted);
    throw;
  }
  recorder.finish(start.run, summary.complete ? RunStatus::complete : RunStatus::interrupted);
  if (steps.used())
    steps.trim();
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
