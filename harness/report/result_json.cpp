#include "report/result_json.hpp"

namespace amx {

namespace {

using nlohmann::json;

json optional_int(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(); }
json optional_stage(const std::optional<Stage>& s) { return s ? json(to_string(*s)) : json(); }

} // namespace

json to_json(const Setting& s) {
  json o = json::object();
  for (const auto& [k, v] : s)
    o[k] = v;
  return o;
}

json to_json(const std::map<Verdict, std::size_t>& counts) {
  json o = json::object();
  for (const auto& [v, n] : counts)
    o[to_string(v)] = n;
  return o;
}

json to_json(const CheckResult& c) {
  return {{"property", c.property},
          {"flag", c.flag},
          {"held", c.held},
          {"outcome", check_outcome(c)},
          {"detail", c.detail},
          {"kind", to_string(c.kind)},
          {"test", c.test},
          {"direction", check_direction(c.property)},
          {"c_type", c.c_type},
          {"rust_type", c.rust_type},
          {"expected", c.expected},
          {"received", c.received}};
}

json to_json(const ResultRow& r) {
  return {{"run", r.run},
          {"key", r.key},
          {"name", r.name},
          {"target", r.target},
          {"fixture", r.fixture},
          {"c_compiler", r.c_compiler},
          {"rustc", r.rustc},
          {"c_setting", to_string(r.c)},
          {"rust_setting", to_string(r.rust)},
          {"pairing", to_string(r.pairing)},
          {"verdict", to_string(r.verdict)},
          {"expected", to_string(r.expected)},
          {"stage", optional_stage(r.stage)},
          {"reason", r.reason}};
}

json to_json(const ShownResult& s) {
  json j = to_json(s.result);
  j["c_flags"] = to_json(s.result.c);
  j["rust_flags"] = to_json(s.result.rust);
  j["c_args"] = s.c_args;
  j["rust_args"] = s.rust_args;
  j["expect_reason"] = s.expect_reason;
  j["expected_stage"] = optional_stage(s.expected_stage);
  j["duration_ms"] = s.duration_ms;
  j["exit_code"] = optional_int(s.exit_code);
  j["signal"] = optional_int(s.signal);
  j["checks"] = json::array();
  for (const auto& c : s.checks)
    j["checks"].push_back(to_json(c));
  j["rust_mix"] = s.rust_mix ? json{{"minicore_setting", to_string(s.rust_mix->minicore_setting)},
                                    {"crate_setting", to_string(s.rust_mix->crate_setting)},
                                    {"refused", s.rust_mix->refused},
                                    {"message", s.rust_mix->message},
                                    {"allow_flag", s.rust_mix->allow_flag},
                                    {"allowed", s.rust_mix->allowed ? json(*s.rust_mix->allowed) : json()}}
                             : json();
  j["steps"] = json::array();
  for (const auto& st : s.steps)
    j["steps"].push_back({{"stage", to_string(st.stage)},
                          {"step", st.step},
                          {"command", st.command},
                          {"exit_code", optional_int(st.exit_code)},
                          {"signal", optional_int(st.signal)},
                          {"timed_out", st.timed_out},
                          {"output_capped", st.output_capped},
                          {"shared", st.shared},
                          {"reused", st.reused},
                          {"cache_key", st.cache_key},
                          {"env", st.env},
                          {"duration_ms", st.duration_ms},
                          {"output", st.output}});
  j["spellings"] = json::array();
  for (const auto& f : s.spellings)
    j["spellings"].push_back(to_json(f));
  return j;
}

json to_json(const SpellingFact& f) {
  return {{"tool", f.tool.name},
          {"version", f.tool.version},
          {"flag", f.flag},
          {"value", f.value},
          {"target", f.target},
          {"spelling", f.spelling},
          {"args", f.args},
          {"chosen", f.chosen},
          {"accepted", f.accepted ? json(*f.accepted) : json()},
          {"message", f.message},
          {"stability", f.stability ? json(to_string(*f.stability)) : json()},
          {"stability_message", f.stability_message}};
}

json to_json(const std::vector<CellChange>& changes) {
  json a = json::array();
  for (const auto& c : changes)
    a.push_back({{"key", c.key},
                 {"name", c.name},
                 {"before", c.before ? to_json(*c.before) : json()},
                 {"after", c.after ? to_json(*c.after) : json()},
                 {"now_failing", c.now_failing},
                 {"now_holding", c.now_holding}});
  return a;
}

json to_json(const std::vector<SpellingChange>& changes) {
  json a = json::array();
  for (const auto& c : changes)
    a.push_back({{"tool", c.tool.name},
                 {"version", c.tool.version},
                 {"flag", c.flag},
                 {"refused", c.was},
                 {"message", c.message},
                 {"use", c.now},
                 {"cells", c.cells},
                 {"text", c.text()}});
  return a;
}

json to_json(const RunDiff& d) {
  return {{"from", d.from},
          {"to", d.to},
          {"tool_changes", d.tool_changes},
          {"spelling_changes", to_json(d.spelling_changes)},
          {"regressions", to_json(d.regressions)},
          {"fixes", to_json(d.fixes)},
          {"changed", to_json(d.changed)},
          {"new", to_json(d.added)},
          {"gone", to_json(d.gone)}};
}

} // namespace amx
