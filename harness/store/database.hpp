#pragma once
// The results database: one file, WAL, schema version in user_version with an
// append-only list of migrations. Results are committed as cells finish, by
// one writer thread, so an interrupted run keeps everything it finished.

#include "run/driver.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;

namespace amx {

// Where the commands keep results unless told otherwise.
inline constexpr const char* kDefaultDatabase = "results/abimatrix.db";

// The tools a run recorded, by role and name.
std::vector<Tool> run_tools(sqlite3* db, std::int64_t run);

// read: the commands that only look (runs, query, report, repro, merge's
// inputs) open the file read-only (immutable when it is not writable) and
// never create or change it, bar migrating an older abimatrix database.
// write: creates the file and its folder when missing.
enum class Access { read, write };

class Database {
public:
  // Opens and migrates. Throws FatalError when the file is unusable, is not
  // an abimatrix database, or was written by a newer abimatrix.
  explicit Database(const std::filesystem::path& path, Access access = Access::write);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  static int schema_version(); // what this build writes

  std::int64_t begin_run(const RunInfo& info);
  void finish_run(std::int64_t run, RunStatus status);
  // Replaces what the run recorded of its compilers' flag spellings.
  void record_spellings(std::int64_t run, const std::vector<SpellingFact>& facts);
  // FatalError when there is no such run.
  StoredRun stored_run(std::int64_t run);
  // The keys of the cells the run has a result for.
  std::set<std::string> recorded_cells(std::int64_t run);
  // Marks a run running again, for --resume, and takes its lease: FatalError
  // when a live process holds it (another resume of the same run).
  void reopen_run(std::int64_t run);
  // One BEGIN IMMEDIATE transaction for the whole batch.
  void record(std::int64_t run, const std::vector<CellResult>& batch);
  std::map<Verdict, std::size_t> verdict_counts(std::int64_t run);

  sqlite3* handle() { return m_db; }

private:
  void open(Access access);
  void exec(const char* sql);

  std::filesystem::path m_path;
  sqlite3* m_db = nullptr;
};

// For commands that read: a missing file is an error naming it, never a
// new empty database.
void require_database(const std::filesystem::path& path);

// The single writer: workers push, one thread commits whatever has queued up.
class ResultWriter {
public:
  ResultWriter(Database& db, std::int64_t run);
  ~ResultWriter();
  void push(CellResult r);
  // Commits what is queued and stops the thread; rethrows a write error.
  void close();

private:
  void loop();

  Database& m_db;
  std::int64_t m_run;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<CellResult> m_queue;
  bool m_closing = false;
  std::exception_ptr m_error;
  std::thread m_thread;
};

// A run recorded into a database, for the run driver. The file is opened
// (and made) only when the run begins, so a run that stops earlier (a
// missing QEMU) leaves no database behind.
class DatabaseRecorder : public RunRecorder {
public:
  explicit DatabaseRecorder(std::filesystem::path path) : m_path(std::move(path)) {}

  std::int64_t begin(const RunInfo& info) override;
  std::set<std::string> reopen(std::int64_t run) override;
  void push(CellResult r) override;
  void close() override;
  void finish(std::int64_t run, RunStatus status) override;
  void spellings(std::int64_t run, const std::vector<SpellingFact>& facts) override;
  std::map<Verdict, std::size_t> verdict_counts(std::int64_t run) override { return db().verdict_counts(run); }

private:
  Database& db();

  std::filesystem::path m_path;
  std::optional<Database> m_db;
  std::optional<ResultWriter> m_writer; // after m_db: it goes first
};

} // namespace amx
