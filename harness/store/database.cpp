#include "store/database.hpp"

#include "store/columns.hpp"
#include "store/schema.hpp"
#include "store/statement.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <unistd.h>
#include <thread>
#include <utility>

namespace amx {

namespace {

std::string now_utc() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

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

void require_database(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    throw FatalError(fmt::format("{}: no such database (`abimatrix run` creates it; --db names another)", path.string()));
}

int Database::schema_version() { return amx::schema_version(); }

namespace {

// A file: URI for the path (SQLite decodes %HH; '?' and '#' would end the path).
std::string file_uri(const std::filesystem::path& path, const char* query) {
  std::string uri = "file:";
  for (char ch : std::filesystem::absolute(path).string())
    uri += (ch == '%' || ch == '?' || ch == '#') ? fmt::format("%{:02X}", static_cast<unsigned char>(ch))
                                                 : std::string(1, ch);
  return uri + query;
}

bool writable(const std::filesystem::path& path) {
  auto dir = std::filesystem::absolute(path).parent_path();
  return ::access(path.c_str(), W_OK) == 0 && ::access(dir.c_str(), W_OK) == 0;
}

// "HOST PID": who holds a run's lease.
std::string this_process() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return fmt::format("{} {}", host, ::getpid());
}

// A lease is held while its process lives. A process on another host cannot
// be asked; its lease is taken over (a database copied from a machine that
// died must stay resumable).
bool lease_held(const std::string& lease) {
  auto space = lease.rfind(' ');
  if (space == std::string::npos)
    return false;
  auto pid = parse_unsigned(lease.substr(space + 1));
  std::string mine = this_process();
  bool same_host = lease.substr(0, space) == mine.substr(0, mine.rfind(' '));
  return same_host && pid && *pid > 0 && static_cast<pid_t>(*pid) != ::getpid() &&
         (::kill(static_cast<pid_t>(*pid), 0) == 0 || errno == EPERM);
}

} // namespace

Database::Database(const std::filesystem::path& path, Access access) : m_path(path) {
  try {
    open(access);
  } catch (const FatalError& e) {
    sqlite3_close(m_db);
    m_db = nullptr;
    throw FatalError(fmt::format("{}: {}", path.string(), e.what()));
  }
}

void Database::open(Access access) {
  const bool can_write = access == Access::write || writable(m_path);
  if (access == Access::write) {
    std::error_code ec;
    if (m_path.has_parent_path())
      std::filesystem::create_directories(m_path.parent_path(), ec);
  } else if (!std::filesystem::is_regular_file(m_path)) {
    throw FatalError("not a regular file");
  }
  const int flags = (access == Access::write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
                    SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(file_uri(m_path, can_write ? "" : "?immutable=1").c_str(), &m_db, flags, nullptr) != SQLITE_OK)
    throw FatalError(fmt::format("cannot open database: {}", m_db ? sqlite3_errmsg(m_db) : "out of memory"));
  sqlite3_busy_timeout(m_db, 10'000);
  register_functions(m_db);
  // Someone else's SQLite file gets no tables of ours, no WAL, no version.
  const auto version = Statement(m_db, "PRAGMA user_version").single_int();
  if (version == 0 && Statement(m_db, "SELECT count(*) FROM sqlite_master").single_int() > 0)
    throw FatalError("not an abimatrix database (it has tables but no abimatrix schema version); left unchanged");
  if (access == Access::read) {
    if (version == 0)
      throw FatalError("an empty file, not an abimatrix database");
    if (version < schema_version()) {
      // An older abimatrix database: ours to migrate, if we may write it.
      if (!can_write)
        throw FatalError(fmt::format("schema version {} from an older abimatrix, and the file is read-only: "
                                     "copy it somewhere writable to migrate it",
                                     version));
      sqlite3_close(m_db);
      m_db = nullptr;
      return open(Access::write);
    }
    migrate_schema(m_db); // refuses a newer schema; changes nothing otherwise
    return;
  }
  // Switching a new file to WAL needs an exclusive lock that SQLite does not
  // wait for while another connection is switching it too: we wait instead.
  for (int attempt = 0;; attempt++) {
    int rc = sqlite3_exec(m_db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK)
      break;
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt == 500)
      throw FatalError(fmt::format("sqlite: {}", sqlite3_errmsg(m_db)));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
  migrate_schema(m_db);
}

Database::~Database() { sqlite3_close(m_db); }

void Database::exec(const char* sql) { exec_sql(m_db, sql); }

std::int64_t Database::begin_run(const RunInfo& info) {
  Transaction tx(m_db);
  Statement insert(m_db,
                   "INSERT INTO runs (matrix_path, matrix_name, matrix_hash, host, jobs, cells_planned, started_at, "
                   "status, cell_filter, shard, shards, lease, harness_version, fixtures_hash, cell_filter_out) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, info.matrix_path)
      .bind(2, info.matrix_name)
      .bind(3, info.matrix_hash)
      .bind(4, info.host)
      .bind(5, static_cast<std::int64_t>(info.jobs))
      .bind(6, static_cast<std::int64_t>(info.cells_planned))
      .bind(7, now_utc())
      .bind(8, info.cell_filter);
  if (info.partition)
    insert.bind(9, static_cast<std::int64_t>(info.partition->index))
        .bind(10, static_cast<std::int64_t>(info.partition->count));
  else
    insert.bind_null(9).bind_null(10);
  insert.bind(11, this_process())
      .bind(12, info.harness_version)
      .bind(13, info.fixtures_hash)
      .bind(14, nlohmann::json(info.cell_filter_out).dump())
      .run();
  std::int64_t run = sqlite3_last_insert_rowid(m_db);
  Statement tool(m_db, "INSERT OR IGNORE INTO toolchains (role, name, path, version) VALUES (?, ?, ?, ?)");
  Statement used(m_db, "INSERT OR IGNORE INTO run_toolchains (run_id, toolchain_id) SELECT ?, id FROM toolchains "
                       "WHERE role = ? AND name = ? AND path = ? AND version = ?");
  for (const auto& t : info.tools) {
    tool.bind(1, t.role).bind(2, t.name).bind(3, t.path.string()).bind(4, t.version).run();
    used.bind(1, run).bind(2, t.role).bind(3, t.name).bind(4, t.path.string()).bind(5, t.version).run();
  }
  Statement flag(m_db, "INSERT INTO run_flags (run_id, flag, class, description, targets, spellings) "
                       "VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& f : info.flags)
    flag.bind(1, run).bind(2, f.name).bind(3, f.cls).bind(4, f.description).bind(5, f.targets).bind(6, f.spellings).run();
  tx.commit();
  return run;
}

void Database::record_spellings(std::int64_t run, const std::vector<SpellingFact>& facts) {
  Transaction tx(m_db);
  Statement(m_db, "DELETE FROM run_spellings WHERE run_id = ?").bind(1, run).run();
  Statement tool(m_db, "INSERT OR IGNORE INTO toolchains (role, name, path, version) VALUES (?, ?, ?, ?)");
  Statement ins(m_db, "INSERT OR REPLACE INTO run_spellings (run_id, toolchain_id, flag, value, target, spelling, "
                      "args, chosen, accepted, message, stability, stability_message) "
                      "SELECT ?1, id, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15 FROM toolchains "
                      "WHERE role = ?2 AND name = ?3 AND path = ?4 AND version = ?5");
  for (const auto& f : facts) {
    const Tool& t = f.tool;
    tool.bind(1, t.role).bind(2, t.name).bind(3, t.path.string()).bind(4, t.version).run();
    ins.bind(1, run).bind(2, t.role).bind(3, t.name).bind(4, t.path.string()).bind(5, t.version);
    ins.bind(6, f.flag).bind(7, f.value).bind(8, f.target).bind(9, f.spelling).bind(10, f.args)
        .bind(11, static_cast<std::int64_t>(f.chosen));
    if (f.accepted)
      ins.bind(12, static_cast<std::int64_t>(*f.accepted));
    else
      ins.bind_null(12);
    ins.bind(13, f.message);
    if (f.stability)
      ins.bind(14, to_string(*f.stability));
    else
      ins.bind_null(14);
    ins.bind(15, f.stability_message).run();
  }
  tx.commit();
}

void Database::finish_run(std::int64_t run, RunStatus status) {
  Statement(m_db, "UPDATE runs SET finished_at = ?, status = ?, lease = NULL WHERE id = ?")
      .bind(1, now_utc())
      .bind(2, to_string(status))
      .bind(3, run)
      .run();
}

StoredRun Database::stored_run(std::int64_t run) {
  Statement q(m_db, "SELECT matrix_path, matrix_name, matrix_hash, host, jobs, cells_planned, cell_filter, shard, "
                    "shards, status, started_at, coalesce(finished_at, ''), harness_version, fixtures_hash, cell_filter_out "
                    "FROM runs WHERE id = ?");
  q.bind(1, run);
  if (!q.next())
    throw FatalError(fmt::format("{}: no run {} (`abimatrix runs` lists them)", m_path.string(), run));
  StoredRun s;
  s.id = run;
  s.info = {q.text(0), q.text(1), q.text(2), q.text(3), static_cast<unsigned>(q.integer(4)),
            static_cast<std::size_t>(q.integer(5)), {}, q.text(6), std::nullopt, {}, {}, {}, {}};
  if (sqlite3_column_type(q.handle(), 7) != SQLITE_NULL)
    s.info.partition = Partition{static_cast<unsigned>(q.integer(7)), static_cast<unsigned>(q.integer(8))};
  s.status = q.text(9);
  s.started_at = q.text(10);
  s.finished_at = q.text(11);
  s.info.harness_version = q.text(12);
  s.info.fixtures_hash = q.text(13);
  s.info.cell_filter_out = string_list(q, 14);
  q.reset();
  s.info.tools = run_tools(m_db, run);
  Statement flags(m_db, "SELECT flag, class, description, targets, spellings FROM run_flags WHERE run_id = ? "
                        "ORDER BY flag");
  flags.bind(1, run);
  while (flags.next())
    s.info.flags.push_back({flags.text(0), flags.text(1), flags.text(2), flags.text(3), flags.text(4)});
  return s;
}

std::vector<Tool> run_tools(sqlite3* db, std::int64_t run) {
  Statement q(db, "SELECT role, name, path, version FROM run_tools WHERE run_id = ? ORDER BY role, name");
  q.bind(1, run);
  std::vector<Tool> out;
  while (q.next())
    out.push_back({q.text(0), q.text(1), q.text(2), q.text(3)});
  return out;
}

std::set<std::string> Database::recorded_cells(std::int64_t run) {
  Statement q(m_db, "SELECT cell_key FROM results WHERE run_id = ?");
  q.bind(1, run);
  std::set<std::string> out;
  while (q.next())
    out.insert(q.text(0));
  return out;
}

void Database::reopen_run(std::int64_t run) {
  Transaction tx(m_db);
  Statement holder(m_db, "SELECT coalesce(lease, '') FROM runs WHERE id = ?");
  holder.bind(1, run);
  if (holder.next() && lease_held(holder.text(0)))
    throw FatalError(fmt::format("{}: run {} is being run by process {} (host {}); wait for it to end",
                                 m_path.string(), run, holder.text(0).substr(holder.text(0).rfind(' ') + 1),
                                 holder.text(0).substr(0, holder.text(0).rfind(' '))));
  holder.reset();
  Statement(m_db, "UPDATE runs SET finished_at = NULL, status = 'running', lease = ? WHERE id = ?")
      .bind(1, this_process())
      .bind(2, run)
      .run();
  tx.commit();
}

void Database::record(std::int64_t run, const std::vector<CellResult>& batch) {
  Transaction tx(m_db);
  Statement setting(m_db, "INSERT OR IGNORE INTO settings (text) VALUES (?)");
  Statement setting_flag(m_db, "INSERT OR IGNORE INTO setting_flags (setting_id, flag, value) "
                               "SELECT id, ?, ? FROM settings WHERE text = ?");
  Statement target(m_db, "INSERT OR IGNORE INTO targets (name, rust_triple, clang_triple) VALUES (?, ?, ?)");
  Statement cell(m_db, "INSERT OR IGNORE INTO cells (key, name, target_id, fixture, c_compiler, rustc, c_setting, "
                       "rust_setting, pairing, c_setting_id, rust_setting_id) VALUES (?, ?, "
                       "(SELECT id FROM targets WHERE name = ?3), ?, ?, ?, ?, ?, ?, "
                       "(SELECT id FROM settings WHERE text = ?7), (SELECT id FROM settings WHERE text = ?8))");
  Statement output(m_db, "INSERT OR IGNORE INTO outputs (hash, text) VALUES (amx_hash(?1), ?1)");
  Statement result(m_db,
                   "INSERT INTO results (run_id, cell_key, pairing, verdict, expected, expect_reason, stage, reason, "
                   "exit_code, signal, duration_ms, finished_at, expected_stage, c_args, rust_args, fixtures_dir, "
                   "work_dir, cache_dir) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  Statement check(m_db, "INSERT INTO checks (run_id, cell_key, seq, property, flag, held, detail, kind, test, "
                        "expected, received, c_type, rust_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  Statement mix(m_db, "INSERT INTO rust_mix (run_id, cell_key, minicore_setting, crate_setting, refused, message, "
                      "allow_flag, allowed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  Statement step(m_db, "INSERT INTO steps (run_id, cell_key, seq, stage, step, command, shared, exit_code, signal, "
                       "timed_out, output_capped, duration_ms, output_id, cwd, reused, cache_key, env) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM outputs WHERE hash = amx_hash(?13)), "
                       "?, ?, ?, ?)");
  Statement source(m_db, "INSERT INTO sources (run_id, cell_key, path, output_id) "
                         "VALUES (?, ?, ?, (SELECT id FROM outputs WHERE hash = amx_hash(?4)))");
  const auto finished = now_utc();
  for (const auto& r : batch) {
    const Cell& c = *r.cell;
    for (const Setting* side : {&c.c, &c.rust}) {
      const auto text = to_string(*side);
      setting.bind(1, text).run();
      for (const auto& [flag, value] : *side)
        setting_flag.bind(1, flag).bind(2, value).bind(3, text).run();
    }
    target.bind(1, c.target->name).bind(2, c.target->rust_triple).bind(3, c.target->clang_triple).run();
    cell.bind(1, c.key).bind(2, c.name).bind(3, c.target->name).bind(4, c.fixture->name)
        .bind(5, c.c_compiler->name).bind(6, c.rustc).bind(7, to_string(c.c)).bind(8, to_string(c.rust))
        .bind(9, to_string(c.pairing)).run();
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
    const Layout& layout = r.plan.layout;
    result.bind(14, nlohmann::json(r.plan.c_args).dump())
        .bind(15, nlohmann::json(r.plan.rust_args).dump())
        .bind(16, layout.fixtures.string())
        .bind(17, layout.work.string())
        .bind(18, layout.cache.string());
    result.run();
    for (std::size_t i = 0; i < r.checks.size(); i++) {
      const auto& k = r.checks[i];
      check.bind(1, run).bind(2, c.key).bind(3, static_cast<std::int64_t>(i)).bind(4, k.property).bind(5, k.flag)
          .bind(6, static_cast<std::int64_t>(k.held)).bind(7, k.detail).bind(8, to_string(k.kind)).bind(9, k.test)
          .bind(10, k.expected).bind(11, k.received).bind(12, k.c_type).bind(13, k.rust_type).run();
    }
    for (const auto& f : r.sources) {
      output.bind(1, f.text).run();
      source.bind(1, run).bind(2, c.key).bind(3, f.path.string()).bind(4, f.text).run();
    }
    if (const auto& m = r.rust_mix) {
      mix.bind(1, run).bind(2, c.key).bind(3, to_string(m->minicore_setting)).bind(4, to_string(m->crate_setting))
          .bind(5, static_cast<std::int64_t>(m->refused)).bind(6, m->message).bind(7, m->allow_flag);
      if (m->allowed)
        mix.bind(8, static_cast<std::int64_t>(*m->allowed));
      else
        mix.bind_null(8);
      mix.run();
    }
    for (std::size_t i = 0; i < r.steps.size(); i++) {
      const auto& s = r.steps[i];
      const std::string& text = s.result.started ? s.result.output : s.result.spawn_error;
      output.bind(1, text).run();
      step.bind(1, run).bind(2, c.key).bind(3, static_cast<std::int64_t>(i)).bind(4, to_string(s.stage))
          .bind(5, s.step).bind(6, render_command(s.argv)).bind(7, static_cast<std::int64_t>(s.shared));
      bind_exit(step, 8, &s.result);
      step.bind(10, static_cast<std::int64_t>(s.result.timed_out))
          .bind(11, static_cast<std::int64_t>(s.result.output_capped))
          .bind(12, s.result.elapsed.count() * 1000.0)
          .bind(13, text)
          .bind(14, s.cwd.string())
          .bind(15, static_cast<std::int64_t>(s.reused))
          .bind(16, s.cache_key)
          .bind(17, join(s.env, " "))
          .run();
    }
  }
  tx.commit();
}

std::map<Verdict, std::size_t> Database::verdict_counts(std::int64_t run) {
  Statement q(m_db, "SELECT verdict, count(*) FROM results WHERE run_id = ? GROUP BY verdict");
  q.bind(1, run);
  std::map<Verdict, std::size_t> out;
  while (q.next())
    if (auto v = parse_verdict(q.text(0)))
      out[*v] = static_cast<std::size_t>(q.integer(1));
    else
      throw FatalError(fmt::format("{}: run {} has a result with the unknown verdict '{}'", m_path.string(), run,
                                   q.text(0)));
  return out;
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

Database& DatabaseRecorder::db() {
  if (!m_db)
    m_db.emplace(m_path);
  return *m_db;
}

std::int64_t DatabaseRecorder::begin(const RunInfo& info) {
  auto run = db().begin_run(info);
  m_writer.emplace(*m_db, run);
  return run;
}

std::set<std::string> DatabaseRecorder::reopen(std::int64_t run) {
  auto done = db().recorded_cells(run);
  m_db->reopen_run(run);
  m_writer.emplace(*m_db, run);
  return done;
}

void DatabaseRecorder::push(CellResult r) { m_writer->push(std::move(r)); }

void DatabaseRecorder::close() {
  if (m_writer)
    m_writer->close();
}

void DatabaseRecorder::finish(std::int64_t run, RunStatus status) { db().finish_run(run, status); }

void DatabaseRecorder::spellings(std::int64_t run, const std::vector<SpellingFact>& facts) {
  db().record_spellings(run, facts);
}


} // namespace amx
