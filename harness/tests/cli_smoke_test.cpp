// The abimatrix binary: plan, configuration errors (exit 2), the whole smoke
// matrix read back from SQLite, and Ctrl-C (exit 130, results kept).

#include "model/conclusion.hpp"
#include "test_support.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <regex>
#include <set>
#include <sys/wait.h>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

using test::rows;

TEST(CliSmoke, PlanCountsTheCells) {
  auto r = test::run_abimatrix({"plan", "matrices/smoke.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\n50 cells\n"));
  auto j = test::run_abimatrix({"plan", "matrices/smoke.yaml", "--format", "json"});
  auto doc = nlohmann::json::parse(j.output);
  EXPECT_EQ(doc["count"], 50);
  EXPECT_EQ(doc["cells"][0]["key"].get<std::string>().size(), 16u);
  // Streamed, the JSON stays one document: with no cell, and for shards
  // that together hold every cell once.
  auto none = nlohmann::json::parse(
      test::run_abimatrix({"plan", "matrices/smoke.yaml", "--format", "json", "--filter", "no such cell"}).output);
  EXPECT_EQ(none["count"], 0);
  EXPECT_EQ(none["cells"], nlohmann::json::array());
  std::set<std::string> keys;
  for (auto shard : {"1/3", "2/3", "3/3"}) {
    auto part = nlohmann::json::parse(
        test::run_abimatrix({"plan", "matrices/smoke.yaml", "--format", "json", "--partition", shard}).output);
    for (const auto& c : part["cells"])
      EXPECT_TRUE(keys.insert(c["key"].get<std::string>()).second);
  }
  EXPECT_EQ(keys.size(), 50u);
}

TEST(CliSmoke, ConfigurationErrorsExitTwo) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "bad.yaml", "targets: [i386]\nc-compilers: [clang-19]\nfixtures: [scalars]\npairings: [sideways]\n");
  auto r = test::run_abimatrix({"run", (dir.path() / "bad.yaml").string(), "--db", (dir.path() / "r.db").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("bad.yaml:4:12: error: unknown pairing mode 'sideways'"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "r.db")); // nothing was run

  auto usage = test::run_abimatrix({"run"});
  EXPECT_EQ(usage.exit_code, 2);
}

