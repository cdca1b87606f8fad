// Generates a results database of nightly runs (one million results by
// default) through the same writer `abimatrix run` uses, then times the
// questions `abimatrix runs/query/diff/regressions/history/show` ask of it,
// through the same Queries code. The goal: every query under a second.
//
//   cmake --build build --target abimatrix_bench
//   ./build/abimatrix_bench --db /tmp/bench.db            # generates once, then reuses
//
// Exits 1 when a query misses the goal. Not a test: timings depend on the
// machine, so nothing in ctest runs this.

#include "model/target.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"
#include "util/error.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <deque>
#include <functional>
#include <random>

namespace amx {
namespace {

using Clock = std::chrono::steady_clock;

// The cells of a kernel-sized nightly matrix: four targets, eight
// fixtures, three C compilers, and per target a spread of settings pairs.
struct Cells {
  std::deque<Fixture> fixtures;
  std::deque<CCompiler> compilers;
  std::vector<Cell> cells;

  explicit Cells(std::size_t want) {
    for (const char* f : {"scalars", "structs", "callbacks", "floats", "x18", "kcfi", "indirect", "thunks"})
      fixtures.push_back(Fixture{f, "", {}, {}, {}});
    for (auto [name, family] : {std::pair{"clang-19", Family::clang}, {"clang-16", Family::clang}, {"gcc", Family::gcc}})
      compilers.push_back({name, family});
    const std::vector<Setting> settings = {
        {},
        {{"fixed-x18", "on"}},
        {{"shadow-call-stack", "on"}},
        {{"kcfi", "normalized"}},
        {{"kcfi", "on"}},
        {{"regparm", "3"}},
        {{"regparm", "3"}, {"reg-struct-return", "on"}},
        {{"cf-protection", "branch"}},
        {{"return-thunk", "thunk-extern"}, {"retpoline-external-thunk", "on"}},
        {{"patchable-function-entry", "4,2"}},
        {{"min-function-alignment", "64"}},
        {{"branch-protection", "pac-ret+bti"}},
    };
    for (std::size_t i = 0; cells.size() < want; i++) {
      const Target& t = known_targets()[i % known_targets().size()];
      const Fixture& f = fixtures[(i / 4) % fixtures.size()];
      const CCompiler& cc = compilers[(i / 32) % compilers.size()];
      const Setting& c = settings[(i / 96) % settings.size()];
      const Setting& rust = settings[(i / (96 * settings.size())) % settings.size()];
      Cell cell;
      cell.target = &t;
      cell.fixture = &f;
      cell.c_compiler = &cc;
      cell.rustc = "rustc";
      cell.c = c;
      cell.rust = rust;
      cell.key = cell_key(t.name, f.name, cc.name, c, cell.rustc, rust);
      cell.name = fmt::format("{} {} {}/rustc c:{} rust:{}", t.name, f.name, cc.name, to_string(c), to_string(rust));
      cell.pairing = c == rust ? Pairing::matched : Pairing::c_only;
      cell.expected = c == rust ? Expected::pass : Expected::fail;
      cells.push_back(std::move(cell));
    }
  }
};

// One run's result for a cell: mostly as expected; a few cells of each run
// flip, as a nightly toolchain's regressions and fixes do.
CellResult result_for(const Cell& cell, std::mt19937& rng) {
  CellResult r;
  r.cell = &cell;
  bool flipped = std::uniform_int_distribution<int>(0, 199)(rng) == 0;
  bool fails = (cell.expected == Expected::fail) != flipped;
  r.verdict = cell.expected == Expected::fail ? (fails ? Verdict::xfail : Verdict::xpass) : (fails ? Verdict::fail : Verdict::pass);
  if (fails)
    r.outcome = {false, Stage::run, fmt::format("wrong value: c_to_rust.u8 expected 165, got {}", rng() % 256)};
  r.elapsed = std::chrono::milliseconds(400);
  for (auto [stage, step] : {std::pair{Stage::compile_c, "fixture-c"}, {Stage::compile_rust, "fixture-rust"},
                             {Stage::link, "link"}, {Stage::run, "run"}, {Stage::check, "check"}}) {
    StepRecord s;
    s.stage = stage;
    s.step = step;
    s.argv = {"/usr/bin/" + std::string(step), "-o", "/tmp/work/" + cell.key + "/" + step};
    s.result.started = true;
    s.result.exit_code = stage == Stage::run && fails ? 1 : 0;
    s.result.output = stage == Stage::run ? (fails ? r.outcome.reason + "\n" : "pass\ndone\n") : "";
    s.result.elapsed = std::chrono::milliseconds(80);
    r.steps.push_back(std::move(s));
  }
  return r;
}

void generate(Database& db, const Cells& cells, std::size_t runs) {
  std::mt19937 rng(42);
  auto start = Clock::now();
  for (std::size_t run = 0; run < runs; run++) {
    // rustc moves every night; clang every 30 nights.
    RunInfo info{"matrices/kernel.yaml", "kernel", "h", "bench", 2, cells.cells.size(),
                 {{"rustc", "rustc", "/usr/bin/rustc", fmt::format("rustc 1.96.0-nightly ({})", run)},
                  {"c-compiler", "clang-19", "/usr/bin/clang-19", fmt::format("clang 19.1.{}", run / 30)}},
                 "", std::nullopt};
    auto id = db.begin_run(info);
    std::vector<CellResult> batch;
    for (const auto& c : cells.cells)
      batch.push_back(result_for(c, rng));
    db.record(id, batch);
    db.finish_run(id, RunStatus::complete);
    if ((run + 1) % 10 == 0 || run + 1 == runs) {
      double s = std::chrono::duration<double>(Clock::now() - start).count();
      fmt::print(stderr, "\rgenerated {} of {} runs ({:.0f} results/s)", run + 1, runs,
                 (run + 1) * cells.cells.size() / s);
    }
  }
  fmt::print(stderr, "\n");
}

} // namespace
} // namespace amx

