#include "store/queries.hpp"

#include "store/columns.hpp"

#include <sqlite3.h>

namespace amx {

ShownResult Queries::show(const std::string& key, std::int64_t run) {
  auto sql = fmt::format("SELECT {}, r.expect_reason, coalesce(r.expected_stage, ''), r.duration_ms, r.exit_code, "
                         "r.signal, r.c_args, r.rust_args, r.fixtures_dir, r.work_dir, r.cache_dir FROM {} "
                         "WHERE r.run_id = ? AND r.cell_key = ?",
                         kResultColumns, kResultTables);
  Statement q(m_db, sql.c_str());
  q.bind(1, run).bind(2, key);
  if (!q.next())
    throw FatalError(fmt::format("cell {} has no result in run {} (`abimatrix history {}` lists its runs)", key, run, key));
  ShownResult s;
  s.result = result_row(q);
  s.expect_reason = q.text(kResultColumnCount);
  s.expected_stage = stage_column(q, kResultColumnCount + 1);
  s.duration_ms = sqlite3_column_double(q.handle(), kResultColumnCount + 2);
  s.exit_code = optional_int(q, kResultColumnCount + 3);
  s.signal = optional_int(q, kResultColumnCount + 4);
  s.c_args = string_list(q, kResultColumnCount + 5);
  s.rust_args = string_list(q, kResultColumnCount + 6);
  s.layout = {q.text(kResultColumnCount + 7), q.text(kResultColumnCount + 8), q.text(kResultColumnCount + 9)};
  q.reset();

  Statement checks(m_db, "SELECT property, flag, held, detail, kind, test, expected, received, c_type, rust_type FROM checks "
                         "WHERE run_id = ? AND cell_key = ? ORDER BY seq");
  checks.bind(1, run).bind(2, key);
  while (checks.next())
    s.checks.push_back(check_row(checks));

  Statement mix(m_db, "SELECT NULL, NULL, refused, message, allow_flag, allowed FROM rust_mix "
                      "WHERE run_id = ? AND cell_key = ?");
  mix.bind(1, run).bind(2, key);
  if (mix.next()) {
    auto allowed = optional_int(mix, 5);
    // The experiment mixes the cell's own two settings.
    s.rust_mix = RustMix{s.result.c, s.result.rust, mix.integer(2) != 0, mix.text(3), mix.text(4),
                         allowed ? std::optional<bool>(*allowed != 0) : std::nullopt};
    mix.reset();
  }

  Statement steps(m_db, "SELECT s.stage, s.step, s.command, o.text, s.exit_code, s.signal, s.timed_out, "
                        "s.output_capped, s.shared, s.duration_ms, s.cwd, s.reused, s.cache_key, s.env FROM steps s JOIN outputs o ON o.id = s.output_id "
                        "WHERE s.run_id = ? AND s.cell_key = ? ORDER BY s.seq");
  steps.bind(1, run).bind(2, key);
  while (steps.next())
    s.steps.push_back({enum_column(steps, 0, parse_stage, "stage"), steps.text(1), steps.text(2), steps.text(3),
                       optional_int(steps, 4),
                       optional_int(steps, 5), steps.integer(6) != 0, steps.integer(7) != 0, steps.integer(8) != 0,
                       sqlite3_column_double(steps.handle(), 9), steps.text(10), steps.integer(11) != 0,
                       steps.text(12), steps.text(13)});
  Statement sources(m_db, "SELECT s.path, o.text FROM sources s JOIN outputs o ON o.id = s.output_id "
                          "WHERE s.run_id = ? AND s.cell_key = ? ORDER BY s.path");
  sources.bind(1, run).bind(2, key);
  while (sources.next())
    s.sources.push_back({sources.text(0), sources.text(1)});
  const auto c_binary = c_compiler_binary(s.result.c_compiler, s.result.target);
  for (const auto& f : run_spellings(run)) {
    const bool c = f.tool.role == "c-compiler" && f.tool.name == c_binary;
    const bool rust = f.tool.role == "rustc" && f.tool.name == s.result.rustc;
    const Setting& side = c ? s.result.c : s.result.rust;
    if (f.chosen && f.target == s.result.target && (c || rust) && value_of(side, f.flag) == f.value)
      s.spellings.push_back(f);
  }
  return s;
}

} // namespace amx
