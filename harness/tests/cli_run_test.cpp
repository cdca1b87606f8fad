// `abimatrix run` beyond one plain run: missing compilers, the real core
// and the step cache across runs, an empty selection, the JUnit and JSON
// files a run writes, retries and --filter-out. All on real toolchains.
// (Runs cut short, resumed and sharded: cli_resume_test.cpp.)

#include "cli_run_fixture.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

#include <csignal>
#include <set>
#include <thread>
#include <sys/wait.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using test::rows;
using V = std::vector<std::string>;

TEST_F(CliRun, MissingCompilersSkipWithReasonsAndTheRunCompletes) {
  // clang-13 is not in bookworm; /opt/no-such/rustc and the rustup
  // toolchain nightly-1999-01-01 are not installed.
  auto repo = std::filesystem::path(AMX_SOURCE_DIR);
  test::write_file(m_matrix, "import: " + (repo / "matrices/flags.yaml").string() + "\nfixtures-dir: " +
                                 (repo / "fixtures").string() +
                                 "\ntargets: [i386]\nc-compilers: [clang-19, clang-13]\nfixtures: [scalars]\n"
                                 "rustc: {here: rustc, gone: /opt/no-such/rustc, old: +nightly-1999-01-01}\n"
                                 "flags:\n  regparm: [3]\npairings: [matched]\n");
  auto db = m_dir.path() / "r.db";
  auto r = abimatrix({"run", m_matrix.string(), "--db", db.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(rows(db, "SELECT status FROM runs")[0][0], "complete");
  std::map<std::string, std::set<std::string>> by_pair; // "cc/rustc" -> verdict: reason
  for (auto& row : rows(db, "SELECT c_compiler || '/' || rustc, verdict || ': ' || reason FROM flat_results"))
    by_pair[row[0]].insert(row[1]);
  EXPECT_EQ(by_pair["clang-19/here"], (std::set<std::string>{"pass: "}));
  EXPECT_EQ(by_pair["clang-19/gone"], (std::set<std::string>{"skip: rustc /opt/no-such/rustc is not installed"}));
  ASSERT_EQ(by_pair["clang-19/old"].size(), 1u);
  EXPECT_THAT(*by_pair["clang-19/old"].begin(), HasSubstr("skip: rustc +nightly-1999-01-01: error: toolchain"));
  for (auto rustc : {"here", "gone", "old"})
    EXPECT_EQ(by_pair[std::string("clang-13/") + rustc], (std::set<std::string>{"skip: clang-13 not found on PATH"}));
  EXPECT_EQ(rows(db, "SELECT count(*) FROM flat_results")[0][0], "12"); // off and regparm=3, 2 x 3 compilers
  // Only the tools found are recorded for the run.
  EXPECT_EQ(rows(db, "SELECT group_concat(name) FROM run_tools WHERE role = 'rustc'")[0][0], "here");
  // A skipped cell ran nothing: there is no reproducer to write.
  auto skipped = rows(db, "SELECT key FROM flat_results WHERE rustc = 'gone' LIMIT 1")[0][0];
  auto repro = abimatrix({"repro", skipped, "--db", db.string()});
  EXPECT_EQ(repro.exit_code, 2);
  EXPECT_THAT(repro.output, HasSubstr("ran no step in run 1 (skip: rustc /opt/no-such/rustc is not installed); "
                                      "there is nothing to reproduce"));
}

// A compiler is asked about a side's command line only when the side's
// build gives cause. gcc's refusal of KCFI, learnt from its failed compile,
// skips its cell with nothing built, in the words a probe before the build
// gave; clang's side builds cleanly and is never asked about; a second run
// knows the refusal and builds nothing for that cell.
TEST_F(CliRun, ACompilerIsAskedAboutASideOnlyWhenItsBuildGivesCause) {
  auto repo = std::filesystem::path(AMX_SOURCE_DIR);
  test::write_file(m_matrix, "import: " + (repo / "matrices/flags.yaml").string() + "\nfixtures-dir: " +
                                 (repo / "fixtures").string() +
                                 "\ntargets: [x86_64]\nc-compilers: [clang-19, gcc]\nfixtures: [kcfi]\n"
                                 "flags:\n  kcfi: [normalized-unmerged]\npairings: [matched]\n");
  const std::string sql = "SELECT c_compiler, verdict || ': ' || reason, (SELECT count(*) FROM steps s WHERE "
                          "s.run_id = f.run_id AND s.cell_key = f.key) FROM flat_results f WHERE c_setting != 'off' "
                          "ORDER BY c_compiler";
  const std::vector<V> expected = {
      {"clang-19", "pass: ", "7"},
      {"gcc", "skip: x86_64-linux-gnu-gcc does not accept -fsanitize=kcfi -fsanitize-cfi-icall-experimental-"
              "normalize-integers for x86_64: x86_64-linux-gnu-gcc: error: unrecognized argument to '-fsanitize=' "
              "option: 'kcfi'", "0"}};
  for (std::string name : {"a.db", "b.db"}) {
    auto r = abimatrix_cached({"run", m_matrix.string(), "--db", (m_dir.path() / name).string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(rows(m_dir.path() / name, sql), expected) << name;
  }
  // What the compilers were asked: gcc about the one side whose build
  // failed; rustc once whether it takes -Z options on stable terms (it does
  // not, so no -Z spelling is asked about on those terms), and alone about
  // the spellings of the values no cell built (on, normalized), not about
  // the one its cell's Rust side showed it takes; clang about nothing.
  std::vector<std::string> asked;
  for (const auto& f : std::filesystem::directory_iterator(m_dir.path() / "cache" / "probes")) {
    std::ifstream in(f.path());
    const auto kept = nlohmann::json::parse(in);
    for (const auto& a : kept.at("answers"))
      asked.push_back(fmt::format("{} {}{}", a.at("target").get<std::string>(), a.at("args").get<std::string>(),
                                  a.at("stable").get<bool>() ? " (stable)" : ""));
  }
  std::sort(asked.begin(), asked.end());
  EXPECT_EQ(asked, (std::vector<std::string>{
                       "x86_64 -Zsanitizer=kcfi", "x86_64 -Zsanitizer=kcfi -Zsanitizer-cfi-normalize-integers",
                       "x86_64 -Zunstable-options (stable)",
                       "x86_64 -fsanitize=kcfi -fsanitize-cfi-icall-experimental-normalize-integers"}));
}

TEST_F(CliRun, RealCoreIsBuiltWithTheCellsFlagsOnceAndCachedAcrossRuns) {
  AMX_REQUIRE_RUST_WEB_CORE();
  auto repo = std::filesystem::path(AMX_SOURCE_DIR);
  test::write_file(m_matrix, "import: " + (repo / "matrices/flags.yaml").string() + "\nfixtures-dir: " +
                                 (repo / "fixtures").string() + "\ncore-source: " + kRustWebLibrary.string() +
                                 "\ntargets: [x86_64]\nc-compilers: [clang-19]\nrustc: {debian: /usr/bin/rustc}\n"
                                 "fixtures: [scalars, thunks]\nflags:\n  return-thunk:\npairings: [matched]\n");
  auto cache = m_dir.path() / "cache";
  auto run = [&](const std::string& db) {
    return abimatrix_cached({"run", m_matrix.string(), "--db", (m_dir.path() / db).string()});
  };
  auto first = run("a.db");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("all 3 cells as expected"));
  // Two Rust settings (off, return-thunk), two cores; each cell's crates are
  // built against its own, and the thunks fixture sees core's returns go
  // through the thunk too (it checks the whole Rust side of the program).
  auto a = m_dir.path() / "a.db";
  EXPECT_EQ(rows(a, "SELECT count(DISTINCT command) FROM steps WHERE step = 'core' AND shared = 0")[0][0], "2");
  EXPECT_EQ(rows(a, "SELECT count(*) FROM steps WHERE step = 'core' AND command LIKE '%-Zfunction-return=thunk-extern%'"
                    " AND command LIKE '%--cfg no_fp_fmt_parse%'")[0][0],
            "1");
  EXPECT_EQ(rows(a, "SELECT count(*) FROM steps WHERE step = 'fixture-rust' AND command LIKE '%--sysroot=" +
                        (cache / "core").string() + "/%'")[0][0],
            "3");
  EXPECT_EQ(rows(a, "SELECT count(*) FROM steps WHERE step = 'compiler-builtins' AND shared = 0 AND command LIKE "
                    "'%--crate-name=compiler_builtins%minicore/compiler_builtins.rs%'")[0][0],
            "2");
  EXPECT_EQ(rows(a, "SELECT count(*) FROM rust_mix")[0][0], "0");
  // A second run, another database: the cores come from the cache.
  auto second = run("b.db");
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(rows(m_dir.path() / "b.db", "SELECT count(*) FROM steps s JOIN outputs o ON o.id = s.output_id WHERE "
                                        "s.step IN ('core', 'compiler-builtins') AND s.shared = 0 AND o.text LIKE 'reused from the cache: %'")[0][0],
            "4");
  // Reused, the steps still say how the core was built.
  EXPECT_EQ(rows(m_dir.path() / "b.db", "SELECT count(DISTINCT command) FROM steps WHERE step = 'core'")[0][0],
            rows(a, "SELECT count(DISTINCT command) FROM steps WHERE step = 'core'")[0][0]);
}

// A core for the kernel's target.json, reused by a later run, is recorded
// with that run's specification: the run that built it removed its own.
TEST_F(CliRun, AReusedCoreForAKernelTargetNamesTheRunsOwnSpecification) {
  AMX_REQUIRE_RUST_WEB_CORE();
  auto repo = std::filesystem::path(AMX_SOURCE_DIR);
  test::write_file(m_matrix, "import: [" + (repo / "matrices/flags.yaml").string() + ", " +
                                 (repo / "matrices/profiles.yaml").string() + "]\nfixtures-dir: " +
                                 (repo / "fixtures").string() + "\ncore-source: " + kRustWebLibrary.string() +
                                 "\ntargets: [x86_64]\nc-compilers: [clang-19]\nrustc: {debian: /usr/bin/rustc}\n"
                                 "fixtures: [scalars]\npairings: []\nprofiles: [x86_64-kernel-nocfi]\n"
                                 "profile-pairings: [matched]\n");
  for (std::string name : {"a", "b"}) {
    auto db = m_dir.path() / (name + ".db");
    auto r = abimatrix_cached({"run", m_matrix.string(), "--db", db.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto cores = rows(db, "SELECT command FROM steps WHERE step IN ('core', 'compiler-builtins') AND shared = 0");
    ASSERT_EQ(cores.size(), 2u) << name;
    const auto own = (m_dir.path() / "work" / name / "run-1" / "targets").string() + "/";
    for (const auto& c : cores)
      EXPECT_THAT(c[0], HasSubstr("--target=" + own)) << name;
  }
  EXPECT_EQ(rows(m_dir.path() / "b.db", "SELECT count(*) FROM steps s JOIN outputs o ON o.id = s.output_id WHERE "
                                        "s.step = 'core' AND o.text LIKE 'reused from the cache: %'")[0][0],
            "1");
}

TEST_F(CliRun, ASecondRunReusesEveryStepAndAnotherRustcRunsOnlyItsOwn) {
  auto db = [&](const std::string& name) { return m_dir.path() / name; };
  auto run = [&](const std::string& name, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"run", m_matrix.string(), "--filter", "i386 scalars *", "--db", db(name)};
    args.insert(args.end(), more.begin(), more.end());
    return abimatrix_cached(args);
  };
  auto first = run("a.db");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(rows(db("a.db"), "SELECT count(*) FROM steps WHERE reused")[0][0], "0");
  // Nothing changed: every step comes from the cache, and so do the answers
  // of the compilers; the evidence is the same, in another work folder too.
  auto second = run("b.db", {"--work-dir", (m_dir.path() / "elsewhere").string()});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_THAT(second.output, ::testing::Not(HasSubstr("asked the compilers")));
  EXPECT_EQ(rows(db("b.db"), "SELECT count(*) FROM steps WHERE NOT reused OR length(cache_key) != 32")[0][0], "0");
  EXPECT_EQ(results(db("a.db"), "1"), results(db("b.db"), "1"));
  // A reused step names this run's folder: it can be replayed as recorded.
  EXPECT_EQ(rows(db("b.db"), "SELECT count(*) FROM steps WHERE stage = 'link' AND command NOT LIKE '%" +
                                 (m_dir.path() / "elsewhere").string() + "/obj/%'")[0][0],
            "0");
  // --rerun runs the programs again and reuses the rest.
  ASSERT_EQ(run("c.db", {"--rerun"}).exit_code, 0);
  EXPECT_EQ(rows(db("c.db"), "SELECT DISTINCT stage FROM steps WHERE NOT reused"), (std::vector<V>{{"run"}}));
  // --no-cache reuses nothing.
  ASSERT_EQ(run("d.db", {"--no-cache"}).exit_code, 0);
  EXPECT_EQ(rows(db("d.db"), "SELECT count(*) FROM steps WHERE reused")[0][0], "0");
  // Another rustc (the same one under another path): its compiles run
  // again, the C side's do not.
  const std::filesystem::path rustc =
      rows(db("a.db"), "SELECT path FROM run_tools WHERE run_id = 1 AND role = 'rustc'")[0][0];
  std::filesystem::create_directories(m_dir.path() / "bin");
  std::filesystem::create_symlink(rustc, m_dir.path() / "bin" / "rustc");
  test::write_file(m_matrix, m_body + "rustc: {rustc: " + (m_dir.path() / "bin" / "rustc").string() + "}\n");
  auto other = run("e.db");
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_EQ(rows(db("e.db"), "SELECT stage, min(reused), max(reused) FROM steps WHERE stage LIKE 'compile-%' "
                             "GROUP BY stage ORDER BY stage"),
            (std::vector<V>{{"compile-c", "1", "1"}, {"compile-rust", "0", "0"}}));
  EXPECT_EQ(results(db("a.db"), "1"), results(db("e.db"), "1"));

  auto bad = run("f.db", {"--cache-size", "lots"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr("--cache-size 'lots': expected a size such as 4G"));
}

// Two databases of one folder (a nightly's shards) both have a run 1: each
// builds in a folder of its own, and neither ends by removing the other's.
TEST_F(CliRun, TwoDatabasesInOneFolderBuildApart) {
  auto run = [&](const std::string& name, std::vector<std::string> more) {
    std::vector<std::string> args = {"run", m_matrix.string(), "--filter", "i386 scalars clang-19*", "--db",
                                     (m_dir.path() / name).string()};
    args.insert(args.end(), more.begin(), more.end());
    return abimatrix_cached(args);
  };
  auto kept = run("a.db", {"--keep-work"});
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  const auto a = m_dir.path() / "work" / "a" / "run-1";
  ASSERT_TRUE(std::filesystem::is_directory(a / "obj")) << a;
  auto other = run("b.db", {});
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_TRUE(std::filesystem::is_directory(a / "obj")) << "b.db's run removed a.db's kept work";
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "work" / "b" / "run-1"));
}

TEST_F(CliRun, AFilterThatSelectsNothingIsExitFourAndRecordsNothing) {
  auto db = m_dir.path() / "empty.db";
  auto none = abimatrix({"run", m_matrix.string(), "--filter", "no such cell", "--db", db.string()});
  EXPECT_EQ(none.exit_code, 4) << none.output;
  EXPECT_THAT(none.output, HasSubstr("--filter 'no such cell' selects none of the 36 cells of " + m_matrix.string()));
  EXPECT_FALSE(std::filesystem::exists(db));
  auto allowed = abimatrix({"run", m_matrix.string(), "--filter", "no such cell", "--allow-empty", "--db", db.string()});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_EQ(rows(db, "SELECT cells_planned, status FROM runs"), (std::vector<V>{{"0", "complete"}}));
  auto all_out = abimatrix({"run", m_matrix.string(), "--filter-out", "i386", "--filter-out", "x86_64", "--db",
                            (m_dir.path() / "none.db").string()});
  EXPECT_EQ(all_out.exit_code, 4) << all_out.output;
  EXPECT_THAT(all_out.output, HasSubstr("--filter-out 'i386' --filter-out 'x86_64' select none of the 36 cells"));
}

TEST_F(CliRun, JUnitAndJsonWrittenByTheRunAreTheReportsOfIt) {
  auto db = m_dir.path() / "files.db";
  auto junit = m_dir.path() / "run.xml", json = m_dir.path() / "run.json";
  auto r = abimatrix({"run", m_matrix.string(), "--filter", "i386 scalars clang-19*", "--junit", junit.string(), "--json",
                      json.string(), "--db", db.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_file(junit), abimatrix({"report", "--format", "junit", "--db", db.string()}).output);
  EXPECT_EQ(read_file(json), abimatrix({"report", "--format", "json", "--db", db.string()}).output);
  EXPECT_THAT(read_file(junit), HasSubstr("<testcase "));

  // A file that cannot be written stops the run before any cell runs.
  auto bad = abimatrix({"run", m_matrix.string(), "--junit", (m_dir.path() / "no/such/dir/run.xml").string(), "--db",
                        (m_dir.path() / "bad.db").string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("no/such/dir/run.xml: cannot write the JUnit report: there is no folder "));
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "bad.db")); // nothing recorded
  auto folder = abimatrix({"run", m_matrix.string(), "--json", m_dir.path().string(), "--db",
                           (m_dir.path() / "bad.db").string()});
  EXPECT_EQ(folder.exit_code, 2) << folder.output;
  EXPECT_THAT(folder.output, HasSubstr("cannot write the JSON report: it is a folder"));
}

TEST_F(CliRun, AJUnitFileIsWrittenAsCellsFinish) {
  auto db = m_dir.path() / "live.db";
  auto junit = m_dir.path() / "live.xml";
  pid_t pid = test::spawn_abimatrix({"run", m_matrix.string(), "--db", db.string(), "-j1", "--no-cache", "--junit",
                                     junit.string()});
  ASSERT_GT(pid, 0);
  // Until the file has a cell in it, or the run ends.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline && ::waitpid(pid, nullptr, WNOHANG) == 0) {
    std::error_code ec;
    seen = std::filesystem::exists(junit, ec) && read_file(junit).find("<testcase ") != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto recorded = std::stoul(rows(db, "SELECT count(*) FROM results")[0][0]);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(seen) << "no cell in the JUnit file while the run went on";
  EXPECT_LT(recorded, 36u) << "the run ended before the file was read: the test proves nothing";
  auto text = read_file(junit);
  EXPECT_THAT(text, ::testing::EndsWith("</testsuites>\n")); // whole, never half a file
}

TEST_F(CliRun, ARetryThatComesOutAsExpectedIsFlaky) {
  // A QEMU whose first program run fails, as a flaky emulator or machine.
  auto bin = m_dir.path() / "bin";
  std::filesystem::create_directories(bin);
  test::write_file(bin / "qemu-i386", fmt::format("#!/bin/sh\ncase \"$1\" in --version) exec /usr/bin/qemu-i386 \"$@\";; "
                                                  "esac\nmkdir '{}' 2>/dev/null && exit 3\nexec /usr/bin/qemu-i386 \"$@\"\n",
                                                  (m_dir.path() / "failed-once").string()));
  std::filesystem::permissions(bin / "qemu-i386", std::filesystem::perms::owner_all);
  auto body = m_body;
  body.replace(body.find("[c-only, rust-only]"), 19, "[matched]");
  test::write_file(m_matrix, body);
  const std::vector<std::string> env = {"PATH=" + bin.string() + ":" + std::getenv("PATH"),
                                        "ABIMATRIX_CACHE=" + (m_dir.path() / "cache").string()};
  auto run = [&](const std::string& db, std::vector<std::string> more) {
    std::vector<std::string> args = {"run", m_matrix.string(), "--filter", "i386 scalars clang-19*", "-j1", "--db",
                                     (m_dir.path() / db).string()};
    args.insert(args.end(), more.begin(), more.end());
    return test::run_abimatrix(args, {}, env);
  };
  // Without retries, a fail like any other, and kept in the step cache.
  auto once = run("once.db", {});
  EXPECT_EQ(once.exit_code, 1) << once.output;

  // The kept failure comes back; its retry runs afresh and passes.
  auto retried = run("retried.db", {"--retries", "2"});
  EXPECT_EQ(retried.exit_code, 0) << retried.output; // flaky is not unexpected
  EXPECT_THAT(retried.output, HasSubstr("FLAKY"));
  auto db = m_dir.path() / "retried.db";
  EXPECT_EQ(rows(db, "SELECT verdict, stage, substr(reason, 1, 37) FROM results WHERE verdict <> 'pass'"),
            (std::vector<V>{{"flaky", "run", "pass on retry 1; at first fail at run"}}));
  // Both program runs are evidence: the failed one and the retry.
  EXPECT_EQ(rows(db, "SELECT s.step, s.exit_code FROM steps s JOIN results r USING (run_id, cell_key) "
                     "WHERE r.verdict = 'flaky' AND s.stage = 'run'"),
            (std::vector<V>{{"run", "3"}, {"run, retry 1", "0"}}));
  auto flaky = abimatrix({"query", "--verdict", "flaky", "--db", db.string(), "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(flaky.output)["count"], 1) << flaky.output;
  // A run a retry contradicted is not kept: the next run runs it again.
  auto again = run("again.db", {});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(rows(m_dir.path() / "again.db", "SELECT DISTINCT verdict FROM results"), (std::vector<V>{{"pass"}}));
}

TEST_F(CliRun, FilterOutLeavesCellsOutAndTheRunRemembersIt) {
  auto plan = abimatrix({"plan", m_matrix.string(), "--filter", "i386 scalars *", "--filter-out", "gcc",
                         "--filter-out", "rust:regparm"});
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  EXPECT_THAT(plan.output, HasSubstr("\n3 cells\n"));
  EXPECT_THAT(plan.output, ::testing::Not(HasSubstr("gcc")));
  auto empty = abimatrix({"run", m_matrix.string(), "--filter-out", "", "--db", (m_dir.path() / "e.db").string()});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.output, HasSubstr("an empty pattern would leave out every cell"));
  auto db = m_dir.path() / "out.db";
  auto run = abimatrix({"run", m_matrix.string(), "--filter", "i386 scalars *", "--filter-out", "gcc", "--filter-out",
                        "rust:regparm", "--db", db.string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(rows(db, "SELECT cells_planned, cell_filter, cell_filter_out FROM runs"),
            (std::vector<V>{{"3", "i386 scalars *", R"(["gcc","rust:regparm"])"}}));
  EXPECT_EQ(rows(db, "SELECT count(*) FROM results r JOIN cells c ON c.key = r.cell_key WHERE c.name LIKE '%gcc%' "
                     "OR c.name LIKE '%rust:regparm%'"),
            (std::vector<V>{{"0"}}));
}

} // namespace
} // namespace amx
