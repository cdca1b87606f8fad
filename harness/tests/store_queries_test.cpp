// store/queries: typed rows back out of the database (settings, verdicts,
// stages, the plan), the diff of two runs, and a database whose text is not
// abimatrix's.

#include "store/queries.hpp"
#include "store/statement.hpp"

#include "test_support.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <sqlite3.h>

namespace amx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Recorded {
  test::ScopedTempDir dir;
  Database db{dir.path() / "r.db"};
  Fixture fixture{"scalars", "", {}, {}, {}, {}, {}};
  CCompiler cc{"clang-19", Family::clang};
  Cell cell;

  Recorded() : cell(test::i386_cell(fixture, cc, {{"regparm", "3"}, {"patchable-function-entry", "4,2"}})) {
    cell.pairing = Pairing::c_only;
    cell.expected = Expected::fail;
    cell.expected_stage = Stage::run;
  }

  std::int64_t record(Verdict v, Outcome o, const std::string& matrix = "m") {
    auto run = db.begin_run({matrix + ".yaml", matrix, "0123", "host", 1, 1, {}});
    CellResult r;
    r.cell = &cell;
    r.verdict = v;
    r.outcome = std::move(o);
    r.plan.c_args = {"-mregparm=3", "-fpatchable-function-entry=4,2"};
    r.plan.layout = {"/src/fixtures", "/w/run-1", "/cache"};
    StepRecord step;
    step.stage = Stage::run;
    step.step = "run";
    step.argv = {"/usr/bin/qemu-i386", "/w/run-1/cells/k/program"};
    step.cwd = "/w/run-1/cells/k";
    step.result.started = true;
    step.result.exit_code = 1;
    r.steps = {step};
    r.checks = {{"ibt-note", "cf-protection", false, "lost it"}};
    r.rust_mix = RustMix{cell.c, cell.rust, true, "mixing `-Zregparm` will cause an ABI mismatch",
                         "-Cunsafe-allow-abi-mismatch=regparm", true};
    db.record(run, {r});
    db.finish_run(run, RunStatus::complete);
    return run;
  }
};

TEST(StoreQueries, TypedRowsBackOut) {
  Recorded rec;
  auto run = rec.record(Verdict::xfail, {false, Stage::run, "wrong value: x"});
  Queries q(rec.db);
  auto rows = q.results(run, {});
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r.c, rec.cell.c); // from setting_flags, not from text
  EXPECT_TRUE(r.rust.empty());
  EXPECT_EQ(r.pairing, Pairing::c_only);
  EXPECT_EQ(r.verdict, Verdict::xfail);
  EXPECT_EQ(r.expected, Expected::fail);
  EXPECT_EQ(r.stage, Stage::run);

  auto s = q.show(r.key, run);
  EXPECT_EQ(s.expected_stage, Stage::run);
  EXPECT_THAT(s.c_args, ElementsAre("-mregparm=3", "-fpatchable-function-entry=4,2"));
  EXPECT_EQ(s.layout.work, "/w/run-1");
  ASSERT_EQ(s.steps.size(), 1u);
  EXPECT_EQ(s.steps[0].stage, Stage::run);
  EXPECT_EQ(s.steps[0].cwd, "/w/run-1/cells/k");
  ASSERT_EQ(s.checks.size(), 1u);
  EXPECT_FALSE(s.checks[0].held);
  ASSERT_TRUE(s.rust_mix);
  EXPECT_EQ(describe(*s.rust_mix), "crate (off) against minicore (patchable-function-entry=4,2,regparm=3): refused: "
                                   "mixing `-Zregparm` will cause an ABI mismatch; with "
                                   "-Cunsafe-allow-abi-mismatch=regparm: accepted");
  EXPECT_EQ(rec.db.verdict_counts(run), (std::map<Verdict, std::size_t>{{Verdict::xfail, 1}}));
}

TEST(StoreQueries, FiltersAndDiffOnTypedVerdicts) {
  Recorded rec;
  auto before = rec.record(Verdict::xpass, {});
  auto after = rec.record(Verdict::xfail, {false, Stage::run, "wrong value: x"});
  Queries q(rec.db);
  ResultFilter f;
  f.c_flags = {"regparm=3"};
  EXPECT_EQ(q.results(after, f).size(), 1u);
  f.c_flags = {"regparm=1"};
  EXPECT_TRUE(q.results(after, f).empty());
  auto d = q.diff(before, after, {});
  ASSERT_EQ(d.regressions.size(), 1u); // xpass -> xfail: passed, then failed
  EXPECT_EQ(d.regressions[0].before->verdict, Verdict::xpass);
  EXPECT_EQ(q.baseline(after, false), before);
}

TEST(StoreQueries, TrailsKeepTheLastVerdictsOfTheMatrixAndTheRunOfTheChange) {
  Recorded rec;
  auto first = rec.record(Verdict::pass, {});
  auto second = rec.record(Verdict::xfail, {false, Stage::run, "wrong value: x"});
  rec.record(Verdict::pass, {}, "other"); // another matrix's run is no part of it
  auto third = rec.record(Verdict::xfail, {false, Stage::run, "wrong value: x"});
  auto fourth = rec.record(Verdict::xfail, {false, Stage::run, "wrong value: x"});
  Queries q(rec.db);
  auto trails = q.trails(fourth, 2);
  ASSERT_EQ(trails.size(), 1u);
  const auto& t = trails.begin()->second;
  EXPECT_EQ(t.last, (std::vector<std::pair<std::int64_t, Verdict>>{{third, Verdict::xfail}, {fourth, Verdict::xfail}}));
  EXPECT_EQ(t.changed_in, second); // beyond the last two, still found
  auto at_start = q.trails(first, 2).begin()->second;
  EXPECT_EQ(at_start.last, (std::vector<std::pair<std::int64_t, Verdict>>{{first, Verdict::pass}}));
  EXPECT_FALSE(at_start.changed_in);
}

