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
};

RunReport load_report(Database& db, std::int64_t run);

} // namespace amx
