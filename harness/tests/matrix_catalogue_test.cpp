// matrix/catalogue: flags and profiles read into the model, and every
// mistake reported at its line with the rest still read.

#include "matrix/catalogue.hpp"

#include "test_support.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

struct Loaded {
  Diagnostics diags;
  std::map<std::string, Flag> flags;
  std::map<std::string, Profile> profiles;
  std::vector<RustTarget> rust_targets;
};

void load(Loaded& out, const std::filesystem::path& file) {
  YamlReader r(file, out.diags);
  if (auto root = r.parse())
    load_catalogue(r, *root, out.flags, out.profiles, out.rust_targets);
}

// Every diagnostic a catalogue of this text gets, as c.yaml.
std::string mistakes_in(const std::string& text) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "c.yaml", text);
  Loaded l;
  load(l, dir.path() / "c.yaml");
  return l.diags.render();
}

TEST(MatrixCatalogue, FlagsAndProfilesIntoTheModel) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "c.yaml",
                   "flags:\n"
                   "  regparm:\n    class: abi\n    targets: [i386]\n    values: [1, 3]\n"
                   "    rustc: -Zregparm={value}\n    clang: -mregparm={value}\n"
                   "  kcfi:\n    class: hardening\n    values: [on]\n    rustc: -Zsanitizer=kcfi\n"
                   "    clang: {on: -fsanitize=kcfi}\n"
                   "    per-target:\n      aarch64:\n        rustc: -Zsanitizer=kcfi -Zfoo\n"
                   "profiles:\n  i386-kernel:\n    target: i386\n    description: d\n"
                   "    kernel:\n      - file: arch/x86/Makefile\n        config: CONFIG_X86_32\n"
                   "        lines: [\"KBUILD_CFLAGS += -mregparm=3\"]\n"
                   "    config: {CONFIG_X: 16}\n    flags: {regparm: 3}\n    c-only: {kcfi: on}\n");
  Loaded l;
  load(l, dir.path() / "c.yaml");
  ASSERT_TRUE(l.diags.empty()) << l.diags.render();
  const Flag& regparm = l.flags.at("regparm");
  EXPECT_EQ(regparm.cls, FlagClass::abi);
  EXPECT_EQ(regparm.values, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(regparm.args(Family::clang, "i386", "3", ""), (std::vector<std::string>{"-mregparm=3"}));
  EXPECT_EQ(regparm.args(Family::gcc, "i386", "3", ""), std::nullopt);
  EXPECT_EQ(regparm.defined_at.line, 2);
  const Flag& kcfi = l.flags.at("kcfi");
  // A target's own spellings replace the general ones there.
  EXPECT_EQ(kcfi.args(Family::rustc, "aarch64", "on", ""), (std::vector<std::string>{"-Zsanitizer=kcfi", "-Zfoo"}));
  EXPECT_EQ(kcfi.args(Family::rustc, "x86_64", "on", ""), (std::vector<std::string>{"-Zsanitizer=kcfi"}));
  EXPECT_EQ(kcfi.args(Family::clang, "aarch64", "on", ""), std::nullopt);
  EXPECT_EQ(kcfi.describe_spellings(), "clang: (on: -fsanitize=kcfi); rustc: -Zsanitizer=kcfi; aarch64 rustc: "
                                       "-Zsanitizer=kcfi -Zfoo");
  const Profile& p = l.profiles.at("i386-kernel");
  EXPECT_EQ(p.target, "i386");
  EXPECT_EQ(p.flags, (Setting{{"regparm", "3"}}));
  EXPECT_EQ(p.c_only, (Setting{{"kcfi", "on"}}));
  EXPECT_EQ(p.c_flags(), (Setting{{"kcfi", "on"}, {"regparm", "3"}}));
  EXPECT_EQ(p.config, (std::map<std::string, std::string>{{"CONFIG_X", "16"}}));
  ASSERT_EQ(p.kernel.size(), 1u);
  EXPECT_EQ(p.kernel[0].file, "arch/x86/Makefile");
  EXPECT_EQ(p.kernel[0].config, "CONFIG_X86_32");
  EXPECT_EQ(p.kernel[0].lines, std::vector<std::string>{"KBUILD_CFLAGS += -mregparm=3"});
}

