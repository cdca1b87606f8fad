// store/database: a new database, and the writer that commits results as
// they come (the schema and its migrations: store_schema_test).

#include "model/cell.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"
#include "store/schema.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include "store/statement.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <sqlite3.h>

#include <csignal>
#include <fstream>
#include <mutex>
#include <sys/wait.h>
#include <thread>

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

TEST(StoreDatabase, FirstOpensAtTheSameTimeMigrateOnce) {
  test::ScopedTempDir dir;
  for (int round = 0; round < 5; round++) {
    auto path = dir.path() / fmt::format("new-{}.db", round);
    std::mutex mutex;
    std::vector<std::string> errors;
    std::vector<std::thread> openers;
    for (int i = 0; i < 6; i++)
      openers.emplace_back([&] {
        try {
          Database db(path);
        } catch (const FatalError& e) {
          std::lock_guard lock(mutex);
          errors.emplace_back(e.what());
        }
      });
    for (auto& t : openers)
      t.join();
    EXPECT_EQ(errors, std::vector<std::string>{});
  }
}

// The bytes of a file, to show that nothing changed it.
std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(StoreDatabase, SomeoneElsesDatabaseIsRefusedAndLeftUnchanged) {
  test::ScopedTempDir dir;
  auto path = dir.path() / "foreign.db";
  test::write_foreign_database(path);
  const auto before = bytes_of(path);
  for (auto access : {Access::read, Access::write}) {
    try {
      Database db(path, access);
      ADD_FAILURE() << "opened someone else's database";
    } catch (const FatalError& e) {
      EXPECT_THAT(e.what(), HasSubstr("foreign.db: not an abimatrix database"));
    }
  }
  EXPECT_EQ(bytes_of(path), before);
  EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
}

TEST(StoreDatabase, ReadAccessChangesNothing) {
  test::ScopedTempDir dir;
  auto path = dir.path() / "r.db";
  {
    Database db(path);
    db.begin_run(RunInfo{"m.yaml", "m", "0123", "host", 2, 1, {}});
    exec_sql(db.handle(), "PRAGMA journal_mode=DELETE");
  }
  const auto before = bytes_of(path);
  {
    Database db(path, Access::read);
    EXPECT_EQ(db.stored_run(1).info.matrix_name, "m");
    EXPECT_THROW(db.begin_run(RunInfo{"m.yaml", "m", "0123", "host", 2, 1, {}}), FatalError);
  }
  EXPECT_EQ(bytes_of(path), before);
  EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
  EXPECT_THROW(Database(dir.path() / "missing.db", Access::read), FatalError);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing.db"));
  test::write_file(dir.path() / "empty.db", "");
  EXPECT_THROW(Database(dir.path() / "empty.db", Access::read), FatalError);
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "empty.db"), 0u);
}

TEST(StoreDatabase, ALiveLeaseRefusesASecondResume) {
  test::ScopedTempDir dir;
  Database db(dir.path() / "r.db");
  auto run = db.begin_run(RunInfo{"m.yaml", "m", "0123", "host", 2, 1, {}});
  db.finish_run(run, RunStatus::interrupted);
  // A live process of this host holds the run: another resume.
  pid_t holder = -1;
  std::vector<std::string> argv_text = {"/bin/sleep", "60"};
  char* argv[] = {argv_text[0].data(), argv_text[1].data(), nullptr};
  ASSERT_EQ(posix_spawn(&holder, argv[0], nullptr, nullptr, argv, environ), 0);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  exec_sql(db.handle(), fmt::format("UPDATE runs SET lease = '{} {}'", host, holder).c_str());
  try {
    db.reopen_run(run);
    ADD_FAILURE() << "resumed a run another process holds";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("run 1 is being run by process {} (host {}); wait for it to end",
                                                holder, host)));
  }
  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
  // Its process gone (kill -9), the lease is stale and taken over.
  EXPECT_NO_THROW(db.reopen_run(run));
  EXPECT_EQ(test::scalar(db.handle(), "SELECT lease FROM runs"), fmt::format("{} {}", host, ::getpid()));
  db.finish_run(run, RunStatus::complete);
  EXPECT_EQ(test::scalar(db.handle(), "SELECT coalesce(lease, 'none') FROM runs"), "none");
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
  step.result.output = std::string("fail c_to_rust.u8 expected=165 got=199\n\0\x1b[2Jdone\n", 49);
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
  // Typed rows carry an output whole, past a NUL.
  auto shown = Queries(db).show(cell.key, run);
  ASSERT_EQ(shown.steps.size(), 1u);
  EXPECT_EQ(shown.steps[0].output, step.result.output);
  EXPECT_EQ(escape_controls(shown.steps[0].output), "fail c_to_rust.u8 expected=165 got=199\n\\x00\\x1b[2Jdone\n");
  // Normalized: the cell points at its settings, which know their flags.
  EXPECT_EQ(test::scalar(h, "SELECT f.flag || '=' || f.value FROM cells c JOIN setting_flags f ON f.setting_id = "
                      "c.c_setting_id"),
            "regparm=3");
  EXPECT_EQ(test::scalar(h, "SELECT count(*) FROM setting_flags f JOIN cells c ON f.setting_id = c.rust_setting_id"), "0");
}

} // namespace
} // namespace amx
