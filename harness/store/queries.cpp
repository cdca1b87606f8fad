#include "store/queries.hpp"

#include "model/cell.hpp"
#include "model/target.hpp"
#include "store/statement.hpp"
#include "toolchain/toolchain.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

namespace amx {

namespace {

// A WHERE clause built from a filter, with its parameters in order.
struct Where {
  std::vector<std::string> clauses;
  std::vector<std::string> params;

  void any_glob(const std::string& column, const std::vector<std::string>& patterns) {
    if (patterns.empty())
      return;
    std::vector<std::string> ors;
    for (const auto& p : patterns) {
      ors.push_back(column + " GLOB ?");
      params.push_back(p);
    }
    clauses.push_back("(" + join(ors, " OR ") + ")");
  }

  // "NAME" or "NAME=VALUE" held by one of the given setting-id columns.
  void flag(const std::string& spec, const std::vector<std::string>& sides) {
    auto eq = spec.find('=');
    std::string name = spec.substr(0, eq);
    std::optional<std::string> value;
    if (eq != std::string::npos)
      value = spec.substr(eq + 1);
    std::vector<std::string> ors;
    for (const auto& side : sides) {
      if (value == "off") {
        ors.push_back(fmt::format("NOT EXISTS (SELECT 1 FROM setting_flags f WHERE f.setting_id = {} AND f.flag = ?)", side));
        params.push_back(name);
      } else if (value) {
        ors.push_back(fmt::format(
            "EXISTS (SELECT 1 FROM setting_flags f WHERE f.setting_id = {} AND f.flag = ? AND f.value = ?)", side));
        params.push_back(name);
        params.push_back(*value);
      } else {
        ors.push_back(fmt::format("EXISTS (SELECT 1 FROM setting_flags f WHERE f.setting_id = {} AND f.flag = ?)", side));
        params.push_back(name);
      }
    }
    clauses.push_back("(" + join(ors, " OR ") + ")");
  }

