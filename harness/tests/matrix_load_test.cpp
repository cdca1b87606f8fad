// matrix/load: malformed matrices are reported with file:line:column and a
// message that says what was expected, all problems of a file at once.

#include "matrix/load.hpp"
#include "matrix_load_fixture.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <set>

namespace amx {
namespace {

using ::testing::HasSubstr;
using test::kCatalogue;
using test::MatrixLoad;

TEST_F(MatrixLoad, ValidMatrixLoads) {
  auto path = m_dir.path() / "m.yaml";
  test::write_file(path, matrix());
  Matrix m = load_matrix(path);
  EXPECT_EQ(m.name, "m");
  ASSERT_EQ(m.targets.size(), 2u);
  EXPECT_EQ(m.targets[1].qemu, "qemu-aarch64");
  ASSERT_EQ(m.flags.size(), 1u);
  EXPECT_EQ(m.flags[0].values, std::vector<std::string>{"3"});
  EXPECT_EQ(m.catalogue.at("regparm").spellings.at(Family::clang).at(0).args_for("3"),
            std::vector<std::string>{"-mregparm=3"});
  EXPECT_FALSE(m.catalogue.at("fixed-x18").spellings.count(Family::gcc));
  EXPECT_EQ(m.hash.size(), 16u);
}

TEST_F(MatrixLoad, UnknownTopLevelKey) {
  EXPECT_EQ(first_line(load_error(matrix("pairing: [matched]\n"))),
            "DIR/m.yaml:8:1: error: unknown key 'pairing' in the matrix (expected one of: name, description, "
            "import, fixtures-dir, targets, c-compilers, rustc, fixtures, flags, combine, pairings, profiles, "
            "profile-pairings, include, exclude, expect, timeouts, output-cap, core-source, max-cells)");
}

TEST_F(MatrixLoad, RustcsByNamePathOrRustupToolchain) {
  auto path = m_dir.path() / "m.yaml";
  test::write_file(path, matrix("rustc: {rustup: rustc, debian: /usr/bin/rustc, nightly: +nightly-2026-11-20}\n"));
  Matrix m = load_matrix(path);
  EXPECT_EQ(m.rustcs, (std::vector<std::string>{"rustup", "debian", "nightly"}));
  EXPECT_EQ(m.rustc_locations.at("debian"), "/usr/bin/rustc");
  EXPECT_EQ(m.rustc_locations.at("nightly"), "+nightly-2026-11-20");
  test::write_file(path, matrix());
  EXPECT_EQ(load_matrix(path).rustc_locations, (std::map<std::string, std::string>{{"rustc", "rustc"}}));
}

TEST_F(MatrixLoad, RustcLocationThatIsNeitherNameNorPathNorToolchain) {
  EXPECT_EQ(first_line(load_error(matrix("rustc: [rustc, bin/rustc]\n"))),
            "DIR/m.yaml:8:16: error: rustc 'bin/rustc': 'bin/rustc' is not a program name on PATH, an absolute "
            "path or a rustup toolchain such as +nightly-2026-11-20");
  EXPECT_EQ(first_line(load_error(matrix("rustc: [rustc, rustc]\n"))),
            "DIR/m.yaml:8:16: error: rustc 'rustc' is listed twice");
}

TEST_F(MatrixLoad, RustcNameThatIsNotAName) {
  // Once an abort (exit 134): a key that is a list.
  EXPECT_EQ(first_line(load_error(matrix("rustc: {[a]: /usr/bin/rustc}\n"))),
            "DIR/m.yaml:8:9: error: a rustc name must be a single value");
}

TEST_F(MatrixLoad, ProfilesAndTheirMistakes) {
  test::write_file(m_dir.path() / "profiles.yaml",
                   "profiles:\n"
                   "  good:\n    target: i386\n    kernel: [{file: arch/x86/Makefile, lines: [-mregparm=3]}]\n    flags: {regparm: \"3\"}\n"
                   "  bad:\n    target: i386\n    kernel: []\n    flags: {regparm: \"4\", fixed-x18: \"on\", nope: \"on\"}\n");
  auto text = matrix_with("import: flags.yaml", "import: [flags.yaml, profiles.yaml]",
                          "profiles: [good, missing]\nprofile-pairings: [matched, sideways]\n");
  auto msg = load_error(text);
  EXPECT_THAT(msg, HasSubstr("DIR/profiles.yaml:9:22: error: flag 'regparm' has no value '4' (expected one of: 1, 2, 3)"));
  EXPECT_THAT(msg, HasSubstr("DIR/profiles.yaml:9:27: error: flag 'fixed-x18' does not apply to target 'i386'"));
  EXPECT_THAT(msg, HasSubstr("DIR/profiles.yaml:9:44: error: unknown flag 'nope' in the flags of profile 'bad' (import the "
                             "catalogue that defines it first)"));
  EXPECT_THAT(msg, HasSubstr("DIR/m.yaml:8:18: error: unknown profile 'missing' (not defined in any imported "
                             "catalogue)"));
  EXPECT_THAT(msg, HasSubstr("DIR/m.yaml:9:29: error: unknown profile pairing 'sideways' (expected one of: matched, "
                             "rust-drops-one, c-drops-one)"));
}

TEST_F(MatrixLoad, CoreSourceMustHoldCore) {
  EXPECT_EQ(first_line(load_error(matrix("core-source: /nonexistent/library\n"))),
            "DIR/m.yaml:8:14: error: '/nonexistent/library' has no core/src/lib.rs: core-source names the library/ "
            "folder of a Rust source tree (Debian's rust-web-src installs /usr/src/rustc-1.96.0/library)");
  test::write_file(m_dir.path() / "lib/core/src/lib.rs", "");
  auto path = m_dir.path() / "m.yaml";
  test::write_file(path, matrix("core-source: lib\n"));
  EXPECT_EQ(load_matrix(path).core_source, m_dir.path() / "lib");
}

TEST_F(MatrixLoad, UnknownTarget) {
  auto text = matrix_with("aarch64", "aarch46");
  EXPECT_EQ(first_line(load_error(text)),
            "DIR/m.yaml:3:17: error: unknown target 'aarch46' (expected one of: x86_64, i386, aarch64, riscv64)");
}

TEST_F(MatrixLoad, ACaseTimeoutMustBeShorterThanTheRunTimeout) {
  EXPECT_EQ(first_line(load_error(matrix("timeouts: {run: 2, case: 3}\n"))),
            "DIR/m.yaml:8:26: error: timeouts.case (3 s) must be shorter than timeouts.run (2 s)");
  // The default case timeout (2 s) against a run timeout given alone.
  EXPECT_EQ(first_line(load_error(matrix("timeouts: {run: 1}\n"))),
            "DIR/m.yaml:8:11: error: timeouts.case (2 s) must be shorter than timeouts.run (1 s)");
  Matrix m = [&] {
    test::write_file(m_dir.path() / "ok.yaml", matrix("timeouts: {run: 3, case: 0.5}\n"));
    return load_matrix(m_dir.path() / "ok.yaml");
  }();
  EXPECT_EQ(m.timeouts.test_case, std::chrono::milliseconds(500));
}

TEST_F(MatrixLoad, UnknownPairingMode) {
  EXPECT_EQ(first_line(load_error(matrix("pairings: [matched, mached]\n"))),
            "DIR/m.yaml:8:21: error: unknown pairing mode 'mached' (expected one of: matched, c-only, rust-only, "
            "one-off, cross)");
}

TEST_F(MatrixLoad, UnknownFlag) {
  EXPECT_EQ(first_line(load_error(matrix("  regparn: [3]\n"))),
            "DIR/m.yaml:8:3: error: unknown flag 'regparn' (not defined in any imported catalogue)");
}

TEST_F(MatrixLoad, FlagValueNotInCatalogue) {
  auto text = matrix_with("regparm: [3]", "regparm: [5]");
  EXPECT_EQ(first_line(load_error(text)),
            "DIR/m.yaml:7:13: error: flag 'regparm' has no value '5' (expected one of: 1, 2, 3)");
}

TEST_F(MatrixLoad, OffIsImplicit) {
  auto text = matrix_with("regparm: [3]", "regparm: [off, 3]");
  EXPECT_EQ(first_line(load_error(text)), "DIR/m.yaml:7:13: error: 'off' is tried always; list only the other values");
}

TEST_F(MatrixLoad, MissingKeyIsReportedAtTheParent) {
  auto text = matrix();
  text.erase(text.find("targets:"), std::string("targets: [i386, aarch64]\n").size());
  EXPECT_EQ(first_line(load_error(text)), "DIR/m.yaml:1:1: error: missing key 'targets' in the matrix");
}

TEST_F(MatrixLoad, DuplicateKey) {
  EXPECT_EQ(first_line(load_error(matrix("targets: [x86_64]\n"))),
            "DIR/m.yaml:8:1: error: duplicate key 'targets' in the matrix");
}

TEST_F(MatrixLoad, YamlSyntaxError) {
  EXPECT_EQ(first_line(load_error("targets: [i386\nfixtures: [scalars]\n")),
            "DIR/m.yaml:2:9: error: end of sequence flow not found");
}

TEST_F(MatrixLoad, UnknownFixture) {
  auto text = matrix_with("[scalars]", "[scalars, nosuch]");
  EXPECT_EQ(first_line(load_error(text)),
            "DIR/m.yaml:5:21: error: unknown fixture 'nosuch': " + m_fixtures + "/nosuch/fixture.yaml does not exist");
}

TEST_F(MatrixLoad, FixtureMustSayWhichFlagsItExercises) {
  auto fx = m_dir.path() / "fixtures/probe";
  test::write_file(fx / "probe.c", "");
  test::write_file(fx / "probe.rs", "");
  test::write_file(fx / "fixture.yaml", "description: no flags\n");
  auto text = "import: flags.yaml\nfixtures-dir: fixtures\ntargets: [i386]\nc-compilers: [clang-19]\n"
              "fixtures: [probe]\n";
  EXPECT_EQ(first_line(load_error(text)), "DIR/fixtures/probe/fixture.yaml:1:1: error: missing key 'flags' in a fixture");
  // A check must be of a flag the fixture exercises.
  test::write_file(fx / "fixture.yaml", "flags: [regparm]\nchecks:\n  - {property: ibt-note, flag: fixed-x18}\n");
  EXPECT_EQ(first_line(load_error(text)), "DIR/fixtures/probe/fixture.yaml:3:32: error: check of flag 'fixed-x18', "
                                          "which the fixture's 'flags' does not list");
}

TEST_F(MatrixLoad, ACheckWithValuesNeedsItsFlag) {
  // Once a read past the catalogue's end: values with no flag to hold them to.
  auto fx = m_dir.path() / "fixtures/probe";
  test::write_file(fx / "probe.c", "");
  test::write_file(fx / "probe.rs", "");
  test::write_file(fx / "fixture.yaml", "flags: [regparm]\nchecks:\n  - {property: ibt-note, values: [3]}\n");
  auto err = load_error("import: flags.yaml\nfixtures-dir: fixtures\ntargets: [i386]\nc-compilers: [clang-19]\n"
                        "fixtures: [probe]\n");
  EXPECT_EQ(first_line(err), "DIR/fixtures/probe/fixture.yaml:3:5: error: missing key 'flag' in a check");
}

TEST_F(MatrixLoad, ExpectationNeedsAReason) {
  EXPECT_EQ(first_line(load_error(matrix("expect:\n  - match: {target: i386}\n    verdict: fail\n"))),
            "DIR/m.yaml:9:5: error: missing key 'reason' in an expectation");
}

TEST_F(MatrixLoad, ARuleThatNamesChecksExpectsThemToFail) {
  EXPECT_EQ(first_line(load_error(matrix("expect:\n  - match: {target: i386}\n    verdict: pass\n"
                                         "    checks: [\"c_to_rust.*\"]\n    reason: r\n"))),
            "DIR/m.yaml:11:13: error: an expectation that names checks expects them to fail: give verdict: fail");
}

TEST_F(MatrixLoad, RulePatternMustMatchSomething) {
  EXPECT_EQ(first_line(load_error(matrix("exclude:\n  - {target: riscv64}\n"))),
            "DIR/m.yaml:9:14: error: 'riscv64' matches no target of this matrix (it has: i386, aarch64)");
}

TEST_F(MatrixLoad, UnknownCompiler) {
  auto text = matrix_with("gcc]", "icc]");
  EXPECT_EQ(first_line(load_error(text)),
            "DIR/m.yaml:4:25: error: unknown C compiler 'icc' (expected clang, clang-N, gcc or gcc-N)");
}

// Numbers are plain decimals within bounds the message states: nothing
// overflows, rounds to 0 or reads as hex (issue 19, item 7).
TEST_F(MatrixLoad, TimeoutsAndOutputCapAreBoundedDecimals) {
  for (auto bad : {"-1", "1e20", "inf", "0x10", "123456789012345678901234567890", "0.0001", "100000"})
    EXPECT_EQ(first_line(load_error(matrix(std::string("timeouts: {run: ") + bad + "}\n"))),
              std::string("DIR/m.yaml:8:17: error: timeouts.run (seconds) must be a decimal number from 0.001 to "
                          "86400 (1 ms to 1 day), not '") + bad + "'")
        << bad;
  for (auto bad : {"0.5", "18446744073709551616", "1e6", "100", "2147483648"})
    EXPECT_EQ(first_line(load_error(matrix(std::string("output-cap: ") + bad + "\n"))),
              std::string("DIR/m.yaml:8:13: error: 'output-cap' (bytes) must be a whole number from 1024 to "
                          "1073741824 (1 KiB to 1 GiB), not '") + bad + "'")
        << bad;
  test::write_file(m_dir.path() / "ok.yaml", matrix("timeouts: {run: 86400, case: 0.001}\noutput-cap: 1024\n"));
  Matrix m = load_matrix(m_dir.path() / "ok.yaml");
  EXPECT_EQ(m.timeouts.run, std::chrono::hours(24));
  EXPECT_EQ(m.timeouts.test_case, std::chrono::milliseconds(1));
  EXPECT_EQ(m.output_cap, 1024u);
}

TEST_F(MatrixLoad, AnExpectationNeedsAReasonThatSaysSomething) {
  EXPECT_EQ(first_line(load_error(matrix("expect:\n  - match: {fixture: scalars}\n    verdict: fail\n    reason: \" \"\n"))),
            "DIR/m.yaml:11:13: error: an expectation's reason is empty: say why the cells do what it expects");
}

// A fixture is a folder of fixtures-dir, named as one: no path out of it,
// and no name the file system cannot hold: each an error at its line, not
// an abort (issue 19, item 6).
TEST_F(MatrixLoad, AFixtureNameIsAFolderNameAndAnUnreadableOneIsAnError) {
  auto text = matrix_with("[scalars]", "[../scalars]");
  EXPECT_EQ(first_line(load_error(text)), "DIR/m.yaml:5:12: error: fixture '../scalars' is not a fixture's folder name "
                                          "(1 to 64 letters, digits, '-' or '_')");
  text = matrix_with("[scalars]", "[" + std::string(300, 'x') + "]");
  EXPECT_THAT(first_line(load_error(text)), HasSubstr("is not a fixture's folder name"));
  text = matrix_with(m_fixtures, m_fixtures + "/" + std::string(300, 'y'));
  EXPECT_THAT(first_line(load_error(text)), ::testing::EndsWith("/fixture.yaml cannot be read: File name too long"));
}

// The same target, fixture, compiler or value twice would make two cells
// with one key; an empty list, a matrix with no cells (issue 19, items 8, 11).
TEST_F(MatrixLoad, RepeatsAndEmptyListsAreErrorsAtTheirLine) {
  auto text = matrix_with("gcc]", "gcc, gcc]");
  EXPECT_EQ(first_line(load_error(text)), "DIR/m.yaml:4:30: error: C compiler 'gcc' is listed twice");
  text = matrix_with("aarch64", "aarch64, aarch64");
  EXPECT_THAT(first_line(load_error(text)), ::testing::EndsWith("error: target 'aarch64' is listed twice"));
  text = matrix_with("regparm: [3]", "regparm: [3, 3]");
  EXPECT_EQ(first_line(load_error(text)), "DIR/m.yaml:7:16: error: value '3' of 'regparm' is listed twice");
  text = matrix_with("[clang-19, gcc]", "[]");
  EXPECT_EQ(first_line(load_error(text)), "DIR/m.yaml:4:14: error: 'c-compilers' is empty: the matrix would have no cells");
}

TEST_F(MatrixLoad, ErrorInCatalogueNamesTheCatalogue) {
  std::string cat = kCatalogue;
  cat.replace(cat.find("class: abi"), 10, "class: abii");
  test::write_file(m_dir.path() / "flags.yaml", cat);
  EXPECT_EQ(first_line(load_error(matrix())),
            "DIR/flags.yaml:3:12: error: unknown flag class 'abii' (expected one of: abi, hardening, layout)");
}

TEST_F(MatrixLoad, EveryProblemIsReportedAtOnceWithSourceAndCaret) {
  auto text = matrix_with("aarch64", "arm", "pairings: [sideways]\ncombine: some\n");
  auto err = load_error(text);
  EXPECT_THAT(err, HasSubstr("DIR/m.yaml:3:17: error: unknown target 'arm'"));
  EXPECT_THAT(err, HasSubstr("DIR/m.yaml:8:12: error: unknown pairing mode 'sideways'"));
  EXPECT_THAT(err, HasSubstr("DIR/m.yaml:9:10: error: unknown combine mode 'some' (expected each or product)"));
  EXPECT_THAT(err, HasSubstr("  targets: [i386, arm]\n                  ^ near here\n"));
  EXPECT_THAT(err, HasSubstr("\n3 errors\n"));
}

TEST_F(MatrixLoad, MissingFileIsAnError) {
  try {
    load_matrix(m_dir.path() / "absent.yaml");
    FAIL() << "no error";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("absent.yaml: error: cannot read: No such file or directory"));
  }
}

TEST_F(MatrixLoad, AnImportIsAReadableRegularFileOfBoundedSizeAndAProblemIsAtItsLine) {
  auto import_error = [&](const std::string& what) {
    return first_line(load_error(matrix_with("import: flags.yaml", "import: [flags.yaml, " + what + "]")));
  };
  EXPECT_EQ(import_error("nope.yaml"),
            "DIR/m.yaml:1:22: error: cannot import DIR/nope.yaml: cannot read: No such file or directory");
  std::filesystem::create_directories(m_dir.path() / "folder.yaml");
  EXPECT_EQ(import_error("folder.yaml"), "DIR/m.yaml:1:22: error: cannot import DIR/folder.yaml: not a regular file");
  EXPECT_EQ(import_error("/dev/zero"), "DIR/m.yaml:1:22: error: cannot import /dev/zero: not a regular file");
  test::write_file(m_dir.path() / "huge.yaml", "# " + std::string(1 << 20, 'x') + "\n");
  EXPECT_EQ(import_error("huge.yaml"), "DIR/m.yaml:1:22: error: cannot import DIR/huge.yaml: 1048579 bytes, more "
                                       "than a matrix or catalogue may have (1048576)");
  // The matrix itself too.
  EXPECT_THAT(load_error_of(m_dir.path() / "folder.yaml"), HasSubstr("folder.yaml: error: not a regular file"));
}

TEST_F(MatrixLoad, NulAndEscapeBytesAreShownNotPassedOn) {
  // YAML's own escapes: a NUL and an ESC inside values.
  auto escaped = load_error(matrix_with("targets: [i386, aarch64]", R"(targets: [i386, "aar\0ch64", "\e[31m"])"));
  EXPECT_EQ(first_line(escaped),
            "DIR/m.yaml:3:17: error: unknown target 'aar\\x00ch64' (expected one of: x86_64, i386, aarch64, riscv64)");
  EXPECT_THAT(escaped, HasSubstr("unknown target '\\x1b[31m'"));
  EXPECT_THAT(escaped, Not(HasSubstr("\x1b")));
  // A raw NUL in the file: the line shown in full, the NUL escaped.
  auto raw = load_error(matrix_with("targets: [i386, aarch64]", std::string("targets: [i386, aar\0ch64]", 25)));
  EXPECT_THAT(raw, HasSubstr("  targets: [i386, aar\\x00ch64]\n")) << raw;
}

// Every input that ever crashed the loader under the fuzzer (scripts/fuzz)
// loads as the fuzz target loads it, beside copies of the catalogues, and
// ends in a matrix or an error.
TEST_F(MatrixLoad, FuzzRegressionsEndInAMatrixOrAnError) {
  auto dir = m_dir.path() / "matrices";
  std::filesystem::create_directories(dir);
  for (const auto& e : std::filesystem::directory_iterator(test::kSourceDir / "matrices"))
    if (e.is_regular_file())
      std::filesystem::copy_file(e.path(), dir / e.path().filename());
  std::filesystem::create_directory_symlink(test::kSourceDir / "fixtures", m_dir.path() / "fixtures");
  std::size_t inputs = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::kSourceDir / "fuzz/regressions")) {
    std::filesystem::copy_file(e.path(), dir / "fuzz.yaml", std::filesystem::copy_options::overwrite_existing);
    inputs++;
    try {
      load_matrix(dir / "fuzz.yaml");
    } catch (const FatalError&) {
    } catch (const std::exception& x) {
      ADD_FAILURE() << e.path().filename() << ": " << x.what();
    }
  }
  EXPECT_GE(inputs, 8u);
}

