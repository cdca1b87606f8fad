// run/driver: the passes of a run against an in-memory recorder and
// observer: what it begins, resumes, records and refuses.

#include "run/driver.hpp"

#include "matrix/load.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

class MemoryRecorder : public RunRecorder {
public:
  std::vector<RunInfo> begun;
  std::set<std::string> done; // what reopen() says the run has
  // What was pushed, copied: a result's cell lives only as long as the run.
  struct Pushed {
    std::string key, name, reason;
    Verdict verdict;
    CellPlan plan;
  };
  std::vector<Pushed> pushed;
  std::vector<RunStatus> finished;
  std::vector<SpellingFact> spelled;

  std::int64_t begin(const RunInfo& info) override {
    begun.push_back(info);
    return 7;
  }
  std::set<std::string> reopen(std::int64_t) override { return done; }
  void push(CellResult r) override {
    pushed.push_back({r.cell->key, r.cell->name, r.outcome.reason, r.verdict, r.plan});
  }
  void close() override {}
  void finish(std::int64_t, RunStatus s) override { finished.push_back(s); }
  void spellings(std::int64_t, const std::vector<SpellingFact>& facts) override { spelled = facts; }
  std::map<Verdict, std::size_t> verdict_counts(std::int64_t) override {
    std::map<Verdict, std::size_t> out;
    for (const auto& r : pushed)
      out[r.verdict]++;
    return out;
  }
};

class MemoryObserver : public RunObserver {
public:
  std::vector<RunStart> starts;
  std::vector<std::string> names;
  void started(const RunStart& s) override { starts.push_back(s); }
  void finished(const CellResult& r) override { names.push_back(r.cell->name); }
};

struct Driven {
  test::ScopedTempDir dir;
  Matrix m;
  Driven() {
    test::make_fixtures_dir(dir.path());
    test::write_file(dir.path() / "flags.yaml", "flags:\n  regparm:\n    class: abi\n    targets: [i386]\n"
                                                "    values: [3]\n    rustc: -Zregparm={value}\n"
                                                "    clang: -mregparm={value}\n");
    test::write_file(dir.path() / "m.yaml", "import: flags.yaml\nfixtures-dir: fixtures\ntargets: [i386]\n"
                                            "c-compilers: [clang-19]\nfixtures: [scalars]\nflags: {regparm: [3]}\n"
                                            "pairings: [matched, c-only]\n");
    m = load_matrix(dir.path() / "m.yaml");
  }
  RunRequest request() {
    RunRequest r;
    r.matrix = &m;
    r.jobs = 2;
    r.work_root = dir.path() / "work";
    r.host = "test";
    return r;
  }
};

TEST(RunDriver, ARunFromBeginToFinish) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-i386", "rustc");
  Driven d;
  MemoryRecorder rec;
  MemoryObserver obs;
  auto summary = drive_run(d.request(), rec, obs);
  ASSERT_EQ(rec.begun.size(), 1u);
  EXPECT_EQ(rec.begun[0].cells_planned, 3u);
  EXPECT_EQ(rec.begun[0].matrix_hash, d.m.hash);
  EXPECT_FALSE(rec.begun[0].tools.empty());
  ASSERT_EQ(obs.starts.size(), 1u);
  EXPECT_EQ(obs.starts[0].run, 7);
  EXPECT_EQ(obs.starts[0].cells, 3u);
  EXPECT_EQ(obs.names.size(), 3u);
  ASSERT_EQ(rec.pushed.size(), 3u);
  for (const auto& r : rec.pushed) {
    EXPECT_FALSE(r.plan.skip);
    EXPECT_EQ(r.plan.layout.work, d.dir.path() / "work" / "run-7");
    EXPECT_FALSE(is_unexpected(r.verdict)) << r.name << ": " << r.reason;
  }
  EXPECT_EQ(rec.finished, std::vector<RunStatus>{RunStatus::complete});
  EXPECT_TRUE(summary.complete);
  EXPECT_EQ(summary.recorded, 3u);
  EXPECT_EQ(summary.unexpected, 0u);
  EXPECT_FALSE(std::filesystem::exists(d.dir.path() / "work" / "run-7")); // not kept
}

TEST(RunDriver, AResumeRunsOnlyWhatTheRunLacks) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-i386", "rustc");
  Driven d;
  MemoryRecorder first;
  MemoryObserver obs;
  drive_run(d.request(), first, obs);

  auto request = d.request();
  StoredRun stored{7, first.begun[0], "interrupted", "", ""};
  request.resume = stored;
  MemoryRecorder rec;
  rec.done = {first.pushed[0].key};
  MemoryObserver again;
  drive_run(request, rec, again);
  EXPECT_TRUE(rec.begun.empty());
  ASSERT_EQ(again.starts.size(), 1u);
  EXPECT_TRUE(again.starts[0].resumed);
  EXPECT_EQ(again.starts[0].cells, 2u);
  EXPECT_EQ(again.starts[0].planned, 3u);
  EXPECT_EQ(rec.pushed.size(), 2u);

  // Other tools, or another matrix, cannot finish that run.
  stored.info.tools[0].version = "another version";
  request.resume = stored;
  try {
    drive_run(request, rec, again);
    FAIL() << "resumed with other tools";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot resume run 7: its tools changed since it started"));
  }
  stored.info.matrix_hash = "0000";
  request.resume = stored;
  EXPECT_THROW(drive_run(request, rec, again), FatalError);
}

} // namespace
} // namespace amx
