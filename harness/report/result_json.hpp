#pragma once
// The one JSON encoding of a result, shared by `query`, `show` and
// `report --format json` (docs/report-schema.json).

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

} // namespace amx
