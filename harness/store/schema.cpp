#include "store/schema.hpp"

#include "model/cell.hpp"
#include "model/setting.hpp"
#include "model/target.hpp"
#include "store/statement.hpp"
#include "util/hash.hpp"


namespace amx {

namespace {

// Append only: a released database is migrated by running what follows its
// user_version, in one transaction. Never edit an entry; add one.
const char* const kMigrations[] = {
    // 1: runs, their tools, cells, results and every step of every result.
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  matrix_path TEXT NOT NULL,
  matrix_name TEXT NOT NULL,
  matrix_hash TEXT NOT NULL,
  host TEXT NOT NULL,
  jobs INTEGER NOT NULL,
  cells_planned INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted'))
);
CREATE TABLE run_tools (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  version TEXT NOT NULL,
  PRIMARY KEY (run_id, role, name)
);
CREATE TABLE cells (
  key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  target TEXT NOT NULL,
  fixture TEXT NOT NULL,
  c_compiler TEXT NOT NULL,
  rustc TEXT NOT NULL,
  c_setting TEXT NOT NULL,
  rust_setting TEXT NOT NULL
);
CREATE TABLE results (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  cell_key TEXT NOT NULL REFERENCES cells(key),
  pairing TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'skip', 'xfail', 'xpass')),
  expected TEXT NOT NULL CHECK (expected IN ('pass', 'fail')),
  expect_reason TEXT NOT NULL,
  stage TEXT CHECK (stage IN ('compile-c', 'compile-rust', 'link', 'run', 'check')),
  reason TEXT NOT NULL,
  exit_code INTEGER,
  signal INTEGER,
  duration_ms REAL NOT NULL,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (run_id, cell_key)
);
CREATE INDEX results_by_cell ON results(cell_key, run_id);
CREATE INDEX results_by_verdict ON results(run_id, verdict);
CREATE TABLE steps (
  run_id INTEGER NOT NULL,
  cell_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  stage TEXT NOT NULL,
  step TEXT NOT NULL,
  command TEXT NOT NULL,
  shared INTEGER NOT NULL,
  exit_code INTEGER,
  signal INTEGER,
  timed_out INTEGER NOT NULL,
  output_capped INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  output TEXT NOT NULL,
  PRIMARY KEY (run_id, cell_key, seq),
  FOREIGN KEY (run_id, cell_key) REFERENCES results(run_id, cell_key)
);
)sql",
    // 2: property checks, the Rust-vs-Rust experiment, the stage an expected
    // failure belongs to, and the cache of what each compiler accepts.
    R"sql(
ALTER TABLE results ADD COLUMN expected_stage TEXT;
CREATE TABLE checks (
  run_id INTEGER NOT NULL,
  cell_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  property TEXT NOT NULL,
  flag TEXT NOT NULL,
  held INTEGER NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, cell_key, seq),
  FOREIGN KEY (run_id, cell_key) REFERENCES results(run_id, cell_key)
);
CREATE TABLE rust_mix (
  run_id INTEGER NOT NULL,
  cell_key TEXT NOT NULL,
  minicore_setting TEXT NOT NULL,
  crate_setting TEXT NOT NULL,
  refused INTEGER NOT NULL,
  message TEXT NOT NULL,
  allow_flag TEXT NOT NULL,
  allowed INTEGER,
  PRIMARY KEY (run_id, cell_key),
  FOREIGN KEY (run_id, cell_key) REFERENCES results(run_id, cell_key)
);
CREATE TABLE probes (
  tool_path TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  target TEXT NOT NULL,
  args TEXT NOT NULL,
  accepted INTEGER NOT NULL,
  message TEXT NOT NULL,
  probed_at TEXT NOT NULL,
  PRIMARY KEY (tool_path, tool_version, target, args)
);
)sql",
    // 3: what repeats is stored once: each tool binary and version, each
    // setting (with its flags, for queries by flag), each distinct output.
    // Cells carry their pairing and setting ids; results are found by run,
    // by cell and by verdict through indexes.
    R"sql(
