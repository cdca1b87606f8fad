// The reliability suite (ctest -L reliability): hostile compilers and
// interruptions at random moments against the real harness. Nothing may
// hang, nothing the harness started may outlive it, and a resumed run must
// give the verdicts an uninterrupted one gives.

#include "test_support.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <csignal>
#include <fstream>
#include <map>
#include <random>
#include <sys/wait.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using test::rows;
using V = std::vector<std::string>;
using namespace std::chrono_literals;

// Alive: it exists and is not a zombie waiting for a reaper.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  auto close = text.rfind(')');
  return close != std::string::npos && text.substr(close + 2, 1) != "Z";
}

// Processes that carry the token of a harness's children in their environment.
std::vector<pid_t> descendants_of(pid_t harness) {
  auto pids = test::processes_with("environ", {fmt::format("ABIMATRIX_OWNER={}.", harness)});
  std::erase_if(pids, [](pid_t p) { return !alive(p); });
  return pids;
}

// Waits up to `limit` for `done`.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  return done();
}

class Reliability : public ::testing::Test {
protected:
  void SetUp() override {
    AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "x86_64-linux-gnu-gcc", "i686-linux-gnu-gcc", "qemu-x86_64",
                      "qemu-i386", "rustc", "setsid");
    m_real_clang = find_program("clang-19");
    m_pids = m_dir.path() / "pids";
    m_matrix = m_dir.path() / "m.yaml";
    m_path = std::getenv("PATH");
  }
  void TearDown() override { ::setenv("PATH", m_path.c_str(), 1); }

  // A clang-19 on PATH before the real one that does `hostile` (bash) when
  // called as `when` ("-c": compiling, "--version": identified) and is the
  // real clang otherwise. $PIDS names the file it writes pids into.
  void hostile_clang(const std::string& when, const std::string& hostile) {
    auto bin = m_dir.path() / "bin";
    test::write_file(bin / "clang-19", fmt::format("#!/bin/bash\nexport PIDS='{}'\ncase \" $* \" in *' {} '*) {}\nesac\n"
                                                   "exec '{}' \"$@\"\n",
                                                   m_pids.string(), when, hostile + " ;;", m_real_clang.string()));
    std::filesystem::permissions(bin / "clang-19", std::filesystem::perms::owner_all);
    ::setenv("PATH", (bin.string() + ":" + std::getenv("PATH")).c_str(), 1);
  }

  std::vector<pid_t> written_pids() {
    std::ifstream in(m_pids);
    std::vector<pid_t> out;
    for (pid_t p; in >> p;)
      out.push_back(p);
    return out;
  }

  bool all_gone(const std::vector<pid_t>& pids) {
    return std::none_of(pids.begin(), pids.end(), alive);
  }

  void matrix(const std::string& body) {
    auto repo = test::kSourceDir;
    test::write_file(m_matrix, "import: " + (repo / "matrices/flags.yaml").string() +
                                   "\nfixtures-dir: " + (repo / "fixtures").string() + "\n" + body);
  }

  // An escapee: a process in a session of its own that holds our output.
  static constexpr const char* kEscape = "setsid sh -c 'echo $$ >> \"$PIDS\"; exec sleep 300' & ";

  test::ScopedTempDir m_dir;
  std::filesystem::path m_real_clang, m_pids, m_matrix;
  std::string m_path;
};

