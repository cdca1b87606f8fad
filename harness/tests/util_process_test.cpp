// util/process: real children, real timeouts, real process groups.

#include "test_support.hpp"
#include "util/process.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace amx {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

ProcessSpec spec(std::vector<std::string> argv, std::chrono::milliseconds timeout = 10s) {
  ProcessSpec s;
  s.exe = find_program(argv[0]);
  argv.erase(argv.begin());
  s.args = std::move(argv);
  s.timeout = timeout;
  return s;
}

TEST(UtilProcess, CapturesStdoutAndStderrAndExitCode) {
  auto r = run_process(spec({"sh", "-c", "echo out; echo err >&2; exit 3"}));
  ASSERT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_THAT(r.output, HasSubstr("out\n"));
  EXPECT_THAT(r.output, HasSubstr("err\n"));
  EXPECT_FALSE(r.ok());
}

TEST(UtilProcess, StdinIsDevNull) {
  auto r = run_process(spec({"cat"}, 5s));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.output, "");
}

TEST(UtilProcess, TimeoutKillsTheWholeGroup) {
  // The grandchild holds the output pipe: only killing the group ends the read.
  auto r = run_process(spec({"sh", "-c", "sleep 30 & sleep 30; echo never"}, 300ms));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_LT(r.elapsed.count(), 10.0);
}

TEST(UtilProcess, OutputCapStopsAChildThatPrintsWithoutEnd) {
  auto s = spec({"yes"}, 20s);
  s.output_cap = 10000;
  auto r = run_process(s);
  EXPECT_TRUE(r.output_capped);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.output.size(), 10000u);
}

TEST(UtilProcess, OnlyTheChildGivenItSeesRustcBootstrap) {
  ::setenv("RUSTC_BOOTSTRAP", "1", 1);
  auto plain = run_process(spec({"sh", "-c", "echo \"[$RUSTC_BOOTSTRAP][$LC_ALL]\""}));
  ::unsetenv("RUSTC_BOOTSTRAP");
  EXPECT_EQ(plain.output, "[][C]\n");
  auto s = spec({"sh", "-c", "echo \"[$RUSTC_BOOTSTRAP]\""});
  s.extra_env = {"RUSTC_BOOTSTRAP=1"};
  EXPECT_EQ(run_process(s).output, "[1]\n");
}

TEST(UtilProcess, AGivenVariableReplacesTheInheritedOne) {
  ::setenv("AMX_TEST_VAR", "inherited", 1);
  auto s = spec({"sh", "-c", "echo \"[$AMX_TEST_VAR]\"; env | grep -c '^AMX_TEST_VAR='"});
  s.extra_env = {"AMX_TEST_VAR=given"};
  auto r = run_process(s);
  ::unsetenv("AMX_TEST_VAR");
  EXPECT_EQ(r.output, "[given]\n1\n");
}

TEST(UtilProcess, OwnProcessGroup) {
  auto r = run_process(spec({"sh", "-c", "ps -o pid=,pgid= -p $$"}));
  auto words = std::istringstream(r.output);
  std::string pid, pgid;
  words >> pid >> pgid;
  EXPECT_FALSE(pid.empty());
  EXPECT_EQ(pid, pgid);
}

TEST(UtilProcess, ExecFailureIsReportedWithThePath) {
  ProcessSpec s;
  s.exe = "/nonexistent/tool";
  auto r = run_process(s);
  EXPECT_FALSE(r.started);
  EXPECT_THAT(r.spawn_error, HasSubstr("exec failed: "));
  EXPECT_THAT(r.spawn_error, HasSubstr("(/nonexistent/tool)"));
}

TEST(UtilProcess, AStartDirectoryThatIsMissingIsASpawnError) {
  auto s = spec({"sh", "-c", "exit 0"});
  s.cwd = "/nonexistent/folder";
  auto r = run_process(s);
  EXPECT_FALSE(r.started);
  EXPECT_THAT(r.spawn_error, HasSubstr("No such file or directory"));
}

// Children are started with vfork while other threads start and read
// theirs: each must get its own output, whole.
TEST(UtilProcess, ChildrenStartedFromManyThreadsAtOnceEachGiveTheirOwnOutput) {
  constexpr int kThreads = 4, kEach = 30;
  std::vector<std::vector<std::string>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; i++) {
        auto r = run_process(spec({"sh", "-c", "echo \"$0\"; echo \"$0\" >&2", fmt::format("child-{}-{}", t, i)}));
        seen[t].push_back(r.started && r.exit_code == 0 ? r.output : "failed: " + r.spawn_error);
      }
    });
  for (auto& th : threads)
    th.join();
  for (int t = 0; t < kThreads; t++)
    for (int i = 0; i < kEach; i++) {
      auto name = fmt::format("child-{}-{}", t, i);
      EXPECT_EQ(seen[t][i], name + "\n" + name + "\n");
    }
}

// The pid a test child printed first, and whether that process still exists.
pid_t first_pid(const std::string& output) { return static_cast<pid_t>(std::atol(output.c_str())); }
// Alive: it exists and is not a zombie waiting for a reaper.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  auto close = text.rfind(')');
  return pid > 0 && close != std::string::npos && text.substr(close + 2, 1) != "Z";
}

// `sh -c` text that starts a descendant in a session of its own, which
// prints its pid and sleeps on with our output pipe open.
const std::string kEscapee = "setsid sh -c 'echo $$; exec sleep 300' & sleep 0.3; ";

TEST(UtilProcess, OnlyStdioReachesTheChild) {
  // A pipe of ours without CLOEXEC, as another cell's output pipe is.
  int other[2];
  ASSERT_EQ(::pipe(other), 0);
  auto r = run_process(spec({"sh", "-c", "ls /proc/$$/fd"}));
  ::close(other[0]);
  ::close(other[1]);
  EXPECT_EQ(r.output, "0\n1\n2\n");
}

TEST(UtilProcess, ADescendantInItsOwnSessionDoesNotHoldTheReadAfterTheChildEnds) {
  auto r = run_process(spec({"sh", "-c", kEscapee + "exit 0"}, 60s));
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_LT(r.elapsed.count(), 10.0);
  EXPECT_FALSE(alive(first_pid(r.output)));
}

TEST(UtilProcess, TimeoutEndsDescendantsThatLeftTheGroup) {
  auto r = run_process(spec({"sh", "-c", kEscapee + "sleep 300"}, 1s));
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(r.elapsed.count(), 10.0);
  EXPECT_FALSE(alive(first_pid(r.output)));
}

TEST(UtilProcess, AsReaperOrphansThatShedTheirEnvironmentAreEndedToo) {
  guard_descendants();
  auto r = run_process(spec({"sh", "-c", "env -i " + kEscapee + "exit 0"}, 60s));
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_LT(r.elapsed.count(), 10.0);
  pid_t escapee = first_pid(r.output);
  EXPECT_GT(escapee, 0);
  EXPECT_FALSE(alive(escapee)); // killed and reaped: not even a zombie
}

TEST(UtilProcess, FindProgram) {
  EXPECT_TRUE(find_program("sh").is_absolute());
  EXPECT_TRUE(find_program("no-such-program-abimatrix").empty());
  EXPECT_EQ(signal_name(SIGSEGV), "SIGSEGV");
}

} // namespace
} // namespace amx