CREATE TABLE toolchains (
  id INTEGER PRIMARY KEY,
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  version TEXT NOT NULL,
  UNIQUE (role, name, path, version)
);
INSERT INTO toolchains (role, name, path, version) SELECT DISTINCT role, name, path, version FROM run_tools;
CREATE TABLE run_toolchains (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  toolchain_id INTEGER NOT NULL REFERENCES toolchains(id),
  PRIMARY KEY (run_id, toolchain_id)
);
INSERT INTO run_toolchains (run_id, toolchain_id)
  SELECT r.run_id, t.id FROM run_tools r JOIN toolchains t USING (role, name, path, version);
DROP TABLE run_tools;
CREATE VIEW run_tools AS
  SELECT rt.run_id, t.role, t.name, t.path, t.version FROM run_toolchains rt JOIN toolchains t ON t.id = rt.toolchain_id;

CREATE TABLE settings (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE TABLE setting_flags (
  setting_id INTEGER NOT NULL REFERENCES settings(id),
  flag TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (setting_id, flag)
);
CREATE INDEX setting_flags_by_flag ON setting_flags(flag, value);
INSERT OR IGNORE INTO settings (text) SELECT c_setting FROM cells UNION SELECT rust_setting FROM cells;
ALTER TABLE cells ADD COLUMN c_setting_id INTEGER REFERENCES settings(id);
ALTER TABLE cells ADD COLUMN rust_setting_id INTEGER REFERENCES settings(id);
ALTER TABLE cells ADD COLUMN pairing TEXT;
UPDATE cells SET c_setting_id = (SELECT id FROM settings WHERE text = cells.c_setting),
                 rust_setting_id = (SELECT id FROM settings WHERE text = cells.rust_setting),
                 pairing = (SELECT pairing FROM results WHERE cell_key = cells.key ORDER BY run_id DESC LIMIT 1);
CREATE INDEX cells_by_c_setting ON cells(c_setting_id);
CREATE INDEX cells_by_rust_setting ON cells(rust_setting_id);
CREATE INDEX cells_by_target ON cells(target, fixture);

CREATE TABLE outputs (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL);
CREATE TABLE steps_v3 (
  run_id INTEGER NOT NULL,
  cell_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  stage TEXT NOT NULL,
  step TEXT NOT NULL,
  command TEXT NOT NULL,
  shared INTEGER NOT NULL,
  exit_code INTEGER,
  signal INTEGER,
  timed_out INTEGER NOT NULL,
  output_capped INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  output_id INTEGER NOT NULL REFERENCES outputs(id),
  PRIMARY KEY (run_id, cell_key, seq),
  FOREIGN KEY (run_id, cell_key) REFERENCES results(run_id, cell_key)
);
INSERT OR IGNORE INTO outputs (hash, text) SELECT amx_hash(output), output FROM steps;
INSERT INTO steps_v3
  SELECT run_id, cell_key, seq, stage, step, command, shared, exit_code, signal, timed_out, output_capped,
         duration_ms, (SELECT id FROM outputs WHERE hash = amx_hash(steps.output))
  FROM steps;
DROP TABLE steps;
ALTER TABLE steps_v3 RENAME TO steps;
)sql",
    // 4: targets stored once, with their triples; a run records the cell
    // filter and shard it ran (so --resume knows what it lacks) and, for a
    // merged run, where its shards came from. flat_results is the one-row-
    // per-result view for ad-hoc SQL.
    R"sql(
CREATE TABLE targets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  rust_triple TEXT NOT NULL DEFAULT '',
  clang_triple TEXT NOT NULL DEFAULT ''
);
INSERT INTO targets (name) SELECT DISTINCT target FROM cells;
ALTER TABLE cells ADD COLUMN target_id INTEGER REFERENCES targets(id);
UPDATE cells SET target_id = (SELECT id FROM targets WHERE name = cells.target);
DROP INDEX cells_by_target;
ALTER TABLE cells DROP COLUMN target;
CREATE INDEX cells_by_target ON cells(target_id, fixture);