// One flag of each class against the real toolchains: the exact verdict,
// stage and reason of a matched and a mismatched cell, and the capability
// probe that makes gcc's missing KCFI a skip.
TEST(CliSmoke, FlagClassesAgainstRealToolchains) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "x86_64-linux-gnu-gcc", "aarch64-linux-gnu-gcc", "qemu-x86_64",
                    "qemu-aarch64", "llvm-readelf-19", "llvm-objdump-19", "rustc");
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "classes.yaml",
                   "import: " + (std::filesystem::path(AMX_SOURCE_DIR) / "matrices/flags.yaml").string() + "\n"
                   "fixtures-dir: " + (std::filesystem::path(AMX_SOURCE_DIR) / "fixtures").string() + "\n"
                   "targets: [x86_64, aarch64]\nc-compilers: [clang-19]\nfixtures: [x18, indirect]\n"
                   "flags:\n  fixed-x18:\n  cf-protection: [branch]\n  min-function-alignment: [64]\n"
                   // Each fixture gets only the flags it exercises.
                   "pairings: [matched, c-only]\n");
  auto db = dir.path() / "classes.db";
  // A cache of its own: the first run asks the compilers.
  const std::vector<std::string> cache = {"ABIMATRIX_CACHE=" + (dir.path() / "cache").string()};
  auto r = test::run_abimatrix({"run", (dir.path() / "classes.yaml").string(), "--db", db.string()}, {}, cache);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto result = [&](const std::string& target, const std::string& fixture, const std::string& c, const std::string& rust) {
    auto got = rows(db, "SELECT c.verdict, coalesce(c.stage, ''), c.reason FROM flat_results c "
                        "WHERE c.target = '" + target + "' AND c.fixture = '" + fixture + "' AND c.c_setting = '" + c +
                        "' AND c.rust_setting = '" + rust + "'");
    return got.empty() ? std::vector<std::string>{} : got[0];
  };
  using V = std::vector<std::string>;
  // abi: x18 clobbered by Rust code that does not reserve it.
  EXPECT_EQ(result("aarch64", "x18", "fixed-x18=on", "fixed-x18=on"), (V{"pass", "", ""}));
  EXPECT_THAT(result("aarch64", "x18", "fixed-x18=on", "off"),
              ::testing::ElementsAre("xfail", "run", MatchesRegex("wrong value in x18_rust_pressure: x18.across_rust_call expected 1736164148113840152 "
                                                       "\\(0x1818181818181818\\), got [0-9]+ \\(0x[0-9a-f]+\\); "
                                                       "wrong value in x18_rust_calls_back: x18.across_c_callback .*")));
  // hardening: the linker drops IBT from the program when Rust lacks it.
  EXPECT_EQ(result("x86_64", "indirect", "cf-protection=branch", "cf-protection=branch"), (V{"pass", "", ""}));
  EXPECT_THAT(result("x86_64", "indirect", "cf-protection=branch", "off"),
              ::testing::ElementsAre("xfail", "check", MatchesRegex("ibt-note lost: the linker dropped IBT from the program: "
                                                                    "libindirect.a\\(.*\\) lack it \\(\\+1 more\\)")));
  // layout: the program finds Rust functions off the alignment C asked for.
  EXPECT_EQ(result("x86_64", "indirect", "min-function-alignment=64", "min-function-alignment=64"), (V{"pass", "", ""}));
  EXPECT_THAT(result("x86_64", "indirect", "min-function-alignment=64", "off"),
              ::testing::ElementsAre("xfail", "check", ::testing::StartsWith("rust.aligned.ind_rs_")));
  // The Rust-vs-Rust experiment: rustc refuses to mix fixed-x18, and the
  // escape hatch lets it through.
  EXPECT_EQ(rows(db, "SELECT refused, allow_flag, allowed FROM rust_mix m JOIN cells c ON c.key = m.cell_key "
                     "WHERE c.fixture = 'x18' AND c.c_setting = 'fixed-x18=on'")[0],
            (V{"1", "-Cunsafe-allow-abi-mismatch=fixed-x18", "1"}));
  // Probed once and cached: a second run, into another database, asks nothing.
  auto again = test::run_abimatrix({"run", (dir.path() / "classes.yaml").string(), "--db",
                                    (dir.path() / "again.db").string()}, {}, cache);
  EXPECT_THAT(r.output, HasSubstr("asked the compilers about "));
  EXPECT_THAT(again.output, ::testing::Not(HasSubstr("asked the compilers about ")));
}

