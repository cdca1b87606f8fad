#pragma once
// The whole run as JSON, every field of every result, for other tools. The
// document says its schema and version; docs/report-schema.json is that
// schema (JSON Schema 2020-12). Version 1; a field's meaning never changes
// within a version, new fields may be added.

#include "report/findings.hpp"
#include "report/run_report.hpp"

#include <nlohmann/json.hpp>

namespace amx {

constexpr int kReportSchemaVersion = 1;

nlohmann::json report_json(const RunReport& r);
// report_json as the text `report --format json` prints (bytes that are not
// UTF-8 replaced).
std::string report_json_text(const RunReport& r);

// What a run concludes per flag ("rows": per target only where targets
// differ; "by_target": every flag and target; "shared_defects").
nlohmann::json conclusions_json(const Conclusions& all);

} // namespace amx
