#include "report/run_report.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

namespace amx {

RunReport load_report(Database& db, const std::string& db_name, std::int64_t run, std::size_t history) {
  RunReport r;
  r.run = db.stored_run(run);
  r.db = db_name;
  Queries q(db);
  r.verdicts = db.verdict_counts(run);
  for (const auto& row : q.results(run, {}))
    r.results.push_back(q.show(row.key, run));
  r.spellings = q.spellings(run);
  if (history)
    r.trails = q.trails(run, history);
  // A refused spelling is news in every report, with history or without.
  if (auto before = q.previous_run(run, false)) {
    auto d = q.diff(*before, run, {});
    r.spelling_changes = d.spelling_changes;
    if (history)
      r.since_previous = std::move(d);
  }
  return r;
}

std::string repro_command(const RunReport& r, const std::string& key) {
  return fmt::format("abimatrix repro {} --run {}{}", key, r.run.id,
                     r.db.empty() || r.db == kDefaultDatabase ? "" : " --db " + shell_quote(r.db));
}

} // namespace amx
