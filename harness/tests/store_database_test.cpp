// store/database: a new database, and the writer that commits results as
// they come (the schema and its migrations: store_schema_test).

#include "model/cell.hpp"
#include "store/database.hpp"
#include "store/schema.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <gmock/gmock.h>
#include <sqlite3.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

TEST(StoreDatabase, NewDatabaseHasSchemaAndWal) {
  test::ScopedTempDir dir;
  Database db(dir.path() / "sub" / "r.db");
  EXPECT_EQ(test::scalar(db.handle(), "PRAGMA user_version"), std::to_string(Database::schema_version()));
  EXPECT_EQ(test::scalar(db.handle(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(test::scalar(db.handle(), "PRAGMA foreign_keys"), "1");
}

TEST(StoreDatabase, NotADatabaseIsAnError) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "junk.db", std::string(4096, 'x'));
  EXPECT_THROW(Database(dir.path() / "junk.db"), FatalError);
}

TEST(StoreDatabase, WriterCommitsResultsAndSteps) {
  test::ScopedTempDir dir;
  Database db(dir.path() / "r.db");
  RunInfo info{"m.yaml", "m", "0123", "host", 2, 1, {{"rustc", "rustc", "/usr/bin/rustc", "rustc 1.95.0"}}};
  auto run = db.begin_run(info);

  Target target{"i386", "i686-unknown-linux-gnu", "i686-linux-gnu", "i686-linux-gnu", "qemu-i386", {}};
  Fixture fixture{"scalars", "", {}, {}, {}};
  CCompiler cc{"clang-19", Family::clang};
  Cell cell;
  cell.target = &target;
  cell.fixture = &fixture;
  cell.c_compiler = &cc;
  cell.rustc = "rustc";
  cell.c = {{"regparm", "3"}};
  cell.key = cell_key("i386", "scalars", "clang-19", cell.c, "rustc", {});
  cell.name = "i386 scalars clang-19/rustc c:regparm=3 rust:off";
  cell.pairing = Pairing::c_only;
  cell.expected = Expected::fail;
  cell.expect_reason = "abi flag regparm differs between the sides";

  CellResult r;
  r.cell = &cell;
  r.verdict = Verdict::xfail;
  r.outcome = {false, Stage::run, "wrong value: c_to_rust.u8 expected 165, got 199"};
  StepRecord step;
  step.stage = Stage::run;
  step.step = "run";
  step.argv = {"/usr/bin/qemu-i386", "/tmp/program"};
  step.result.started = true;
  step.result.exit_code = 1;
  step.result.output = "fail c_to_rust.u8 expected=165 got=199\ndone\n";
  r.steps = {step};

  ResultWriter writer(db, run);
  writer.push(r);
  writer.close();
  db.finish_run(run, RunStatus::complete);

  auto* h = db.handle();
  EXPECT_EQ(test::scalar(h, "SELECT status FROM runs"), "complete");
  EXPECT_EQ(test::scalar(h, "SELECT version FROM run_tools WHERE role = 'rustc'"), "rustc 1.95.0");
  EXPECT_EQ(test::scalar(h, "SELECT verdict || '|' || stage || '|' || reason || '|' || exit_code || '|' || pairing FROM results"),
            "xfail|run|wrong value: c_to_rust.u8 expected 165, got 199|1|c-only");
  EXPECT_EQ(test::scalar(h, "SELECT c_setting || '|' || rust_setting FROM cells"), "regparm=3|off");
  EXPECT_EQ(test::scalar(h, "SELECT command FROM steps"), "/usr/bin/qemu-i386 /tmp/program");
  EXPECT_THAT(test::scalar(h, "SELECT o.text FROM steps s JOIN outputs o ON o.id = s.output_id"),
              HasSubstr("expected=165 got=199"));
  // Normalized: the cell points at its settings, which know their flags.
  EXPECT_EQ(test::scalar(h, "SELECT f.flag || '=' || f.value FROM cells c JOIN setting_flags f ON f.setting_id = "
                      "c.c_setting_id"),
            "regparm=3");
  EXPECT_EQ(test::scalar(h, "SELECT count(*) FROM setting_flags f JOIN cells c ON f.setting_id = c.rust_setting_id"), "0");
}

} // namespace
} // namespace amx
