#include "report/console.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace amx {

std::string status_line(const CellResult& r, std::size_t done, std::size_t total) {
  std::string verdict = to_string(r.verdict);
  std::transform(verdict.begin(), verdict.end(), verdict.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string line = fmt::format("{:<5} [{:.2f}s] ({}/{}) {}", verdict, r.elapsed.count(), done, total, r.cell->name);
  if (r.verdict != Verdict::pass && !r.outcome.reason.empty())
    line += fmt::format(": {}{}", r.outcome.stage ? to_string(*r.outcome.stage) + ": " : "", r.outcome.reason);
  if (r.verdict == Verdict::xpass)
    line += fmt::format(": passed, but expected to fail: {}", r.cell->expect_reason);
  return line;
}

Console::Console(std::FILE* out, bool terminal, std::string matrix, std::string destination)
    : m_out(out), m_terminal(terminal), m_matrix(std::move(matrix)), m_destination(std::move(destination)) {}

void Console::started(const RunStart& s) {
  m_total = s.cells;
  if (s.resumed)
    fmt::print(m_out, "resuming run {} of {}: {} of {} cells left, {} jobs, into {}\n", s.run, m_matrix, s.cells,
               s.planned, s.jobs, m_destination);
  else
    fmt::print(m_out, "run {} of {} ({} cells{}, {} jobs) into {}\n", s.run, m_matrix, s.cells,
               s.partition ? ", shard " + to_string(*s.partition) : "", s.jobs, m_destination);
  for (const auto& t : s.tools)
    fmt::print(m_out, "  {:<10} {}: {}\n", t.role, t.path.string(), t.version);
  std::fflush(m_out);
}

void Console::probing(std::size_t answered, std::size_t asked) {
  if (!m_terminal)
    return;
  clear_progress();
  fmt::print(m_out, "  asking the compilers which flags they accept: {}/{}", answered, asked);
  std::fflush(m_out);
}

void Console::probed(std::size_t command_lines) {
  clear_progress();
  fmt::print(m_out, "  asked the compilers about {} command lines (answers kept for the next run)\n", command_lines);
  std::fflush(m_out);
}

void Console::clear_progress() {
  if (m_terminal)
    std::fputs("\r\033[K", m_out);
}

void Console::finished(const CellResult& r) {
  m_done++;
  m_counts[r.cell->target->name][r.verdict]++;
  if (is_unexpected(r.verdict))
    m_unexpected++;
  clear_progress();
  fmt::print(m_out, "{}\n", status_line(r, m_done, m_total));
  if (m_terminal)
    fmt::print(m_out, "[{}/{}] {} unexpected", m_done, m_total, m_unexpected);
  std::fflush(m_out);
}

void Console::summary(bool interrupted) {
  clear_progress();
  fmt::print(m_out, "\n{:<10}", "target");
  for (auto v : kAllVerdicts)
    fmt::print(m_out, " {:>6}", to_string(v));
  fmt::print(m_out, " {:>6}\n", "total");
  std::map<Verdict, std::size_t> totals;
  for (const auto& [target, counts] : m_counts) {
    fmt::print(m_out, "{:<10}", target);
    std::size_t sum = 0;
    for (auto v : kAllVerdicts) {
      auto it = counts.find(v);
      std::size_t n = it == counts.end() ? 0 : it->second;
      totals[v] += n;
      sum += n;
      fmt::print(m_out, " {:>6}", n);
    }
    fmt::print(m_out, " {:>6}\n", sum);
  }
  fmt::print(m_out, "{:<10}", "all");
  for (auto v : kAllVerdicts)
    fmt::print(m_out, " {:>6}", totals[v]);
  fmt::print(m_out, " {:>6}\n\n", m_done);
  if (interrupted)
    fmt::print(m_out, "interrupted after {} of {} cells; finished results are saved\n", m_done, m_total);
  else if (m_unexpected)
    fmt::print(m_out, "{} of {} cells unexpected (fail or xpass)\n", m_unexpected, m_done);
  else
    fmt::print(m_out, "all {} cells as expected\n", m_done);
  std::fflush(m_out);
}

} // namespace amx
