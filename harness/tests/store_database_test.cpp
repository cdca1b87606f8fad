// store/database: schema, migrations, refusal of newer databases, and the
// writer that commits results as they come.

#include "matrix/model.hpp"
#include "store/database.hpp"
#include "store/schema.hpp"
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
  EXPECT_THAT(scalar(h, "SELECT o.text FROM steps s JOIN outputs o ON o.id = s.output_id"),
              HasSubstr("expected=165 got=199"));
  // Normalized: the cell points at its settings, which know their flags.
  EXPECT_EQ(scalar(h, "SELECT f.flag || '=' || f.value FROM cells c JOIN setting_flags f ON f.setting_id = "
                      "c.c_setting_id"),
            "regparm=3");
  EXPECT_EQ(scalar(h, "SELECT count(*) FROM setting_flags f JOIN cells c ON f.setting_id = c.rust_setting_id"), "0");
}

TEST(StoreDatabase, MigratesAVersion2Database) {
  test::ScopedTempDir dir;
  auto path = dir.path() / "old.db";
  {
    // What abimatrix wrote before schema 3: a run with one result and two
    // steps whose output is the same text.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    register_functions(raw);
    migrate_schema(raw, 2);
    const char* rows = R"sql(
INSERT INTO runs VALUES (1, 'm.yaml', 'm', 'h', 'host', 2, 1, '2026-01-01T00:00:00Z', NULL, 'complete');
INSERT INTO run_tools VALUES (1, 'rustc', 'rustc', '/usr/bin/rustc', 'rustc 1.95.0');
INSERT INTO cells VALUES ('k1', 'name', 'x86_64', 'indirect', 'clang-19', 'rustc',
                          'min-function-alignment=64,patchable-function-entry=4,2', 'off');
INSERT INTO results (run_id, cell_key, pairing, verdict, expected, expect_reason, stage, reason, duration_ms, finished_at)
  VALUES (1, 'k1', 'c-only', 'xfail', 'fail', 'why', 'check', 'lost', 1.0, '2026-01-01T00:00:01Z');
INSERT INTO steps VALUES (1, 'k1', 0, 'compile-c', 'runtime', 'cc', 0, 0, NULL, 0, 0, 1.0, 'same text');
INSERT INTO steps VALUES (1, 'k1', 1, 'compile-c', 'fixture', 'cc', 0, 0, NULL, 0, 0, 1.0, 'same text');
)sql";
    ASSERT_EQ(sqlite3_exec(raw, rows, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  Database db(path);
  auto* h = db.handle();
  EXPECT_EQ(scalar(h, "PRAGMA user_version"), std::to_string(Database::schema_version()));
  EXPECT_EQ(scalar(h, "SELECT version FROM run_tools WHERE run_id = 1"), "rustc 1.95.0");
  EXPECT_EQ(scalar(h, "SELECT pairing FROM cells"), "c-only");
  EXPECT_EQ(scalar(h, "SELECT group_concat(f.flag || '=' || f.value, ' ') FROM cells c "
                      "JOIN setting_flags f ON f.setting_id = c.c_setting_id"),
            "min-function-alignment=64 patchable-function-entry=4,2");
  EXPECT_EQ(scalar(h, "SELECT count(*) || ' ' || count(DISTINCT output_id) FROM steps"), "2 1");
  EXPECT_EQ(scalar(h, "SELECT text FROM outputs"), "same text");
  // Schema 4: the target is a row of its own, described from what abimatrix knows.
  EXPECT_EQ(scalar(h, "SELECT t.name || ' ' || t.rust_triple FROM cells c JOIN targets t ON t.id = c.target_id"),
            "x86_64 x86_64-unknown-linux-gnu");
  EXPECT_EQ(scalar(h, "SELECT target || ' ' || verdict || ' ' || reason FROM flat_results"), "x86_64 xfail lost");
  EXPECT_EQ(scalar(h, "SELECT coalesce(shard, 'whole') || ' ' || cell_filter FROM runs"), "whole ");
  EXPECT_EQ(scalar(h, "PRAGMA foreign_key_check"), "");
  EXPECT_EQ(scalar(h, "PRAGMA integrity_check"), "ok");
}

} // namespace
} // namespace amx
