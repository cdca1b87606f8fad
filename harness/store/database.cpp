#include "store/database.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <utility>

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
};

constexpr int kVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

std::string now_utc() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

class Statement {
public:
  Statement(sqlite3* db, const char* sql) : m_db(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
      throw FatalError(fmt::format("sqlite: cannot prepare statement: {}", sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(m_stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(m_stmt, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(m_stmt, i, v);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(m_stmt, i);
    return *this;
  }
  // Runs to completion and resets for the next bindings.
  void run() {
    int rc;
    while ((rc = sqlite3_step(m_stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE)
      throw FatalError(fmt::format("sqlite: {}", sqlite3_errmsg(m_db)));
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
  bool next() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
      return true;
    if (rc != SQLITE_DONE)
      throw FatalError(fmt::format("sqlite: {}", sqlite3_errmsg(m_db)));
    sqlite3_reset(m_stmt);
    return false;
  }
  std::string text(int col) {
    auto p = sqlite3_column_text(m_stmt, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int col) { return sqlite3_column_int64(m_stmt, col); }
  std::int64_t single_int() {
    int rc = sqlite3_step(m_stmt);
    if (rc != SQLITE_ROW)
      throw FatalError(fmt::format("sqlite: {}", sqlite3_errmsg(m_db)));
    auto v = sqlite3_column_int64(m_stmt, 0);
    sqlite3_reset(m_stmt);
    return v;
  }

private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// Binds a process's exit code at index i and its signal at i + 1; the one
// that does not apply (or both, if it never ran to an end) stays NULL.
void bind_exit(Statement& st, int i, const ProcessResult* r) {
  if (r && r->started && !r->signal && r->exit_code >= 0)
    st.bind(i, static_cast<std::int64_t>(r->exit_code));
  else
    st.bind_null(i);
  if (r && r->signal)
    st.bind(i + 1, static_cast<std::int64_t>(r->signal));
  else
    st.bind_null(i + 1);
}

} // namespace

std::string to_string(RunStatus s) {
  switch (s) {
  case RunStatus::running: return "running";
  case RunStatus::complete: return "complete";
  case RunStatus::interrupted: return "interrupted";
  }
  return "?";
}

int Database::schema_version() { return kVersion; }

Database::Database(const std::filesystem::path& path) : m_path(path) {
  std::error_code ec;
  if (path.has_parent_path())
    std::filesystem::create_directories(path.parent_path(), ec);
  if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    sqlite3_close(m_db);
    throw FatalError(fmt::format("{}: cannot open database: {}", path.string(), msg));
  }
  try {
    sqlite3_busy_timeout(m_db, 10'000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    migrate();
  } catch (const FatalError& e) {
    sqlite3_close(m_db);
    m_db = nullptr;
    throw FatalError(fmt::format("{}: {}", path.string(), e.what()));
  }
}

Database::~Database() { sqlite3_close(m_db); }

void Database::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(m_db);
    sqlite3_free(err);
    throw FatalError(fmt::format("sqlite: {}", msg));
  }
}

void Database::migrate() {
  auto version = Statement(m_db, "PRAGMA user_version").single_int();
  if (version > kVersion)
    throw FatalError(fmt::format("written by a newer abimatrix (schema version {}, this build knows up to {}); "
                                 "use a newer abimatrix or another --db",
                                 version, kVersion));
  if (version == kVersion)
    return;
  exec("BEGIN IMMEDIATE");
  try {
    for (auto v = version; v < kVersion; v++)
      exec(kMigrations[v]);
    exec(fmt::format("PRAGMA user_version={}", kVersion).c_str());
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::int64_t Database::begin_run(const RunInfo& info) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement(m_db,
              "INSERT INTO runs (matrix_path, matrix_name, matrix_hash, host, jobs, cells_planned, started_at, status) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, 'running')")
        .bind(1, info.matrix_path)
        .bind(2, info.matrix_name)
        .bind(3, info.matrix_hash)
        .bind(4, info.host)
        .bind(5, static_cast<std::int64_t>(info.jobs))
        .bind(6, static_cast<std::int64_t>(info.cells_planned))
        .bind(7, now_utc())
        .run();
    std::int64_t run = sqlite3_last_insert_rowid(m_db);
    Statement tool(m_db, "INSERT INTO run_tools (run_id, role, name, path, version) VALUES (?, ?, ?, ?, ?)");
    for (const auto& t : info.tools)
      tool.bind(1, run).bind(2, t.role).bind(3, t.name).bind(4, t.path.string()).bind(5, t.version).run();
    exec("COMMIT");
    return run;
  } catch (...) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Database::finish_run(std::int64_t run, RunStatus status) {
  Statement(m_db, "UPDATE runs SET finished_at = ?, status = ? WHERE id = ?")
      .bind(1, now_utc())
      .bind(2, to_string(status))
      .bind(3, run)
      .run();
}

void Database::record(std::int64_t run, const std::vector<CellResult>& batch) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement cell(m_db, "INSERT OR IGNORE INTO cells (key, name, target, fixture, c_compiler, rustc, c_setting, "
                         "rust_setting) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    Statement result(m_db,
                     "INSERT INTO results (run_id, cell_key, pairing, verdict, expected, expect_reason, stage, reason, "
                     "exit_code, signal, duration_ms, finished_at, expected_stage) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Statement check(m_db, "INSERT INTO checks (run_id, cell_key, seq, property, flag, held, detail) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
    Statement mix(m_db, "INSERT INTO rust_mix (run_id, cell_key, minicore_setting, crate_setting, refused, message, "
                        "allow_flag, allowed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    Statement step(m_db, "INSERT INTO steps (run_id, cell_key, seq, stage, step, command, shared, exit_code, signal, "
                         "timed_out, output_capped, duration_ms, output) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const auto finished = now_utc();
    for (const auto& r : batch) {
      const Cell& c = *r.cell;
      cell.bind(1, c.key).bind(2, c.name).bind(3, c.target->name).bind(4, c.fixture->name)
          .bind(5, c.c_compiler->name).bind(6, c.rustc).bind(7, to_string(c.c)).bind(8, to_string(c.rust)).run();
      result.bind(1, run).bind(2, c.key).bind(3, to_string(c.pairing)).bind(4, to_string(r.verdict))
          .bind(5, to_string(c.expected)).bind(6, c.expect_reason);
      if (r.outcome.stage)
        result.bind(7, to_string(*r.outcome.stage));
      else
        result.bind_null(7);
      result.bind(8, r.outcome.reason);
      // Exit status of the last build or run step: the one that decided the
      // verdict (the check stage reads files, it runs no program of ours).
      const ProcessResult* decisive = nullptr;
      for (const auto& s : r.steps)
        if (s.stage != Stage::check && s.stage != Stage::rust_mix)
          decisive = &s.result;
      bind_exit(result, 9, decisive);
      result.bind(11, r.elapsed.count() * 1000.0).bind(12, finished);
      if (c.expected_stage)
        result.bind(13, to_string(*c.expected_stage));
      else
        result.bind_null(13);
      result.run();
      for (std::size_t i = 0; i < r.checks.size(); i++) {
        const auto& k = r.checks[i];
        check.bind(1, run).bind(2, c.key).bind(3, static_cast<std::int64_t>(i)).bind(4, k.property).bind(5, k.flag)
            .bind(6, static_cast<std::int64_t>(k.held)).bind(7, k.detail).run();
      }
      if (const auto& m = r.rust_mix) {
        mix.bind(1, run).bind(2, c.key).bind(3, m->minicore_setting).bind(4, m->crate_setting)
            .bind(5, static_cast<std::int64_t>(m->refused)).bind(6, m->message).bind(7, m->allow_flag);
        if (m->allowed)
          mix.bind(8, static_cast<std::int64_t>(*m->allowed));
        else
          mix.bind_null(8);
        mix.run();
      }
      for (std::size_t i = 0; i < r.steps.size(); i++) {
        const auto& s = r.steps[i];
        step.bind(1, run).bind(2, c.key).bind(3, static_cast<std::int64_t>(i)).bind(4, to_string(s.stage))
            .bind(5, s.step).bind(6, render_command(s.argv)).bind(7, static_cast<std::int64_t>(s.shared));
        bind_exit(step, 8, &s.result);
        step.bind(10, static_cast<std::int64_t>(s.result.timed_out))
            .bind(11, static_cast<std::int64_t>(s.result.output_capped))
            .bind(12, s.result.elapsed.count() * 1000.0)
            .bind(13, s.result.started ? s.result.output : s.result.spawn_error)
            .run();
      }
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

ResultWriter::ResultWriter(Database& db, std::int64_t run) : m_db(db), m_run(run), m_thread([this] { loop(); }) {}

ResultWriter::~ResultWriter() {
  try {
    close();
  } catch (...) {
  }
}

void ResultWriter::push(CellResult r) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(r));
  }
  m_cv.notify_one();
}

void ResultWriter::loop() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_cv.wait(lock, [&] { return m_closing || !m_queue.empty(); });
    if (m_queue.empty())
      return; // closing, and everything is written
    std::vector<CellResult> batch(std::make_move_iterator(m_queue.begin()), std::make_move_iterator(m_queue.end()));
    m_queue.clear();
    lock.unlock();
    try {
      m_db.record(m_run, batch);
    } catch (...) {
      lock.lock();
      m_error = std::current_exception();
      m_queue.clear();
      m_closing = true;
      return;
    }
    lock.lock();
  }
}

void ResultWriter::close() {
  {
    std::lock_guard lock(m_mutex);
    m_closing = true;
  }
  m_cv.notify_one();
  if (m_thread.joinable())
    m_thread.join();
  if (m_error)
    std::rethrow_exception(std::exchange(m_error, nullptr));
}

std::vector<ProbeAnswer> Database::probes(const std::string& tool_path, const std::string& tool_version) {
  Statement q(m_db, "SELECT target, args, accepted, message FROM probes WHERE tool_path = ? AND tool_version = ?");
  q.bind(1, tool_path).bind(2, tool_version);
  std::vector<ProbeAnswer> out;
  while (q.next())
    out.push_back({q.text(0), q.text(1), q.integer(2) != 0, q.text(3)});
  return out;
}

void Database::store_probes(const std::string& tool_path, const std::string& tool_version,
                            const std::vector<ProbeAnswer>& answers) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement ins(m_db, "INSERT OR REPLACE INTO probes (tool_path, tool_version, target, args, accepted, message, "
                        "probed_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    auto at = now_utc();
    for (const auto& a : answers)
      ins.bind(1, tool_path).bind(2, tool_version).bind(3, a.target).bind(4, a.args)
          .bind(5, static_cast<std::int64_t>(a.accepted)).bind(6, a.message).bind(7, at).run();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

} // namespace amx