ALTER TABLE runs ADD COLUMN cell_filter TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN shard INTEGER;
ALTER TABLE runs ADD COLUMN shards INTEGER;
ALTER TABLE runs ADD COLUMN merged_from TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_by_matrix ON runs(matrix_name, id);

CREATE VIEW flat_results AS
  SELECT r.run_id, c.key, c.name, t.name AS target, c.fixture, c.c_compiler, c.rustc, c.c_setting, c.rust_setting,
         c.pairing, r.verdict, r.expected, r.expect_reason, r.stage, r.reason, r.exit_code, r.signal, r.duration_ms
  FROM results r JOIN cells c ON c.key = r.cell_key JOIN targets t ON t.id = c.target_id;
)sql",
    // 5: the flags a run varied, as its catalogue defined them, so reports
    // can say a flag's class and spellings without the matrix file.
    R"sql(
CREATE TABLE run_flags (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  flag TEXT NOT NULL,
  class TEXT NOT NULL,
  description TEXT NOT NULL,
  targets TEXT NOT NULL,
  spellings TEXT NOT NULL,
  PRIMARY KEY (run_id, flag)
);
)sql",
    // 6: each result keeps its cell's plan: the arguments that spelled each
    // side's setting (JSON arrays), and the folders its commands name
    // (fixtures, work, cache), so `repro` maps them without guessing; each
    // step keeps the folder it ran in.
    R"sql(
ALTER TABLE results ADD COLUMN c_args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE results ADD COLUMN rust_args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE results ADD COLUMN fixtures_dir TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN work_dir TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN cache_dir TEXT NOT NULL DEFAULT '';
ALTER TABLE steps ADD COLUMN cwd TEXT NOT NULL DEFAULT '';
)sql",
    // 7: every value check is a row of checks too, with the test case it ran
    // in and the values it compared; a case that crashed is a row of its
    // own. Rows written before are all properties.
    R"sql(
ALTER TABLE checks ADD COLUMN kind TEXT NOT NULL DEFAULT 'property'
  CHECK (kind IN ('value', 'property', 'crash'));
ALTER TABLE checks ADD COLUMN test TEXT NOT NULL DEFAULT '';
ALTER TABLE checks ADD COLUMN expected TEXT NOT NULL DEFAULT '';
ALTER TABLE checks ADD COLUMN received TEXT NOT NULL DEFAULT '';
CREATE INDEX checks_by_name ON checks(property, run_id);
)sql",
    // 8: a value check keeps its type as each side declares it, and a case
    // may also have hung (timeout) or never run (not-reached). SQLite cannot
    // change a column's CHECK, so the table is copied into a new one.
    R"sql(
CREATE TABLE checks_8 (
  run_id INTEGER NOT NULL,
  cell_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  property TEXT NOT NULL,
  flag TEXT NOT NULL,
  held INTEGER NOT NULL,
  detail TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'property'
    CHECK (kind IN ('value', 'property', 'crash', 'timeout', 'not-reached')),
  test TEXT NOT NULL DEFAULT '',
  expected TEXT NOT NULL DEFAULT '',
  received TEXT NOT NULL DEFAULT '',
  c_type TEXT NOT NULL DEFAULT '',
  rust_type TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, cell_key, seq),
  FOREIGN KEY (run_id, cell_key) REFERENCES results(run_id, cell_key)
);
INSERT INTO checks_8 (run_id, cell_key, seq, property, flag, held, detail, kind, test, expected, received)
  SELECT run_id, cell_key, seq, property, flag, held, detail, kind, test, expected, received FROM checks;
DROP TABLE checks;
ALTER TABLE checks_8 RENAME TO checks;
CREATE INDEX checks_by_name ON checks(property, run_id);
)sql",
    // 9: the sources a cell's commands read that exist only for its run (a
    // generated fixture's), each text stored once in outputs.
    R"sql(
CREATE TABLE sources (
  run_id INTEGER NOT NULL,
  cell_key TEXT NOT NULL,
  path TEXT NOT NULL,
  output_id INTEGER NOT NULL REFERENCES outputs(id),
  PRIMARY KEY (run_id, cell_key, path),
  FOREIGN KEY (run_id, cell_key) REFERENCES results(run_id, cell_key)
);
)sql",
    // 10: who is running a run ("HOST PID"), so that two resumes of one run
    // cannot both record its cells.
    R"sql(