int main(int argc, char** argv) {
  using namespace amx;
  CLI::App app{"abimatrix store benchmark: generate a large results database and time the queries"};
  std::string db_path = "bench.db";
  std::size_t results = 1'000'000, cells_per_run = 5000;
  double goal_ms = 1000;
  app.add_option("--db", db_path, "database to generate (reused when it already holds the runs)")->capture_default_str();
  app.add_option("--results", results, "results to generate")->capture_default_str();
  app.add_option("--cells", cells_per_run, "cells per run")->capture_default_str();
  app.add_option("--goal-ms", goal_ms, "the most any query may take")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    Cells cells(cells_per_run);
    std::size_t runs = std::max<std::size_t>(2, results / cells_per_run);
    Database db(db_path);
    Queries q(db);
    std::size_t have = q.runs(1'000'000).size();
    if (have == 0)
      generate(db, cells, runs);
    else if (have != runs)
      throw FatalError(fmt::format("{} holds {} runs, not {}: remove it or pick another --db", db_path, have, runs));

    auto latest = q.latest_run("kernel");
    const std::string key = cells.cells[cells_per_run / 2].key;
    ResultFilter x18;
    x18.flags = {"fixed-x18"};
    ResultFilter fails;
    fails.verdicts = {"fail", "xpass"};
    ResultFilter kcfi_rust_off;
    kcfi_rust_off.c_flags = {"kcfi=normalized"};
    kcfi_rust_off.rust_flags = {"kcfi=off"};
    kcfi_rust_off.targets = {"x86_64"};

    struct Case {
      std::string name;
      std::function<std::size_t()> run;
    };
    std::vector<Case> cases = {
        {"runs (20 newest, counts by verdict)", [&] { return q.runs(20).size(); }},
        {"query: whole latest run", [&] { return q.results(latest, {}).size(); }},
        {"query --flag fixed-x18", [&] { return q.results(latest, x18).size(); }},
        {"query --verdict fail,xpass", [&] { return q.results(latest, fails).size(); }},
        {"query --c-flag kcfi=normalized --rust-flag kcfi=off --target x86_64",
         [&] { return q.results(latest, kcfi_rust_off).size(); }},
        {"diff: previous run -> latest", [&] {
           auto d = q.diff(latest - 1, latest, {});
           return d.regressions.size() + d.fixes.size() + d.changed.size();
         }},
        {"regressions --flag fixed-x18", [&] { return q.diff(q.baseline(latest, false), latest, x18).regressions.size(); }},
        {"regressions --since-toolchain-change", [&] { return q.diff(q.baseline(latest, true), latest, {}).regressions.size(); }},
        {"history CELL (unique prefix)", [&] { return q.history(q.cell(key.substr(0, 8))).size(); }},
        {"show CELL", [&] { return q.show(key, latest).steps.size(); }},
    };
    fmt::print("{} results in {} runs of {} cells ({})\n\n", runs * cells_per_run, runs, cells_per_run, db_path);
    fmt::print("{:<70} {:>9} {:>7}\n", "query", "ms", "rows");
    bool missed = false;
    for (const auto& c : cases) {
      auto t0 = Clock::now();
      auto n = c.run();
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      missed |= ms > goal_ms;
      fmt::print("{:<70} {:>9.1f} {:>7}{}\n", c.name, ms, n, ms > goal_ms ? "  over the goal" : "");
    }
    return missed ? 1 : 0;
  } catch (const FatalError& e) {
    fmt::print(stderr, "abimatrix_bench: {}\n", e.what());
    return 2;
  }
}
