#include "store/queries.hpp"

#include "model/cell.hpp"
#include "model/target.hpp"
#include "store/columns.hpp"
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

// The tools of a run, as "role name version" lines: what "the toolchain
// changed" compares.
std::set<std::string> tool_set(sqlite3* db, std::int64_t run) {
  std::set<std::string> out;
  for (const auto& t : run_tools(db, run))
    out.insert(t.role + " " + t.name + " " + t.version);
  return out;
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

std::vector<RunRow> Queries::runs(std::size_t limit, const std::string& matrix_name) {
  if (!matrix_name.empty())
    latest_run(matrix_name);
  Statement q(m_db, "SELECT id, matrix_name, matrix_path, started_at, coalesce(finished_at, ''), status, cells_planned, "
                    "coalesce(shard || '/' || shards, ''), merged_from, harness_version, fixtures_hash FROM runs "
                    "WHERE ?2 = '' OR matrix_name = ?2 ORDER BY id DESC LIMIT ?1");
  q.bind(1, static_cast<std::int64_t>(limit));
  q.bind(2, matrix_name);
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
    throw FatalError(matrix_name.empty()
                         ? "the database has no runs yet"
                         : fmt::format("no run of matrix '{}' in the database{}", matrix_name, known_matrices()));
  return q.integer(0);
}

std::string Queries::known_matrices() {
  Statement q(m_db, "SELECT DISTINCT matrix_name FROM runs ORDER BY matrix_name");
  std::vector<std::string> names;
  while (q.next())
    names.push_back(q.text(0));
  return names.empty() ? "" : "; its runs are of: " + join(names, ", ");
}

std::int64_t Queries::run(std::int64_t id, const std::string& matrix_name) {
  Statement q(m_db, "SELECT matrix_name FROM runs WHERE id = ?");
  q.bind(1, id);
  if (!q.next())
    throw FatalError(fmt::format("no run {} in the database (`abimatrix runs` lists them)", id));
  if (!matrix_name.empty() && q.text(0) != matrix_name)
    throw FatalError(fmt::format("run {} is a run of matrix '{}', not '{}'", id, q.text(0), matrix_name));
  return id;
}

std::int64_t Queries::run(const std::optional<std::int64_t>& id, const std::string& matrix_name) {
  return id ? run(*id, matrix_name) : latest_run(matrix_name);
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
  find_spelling_changes(d);
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
  // A key from before schema 15 (old_key) still names its cell.
  Statement q(m_db, "SELECT key FROM cells WHERE key >= ?1 AND key < ?1 || 'g' UNION "
                    "SELECT key FROM cells WHERE old_key >= ?1 AND old_key < ?1 || 'g' AND ?1 <> '' "
                    "ORDER BY key LIMIT 2");
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

std::vector<HistoryRow> Queries::history(const std::string& key, const std::string& matrix_name) {
  if (!matrix_name.empty())
    latest_run(matrix_name);
  auto sql = fmt::format("SELECT r.run_id, runs.started_at, r.verdict, coalesce(r.stage, ''), r.reason, c.c_compiler, "
                         "tg.name, (SELECT version FROM run_tools t WHERE t.run_id = r.run_id AND t.role = 'rustc' AND "
                         "t.name = c.rustc) FROM {} JOIN runs ON runs.id = r.run_id "
                         "WHERE r.cell_key = ?1 AND (?2 = '' OR runs.matrix_name = ?2) ORDER BY r.run_id",
                         kResultTables);
  Statement q(m_db, sql.c_str());
  q.bind(1, key);
  q.bind(2, matrix_name);
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

} // namespace amx
