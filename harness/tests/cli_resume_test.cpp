// `abimatrix run` cut short and finished: kill -9 mid-run leaves a sound
// database with every committed result and takes its programs along,
// `--resume` finishes the run under its id (and refuses a changed matrix),
// --max-fail stops starting cells, and `--partition K/N` shards joined by
// `merge` equal the unsharded run cell for cell. All on real toolchains.

#include "cli_run_fixture.hpp"

#include <fmt/format.h>

#include <csignal>
#include <future>
#include <thread>
#include <sys/wait.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using test::rows;
using V = std::vector<std::string>;

TEST_F(CliRun, KillNineKeepsCommittedResultsAndResumeFinishesTheRun) {
  auto db = m_dir.path() / "r.db";
  // Without the step cache: an earlier test's steps would end it too soon.
  pid_t pid = test::spawn_abimatrix({"run", m_matrix.string(), "--db", db.string(), "-j1", "--no-cache"});
  ASSERT_GT(pid, 0);
  bool started = test::wait_for_count(db, "SELECT count(*) FROM results", 3);
  // What a reader saw committed just before the kill.
  auto before = rows(db, "SELECT cell_key FROM results");
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(started);
  ASSERT_TRUE(WIFSIGNALED(status));

  EXPECT_EQ(rows(db, "PRAGMA integrity_check"), (std::vector<V>{{"ok"}}));
  EXPECT_EQ(rows(db, "PRAGMA foreign_key_check"), std::vector<V>{});
  auto after = rows(db, "SELECT cell_key FROM results");
  for (const auto& row : before)
    EXPECT_THAT(after, ::testing::Contains(row)) << "lost a committed result";
  ASSERT_LT(after.size(), 36u) << "the run finished before the kill; the test needs it cut short";
  EXPECT_EQ(rows(db, "SELECT status FROM runs"), (std::vector<V>{{"running"}})); // no one marked it

  auto resuming =
      std::async(std::launch::async, [&] { return abimatrix({"run", "--resume", "--db", db.string(), "--no-cache"}); });
  // While it runs, a second resume of the run is refused: it holds the lease.
  const std::string killed_lease = fmt::format(" {}", pid);
  bool leased = test::wait_for_count(
      db, "SELECT count(*) FROM runs WHERE lease IS NOT NULL AND lease NOT LIKE '%" + killed_lease + "'", 1);
  auto second = abimatrix({"run", "--resume", "--db", db.string()});
  auto resumed = resuming.get();
  ASSERT_TRUE(leased);
  EXPECT_EQ(second.exit_code, 2) << second.output;
  EXPECT_THAT(second.output, HasSubstr("run 1 is being run by process"));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr(fmt::format("resuming run 1 of {}: {} of 36 cells left", m_matrix.string(),
                                                    36 - after.size())));
  EXPECT_THAT(resumed.output, HasSubstr("run 1 now has 36 of 36 cells, 0 unexpected"));
  // One run, every planned cell once, nothing else.
  EXPECT_EQ(rows(db, "SELECT id, status FROM runs"), (std::vector<V>{{"1", "complete"}}));
  std::set<std::string> keys;
  for (const auto& row : rows(db, "SELECT cell_key FROM results WHERE run_id = 1"))
    EXPECT_TRUE(keys.insert(row[0]).second) << row[0] << " twice";
  EXPECT_EQ(keys, planned());

  // Resuming a finished run finds nothing to do.
  auto again = abimatrix({"run", m_matrix.string(), "--resume", "1", "--db", db.string()});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("0 of 36 cells left"));
}

