#include "cli/run_command.hpp"

#include "build/builder.hpp"
#include "check/properties.hpp"
#include "matrix/expand.hpp"
#include "matrix/load.hpp"
#include "matrix/select.hpp"
#include "report/console.hpp"
#include "run/runner.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"
#include "toolchain/capability.hpp"
#include "toolchain/toolchain.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace amx {

namespace {

constexpr int kExitUnexpected = 1;
constexpr int kExitInterrupted = 130;

std::string host_description() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  struct utsname u {};
  ::uname(&u);
  return fmt::format("{} ({} {} {})", name, u.sysname, u.release, u.machine);
}

// One run's results come from one set of tools; a resumed run must find
// the tools it started with.
void check_same_tools(const StoredRun& run, const std::vector<Tool>& now) {
  auto changes = tool_differences(run.info.tools, now);
  if (!changes.empty())
    throw FatalError(fmt::format("cannot resume run {}: its tools changed since it started (- then, + now)\n  {}\n"
                                 "start a new run instead",
                                 run.id, join(changes, "\n  ")));
}

// The flags the matrix varies or its profiles set, as its catalogue defines them.
std::vector<FlagFacts> flag_facts(const Matrix& m) {
  std::vector<std::string> names;
  for (const auto& used : m.flags)
    names.push_back(used.name);
  for (const auto& profile : m.profiles)
    for (const auto& [flag, _] : m.profile_catalogue.at(profile).flags)
      if (std::find(names.begin(), names.end(), flag) == names.end())
        names.push_back(flag);
  std::vector<FlagFacts> out;
  for (const auto& name : names) {
    const Flag& f = m.catalogue.at(name);
    std::vector<std::string> spellings;
    auto spell = [&](const std::string& where, const std::map<Family, Spelling>& by_family) {
      for (const auto& [family, spelling] : by_family) {
        std::vector<std::string> per_value;
        for (const auto& [value, args] : spelling.per_value)
          per_value.push_back(fmt::format("{}: {}", value, join(args, " ")));
        spellings.push_back(fmt::format("{}{}: {}", where, to_string(family),
                                        per_value.empty() ? join(spelling.pattern, " ")
                                                          : "(" + join(per_value, ", ") + ")"));
      }
    };
    spell("", f.spellings);
    for (const auto& [target, by_family] : f.target_spellings)
      spell(target + " ", by_family);
    out.push_back({f.name, to_string(f.cls), f.description, join(f.targets, ", "), join(spellings, "; ")});
  }
  return out;
}

} // namespace

RunCommand::RunCommand(CLI::App& app) {
  m_cmd = app.add_subcommand("run", "run the cells of a matrix and record the results in SQLite");
  m_cmd->add_option("matrix", m_matrix, "matrix YAML file (with --resume: taken from the run when left out)");
  m_cmd->add_option("--db", m_db, "results database")->capture_default_str();
  m_cmd->add_option("-j,--jobs", m_jobs, "cells run in parallel (default: number of cores)");
  m_cmd->add_option("--filter", m_filter, "only cells whose name contains this glob, or whose key starts with it");
  m_cmd->add_option("--partition", m_partition,
                    "only shard K of N (K/N): every N-th cell by key; `abimatrix merge` joins the shards");
  m_resume = m_cmd->add_option("--resume", m_resume_arg,
                               "run only the cells RUN lacks, under its id (default: the latest run, of the matrix "
                               "when one is given)")
                 ->expected(0, 1);
  m_cmd->add_option("--work-dir", m_work_dir, "where objects and programs go (default: next to the database)");
  m_cmd->add_flag("--keep-work", m_keep_work, "keep objects and programs after the run");
}

std::optional<int> RunCommand::dispatch() {
  if (!*m_cmd)
    return std::nullopt;
  return execute();
}

