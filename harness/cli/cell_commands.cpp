#include "cli/cell_commands.hpp"

#include "build/builder.hpp"
#include "check/properties.hpp"
#include "matrix/load.hpp"
#include "report/reproducer.hpp"
#include "run/minimize.hpp"
#include "run/runner.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"
#include "toolchain/capability.hpp"
#include "toolchain/toolchain.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amx {

namespace {

constexpr int kExitNotMinimized = 1;
constexpr int kExitInterrupted = 130;

// One recorded result, its run, and the matrix to build it with again.
struct RecordedCell {
  ShownResult shown;
  StoredRun run;
  Matrix matrix;
};

RecordedCell recorded_cell(Database& db, const std::string& prefix, std::optional<std::int64_t> run_id,
                           const std::string& matrix_path) {
  Queries q(db);
  auto key = q.cell(prefix);
  std::int64_t run = 0;
  if (run_id) {
    run = q.run(*run_id);
  } else {
    auto history = q.history(key); // oldest first
    if (history.empty())
      throw FatalError(fmt::format("cell {} has no result in any run", key));
    run = history.back().run;
  }
  RecordedCell rc{q.show(key, run), db.stored_run(run), {}};
  const std::string& path = matrix_path.empty() ? rc.run.info.matrix_path : matrix_path;
  try {
    rc.matrix = load_matrix(path);
  } catch (const FatalError& e) {
    throw FatalError(fmt::format("{}\n(the matrix of run {}; give --matrix for another copy of it)", e.what(), run));
  }
  if (rc.matrix.hash != rc.run.info.matrix_hash)
    fmt::print(stderr, "note: {} is not the matrix file run {} read (it changed since, or is another); its flag "
                       "spellings, fixtures and timeouts are the ones used\n",
               rc.matrix.path.string(), run);
  return rc;
}

template <typename T>
const T& by_name(const std::vector<T>& all, const std::string& name, const char* what, const Matrix& m) {
  auto it = std::find_if(all.begin(), all.end(), [&](const T& x) { return x.name == name; });
  if (it == all.end())
    throw FatalError(fmt::format("{}: the cell's {} {} is not in this matrix", m.path.string(), what, name));
  return *it;
}

std::string outcome_text(const CellResult& r) {
  if (r.verdict == Verdict::skip)
    return "skip: " + r.outcome.reason;
  if (r.outcome.passed)
    return "pass";
  return fmt::format("fail at {}: {}", to_string(*r.outcome.stage), r.outcome.reason);
}

std::string failure_kind_of(const CellResult& r) {
  if (r.verdict == Verdict::skip || r.outcome.passed)
    return "";
  return failure_kind(to_string(*r.outcome.stage), r.outcome.reason);
}

// "regparm (C 3, Rust off)" for each flag.
std::string describe_flags(const std::vector<std::string>& flags, const Setting& c, const Setting& rust) {
  auto value = [](const Setting& s, const std::string& f) {
    auto it = s.find(f);
    return it == s.end() ? std::string("off") : it->second;
  };
  std::vector<std::string> out;
  for (const auto& f : flags)
    out.push_back(fmt::format("{} (C {}, Rust {})", f, value(c, f), value(rust, f)));
  return out.empty() ? "none" : join(out, ", ");
}

} // namespace

CellCommands::CellCommands(CLI::App& app) {
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("cell", m_cell, "cell key, or a unique start of one")->required();
    cmd->add_option("--run", m_run, "run id (default: the newest run with a result for the cell)");
    cmd->add_option("--db", m_db, "results database")->capture_default_str();
    cmd->add_option("--matrix", m_matrix, "matrix file to take fixtures and flags from (default: the run's)");
  };
  m_repro = app.add_subcommand("repro", "write a standalone shell script that reproduces a cell outside the harness");
  common(m_repro);
  m_repro->add_option("-o,--output", m_output, "write the script to this file (made executable) instead of stdout");

  m_minimize = app.add_subcommand(
      "minimize", "find the fewest of a failing cell's differing flags that still make it fail the same way; "
                  "exits 1 when the cell does not fail so now, or fails so with its sides matched");
  common(m_minimize);
  m_minimize->add_option("--work-dir", m_work_dir, "where objects and programs go (default: next to the database)");
  m_minimize->add_flag("--keep-work", m_keep_work, "keep objects and programs afterwards");
}

std::optional<int> CellCommands::dispatch() {
  if (*m_repro)
    return repro();
  if (*m_minimize)
    return minimize();
  return std::nullopt;
}

