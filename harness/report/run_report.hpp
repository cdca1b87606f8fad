#pragma once
// Everything the report formats say about one run, read once from the
// database: the run, its tools and flags, and every result in full.

#include "store/database.hpp"
#include "store/queries.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace amx {

struct RunReport {
  StoredRun run;
  std::map<Verdict, std::size_t> verdicts;
  std::vector<ShownResult> results; // by target, fixture, compiler, settings
  std::string db;                   // as the user named it, for the repro commands shown
  // With history: each cell's last verdicts, and what changed since the
  // previous run of the matrix (none for its first).
  std::map<std::string, CellTrail> trails;
  std::optional<RunDiff> since_previous;
  // What each compiler made of each flag spelling (Queries::spellings), and
  // the spellings of the previous run of the matrix they refuse now.
  std::vector<SpellingFact> spellings;
  std::vector<SpellingChange> spelling_changes;
};

// With history > 0, also each cell's last `history` verdicts.
RunReport load_report(Database& db, const std::string& db_name, std::int64_t run, std::size_t history = 0);

// The command that writes a cell's reproducer script.
std::string repro_command(const RunReport& r, const std::string& key);

} // namespace amx
