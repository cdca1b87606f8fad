#pragma once
// What a person watching a run sees: the run's start and tools, one status
// line per finished cell, an overwritten progress line (with elapsed time
// and an estimate of what is left) on a terminal only, and a closing table
// with the unexpected cells listed again. The only thing that prints during
// a run.

#include "run/driver.hpp"

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace amx {

enum class Verbosity {
  quiet,   // only unexpected cells, and the closing table
  normal,  // every cell
  verbose, // every cell and each of its steps' commands
};

struct ConsoleStyle {
  bool terminal = false; // an overwritten progress line
  bool colour = false;   // verdicts in ANSI colours
  Verbosity verbosity = Verbosity::normal;
};

// --color: "always", "never", or "auto" (a terminal, and NO_COLOR unset or
// empty, as no-color.org asks); FatalError for anything else.
bool use_colour(const std::string& choice, bool terminal, const char* no_color);

// How a run ended, for the closing line.
enum class RunEnd { complete, interrupted, max_fail };

class Console : public RunObserver {
public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // matrix and destination only name the run in its first line.
  Console(std::FILE* out, ConsoleStyle style, std::string matrix = "", std::string destination = "",
          Clock clock = std::chrono::steady_clock::now);

  void started(const RunStart& s) override;
  void probing(std::size_t answered, std::size_t asked) override;
  void probed(std::size_t command_lines) override;
  void finished(const CellResult& r) override;
  // Counts by verdict per target, the unexpected cells, and the closing line.
  void summary(RunEnd end);

private:
  void clear_progress();
  std::string elapsed_text() const;

  std::FILE* m_out;
  ConsoleStyle m_style;
  std::string m_matrix, m_destination;
  Clock m_clock;
  std::chrono::steady_clock::time_point m_start;
  std::size_t m_total = 0, m_done = 0, m_key_length = 16;
  std::size_t m_unexpected = 0;
  std::vector<std::string> m_listed; // the first unexpected cells' lines, for the end
  std::map<std::string, std::map<Verdict, std::size_t>> m_counts; // target -> verdict -> n
};

// A result as one line: verdict, the cell's key cut to key_length, its
// name, and why when it did not pass.
std::string cell_line(const CellResult& r, std::size_t key_length, bool colour = false);
// cell_line with the cell's time and the progress count.
std::string status_line(const CellResult& r, std::size_t done, std::size_t total, std::size_t key_length,
                        bool colour = false);
// "0:07", "12:34", "1:02:03".
std::string clock_text(std::chrono::duration<double> d);

} // namespace amx
