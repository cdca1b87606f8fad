#pragma once
// The results database: one file, WAL, schema version in user_version with an
// append-only list of migrations. Results are committed as cells finish, by
// one writer thread, so an interrupted run keeps everything it finished.

#include "matrix/select.hpp"
#include "run/result.hpp"
#include "toolchain/toolchain.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;

namespace amx {

// A flag a run varied, as its catalogue defined it.
struct FlagFacts {
  std::string name, cls, description;
  std::string targets;   // "aarch64, riscv64", or "" for every target
  std::string spellings; // "rustc: -Zfixed-x18; clang: -ffixed-x18; gcc: -ffixed-x18"
};

struct RunInfo {
  std::string matrix_path, matrix_name, matrix_hash;
  std::string host;
  unsigned jobs = 1;
  std::size_t cells_planned = 0;
  std::vector<Tool> tools;
  std::string cell_filter;            // --filter, "" for all
  std::optional<Partition> partition; // --partition, none for all
  std::vector<FlagFacts> flags;
};

// A run as recorded, with what --resume needs to run the same cells again.
struct StoredRun {
  std::int64_t id = 0;
  RunInfo info;
  std::string status, started_at, finished_at;
};

// Whether one compiler accepts one flag spelling for one target.
struct ProbeAnswer {
  std::string target;
  std::string args; // the spelled arguments, as one command-line string
  bool accepted = false;
  std::string message; // the compiler's first error line when refused
};

// The tools a run recorded, by role and name.
std::vector<Tool> run_tools(sqlite3* db, std::int64_t run);

enum class RunStatus { running, complete, interrupted };
std::string to_string(RunStatus s);

class Database {
public:
  // Opens (creating the file and its folder) and migrates. Throws FatalError
  // when the file is unusable or was written by a newer abimatrix.
  explicit Database(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  static int schema_version(); // what this build writes

  std::int64_t begin_run(const RunInfo& info);
  void finish_run(std::int64_t run, RunStatus status);
  // FatalError when there is no such run.
  StoredRun stored_run(std::int64_t run);
  // The keys of the cells the run has a result for.
  std::set<std::string> recorded_cells(std::int64_t run);
  // Marks a run running again, for --resume.
  void reopen_run(std::int64_t run);
  // One BEGIN IMMEDIATE transaction for the whole batch.
  void record(std::int64_t run, const std::vector<CellResult>& batch);

  // The capability cache, per compiler binary and version.
  std::vector<ProbeAnswer> probes(const std::string& tool_path, const std::string& tool_version);
  void store_probes(const std::string& tool_path, const std::string& tool_version,
                    const std::vector<ProbeAnswer>& answers);

  sqlite3* handle() { return m_db; }

private:
  void exec(const char* sql);
  void migrate();

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

} // namespace amx
