#pragma once
// The commands that read the results database: runs, query, diff,
// regressions, history and show, each with --db and --format table|json.

#include "store/queries.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace amx {

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
  int print_diff(const RunDiff& d, bool regressions_only);

  CLI::App *m_runs, *m_query, *m_diff, *m_regressions, *m_history, *m_show;
  std::string m_db = "results/abimatrix.db", m_format = "table", m_cell, m_matrix;
  ResultFilter m_filter;
  std::optional<std::int64_t> m_run_a, m_run_b;
  std::size_t m_limit = 20;
  bool m_since_change = false;
};

} // namespace amx
