#include "cli/subcommands.hpp"

#include "cli/recorded_cell.hpp"
#include "run/bisect.hpp"
#include "run/driver.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <map>

namespace amx {

namespace {

constexpr int kExitNoChange = 1;

} // namespace

int CellCommands::bisect() {
  InterruptWatcher watcher; // before any other thread exists
  const bool by_cc = m_bisect->count("--cc") > 0;
  if (!by_cc && m_bisect->count("--rustc") == 0)
    throw FatalError("bisect: say what to bisect over: --cc LIST or --rustc LIST");
  const auto series = toolchain_series(m_series);
  require_database(m_db);
  Database db(m_db, Access::read);
  auto rc = recorded_cell(db, m_cell, m_run, m_matrix);
  const ResultRow& rec = rc.shown.result;
  auto work = work_folder(m_db, m_work_dir, "bisect-" + rec.key);
  fmt::print("cell {} ({}), run {}: {}{}\n", rec.key, rec.name, rec.run, to_string(rec.verdict),
             rec.reason.empty() ? "" : ": " + first_line(rec.reason));
  fmt::print("its {} replaced by each of: {}\n", by_cc ? "C compiler " + rec.c_compiler : "rustc " + rec.rustc,
             join(series, ", "));

  // What the cell does with series[i], and the tool's version, once each;
  // one step cache and probe folder for them all (a step of a tool the
  // series members share runs once).
  std::map<std::size_t, std::pair<std::string, std::string>> seen;
  auto steps = step_cache(rc.matrix, work, CacheUse::all);
  ProbeFolder probes(default_cache_dir() / "probes");
  auto outcome = [&](std::size_t i) {
    Matrix m = rc.matrix;
    if (by_cc) {
      auto family = c_compiler_family(series[i]);
      if (!family)
        throw FatalError(fmt::format("bisect: '{}' is not a C compiler name (clang-N, gcc or gcc-N)", series[i]));
      m.c_compilers = {CCompiler{series[i], *family}};
    } else {
      install_rustup_toolchain(series[i]);
      m.rustc_locations[rec.rustc] = series[i];
    }
    ResultRow as = rec;
    if (by_cc)
      as.c_compiler = series[i];
    Cell cell = cell_of(as, m);
    cell.expected = Expected::pass;
    RunDriver driver(m);
    driver.prepare(probes, steps, work, 1);
    auto r = driver.run_cell(cell);
    if (interrupted())
      throw FatalError("interrupted");
    const std::string role = by_cc ? "c-compiler" : "rustc";
    const std::string name = by_cc ? c_compiler_binary(*cell.c_compiler, *cell.target) : rec.rustc;
    std::string version;
    for (const auto& t : driver.tools())
      if (t.role == role && t.name == name)
        version = t.version;
    // A toolchain that is not there says nothing about the cell.
    if (version.empty())
      throw FatalError(fmt::format("bisect: {}: {}", series[i], outcome_text(r)));
    fmt::print("  {:<24} {}\n  {:<24} {}\n", series[i], version, "", outcome_text(r));
    std::fflush(stdout);
    std::optional<std::string> said;
    if (m_check.empty()) {
      said = r.verdict == Verdict::skip ? "skip: " + r.outcome.reason
             : r.outcome.passed         ? std::string("pass")
                                        : failure_signature_of(r);
    } else if (r.verdict != Verdict::skip && (r.outcome.passed || *r.outcome.stage >= Stage::run)) {
      // The checks the glob names that failed; none failing is "holds".
      std::vector<std::string> failing;
      for (const auto& c : r.checks)
        if (!c.held && glob_match(m_check, c.property))
          failing.push_back(c.property + " " + check_outcome(c));
      said = failing.empty() ? m_check + " holds" : join(failing, ", ");
    } else if (i == 0 || i + 1 == series.size()) {
      throw FatalError(fmt::format("bisect: with {} the cell's program does not run ({}), so it cannot say "
                                   "whether {} fails",
                                   series[i], outcome_text(r), m_check));
    }
    seen[i] = {version, said.value_or(outcome_text(r))};
    return said;
  };

  std::optional<Change> change;
  try {
    change = first_change(series.size(), outcome);
  } catch (const FatalError&) {
    if (!interrupted())
      throw;
    return kExitInterrupted;
  }
  if (!m_keep_work) {
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
  }
  if (!change) {
    fmt::print("no change: {} and {} agree ({})\n", series.front(), series.back(), seen[0].second);
    return kExitNoChange;
  }
  const auto& before = seen[change->last_same];
  const auto& after = seen[change->first_different];
  fmt::print("first change: {} ({}) -> {} ({})\n  before: {}\n  after:  {}\n", series[change->last_same],
             before.first, series[change->first_different], after.first, before.second, after.second);
  for (auto i = change->last_same + 1; i < change->first_different; i++)
    fmt::print("  untested between them: {} ({}): {}\n", series[i], seen[i].first, seen[i].second);
  return 0;
}

} // namespace amx
