#include "report/run_files.hpp"

#include "report/json_report.hpp"
#include "report/junit.hpp"
#include "report/run_report.hpp"
#include "store/database.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amx {

RunFiles::RunFiles(RunObserver& shown, std::filesystem::path db, std::filesystem::path junit,
                   std::filesystem::path json, std::chrono::milliseconds interval, Clock clock)
    : m_shown(shown), m_db(std::move(db)), m_junit(std::move(junit)), m_json(std::move(json)), m_interval(interval),
      m_clock(std::move(clock)) {
  // Said before anything is recorded, not after the run began.
  for (const auto& [file, what] : {std::pair{&m_junit, "the JUnit report"}, {&m_json, "the JSON report"}}) {
    std::error_code ec;
    if (file->empty())
      continue;
    if (std::filesystem::is_directory(*file, ec))
      throw FatalError(fmt::format("{}: cannot write {}: it is a folder", file->string(), what));
    auto folder = std::filesystem::absolute(*file).parent_path();
    if (!std::filesystem::is_directory(folder, ec))
      throw FatalError(fmt::format("{}: cannot write {}: there is no folder {}", file->string(), what,
                                   folder.string()));
  }
}

void RunFiles::started(const RunStart& s) {
  m_shown.started(s);
  m_run = s.run;
  write();
}

void RunFiles::finished(const CellResult& r) {
  m_shown.finished(r);
  if (m_clock() >= m_due)
    write();
}

void RunFiles::write() {
  if (m_junit.empty() && m_json.empty())
    return;
  const auto start = m_clock();
  Database db(m_db, Access::read);
  auto report = load_report(db, m_db.string(), m_run);
  if (!m_junit.empty())
    replace_file(m_junit, render_junit(report), "the JUnit report");
  if (!m_json.empty())
    replace_file(m_json, report_json_text(report), "the JSON report");
  // Results are handed over one at a time while this runs: on a run whose
  // report takes long to read, write less often, keeping it to a tenth.
  const auto now = m_clock();
  m_due = now + std::max<std::chrono::steady_clock::duration>(m_interval, 10 * (now - start));
}

} // namespace amx