ALTER TABLE runs ADD COLUMN lease TEXT;
)sql",
    // 11: the abimatrix and the fixture sources a run used ('' before).
    R"sql(
ALTER TABLE runs ADD COLUMN harness_version TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN fixtures_hash TEXT NOT NULL DEFAULT '';
)sql",
    // 12: a step taken from the step cache (an earlier run did it), and its
    // address there ('' for a step with none). What compilers accept is
    // kept in the cache folder, shared by every database, no longer here.
    R"sql(
DROP TABLE probes;
ALTER TABLE steps ADD COLUMN reused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE steps ADD COLUMN cache_key TEXT NOT NULL DEFAULT '';
)sql",
    // 13: the --filter-out globs that left cells out of a run (a JSON
    // array), so --resume and merge select the same cells.
    R"sql(
ALTER TABLE runs ADD COLUMN cell_filter_out TEXT NOT NULL DEFAULT '[]';
)sql",
    // 14: the verdict flaky (run --retries). Only a CHECK constraint
    // changes, which no stored row depends on: SQLite's documented way is
    // to edit the table's text in place (lang_altertable.html, "other kinds
    // of table schema changes"), done in code below.
    "",
    // 15: cell keys become XXH3-64 (well mixed: a short prefix tells cells
    // apart), computed in code below from what each cell row keeps; the
    // FNV-1a key stays as old_key, so keys quoted before still find it.
    R"sql(
ALTER TABLE cells ADD COLUMN old_key TEXT NOT NULL DEFAULT '';
CREATE INDEX cells_by_old_key ON cells(old_key);
)sql",
    // 16: what each compiler of a run made of each flag spelling (chosen,
    // accepted, stable or not for rustc, in its words), and the variables a
    // step was given (RUSTC_BOOTSTRAP=1), space-separated.
    R"sql(
CREATE TABLE run_spellings (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  toolchain_id INTEGER NOT NULL REFERENCES toolchains(id),
  flag TEXT NOT NULL,
  value TEXT NOT NULL,
  target TEXT NOT NULL,
  spelling TEXT NOT NULL,
  args TEXT NOT NULL,
  chosen INTEGER NOT NULL,
  accepted INTEGER,
  message TEXT NOT NULL,
  stability TEXT CHECK (stability IN ('stable', 'unstable', 'rejected')),
  stability_message TEXT NOT NULL,
  PRIMARY KEY (run_id, toolchain_id, flag, value, target, spelling)
);
ALTER TABLE steps ADD COLUMN env TEXT NOT NULL DEFAULT '';
)sql",
};

// Schema 3 keeps each setting once, its flags in setting_flags: fills them
// from the text older databases stored.
void split_settings_in_migration(sqlite3* db) {
  std::vector<std::pair<std::int64_t, std::string>> todo;
  Statement q(db, "SELECT id, text FROM settings WHERE id NOT IN (SELECT setting_id FROM setting_flags)");
  while (q.next())
    todo.emplace_back(q.integer(0), q.text(1));
  Statement ins(db, "INSERT OR IGNORE INTO setting_flags (setting_id, flag, value) VALUES (?, ?, ?)");
  for (const auto& [id, text] : todo)
    for (const auto& [flag, value] : parse_setting(text))
      ins.bind(1, id).bind(2, flag).bind(3, value).run();
}

void describe_targets(sqlite3* db) {
  Statement q(db, "UPDATE targets SET rust_triple = ?, clang_triple = ? WHERE name = ?");
  for (const auto& t : known_targets())
    q.bind(1, t.rust_triple).bind(2, t.clang_triple).bind(3, t.name).run();
}

