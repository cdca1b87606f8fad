#pragma once
// The reports a run writes while it goes (`run --junit FILE`, `--json
// FILE`): rewritten from the database as cells finish, at most once per
// interval (longer when a write takes more than a tenth of it), and once
// more when the run ends, each replaced whole. A CI job
// cut short by its own timeout still has a report of what finished.

#include "run/driver.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace amx {

class RunFiles : public RunObserver {
public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // Passes every event on to `shown` (the console) first. Empty paths are
  // not written.
  RunFiles(RunObserver& shown, std::filesystem::path db, std::filesystem::path junit, std::filesystem::path json,
           std::chrono::milliseconds interval = std::chrono::seconds(1), Clock clock = std::chrono::steady_clock::now);

  // Writes them at once: an unwritable path stops the run before any cell.
  void started(const RunStart& s) override;
  void probing(std::size_t answered, std::size_t asked) override { m_shown.probing(answered, asked); }
  void probed(std::size_t command_lines) override { m_shown.probed(command_lines); }
  void finished(const CellResult& r) override;
  // Writes what the database holds now; after the run, all of it.
  void write();

private:
  RunObserver& m_shown;
  std::filesystem::path m_db, m_junit, m_json;
  std::chrono::milliseconds m_interval;
  Clock m_clock;
  std::chrono::steady_clock::time_point m_due; // of the next write while cells finish
  std::int64_t m_run = 0;
};

} // namespace amx
