#include "cli/subcommands.hpp"

#include "report/result_json.hpp"
#include "report/table.hpp"
#include "store/queries.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <filesystem>
#include <regex>

namespace amx {

// regressions: a compiler refuses a flag spelling the previous run used.
constexpr int kExitSpellingChange = 3;

namespace {

using nlohmann::json;

std::string stage_text(const std::optional<Stage>& s) { return s ? to_string(*s) : ""; }

std::string verdict_and_reason(const ResultRow& r) {
  return r.reason.empty() ? to_string(r.verdict)
                          : fmt::format("{} ({}{})", to_string(r.verdict), r.stage ? to_string(*r.stage) + ": " : "",
                                        r.reason);
}

void print_changes(const std::string& title, const std::vector<CellChange>& changes) {
  if (changes.empty())
    return;
  fmt::print("{} ({}):\n", title, changes.size());
  for (const auto& c : changes) {
    fmt::print("  {} {}\n", c.key, c.name);
    fmt::print("      before: {}\n", c.before ? verdict_and_reason(*c.before) : "(not run)");
    fmt::print("      after:  {}\n", c.after ? verdict_and_reason(*c.after) : "(not run)");
    if (!c.now_failing.empty())
      fmt::print("      now failing: {}\n", join(c.now_failing, ", "));
    if (!c.now_holding.empty())
      fmt::print("      now holding: {}\n", join(c.now_holding, ", "));
  }
}

// "rustc 1.95.0, clang-19 19.1.7, gcc 12.2.0": each compiler's name (cross
// gcc without its target prefix) and the first version number it printed.
std::string short_tools(const std::vector<std::string>& tools) {
  static const std::regex number(R"(\d+\.\d+(\.\d+)?)");
  std::vector<std::string> out;
  for (const auto& t : tools) {
    auto colon = t.find(": ");
    std::string name = t.substr(0, colon), version = colon == std::string::npos ? "" : t.substr(colon + 2);
    if (name.ends_with("-gcc"))
      name = "gcc";
    std::smatch m;
    auto item = std::regex_search(version, m, number) ? name + " " + m.str() : name;
    if (std::find(out.begin(), out.end(), item) == out.end())
      out.push_back(item);
  }
  return join(out, ", ");
}

} // namespace

QueryCommands::QueryCommands(CLI::App& app) {
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("--db", m_db, "results database")->capture_default_str();
    cmd->add_option("--format", m_format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    cmd->add_option("--matrix", m_matrix,
                    "matrix name: only its runs; the default run is its latest (default: any matrix's latest)");
  };
  auto filters = [&](CLI::App* cmd) {
    cmd->add_option("--flag", m_filter.flags, "NAME or NAME=VALUE on either side (repeatable; all must hold)");
    cmd->add_option("--c-flag", m_filter.c_flags, "NAME or NAME=VALUE on the C side");
    cmd->add_option("--rust-flag", m_filter.rust_flags, "NAME or NAME=VALUE on the Rust side");
    cmd->add_option("--target", m_filter.targets, "target (glob; repeatable)");
    cmd->add_option("--fixture", m_filter.fixtures, "fixture (glob; repeatable)");
    cmd->add_option("--compiler", m_filter.compilers, "C compiler or rustc name (glob; repeatable)");
    cmd->add_option("--pairing", m_filter.pairings, "matched, c-only, rust-only, one-off or cross (repeatable)");
  };

  m_runs = app.add_subcommand("runs", "recent runs: matrix, tools, counts by verdict, complete or interrupted");
  common(m_runs);
  m_runs->add_option("-n,--limit", m_limit, "how many runs")->capture_default_str();

  m_query = app.add_subcommand("query", "results of a run, filtered by flag, target, fixture, compiler, verdict");
  common(m_query);
  filters(m_query);
  m_query->add_option("--verdict", m_filter.verdicts,
                      "pass, fail, xfail, xpass, skip, or a group: unexpected (fail, xpass), broken (fail, xfail) "
                      "(repeatable)");
  m_query->add_option("--check", m_checks,
                      "list the checks (values, properties, crashed cases) whose name or test case matches this glob "
                      "(repeatable), of the results the other options select");
  m_query->add_option("--run", m_run_a, "run id (default: the latest)");

  m_diff = app.add_subcommand("diff", "cells whose verdict changed between two runs");
  common(m_diff);
  filters(m_diff);
  m_diff->add_option("run_a", m_run_a, "the earlier run")->required();
  m_diff->add_option("run_b", m_run_b, "the later run")->required();

  m_regressions = app.add_subcommand(
      "regressions", "the latest run of a matrix against the one before it; exits 1 when something regressed, 3 when a "
      "compiler no longer accepts a flag spelling the run before used");
  common(m_regressions);
  filters(m_regressions);
  m_regressions->add_flag("--since-toolchain-change", m_since_change,
                          "compare with the newest earlier run that used other tools or versions");

  m_history = app.add_subcommand("history", "a cell's verdict in every run, with the tool versions of each");
  common(m_history);
  m_history->add_option("cell", m_cell, "cell key or a unique prefix of it")->required();

  m_show = app.add_subcommand("show", "everything about one result: settings, checks, every command and its output");
  common(m_show);
  m_show->add_option("cell", m_cell, "cell key or a unique prefix of it")->required();
  m_show->add_option("--run", m_run_a, "run id (default: the latest)");
}

std::optional<int> QueryCommands::dispatch() {
  for (auto [cmd, fn] : {std::pair{m_runs, &QueryCommands::runs}, {m_query, &QueryCommands::query},
                         {m_diff, &QueryCommands::diff}, {m_regressions, &QueryCommands::regressions},
                         {m_history, &QueryCommands::history}, {m_show, &QueryCommands::show}})
    if (*cmd) {
      require_database(m_db);
      Database db(m_db, Access::read);
      Queries q(db);
      return (this->*fn)(q);
    }
  return std::nullopt;
}

int QueryCommands::runs(Queries& q) {
  auto rows = q.runs(m_limit, m_matrix);
  if (m_format == "json") {
    json a = json::array();
    for (const auto& r : rows)
      a.push_back({{"id", r.id},
                   {"matrix", r.matrix_name},
                   {"matrix_path", r.matrix_path},
                   {"status", r.status},
                   {"started_at", r.started_at},
                   {"finished_at", r.finished_at},
                   {"cells_planned", r.cells_planned},
                   {"verdicts", to_json(r.verdicts)},
                   {"tools", r.tools},
                   {"shard", r.shard.empty() ? json() : json(r.shard)},
                   {"merged_from", r.merged_from},
                   {"abimatrix", r.harness_version},
                   {"fixtures_hash", r.fixtures_hash}});
    fmt::print("{}\n", a.dump(2));
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) {
    std::size_t done = 0;
    for (const auto& [verdict, n] : r.verdicts)
      done += n;
    // Which part of a whole run this is: one shard, or shards merged.
    std::string part = !r.shard.empty()         ? "shard " + r.shard
                       : !r.merged_from.empty() ? fmt::format("merged {}", std::count(r.merged_from.begin(),
                                                                                       r.merged_from.end(), ';') + 1)
                                                : "";
    std::vector<std::string> row = {std::to_string(r.id), r.matrix_name, part, r.status, r.started_at,
                                    fmt::format("{}/{}", done, r.cells_planned)};
    for (Verdict v : kAllVerdicts)
      row.push_back(std::to_string(r.verdicts.count(v) ? r.verdicts.at(v) : 0));
    row.push_back(short_tools(r.tools));
    row.push_back(r.harness_version);
    row.push_back(r.fixtures_hash);
    table.push_back(std::move(row));
  }
  std::vector<std::string> header = {"run", "matrix", "part", "status", "started", "cells"};
  for (Verdict v : kAllVerdicts)
    header.push_back(to_string(v));
  header.push_back("tools");
  header.push_back("abimatrix");
  header.push_back("fixtures");
  fmt::print("{}", render_table(header, table));
  return 0;
}

int QueryCommands::query(Queries& q) {
  auto run = q.run(m_run_a, m_matrix);
  if (!m_checks.empty())
    return query_checks(q, run);
  auto rows = q.results(run, m_filter);
  if (m_format == "json") {
    json a = json::array();
    for (const auto& r : rows)
      a.push_back(to_json(r));
    fmt::print("{}\n", json{{"run", run}, {"count", rows.size()}, {"results", a}}.dump(2));
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows)
    table.push_back({r.key, to_string(r.verdict), stage_text(r.stage), r.name, r.reason});
  fmt::print("{}", render_table({"cell", "verdict", "stage", "name", "reason"}, table));
  fmt::print("{} results in run {}\n", rows.size(), run);
  return 0;
}

int QueryCommands::query_checks(Queries& q, std::int64_t run) {
  auto rows = q.checks(run, m_filter, m_checks);
  if (m_format == "json") {
    json a = json::array();
    for (const auto& r : rows) {
      auto c = to_json(r.check);
      c["key"] = r.key;
      c["name"] = r.name;
      a.push_back(std::move(c));
    }
    fmt::print("{}\n", json{{"run", run}, {"count", rows.size()}, {"checks", a}}.dump(2));
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows)
    table.push_back({r.key, r.check.property, r.check.test,
                     r.check.c_type.empty() ? "" : r.check.c_type + "/" + r.check.rust_type,
                     check_outcome(r.check), r.check.held ? "" : r.check.detail, r.name});
  fmt::print("{}", render_table({"cell", "check", "test", "type", "outcome", "detail", "name"}, table));
  fmt::print("{} checks in run {}\n", rows.size(), run);
  return 0;
}

int QueryCommands::print_diff(const RunDiff& d, bool regressions_only) {
  if (m_format == "json") {
    json j = to_json(d);
    if (regressions_only)
      for (auto key : {"fixes", "changed", "new", "gone"})
        j.erase(key);
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("run {} -> run {}\n", d.from, d.to);
    if (!d.tool_changes.empty())
      fmt::print("tools changed (- run {}, + run {}):\n  {}\n", d.from, d.to, join(d.tool_changes, "\n  "));
    for (const auto& c : d.spelling_changes)
      fmt::print("spelling change: {}{}\n", c.text(),
                 c.cells.empty() ? "" : fmt::format(" ({} cells skip for it)", c.cells.size()));
    print_changes("regressions", d.regressions);
    if (!regressions_only) {
      print_changes("fixes", d.fixes);
      print_changes("changed", d.changed);
      print_changes("new", d.added);
      print_changes("gone", d.gone);
    }
    fmt::print("{} regressed, {} fixed, {} changed otherwise, {} new, {} gone\n", d.regressions.size(), d.fixes.size(),
               d.changed.size(), d.added.size(), d.gone.size());
  }
  // A refused spelling needs the catalogue changed: said apart from regressions.
  if (!d.spelling_changes.empty())
    return kExitSpellingChange;
  return d.regressions.empty() ? 0 : 1;
}

int QueryCommands::diff(Queries& q) {
  print_diff(q.diff(q.run(*m_run_a, m_matrix), q.run(*m_run_b, m_matrix), m_filter), false);
  return 0;
}

int QueryCommands::regressions(Queries& q) {
  auto to = q.latest_run(m_matrix);
  if (m_since_change)
    return print_diff(q.diff(q.baseline(to, true), to, m_filter), true);
  if (!q.previous_run(to, false)) {
    // The first night of a matrix: nothing can have regressed.
    if (m_format == "json")
      fmt::print("{}\n", json{{"from", nullptr}, {"to", to}, {"tool_changes", json::array()},
                              {"regressions", json::array()}}
                             .dump(2));
    else
      fmt::print("run {} is the first run of its matrix: nothing to compare with\n", to);
    return 0;
  }
  return print_diff(q.diff(q.baseline(to, false), to, m_filter), true);
}

int QueryCommands::history(Queries& q) {
  auto key = q.cell(m_cell);
  auto rows = q.history(key, m_matrix);
  if (m_format == "json") {
    json a = json::array();
    for (const auto& h : rows)
      a.push_back({{"run", h.run},
                   {"started_at", h.started_at},
                   {"verdict", to_string(h.verdict)},
                   {"failing_checks", h.failing_checks ? json(*h.failing_checks) : json()},
                   {"stage", h.stage ? json(to_string(*h.stage)) : json()},
                   {"reason", h.reason},
                   {"c_compiler_version", h.c_compiler_version},
                   {"rustc_version", h.rustc_version}});
    fmt::print("{}\n", json{{"cell", key}, {"history", a}}.dump(2));
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& h : rows)
    table.push_back({std::to_string(h.run), h.started_at, to_string(h.verdict), stage_text(h.stage), h.c_compiler_version,
                     h.rustc_version, h.reason});
  fmt::print("cell {}\n{}", key,
             render_table({"run", "started", "verdict", "stage", "c compiler", "rustc", "reason"}, table));
  // Where the failing checks changed, even under the same verdict.
  for (std::size_t i = 1; i < rows.size(); i++) {
    if (!rows[i - 1].failing_checks || !rows[i].failing_checks)
      continue;
    const auto &was = *rows[i - 1].failing_checks, &now = *rows[i].failing_checks;
    std::vector<std::string> failing, holding;
    std::set_difference(now.begin(), now.end(), was.begin(), was.end(), std::back_inserter(failing));
    std::set_difference(was.begin(), was.end(), now.begin(), now.end(), std::back_inserter(holding));
    if (!failing.empty())
      fmt::print("run {}: now failing: {}\n", rows[i].run, join(failing, ", "));
    if (!holding.empty())
      fmt::print("run {}: now holding: {}\n", rows[i].run, join(holding, ", "));
  }
  return 0;
}

int QueryCommands::show(Queries& q) {
  auto key = q.cell(m_cell);
  auto run = q.run(m_run_a, m_matrix);
  auto s = q.show(key, run);
  const auto& r = s.result;
  if (m_format == "json") {
    fmt::print("{}\n", to_json(s).dump(2));
    return 0;
  }
  fmt::print("cell      {} ({})\nrun       {}\ntarget    {}\nfixture   {}\ncompilers {} / {}\n", r.key, r.name, r.run,
             r.target, r.fixture, r.c_compiler, r.rustc);
  fmt::print("c side    {}\nrust side {}\npairing   {}\n", to_string(r.c), to_string(r.rust), to_string(r.pairing));
  // The plan: each side's setting as the arguments its compiler was given.
  fmt::print("c args    {}\nrust args {}\n", s.c_args.empty() ? "(none)" : render_command(s.c_args),
             s.rust_args.empty() ? "(none)" : render_command(s.rust_args));
  // The files the run wrote for the cell: a Rust target specification in
  // full (it is part of the Rust side's setting), generated sources by name.
  for (const auto& f : s.sources) {
    fmt::print("file      {}\n", f.path.string());
    if (f.path.extension() == ".json")
      for (const auto& line : split_lines(f.text))
        fmt::print("          {}\n", line);
  }
  // Check names and reasons come from the program's output: shown, not obeyed.
  fmt::print("expected  {}{}: {}\nverdict   {}\n", to_string(r.expected),
             s.expected_stage ? " at " + to_string(*s.expected_stage) : "",
             escape_controls(s.expect_reason), escape_controls(verdict_and_reason(r)));
  for (const auto& c : s.checks)
    fmt::print("check     {}\n", escape_controls(describe_check(c)));
  if (s.rust_mix)
    fmt::print("rust-mix  {}\n", describe(*s.rust_mix));
  for (const auto& f : s.spellings)
    fmt::print("spelling  {}\n", describe_spelling(f));
  for (const auto& st : s.steps) {
    std::string status = st.timed_out ? "timed out"
                         : st.signal  ? fmt::format("signal {}", *st.signal)
                         : st.exit_code ? fmt::format("exit {}", *st.exit_code)
                                        : "did not start";
    fmt::print("\n[{} {}] {}, {:.0f} ms{}{}{}\n$ {}{}\n", to_string(st.stage), st.step, status, st.duration_ms,
               st.shared ? ", done once for several cells" : "",
               st.reused ? fmt::format(", reused from the step cache ({})", st.cache_key) : "",
               st.output_capped ? ", output capped" : "", st.env.empty() ? "" : "env " + st.env + " ", st.command);
    // As text, never as terminal input: NULs and escape sequences shown.
    if (!st.output.empty())
      fmt::print("{}{}", escape_controls(st.output), st.output.back() == '\n' ? "" : "\n");
  }
  return 0;
}

} // namespace amx