TEST_F(CliRun, KillNineTakesRunningProgramsAlong) {
  test::make_fixtures_dir(m_dir.path());
  test::write_file(m_dir.path() / "hang.yaml", "fixtures-dir: fixtures\ntargets: [x86_64]\nc-compilers: [clang-19]\n"
                                               "fixtures: [hang]\ntimeouts: {run: 600}\n");
  auto work = (m_dir.path() / "work").string();
  pid_t pid = test::spawn_abimatrix({"run", (m_dir.path() / "hang.yaml").string(), "--db",
                                     (m_dir.path() / "r.db").string(), "--work-dir", work});
  ASSERT_GT(pid, 0);
  // The program itself on an x86_64 host, else under qemu-x86_64.
  auto program_running = [&] { return !test::processes_with("cmdline", {work + "/", "/program"}).empty(); };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!program_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  bool ran = program_running();
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(ran) << "the hanging program never started";
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (program_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(program_running()) << "the program outlived the harness";
}

TEST_F(CliRun, MaxFailStopsStartingCellsAndResumeFinishesTheRun) {
  // Every i386 cell expected to pass: the regparm mismatches are unexpected.
  test::write_file(m_matrix, m_body + "expect:\n  - match: {target: i386}\n    verdict: pass\n"
                                      "    reason: a test that wants unexpected results\n");
  auto db = m_dir.path() / "max.db";
  auto r = abimatrix({"run", m_matrix.string(), "--filter", "i386 scalars clang-19*", "--max-fail", "1", "-j1",
                      "--color", "always", "--db", db.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("--max-fail reached: "));
  EXPECT_THAT(r.output, HasSubstr("\033[1;31mFAIL \033[0m"));
  EXPECT_THAT(r.output, HasSubstr("finish it with: abimatrix run --resume 1"));
  auto recorded = std::stoul(rows(db, "SELECT count(*) FROM results")[0][0]);
  EXPECT_GE(recorded, 1u);
  EXPECT_LT(recorded, 6u) << r.output;
  EXPECT_EQ(rows(db, "SELECT status FROM runs"), (std::vector<V>{{"interrupted"}}));
  // Each line names its cell by a key prefix that `show` takes.
  auto key = rows(db, "SELECT cell_key FROM results WHERE verdict = 'fail' LIMIT 1")[0][0];
  EXPECT_THAT(r.output, HasSubstr("  \033[1;31mFAIL \033[0m " + key.substr(0, 8) + " i386 scalars clang-19"));
  EXPECT_EQ(abimatrix({"show", key.substr(0, 8), "--db", db.string()}).exit_code, 0);

  auto resumed = abimatrix({"run", "--resume", "--db", db.string(), "--color", "never", "-q"});
  EXPECT_EQ(resumed.exit_code, 1) << resumed.output;
  EXPECT_THAT(resumed.output, ::testing::Not(HasSubstr("\033[")));
  EXPECT_THAT(resumed.output, ::testing::Not(HasSubstr("PASS ")));
  EXPECT_EQ(rows(db, "SELECT count(*), (SELECT status FROM runs) FROM results"), (std::vector<V>{{"6", "complete"}}));
}

TEST_F(CliRun, ResumeRefusesAChangedMatrixOrNarrowerSelection) {
  auto db = m_dir.path() / "r.db";
  ASSERT_EQ(abimatrix({"run", m_matrix.string(), "--filter", "i386 scalars *", "--db", db.string()}).exit_code, 0);
  test::write_file(m_matrix, m_body + "combine: product\n");
  auto changed = abimatrix({"run", "--resume", "--db", db.string()});
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_THAT(changed.output, HasSubstr("cannot resume run 1: " + m_matrix.string() + " is not the matrix it ran"));
  test::write_file(m_matrix, m_body);
  {
    sqlite3* h = nullptr;
    sqlite3_open(db.c_str(), &h);
    sqlite3_exec(h, "UPDATE runs SET fixtures_hash = '0000000000000000'", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }
  auto other_fixtures = abimatrix({"run", "--resume", "--db", db.string()});
  EXPECT_EQ(other_fixtures.exit_code, 2);
  EXPECT_THAT(other_fixtures.output, HasSubstr("cannot resume run 1: the fixtures under "));
  auto narrowed = abimatrix({"run", "--resume", "--filter", "x", "--db", db.string()});
  EXPECT_EQ(narrowed.exit_code, 2);
  EXPECT_THAT(narrowed.output, HasSubstr("--filter, --filter-out and --partition come from that run"));
  for (const char* id : {"99999999999999999999", "9223372036854775808"}) {
    auto huge = abimatrix({"run", "--resume", id, "--db", db.string()});
    EXPECT_EQ(huge.exit_code, 2) << id;
    EXPECT_THAT(huge.output, HasSubstr(fmt::format("--resume '{}': expected a run id", id)));
  }
  auto missing_run = abimatrix({"run", "--resume", "7", "--db", db.string()});
  EXPECT_EQ(missing_run.exit_code, 2);
  EXPECT_THAT(missing_run.output, HasSubstr("no run 7 in the database"));
  auto nowhere = abimatrix({"run", "--resume", "--db", (m_dir.path() / "none.db").string()});
  EXPECT_EQ(nowhere.exit_code, 2);
  EXPECT_THAT(nowhere.output, HasSubstr("--resume: there is no database at"));
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "none.db"));
}

TEST_F(CliRun, MergedShardsEqualTheUnshardedRun) {
  auto whole = m_dir.path() / "whole.db";
  ASSERT_EQ(abimatrix({"run", m_matrix.string(), "--db", whole.string(), "-j2"}).exit_code, 0);
  std::vector<std::string> shards;
  for (int k = 1; k <= 3; k++) {
    shards.push_back((m_dir.path() / fmt::format("shard{}.db", k)).string());
    auto r = abimatrix({"run", m_matrix.string(), "--partition", fmt::format("{}/3", k), "--db", shards.back(), "-j2"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr(fmt::format("(12 cells, shard {}/3,", k)));
    EXPECT_EQ(rows(shards.back(), "SELECT shard || '/' || shards FROM runs")[0][0], fmt::format("{}/3", k));
  }
  auto merged = m_dir.path() / "merged.db";
  auto m = abimatrix({"merge", shards[0], shards[1], shards[2], "--into", merged.string()});
  EXPECT_EQ(m.exit_code, 0) << m.output;
  EXPECT_THAT(m.output, HasSubstr("merged 36 results from 3 databases into run 1"));

  auto expect = results(whole, "1");
  ASSERT_EQ(expect.size(), 36u);
  EXPECT_EQ(results(merged, "1"), expect);
  EXPECT_EQ(rows(merged, "SELECT status, cells_planned, shard IS NULL FROM runs"), (std::vector<V>{{"complete", "36", "1"}}));
  EXPECT_THAT(rows(merged, "SELECT merged_from FROM runs")[0][0], HasSubstr("shard3.db run 1 (shard 3/3)"));
  // Steps, outputs and checks came along: `show` of a merged cell has them.
  EXPECT_EQ(rows(merged, "SELECT count(*) FROM steps")[0], rows(whole, "SELECT count(*) FROM steps")[0]);
  EXPECT_EQ(rows(merged, "PRAGMA foreign_key_check"), std::vector<V>{});
  // The same evidence: diff between the merged run and the whole run, both
  // in one database, finds nothing.
  ASSERT_EQ(abimatrix({"merge", whole.string(), "--into", merged.string()}).exit_code, 0);
  auto d = abimatrix({"diff", "1", "2", "--db", merged.string()});
  EXPECT_THAT(d.output, HasSubstr("0 regressed, 0 fixed, 0 changed otherwise, 0 new, 0 gone"));

  // A missing shard is merged but said; a shard twice or a foreign run is refused.
  auto partial = abimatrix({"merge", shards[0], shards[2], "--into", (m_dir.path() / "partial.db").string()});
  EXPECT_EQ(partial.exit_code, 1);
  EXPECT_THAT(partial.output, HasSubstr("(interrupted)\n  shard 2/3 is missing"));
  auto twice = abimatrix({"merge", shards[0], shards[0], "--into", (m_dir.path() / "twice.db").string()});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.output, HasSubstr(": given twice (as "));
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "twice.db"));
  auto overlap = abimatrix({"merge", shards[0], whole.string(), "--into", (m_dir.path() / "overlap.db").string()});
  EXPECT_EQ(overlap.exit_code, 2);
  EXPECT_THAT(overlap.output, HasSubstr("has a result in both"));
  auto other = m_dir.path() / "other.db";
  // Another filter (one that selects nothing, recorded anyway): another run, not a shard of this one.
  ASSERT_EQ(abimatrix({"run", m_matrix.string(), "--filter", "x86_64 *", "--allow-empty", "--db", other.string()})
                .exit_code,
            0);
  auto foreign = abimatrix({"merge", shards[1], other.string(), "--into", (m_dir.path() / "foreign.db").string()});
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_THAT(foreign.output, HasSubstr("not shards of one run (--allow-different-matrices merges them anyway)"));
}

} // namespace
} // namespace amx
