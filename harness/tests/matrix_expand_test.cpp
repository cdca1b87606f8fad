// matrix/expand: settings, the pairs each pairing mode yields, include and
// exclude, expectations, and cell keys that stay the same across runs.

#include "matrix/expand.hpp"
#include "matrix/load.hpp"
#include "test_support.hpp"

#include <set>

namespace amx {
namespace {

const char* kCatalogue = R"(flags:
  regparm:
    class: abi
    targets: [i386]
    values: [1, 2, 3]
    rustc: -Zregparm={value}
    clang: -mregparm={value}
  reg-struct-return:
    class: abi
    targets: [i386]
    values: [on]
    rustc: -Zreg-struct-return
    clang: -freg-struct-return
  padding:
    class: layout
    targets: [i386]
    values: [on]
    rustc: -Zpatchable-function-entry=4,2
    clang: -fpatchable-function-entry=4,2
)";

class MatrixExpand : public ::testing::Test {
protected:
  MatrixExpand() {
    test::write_file(m_dir.path() / "flags.yaml", kCatalogue);
    // A fixture that exercises every flag above; expand never builds it.
    auto fx = m_dir.path() / "fixtures/probe";
    std::filesystem::create_directories(fx);
    test::write_file(fx / "fixture.yaml", "description: test\nflags: [regparm, reg-struct-return, padding]\n");
    test::write_file(fx / "probe.c", "");
    test::write_file(fx / "probe.rs", "");
    auto narrow = m_dir.path() / "fixtures/narrow";
    std::filesystem::create_directories(narrow);
    test::write_file(narrow / "fixture.yaml", "description: test\nflags: [regparm]\n");
    test::write_file(narrow / "narrow.c", "");
    test::write_file(narrow / "narrow.rs", "");
  }

  // i386 only, one fixture, one compiler: settings are off, regparm=1,
  // regparm=3 and reg-struct-return=on (combine: each).
  std::vector<Cell> cells(const std::string& extra, const std::string& flags = "  regparm: [1, 3]\n  reg-struct-return:\n") {
    m_matrix = load("fixtures: [probe]\nflags:\n" + flags + extra);
    return expand(m_matrix);
  }

  // An i386 matrix for clang-19 of the test's fixtures, with the rest given.
  Matrix load(const std::string& rest) {
    auto path = m_dir.path() / "m.yaml";
    test::write_file(path, "import: flags.yaml\nfixtures-dir: fixtures\ntargets: [i386]\nc-compilers: [clang-19]\n" + rest);
    return load_matrix(path);
  }

