#pragma once
// `abimatrix run`: runs the cells of a matrix (or one --partition K/N shard
// of them) and records each result as it finishes; `--resume [RUN]` runs
// only the cells a cut-short run lacks, under the same run id.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace amx {

class RunCommand {
public:
  explicit RunCommand(CLI::App& app);
  // The exit code when `run` was chosen, else nullopt: 0 all as expected,
  // 1 unexpected results, 130 interrupted.
  std::optional<int> dispatch();

private:
  int execute();

  CLI::App* m_cmd;
  CLI::Option* m_resume;
  std::string m_matrix, m_db = "results/abimatrix.db", m_work_dir, m_filter, m_partition, m_resume_arg;
  unsigned m_jobs = 0;
  bool m_keep_work = false;
};

} // namespace amx