// Work a migration needs beyond SQL, run after the SQL of the same version
// in its transaction: indexed by version - 1, nullptr where there is none.
// Schema 14: results.verdict may also be 'flaky'.
void allow_flaky(sqlite3* db) {
  const auto version = Statement(db, "PRAGMA schema_version").single_int();
  exec_sql(db, "PRAGMA writable_schema=ON");
  exec_sql(db, "UPDATE sqlite_schema SET sql = replace(sql, '''xfail'', ''xpass'')', '''xfail'', ''xpass'', "
               "''flaky'')') WHERE type = 'table' AND name = 'results' AND sql LIKE '%''xpass'')%'");
  if (sqlite3_changes(db) != 1)
    throw FatalError("cannot add the verdict flaky: the results table is not as schema 1 made it");
  exec_sql(db, fmt::format("PRAGMA schema_version={}", version + 1).c_str());
  exec_sql(db, "PRAGMA writable_schema=OFF");
}

// Schema 15: every cell's key anew, in every table that names it. The
// foreign keys are checked at commit, when all of them agree again.
void rekey_cells(sqlite3* db) {
  exec_sql(db, "PRAGMA defer_foreign_keys=ON");
  exec_sql(db, "CREATE TEMP TABLE key_map (old TEXT PRIMARY KEY, new TEXT NOT NULL)");
  {
    Statement cells(db, "SELECT c.key, t.name, c.fixture, c.c_compiler, c.c_setting, c.rustc, c.rust_setting "
                        "FROM cells c JOIN targets t ON t.id = c.target_id");
    Statement map(db, "INSERT INTO temp.key_map (old, new) VALUES (?, ?)");
    while (cells.next())
      map.bind(1, cells.text(0))
          .bind(2, cell_key_of_text(cells.text(1), cells.text(2), cells.text(3), cells.text(4), cells.text(5),
                                    cells.text(6)))
          .run();
  }
  exec_sql(db, "UPDATE cells SET old_key = key, key = (SELECT new FROM temp.key_map WHERE old = cells.key)");
  for (const char* table : {"results", "steps", "checks", "rust_mix", "sources"})
    exec_sql(db, fmt::format("UPDATE {0} SET cell_key = (SELECT new FROM temp.key_map WHERE old = {0}.cell_key)",
                             table)
                     .c_str());
  exec_sql(db, "DROP TABLE temp.key_map");
}

void (*const kMigrationCode[])(sqlite3*) = {nullptr, nullptr, split_settings_in_migration, describe_targets, nullptr,
                                            nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                            allow_flaky, rekey_cells, nullptr};

constexpr int kVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(sizeof(kMigrationCode) / sizeof(kMigrationCode[0]) == kVersion);

// amx_hash(text): the content address of a captured output, for storing
// each distinct output once.
void sql_hash(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string_view text = p ? std::string_view(p, sqlite3_value_bytes(argv[0])) : std::string_view();
  auto h = fmt::format("{}-{}", hash_hex(text), text.size());
  sqlite3_result_text(ctx, h.data(), static_cast<int>(h.size()), SQLITE_TRANSIENT);
}

} // namespace

int schema_version() { return kVersion; }

void register_functions(sqlite3* db) {
  if (sqlite3_create_function(db, "amx_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, sql_hash, nullptr,
                              nullptr) != SQLITE_OK)
    throw FatalError(fmt::format("sqlite: {}", sqlite3_errmsg(db)));
}

void migrate_schema(sqlite3* db, int to) {
  auto exec = [&](const char* sql) { exec_sql(db, sql); };
  auto version = Statement(db, "PRAGMA user_version").single_int();
  if (version > kVersion)
    throw FatalError(fmt::format("written by a newer abimatrix (schema version {}, this build knows up to {}); "
                                 "use a newer abimatrix or another --db",
                                 version, kVersion));
  if (version >= to)
    return;
  Transaction tx(db);
  // Another process may have migrated between our look and our lock.
  version = Statement(db, "PRAGMA user_version").single_int();
  if (version >= to)
    return;
  for (auto v = version; v < to; v++) {
    exec(kMigrations[v]);
    if (kMigrationCode[v])
      kMigrationCode[v](db);
  }
  exec(fmt::format("PRAGMA user_version={}", to).c_str());
  tx.commit();
}

} // namespace amx
