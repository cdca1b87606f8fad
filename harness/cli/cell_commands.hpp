#pragma once
// The commands about one recorded cell: `repro` writes its standalone
// reproducer script, `minimize` finds which of its differing flags make it
// fail.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace amx {

class CellCommands {
public:
  explicit CellCommands(CLI::App& app);
  // The exit code when one of these subcommands was chosen, else nullopt.
  std::optional<int> dispatch();

private:
  int repro();
  int minimize();

  CLI::App *m_repro, *m_minimize;
  std::string m_db = "results/abimatrix.db", m_cell, m_matrix, m_output, m_work_dir;
  std::optional<std::int64_t> m_run;
  bool m_keep_work = false;
};

} // namespace amx
