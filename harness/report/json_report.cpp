#include "report/json_report.hpp"

#include "report/result_json.hpp"

namespace amx {

using nlohmann::json;

json report_json(const RunReport& r) {
  const auto& info = r.run.info;
  json j = {{"schema", "abimatrix-report"}, {"version", kReportSchemaVersion}};
  j["run"] = {{"id", r.run.id},
              {"matrix", info.matrix_name},
              {"matrix_path", info.matrix_path},
              {"matrix_hash", info.matrix_hash},
              {"host", info.host},
              {"status", r.run.status},
              {"started_at", r.run.started_at},
              {"finished_at", r.run.finished_at.empty() ? json() : json(r.run.finished_at)},
              {"cells_planned", info.cells_planned},
              {"cell_filter", info.cell_filter},
              {"shard", info.partition ? json(to_string(*info.partition)) : json()},
              {"verdicts", to_json(r.verdicts)}};
  j["tools"] = json::array();
  for (const auto& t : info.tools)
    j["tools"].push_back({{"role", t.role}, {"name", t.name}, {"path", t.path.string()}, {"version", t.version}});
  j["flags"] = json::array();
  for (const auto& f : info.flags)
    j["flags"].push_back({{"name", f.name},
                          {"class", f.cls},
                          {"description", f.description},
                          {"targets", f.targets},
                          {"spellings", f.spellings}});
  j["results"] = json::array();
  for (const auto& s : r.results)
    j["results"].push_back(to_json(s));
  return j;
}

} // namespace amx