  std::string sql() const { return clauses.empty() ? "1" : join(clauses, " AND "); }
};

Where where_for(const ResultFilter& f) {
  Where w;
  for (const auto& spec : f.flags)
    w.flag(spec, {"c.c_setting_id", "c.rust_setting_id"});
  for (const auto& spec : f.c_flags)
    w.flag(spec, {"c.c_setting_id"});
  for (const auto& spec : f.rust_flags)
    w.flag(spec, {"c.rust_setting_id"});
  w.any_glob("tg.name", f.targets);
  w.any_glob("c.fixture", f.fixtures);
  if (!f.compilers.empty()) {
    Where either;
    either.any_glob("c.c_compiler", f.compilers);
    either.any_glob("c.rustc", f.compilers);
    w.clauses.push_back("(" + join(either.clauses, " OR ") + ")");
    w.params.insert(w.params.end(), either.params.begin(), either.params.end());
  }
  w.any_glob("r.verdict", f.verdicts);
  w.any_glob("c.pairing", f.pairings);
  return w;
}

constexpr const char* kResultColumns =
    "r.run_id, c.key, c.name, tg.name, c.fixture, c.c_compiler, c.rustc, c.c_setting_id, c.rust_setting_id, "
    "c.pairing, r.verdict, r.expected, coalesce(r.stage, ''), r.reason";
constexpr int kResultColumnCount = 14;

// What kResultColumns reads from.
constexpr const char* kResultTables =
    "results r JOIN cells c ON c.key = r.cell_key JOIN targets tg ON tg.id = c.target_id";

// A column that holds one of an enum's names; anything else means the
// file was not written by abimatrix.
template <typename E>
E enum_column(Statement& q, int col, std::optional<E> (*parse)(const std::string&), const char* what) {
  auto text = q.text(col);
  if (auto e = parse(text))
    return *e;
  throw FatalError(fmt::format("the database holds an unknown {} '{}'", what, text));
}

// A JSON array of strings, as the plan's arguments are kept.
std::vector<std::string> string_list(Statement& q, int col) {
  auto j = nlohmann::json::parse(q.text(col), nullptr, false);
  if (!j.is_array())
    throw FatalError(fmt::format("the database holds an argument list that is not a JSON array: {}", q.text(col)));
  std::vector<std::string> out;
  for (const auto& e : j) {
    if (!e.is_string())
      throw FatalError(fmt::format("the database holds an argument list with a non-string: {}", q.text(col)));
    out.push_back(e.get<std::string>());
  }
  return out;
}

// property, flag, held, detail, kind, test, expected, received
CheckResult check_row(Statement& q, int at = 0) {
  return {q.text(at),     q.text(at + 1), q.integer(at + 2) != 0, q.text(at + 3),
          enum_column(q, at + 4, parse_check_kind, "check kind"),
          q.text(at + 5), q.text(at + 6), q.text(at + 7), q.text(at + 8), q.text(at + 9)};
}

std::optional<Stage> stage_column(Statement& q, int col) {
  if (q.text(col).empty())
    return std::nullopt;
  return enum_column(q, col, parse_stage, "stage");
}


// The tools of a run, as "role name version" lines: what "the toolchain
// changed" compares.
std::set<std::string> tool_set(sqlite3* db, std::int64_t run) {
  std::set<std::string> out;
  for (const auto& t : run_tools(db, run))
    out.insert(t.role + " " + t.name + " " + t.version);
  return out;
}

std::optional<std::int64_t> optional_int(Statement& q, int col) {
  if (sqlite3_column_type(q.handle(), col) == SQLITE_NULL)
    return std::nullopt;
  return q.integer(col);
}

} // namespace

const Setting& Queries::setting(std::int64_t id) {
  auto it = m_settings.find(id);
  if (it != m_settings.end())
    return it->second;
  Statement q(m_db, "SELECT flag, value FROM setting_flags WHERE setting_id = ?");
  q.bind(1, id);
  Setting s;
  while (q.next())
    s[q.text(0)] = q.text(1);
  return m_settings.emplace(id, std::move(s)).first->second;
}

ResultRow Queries::result_row(Statement& q) {
  ResultRow r;
  r.run = q.integer(0);
  r.key = q.text(1);
  r.name = q.text(2);
  r.target = q.text(3);
  r.fixture = q.text(4);
  r.c_compiler = q.text(5);
  r.rustc = q.text(6);
  r.c = setting(q.integer(7));
  r.rust = setting(q.integer(8));
  r.pairing = enum_column(q, 9, parse_pairing, "pairing");
  r.verdict = enum_column(q, 10, parse_verdict, "verdict");
  r.expected = enum_column(q, 11, parse_expected, "expectation");
  r.stage = stage_column(q, 12);
  r.reason = q.text(13);
  return r;
}

std::vector<ResultRow> Queries::select_results(std::int64_t run, const std::string& where,
                                               const std::vector<std::string>& params) {
  auto sql = fmt::format("SELECT {} FROM {} WHERE r.run_id = ? AND {} "
                         "ORDER BY tg.name, c.fixture, c.c_compiler, c.c_setting, c.rust_setting",
                         kResultColumns, kResultTables, where);
  Statement q(m_db, sql.c_str());
  q.bind(1, run);
  for (std::size_t i = 0; i < params.size(); i++)
    q.bind(static_cast<int>(i + 2), params[i]);
  std::vector<ResultRow> out;
  while (q.next())
    out.push_back(result_row(q));
  return out;
}

std::vector<RunRow> Queries::runs(std::size_t limit) {
  Statement q(m_db, "SELECT id, matrix_name, matrix_path, started_at, coalesce(finished_at, ''), status, cells_planned, "
                    "coalesce(shard || '/' || shards, ''), merged_from, harness_version, fixtures_hash FROM runs "
                    "ORDER BY id DESC LIMIT ?");
  q.bind(1, static_cast<std::int64_t>(limit));
  std::vector<RunRow> out;
  while (q.next())
    out.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5),
                   static_cast<std::size_t>(q.integer(6)), {}, {}, q.text(7), q.text(8), q.text(9), q.text(10)});
  Statement tools(m_db, "SELECT name || ': ' || version FROM run_tools WHERE run_id = ? AND role IN ('c-compiler', "
                        "'rustc') ORDER BY role DESC, name");
  for (auto& r : out) {
    r.verdicts = m_database.verdict_counts(r.id);
    tools.bind(1, r.id);
    while (tools.next())
      r.tools.push_back(tools.text(0));
  }
  return out;
}

std::int64_t Queries::latest_run(const std::string& matrix_name) {
  Statement q(m_db, "SELECT max(id) FROM runs WHERE ?1 = '' OR matrix_name = ?1");
  q.bind(1, matrix_name);
  if (!q.next() || sqlite3_column_type(q.handle(), 0) == SQLITE_NULL)
    throw FatalError(matrix_name.empty() ? "the database has no runs yet"
                                         : fmt::format("no run of matrix '{}' in the database", matrix_name));
  return q.integer(0);
}

