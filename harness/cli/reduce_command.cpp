#include "cli/subcommands.hpp"

#include "cli/recorded_cell.hpp"
#include "generate/fixture_source.hpp"
#include "report/bug_report.hpp"
#include "run/driver.hpp"
#include "run/minimize.hpp"
#include "run/reduce.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/interrupt.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amx {

namespace {

constexpr int kExitNotReduced = 1;

// The failing check to reduce: the first value check, crash or hang of a
// case (matching `glob` when given).
const CheckResult& failing_check(const ShownResult& shown, const std::string& glob) {
  std::vector<std::string> failing;
  for (const auto& c : shown.checks) {
    if (c.held || c.test.empty() ||
        (c.kind != CheckKind::value && c.kind != CheckKind::crash && c.kind != CheckKind::timeout))
      continue;
    if (glob.empty() || glob_match(glob, c.property))
      return c;
    failing.push_back(c.property);
  }
  if (failing.empty())
    throw FatalError(fmt::format("reduce: cell {} has no failing value check, crash or hang of a test case in run {} "
                                 "({}); reduce shrinks those",
                                 shown.result.key, shown.result.run, first_line(shown.result.reason)));
  throw FatalError(fmt::format("reduce: no failing check of cell {} matches '{}'; the failing ones: {}",
                               shown.result.key, glob, join(failing, ", ")));
}

// "a9 wrong" / "SIGSEGV": what one try did, for the progress lines.
std::string observed(const Observation& o) {
  if (!o.failed_step.empty())
    return o.failed_step + " failed: " + first_error_line(o.output);
  if (o.signal)
    return "killed by " + signal_name(o.signal);
  if (o.timed_out)
    return "timed out";
  return o.failing.empty() ? "every check holds" : "fails " + join(o.failing, ", ");
}

} // namespace

