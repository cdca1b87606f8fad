// store/database: schema, migrations, refusal of newer databases, and the
// writer that commits results as they come.

#include "matrix/model.hpp"
#include "store/database.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <gmock/gmock.h>
#include <sqlite3.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

std::string scalar(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

TEST(StoreDatabase, NewDatabaseHasSchemaAndWal) {
  test::ScopedTempDir dir;
  Database db(dir.path() / "sub" / "r.db");
  EXPECT_EQ(scalar(db.handle(), "PRAGMA user_version"), std::to_string(Database::schema_version()));
  EXPECT_EQ(scalar(db.handle(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(scalar(db.handle(), "PRAGMA foreign_keys"), "1");
}

TEST(StoreDatabase, RefusesANewerDatabase) {
  test::ScopedTempDir dir;
  auto path = dir.path() / "r.db";
  {
    Database db(path);
    sqlite3_exec(db.handle(), "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  }
  try {
    Database again(path);
    FAIL() << "opened a newer database";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("r.db: written by a newer abimatrix (schema version 99"));
  }
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
  EXPECT_EQ(scalar(h, "SELECT status FROM runs"), "complete");
  EXPECT_EQ(scalar(h, "SELECT version FROM run_tools WHERE role = 'rustc'"), "rustc 1.95.0");
  EXPECT_EQ(scalar(h, "SELECT verdict || '|' || stage || '|' || reason || '|' || exit_code || '|' || pairing FROM results"),
            "xfail|run|wrong value: c_to_rust.u8 expected 165, got 199|1|c-only");
  EXPECT_EQ(scalar(h, "SELECT c_setting || '|' || rust_setting FROM cells"), "regparm=3|off");
  EXPECT_EQ(scalar(h, "SELECT command FROM steps"), "/usr/bin/qemu-i386 /tmp/program");
  EXPECT_THAT(scalar(h, "SELECT output FROM steps"), HasSubstr("expected=165 got=199"));
}

} // namespace
} // namespace amx