std::int64_t Queries::run(std::int64_t id) {
  Statement q(m_db, "SELECT count(*) FROM runs WHERE id = ?");
  q.bind(1, id);
  if (q.single_int() == 0)
    throw FatalError(fmt::format("no run {} in the database (`abimatrix runs` lists them)", id));
  return id;
}

ResultFilter Queries::checked(const ResultFilter& filter) {
  Statement q(m_db, "SELECT 1 FROM run_flags WHERE flag = ?1 UNION ALL SELECT 1 FROM setting_flags WHERE flag = ?1 "
                    "LIMIT 1");
  for (const auto* specs : {&filter.flags, &filter.c_flags, &filter.rust_flags})
    for (const auto& spec : *specs) {
      auto name = spec.substr(0, spec.find('='));
      q.bind(1, name);
      bool known = q.next();
      q.reset();
      if (known)
        continue;
      Statement all(m_db, "SELECT DISTINCT flag FROM run_flags UNION SELECT DISTINCT flag FROM setting_flags ORDER BY 1");
      std::vector<std::string> names;
      while (all.next())
        names.push_back(all.text(0));
      throw FatalError(fmt::format("no flag {} in the database; its runs know {}", name,
                                   names.empty() ? "none" : join(names, ", ")));
    }
  // A target, fixture or compiler pattern must match something recorded:
  // a typo is an error, not an empty answer.
  auto known = [&](const std::vector<std::string>& patterns, const char* what, const char* sql) {
    if (patterns.empty())
      return;
    std::vector<std::string> names;
    for (Statement all(m_db, sql); all.next();)
      names.push_back(all.text(0));
    for (const auto& p : patterns)
      if (std::none_of(names.begin(), names.end(), [&](const std::string& n) { return glob_match(p, n); }))
        throw FatalError(fmt::format("no {} {} in the database; its runs know {}", what, p,
                                     names.empty() ? "none" : join(names, ", ")));
  };
  known(filter.targets, "target", "SELECT name FROM targets ORDER BY 1");
  known(filter.fixtures, "fixture", "SELECT DISTINCT fixture FROM cells ORDER BY 1");
  known(filter.compilers, "compiler",
        "SELECT DISTINCT c_compiler FROM cells UNION SELECT DISTINCT rustc FROM cells ORDER BY 1");
  ResultFilter out = filter;
  out.verdicts.clear();
  for (const auto& word : filter.verdicts) {
    auto meant = verdicts_meant(word);
    if (meant.empty())
      throw FatalError(fmt::format("no verdict {}: expected {}", word, verdict_words()));
    for (auto v : meant)
      if (std::find(out.verdicts.begin(), out.verdicts.end(), to_string(v)) == out.verdicts.end())
        out.verdicts.push_back(to_string(v));
  }
  return out;
}

std::vector<ResultRow> Queries::results(std::int64_t run, const ResultFilter& filter) {
  auto w = where_for(checked(filter));
  return select_results(run, w.sql(), w.params);
}

RunDiff Queries::diff(std::int64_t from, std::int64_t to, const ResultFilter& filter) {
  RunDiff d;
  d.from = from;
  d.to = to;
  auto w = where_for(checked(filter));
  auto checks_from = failing_checks(from), checks_to = failing_checks(to);
  std::map<std::string, ResultRow> before;
  for (auto& r : select_results(from, w.sql(), w.params))
    before.emplace(r.key, std::move(r));
  for (auto& r : select_results(to, w.sql(), w.params)) {
    auto it = before.find(r.key);
    if (it == before.end()) {
      d.added.push_back({r.key, r.name, std::nullopt, r, {}, {}});
      continue;
    }
    CellChange c{r.key, r.name, std::move(it->second), r, {}, {}};
    before.erase(it);
    if (checks_from && checks_to) {
      const auto& was = (*checks_from)[r.key];
      const auto& now = (*checks_to)[r.key];
      std::set_difference(now.begin(), now.end(), was.begin(), was.end(), std::back_inserter(c.now_failing));
      std::set_difference(was.begin(), was.end(), now.begin(), now.end(), std::back_inserter(c.now_holding));
    }
    const auto& a = c.before->verdict;
    const auto& b = r.verdict;
    if (a == b && c.now_failing.empty() && c.now_holding.empty())
      continue;
    // A check that starts to fail is a regression even inside a cell that
    // was already expected to fail: the toolchain broke one more thing.
    if ((is_passing(a) && is_failing(b)) || (a == b && !c.now_failing.empty()))
      d.regressions.push_back(std::move(c));
    else if ((is_failing(a) && is_passing(b)) || a == b)
      d.fixes.push_back(std::move(c));
    else
      d.changed.push_back(std::move(c));
  }
  for (auto& [key, r] : before)
    d.gone.push_back({key, r.name, std::move(r), std::nullopt, {}, {}});
  d.tool_changes = tool_differences(run_tools(m_db, from), run_tools(m_db, to));
  // The harness and the fixtures are tools of a run too: a change in them
  // can explain a change in verdicts. Runs from before schema 11 know neither.
  Statement provenance(m_db, "SELECT a.harness_version, b.harness_version, a.fixtures_hash, b.fixtures_hash FROM runs "
                             "a, runs b WHERE a.id = ? AND b.id = ?");
  provenance.bind(1, from).bind(2, to);
  if (provenance.next())
    for (auto [what, col] : {std::pair{"abimatrix", 0}, std::pair{"fixtures (hash)", 2}})
      if (auto a = provenance.text(col), b = provenance.text(col + 1); !a.empty() && !b.empty() && a != b) {
        d.tool_changes.push_back(fmt::format("- {}: {}", what, a));
        d.tool_changes.push_back(fmt::format("+ {}: {}", what, b));
      }
  return d;
}