TEST(MatrixCatalogue, EveryMistakeAtItsLine) {
  auto text = mistakes_in("flags:\n"
                          "  a:\n    class: abbi\n    values: [x]\n"
                          "  b:\n    class: abi\n    values: [off]\n"
                          "profiles:\n  p:\n    target: mips\n    flags: {nope: 1}\n");
  EXPECT_THAT(text, HasSubstr("c.yaml:3:12: error: unknown flag class 'abbi'"));
  EXPECT_THAT(text, HasSubstr("c.yaml:7:14: error: 'off' is implicit"));
  EXPECT_THAT(text, HasSubstr("c.yaml:10:13: error: unknown target 'mips'"));
  EXPECT_THAT(text, HasSubstr("unknown flag 'nope'"));
}

// A flag spelled two ways through its life: the version picks, and a
// version that is not one is an error at its line.
TEST(MatrixCatalogue, SpellingsWithTheVersionsThatTakeThem) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "c.yaml", "flags:\n"
                                          "  x18:\n    class: abi\n    values: [on]\n    rustc:\n"
                                          "      - {since: \"1.98\", args: -Cfixed-x18}\n"
                                          "      - {args: -Zfixed-x18}\n"
                                          "    clang:\n      - {since: \"20\", args: -mnew}\n      - {args: -mold}\n");
  Loaded l;
  load(l, dir.path() / "c.yaml");
  ASSERT_TRUE(l.diags.empty()) << l.diags.render();
  const Flag& f = l.flags.at("x18");
  EXPECT_EQ(f.args(Family::rustc, "aarch64", "on", "rustc 1.98.0-nightly (abc 2026-12-03)"),
            std::vector<std::string>{"-Cfixed-x18"});
  EXPECT_EQ(f.args(Family::rustc, "aarch64", "on", "rustc 1.95.0 (59807616e 2026-04-14), LLVM 22.1.2"),
            std::vector<std::string>{"-Zfixed-x18"});
  EXPECT_EQ(f.args(Family::clang, "aarch64", "on", "Debian clang version 19.1.7 (3)"), std::vector<std::string>{"-mold"});
  EXPECT_EQ(f.args(Family::clang, "aarch64", "on", "clang version 20.1.0"), std::vector<std::string>{"-mnew"});
  EXPECT_EQ(f.describe_spellings(), "clang: -mnew (since 20) or -mold; rustc: -Cfixed-x18 (since 1.98) or -Zfixed-x18");

  auto text = mistakes_in("flags:\n  f:\n    class: abi\n    values: [on]\n    rustc:\n"
                          "      - {since: soon, args: -Cf}\n      - {since: \"1.90\"}\n");
  EXPECT_THAT(text, HasSubstr("c.yaml:6:17: error: 'soon' is not a version"));
  EXPECT_THAT(text, HasSubstr("c.yaml:7:9: error: missing key 'args'"));
}

