// Flag spellings through a flag's life: a catalogue that spells fixed-x18
// two ways, and small scripts posing as nightly rustc versions that take
// only one of them (passing the rest to the real rustc), for the spelling
// each run chooses, what it records of stability, and the spelling change
// `regressions` reports once instead of as cells.

#include "test_support.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace amx {
namespace {

using ::testing::HasSubstr;
using test::rows;

class CliSpelling : public ::testing::Test {
protected:
  void SetUp() override {
    AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "qemu-aarch64", "rustc");
    m_real_rustc = find_program("rustc");
    m_rustc = m_dir.path() / "bin" / "rustc";
    std::filesystem::create_directories(m_rustc.parent_path());
  }

  // A catalogue whose fixed-x18 has these rustc spellings, and a matrix of
  // the x18 fixture on aarch64 with the rustc at m_rustc.
  void write_matrix(const std::string& rustc_spellings) {
    const std::filesystem::path repo = AMX_SOURCE_DIR;
    test::write_file(m_dir.path() / "flags.yaml",
                     "flags:\n"
                     "  fixed-x18:\n    class: abi\n    description: x18 reserved\n    targets: [aarch64]\n"
                     "    values: [on]\n    rustc:\n" + rustc_spellings + "    clang: -ffixed-x18\n"
                     "  shadow-call-stack:\n    class: hardening\n    description: scs\n    targets: [aarch64]\n"
                     "    values: [on]\n    rustc: -Zsanitizer=shadow-call-stack\n"
                     "    clang: -fsanitize=shadow-call-stack\n");
    test::write_file(m_dir.path() / "m.yaml",
                     "name: spelled\nimport: flags.yaml\nfixtures-dir: " + (repo / "fixtures").string() +
                         "\ntargets: [aarch64]\nc-compilers: [clang-19]\nrustc: {nightly: " + m_rustc.string() +
                         "}\nfixtures: [x18]\nflags:\n  fixed-x18:\npairings: [matched]\n");
  }

  // A rustc of `version` (and commit date) that refuses `refused` in the
  // words of rustc's unknown-option error and passes `renamed` on to the
  // real rustc as -Zfixed-x18: the night a flag is renamed, replayed.
  void pose_as(const std::string& version, const std::string& date, const std::string& refused,
               const std::string& renamed) {
    test::write_file(m_rustc,
                     "#!/bin/bash\n"
                     "if [ \"$1\" = -vV ]; then\n"
                     "  echo \"rustc " + version + " (0123456789 " + date + ")\"\n"
                     "  echo \"release: " + version + "\"\n  echo \"commit-date: " + date + "\"\n  exit 0\nfi\n"
                     "args=()\nfor a in \"$@\"; do\n  case $a in\n"
                     "    " + refused + ") echo \"error: unknown option: \\`" + refused + "\\`\" >&2; exit 1 ;;\n"
                     "    " + renamed + ") args+=(-Zfixed-x18) ;;\n"
                     "    *) args+=(\"$a\") ;;\n  esac\ndone\n"
                     "exec " + m_real_rustc.string() + " \"${args[@]}\"\n");
    std::filesystem::permissions(m_rustc, std::filesystem::perms::owner_all);
  }

  // The night before the rename: a 1.97 nightly that knows only -Zfixed-x18.
  void pose_as_1_97() { pose_as("1.97.0-nightly", "2026-12-02", "-Cfixed-x18", "-Zno-such-option"); }
  // The night after: 1.98 renamed it to -Cfixed-x18 and refuses -Z.
  void pose_as_1_98() { pose_as("1.98.0-nightly", "2026-12-03", "-Zfixed-x18", "-Cfixed-x18"); }

  ProcessResult abimatrix(const std::vector<std::string>& args) {
    return test::run_abimatrix(args, {}, {"ABIMATRIX_CACHE=" + (m_dir.path() / "cache").string()});
  }
  ProcessResult run() { return abimatrix({"run", (m_dir.path() / "m.yaml").string(), "--db", m_db.string()}); }

  test::ScopedTempDir m_dir;
  std::filesystem::path m_real_rustc, m_rustc;
  std::filesystem::path m_db = m_dir.path() / "r.db";
};

