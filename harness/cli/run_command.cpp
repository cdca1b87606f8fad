#include "cli/subcommands.hpp"

#include "matrix/load.hpp"
#include "matrix/select.hpp"
#include "report/console.hpp"
#include "report/run_files.hpp"
#include "run/driver.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
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

} // namespace

RunCommand::RunCommand(CLI::App& app) {
  m_cmd = app.add_subcommand("run", "run the cells of a matrix and record the results in SQLite");
  m_cmd->add_option("matrix", m_matrix,
                  "matrix YAML file, or the name of a shipped one (smoke); with --resume taken from the run when "
                  "left out");
  m_cmd->add_option("--db", m_db, "results database")->capture_default_str();
  m_cmd->add_option("-j,--jobs", m_jobs, "cells run in parallel (default: number of cores)");
  m_cmd->add_option("--filter", m_filter, "only cells whose name contains this glob, or whose key starts with it");
  m_cmd->add_option("--filter-out", m_filter_out,
                    "leave out the cells whose name contains this glob, or whose key starts with it (repeatable)")
      ->check(kFilterOut);
  m_cmd->add_option("--partition", m_partition,
                    "only shard K of N (K/N): every N-th cell by key; `abimatrix merge` joins the shards");
  m_resume = m_cmd->add_option("--resume", m_resume_arg,
                               "run only the cells RUN lacks, under its id (default: the latest run, of the matrix "
                               "when one is given)")
                 ->expected(0, 1);
  m_cmd->add_option("--work-dir", m_work_dir, "where objects and programs go (default: next to the database)");
  m_cmd->add_flag("--keep-work", m_keep_work, "keep objects and programs after the run");
  m_cmd->add_flag("--allow-empty", m_allow_empty, "record the run even when --filter selects no cell (else exit 4)");
  auto no_cache = m_cmd->add_flag("--no-cache", m_no_cache,
                                  "do every step again, reusing nothing an earlier run kept (in $ABIMATRIX_CACHE)");
  m_cmd->add_flag("--rerun", m_rerun, "run the programs again (for a suspected flaky result); reuse built objects")
      ->excludes(no_cache);
  m_cmd->add_option("--max-fail", m_max_fail,
                    "start no more cells after N unexpected results (the run can be finished with --resume)")
      ->check(CLI::Range(1, 1000000000));
  m_cmd->add_option("--retries", m_retries,
                    "run a cell's program again, up to N times, when it fails unexpectedly at run or check; one "
                    "that then comes out as expected is `flaky`")
      ->check(CLI::Range(0, 100));
  auto quiet = m_cmd->add_flag("-q,--quiet", m_quiet, "print only unexpected cells and the closing table");
  m_cmd->add_flag("-v,--verbose", m_verbose, "print each cell's steps: status, time and command")->excludes(quiet);
  m_cmd->add_option("--color", m_color, "colour verdicts: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  m_cmd->add_option("--junit", m_junit,
                    "write the run as JUnit XML to this file, rewritten as cells finish (as `report --format junit`)");
  m_cmd->add_option("--json", m_json,
                    "write the run as JSON to this file, rewritten as cells finish (as `report --format json`)");
  m_cmd->add_option("--cache-size", m_cache_size,
                    "bound of the step cache: the least recently used steps go when it is larger (K, M, G)")
      ->capture_default_str();
}

std::optional<int> RunCommand::dispatch() {
  if (!*m_cmd)
    return std::nullopt;
  return execute();
}

int RunCommand::execute() {
  InterruptWatcher watcher; // before any other thread exists
  auto bound = StepCache::parse_size(m_cache_size);
  if (!bound)
    throw FatalError(fmt::format("--cache-size '{}': expected a size such as 4G, 500M or 100000 (bytes)",
                                 m_cache_size));
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
  if (resume && (!m_filter.empty() || !m_filter_out.empty() || !m_partition.empty()))
    throw FatalError("--resume runs the cells of the run it resumes; --filter, --filter-out and --partition come "
                     "from that run");

  Matrix m;
  if (!m_matrix.empty())
    m = load_matrix(matrix_file(m_matrix));
  RunRequest request;
  if (resume) {
    if (!std::filesystem::exists(m_db))
      throw FatalError(fmt::format("--resume: there is no database at {}", m_db));
    Database db(m_db);
    Queries q(db);
    request.resume = db.stored_run(resume_id ? q.run(*resume_id) : q.latest_run(m.name));
    if (m_matrix.empty())
      m = load_matrix(request.resume->info.matrix_path);
  } else {
    request.filter = m_filter;
    request.filter_out = m_filter_out;
    if (!m_partition.empty())
      request.partition = parse_partition(m_partition);
  }
  request.matrix = &m;
  request.jobs = m_jobs ? m_jobs : std::max(1u, std::thread::hardware_concurrency());
  request.work_dir = m_work_dir;
  request.work_root = work_root(m_db);
  request.keep_work = m_keep_work;
  request.allow_empty = m_allow_empty;
  request.cache_use = m_no_cache ? CacheUse::none : m_rerun ? CacheUse::rerun_programs : CacheUse::all;
  request.cache_max_bytes = *bound;
  request.host = host_description();

  request.max_fail = m_max_fail;
  request.retries = m_retries;

  ConsoleStyle style;
  style.terminal = ::isatty(STDOUT_FILENO);
  style.colour = use_colour(m_color, style.terminal, std::getenv("NO_COLOR"));
  style.verbosity = m_quiet ? Verbosity::quiet : m_verbose ? Verbosity::verbose : Verbosity::normal;
  Console console(stdout, style, m.path.string(), m_db);
  RunFiles files(console, m_db, m_junit, m_json);
  DatabaseRecorder recorder(m_db);
  auto summary = drive_run(request, recorder, files);
  files.write();
  console.summary(summary.complete ? RunEnd::complete : summary.max_fail_reached ? RunEnd::max_fail : RunEnd::interrupted);
  if (!summary.complete) {
    fmt::print("finish it with: abimatrix run --resume {} --db {}\n", summary.run, m_db);
    return summary.max_fail_reached ? kExitUnexpected : kExitInterrupted;
  }
  if (request.resume)
    fmt::print("run {} now has {} of {} cells, {} unexpected\n", summary.run, summary.recorded, summary.planned,
               summary.unexpected);
  return summary.unexpected ? kExitUnexpected : 0;
}

} // namespace amx
