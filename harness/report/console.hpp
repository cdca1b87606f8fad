#pragma once
// What a person watching a run sees: one status line per finished cell, an
// overwritten progress line on a terminal only, and a closing summary table.

#include "run/result.hpp"

#include <cstdio>
#include <map>
#include <string>

namespace amx {

class Console {
public:
  Console(std::FILE* out, std::size_t total, bool terminal);

  void finished(const CellResult& r);
  // Counts by verdict per target, and the closing line.
  void summary(bool interrupted);
  std::size_t unexpected_count() const { return m_unexpected; }

private:
  void clear_progress();

  std::FILE* m_out;
  std::size_t m_total, m_done = 0, m_unexpected = 0;
  bool m_terminal;
  std::map<std::string, std::map<Verdict, std::size_t>> m_counts; // target -> verdict -> n
};

// The status line of one result, without the progress count.
std::string status_line(const CellResult& r, std::size_t done, std::size_t total);

} // namespace amx