TEST_F(Reliability, AnEscapeeAtACompileTimeoutNeitherHangsTheRunNorOutlivesIt) {
  hostile_clang("-c", std::string(kEscape) + "echo $$ >> \"$PIDS\"; exec sleep 300");
  matrix("targets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [scalars]\ntimeouts: {compile: 2}\n");
  auto db = m_dir.path() / "r.db";
  auto r = test::run_abimatrix({"run", m_matrix.string(), "--db", db.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output; // a cell that could not be built is unexpected
  EXPECT_LT(r.elapsed.count(), 120.0);
  EXPECT_THAT(rows(db, "SELECT reason FROM flat_results"),
              ::testing::Each(::testing::ElementsAre(HasSubstr("timeout after 2"))));
  auto pids = written_pids();
  EXPECT_FALSE(pids.empty());
  EXPECT_TRUE(all_gone(pids)) << "a compiler's descendant outlived its timeout";
}

TEST_F(Reliability, AForkStormIsEndedAtTheTimeout) {
  hostile_clang("-c", "for i in $(seq 40); do setsid sh -c 'echo $$ >> \"$PIDS\"; exec sleep 300' & done; "
                      "exec sleep 300");
  matrix("targets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [scalars]\ntimeouts: {compile: 2}\n");
  auto r = test::run_abimatrix({"run", m_matrix.string(), "--db", (m_dir.path() / "r.db").string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  auto pids = written_pids();
  EXPECT_GE(pids.size(), 40u);
  EXPECT_TRUE(eventually([&] { return all_gone(pids); }, 2s)) << "a process of the storm outlived the run";
}

TEST_F(Reliability, AHangingVersionQueryIsAnErrorThatNamesIt) {
  hostile_clang("--version", std::string(kEscape) + "exec sleep 300");
  matrix("targets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [scalars]\n");
  auto r = test::run_abimatrix({"run", m_matrix.string(), "--db", (m_dir.path() / "r.db").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("clang-19 --version failed: timed out after 30 s"));
  EXPECT_LT(r.elapsed.count(), 90.0);
  EXPECT_TRUE(all_gone(written_pids()));
}

TEST_F(Reliability, KillNineOfTheHarnessLeavesNoDescendant) {
  hostile_clang("-c", std::string(kEscape) + "echo $$ >> \"$PIDS\"; exec sleep 300");
  matrix("targets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [scalars]\ntimeouts: {compile: 600}\n");
  pid_t harness = test::spawn_abimatrix({"run", m_matrix.string(), "--db", (m_dir.path() / "r.db").string()});
  ASSERT_GT(harness, 0);
  bool hostile_started = eventually([&] { return written_pids().size() >= 2; }, 60s);
  ::kill(harness, SIGKILL);
  ::waitpid(harness, nullptr, 0);
  ASSERT_TRUE(hostile_started);
  auto pids = written_pids();
  EXPECT_TRUE(eventually([&] { return all_gone(pids); })) << "a descendant outlived the harness";
  EXPECT_TRUE(eventually([&] { return descendants_of(harness).empty(); }));
}

TEST_F(Reliability, ALyingProgramFailsTheRunProtocol) {
  test::make_fixtures_dir(m_dir.path());
  test::write_file(m_matrix, "fixtures-dir: fixtures\ntargets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [liar]\n");
  auto db = m_dir.path() / "r.db";
  auto r = test::run_abimatrix({"run", m_matrix.string(), "--db", db.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  auto result = rows(db, "SELECT verdict, reason FROM flat_results");
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0][0], "fail");
  EXPECT_THAT(result[0][1], HasSubstr("Rust's side did not echo the run's token ('echo 0x"));
}

// SIGINT or kill -9 at a random moment, then --resume: the same verdicts
// as a run that was never interrupted, and no process left behind.
TEST_F(Reliability, InterruptedAtRandomMomentsResumeGivesTheSameVerdicts) {
  matrix("targets: [x86_64, i386]\nc-compilers: [clang-19]\nfixtures: [scalars, structs]\n"
         "flags:\n  regparm: [1, 3]\npairings: [c-only]\n");
  auto verdicts = [](const std::filesystem::path& db) {
    std::map<std::string, V> out;
    for (auto& r : rows(db, "SELECT key, verdict, expected, coalesce(stage, ''), "
                            "(SELECT group_concat(test || ':' || property, ' ') FROM checks ch WHERE "
                            " ch.run_id = f.run_id AND ch.cell_key = f.key AND NOT ch.held) FROM flat_results f"))
      out[r[0]] = V(r.begin() + 1, r.end());
    return out;
  };
  auto reference_db = m_dir.path() / "reference.db";
  auto reference = test::run_abimatrix({"run", m_matrix.string(), "--db", reference_db.string()});
  ASSERT_LE(reference.exit_code, 1) << reference.output;
  const auto expected = verdicts(reference_db);
  ASSERT_FALSE(expected.empty());

  std::random_device seed_source;
  const unsigned seed = seed_source();
  std::mt19937 random(seed);
  SCOPED_TRACE(fmt::format("random seed {}", seed));
  for (int signal : {SIGINT, SIGKILL, SIGINT}) {
    auto db = m_dir.path() / fmt::format("cut-{}-{}.db", signal, random());
    pid_t harness = test::spawn_abimatrix({"run", m_matrix.string(), "--db", db.string()});
    ASSERT_GT(harness, 0);
    auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(200, 6000)(random));
    SCOPED_TRACE(fmt::format("signal {} after {} ms", signal, delay.count()));
    std::this_thread::sleep_for(delay);
    ::kill(harness, signal);
    ::waitpid(harness, nullptr, 0);
    EXPECT_TRUE(eventually([&] { return descendants_of(harness).empty(); })) << "a process outlived the harness";
    if (!std::filesystem::exists(db) || rows(db, "SELECT count(*) FROM runs") != std::vector<V>{{"1"}})
      continue; // cut before the run was recorded: nothing to resume
    auto resumed = test::run_abimatrix({"run", "--resume", "--db", db.string()});
    EXPECT_LE(resumed.exit_code, 1) << resumed.output;
    EXPECT_EQ(verdicts(db), expected);
  }
}

} // namespace
} // namespace amx