// Rust targets: triples and specifications with their properties, which
// flags ask for instead of naming a triple.
TEST(MatrixCatalogue, RustTargetsAndWhatFlagsNeedOfThem) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "c.yaml",
                   "rust-targets:\n"
                   "  riscv64imac-unknown-none-elf:\n    target: riscv64\n"
                   "    properties: {float-abi: soft, os: none}\n"
                   "  x86_64-linux-kernel:\n    target: x86_64\n    properties: {float-abi: soft}\n"
                   "    spec:\n      arch: x86_64\n      features: \"-mmx,+soft-float\"\n"
                   "      target-pointer-width: 64\n      emit-debug-gdb-scripts: false\n"
                   "      data-layout: \"e-m:e\"\n      supported-sanitizers: [kcfi]\n"
                   "      stack-probes: {kind: none}\n      version: \"64\"\n"
                   "    features-from: {retpoline: \",+retpoline-external-thunk\"}\n"
                   "flags:\n"
                   "  retpoline:\n    class: hardening\n    targets: [x86_64]\n    values: [on]\n"
                   "    rustc: -Zretpoline-external-thunk\n"
                   "  soft-float:\n    class: abi\n    targets: [x86_64, riscv64]\n    values: [on]\n"
                   "    rust-target: {float-abi: soft}\n"
                   "    per-target:\n      x86_64:\n        rust-target: {float-abi: soft}\n"
                   "        rustc: -Ctarget-feature=-sse\n");
  Loaded l;
  load(l, dir.path() / "c.yaml");
  ASSERT_TRUE(l.diags.empty()) << l.diags.render();
  ASSERT_EQ(l.rust_targets.size(), 2u);
  const RustTarget& imac = l.rust_targets[0];
  EXPECT_EQ(imac.target, "riscv64");
  EXPECT_FALSE(imac.is_spec());
  EXPECT_TRUE(imac.has({{"float-abi", "soft"}}));
  EXPECT_FALSE(imac.has({{"float-abi", "soft"}, {"os", "linux"}}));
  const RustTarget& kernel = l.rust_targets[1];
  // YAML's quoted scalars stay strings; plain ones are read as JSON reads them.
  EXPECT_EQ(kernel.spec, (std::vector<std::pair<std::string, std::string>>{
                             {"arch", "\"x86_64\""},
                             {"features", "\"-mmx,+soft-float\""},
                             {"target-pointer-width", "64"},
                             {"emit-debug-gdb-scripts", "false"},
                             {"data-layout", "\"e-m:e\""},
                             {"supported-sanitizers", "[\"kcfi\"]"},
                             {"stack-probes", "{\"kind\":\"none\"}"},
                             {"version", "\"64\""}}));
  EXPECT_EQ(kernel.features_from.at("retpoline"), ",+retpoline-external-thunk");
  const Flag& soft = l.flags.at("soft-float");
  EXPECT_EQ(soft.rust_needs("riscv64"), (std::map<std::string, std::string>{{"float-abi", "soft"}}));
  // Said by the target alone where there is no rustc spelling.
  EXPECT_EQ(soft.args(Family::rustc, "riscv64", "on", ""), std::vector<std::string>{});
  EXPECT_EQ(soft.args(Family::rustc, "x86_64", "on", ""), (std::vector<std::string>{"-Ctarget-feature=-sse"}));
  EXPECT_EQ(soft.args(Family::clang, "riscv64", "on", ""), std::nullopt);
}

TEST(MatrixCatalogue, RustTargetMistakesAtTheirLines) {
  auto text = mistakes_in("rust-targets:\n"
                          "  t:\n    target: riscv64\n    properties: {os: none}\n"
                          "    features-from: {nope: \"+x\"}\n"
                          "flags:\n"
                          "  f:\n    class: abi\n    values: [on]\n    targets: [riscv64]\n"
                          "    rust-target: {float-abi: soft}\n");
  EXPECT_THAT(text, HasSubstr("c.yaml:5:20: error: 'features-from' needs a 'spec' with a 'features' field"));
  EXPECT_THAT(text, HasSubstr("c.yaml:5:20: error: unknown flag 'nope' in 'features-from' of Rust target 't'"));
  EXPECT_THAT(text, HasSubstr("c.yaml:11:18: error: flag 'f' needs a Rust target for riscv64 with "
                              "float-abi=soft, and no rust-targets entry defined by then has that"));
}

TEST(MatrixCatalogue, ProfileMistakesAtTheirLines) {
  auto text = mistakes_in("flags:\n  f:\n    class: abi\n    values: [on]\n"
                          "profiles:\n  p:\n    target: i386\n    kernel: [{file: Makefile, lines: [x]}]\n"
                          "    kernel-builds-rust: maybe\n    flags: {f: on}\n    c-only: {f: on}\n"
                          "  q:\n    target: i386\n    kernel: [{lines: [x]}]\n    flags: {}\n");
  EXPECT_THAT(text, HasSubstr("c.yaml:9:25: error: 'kernel-builds-rust' is true or false, not 'maybe'"));
  EXPECT_THAT(text, HasSubstr("c.yaml:11:13: error: flag 'f' is in both 'flags' and 'c-only' of profile 'p'"));
  EXPECT_THAT(text, HasSubstr("error: missing key 'file' in a 'kernel' entry"));
}

TEST(MatrixCatalogue, AFlagDefinedTwiceNamesTheFirst) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "a.yaml", "flags:\n  f:\n    class: abi\n    values: [on]\n");
  test::write_file(dir.path() / "b.yaml", "flags:\n  f:\n    class: abi\n    values: [on]\n");
  Loaded l;
  load(l, dir.path() / "a.yaml");
  load(l, dir.path() / "b.yaml");
  EXPECT_THAT(l.diags.render(), HasSubstr("b.yaml:2:3: error: flag 'f' is already defined at " +
                                          (dir.path() / "a.yaml").string() + ":2:3"));
}

} // namespace
} // namespace amx