int CellCommands::reduce() {
  InterruptWatcher watcher; // before any other thread exists
  require_database(m_db);
  Database db(m_db, Access::read);
  auto rc = recorded_cell(db, m_cell, m_run, m_matrix);
  const ResultRow& rec = rc.shown.result;
  const Matrix& m = rc.matrix;
  Cell cell = cell_of(rec, m);
  if (!cell.fixture->signatures)
    throw FatalError(fmt::format("reduce: fixture {} is written by hand; reduce shrinks the calls of generated "
                                 "fixtures (a fixture.yaml with generate:), whose every call it can write again",
                                 rec.fixture));
  const CheckResult& check = failing_check(rc.shown, m_check);
  auto call = generated_call(*cell.fixture->signatures, *cell.target, check.test);
  if (!call)
    throw FatalError(fmt::format("reduce: {} is not a case fixture {} generates on {} (did fixture.yaml change since "
                                 "run {}?)",
                                 check.test, rec.fixture, rec.target, rec.run));
  // The bundle's folder is checked before the tries, which take a while.
  const auto bundle = std::filesystem::absolute(m_bundle);
  std::error_code unmade;
  std::filesystem::create_directories(bundle, unmade);
  if (unmade || !std::filesystem::is_directory(bundle))
    throw FatalError(fmt::format("reduce: cannot write the bundle into {}: {}", bundle.string(),
                                 unmade ? unmade.message() : "not a folder"));
  Wanted wanted;
  if (check.kind == CheckKind::value)
    wanted.check = standalone_check_name(check.test, check.property);
  else if (check.kind == CheckKind::crash)
    wanted.signal = check.detail;
  else
    wanted.timed_out = true;

  auto work = work_folder(m_db, m_work_dir, "reduce-" + rec.key);
  RunDriver driver(m);
  auto steps = step_cache(m, work, CacheUse::all);
  ProbeFolder probes(default_cache_dir() / "probes");
  driver.prepare(probes, steps, work, 1);
  fmt::print("cell {} ({}), run {}: {} in case {}\n", rec.key, rec.name, rec.run,
             check.kind == CheckKind::value ? check.property + " " + check_outcome(check) : check_outcome(check),
             check.test);
  fmt::print("reducing while {}\n", describe(wanted));

  std::size_t tries = 0;
  Observation last; // of the latest try
  // Builds and runs `c` with the Rust side at `rust`; true when it fails
  // as wanted.
  auto try_with = [&](const Call& c, const Setting& rust, const std::string& what) {
    cell.rust = rust;
    cell.pairing = cell.c == cell.rust ? Pairing::matched : Pairing::cross;
    identify(cell);
    auto plan = driver.plan_single(cell);
    tries++;
    if (plan.skip) {
      fmt::print("  try {:>3}  {}: cannot be built: {}\n", tries, what, first_line(*plan.skip));
      return false;
    }
    auto o = run_standalone(standalone_commands(cell, plan, m.timeouts), work / fmt::format("try-{}", tries),
                            standalone_sources(c, *cell.target, {}, wanted.check), plan.rust_spec);
    if (interrupted())
      throw FatalError("interrupted");
    bool same = fails_as(o, wanted);
    fmt::print("  try {:>3}  {}: {}{}\n", tries, what, observed(o), same ? "  (the same way)" : "");
    last = std::move(o);
    std::fflush(stdout);
    return same;
  };
  auto clean_up = [&] {
    if (!m_keep_work) {
      std::error_code ec;
      std::filesystem::remove_all(work, ec);
    }
  };

  const Setting& c_side = rec.c;
  std::vector<std::string> kept;
  Call reduced;
  try {
    if (!try_with(*call, rec.rust, "the whole call, as the cell has it")) {
      if (!last.failed_step.empty())
        fmt::print("the standalone program does not build ({} failed above): its start-up code has no shadow call "
                   "stack and no x86 thunks, which some C settings need\n",
                   last.failed_step);
      else
        fmt::print("the call does not fail that way on its own now (did a tool change since run {}, or does it "
                   "need another call of the fixture first?)\n",
                   rec.run);
      clean_up();
      return kExitNotReduced;
    }
    // The flags first, on the whole call: the difference the failure needs.
    kept = differing_flags(c_side, rec.rust);
    if (!kept.empty()) {
      if (try_with(*call, c_side, "both sides at the C side's setting"))
        kept.clear();
      else if (kept.size() > 1)
        kept = ddmin(kept, [&](const std::vector<std::string>& k) {
          return try_with(*call, rust_side_keeping(c_side, rec.rust, k), "differing only in " + join(k, ", "));
        });
    }
    const Setting rust = rust_side_keeping(c_side, rec.rust, kept);
    reduced = reduce_call(*call, wanted, *cell.target,
                          [&](const Call& c, const std::string& what) { return try_with(c, rust, what); });
  } catch (const FatalError&) {
    if (!interrupted())
      throw;
    clean_up();
    return kExitInterrupted;
  }
  clean_up();

  // The bundle: the reduced program built and run once more where it lies.
  cell.rust = rust_side_keeping(c_side, rec.rust, kept);
  cell.pairing = cell.c == cell.rust ? Pairing::matched : Pairing::cross;
  identify(cell);
  auto plan = driver.plan_single(cell);
  BugReport r;
  r.cell_key = rec.key;
  r.cell_name = rec.name;
  r.check = check.kind == CheckKind::value ? check.property : check.test;
  r.run = rec.run;
  r.target = cell.target;
  r.c_setting = to_string(cell.c);
  r.rust_setting = to_string(cell.rust);
  r.kept_flags = kept;
  r.cc = *plan.cc;
  r.rustc = *plan.rustc;
  r.runner = *plan.runner;
  r.call = reduced;
  r.wanted = wanted;
  r.commands = standalone_commands(cell, plan, m.timeouts);
  r.sources = standalone_sources(reduced, *cell.target, reduced_source_about(r), wanted.check);
  r.tries = tries;
  r.observation = run_standalone(r.commands, bundle, r.sources, plan.rust_spec);
  if (!fails_as(r.observation, wanted))
    throw FatalError(fmt::format("reduce: the reduced program in {} did not fail as its tries did ({}); is a tool "
                                 "flaky?",
                                 bundle.string(), observed(r.observation)));
  auto objdump = find_program("llvm-objdump-19");
  for (const auto& t : driver.tools())
    if (t.role == "inspector")
      objdump = t.path;
  if (objdump.empty())
    throw FatalError("reduce: llvm-objdump-19 is not on PATH; the report quotes its disassembly");
  auto d = run_process({objdump, {"-d", "--disassemble-symbols=caller,callee", "prog"}, {},
                        bundle, m.timeouts.compile, 1 << 20});
  if (!d.ok())
    throw FatalError(fmt::format("reduce: {} could not disassemble {}: {}", objdump.string(),
                                 (bundle / "prog").string(), first_line(d.output)));
  r.objdump = d.output;
  for (auto built : {"c.o", "r.o", "prog"})
    std::filesystem::remove(bundle / built);
  write_file(bundle / "run.sh", render_run_script(r), "the bundle's script");
  std::filesystem::permissions(bundle / "run.sh", std::filesystem::perms::owner_exec |
                                                      std::filesystem::perms::group_exec |
                                                      std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  write_file(bundle / "REPORT.md", render_bug_report(r), "the bundle's report");
  auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  fmt::print("reduced in {} tries: {} parameter{}{}; {} lines of C and {} of Rust\n", tries, reduced.params.size(),
             reduced.params.size() == 1 ? "" : "s", kept.empty() ? "" : ", flags differing: " + join(kept, ", "),
             lines(r.sources.c), lines(r.sources.rust));
  fmt::print("wrote {}: c.c, r.rs, run.sh, REPORT.md{}\n", bundle.string(), plan.rust_spec ? ", target.json" : "");
  return 0;
}

} // namespace amx