  test::ScopedTempDir m_dir;
  Matrix m_matrix;
};

TEST_F(MatrixExpand, PairingModeCounts) {
  EXPECT_EQ(cells("pairings: [matched]\n").size(), 4u);
  EXPECT_EQ(cells("pairings: [c-only]\n").size(), 3u);
  EXPECT_EQ(cells("pairings: [rust-only]\n").size(), 3u);
  // Pairs differing in exactly one flag: off against each of the three, both
  // ways (6), and regparm 1 against 3, both ways (2).
  EXPECT_EQ(cells("pairings: [one-off]\n").size(), 8u);
  EXPECT_EQ(cells("pairings: [cross]\n").size(), 16u);
  EXPECT_EQ(cells("pairings: [matched, one-off]\n").size(), 12u);
  // c-only pairs are one-off pairs too: each pair is run once.
  EXPECT_EQ(cells("pairings: [c-only, one-off]\n").size(), 8u);
}

TEST_F(MatrixExpand, ProductCombinesEveryValue) {
  EXPECT_EQ(cells("combine: product\npairings: [matched]\n").size(), 6u); // 3 regparm x 2 rsr
  EXPECT_EQ(cells("combine: product\npairings: [cross]\n").size(), 36u);
}

TEST_F(MatrixExpand, FirstModeNamesThePair) {
  auto cs = cells("pairings: [c-only, one-off]\n");
  std::map<std::string, int> by_pairing;
  for (const auto& c : cs)
    by_pairing[to_string(c.pairing)]++;
  EXPECT_EQ(by_pairing["c-only"], 3);
  EXPECT_EQ(by_pairing["one-off"], 5);
}

TEST_F(MatrixExpand, IncludeAddsAPairAndExcludeRemovesCells) {
  auto cs = cells("pairings: [matched]\ninclude:\n  - {c: {regparm: 1}, rust: {reg-struct-return: \"on\"}}\n");
  ASSERT_EQ(cs.size(), 5u);
  EXPECT_EQ(to_string(cs.back().c), "regparm=1");
  EXPECT_EQ(to_string(cs.back().rust), "reg-struct-return=on");
  EXPECT_EQ(cs.back().pairing, Pairing::cross);

  EXPECT_EQ(cells("pairings: [matched, one-off]\nexclude:\n  - {pairing: one-off}\n").size(), 4u);
  // Every cell whose C side has regparm=3: matched, and against off and 1.
  EXPECT_EQ(cells("pairings: [matched, one-off]\nexclude:\n  - {c: {regparm: \"3\"}}\n").size(), 9u);
  EXPECT_EQ(cells("pairings: [matched]\nexclude:\n  - {rust: {regparm: \"off\"}}\n").size(), 2u);
}

TEST_F(MatrixExpand, FixturesGetOnlyTheFlagsTheyExercise) {
  // narrow exercises regparm only: of off, regparm=1, regparm=3 and
  // reg-struct-return=on matched, the last is left out for it.
  Matrix m = load("fixtures: [probe, narrow]\nflags:\n  regparm: [1, 3]\n  reg-struct-return:\n"
                  "pairings: [matched, one-off]\n");
  std::size_t narrow = 0, probe = 0;
  for (const auto& c : expand(m)) {
    (c.fixture->name == "narrow" ? narrow : probe)++;
    if (c.fixture->name == "narrow")
      EXPECT_FALSE(c.c.count("reg-struct-return") || c.rust.count("reg-struct-return")) << c.name;
  }
  EXPECT_EQ(probe, 12u);
  EXPECT_EQ(narrow, 3u + 6u); // matched off, 1, 3; one-off among them, both ways
}

// A product is built only over the flags a fixture observes, so a fixture
// that sees one flag of ten never meets the other nine's combinations; the
// stream gives the cells expand() holds, in its order.
TEST_F(MatrixExpand, AProductIsBuiltOverTheFlagsAFixtureObserves) {
  Matrix m = load("fixtures: [narrow, probe]\nflags:\n  regparm: [1, 3]\n  reg-struct-return:\n  padding:\n"
                  "combine: product\npairings: [cross]\n");
  EXPECT_EQ(target_settings(m, "i386").size(), 12u); // 3 regparm x 2 x 2
  const std::vector<std::string> observed = {"regparm"};
  EXPECT_EQ(target_settings(m, "i386", &observed).size(), 3u);
  std::vector<std::string> streamed;
  std::size_t narrow = 0;
  for_each_cell(m, [&](const Cell& c) {
    streamed.push_back(c.key + " " + to_string(c.expected) + " " + c.expect_reason);
    narrow += c.fixture->name == "narrow";
  });
  EXPECT_EQ(narrow, 9u);                   // cross of off, regparm=1, regparm=3
  EXPECT_EQ(streamed.size(), 9u + 144u);   // and of probe's 12 settings
  std::vector<std::string> held;
  for (const auto& c : expand(m))
    held.push_back(c.key + " " + to_string(c.expected) + " " + c.expect_reason);
  EXPECT_EQ(streamed, held);
}

TEST_F(MatrixExpand, FlagsApplyOnlyToTheirTargets) {
  auto path = m_dir.path() / "m.yaml";
  test::write_file(path, "import: flags.yaml\nfixtures-dir: " + (test::kSourceDir / "fixtures").string() +
                             "\ntargets: [i386, aarch64]\nc-compilers: [clang-19]\nfixtures: [scalars]\n"
                             "flags:\n  regparm: [3]\npairings: [matched, one-off]\n");
  Matrix m = load_matrix(path);
  auto settings = target_settings(m, "aarch64");
  ASSERT_EQ(settings.size(), 1u);
  EXPECT_TRUE(settings[0].empty());
  EXPECT_EQ(expand(m).size(), 4u + 1u);
}

TEST_F(MatrixExpand, ExpectationsFollowFlagClassUnlessOverridden) {
  auto cs = cells("pairings: [matched, one-off]\n", "  regparm: [3]\n  padding:\n");
  std::map<std::string, const Cell*> by;
  for (const auto& c : cs)
    by[to_string(c.c) + "|" + to_string(c.rust)] = &c;
  EXPECT_EQ(by.at("regparm=3|regparm=3")->expected, Expected::pass);
  EXPECT_EQ(by.at("regparm=3|off")->expected, Expected::fail);
  EXPECT_EQ(by.at("regparm=3|off")->expect_reason, "abi flag regparm differs between the sides");
  EXPECT_FALSE(by.at("regparm=3|off")->expected_stage); // an abi mismatch may break at any stage
  // A layout (or hardening) mismatch should run and lose a property.
  EXPECT_EQ(by.at("off|padding=on")->expected, Expected::fail);
  EXPECT_EQ(by.at("off|padding=on")->expected_stage, Stage::check);
  EXPECT_EQ(by.at("off|padding=on")->expect_reason,
            "padding differs between the sides: the run should pass and a property check fail");

  cs = cells("pairings: [matched]\nexpect:\n  - match: {c: {regparm: \"3\"}}\n    verdict: fail\n"
             "    stage: run\n    reason: known defect\n",
             "  regparm: [3]\n");
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].expected, Expected::pass);
  EXPECT_EQ(cs[1].expected, Expected::fail);
  EXPECT_EQ(cs[1].expected_stage, Stage::run);
  EXPECT_EQ(cs[1].expect_reason, "known defect");
}

