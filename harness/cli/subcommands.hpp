#pragma once
// The subcommands, each a class that adds its options to the CLI11 app and,
// when chosen, does its work and returns the exit code (nullopt when it was
// not chosen). They parse and print; the work is in the folders below.

#include "store/queries.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace amx {

// The matrix file a command names: the path as given when it exists, else
// for a bare name (`smoke`, `kernel-arm64.yaml`) the file of that name in
// matrix_dirs(); as given otherwise, for the loader to say what is wrong.
std::string matrix_file(const std::string& arg);

// The folder a command on database `db` builds in unless --work-dir says
// otherwise: beside the database, in one named after it (results/work/
// results for results.db), so that runs into two databases of one folder
// (shards, say) never share run-1's objects.
std::filesystem::path work_root(const std::string& db);
// A cell command's folder: `given` (--work-dir), else `name` in work_root.
std::filesystem::path work_folder(const std::string& db, const std::string& given, const std::string& name);

// A --filter-out pattern: an empty one would leave every cell out.
inline const CLI::Validator kFilterOut(
    [](std::string& s) { return s.empty() ? std::string("an empty pattern would leave out every cell") : ""; },
    "GLOB");

// `abimatrix run`: runs the cells of a matrix (or one --partition K/N shard
// of them) and records each result as it finishes; `--resume [RUN]` runs
// only the cells a cut-short run lacks, under the same run id.
class RunCommand {
public:
  explicit RunCommand(CLI::App& app);
  // The exit code when `run` was chosen, else nullopt: 0 all as expected,
  // 1 unexpected results (also when --max-fail stopped it), 130 interrupted.
  std::optional<int> dispatch();

private:
  int execute();

  CLI::App* m_cmd;
  CLI::Option* m_resume;
  std::string m_matrix, m_db = kDefaultDatabase, m_work_dir, m_filter, m_partition, m_resume_arg;
  unsigned m_jobs = 0;
  bool m_keep_work = false, m_allow_empty = false, m_no_cache = false, m_rerun = false;
  std::string m_cache_size = "4G", m_color = "auto", m_junit, m_json;
  std::vector<std::string> m_filter_out;
  std::size_t m_max_fail = 0;
  unsigned m_retries = 0;
  bool m_quiet = false, m_verbose = false;
};

// The commands that read the results database: runs, query, diff,
// regressions, history and show, each with --db, --format table|json and
// --matrix NAME.
class QueryCommands {
public:
  // Adds the subcommands to app; their options are parsed into this object.
  explicit QueryCommands(CLI::App& app);
  // The exit code when one of these subcommands was chosen, else nullopt.
  // 0, or for `regressions` 1 when something regressed.
  std::optional<int> dispatch();

private:
  int runs(Queries& q);
  int query(Queries& q);
  int diff(Queries& q);
  int regressions(Queries& q);
  int history(Queries& q);
  int show(Queries& q);
  int query_checks(Queries& q, std::int64_t run);
  int print_diff(const RunDiff& d, bool regressions_only);

  CLI::App *m_runs, *m_query, *m_diff, *m_regressions, *m_history, *m_show;
  std::string m_db = kDefaultDatabase, m_format = "table", m_cell, m_matrix;
  ResultFilter m_filter;
  std::vector<std::string> m_checks; // --check
  std::optional<std::int64_t> m_run_a, m_run_b;
  std::size_t m_limit = 20;
  bool m_since_change = false;
};

// `abimatrix report [RUN]`: a run as Markdown evidence, JSON, JUnit XML or
// one HTML page, to a file or stdout.
class ReportCommand {
public:
  explicit ReportCommand(CLI::App& app);
  // The exit code when `report` was chosen, else nullopt.
  std::optional<int> dispatch();

private:
  CLI::App* m_cmd;
  std::string m_db = kDefaultDatabase, m_format = "markdown", m_output, m_link_base, m_matrix;
  std::optional<std::int64_t> m_run;
  std::size_t m_limit = 0, m_history = 0;
};

// The commands about one recorded cell: `repro` writes its standalone
// reproducer script, `minimize` finds which of its differing flags make it
// fail, `bisect` the first toolchain of a series where its outcome changes;
// `judge` says what one step's result means, for those scripts.
class CellCommands {
public:
  explicit CellCommands(CLI::App& app);
  // The exit code when one of these subcommands was chosen, else nullopt.
  std::optional<int> dispatch();

private:
  int repro();
  int minimize();
  int bisect();
  int reduce();
  int judge();

  CLI::App *m_repro, *m_minimize, *m_bisect, *m_reduce, *m_judge;
  std::string m_series, m_check; // bisect: --cc or --rustc; bisect and reduce: --check
  std::string m_stage, m_tool, m_step_output;
  std::optional<int> m_exit_code, m_signal;
  bool m_timed_out = false;
  double m_timeout_s = 10;
  std::vector<std::string> m_cases;
  std::string m_db = kDefaultDatabase, m_cell, m_matrix, m_output, m_work_dir, m_bundle = "bug";
  std::optional<std::int64_t> m_run;
  bool m_keep_work = false;
};

} // namespace amx