TEST(CliSmoke, SmokeMatrixResults) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "x86_64-linux-gnu-gcc", "i686-linux-gnu-gcc", "aarch64-linux-gnu-gcc",
                    "riscv64-linux-gnu-gcc", "qemu-x86_64", "qemu-i386", "qemu-aarch64", "qemu-riscv64", "rustc");
  test::ScopedTempDir dir;
  auto db = dir.path() / "smoke.db";
  auto r = test::run_abimatrix({"run", "matrices/smoke.yaml", "--db", db.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("all 50 cells as expected"));

  EXPECT_EQ(rows(db, "SELECT status, cells_planned FROM runs")[0], (std::vector<std::string>{"complete", "50"}));
  // clang-19, 4 gcc, rustc, 4 qemu, and llvm-objdump for x18's check.
  EXPECT_EQ(rows(db, "SELECT count(*) FROM run_tools WHERE version != ''")[0][0], "11");
  EXPECT_EQ(rows(db, "SELECT count(*) FROM results")[0][0], "50");

  // Every all-off cell passes on all four targets with both C compilers, but
  // the riscv64 defect that scripts/repro/riscv64-stack-arg-signext.sh shows.
  auto off = rows(db, "SELECT c.target, c.fixture, c.c_compiler, c.verdict, c.reason FROM flat_results c "
                      "WHERE c.c_setting = 'off' AND c.rust_setting = 'off'");
  EXPECT_EQ(off.size(), 26u); // with x18 on aarch64
  for (const auto& row : off) {
    if (row[0] == "riscv64" && row[1] == "scalars" && row[2] == "clang-19") {
      EXPECT_EQ(row[3], "xfail");
      EXPECT_EQ(row[4], "wrong value in rs_scalars_drive: rust_to_c.stack_i16 expected -2222 (0xf752), got 0xf752 (outside i16)");
    } else {
      EXPECT_EQ(row[3], "pass") << row[0] << " " << row[1] << " " << row[2] << ": " << row[4];
    }
  }

  // A regparm mismatch, either side, fails at run with both values.
  auto mismatch = rows(db, "SELECT c.verdict, c.stage, c.reason FROM flat_results c "
                           "WHERE c.target = 'i386' AND c.c_setting != c.rust_setting");
  EXPECT_EQ(mismatch.size(), 12u);
  for (const auto& row : mismatch) {
    EXPECT_EQ(row[0], "xfail");
    EXPECT_EQ(row[1], "run");
    EXPECT_THAT(row[2], MatchesRegex("wrong value in [a-z_]+: [a-z_.0-9]+ expected -?[0-9]+ \\(0x[0-9a-f]+\\), "
                                     "got (-?[0-9]+ )?\\(?0x[0-9a-f]+\\)?( \\(outside [iu][0-9]+\\))?"
                                     "( \\(\\+[0-9]+ more\\))?(; .*)?"));
  }

  // Every step's command line and output is kept.
  EXPECT_EQ(rows(db, "SELECT count(*) FROM steps WHERE step = 'run'")[0][0], "50");
  // Each program was given its run token once.
  EXPECT_EQ(rows(db, "SELECT count(*) FROM steps WHERE step = 'run' AND command LIKE '%token=%token=%'")[0][0], "0");
  // x86_64 programs run by themselves on an x86_64 host, the others under QEMU.
  EXPECT_THAT(rows(db, fmt::format("SELECT count(*) FROM steps s JOIN cells c ON c.key = s.cell_key JOIN targets t "
                                   "ON t.id = c.target_id WHERE s.step = 'run' "
                                   "AND (s.command LIKE '/usr/bin/qemu-%') = (t.name = 'x86_64' AND {})",
                                   test::host_is_x86_64() ? 1 : 0)),
              ::testing::ElementsAre(::testing::ElementsAre("0")));
  EXPECT_EQ(rows(db, "SELECT count(*) FROM steps WHERE stage = 'compile-rust' AND step = 'fixture-rust' AND command LIKE '%--extern=minicore=%'")[0][0], "50");
}

// clang-19, gcc and QEMU for all four targets, and the check stage's tools.
#define AMX_REQUIRE_EVERY_TARGET()                                                                                   \
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "x86_64-linux-gnu-gcc", "i686-linux-gnu-gcc", "aarch64-linux-gnu-gcc",  \
                    "riscv64-linux-gnu-gcc", "qemu-x86_64", "qemu-i386", "qemu-aarch64", "qemu-riscv64",             \
                    "llvm-readelf-19", "llvm-objdump-19", "rustc")

