// run/runner with the real compilers and QEMU: a small i386 matrix, read back
// from the database; a program that hangs and one that floods its output are
// stopped and recorded, and the run goes on.

#include "matrix/expand.hpp"
#include "matrix/load.hpp"
#include "run/driver.hpp"
#include "store/database.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <sqlite3.h>

#include <array>
#include <fmt/format.h>
#include <map>

namespace amx {
namespace {

using ::testing::StartsWith;

TEST(RunRunner, SmallMatrixEndToEnd) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "i686-linux-gnu-gcc", "qemu-i386", "rustc");
  test::ScopedTempDir dir;
  auto fixtures = test::make_fixtures_dir(dir.path());
  test::write_file(dir.path() / "flags.yaml", "flags:\n  regparm:\n    class: abi\n    targets: [i386]\n"
                                              "    values: [3]\n    rustc: -Zregparm={value}\n"
                                              "    clang: -mregparm={value}\n    gcc: -mregparm={value}\n");
  test::write_file(dir.path() / "m.yaml", "import: flags.yaml\nfixtures-dir: fixtures\ntargets: [i386]\n"
                                          "c-compilers: [clang-19, gcc]\nfixtures: [scalars, hang, flood]\n"
                                          "flags:\n  regparm: [3]\npairings: [matched, c-only]\n"
                                          "exclude:\n  - {fixture: [hang, flood], c: {regparm: \"3\"}}\n"
                                          "timeouts: {run: 3, case: 0.5}\noutput-cap: 65536\n");
  Matrix m = load_matrix(dir.path() / "m.yaml");
  auto cells = expand(m);
  ASSERT_EQ(cells.size(), 10u); // scalars: 3 pairs x 2 compilers; hang, flood: off x 2
  std::vector<const Cell*> all;
  for (const auto& c : cells)
    all.push_back(&c);

  RunDriver driver(m);
  Database db(dir.path() / "r.db");
  auto run = db.begin_run({m.path.string(), m.name, m.hash, "test", 2, cells.size(), driver.tools()});
  auto steps = step_cache(m, dir.path() / "work", CacheUse::none);
  ProbeFolder probes(dir.path() / "probes");
  driver.prepare(probes, steps, dir.path() / "work", 2);
  ResultWriter writer(db, run);
  std::size_t n = 0;
  driver.plan(all);
  EXPECT_TRUE(driver.run_planned(2, 0, [&](CellResult&& r) {
    n++;
    writer.push(std::move(r));
    return true;
  }));
  writer.close();
  db.finish_run(run, RunStatus::complete);
  EXPECT_EQ(n, cells.size());

  std::map<std::string, std::array<std::string, 3>> got; // cell name -> verdict, stage, reason
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db.handle(),
                     "SELECT c.name, r.verdict, coalesce(r.stage, ''), r.reason FROM results r "
                     "JOIN cells c ON c.key = r.cell_key",
                     -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto col = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i))); };
    got[col(0)] = {col(1), col(2), col(3)};
  }
  sqlite3_finalize(st);
  ASSERT_EQ(got.size(), cells.size());

  for (std::string cc : {"clang-19", "gcc"}) {
    auto name = [&](const char* fx, const char* c, const char* r) {
      return fmt::format("i386 {} {}/rustc c:{} rust:{}", fx, cc, c, r);
    };
    EXPECT_EQ(got[name("scalars", "off", "off")][0], "pass") << cc;
    EXPECT_EQ(got[name("scalars", "regparm=3", "regparm=3")][0], "pass") << cc;
    auto mismatch = got[name("scalars", "regparm=3", "off")];
    EXPECT_EQ(mismatch[0], "xfail") << cc;
    EXPECT_EQ(mismatch[1], "run") << cc;
    EXPECT_THAT(mismatch[2], StartsWith("wrong value in rs_scalars_take: c_to_rust.u8 expected 165 (0xa5), got ")) << cc;
    auto hang = got[name("hang", "off", "off")];
    EXPECT_EQ(hang[0], "fail") << cc;
    EXPECT_EQ(hang[1], "run") << cc;
    // The case that hangs is stopped by its own timeout and the next case
    // runs; the program that then hangs is stopped by the run's, and the
    // case after that is a check that was never reached, not one that held.
    EXPECT_EQ(hang[2], "timeout after 0.5s in spins; not reached: never; "
                       "timeout after 3s after 2 passing checks (last: after_the_hang)")
        << cc;
    auto flood = got[name("flood", "off", "off")];
    EXPECT_EQ(flood[0], "fail") << cc;
    EXPECT_EQ(flood[2], "output exceeded 65536 bytes before any check passed") << cc;
  }
}

TEST(RunRunner, MissingCompilerSkipsWithReason) {
  AMX_REQUIRE_TOOLS("qemu-i386", "rustc");
  test::ScopedTempDir dir;
  test::make_fixtures_dir(dir.path());
  test::write_file(dir.path() / "m.yaml", "fixtures-dir: fixtures\ntargets: [i386]\nc-compilers: [gcc-99]\n"
                                          "fixtures: [scalars]\n");
  Matrix m = load_matrix(dir.path() / "m.yaml");
  auto cells = expand(m);
  ASSERT_EQ(cells.size(), 1u);
  RunDriver driver(m);
  test::ScopedTempDir work;
  Database db(work.path() / "r.db");
  auto steps = step_cache(m, work.path() / "work", CacheUse::none);
  ProbeFolder probes(work.path() / "probes");
  driver.prepare(probes, steps, work.path() / "work", 1);
  auto r = driver.run_cell(cells[0]);
  EXPECT_EQ(r.verdict, Verdict::skip);
  EXPECT_EQ(r.outcome.reason, "i686-linux-gnu-gcc-99 not found on PATH");
}

} // namespace
} // namespace amx