int CellCommands::repro() {
  require_database(m_db);
  Database db(m_db);
  auto rc = recorded_cell(db, m_cell, m_run, m_matrix);
  auto script = render_reproducer(rc.shown, rc.run, {rc.matrix.fixtures_dir, rc.matrix.timeouts.run});
  if (m_output.empty()) {
    fmt::print("{}", script);
    return 0;
  }
  write_file(m_output, script, "the script");
  std::filesystem::permissions(m_output, std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec |
                                             std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  fmt::print(stderr, "wrote {} (cell {}, run {})\n", m_output, rc.shown.result.key, rc.shown.result.run);
  return 0;
}

int CellCommands::minimize() {
  InterruptWatcher watcher; // before any other thread exists
  require_database(m_db);
  Database db(m_db);
  auto rc = recorded_cell(db, m_cell, m_run, m_matrix);
  const ResultRow& rec = rc.shown.result;
  if (rec.verdict != "fail" && rec.verdict != "xfail")
    throw FatalError(fmt::format("cell {} did not fail in run {} ({}); there is nothing to minimize", rec.key, rec.run,
                                 rec.verdict));
  const Setting c = parse_setting(rec.c_setting), rust = parse_setting(rec.rust_setting);
  const auto differing = differing_flags(c, rust);
  if (differing.empty())
    throw FatalError(fmt::format("cell {} has the same setting on both sides; there is nothing to minimize", rec.key));

  const Matrix& m = rc.matrix;
  Cell cell;
  cell.target = &by_name(m.targets, rec.target, "target", m);
  cell.fixture = &by_name(m.fixtures, rec.fixture, "fixture", m);
  cell.c_compiler = &by_name(m.c_compilers, rec.c_compiler, "C compiler", m);
  cell.rustc = rec.rustc;
  cell.c = c;

  Toolchain tc = Toolchain::probe(m);
  auto work = std::filesystem::absolute(m_work_dir.empty() ? std::filesystem::path(m_db).parent_path() / "work" /
                                                                 ("minimize-" + rec.key)
                                                           : std::filesystem::path(m_work_dir));
  auto caps = Capabilities::probe(m, tc, db, work, 1);
  std::optional<PropertyChecker> checker;
  if (tc.readelf() && tc.objdump())
    checker.emplace(*tc.readelf(), *tc.objdump(), m);
  Builder builder(m, work);
  Runner runner(m, tc, builder, &caps, checker ? &*checker : nullptr);

  const std::string wanted = failure_kind(rec.stage, rec.reason);
  fmt::print("cell {} ({}), run {}: fail at {}: {}\n", rec.key, rec.name, rec.run, rec.stage, first_line(rec.reason));
  fmt::print("the sides differ in {}: {}\n", differing.size(), describe_flags(differing, c, rust));
  fmt::print("fails the same way: {}\n", wanted);
  fmt::print("each run keeps some differences; the Rust side takes the C side's value for the others\n");

  int runs = 0;
  // Runs the cell with only `kept` differing; true if it fails as wanted.
  auto fails = [&](const std::vector<std::string>& kept) {
    cell.rust = rust_side_keeping(c, rust, kept);
    identify(cell);
    cell.pairing = cell.c == cell.rust ? Pairing::matched : Pairing::cross;
    auto r = runner.run_cell(cell);
    if (interrupted())
      throw FatalError("interrupted");
    bool same = failure_kind_of(r) == wanted;
    fmt::print("  run {:>2}  differ in {}\n          {}{}\n", ++runs, kept.empty() ? "none" : join(kept, ", "),
               outcome_text(r), same ? "  (the same way)" : "");
    std::fflush(stdout);
    return same;
  };

  int code = 0;
  try {
    if (!fails(differing)) {
      fmt::print("the cell does not fail that way now (did a tool or the matrix change since run {}?)\n", rec.run);
      code = kExitNotMinimized;
    } else if (fails({})) {
      fmt::print("it fails the same way with both sides at the C side's setting: the difference is not the cause\n");
      code = kExitNotMinimized;
    } else {
      auto minimal = ddmin(differing, fails);
      fmt::print("minimal: {} ({} run{})\n", describe_flags(minimal, c, rust), runs, runs > 1 ? "s" : "");
      fmt::print("  C side:    {}\n  Rust side: {}\n", to_string(c), to_string(rust_side_keeping(c, rust, minimal)));
    }
  } catch (const FatalError&) {
    if (!interrupted())
      throw;
    code = kExitInterrupted;
  }
  if (!m_keep_work) {
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
  }
  return code;
}

} // namespace amx
