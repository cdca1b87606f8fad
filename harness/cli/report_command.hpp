#pragma once
// `abimatrix report [RUN]`: a run as Markdown evidence, JSON, JUnit XML or
// one HTML page, to a file or stdout.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace amx {

class ReportCommand {
public:
  explicit ReportCommand(CLI::App& app);
  // The exit code when `report` was chosen, else nullopt.
  std::optional<int> dispatch();

private:
  CLI::App* m_cmd;
  std::string m_db = "results/abimatrix.db", m_format = "markdown", m_output;
  std::optional<std::int64_t> m_run;
  std::size_t m_limit = 0;
};

} // namespace amx
