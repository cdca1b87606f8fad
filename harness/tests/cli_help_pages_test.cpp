// `abimatrix man` and `abimatrix completions`: written from the command
// line itself, a manual page groff reads without a warning, and a bash
// completion that knows the subcommands and each one's options.

#include "test_support.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

TEST(CliHelpPages, TheManualPageIsCleanRoffWithEveryCommand) {
  AMX_REQUIRE_TOOLS("groff");
  test::ScopedTempDir dir;
  auto page = test::run_abimatrix({"man"});
  ASSERT_EQ(page.exit_code, 0) << page.output;
  for (const char* cmd : {"plan", "merge", "run", "runs", "query", "diff", "regressions", "history", "show", "report",
                          "repro", "minimize", "completions"})
    EXPECT_THAT(page.output, HasSubstr(std::string(".SS \"abimatrix ") + cmd)) << cmd;
  EXPECT_THAT(page.output, HasSubstr("\\fB\\-\\-retries\\fR \\fIUINT"));
  EXPECT_THAT(page.output, HasSubstr(".SH EXIT STATUS"));
  test::write_file(dir.path() / "abimatrix.1", page.output);
  auto groff = test::run_bash({"-c", "groff -man -Tutf8 -ww -z \"$0\" 2>&1", (dir.path() / "abimatrix.1").string()});
  EXPECT_EQ(groff.exit_code, 0);
  EXPECT_EQ(groff.output, "") << "groff warns";
}

// What bash completes after the words typed so far.
std::string completed(const std::string& shell, const std::string& words) {
  auto script = fmt::format("source <('{}' completions {}); COMP_WORDS=({}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); "
                            "_abimatrix; echo \"${{COMPREPLY[*]}}\"",
                            test::kBinary.string(), shell, words);
  return test::run_bash({"-c", script}).output;
}

TEST(CliHelpPages, BashCompletesSubcommandsAndTheirOptions) {
  EXPECT_EQ(completed("bash", "abimatrix ru"), "run runs\n");
  EXPECT_EQ(completed("bash", "abimatrix run --ret"), "--retries\n");
  EXPECT_EQ(completed("bash", "abimatrix query --ma"), "--matrix\n");
  EXPECT_EQ(completed("bash", "abimatrix -"), "--help --version\n");
  auto zsh = test::run_abimatrix({"completions", "zsh"});
  EXPECT_THAT(zsh.output, HasSubstr("bashcompinit"));
  EXPECT_EQ(test::run_abimatrix({"completions", "fish"}).exit_code, 2);
}

} // namespace
} // namespace amx
