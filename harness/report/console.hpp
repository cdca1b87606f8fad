#pragma once
// What a person watching a run sees: the run's start and tools, one status
// line per finished cell, an overwritten progress line on a terminal only,
// and a closing summary table. The only thing that prints during a run.

#include "run/driver.hpp"

#include <cstdio>
#include <map>
#include <string>

namespace amx {

class Console : public RunObserver {
public:
  // matrix and destination only name the run in its first line.
  Console(std::FILE* out, bool terminal, std::string matrix = "", std::string destination = "");

  void started(const RunStart& s) override;
  void probing(std::size_t answered, std::size_t asked) override;
  void probed(std::size_t command_lines) override;
  void finished(const CellResult& r) override;
  // Counts by verdict per target, and the closing line.
  void summary(bool interrupted);
  std::size_t unexpected_count() const { return m_unexpected; }

private:
  void clear_progress();

  std::FILE* m_out;
  bool m_terminal;
  std::string m_matrix, m_destination;
  std::size_t m_total = 0, m_done = 0, m_unexpected = 0;
  std::map<std::string, std::map<Verdict, std::size_t>> m_counts; // target -> verdict -> n
};

// The status line of one result, without the progress count.
std::string status_line(const CellResult& r, std::size_t done, std::size_t total);

} // namespace amx