// The evidence docs/flags.md quotes: every flag, every cell as its class or
// a reproducer-backed override says, and no harness error.
TEST(CliSmoke, EvidenceMatrixRunsAsExpected) {
  AMX_REQUIRE_EVERY_TARGET();
  test::ScopedTempDir dir;
  auto db = dir.path() / "evidence.db";
  // Cold, beside the kernel matrices' test on two cores: minutes.
  auto r = test::run_abimatrix({"run", "matrices/evidence.yaml", "-j", "2", "--db", db.string()}, {}, {},
                               std::chrono::minutes(15));
  EXPECT_EQ(r.exit_code, 0) << test::unexpected_part(r.output);
  EXPECT_THAT(r.output, HasSubstr("all 840 cells as expected"));
  // Every mismatch of every flag has an observable consequence, but where
  // a reason says why not.
  auto silent = rows(db, "SELECT c.name FROM results r JOIN cells c ON c.key = r.cell_key "
                         "WHERE c.c_setting != c.rust_setting AND r.verdict = 'pass' ORDER BY c.name");
  std::vector<std::vector<std::string>> expected_silent;
  for (auto rustc : {"rustc", "rustc-web"})
    for (auto name : {"aarch64 indirect clang-19/{} c:frame-pointer=on rust:off",
                      "aarch64 indirect clang-19/{} c:off rust:frame-pointer=on",
                      "aarch64 indirect gcc/{} c:frame-pointer=on rust:off",
                      "aarch64 indirect gcc/{} c:off rust:frame-pointer=on",
                      "i386 floats clang-19/{} c:soft-float=on rust:off"})
      expected_silent.push_back({fmt::format(fmt::runtime(name), rustc)});
  std::sort(expected_silent.begin(), expected_silent.end());
  EXPECT_EQ(silent, expected_silent);

  // The Markdown report opens with the conclusion, and its rows say what
  // the cells recorded: derived again here in SQL, straight from the cells.
  auto md = test::run_abimatrix({"report", "--db", db.string()});
  ASSERT_EQ(md.exit_code, 0) << md.output;
  auto flags = nlohmann::json::parse(test::run_abimatrix({"report", "--db", db.string(), "--format", "json"}).output)["flags"];
  auto table = md.output.substr(0, md.output.find("<details>"));
  EXPECT_EQ(table.find("### What the run concludes, flag by flag"), table.find("###"));
  std::set<std::string> checked;
  const std::vector<std::string> rustcs = {"rustc", "rustc-web"};
  for (auto at = table.find("\n| `"); at != std::string::npos; at = table.find("\n| `", at + 1)) {
    auto line = table.substr(at + 1, table.find('\n', at + 1) - at - 1);
    // Columns split at pipes a table reads as such (not "\|").
    std::vector<std::string> col{""};
    for (std::size_t i = 1; i + 1 < line.size(); i++) {
      if (line[i] == '|' && line[i - 1] != '\\')
        col.push_back("");
      else
        col.back() += line[i];
    }
    for (auto& c : col)
      c = c.substr(c.find_first_not_of(' '), c.find_last_not_of(' ') - c.find_first_not_of(' ') + 1);
    ASSERT_EQ(col.size(), 5 + 2 * rustcs.size()) << line;
    auto flag = col[0].substr(1, col[0].size() - 2);
    if (!std::set<std::string>{"regparm", "fixed-x18", "kcfi", "patchable-function-entry", "return-thunk", "soft-float"}
             .count(flag))
      continue;
    checked.insert(flag);
    std::string targets = "'" + std::regex_replace(col[2], std::regex(", "), "', '") + "'";
    // The cells that differ in this flag, and those that differ in it alone
    // but for a known defect.
    const std::string differ =
        "WITH sides AS (SELECT c.key, sf.flag, sf.value FROM cells c JOIN setting_flags sf ON "
        "sf.setting_id = c.c_setting_id UNION ALL SELECT c.key, sf.flag, sf.value FROM cells c JOIN "
        "setting_flags sf ON sf.setting_id = c.rust_setting_id), "
        "differ AS (SELECT key, flag FROM sides GROUP BY key, flag HAVING count(*) = 1 OR min(value) != max(value)) ";
    const std::string where = " WHERE f.target IN (" + targets + ") AND f.verdict != 'skip' AND ";
    auto alone = rows(db, differ + "SELECT f.verdict, coalesce(f.stage, '') FROM flat_results f" + where +
                              "f.key IN (SELECT key FROM differ GROUP BY key HAVING count(*) = 1 AND max(flag) = '" +
                              flag + "') AND f.expect_reason NOT LIKE 'toolchain defect%'");
    std::string spellings;
    for (const auto& f : flags)
      if (f["name"] == flag)
        spellings = f["spellings"];
    std::set<std::string> broke;
    bool lost = false;
    for (const auto& a : alone) {
      if ((a[0] == "xfail" || a[0] == "fail") && a[1] != "check")
        broke.insert(a[1]);
      lost |= a[1] == "check";
    }
    auto effect = alone.empty()   ? MismatchEffect::untested
                  : !broke.empty() ? MismatchEffect::breaks
                  : lost           ? MismatchEffect::loses_property
                                   : MismatchEffect::none;
    EXPECT_TRUE(col[3].starts_with(to_string(effect))) << line;
    if (effect == MismatchEffect::breaks)
      EXPECT_TRUE(broke.count(col[3].substr(10, col[3].find(':') - 10))) << line;
    // Per rustc, its mixing column and its spelling's stability.
    MixGuard overall = MixGuard::untested;
    for (std::size_t k = 0; k < rustcs.size(); k++) {
      auto mixes = rows(db, differ + "SELECT m.refused, m.message, f.key IN (SELECT key FROM differ GROUP BY key "
                                "HAVING count(*) = 1) FROM flat_results f JOIN rust_mix m ON "
                                "m.cell_key = f.key AND m.run_id = f.run_id" + where + "f.rustc = '" + rustcs[k] +
                                "' AND m.minicore_setting != m.crate_setting AND f.key IN (SELECT key FROM differ "
                                "WHERE flag = '" + flag + "')");
      // rustc names the first option that differs: a refusal naming another
      // flag's option (or the target triple) says nothing of this one, unless
      // this is the only flag the cell differs in.
      std::size_t tried = 0, refused = 0;
      std::string named;
      for (const auto& m : mixes) {
        std::smatch option;
        bool found = std::regex_search(m[1], option, std::regex("mixing `(-[ZC][a-z0-9-]+)` will cause"));
        bool mine = found && (spellings.find(option[1].str()) != std::string::npos || m[2] == "1");
        if (m[0] == "1" && !mine)
          continue;
        tried++;
        if (m[0] == "1") {
          refused++;
          named = named.empty() ? option[1].str() : named;
        }
      }
      auto guard = !tried ? MixGuard::untested : refused == tried ? MixGuard::refuses : refused ? MixGuard::partly
                                                                                              : MixGuard::accepts;
      EXPECT_EQ(col[4 + 2 * k], guard == MixGuard::untested ? "–" : to_string(guard) + (named.empty() ? "" : " " + named))
          << line;
      if (guard != MixGuard::untested)
        overall = overall == MixGuard::untested || overall == guard ? guard : MixGuard::partly;
      // The least stable spelling its cells were built with, as probed.
      auto stability = rows(db, "SELECT coalesce(max(CASE s.stability WHEN 'stable' THEN 1 WHEN 'unstable' THEN 2 "
                                "ELSE 3 END), 0) FROM run_spellings s JOIN toolchains t ON t.id = s.toolchain_id "
                                "WHERE t.role = 'rustc' AND t.name = '" + rustcs[k] + "' AND s.flag = '" + flag +
                                "' AND s.chosen AND s.value != 'off' AND s.stability IS NOT NULL AND s.target IN (" +
                                targets + ")")[0][0];
      EXPECT_TRUE(col[5 + 2 * k].starts_with(std::vector<std::string>{"–", "stable", "unstable", "rejected"}
                                                  [std::stoul(stability)]))
          << line;
    }
    // A matched cell of this flag alone that fails is the toolchains' defect.
    auto defects = rows(db, "SELECT count(*) FROM flat_results f JOIN cells c ON c.key = f.key WHERE f.target IN (" +
                                targets + ") AND f.pairing = 'matched' AND f.verdict IN ('xfail', 'fail') AND "
                                "(SELECT count(*) FROM setting_flags sf WHERE sf.setting_id = c.c_setting_id) = 1 AND "
                                "f.c_setting LIKE '" + flag + "=%'")[0][0];
    EXPECT_TRUE(col.back().starts_with("**" + to_string(conclude(effect, overall, defects != "0")) + "**")) << line;
  }
  EXPECT_EQ(checked.size(), 6u);

  // The HTML page of this run stays small enough to mail: under 2.5 KB a
  // cell, its details and data included.
  auto page = dir.path() / "evidence.html";
  EXPECT_EQ(test::run_abimatrix({"report", "--db", db.string(), "--format", "html", "-o", page.string()}).exit_code, 0);
  EXPECT_LT(std::filesystem::file_size(page), 840u * 2500);
}

