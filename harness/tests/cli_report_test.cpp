// `abimatrix report` in every format, from a real run with passes, expected
// failures at run and check, and skips, each checked by an outside reader:
// cmark-gfm renders the Markdown, python3-jsonschema validates the JSON,
// xmllint validates the JUnit XML against docs/junit.xsd, and a real
// headless Chromium loads the HTML, clicks a cell and filters.

#include "test_support.hpp"
#include "util/hash.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliReport : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!test::missing_tools({"clang-19", "ld.lld-19", "x86_64-linux-gnu-gcc", "qemu-x86_64", "llvm-readelf-19",
                              "llvm-objdump-19", "rustc"})
             .empty())
      return;
    s_dir = new test::ScopedTempDir;
    auto repo = std::filesystem::path(AMX_SOURCE_DIR);
    test::write_file(s_dir->path() / "report.yaml",
                     "import: " + (repo / "matrices/flags.yaml").string() + "\nfixtures-dir: " +
                         (repo / "fixtures").string() +
                         "\nname: report\ntargets: [x86_64]\nc-compilers: [clang-19, gcc]\nfixtures: [kcfi, indirect]\n"
                         "flags:\n  kcfi: [normalized-unmerged, on]\n  cf-protection: [branch]\n"
                         "pairings: [matched, c-only]\n");
    s_db = new std::filesystem::path(s_dir->path() / "r.db");
    test::run_abimatrix({"run", (s_dir->path() / "report.yaml").string(), "--db", s_db->string()});
  }
  static void TearDownTestSuite() {
    delete s_db;
    delete s_dir;
  }
  void SetUp() override {
    AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "x86_64-linux-gnu-gcc", "qemu-x86_64", "llvm-readelf-19",
                      "llvm-objdump-19", "rustc");
  }
  // Writes the report and returns its path.
  std::filesystem::path report(const std::string& format, const std::string& file) {
    auto path = s_dir->path() / file;
    auto r = test::run_abimatrix({"report", "--db", s_db->string(), "--format", format, "-o", path.string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return path;
  }
  ProcessResult tool(const std::string& exe, const std::vector<std::string>& args) {
    ProcessSpec spec;
    spec.exe = find_program(exe);
    spec.args = args;
    spec.timeout = std::chrono::minutes(2);
    spec.output_cap = 64 << 20;
    return run_process(spec);
  }

  static test::ScopedTempDir* s_dir;
  static std::filesystem::path* s_db;
};
test::ScopedTempDir* CliReport::s_dir = nullptr;
std::filesystem::path* CliReport::s_db = nullptr;

TEST_F(CliReport, MarkdownRendersWithEveryTableIntact) {
  AMX_REQUIRE_TOOLS("cmark-gfm");
  auto md = read_file(report("markdown", "r.md"));
  EXPECT_THAT(md, HasSubstr("## abimatrix: `report` run 1"));
  EXPECT_THAT(md, HasSubstr("| `kcfi` | abi | x86_64, aarch64, riscv64 |"));
  // The facts a reader quotes: the trap, the skip's reason, the lost note, the versions.
  EXPECT_THAT(md, HasSubstr("SIGILL in c_to_rust.int (+"));
  // The conclusion comes first, one row per flag, derived from the cells;
  // the toolchains and the legend wait in a <details> block.
  EXPECT_LT(md.find("### What the run concludes, flag by flag"), md.find("<details><summary>Legend and toolchains"));
  EXPECT_LT(md.find("<details><summary>Legend and toolchains"), md.find("| flag | class | targets | matched |"));
  EXPECT_THAT(md, HasSubstr("| `cf-protection` | hardening | x86_64 | loses a property silently: ibt-note lost: "));
  // Beside each rustc's mixing, how stable its spelling is (rustup's rustc
  // is a stable release: -Z options only with RUSTC_BOOTSTRAP).
  EXPECT_THAT(md, HasSubstr("(x86_64 indirect) | accepts | unstable: -Zcf-protection=branch | **consistent** |"));
  EXPECT_THAT(md, HasSubstr("| `kcfi` | abi | x86_64 | breaks at run: SIGILL in c_to_rust.int (+4 more cases) (x86_64 kcfi) | "
                            "refuses -Zsanitizer | unstable: -Zsanitizer=kcfi -Zsanitizer-cfi-normalize-integers | "
                            "**toolchain defect**: x86_64 kcfi |"));
  // And every spelling asked about, in rustc's words.
  EXPECT_THAT(md, HasSubstr("| `cf-protection`=branch | x86_64 | `-Zcf-protection=branch` | yes | yes | unstable: error: "
                            "the option \\`Z\\` is only accepted on the nightly compiler |"));
  // Defects apart from what a mismatch does, in each flag's section.
  EXPECT_THAT(md, HasSubstr("- **toolchain defect** (1 cell: the sides fail matched"));
  EXPECT_THAT(md, HasSubstr("- **ABI break** (2 cells: a mismatch fails to build, link or run), e.g. x86_64 kcfi"));
  // Every cell row says how to reproduce it, from this database.
  auto key = test::rows(*s_db, "SELECT cell_key FROM results LIMIT 1")[0][0];
  EXPECT_THAT(md, HasSubstr("| `abimatrix repro " + key + " --run 1 --db " + s_db->string() + "` |"));
  EXPECT_THAT(md, HasSubstr("x86_64-linux-gnu-gcc does not accept -fsanitize=kcfi for x86_64: x86_64-linux-gnu-gcc: "
                            "error: unrecognized argument to '-fsanitize=' option: 'kcfi'"));
  EXPECT_THAT(md, HasSubstr("ibt-note lost: the linker dropped IBT from the program"));
  EXPECT_THAT(md, ::testing::MatchesRegex("(.|\n)*\\| rustc \\| `[^`]+/rustc` \\| rustc 1\\.[0-9]+\\.[0-9]+ (.|\n)*"));
  EXPECT_LE(md.size(), 65536u);

  auto html = tool("cmark-gfm", {"-e", "table", (s_dir->path() / "r.md").string()});
  ASSERT_EQ(html.exit_code, 0) << html.output;
  // Every Markdown table became an HTML table: a broken one is left as a
  // paragraph of pipes.
  std::size_t separators = 0;
  for (std::size_t at = 0; (at = md.find("\n|---", at)) != std::string::npos; at++)
    separators++;
  std::size_t tables = 0;
  for (std::size_t at = 0; (at = html.output.find("<table>", at)) != std::string::npos; at++)
    tables++;
  EXPECT_GT(separators, 3u);
  EXPECT_EQ(tables, separators);
  EXPECT_THAT(html.output, Not(HasSubstr("<p>|")));
}

TEST_F(CliReport, MarkdownSaysWhatItLeftOut) {
  auto r = test::run_abimatrix({"report", "--db", s_db->string(), "--limit", "6000"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_LE(r.output.size(), 6000u);
  EXPECT_THAT(r.output, HasSubstr("_Left out to stay under 6000 characters: the cell tables of "));
  EXPECT_THAT(r.output, HasSubstr("`abimatrix report 1 --format json` has every result._"));
}

TEST_F(CliReport, OptionsForAnotherFormatOrOutOfRangeAreErrors) {
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"report", "--db", s_db->string()});
    return test::run_abimatrix(args);
  };
  auto markdown_history = run({"--history", "3"});
  EXPECT_EQ(markdown_history.exit_code, 2);
  EXPECT_THAT(markdown_history.output, HasSubstr("--history is for --format html; markdown reports have no history"));
  auto json_links = run({"--format", "json", "--link-base", ".."});
  EXPECT_EQ(json_links.exit_code, 2);
  EXPECT_THAT(json_links.output, HasSubstr("--link-base is for --format markdown; json reports link no scripts"));
  for (auto bad : {"-3", "0", "1001", "abc"})
    EXPECT_EQ(run({"--format", "html", "--history", bad}).exit_code, 2) << bad;
}

