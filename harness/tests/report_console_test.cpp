// report/console: the status line of each kind of result, colours, the
// progress line's elapsed time and estimate, -q and -v, and the closing
// list of unexpected cells.

#include "report/console.hpp"
#include "util/error.hpp"

#include <gmock/gmock.h>

#include <cstdio>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Results {
  Target target{"i386", "", "", "", "qemu-i386", {}};
  Cell cell;
  CellResult r;
  Results() {
    cell.target = &target;
    cell.key = "3fa9c1e2d4b5a6f7";
    cell.name = "i386 scalars clang-19/rustc c:regparm=3 rust:off";
    cell.expect_reason = "abi flag regparm differs between the sides";
    r.cell = &cell;
    r.elapsed = std::chrono::milliseconds(410);
  }
  CellResult with(Verdict v, Outcome o = {}) {
    auto out = r;
    out.verdict = v;
    out.outcome = std::move(o);
    return out;
  }
};

// What a Console printed, through a memory stream.
class Captured {
public:
  Captured() : m_file(open_memstream(&m_buffer, &m_size)) {}
  ~Captured() {
    std::fclose(m_file);
    std::free(m_buffer);
  }
  std::FILE* file() { return m_file; }
  std::string text() {
    std::fflush(m_file);
    return std::string(m_buffer, m_size);
  }

private:
  char* m_buffer = nullptr;
  std::size_t m_size = 0;
  std::FILE* m_file;
};

TEST(ReportConsole, StatusLines) {
  Results c;
  EXPECT_EQ(status_line(c.with(Verdict::pass), 12, 480, 8),
            "PASS  [0.41s] (12/480) 3fa9c1e2 i386 scalars clang-19/rustc c:regparm=3 rust:off");
  EXPECT_EQ(status_line(c.with(Verdict::xfail, {false, Stage::run, "wrong value: c_to_rust.u8 expected 165, got 199"}),
                        13, 480, 8),
            "XFAIL [0.41s] (13/480) 3fa9c1e2 i386 scalars clang-19/rustc c:regparm=3 rust:off: run: "
            "wrong value: c_to_rust.u8 expected 165, got 199");
  EXPECT_EQ(status_line(c.with(Verdict::xpass), 14, 480, 10),
            "XPASS [0.41s] (14/480) 3fa9c1e2d4 i386 scalars clang-19/rustc c:regparm=3 rust:off: "
            "passed, but expected to fail: abi flag regparm differs between the sides");
  EXPECT_EQ(status_line(c.with(Verdict::skip, {true, std::nullopt, "gcc has no spelling for kcfi=on"}), 15, 480, 8),
            "SKIP  [0.41s] (15/480) 3fa9c1e2 i386 scalars clang-19/rustc c:regparm=3 rust:off: gcc has no spelling "
            "for kcfi=on");
  EXPECT_EQ(cell_line(c.with(Verdict::fail, {false, Stage::link, "undefined symbol"}), 8),
            "FAIL  3fa9c1e2 i386 scalars clang-19/rustc c:regparm=3 rust:off: link: undefined symbol");
  // In colour, only the verdict word is painted.
  EXPECT_EQ(cell_line(c.with(Verdict::fail), 8, true),
            "\033[1;31mFAIL \033[0m 3fa9c1e2 i386 scalars clang-19/rustc c:regparm=3 rust:off");
  EXPECT_THAT(cell_line(c.with(Verdict::pass), 8, true), HasSubstr("\033[32mPASS \033[0m"));
}

TEST(ReportConsole, ColourOnATerminalUnlessNoColorOrTold) {
  EXPECT_TRUE(use_colour("auto", true, nullptr));
  EXPECT_TRUE(use_colour("auto", true, "")); // no-color.org: set and not empty
  EXPECT_FALSE(use_colour("auto", true, "1"));
  EXPECT_FALSE(use_colour("auto", false, nullptr));
  EXPECT_TRUE(use_colour("always", false, "1"));
  EXPECT_FALSE(use_colour("never", true, nullptr));
  EXPECT_THROW(use_colour("yes", true, nullptr), FatalError);
}

TEST(ReportConsole, ClockText) {
  EXPECT_EQ(clock_text(std::chrono::seconds(7)), "0:07");
  EXPECT_EQ(clock_text(std::chrono::seconds(754)), "12:34");
  EXPECT_EQ(clock_text(std::chrono::seconds(3723)), "1:02:03");
  EXPECT_EQ(clock_text(std::chrono::duration<double>(-1)), "0:00");
}

// A run of four cells, ten seconds each by a fake clock.
struct WatchedRun {
  Results c;
  Captured out;
  std::chrono::steady_clock::time_point now{};
  Console console;
  explicit WatchedRun(ConsoleStyle style)
      : console(out.file(), style, "m.yaml", "r.db", [this] { return now; }) {
    RunStart s;
    s.cells = 4;
    s.key_length = 8;
    s.tools = {{"rustc", "rustc", "/usr/bin/rustc", "rustc 1.96.0"}};
    console.started(s);
  }
  void finish(const CellResult& r) {
    now += std::chrono::seconds(10);
    console.finished(r);
  }
};