// The kernel profiles: the four kernel matrices run to completion with every
// cell as expected, and each matched profile cell passes, skips with a
// reason, or fails where a reproducer in scripts/repro shows why.
// kernel-x86_64-core.yaml (minutes of core builds on a cold cache) is the
// nightly's; CliRun.RealCore... tests its mode.
TEST(CliSmoke, KernelMatricesRunAsExpected) {
  AMX_REQUIRE_EVERY_TARGET();
  test::ScopedTempDir dir;
  auto db = dir.path() / "kernel.db";
  for (auto arch : {"x86_64", "arm64", "riscv64", "i386"}) {
    auto r = test::run_abimatrix({"run", std::string("matrices/kernel-") + arch + ".yaml", "-j", "2", "--db", db.string()});
    EXPECT_EQ(r.exit_code, 0) << arch << "\n" << test::unexpected_part(r.output);
    EXPECT_THAT(r.output, ::testing::ContainsRegex("all [0-9]+ cells as expected")) << arch;
  }
  EXPECT_EQ(rows(db, "SELECT count(*) FROM runs WHERE status = 'complete'")[0][0], "4");
  auto matched = rows(db, "SELECT name, verdict, reason, expect_reason FROM flat_results WHERE pairing = 'matched'");
  EXPECT_GT(matched.size(), 40u);
  std::size_t passed = 0;
  for (const auto& m : matched) {
    const auto& verdict = m[1];
    if (verdict == "pass") {
      passed++;
    } else if (verdict == "skip") {
      EXPECT_FALSE(m[2].empty()) << m[0];
    } else {
      ASSERT_EQ(verdict, "xfail") << m[0] << ": " << m[2];
      auto at = m[3].find("scripts/repro/");
      ASSERT_NE(at, std::string::npos) << m[0] << ": " << m[3];
      auto script = m[3].substr(at, m[3].find(".sh", at) + 3 - at);
      EXPECT_TRUE(std::filesystem::exists(test::kSourceDir / script)) << script;
    }
  }
  EXPECT_GE(passed, 12u); // the profiles do run: x86_64 and arm64 pass on most fixtures

  // Each run's report attributes every refusal to the flag whose rustc
  // option it names: in that flag's mixing column, or as "refused for FLAG
  // (-ZOPTION)" where the cells differ in several flags.
  for (auto run : {"1", "2", "3", "4"}) {
    auto md = test::run_abimatrix({"report", run, "--db", db.string()}).output;
    auto flags = nlohmann::json::parse(test::run_abimatrix({"report", run, "--db", db.string(), "--format", "json"}).output)["flags"];
    for (const auto& m : rows(db, std::string("SELECT DISTINCT message FROM rust_mix WHERE refused = 1 AND run_id = ") + run)) {
      std::smatch option;
      if (!std::regex_search(m[0], option, std::regex("mixing `(-Z[a-z0-9-]+)` will cause")))
        continue;
      const auto o = option[1].str();
      std::vector<std::string> spelled;
      for (const auto& f : flags)
        if (std::regex_search(f["spellings"].get<std::string>(), std::regex(o + "([= );]|$)")))
          spelled.push_back(f["name"]);
      EXPECT_FALSE(spelled.empty()) << run << ": no flag of the run spells " << o;
      bool attributed = std::regex_search(md, std::regex("refuses (some )?" + o + " \\|"));
      for (const auto& name : spelled)
        attributed |= std::regex_search(md, std::regex("refused for [^(|]*\\b" + name + "\\b[^(|]* \\(" + o + "\\)"));
      EXPECT_TRUE(attributed) << run << ": " << o;
    }
  }
}