TEST_F(CliReport, JsonValidatesAgainstItsSchema) {
  AMX_REQUIRE_TOOLS("/usr/bin/python3");
  auto path = report("json", "r.json");
  auto doc = nlohmann::json::parse(read_file(path));
  EXPECT_EQ(doc["schema"], "abimatrix-report");
  EXPECT_EQ(doc["version"], 1);
  auto planned = doc["run"]["cells_planned"].get<std::size_t>();
  EXPECT_EQ(doc["results"].size(), planned);
  auto check = tool("/usr/bin/python3",
                    {"-c",
                     "import json, sys, jsonschema\n"
                     "schema = json.load(open(sys.argv[1]))\n"
                     "jsonschema.Draft202012Validator.check_schema(schema)\n"
                     "errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))\n"
                     "for e in errors[:10]: print(e.message, list(e.path))\n"
                     "sys.exit(1 if errors else 0)\n",
                     (test::kSourceDir / "docs/report-schema.json").string(), path.string()});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  // The schema is not a formality: a result without its verdict fails it.
  doc["results"][0].erase("verdict");
  test::write_file(s_dir->path() / "broken.json", doc.dump());
  auto broken = tool("/usr/bin/python3", {"-c", "import json, sys, jsonschema\n"
                                                "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))\n",
                                          (test::kSourceDir / "docs/report-schema.json").string(),
                                          (s_dir->path() / "broken.json").string()});
  EXPECT_NE(broken.exit_code, 0);
  EXPECT_THAT(broken.output, HasSubstr("'verdict' is a required property"));
}

