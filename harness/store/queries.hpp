#pragma once
// Questions asked of the results database: which runs there are, which
// results match a filter, what changed between two runs, a cell's history,
// and everything about one result. Read-only; errors (an unknown run, an
// ambiguous cell prefix) are FatalError with the offending text.

#include "store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

namespace amx {

struct RunRow {
  std::int64_t id = 0;
  std::string matrix_name, matrix_path, started_at, finished_at, status;
  std::size_t cells_planned = 0;
  std::map<Verdict, std::size_t> verdicts;
  std::vector<std::string> tools;              // "name: version"
  std::string shard;                           // "K/N" for one shard of a run
  std::string merged_from;                     // the shards a merged run joined
  std::string harness_version, fixtures_hash;  // "" for runs before schema 11
};

// Results filters; every list is "any of", globs allowed, empty: anything.
struct ResultFilter {
  // "NAME" (any value but off) or "NAME=VALUE", on either side / one side.
  std::vector<std::string> flags, c_flags, rust_flags;
  std::vector<std::string> targets, fixtures, compilers, verdicts, pairings;
};

struct ResultRow {
  std::int64_t run = 0;
  std::string key, name, target, fixture, c_compiler, rustc;
  Setting c, rust;
  Pairing pairing = Pairing::matched;
  Verdict verdict = Verdict::skip;
  Expected expected = Expected::pass;
  std::optional<Stage> stage; // where it failed
  std::string reason;
};

struct CellChange {
  std::string key, name;
  std::optional<ResultRow> before, after;
  // Checks that failed in one run only ("CASE: NAME", or "NAME" outside a
  // case), when both runs recorded value checks: what changed inside a cell
  // whose verdict may not have.
  std::vector<std::string> now_failing, now_holding;
};

// A spelling the earlier run's compiler took and the same compiler (by its
// matrix name, at its new version) refuses now: a renamed or stabilized
// flag, said once instead of as every cell it skips.
struct SpellingChange {
  Tool tool; // as the later run has it
  std::string flag;
  std::vector<std::string> was; // the refused spellings ("-Zfixed-x18")
  std::string message;          // the tool's words refusing the first
  // What it takes instead, as the later run chose ("-Cfixed-x18"); empty
  // when it takes no spelling the catalogue lists.
  std::vector<std::string> now;
  std::vector<std::string> cells; // keys of the cells it skipped, left out of the changes
  // "rustc 1.98.0-nightly (... 2026-12-03) no longer accepts -Zfixed-x18; use -Cfixed-x18"
  std::string text() const;
};

struct RunDiff {
  std::int64_t from = 0, to = 0;
  std::vector<SpellingChange> spelling_changes;
  // passed (pass, xpass) -> failed (fail, xfail), or a check that held fails
  std::vector<CellChange> regressions;
  // failed -> passed, or, with the same verdict, checks that failed hold
  std::vector<CellChange> fixes;
  std::vector<CellChange> changed;     // any other change of verdict
  std::vector<CellChange> added, gone; // in one run only
  // The tools that differ: "- role name path: version" of `from`, "+ ..." of `to`.
  std::vector<std::string> tool_changes;
};

struct HistoryRow {
  std::int64_t run = 0;
  std::string started_at;
  Verdict verdict = Verdict::skip;
  std::optional<Stage> stage;
  std::string reason, c_compiler_version, rustc_version;
  // As CellChange names them; unset for a run that recorded no value checks.
  std::optional<std::vector<std::string>> failing_checks;
};

// A cell's verdicts over the runs of its matrix up to one run.
struct CellTrail {
  std::vector<std::pair<std::int64_t, Verdict>> last; // the newest few, oldest first
  // The run where the present verdict began, when an earlier run had another.
  std::optional<std::int64_t> changed_in;
};

// One check of one result, for `query --check`.
struct CheckRow {
  std::string key, name;
  CheckResult check;
};

struct StepRow {
  Stage stage = Stage::compile_c;
  std::string step, command, output;
  std::optional<std::int64_t> exit_code, signal;
  bool timed_out = false, output_capped = false, shared = false;
  double duration_ms = 0;
  std::filesystem::path cwd; // where it ran
  bool reused = false;       // from the step cache: an earlier run did it
  std::string cache_key;
  std::string env;           // variables it was given, "RUSTC_BOOTSTRAP=1"; "" before schema 16
};

struct ShownResult {
  ResultRow result;
  std::string expect_reason;
  std::optional<Stage> expected_stage;
  std::vector<CheckResult> checks;
  std::optional<RustMix> rust_mix; // when the experiment ran
  // The plan the cell ran with (empty in databases older than schema 6).
  std::vector<std::string> c_args, rust_args;
  Layout layout;
  std::vector<StepRow> steps;
  std::vector<SourceFile> sources; // generated for its run (schema 9)
  // The spelling each of its compilers took for each flag of its sides
  // (schema 16): the chosen facts of its tools, flags and target.
  std::vector<SpellingFact> spellings;
  double duration_ms = 0;
  std::optional<std::int64_t> exit_code, signal;
};

class Queries {
public:
  explicit Queries(Database& db) : m_database(db), m_db(db.handle()) {}

