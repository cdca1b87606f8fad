// store/schema: the append-only migrations from an old database, and the
// refusal of a newer one.

#include "model/cell.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"
#include "store/schema.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <sqlite3.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

TEST(StoreSchema, RefusesANewerDatabase) {
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

TEST(StoreSchema, MigratesAVersion2Database) {
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
  EXPECT_EQ(test::scalar(h, "PRAGMA user_version"), std::to_string(Database::schema_version()));
  EXPECT_EQ(test::scalar(h, "SELECT version FROM run_tools WHERE run_id = 1"), "rustc 1.95.0");
  EXPECT_EQ(test::scalar(h, "SELECT pairing FROM cells"), "c-only");
  EXPECT_EQ(test::scalar(h, "SELECT group_concat(f.flag || '=' || f.value, ' ') FROM cells c "
                      "JOIN setting_flags f ON f.setting_id = c.c_setting_id"),
            "min-function-alignment=64 patchable-function-entry=4,2");
  EXPECT_EQ(test::scalar(h, "SELECT count(*) || ' ' || count(DISTINCT output_id) FROM steps"), "2 1");
  EXPECT_EQ(test::scalar(h, "SELECT text FROM outputs"), "same text");
  // Schema 4: the target is a row of its own, described from what abimatrix knows.
  EXPECT_EQ(test::scalar(h, "SELECT t.name || ' ' || t.rust_triple FROM cells c JOIN targets t ON t.id = c.target_id"),
            "x86_64 x86_64-unknown-linux-gnu");
  EXPECT_EQ(test::scalar(h, "SELECT target || ' ' || verdict || ' ' || reason FROM flat_results"), "x86_64 xfail lost");
  EXPECT_EQ(test::scalar(h, "SELECT coalesce(shard, 'whole') || ' ' || cell_filter FROM runs"), "whole ");
  // Schema 6: the plan and folders are empty for results recorded before it.
  EXPECT_EQ(test::scalar(h, "SELECT c_args || rust_args || '|' || work_dir || '|' FROM results"), "[][]||");
  // Schema 13: the run left nothing out; 14: a result may be flaky, and
  // the constraint still refuses a word that is no verdict.
  EXPECT_EQ(test::scalar(h, "SELECT cell_filter_out FROM runs"), "[]");
  EXPECT_EQ(sqlite3_exec(h, "UPDATE results SET verdict = 'flaky'", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(h);
  EXPECT_NE(sqlite3_exec(h, "UPDATE results SET verdict = 'wobbly'", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(test::scalar(h, "PRAGMA foreign_key_check"), "");
  EXPECT_EQ(test::scalar(h, "PRAGMA integrity_check"), "ok");
}

// Rows of an older schema (7 to 14): run 1 with one i386 cell, clang-19
// against rustc, its C side `c_setting` and its Rust side off, and its
// result, an expected failure at run.
std::string one_result(const std::string& fixture, const std::string& c_setting, const std::string& key) {
  return fmt::format(R"sql(
INSERT INTO runs (id, matrix_path, matrix_name, matrix_hash, host, jobs, cells_planned, started_at, status)
  VALUES (1, 'm.yaml', 'm', 'h', 'host', 1, 1, '2026-01-01T00:00:00Z', 'complete');
INSERT INTO settings (text) VALUES ('off'){2};
INSERT INTO targets (name, rust_triple, clang_triple) VALUES ('i386', 'i686-unknown-linux-gnu', 'i386-linux-gnu');
INSERT INTO cells (key, name, target_id, fixture, c_compiler, rustc, c_setting, rust_setting, c_setting_id,
                   rust_setting_id, pairing)
  VALUES ('{0}', 'name', 1, '{1}', 'clang-19', 'rustc', '{3}', 'off', (SELECT id FROM settings WHERE text = '{3}'), 1,
          'c-only');
INSERT INTO results (run_id, cell_key, pairing, verdict, expected, expect_reason, stage, reason, duration_ms, finished_at)
  VALUES (1, '{0}', 'c-only', 'xfail', 'fail', 'why', 'run', 'SIGSEGV in rs_ret_two64', 1.0, '2026-01-01T00:00:01Z');
)sql",
                     key, fixture, c_setting == "off" ? "" : ", ('" + c_setting + "')", c_setting);
}

TEST(StoreSchema, Version15RekeysEveryCellAndKeepsTheOldKeyForLookup) {
  test::ScopedTempDir dir;
  auto path = dir.path() / "fourteen.db";
  const std::string old_key = "66f1efaa3c2b9d01"; // as FNV-1a made it
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    register_functions(raw);
    migrate_schema(raw, 14);
    auto rows = one_result("scalars", "regparm=3", old_key) + fmt::format(R"sql(
INSERT INTO outputs (hash, text) VALUES ('h', 'out');
INSERT INTO steps (run_id, cell_key, seq, stage, step, command, shared, exit_code, signal, timed_out, output_capped,
                   duration_ms, output_id) VALUES (1, '{0}', 0, 'run', 'run', 'qemu', 0, 1, NULL, 0, 0, 1.0, 1);
INSERT INTO checks (run_id, cell_key, seq, property, flag, held, detail, kind, test, expected, received)
  VALUES (1, '{0}', 0, 'c_to_rust.u8', '', 0, 'wrong', 'value', 'take', '165', '0');
INSERT INTO rust_mix (run_id, cell_key, minicore_setting, crate_setting, refused, message, allow_flag, allowed)
  VALUES (1, '{0}', 'regparm=3', 'off', 1, 'mixing', '', NULL);
INSERT INTO sources (run_id, cell_key, path, output_id) VALUES (1, '{0}', 'x.json', 1);
)sql",
                            old_key);
    ASSERT_EQ(sqlite3_exec(raw, rows.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  Database db(path);
  auto* h = db.handle();
  const auto key = cell_key("i386", "scalars", "clang-19", {{"regparm", "3"}}, "rustc", {});
  EXPECT_EQ(test::scalar(h, "SELECT key || ' ' || old_key FROM cells"), key + " " + old_key);
  for (const char* table : {"results", "steps", "checks", "rust_mix", "sources"})
    EXPECT_EQ(test::scalar(h, fmt::format("SELECT group_concat(DISTINCT cell_key) FROM {}", table)), key) << table;
  EXPECT_EQ(test::scalar(h, "PRAGMA foreign_key_check"), "");
  // A key quoted before (a bug report, a prefix in a thread) still names it.
  Queries q(db);
  EXPECT_EQ(q.cell(old_key), key);
  EXPECT_EQ(q.cell(old_key.substr(0, 6)), key);
  EXPECT_EQ(q.cell(key.substr(0, 6)), key);
}

TEST(StoreSchema, Version8KeepsVersion7ChecksAndTakesHangsAndCasesNotReached) {
  test::ScopedTempDir dir;
  auto path = dir.path() / "seven.db";
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    register_functions(raw);
    migrate_schema(raw, 7);
    auto rows = one_result("structs", "off", "k1") + R"sql(
INSERT INTO checks (run_id, cell_key, seq, property, flag, held, detail, kind, test, expected, received)
  VALUES (1, 'k1', 0, 'c_to_rust.small.a', '', 0, 'expected 195, got 8', 'value', 'take', '195', '8'),
         (1, 'k1', 1, 'rs_ret_two64', '', 0, 'SIGSEGV', 'crash', 'rs_ret_two64', '', '');
)sql";
    ASSERT_EQ(sqlite3_exec(raw, rows.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  Database db(path);
  auto* h = db.handle();
  EXPECT_EQ(test::scalar(h, "SELECT group_concat(kind || ':' || property || ':' || c_type, ' ') FROM checks"),
            "value:c_to_rust.small.a: crash:rs_ret_two64:");
  EXPECT_EQ(sqlite3_exec(h, "INSERT INTO checks (run_id, cell_key, seq, property, flag, held, detail, kind) VALUES "
                            "(1, (SELECT key FROM cells), 2, 'a', '', 0, '', 'timeout'), "
                            "(1, (SELECT key FROM cells), 3, 'b', '', 0, '', 'not-reached')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "INSERT INTO checks (run_id, cell_key, seq, property, flag, held, detail, kind) VALUES "
                            "(1, (SELECT key FROM cells), 4, 'c', '', 0, '', 'sideways')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(test::scalar(h, "SELECT count(*) FROM sqlite_master WHERE name = 'checks_by_name'"), "1");
  EXPECT_EQ(test::scalar(h, "PRAGMA foreign_key_check"), "");
  EXPECT_EQ(test::scalar(h, "PRAGMA integrity_check"), "ok");
}

} // namespace
} // namespace amx