std::optional<std::int64_t> Queries::previous_run(std::int64_t to, bool since_toolchain_change) {
  Statement q(m_db, "SELECT id FROM runs WHERE id < ? AND matrix_name = (SELECT matrix_name FROM runs WHERE id = ?) "
                    "ORDER BY id DESC");
  q.bind(1, to).bind(2, to);
  auto tools = tool_set(m_db, to);
  while (q.next()) {
    auto id = q.integer(0);
    if (!since_toolchain_change || tool_set(m_db, id) != tools)
      return id;
  }
  return std::nullopt;
}

std::int64_t Queries::baseline(std::int64_t to, bool since_toolchain_change) {
  if (auto id = previous_run(to, since_toolchain_change)) {
    Statement q(m_db, "SELECT status, cells_planned, (SELECT count(*) FROM results WHERE run_id = runs.id) "
                      "FROM runs WHERE id = ?");
    q.bind(1, *id).next();
    auto planned = q.integer(1), recorded = q.integer(2);
    if (recorded == 0 || recorded < planned || q.text(0) != "complete")
      throw FatalError(fmt::format("the run to compare run {} with, run {}, is {}: {} of {} cells recorded, status {}; "
                                   "finish it (abimatrix run --resume {}) or compare two runs with diff",
                                   to, *id, recorded == 0 ? "empty" : "partial", recorded, planned, q.text(0), *id));
    return *id;
  }
  throw FatalError(since_toolchain_change
                       ? fmt::format("no earlier run of run {}'s matrix used other tools than it", to)
                       : fmt::format("run {} is the first run of its matrix: nothing to compare with", to));
}

std::string Queries::cell(const std::string& prefix) {
  Statement q(m_db, "SELECT key FROM cells WHERE key >= ?1 AND key < ?1 || 'g' ORDER BY key LIMIT 2");
  q.bind(1, prefix);
  std::vector<std::string> keys;
  while (q.next())
    keys.push_back(q.text(0));
  if (keys.empty())
    throw FatalError(fmt::format("no cell key starts with '{}'", prefix));
  if (keys.size() > 1 && keys[0] != prefix)
    throw FatalError(fmt::format("'{}' is the start of more than one cell key ({}, {}, ...); give more of it", prefix,
                                 keys[0], keys[1]));
  return keys[0];
}

std::vector<HistoryRow> Queries::history(const std::string& key) {
  auto sql = fmt::format("SELECT r.run_id, runs.started_at, r.verdict, coalesce(r.stage, ''), r.reason, c.c_compiler, "
                         "tg.name, (SELECT version FROM run_tools t WHERE t.run_id = r.run_id AND t.role = 'rustc' AND "
                         "t.name = c.rustc) FROM {} JOIN runs ON runs.id = r.run_id "
                         "WHERE r.cell_key = ? ORDER BY r.run_id",
                         kResultTables);
  Statement q(m_db, sql.c_str());
  q.bind(1, key);
  Statement cc(m_db, "SELECT version FROM run_tools WHERE run_id = ? AND role = 'c-compiler' AND name = ?");
  std::vector<HistoryRow> out;
  while (q.next()) {
    HistoryRow h{q.integer(0), q.text(1), enum_column(q, 2, parse_verdict, "verdict"), stage_column(q, 3), q.text(4),
                 "", q.text(7), std::nullopt};
    cc.bind(1, h.run).bind(2, c_compiler_binary(q.text(5), q.text(6)));
    if (cc.next())
      h.c_compiler_version = cc.text(0);
    cc.reset();
    if (auto failing = failing_checks(h.run)) {
      const auto& names = (*failing)[key];
      h.failing_checks.emplace(names.begin(), names.end());
    }
    out.push_back(std::move(h));
  }
  return out;
}