TEST(StoreQueries, AMatrixNameChoosesItsRunsAndTheDefaultRun) {
  Recorded rec;
  auto nightly = rec.record(Verdict::pass, {}, "nightly");
  auto smoke = rec.record(Verdict::xfail, {false, Stage::run, "wrong value: x"}, "smoke");
  Queries q(rec.db);
  EXPECT_EQ(q.run(std::nullopt, ""), smoke);
  EXPECT_EQ(q.run(std::nullopt, "nightly"), nightly);
  EXPECT_EQ(q.run(nightly, "nightly"), nightly);
  try {
    q.run(smoke, "nightly");
    FAIL() << "a run of another matrix was taken";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("run 2 is a run of matrix 'smoke', not 'nightly'"));
  }
  try {
    q.run(std::nullopt, "nigthly");
    FAIL() << "a misspelt matrix was taken";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no run of matrix 'nigthly' in the database; its runs are of: nightly, smoke"));
  }
  auto runs = q.runs(10, "nightly");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, nightly);
  EXPECT_EQ(q.runs(10).size(), 2u);
  auto history = q.history(rec.cell.key, "smoke");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].run, smoke);
  EXPECT_EQ(q.history(rec.cell.key).size(), 2u);
}

TEST(StoreQueries, AFlagTheDatabaseNeverSawIsAnError) {
  Recorded rec;
  auto run = rec.record(Verdict::pass, {});
  Queries q(rec.db);
  ResultFilter f;
  f.rust_flags = {"regparm=off"};
  EXPECT_EQ(q.results(run, f).size(), 1u);
  f.flags = {"regprm=3"};
  try {
    q.results(run, f);
    FAIL() << "a misspelt flag must not read as no results";
  } catch (const FatalError& e) {
    EXPECT_STREQ(e.what(), "no flag regprm in the database; its runs know patchable-function-entry, regparm");
  }
}

TEST(StoreQueries, ADiffNamesAChangedHarnessOrFixturesNextToTheTools) {
  Recorded rec;
  auto a = rec.record(Verdict::pass, {});
  auto b = rec.record(Verdict::pass, {});
  Queries q(rec.db);
  EXPECT_EQ(q.diff(a, b, {}).tool_changes, std::vector<std::string>{}); // runs from before schema 11 say nothing
  exec_sql(rec.db.handle(), "UPDATE runs SET harness_version = 'v1', fixtures_hash = 'aaaa'");
  exec_sql(rec.db.handle(), fmt::format("UPDATE runs SET fixtures_hash = 'bbbb' WHERE id = {}", b).c_str());
  EXPECT_EQ(q.diff(a, b, {}).tool_changes, (std::vector<std::string>{"- fixtures (hash): aaaa", "+ fixtures (hash): bbbb"}));
  auto rows = q.runs(10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].harness_version, "v1");
  EXPECT_EQ(rows[0].fixtures_hash, "bbbb");
}

TEST(StoreQueries, VerdictGroupsAndUnknownNamesInAFilter) {
  Recorded rec;
  auto run = rec.record(Verdict::xfail, {false, Stage::run, "wrong value: x"});
  Queries q(rec.db);
  auto count = [&](ResultFilter f) { return q.results(run, f).size(); };
  EXPECT_EQ(count({.verdicts = {"broken"}}), 1u);     // fail or xfail
  EXPECT_EQ(count({.verdicts = {"unexpected"}}), 0u); // fail or xpass
  EXPECT_EQ(count({.verdicts = {"x*"}}), 1u);
  EXPECT_EQ(count({.targets = {"i386"}, .fixtures = {"scal*"}, .compilers = {"rustc"}}), 1u);
  auto error = [&](ResultFilter f) {
    try {
      q.results(run, f);
    } catch (const FatalError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error({.verdicts = {"bogus"}}), "no verdict bogus: expected pass, fail, xfail, xpass, flaky, skip, a glob over "
                                            "them, or a group: unexpected (fail, xpass), broken (fail, xfail)");
  EXPECT_EQ(error({.targets = {"aarch46"}}), "no target aarch46 in the database; its runs know i386");
  EXPECT_EQ(error({.fixtures = {"scalar"}}), "no fixture scalar in the database; its runs know scalars");
  EXPECT_EQ(error({.compilers = {"gcc"}}), "no compiler gcc in the database; its runs know clang-19, rustc");
}

TEST(StoreQueries, TextThatIsNotAbimatrixsIsAnError) {
  Recorded rec;
  auto run = rec.record(Verdict::pass, {});
  sqlite3_exec(rec.db.handle(), "UPDATE cells SET pairing = 'sideways'", nullptr, nullptr, nullptr);
  Queries q(rec.db);
  try {
    q.results(run, {});
    FAIL() << "read an unknown pairing";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown pairing 'sideways'"));
  }
}

} // namespace
} // namespace amx
