#include "report/json_report.hpp"

namespace amx {

namespace {

using nlohmann::json;

json optional_int(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(); }

json flags_object(const std::vector<std::pair<std::string, std::string>>& flags) {
  json o = json::object();
  for (const auto& [k, v] : flags)
    o[k] = v;
  return o;
}

json result_json(const ShownResult& s) {
  const auto& r = s.result;
  json j = {{"key", r.key},
            {"name", r.name},
            {"target", r.target},
            {"fixture", r.fixture},
            {"c_compiler", r.c_compiler},
            {"rustc", r.rustc},
            {"c_setting", r.c_setting},
            {"rust_setting", r.rust_setting},
            {"c_flags", flags_object(s.c_flags)},
            {"rust_flags", flags_object(s.rust_flags)},
            {"pairing", r.pairing},
            {"verdict", r.verdict},
            {"expected", r.expected},
            {"expect_reason", s.expect_reason},
            {"expected_stage", s.expected_stage.empty() ? json() : json(s.expected_stage)},
            {"stage", r.stage.empty() ? json() : json(r.stage)},
            {"reason", r.reason},
            {"duration_ms", s.duration_ms},
            {"exit_code", optional_int(s.exit_code)},
            {"signal", optional_int(s.signal)}};
  j["checks"] = json::array();
  for (const auto& c : s.checks)
    j["checks"].push_back({{"property", c.property}, {"flag", c.flag}, {"held", c.held}, {"detail", c.detail}});
  j["rust_mix"] = s.rust_mix ? json{{"minicore_setting", s.rust_mix->minicore_setting},
                                    {"crate_setting", s.rust_mix->crate_setting},
                                    {"refused", s.rust_mix->refused},
                                    {"message", s.rust_mix->message},
                                    {"allow_flag", s.rust_mix->allow_flag},
                                    {"allowed", s.rust_mix->allowed ? json(*s.rust_mix->allowed) : json()}}
                             : json();
  j["steps"] = json::array();
  for (const auto& st : s.steps)
    j["steps"].push_back({{"stage", st.stage},
                          {"step", st.step},
                          {"command", st.command},
                          {"exit_code", optional_int(st.exit_code)},
                          {"signal", optional_int(st.signal)},
                          {"timed_out", st.timed_out},
                          {"output_capped", st.output_capped},
                          {"shared", st.shared},
                          {"duration_ms", st.duration_ms},
                          {"output", st.output}});
  return j;
}

} // namespace

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
              {"verdicts", r.verdicts}};
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
    j["results"].push_back(result_json(s));
  return j;
}

} // namespace amx