TEST_F(MatrixLoad, TheReposMatricesLoad) {
  for (const auto& name : {"smoke.yaml", "evidence.yaml", "compilers.yaml", "kernel-arm64.yaml", "kernel-i386.yaml",
                           "kernel-riscv64.yaml", "kernel-x86_64.yaml", "kernel-x86_64-core.yaml"})
    EXPECT_NO_THROW(load_matrix(test::kSourceDir / "matrices" / name)) << name;
}

// What a report has a row for: varied flags, then those only a profile
// (either side) or an include rule sets.
TEST_F(MatrixLoad, FlagsInUseReachOnlyThroughProfilesAndIncludes) {
  auto names = [](const Matrix& m) {
    std::vector<std::string> out;
    for (const Flag* f : m.flags_in_use())
      out.push_back(f->name);
    return out;
  };
  Matrix evidence = load_matrix(test::kSourceDir / "matrices/evidence.yaml");
  auto e = names(evidence);
  EXPECT_NE(std::find(e.begin(), e.end(), "indirect-branch-cs-prefix"), e.end()); // include only
  EXPECT_NE(std::find(e.begin(), e.end(), "kcfi-arity"), e.end());
  EXPECT_EQ(e.front(), evidence.flags.front().name);
  auto k = names(load_matrix(test::kSourceDir / "matrices/kernel-x86_64.yaml"));
  EXPECT_NE(std::find(k.begin(), k.end(), "min-function-alignment"), k.end()); // c-only in the profile
  EXPECT_EQ(std::count(k.begin(), k.end(), "kcfi"), 1);
}

