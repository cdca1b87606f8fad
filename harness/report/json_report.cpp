#include "report/json_report.hpp"

#include "report/result_json.hpp"

namespace amx {

using nlohmann::json;

namespace {

json key_of(const ShownResult* s) { return s ? json(s->result.key) : json(); }

json to_json(const FlagConclusion& c, const std::vector<std::string>& rustcs) {
  json guards = json::array();
  for (std::size_t i = 0; i < rustcs.size(); i++)
    guards.push_back({{"rustc", rustcs[i]},
                      {"mixing", to_string(c.guards[i].guard)},
                      {"option", c.guards[i].option.empty() ? json() : json(c.guards[i].option)},
                      {"stability", c.standing[i].stability ? json(to_string(*c.standing[i].stability)) : json()},
                      {"spelling", c.standing[i].args.empty() ? json() : json(c.standing[i].args)},
                      {"stability_message", c.standing[i].message}});
  return {{"flag", c.flag->name},
          {"target", c.target.empty() ? json() : json(c.target)},
          {"effect", to_string(c.effect)},
          {"example", key_of(c.example)},
          {"quiet_fixtures", c.quiet_fixtures},
          {"rustc", guards},
          {"rfc3716", to_string(c.verdict)},
          {"defect", key_of(c.defect)},
          {"reproducers", c.reproducers}};
}

} // namespace

json conclusions_json(const Conclusions& all) {
  json j = {{"rows", json::array()}, {"by_target", json::array()}};
  for (const auto& c : all.rows)
    j["rows"].push_back(to_json(c, all.rustcs));
  for (const auto& c : all.by_target)
    j["by_target"].push_back(to_json(c, all.rustcs));
  j["shared_defects"] = json::array();
  for (const auto& g : all.shared_defects) {
    json keys = json::array();
    for (const auto* c : g.cells)
      keys.push_back(c->result.key);
    j["shared_defects"].push_back({{"expect_reason", g.expect_reason}, {"cells", keys}, {"reproducers", g.reproducers}});
  }
  return j;
}

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
              {"cell_filter_out", info.cell_filter_out},
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
  j["conclusions"] = conclusions_json(conclude_run(r));
  j["spellings"] = json::array();
  for (const auto& f : r.spellings)
    j["spellings"].push_back(to_json(f));
  j["spelling_changes"] = to_json(r.spelling_changes);
  j["results"] = json::array();
  for (const auto& s : r.results) {
    j["results"].push_back(to_json(s));
    j["results"].back()["finding"] = to_string(finding_of(s));
  }
  return j;
}

std::string report_json_text(const RunReport& r) {
  return report_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace amx