// A stable rustc refuses the option -Z itself on stable terms, so it is
// asked that once per target. A rustc that takes -Z options there (a
// nightly, posed here by one that always has RUSTC_BOOTSTRAP) is asked about
// each -Z spelling on its own.
TEST_F(CliSpelling, ARustcThatTakesZOptionsOnStableTermsIsAskedAboutEachZSpelling) {
  write_matrix("      - {args: -Zfixed-x18}\n");
  auto asked_on_stable_terms = [&] {
    std::vector<std::string> asked;
    for (const auto& f : std::filesystem::directory_iterator(m_dir.path() / "cache" / "probes")) {
      const auto kept = nlohmann::json::parse(read_file(f.path()));
      if (kept.at("tool") == m_rustc.string())
        for (const auto& a : kept.at("answers"))
          if (a.at("stable").get<bool>())
            asked.push_back(fmt::format("{} {}: {}", a.at("target").get<std::string>(),
                                        a.at("args").get<std::string>(), a.at("accepted").get<bool>()));
    }
    std::sort(asked.begin(), asked.end());
    return asked;
  };

  test::write_file(m_rustc, "#!/bin/bash\nexec " + m_real_rustc.string() + " \"$@\"\n");
  std::filesystem::permissions(m_rustc, std::filesystem::perms::owner_all);
  auto stable = run();
  ASSERT_EQ(stable.exit_code, 0) << stable.output;
  EXPECT_EQ(asked_on_stable_terms(), (std::vector<std::string>{"aarch64 -Zunstable-options: false"}));
  EXPECT_EQ(rows(m_db, "SELECT args, stability FROM run_spellings"),
            (std::vector<std::vector<std::string>>{{"-Zfixed-x18", "unstable"}}));

  std::filesystem::remove_all(m_dir.path() / "cache");
  std::filesystem::remove(m_db);
  test::write_file(m_rustc, "#!/bin/bash\nRUSTC_BOOTSTRAP=1 exec " + m_real_rustc.string() + " \"$@\"\n");
  auto nightly = run();
  ASSERT_EQ(nightly.exit_code, 0) << nightly.output;
  EXPECT_EQ(asked_on_stable_terms(),
            (std::vector<std::string>{"aarch64 -Zfixed-x18: true", "aarch64 -Zunstable-options: true"}));
  EXPECT_EQ(rows(m_db, "SELECT args, stability FROM run_spellings"),
            (std::vector<std::vector<std::string>>{{"-Zfixed-x18", "stable"}}));
}

TEST_F(CliSpelling, ARenamedFlagIsOneSpellingChangeAndItsCellsRunWithTheNewSpelling) {
  write_matrix("      - {since: \"1.98\", args: -Cfixed-x18}\n      - {args: -Zfixed-x18}\n");
  pose_as_1_97();
  auto first = run();
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("all 2 cells as expected"));
  // Its version has not reached 1.98, so it takes -Z; the -C spelling is
  // asked too, and refused in its words.
  EXPECT_EQ(rows(m_db, "SELECT args, chosen, accepted, stability FROM run_spellings ORDER BY args"),
            (std::vector<std::vector<std::string>>{{"-Cfixed-x18", "0", "0", "rejected"},
                                                   {"-Zfixed-x18", "1", "1", "unstable"}}));
  // Unstable on stable terms, in the words of the real (stable) rustc.
  EXPECT_THAT(rows(m_db, "SELECT stability_message FROM run_spellings WHERE chosen")[0][0],
              HasSubstr("the option `Z` is only accepted on the nightly compiler"));
  EXPECT_EQ(rows(m_db, "SELECT DISTINCT json_extract(rust_args, '$[#-1]') FROM results WHERE c_args != '[]'")[0][0],
            "-Zfixed-x18");
  // Only the rustc steps, which build no_core crates, had RUSTC_BOOTSTRAP.
  EXPECT_EQ(rows(m_db, "SELECT DISTINCT stage = 'compile-rust', env FROM steps ORDER BY 1"),
            (std::vector<std::vector<std::string>>{{"0", ""}, {"1", "RUSTC_BOOTSTRAP=1"}}));

  pose_as_1_98();
  auto second = run();
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("all 2 cells as expected"));
  EXPECT_EQ(rows(m_db, "SELECT DISTINCT json_extract(rust_args, '$[#-1]') FROM results WHERE run_id = 2 AND "
                       "c_args != '[]'")[0][0],
            "-Cfixed-x18");

  auto reg = abimatrix({"regressions", "--db", m_db.string()});
  EXPECT_EQ(reg.exit_code, 3) << reg.output;
  EXPECT_THAT(reg.output, HasSubstr("spelling change: nightly rustc 1.98.0-nightly (0123456789 2026-12-03) no longer "
                                    "accepts -Zfixed-x18 (error: unknown option: `-Zfixed-x18`); use -Cfixed-x18 "
                                    "(since 1.98)\n"));
  EXPECT_EQ(reg.output.find("spelling change:"), reg.output.rfind("spelling change:")) << reg.output;
  EXPECT_THAT(reg.output, HasSubstr("0 regressed, 0 fixed, 0 changed otherwise, 0 new, 0 gone"));
  // The reports of the run say it too, once.
  auto md = abimatrix({"report", "--db", m_db.string()}).output;
  EXPECT_THAT(md, HasSubstr("**Spelling change**: nightly rustc 1.98.0-nightly"));
  EXPECT_EQ(md.find("**Spelling change**"), md.rfind("**Spelling change**"));
  auto json = nlohmann::json::parse(abimatrix({"report", "--db", m_db.string(), "--format", "json"}).output);
  ASSERT_EQ(json["spelling_changes"].size(), 1u);
  EXPECT_EQ(json["spelling_changes"][0]["use"], nlohmann::json::array({"-Cfixed-x18 (since 1.98)"}));

  // show and repro say which spelling the cell's rustc took.
  auto key = rows(m_db, "SELECT key FROM flat_results WHERE run_id = 2 AND c_setting != 'off'")[0][0];
  auto show = abimatrix({"show", key, "--db", m_db.string()});
  EXPECT_THAT(show.output, HasSubstr("spelling  nightly rustc 1.98.0-nightly (0123456789 2026-12-03): fixed-x18=on on "
                                     "aarch64 as -Cfixed-x18 (unstable"));
  auto repro = abimatrix({"repro", key, "--db", m_db.string(), "-o", (m_dir.path() / "r.sh").string()});
  ASSERT_EQ(repro.exit_code, 0) << repro.output;
  EXPECT_THAT(read_file(m_dir.path() / "r.sh"), HasSubstr("#   nightly rustc 1.98.0-nightly"));
}