TEST_F(MatrixLoad, EvidenceCoversEveryFixtureAndFlag) {
  // A fixture's flags are not checked against a catalogue when it loads
  // (a matrix may import a smaller one), so they are checked here against
  // the repo's: a misspelt flag would silently drop the fixture's cells.
  // The generated fixture runs in signatures.yaml, the hand-written ones in
  // evidence.yaml.
  Matrix m = load_matrix(test::kSourceDir / "matrices/evidence.yaml");
  Matrix generated = load_matrix(test::kSourceDir / "matrices/signatures.yaml");
  std::set<std::string> listed, varied;
  for (const auto* fixtures : {&m.fixtures, &generated.fixtures})
    for (const auto& fx : *fixtures) {
      listed.insert(fx.name);
      for (const auto& flag : fx.flags) {
        EXPECT_TRUE(m.catalogue.count(flag)) << fx.name << " lists unknown flag " << flag;
        varied.insert(flag);
      }
    }
  for (const auto& e : std::filesystem::directory_iterator(test::kSourceDir / "fixtures"))
    if (std::filesystem::exists(e.path() / "fixture.yaml"))
      EXPECT_TRUE(listed.count(e.path().filename().string()))
          << e.path().filename() << " is in neither evidence.yaml nor signatures.yaml";
  for (const auto& [name, flag] : m.catalogue)
    EXPECT_TRUE(varied.count(name)) << "no fixture exercises " << name;
}

} // namespace
} // namespace amx