  // The newest runs, of one matrix when a name is given.
  std::vector<RunRow> runs(std::size_t limit, const std::string& matrix_name = "");
  // The newest run, of one matrix when a name is given; FatalError if none,
  // naming the matrices the database has runs of.
  std::int64_t latest_run(const std::string& matrix_name = "");
  // Checks that a run exists, and is a run of the named matrix when one is.
  std::int64_t run(std::int64_t id, const std::string& matrix_name = "");
  // The run a command asked for: `id` when given, else the latest run (of
  // the named matrix when one is).
  std::int64_t run(const std::optional<std::int64_t>& id, const std::string& matrix_name);
  std::vector<ResultRow> results(std::int64_t run, const ResultFilter& filter);
  // The checks of a run's results whose name or test case matches one of
  // the globs, within the results the filter selects.
  std::vector<CheckRow> checks(std::int64_t run, const ResultFilter& filter, const std::vector<std::string>& globs);
  RunDiff diff(std::int64_t from, std::int64_t to, const ResultFilter& filter);
  // The run to compare `to` with: the previous run of its matrix, or with
  // since_toolchain_change the newest earlier one whose tools differ.
  // FatalError when that run is empty or partial: against it every missing
  // cell would look gone, and nothing could look regressed.
  std::int64_t baseline(std::int64_t to, bool since_toolchain_change);
  // The same, or nullopt when there is no such run (the first of its matrix).
  std::optional<std::int64_t> previous_run(std::int64_t to, bool since_toolchain_change);
  // A cell key from a unique prefix of it, or of the key it had before
  // schema 15 (old_key).
  std::string cell(const std::string& prefix);
  // A cell's result in every run (of the named matrix when one is).
  std::vector<HistoryRow> history(const std::string& key, const std::string& matrix_name = "");
  // For every cell of a run, its trail over the runs of the same matrix up
  // to that run, keeping the last `n` verdicts.
  std::map<std::string, CellTrail> trails(std::int64_t run, std::size_t n);
  ShownResult show(const std::string& key, std::int64_t run);
  // What each compiler of a run made of each flag spelling, by tool, flag,
  // target and value; empty for runs before schema 16.
  std::vector<SpellingFact> spellings(std::int64_t run);

private:
  // The filter with its verdict words as verdict names; FatalError naming
  // what the database knows for a flag, target, fixture or compiler it has
  // never seen, or a verdict word that means no verdict.
  ResultFilter checked(const ResultFilter& filter);
  // "; its runs are of: a, b": the matrices the database has runs of.
  std::string known_matrices();
  // The setting a row of `settings` holds, read from its setting_flags once.
  const Setting& setting(std::int64_t id);
  std::vector<ResultRow> select_results(std::int64_t run, const std::string& where,
                                        const std::vector<std::string>& params);
  ResultRow result_row(class Statement& q);
  // Per cell key, the checks that failed in a run; nullopt when the run
  // recorded no value checks (schema 7 and later do), so there is nothing
  // to compare at check level.
  std::optional<std::map<std::string, std::set<std::string>>> failing_checks(std::int64_t run);
  // The spellings `from` chose that `to`'s compilers refuse; the cells that
  // only skip for them move out of d's lists into the change.
  void find_spelling_changes(RunDiff& d);

  // The spellings of the run show() last read, read once for all its cells.
  const std::vector<SpellingFact>& run_spellings(std::int64_t run);

  Database& m_database;
  sqlite3* m_db;
  std::map<std::int64_t, Setting> m_settings;
  std::optional<std::pair<std::int64_t, std::vector<SpellingFact>>> m_run_spellings;
};

} // namespace amx