TEST_F(MatrixExpand, RulesThatNameChecksOwnOnlyThose) {
  auto cs = cells("pairings: [matched]\nexpect:\n"
                  "  - match: {c: {regparm: \"3\"}}\n    verdict: fail\n    reason: whole cell\n"
                  "  - match: {c: {regparm: \"3\"}}\n    verdict: fail\n    checks: [\"c_to_rust.*\"]\n"
                  "    reason: arguments\n"
                  "  - match: {c: {regparm: \"3\"}}\n    verdict: fail\n    checks: [\"rs_ret_*\", drive]\n"
                  "    reason: returns\n",
                  "  regparm: [3]\n");
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_TRUE(cs[0].check_expectations.empty());
  // Every rule that names checks applies; a whole-cell rule then does not.
  ASSERT_EQ(cs[1].check_expectations.size(), 2u);
  EXPECT_EQ(cs[1].check_expectations[1].checks, (std::vector<std::string>{"rs_ret_*", "drive"}));
  EXPECT_EQ(cs[1].expected, Expected::fail);
  EXPECT_EQ(cs[1].expect_reason, "arguments; returns");
}

TEST_F(MatrixExpand, ProfilePairsRunTheWholeProfileAndDropOneFlagPerSide) {
  test::write_file(m_dir.path() / "profiles.yaml",
                   "profiles:\n  k:\n    target: i386\n    kernel: [{file: arch/x86/Makefile, lines: [...]}]\n"
                   "    flags: {regparm: \"3\", reg-struct-return: \"on\", padding: \"on\"}\n");
  auto path = m_dir.path() / "m.yaml";
  test::write_file(path, "import: [flags.yaml, profiles.yaml]\nfixtures-dir: fixtures\ntargets: [i386]\n"
                         "c-compilers: [clang-19]\nfixtures: [probe, narrow]\npairings: []\nprofiles: [k]\n"
                         "profile-pairings: [matched, rust-drops-one, c-drops-one]\n");
  m_matrix = load_matrix(path);
  auto all = expand(m_matrix);
  std::multiset<std::string> got;
  for (const auto& c : all)
    got.insert(c.fixture->name + " " + to_string(c.pairing) + " c:" + to_string(c.c) + " rust:" + to_string(c.rust) +
               " expect " + to_string(c.expected));
  const std::string k = "padding=on,reg-struct-return=on,regparm=3";
  // The matched profile on both fixtures; a dropped flag only where the
  // fixture observes it (narrow observes regparm alone).
  EXPECT_EQ(got, (std::multiset<std::string>{
                     "probe matched c:" + k + " rust:" + k + " expect pass",
                     "narrow matched c:" + k + " rust:" + k + " expect pass",
                     "probe one-off c:" + k + " rust:reg-struct-return=on,regparm=3 expect fail",
                     "probe one-off c:" + k + " rust:padding=on,regparm=3 expect fail",
                     "probe one-off c:" + k + " rust:padding=on,reg-struct-return=on expect fail",
                     "narrow one-off c:" + k + " rust:padding=on,reg-struct-return=on expect fail",
                     "probe one-off c:reg-struct-return=on,regparm=3 rust:" + k + " expect fail",
                     "probe one-off c:padding=on,regparm=3 rust:" + k + " expect fail",
                     "probe one-off c:padding=on,reg-struct-return=on rust:" + k + " expect fail",
                     "narrow one-off c:padding=on,reg-struct-return=on rust:" + k + " expect fail",
                 }));
}