TEST_F(CliReport, JunitValidatesAndCountsEveryCell) {
  AMX_REQUIRE_TOOLS("xmllint");
  auto path = report("junit", "r.xml");
  auto check = tool("xmllint", {"--noout", "--schema", (test::kSourceDir / "docs/junit.xsd").string(), path.string()});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto xml = read_file(path);
  auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = xml.find(s, at)) != std::string::npos; at++)
      n++;
    return n;
  };
  auto cells = test::rows(*s_db, "SELECT count(*), sum(verdict = 'skip'), sum(verdict IN ('fail', 'xpass')) FROM results")[0];
  EXPECT_EQ(std::to_string(count("<testcase ")), cells[0]);
  EXPECT_EQ(std::to_string(count("<skipped ")), cells[1]);
  EXPECT_EQ(std::to_string(count("<failure ")), cells[2]);
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"x86_64.kcfi\""));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"x86_64-linux-gnu-gcc does not accept -fsanitize=kcfi for x86_64: "));
  EXPECT_THAT(xml, HasSubstr("expected failure at run: SIGILL in c_to_rust.int (+"));
}

// Three runs of one matrix, the third with an expectation the first two
// lacked, so one cell's verdict changes: the page shows the conclusion, the
// overview grid, every cell's history strip, the run where a verdict
// changed and what changed since the previous run; a deep link opens a
// cell with its repro command.
TEST_F(CliReport, HtmlWorksInChromium) {
  AMX_REQUIRE_TOOLS("/usr/bin/python3", "/usr/bin/chromium", "/usr/bin/chromedriver");
  auto db = s_dir->path() / "history.db";
  auto matrix = read_file(s_dir->path() / "report.yaml");
  test::write_file(s_dir->path() / "expected.yaml",
                   matrix + "expect:\n"
                            "  - match: {fixture: kcfi, c: {kcfi: \"on\"}, rust: {kcfi: \"on\"}}\n"
                            "    verdict: fail\n    stage: run\n    reason: >\n"
                            "      without integer normalization no KCFI type id agrees.\n"
                            "      Reproducer: scripts/repro/kcfi-integer-encoding.sh\n");
  for (auto file : {"report.yaml", "report.yaml", "expected.yaml"}) {
    auto r = test::run_abimatrix({"run", (s_dir->path() / file).string(), "--db", db.string()});
    ASSERT_NE(r.exit_code, 2) << r.output;
  }
  auto path = s_dir->path() / "h.html";
  auto made = test::run_abimatrix({"report", "--db", db.string(), "--format", "html", "--history", "5", "-o", path.string()});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto html = read_file(path);
  // Self-contained: nothing to fetch.
  EXPECT_THAT(html, Not(::testing::ContainsRegex("(src|href)=\"(https?:)?//")));
  auto cell = test::rows(db, "SELECT r.cell_key, r.reason FROM results r JOIN cells c ON c.key = r.cell_key "
                             "WHERE r.run_id = 3 AND c.fixture = 'indirect' AND r.verdict = 'xfail' LIMIT 1")[0];
  auto changed = test::rows(db, "SELECT r.cell_key, c.name FROM results r JOIN cells c ON c.key = r.cell_key "
                                "WHERE r.run_id = 3 AND c.c_setting = 'kcfi=on' AND c.rust_setting = 'kcfi=on' "
                                "AND r.verdict = 'xfail'");
  ASSERT_EQ(changed.size(), 1u);
  auto artifacts = std::filesystem::path(AMX_BINARY).parent_path() / "test-artifacts";
  std::filesystem::create_directories(artifacts);
  auto shot = artifacts / "html-report.png";
  std::filesystem::remove(shot);
  auto r = tool("/usr/bin/python3", {(test::kSourceDir / "harness/tests/html_report_driver.py").string(),
                                     path.string(), cell[0], "skip", shot.string(), changed[0][0]});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto seen = nlohmann::json::parse(r.output);
  auto planned = test::rows(db, "SELECT count(*), sum(verdict = 'skip') FROM results WHERE run_id = 3")[0];
  EXPECT_EQ(seen["shown_before"], planned[0] + " cells shown");
  EXPECT_EQ(seen["details_visible_before"], false);
  // The conclusion table opens the page.
  EXPECT_THAT(seen["conclusions"].get<std::string>(), HasSubstr("cf-protection"));
  // The overview: one square per flag and target that has cells, coloured
  // by its worst finding and saying the conclusion on that target.
  std::map<std::string, nlohmann::json> squares;
  for (const auto& sq : seen["overview"])
    squares[sq["flag"].get<std::string>() + " " + sq["target"].get<std::string>()] = sq;
  EXPECT_EQ(squares.size(), 2u);
  EXPECT_EQ(squares["cf-protection x86_64"]["colour"], "f-lost-property");
  EXPECT_EQ(squares["cf-protection x86_64"]["text"], "consistent");
  EXPECT_EQ(squares["kcfi x86_64"]["colour"], "f-toolchain-defect");
  EXPECT_THAT(squares["kcfi x86_64"]["title"].get<std::string>(), HasSubstr("1 toolchain defect, 2 ABI break, 1 pass"));
  // The click shows that cell: its reason, and the commands it ran.
  EXPECT_EQ(seen["details_visible"], true);
  EXPECT_EQ(seen["chosen"], cell[0]);
  auto details = seen["details"].get<std::string>();
  EXPECT_THAT(details, HasSubstr(cell[1]));
  EXPECT_THAT(details, HasSubstr("lost property"));
  EXPECT_THAT(details, ::testing::ContainsRegex("\\$ (/usr/bin/qemu-x86_64 )?/\\S*/program "));
  EXPECT_THAT(details, ::testing::ContainsRegex("Debian clang version 19|x86_64-linux-gnu-gcc \\(Debian"));
  // The verdict filter leaves only the skipped cells.
  EXPECT_EQ(seen["shown_after_filter"], planned[1] + " cells shown");
  // What changed since run 2: that cell, now expected.
  auto changes = seen["changes"].get<std::string>();
  EXPECT_THAT(changes, HasSubstr("Changes since run 2"));
  EXPECT_THAT(changes, HasSubstr(changed[0][1] + ": fail at run → xfail at run"));
  // Its deep link opens it, with its history and its repro command.
  EXPECT_EQ(seen["deep_details_visible"], true);
  EXPECT_EQ(seen["deep_chosen"], changed[0][0]);
  EXPECT_THAT(seen["deep_details"].get<std::string>(), HasSubstr("this verdict since run 3"));
  EXPECT_EQ(seen["deep_repro"], "abimatrix repro " + changed[0][0] + " --run 3 --db " + db.string());
  EXPECT_EQ(seen["strip"], nlohmann::json({"run 1: fail", "run 2: fail", "run 3: xfail"}));
  EXPECT_EQ(seen["fetches"], nlohmann::json::array());
  EXPECT_GT(std::filesystem::file_size(shot), 10000u);
}

} // namespace
} // namespace amx
