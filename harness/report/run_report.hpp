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
  std::map<std::string, std::size_t> verdicts;
  std::vector<ShownResult> results; // by target, fixture, compiler, settings
};

RunReport load_report(Database& db, std::int64_t run);

// What the reports call a result in one phrase: "pass", "fail at run",
// "skip"; "xfail"/"xpass" are said as failed/passed against the expectation.
std::string outcome_phrase(const ResultRow& r);
bool unexpected(const ResultRow& r);

} // namespace amx
