#pragma once
// Helpers shared by the test files: scratch folders, file writing, and the
// check that the real toolchains are installed (tests that need them skip,
// with the reason, when they are not).

#include "model/cell.hpp"
#include "model/target.hpp"
#include "util/process.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sys/utsname.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace amx::test {

inline const std::filesystem::path kSourceDir = AMX_SOURCE_DIR;
inline const std::filesystem::path kBinary = AMX_BINARY;

// A scratch folder per test, removed when the test passes and kept (and
// named in the output) when it fails, as mold's tests do.
class ScopedTempDir {
public:
  ScopedTempDir() {
    auto info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "abimatrix";
    std::string tmpl = (std::filesystem::temp_directory_path() / ("amx-" + name + "-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    m_path = ::mkdtemp(buf.data());
  }
  ~ScopedTempDir() {
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "kept scratch folder %s\n", m_path.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// The reason a test that runs real toolchains cannot run here, or "".
inline std::string missing_tools(const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (find_program(n).empty())
      return n + " is not installed (scripts/setup installs it)";
  return "";
}

#define AMX_REQUIRE_TOOLS(...)                                                                                        \
  do {                                                                                                                \
    if (auto why = ::amx::test::missing_tools({__VA_ARGS__}); !why.empty())                                           \
      GTEST_SKIP() << why;                                                                                            \
  } while (0)

// A fixtures folder with the repo's runtime, minicore and fixtures, plus the
// test-only ones (hang, flood) from harness/tests/fixtures.
inline std::filesystem::path make_fixtures_dir(const std::filesystem::path& under) {
  auto dir = under / "fixtures";
  std::filesystem::create_directories(dir);
  for (const auto& e : std::filesystem::directory_iterator(kSourceDir / "fixtures"))
    std::filesystem::create_directory_symlink(e.path(), dir / e.path().filename());
  for (const auto& e : std::filesystem::directory_iterator(kSourceDir / "harness/tests/fixtures"))
    std::filesystem::create_directory_symlink(e.path(), dir / e.path().filename());
  return dir;
}

// The rows of a query on a results database, read-only and as text ("" for
// NULL); none when the database or the query is unusable.
inline std::vector<std::vector<std::string>> rows(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_busy_timeout(h, 5000);
  sqlite3_stmt* st = nullptr;
  std::vector<std::vector<std::string>> out;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); i++) {
        auto t = sqlite3_column_text(st, i);
        row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
      }
      out.push_back(std::move(row));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

// Someone else's SQLite file: one table of theirs, one row, no abimatrix schema.
inline void write_foreign_database(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  sqlite3_open(path.c_str(), &raw);
  sqlite3_exec(raw, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
}

// Whether this machine runs x86_64 programs itself, as the toolchain then
// does instead of QEMU (Target::host_machine).
inline bool host_is_x86_64() {
  struct utsname host;
  return ::uname(&host) == 0 && std::string(host.machine) == "x86_64";
}

// The processes whose /proc/PID/<file> (cmdline, environ) holds every one
// of the texts.
inline std::vector<pid_t> processes_with(const std::string& file, const std::vector<std::string>& texts) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream in(e.path() / file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (std::all_of(texts.begin(), texts.end(), [&](const std::string& t) { return text.find(t) != std::string::npos; }))
      out.push_back(std::stoi(name));
  }
  return out;
}

// Runs the abimatrix binary itself.
// An i386 cell of `fixture`, cc against rustc, with these sides, its key
// and name set (the fixture and compiler must outlive it).
inline Cell i386_cell(const Fixture& fixture, const CCompiler& cc, Setting c, Setting rust = {}) {
  Cell cell;
  cell.target = find_target("i386");
  cell.fixture = &fixture;
  cell.c_compiler = &cc;
  cell.rustc = "rustc";
  cell.c = std::move(c);
  cell.rust = std::move(rust);
  identify(cell);
  return cell;
}

// A process that ran and exited with code, having printed output.
inline ProcessResult exited(int code, std::string output) {
  ProcessResult r;
  r.started = true;
  r.exit_code = code;
  r.output = std::move(output);
  return r;
}

// env: "KEY=VALUE" added to its environment (ABIMATRIX_CACHE=...).
// A run's console output without the cells that came out as expected: what
// a failing test prints, so that a log cut to its first lines (CI's) still
// shows the cells that did not.
inline std::string unexpected_part(const std::string& output) {
  std::string kept;
  std::size_t from = 0;
  while (from < output.size()) {
    auto to = output.find('\n', from);
    to = to == std::string::npos ? output.size() : to + 1;
    auto line = std::string_view(output).substr(from, to - from);
    if (!line.starts_with("PASS ") && !line.starts_with("XFAIL ") && !line.starts_with("SKIP "))
      kept += line;
    from = to;
  }
  return kept;
}

inline ProcessResult run_abimatrix(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                                   const std::vector<std::string>& env = {},
                                   std::chrono::minutes timeout = std::chrono::minutes(5)) {
  ProcessSpec spec;
  spec.exe = kBinary;
  spec.args = args;
  spec.extra_env = env;
  spec.cwd = cwd.empty() ? kSourceDir : cwd;
  spec.timeout = timeout;
  spec.output_cap = 16 << 20;
  return run_process(spec);
}

// bash running a script (a reproducer the harness wrote, one of
// scripts/repro), as a reader would run it.
inline ProcessResult run_bash(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                              std::chrono::milliseconds timeout = std::chrono::minutes(3)) {
  ProcessSpec spec;
  spec.exe = find_program("bash");
  spec.args = args;
  spec.cwd = cwd;
  spec.timeout = timeout;
  return run_process(spec);
}

// The first column of the first row of a query on an open database, as
// text ("" for none or NULL).
inline std::string scalar(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

// Starts the abimatrix binary without waiting, its output to /dev/null, for
// tests that signal or kill it mid-run; -1 when it cannot start.
inline pid_t spawn_abimatrix(const std::vector<std::string>& args) {
  std::vector<std::string> all = {kBinary.string()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Polls until the query's single value is at least `n` (a count of results,
// say), or a minute has passed; false then.
inline bool wait_for_count(const std::filesystem::path& db, const std::string& sql, long n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(db)) {
      auto got = rows(db, sql);
      if (!got.empty() && !got[0].empty() && std::stol(got[0][0]) >= n)
        return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

} // namespace amx::test