std::map<std::string, CellTrail> Queries::trails(std::int64_t run, std::size_t n) {
  Statement q(m_db, "SELECT r.cell_key, r.run_id, r.verdict FROM results r JOIN runs ON runs.id = r.run_id "
                    "WHERE runs.matrix_name = (SELECT matrix_name FROM runs WHERE id = ?1) AND r.run_id <= ?1 "
                    "AND r.cell_key IN (SELECT cell_key FROM results WHERE run_id = ?1) "
                    "ORDER BY r.cell_key, r.run_id");
  q.bind(1, run);
  std::map<std::string, CellTrail> out;
  while (q.next()) {
    auto& t = out[q.text(0)];
    auto v = enum_column(q, 2, parse_verdict, "verdict");
    if (!t.last.empty() && t.last.back().second != v)
      t.changed_in = q.integer(1);
    t.last.emplace_back(q.integer(1), v);
    if (t.last.size() > n)
      t.last.erase(t.last.begin());
  }
  return out;
}

std::optional<std::map<std::string, std::set<std::string>>> Queries::failing_checks(std::int64_t run) {
  Statement any(m_db, "SELECT count(*) FROM (SELECT 1 FROM checks WHERE run_id = ? AND kind = 'value' LIMIT 1)");
  any.bind(1, run);
  if (any.single_int() == 0)
    return std::nullopt;
  Statement q(m_db, "SELECT cell_key, test, property FROM checks WHERE run_id = ? AND held = 0");
  q.bind(1, run);
  std::map<std::string, std::set<std::string>> out;
  while (q.next()) {
    out[q.text(0)].insert(case_and_name(q.text(1), q.text(2)));
  }
  return out;
}

std::vector<CheckRow> Queries::checks(std::int64_t run, const ResultFilter& filter,
                                      const std::vector<std::string>& globs) {
  auto w = where_for(checked(filter));
  std::vector<std::string> ors;
  for (std::size_t i = 0; i < globs.size(); i++)
    ors.push_back("ch.property GLOB ? OR ch.test GLOB ?");
  auto sql = fmt::format("SELECT c.key, c.name, ch.property, ch.flag, ch.held, ch.detail, ch.kind, ch.test, "
                         "ch.expected, ch.received, ch.c_type, ch.rust_type FROM {} JOIN checks ch ON ch.run_id = r.run_id AND "
                         "ch.cell_key = r.cell_key WHERE r.run_id = ? AND {} AND ({}) "
                         "ORDER BY tg.name, c.fixture, c.c_compiler, c.c_setting, c.rust_setting, ch.seq",
                         kResultTables, w.sql(), ors.empty() ? "1" : join(ors, " OR "));
  Statement q(m_db, sql.c_str());
  int at = 1;
  q.bind(at++, run);
  for (const auto& p : w.params)
    q.bind(at++, p);
  for (const auto& g : globs) {
    q.bind(at, g).bind(at + 1, g);
    at += 2;
  }
  std::vector<CheckRow> out;
  while (q.next())
    out.push_back({q.text(0), q.text(1), check_row(q, 2)});
  return out;
}

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
                        "s.output_capped, s.shared, s.duration_ms, s.cwd, s.reused, s.cache_key FROM steps s JOIN outputs o ON o.id = s.output_id "
                        "WHERE s.run_id = ? AND s.cell_key = ? ORDER BY s.seq");
  steps.bind(1, run).bind(2, key);
  while (steps.next())
    s.steps.push_back({enum_column(steps, 0, parse_stage, "stage"), steps.text(1), steps.text(2), steps.text(3),
                       optional_int(steps, 4),
                       optional_int(steps, 5), steps.integer(6) != 0, steps.integer(7) != 0, steps.integer(8) != 0,
                       sqlite3_column_double(steps.handle(), 9), steps.text(10), steps.integer(11) != 0,
                       steps.text(12)});
  Statement sources(m_db, "SELECT s.path, o.text FROM sources s JOIN outputs o ON o.id = s.output_id "
                          "WHERE s.run_id = ? AND s.cell_key = ? ORDER BY s.path");
  sources.bind(1, run).bind(2, key);
  while (sources.next())
    s.sources.push_back({sources.text(0), sources.text(1)});
  return s;
}

} // namespace amx
