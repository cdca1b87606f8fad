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
};

void load(Loaded& out, const std::filesystem::path& file) {
  YamlReader r(file, out.diags);
  if (auto root = r.parse())
    load_catalogue(r, *root, out.flags, out.profiles);
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
                   "    kernel: [\"arch/x86/Makefile: KBUILD_CFLAGS += -mregparm=3\"]\n    flags: {regparm: 3}\n");
  Loaded l;
  load(l, dir.path() / "c.yaml");
  ASSERT_TRUE(l.diags.empty()) << l.diags.render();
  const Flag& regparm = l.flags.at("regparm");
  EXPECT_EQ(regparm.cls, FlagClass::abi);
  EXPECT_EQ(regparm.values, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(regparm.args(Family::clang, "i386", "3"), (std::vector<std::string>{"-mregparm=3"}));
  EXPECT_EQ(regparm.args(Family::gcc, "i386", "3"), std::nullopt);
  EXPECT_EQ(regparm.defined_at.line, 2);
  const Flag& kcfi = l.flags.at("kcfi");
  // A target's own spellings replace the general ones there.
  EXPECT_EQ(kcfi.args(Family::rustc, "aarch64", "on"), (std::vector<std::string>{"-Zsanitizer=kcfi", "-Zfoo"}));
  EXPECT_EQ(kcfi.args(Family::rustc, "x86_64", "on"), (std::vector<std::string>{"-Zsanitizer=kcfi"}));
  EXPECT_EQ(kcfi.args(Family::clang, "aarch64", "on"), std::nullopt);
  EXPECT_EQ(kcfi.describe_spellings(), "clang: (on: -fsanitize=kcfi); rustc: -Zsanitizer=kcfi; aarch64 rustc: "
                                       "-Zsanitizer=kcfi -Zfoo");
  const Profile& p = l.profiles.at("i386-kernel");
  EXPECT_EQ(p.target, "i386");
  EXPECT_EQ(p.flags, (Setting{{"regparm", "3"}}));
}

TEST(MatrixCatalogue, EveryMistakeAtItsLine) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "c.yaml",
                   "flags:\n"
                   "  a:\n    class: abbi\n    values: [x]\n"
                   "  b:\n    class: abi\n    values: [off]\n"
                   "profiles:\n  p:\n    target: mips\n    flags: {nope: 1}\n");
  Loaded l;
  load(l, dir.path() / "c.yaml");
  auto text = l.diags.render();
  EXPECT_THAT(text, HasSubstr("c.yaml:3:12: error: unknown flag class 'abbi'"));
  EXPECT_THAT(text, HasSubstr("c.yaml:7:14: error: 'off' is implicit"));
  EXPECT_THAT(text, HasSubstr("c.yaml:10:13: error: unknown target 'mips'"));
  EXPECT_THAT(text, HasSubstr("unknown flag 'nope'"));
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
