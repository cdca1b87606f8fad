#pragma once
// The one JSON encoding of a result, shared by `query`, `show` and
// `report --format json` (docs/report-schema.json), and of what changed
// between two runs, shared by `diff`, `regressions` and the HTML page.

#include "store/queries.hpp"

#include <nlohmann/json.hpp>

namespace amx {

// The fields every listing of results has.
nlohmann::json to_json(const ResultRow& r);
// Those, and its flags, checks, Rust-vs-Rust experiment and steps.
nlohmann::json to_json(const ShownResult& s);
nlohmann::json to_json(const CheckResult& c);
// {"fixed-x18": "on", ...}
nlohmann::json to_json(const Setting& s);
nlohmann::json to_json(const std::map<Verdict, std::size_t>& counts);
nlohmann::json to_json(const std::vector<CellChange>& changes);
// A diff of two runs: from, to, tool_changes, regressions, fixes, changed,
// new and gone (`diff --format json`, the HTML page's changes).
nlohmann::json to_json(const RunDiff& d);
nlohmann::json to_json(const SpellingFact& f);
nlohmann::json to_json(const std::vector<SpellingChange>& changes);

} // namespace amx