TEST(CliSmoke, SeveralCCompilersInOneMatrix) {
  AMX_REQUIRE_TOOLS("clang-14", "clang-16", "clang-19", "ld.lld-19", "x86_64-linux-gnu-gcc", "qemu-x86_64",
                    "llvm-readelf-19", "llvm-objdump-19", "rustc");
  test::ScopedTempDir dir;
  auto db = dir.path() / "compilers.db";
  auto r = test::run_abimatrix({"run", "matrices/compilers.yaml", "--filter", "x86_64 *", "--db", db.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto result = [&](const std::string& fixture, const std::string& cc, const std::string& setting) {
    auto got = rows(db, "SELECT r.verdict, coalesce(r.stage, ''), r.reason FROM results r JOIN cells c ON c.key = r.cell_key "
                        "WHERE c.fixture = '" + fixture + "' AND c.c_compiler = '" + cc + "' AND c.c_setting = '" +
                        setting + "'");
    return got.empty() ? std::vector<std::string>{} : got[0];
  };
  using V = std::vector<std::string>;
  // What a compiler cannot express is skipped in its own words.
  EXPECT_EQ(result("kcfi", "clang-14", "kcfi=on"),
            (V{"skip", "", "clang-14 does not accept -fsanitize=kcfi for x86_64: clang: error: unsupported argument "
                           "'kcfi' to option 'fsanitize='"}));
  EXPECT_EQ(result("thunks", "clang-14", "return-thunk=thunk-extern"),
            (V{"skip", "", "clang-14 does not accept -mfunction-return=thunk-extern for x86_64: clang: error: unknown "
                           "argument: '-mfunction-return=thunk-extern'"}));
  EXPECT_EQ(result("kcfi", "gcc", "kcfi=on"),
            (V{"skip", "", "x86_64-linux-gnu-gcc does not accept -fsanitize=kcfi for x86_64: x86_64-linux-gnu-gcc: "
                           "error: unrecognized argument to '-fsanitize=' option: 'kcfi'"}));
  // Where they can, each compiler's cells run: clang-16 has KCFI (and the
  // same disagreement with rustc), clang-14 has IBT.
  EXPECT_THAT(result("kcfi", "clang-16", "kcfi=on"),
              ::testing::ElementsAre("xfail", "run", "SIGILL in c_to_rust.int (+9 more cases)"));
  EXPECT_EQ(result("indirect", "clang-14", "cf-protection=branch"), (V{"pass", "", ""}));
  EXPECT_EQ(result("thunks", "clang-16", "retpoline-external-thunk=on"), (V{"pass", "", ""}));
}

TEST(CliSmoke, InterruptKeepsFinishedResultsAndExits130) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-x86_64", "rustc");
  test::ScopedTempDir dir;
  test::make_fixtures_dir(dir.path());
  test::write_file(dir.path() / "m.yaml", "fixtures-dir: fixtures\ntargets: [x86_64]\nc-compilers: [clang-19]\n"
                                          "fixtures: [scalars, hang]\ntimeouts: {run: 600}\n");
  auto db = dir.path() / "r.db";
  pid_t pid = test::spawn_abimatrix({"run", (dir.path() / "m.yaml").string(), "--db", db.string(), "-j1"});
  ASSERT_GT(pid, 0);

  // Wait until scalars is recorded and hang is running, then press Ctrl-C.
  bool recorded = test::wait_for_count(db, "SELECT count(*) FROM results", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ::kill(pid, SIGINT);
  ASSERT_TRUE(recorded);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(rows(db, "SELECT status FROM runs")[0][0], "interrupted");
  auto results = rows(db, "SELECT c.fixture, r.verdict FROM results r JOIN cells c ON c.key = r.cell_key");
  ASSERT_EQ(results.size(), 1u); // the cut-short hang cell is not a result
  EXPECT_EQ(results[0], (std::vector<std::string>{"scalars", "pass"}));
}

} // namespace
} // namespace amx