TEST(ReportConsole, ProgressHasElapsedTimeAndWhatIsLeft) {
  WatchedRun run({true, false, Verbosity::normal});
  run.finish(run.c.with(Verdict::pass));
  EXPECT_THAT(run.out.text(), HasSubstr("[1/4] 0 unexpected, 0:10 elapsed, about 0:30 left"));
  run.finish(run.c.with(Verdict::fail, {false, Stage::run, "wrong value"}));
  EXPECT_THAT(run.out.text(), HasSubstr("\r\033[KFAIL  [0.41s] (2/4) 3fa9c1e2 "));
  EXPECT_THAT(run.out.text(), HasSubstr("[2/4] 1 unexpected, 0:20 elapsed, about 0:20 left"));
  run.finish(run.c.with(Verdict::xfail));
  run.finish(run.c.with(Verdict::pass));
  EXPECT_THAT(run.out.text(), HasSubstr("[4/4] 1 unexpected, 0:40 elapsed"));
  EXPECT_THAT(run.out.text(), Not(HasSubstr("[4/4] 1 unexpected, 0:40 elapsed, about")));
  run.console.summary(RunEnd::complete);
  auto text = run.out.text();
  EXPECT_THAT(text, HasSubstr("unexpected (1):\n  FAIL  3fa9c1e2 i386 scalars clang-19/rustc c:regparm=3 rust:off: "
                              "run: wrong value\n\n1 of 4 cells unexpected (fail or xpass) in 0:40\n"));
}

TEST(ReportConsole, QuietShowsOnlyTheUnexpectedAndVerboseEachStep) {
  WatchedRun quiet({false, false, Verbosity::quiet});
  quiet.finish(quiet.c.with(Verdict::pass));
  quiet.finish(quiet.c.with(Verdict::flaky, {false, Stage::run, "pass on retry 1; at first fail at run: x"}));
  auto fail = quiet.c.with(Verdict::fail, {false, Stage::link, "undefined symbol"});
  StepRecord link;
  link.stage = Stage::link;
  link.step = "link";
  link.argv = {"/usr/bin/ld.lld-19", "-o", "program", "a.o"};
  link.result.started = true;
  link.result.exit_code = 1;
  link.result.elapsed = std::chrono::milliseconds(12);
  fail.steps = {link};
  quiet.finish(fail);
  quiet.console.summary(RunEnd::complete);
  auto text = quiet.out.text();
  EXPECT_THAT(text, Not(HasSubstr("PASS")));
  EXPECT_THAT(text, Not(HasSubstr("/usr/bin/rustc"))); // no tool list
  EXPECT_THAT(text, HasSubstr("FAIL  [0.41s] (3/4) 3fa9c1e2"));
  EXPECT_THAT(text, HasSubstr("FLAKY [0.41s] (2/4) 3fa9c1e2")); // shown even when quiet
  EXPECT_THAT(text, Not(HasSubstr("ld.lld-19")));
  EXPECT_THAT(text, Not(HasSubstr("\r"))); // no progress line off a terminal

  WatchedRun verbose({false, false, Verbosity::verbose});
  verbose.finish(verbose.c.with(Verdict::pass));
  verbose.finish(fail);
  EXPECT_THAT(verbose.out.text(), HasSubstr("PASS  [0.41s] (1/4)"));
  EXPECT_THAT(verbose.out.text(), HasSubstr("    link link: exit 1, 12 ms: /usr/bin/ld.lld-19 -o program a.o\n"));
}

TEST(ReportConsole, TheEndSaysWhyARunStopped) {
  WatchedRun run({false, false, Verbosity::normal});
  run.finish(run.c.with(Verdict::fail, {false, Stage::run, "wrong value"}));
  run.console.summary(RunEnd::max_fail);
  EXPECT_THAT(run.out.text(), HasSubstr("--max-fail reached: 1 unexpected, 1 of 4 cells run (0:10); no more were started"));
  WatchedRun cut({false, false, Verbosity::normal});
  cut.finish(cut.c.with(Verdict::pass));
  cut.console.summary(RunEnd::interrupted);
  EXPECT_THAT(cut.out.text(), HasSubstr("interrupted after 1 of 4 cells (0:10); finished results are saved"));
  WatchedRun flaky({false, false, Verbosity::normal});
  flaky.finish(flaky.c.with(Verdict::flaky));
  flaky.console.summary(RunEnd::complete);
  EXPECT_THAT(flaky.out.text(), HasSubstr("all 1 cells as expected (1 flaky) in 0:10"));
  // A wall of failures lists the first fifty again, and says how many more.
  WatchedRun wall({false, false, Verbosity::quiet});
  for (int i = 0; i < 52; i++)
    wall.finish(wall.c.with(Verdict::fail, {false, Stage::run, "wrong value"}));
  wall.console.summary(RunEnd::complete);
  auto text = wall.out.text();
  EXPECT_THAT(text, HasSubstr("unexpected (52):\n"));
  EXPECT_THAT(text, HasSubstr("  ... and 2 more (abimatrix query --verdict unexpected)\n"));
}

} // namespace
} // namespace amx
