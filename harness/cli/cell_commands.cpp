#include "cli/subcommands.hpp"

#include "cli/recorded_cell.hpp"
#include "matrix/load.hpp"
#include "model/judge.hpp"
#include "report/reproducer.hpp"
#include "run/driver.hpp"
#include "run/minimize.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amx {

namespace {

constexpr int kExitNotMinimized = 1;

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

  m_bisect = app.add_subcommand(
      "bisect", "over an ordered series of C compilers or rustc, find the first where the cell's outcome (its "
                "stage and failing checks) changes, with as few builds as a binary search needs; exits 1 when the "
                "first and the last agree");
  common(m_bisect);
  auto* cc = m_bisect->add_option("--cc", m_series, "the cell's C compiler replaced by each of: a list "
                                                    "(clang-14,clang-16,clang-19) or a range (clang-14..clang-19: "
                                                    "each one on PATH)");
  m_bisect->add_option("--rustc", m_series, "the cell's rustc replaced by each of: a list (names on PATH, paths, "
                                            "+TOOLCHAIN) or a range of nightlies "
                                            "(nightly-2026-10-01..nightly-2026-10-08, installed by rustup when first "
                                            "built)")
      ->excludes(cc);
  m_bisect->add_option("--check", m_check, "compare only the checks whose name matches this glob "
                                           "(rust_to_c.stack_*); a toolchain whose program does not run cannot "
                                           "say, and is stepped over");
  m_bisect->add_option("--work-dir", m_work_dir, "where objects and programs go (default: next to the database)");
  m_bisect->add_flag("--keep-work", m_keep_work, "keep objects and programs afterwards");

  m_reduce = app.add_subcommand(
      "reduce", "from one failing check of a generated fixture, the smallest standalone C and Rust program that "
                "still fails the same way, with the flags the failure needs: a bug/ folder with c.c, r.rs, run.sh "
                "and REPORT.md for an upstream issue; exits 1 when the cell does not fail so now");
  common(m_reduce);
  m_reduce->add_option("--check", m_check, "the failing check to reduce, a glob over check names "
                                           "(rust_to_c.args_i16.a9) or crashed cases (default: the first failing "
                                           "one)");
  m_reduce->add_option("-o,--output", m_bundle, "the folder to write (made when missing; its four files replaced)")
      ->capture_default_str();
  m_reduce->add_option("--work-dir", m_work_dir, "where the tries are built (default: next to the database)");
  m_reduce->add_flag("--keep-work", m_keep_work, "keep every try's folder afterwards");

  m_judge = app.add_subcommand("judge", "what one step's exit and output mean, as a run judges them (reproducer "
                                        "scripts ask it); prints pass or 'fail at STAGE: REASON', exits 0 or 1");
  m_judge->add_option("stage", m_stage, "compile-c, compile-rust, link or run")->required();
  m_judge->add_option("--output", m_step_output, "file holding the step's output (stdout and stderr)")->required();
  m_judge->add_option("--tool", m_tool, "the tool's name, for the reason")->capture_default_str();
  auto* exit_code = m_judge->add_option("--exit-code", m_exit_code, "how it exited");
  auto* signal = m_judge->add_option("--signal", m_signal, "the signal that ended it")->excludes(exit_code);
  m_judge->add_flag("--timed-out", m_timed_out, "it ran past its timeout")->excludes(exit_code)->excludes(signal);
  m_judge->add_option("--timeout", m_timeout_s, "run: the timeout it had, in seconds")->capture_default_str();
  m_judge->add_option("--case", m_cases, "run: a test case the fixture declares (repeat for each), so one the "
                                         "output never reaches counts as a failure");
}

std::optional<int> CellCommands::dispatch() {
  if (*m_repro)
    return repro();
  if (*m_minimize)
    return minimize();
  if (*m_bisect)
    return bisect();
  if (*m_reduce)
    return reduce();
  if (*m_judge)
    return judge();
  return std::nullopt;
}

int CellCommands::judge() {
  auto stage = parse_stage(m_stage);
  if (!stage || *stage == Stage::check || *stage == Stage::rust_mix)
    throw FatalError(fmt::format("judge: unknown stage '{}' (expected compile-c, compile-rust, link or run)", m_stage));
  if (!m_exit_code && !m_signal && !m_timed_out)
    throw FatalError("judge: say how the step ended: --exit-code N, --signal N or --timed-out");
  ProcessResult r;
  r.started = true;
  r.output = read_file(m_step_output);
  if (m_exit_code)
    r.exit_code = *m_exit_code;
  r.signal = m_signal.value_or(0);
  r.timed_out = m_timed_out;
  ProcessSpec spec;
  spec.timeout = std::chrono::milliseconds(static_cast<long long>(m_timeout_s * 1000));
  auto o = *stage == Stage::run
               ? judge_program(judge_run(r, spec, value_checks(r.output, m_cases)), run_properties(r.output))
               : judge_build(*stage, m_tool.empty() ? m_stage : m_tool, r, spec);
  fmt::print("{}\n", outcome_line(o));
  return o.passed ? 0 : 1;
}

int CellCommands::repro() {
  require_database(m_db);
  Database db(m_db, Access::read);
  auto rc = recorded_cell(db, m_cell, m_run, m_matrix);
  std::vector<std::string> cases;
  for (const auto& f : rc.matrix.fixtures)
    if (f.name == rc.shown.result.fixture)
      cases = f.cases_on(rc.shown.result.target);
  auto script = render_reproducer(rc.shown, rc.run,
                                  {rc.matrix.fixtures_dir, rc.matrix.timeouts.run, std::move(cases),
                                   std::filesystem::canonical("/proc/self/exe")});
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
  if (!is_failing(rec.verdict))
    throw FatalError(fmt::format("cell {} did not fail in run {} ({}); there is nothing to minimize", rec.key, rec.run,
                                 to_string(rec.verdict)));
  const Setting& c = rec.c;
  const Setting& rust = rec.rust;
  const auto differing = differing_flags(c, rust);
  if (differing.empty())
    throw FatalError(fmt::format("cell {} has the same setting on both sides; there is nothing to minimize", rec.key));

  const Matrix& m = rc.matrix;
  Cell cell = cell_of(rec, m);

  RunDriver driver(m);
  auto work = work_folder(m_db, m_work_dir, "minimize-" + rec.key);
  // The cell's steps as earlier runs left them: each try changes only the
  // Rust side, so the C side's are reused.
  auto steps = step_cache(m, work, CacheUse::all);
  ProbeFolder probes(default_cache_dir() / "probes");
  driver.prepare(probes, steps, work, 1);

  const std::string wanted = failure_signature(*rec.stage, rec.reason, rc.shown.checks);
  fmt::print("cell {} ({}), run {}: fail at {}: {}\n", rec.key, rec.name, rec.run, to_string(*rec.stage),
             first_line(rec.reason));
  fmt::print("the sides differ in {}: {}\n", differing.size(), describe_flags(differing, c, rust));
  fmt::print("fails the same way: {}\n", wanted);
  fmt::print("each run keeps some differences; the Rust side takes the C side's value for the others\n");

  int runs = 0;
  // Runs the cell with only `kept` differing; true if it fails as wanted.
  auto fails = [&](const std::vector<std::string>& kept) {
    cell.rust = rust_side_keeping(c, rust, kept);
    identify(cell);
    cell.pairing = cell.c == cell.rust ? Pairing::matched : Pairing::cross;
    auto r = driver.run_cell(cell);
    if (interrupted())
      throw FatalError("interrupted");
    bool same = failure_signature_of(r) == wanted;
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