// A flag the kernel passes to C alone: the kernel's pair differs in it, and
// the drop modes start from that pair.
TEST_F(MatrixExpand, ProfileCOnlyFlagsStayOnTheCSide) {
  test::write_file(m_dir.path() / "profiles.yaml",
                   "profiles:\n  k:\n    target: i386\n    kernel: [{file: arch/x86/Makefile, lines: [...]}]\n"
                   "    flags: {regparm: \"3\"}\n    c-only: {padding: \"on\"}\n");
  auto path = m_dir.path() / "m.yaml";
  test::write_file(path, "import: [flags.yaml, profiles.yaml]\nfixtures-dir: fixtures\ntargets: [i386]\n"
                         "c-compilers: [clang-19]\nfixtures: [probe]\npairings: []\nprofiles: [k]\n"
                         "profile-pairings: [matched, rust-drops-one, c-drops-one]\n");
  m_matrix = load_matrix(path);
  std::multiset<std::string> got;
  for (const auto& c : expand(m_matrix))
    got.insert(to_string(c.pairing) + " c:" + to_string(c.c) + " rust:" + to_string(c.rust));
  EXPECT_EQ(got, (std::multiset<std::string>{
                     "one-off c:padding=on,regparm=3 rust:regparm=3",
                     "c-only c:padding=on,regparm=3 rust:off",
                     "matched c:regparm=3 rust:regparm=3",
                     "cross c:padding=on rust:regparm=3",
                 }));
}

TEST_F(MatrixExpand, CellKeysAreStable) {
  // Stored in databases and compared across nightly runs: this literal must
  // never change without a migration (schema 15 moved them from FNV-1a,
  // abf09291397cf07d, to XXH3-64, the old key kept as cells.old_key).
  EXPECT_EQ(cell_key("i386", "scalars", "clang-19", {{"regparm", "3"}}, "rustc", {}), "34a153c27580ec09");
  auto first = cells("pairings: [matched]\n", "  regparm: [3]\n");
  auto with_more_flags = cells("pairings: [matched]\n");
  // Adding flags to a matrix leaves the keys of existing cells alone.
  EXPECT_EQ(first[0].key, with_more_flags[0].key);
  EXPECT_EQ(first[1].key, cell_key("i386", "probe", "clang-19", {{"regparm", "3"}}, "rustc", {{"regparm", "3"}}));
  EXPECT_EQ(first[1].name, "i386 probe clang-19/rustc c:regparm=3 rust:regparm=3");
}

} // namespace
} // namespace amx