int RunCommand::execute() {
  InterruptWatcher watcher; // before any other thread exists
  const bool resume = m_resume->count() > 0;
  // `run --resume m.yaml` means the latest run of m.yaml: CLI11 hands the
  // path to --resume, whose value is otherwise a run id.
  std::optional<std::int64_t> resume_id;
  if (resume && !m_resume_arg.empty()) {
    auto id = parse_unsigned(m_resume_arg);
    if (id && *id <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      resume_id = static_cast<std::int64_t>(*id);
    else if (m_matrix.empty() && m_resume_arg.find_first_not_of("0123456789") != std::string::npos)
      std::swap(m_matrix, m_resume_arg);
    else
      throw FatalError(fmt::format("--resume '{}': expected a run id", m_resume_arg));
  }
  if (!resume && m_matrix.empty())
    throw FatalError("run: a matrix file is required (or --resume to finish a run)");
  if (resume && (!m_filter.empty() || !m_partition.empty()))
    throw FatalError("--resume runs the cells of the run it resumes; --filter and --partition come from that run");

  Matrix m;
  if (!m_matrix.empty())
    m = load_matrix(m_matrix);
  std::optional<Database> db;
  std::optional<StoredRun> resumed;
  RunInfo info;
  if (resume) {
    if (!std::filesystem::exists(m_db))
      throw FatalError(fmt::format("--resume: there is no database at {}", m_db));
    db.emplace(m_db);
    Queries q(*db);
    resumed = db->stored_run(resume_id ? q.run(*resume_id) : q.latest_run(m.name));
    if (m_matrix.empty())
      m = load_matrix(resumed->info.matrix_path);
    if (m.hash != resumed->info.matrix_hash)
      throw FatalError(fmt::format("cannot resume run {}: {} is not the matrix it ran ({} changed since, or is "
                                   "another matrix); start a new run instead",
                                   resumed->id, m.path.string(), resumed->info.matrix_path));
    info = resumed->info;
  } else {
    info = {std::filesystem::absolute(m.path).string(), m.name, m.hash, host_description(), 0, 0, {}, m_filter,
            std::nullopt, flag_facts(m)};
    if (!m_partition.empty())
      info.partition = parse_partition(m_partition);
  }
  auto cells = expand(m);
  auto chosen = partition_cells(filter_cells(cells, info.cell_filter), info.partition);
  Toolchain tc = Toolchain::probe(m);
  info.jobs = m_jobs ? m_jobs : std::max(1u, std::thread::hardware_concurrency());

  std::int64_t run_id = 0;
  if (resumed) {
    check_same_tools(*resumed, tc.tools());
    run_id = resumed->id;
    auto planned = chosen.size();
    chosen = cells_lacking(chosen, db->recorded_cells(run_id));
    db->reopen_run(run_id);
    fmt::print("resuming run {} of {}: {} of {} cells left, {} jobs, into {}\n", run_id, m.path.string(),
               chosen.size(), planned, info.jobs, m_db);
  } else {
    info.cells_planned = chosen.size();
    info.tools = tc.tools();
    db.emplace(m_db);
    run_id = db->begin_run(info);
    fmt::print("run {} of {} ({} cells{}, {} jobs) into {}\n", run_id, m.path.string(), chosen.size(),
               info.partition ? ", shard " + to_string(*info.partition) : "", info.jobs, m_db);
  }
  for (const auto& t : tc.tools())
    fmt::print("  {:<10} {}: {}\n", t.role, t.path.string(), t.version);
  std::fflush(stdout);

  auto work = std::filesystem::absolute(m_work_dir.empty()
                                           ? std::filesystem::path(m_db).parent_path() / "work" / fmt::format("run-{}", run_id)
                                           : std::filesystem::path(m_work_dir));
  auto caps = Capabilities::probe(m, tc, *db, work, info.jobs);
  if (caps.probed())
    fmt::print("  probed {} flag spellings (cached in {} for the next run)\n", caps.probed(), m_db);
  std::optional<PropertyChecker> checker;
  if (tc.readelf() && tc.objdump())
    checker.emplace(*tc.readelf(), *tc.objdump(), m);
  std::fflush(stdout);

  Builder builder(m, work);
  Runner runner(m, tc, builder, &caps, checker ? &*checker : nullptr);
  Console console(stdout, chosen.size(), ::isatty(STDOUT_FILENO));
  ResultWriter writer(*db, run_id);
  bool complete = false;
  try {
    complete = runner.run_all(chosen, info.jobs, [&](CellResult&& r) {
      console.finished(r);
      writer.push(std::move(r));
    });
    writer.close();
  } catch (...) {
    // Whatever was committed stays; the run is marked as cut short.
    try {
      writer.close();
    } catch (...) {
    }
    db->finish_run(run_id, RunStatus::interrupted);
    throw;
  }
  db->finish_run(run_id, complete ? RunStatus::complete : RunStatus::interrupted);
  console.summary(!complete);
  if (!m_keep_work) {
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
  }
  if (!complete) {
    fmt::print("finish it with: abimatrix run --resume {} --db {}\n", run_id, m_db);
    return kExitInterrupted;
  }
  if (resumed) {
    // The exit code speaks for the whole run, not just this session's part.
    auto counts = Queries(*db).verdict_counts(run_id);
    auto unexpected = counts["fail"] + counts["xpass"];
    std::size_t recorded = 0;
    for (const auto& [verdict, n] : counts)
      recorded += n;
    fmt::print("run {} now has {} of {} cells, {} unexpected\n", run_id, recorded, info.cells_planned, unexpected);
    return unexpected ? kExitUnexpected : 0;
  }
  return console.unexpected_count() ? kExitUnexpected : 0;
}

} // namespace amx