TEST_F(CliSpelling, ASpellingNoLongerAcceptedIsSaidOnceNotAsEverySkippedCell) {
  // The catalogue knows only -Zfixed-x18, which the new nightly refuses.
  write_matrix("      - {args: -Zfixed-x18}\n");
  pose_as_1_97();
  ASSERT_EQ(run().exit_code, 0);
  pose_as_1_98();
  auto second = run();
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(rows(m_db, "SELECT verdict FROM flat_results WHERE run_id = 2 AND c_setting != 'off'")[0][0], "skip");

  auto diff = abimatrix({"diff", "1", "2", "--db", m_db.string(), "--format", "json"});
  ASSERT_EQ(diff.exit_code, 0) << diff.output;
  auto d = nlohmann::json::parse(diff.output);
  EXPECT_TRUE(d["changed"].empty()) << diff.output;
  EXPECT_TRUE(d["regressions"].empty()) << diff.output;
  ASSERT_EQ(d["spelling_changes"].size(), 1u) << diff.output;
  EXPECT_EQ(d["spelling_changes"][0]["cells"].size(), 1u);
  EXPECT_EQ(d["spelling_changes"][0]["text"],
            "nightly rustc 1.98.0-nightly (0123456789 2026-12-03) no longer accepts -Zfixed-x18 (error: unknown "
            "option: `-Zfixed-x18`); it accepts no spelling of fixed-x18 the catalogue lists");
  auto reg = abimatrix({"regressions", "--db", m_db.string()});
  EXPECT_EQ(reg.exit_code, 3) << reg.output;
  EXPECT_THAT(reg.output, HasSubstr("(1 cells skip for it)"));
}

TEST_F(CliSpelling, AVersionsSpellingItRefusesGivesWayToOneItTakes) {
  // The catalogue says -C arrives in 1.99, but this 1.98 nightly already
  // has it and no longer takes -Z: the spelling it takes is used.
  write_matrix("      - {since: \"1.99\", args: -Cfixed-x18}\n      - {args: -Zfixed-x18}\n");
  pose_as_1_98();
  auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("all 2 cells as expected"));
  EXPECT_EQ(rows(m_db, "SELECT args FROM run_spellings WHERE chosen")[0][0], "-Cfixed-x18");
}

} // namespace
} // namespace amx
