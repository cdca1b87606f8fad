// util/text: the quoting that recorded commands are stored in, and reading
// them back for the reproducer scripts.

#include "util/text.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(UtilText, SplitCommandReadsBackWhatRenderCommandWrote) {
  std::vector<std::vector<std::string>> commands = {
      {"/usr/bin/clang-19", "--target=i686-linux-gnu", "-fpatchable-function-entry=4,2", "-c", "/a/b.c"},
      {"/usr/bin/rustc", "-Zbranch-protection=bti,pac-ret", "--extern=minicore=/w/obj/1/libminicore.rlib"},
      {"/bin/tool", "with space", "it's", "", "'", "a'b'c", "$HOME", "*.c", "back\\slash", "tab\there", "\"q\""},
  };
  for (const auto& argv : commands)
    EXPECT_THAT(split_command(render_command(argv)), Optional(argv)) << render_command(argv);
}

TEST(UtilText, SplitCommandRefusesBrokenQuoting) {
  EXPECT_EQ(split_command("a 'b"), std::nullopt);
  EXPECT_EQ(split_command("a b\\"), std::nullopt);
  EXPECT_EQ(split_command("a \"b"), std::nullopt);
  // A driver's -### line: double quotes, with backslash escapes inside.
  EXPECT_THAT(split_command(R"( "/usr/bin/ld" "-L/a b" "x\"y" "z\\w" plain)"),
              Optional(ElementsAre("/usr/bin/ld", "-L/a b", "x\"y", "z\\w", "plain")));
  EXPECT_THAT(split_command("  a   b  "), Optional(ElementsAre("a", "b")));
}

TEST(UtilText, UniquePrefixLengthTellsKeysApart) {
  EXPECT_EQ(unique_prefix_length({}, 8), 8u);
  EXPECT_EQ(unique_prefix_length({"66f1efaa00000000", "12345678aaaaaaaa"}, 8), 8u);
  // FNV keys that differ only in a regparm value share their first digits.
  EXPECT_EQ(unique_prefix_length({"66f1efaa01", "66f1edaa02", "66f1eeaa03"}, 4), 6u);
  EXPECT_EQ(unique_prefix_length({"abcdef0123", "abcdef0199", "abcdef0123"}, 4), 9u); // equal keys count once
}

TEST(UtilText, ReplaceAllReplacesEveryOccurrenceOnce) {
  EXPECT_EQ(replace_all("--target=/w/t.json --x=/w/a", "/w", "$W"), "--target=$W/t.json --x=$W/a");
  EXPECT_EQ(replace_all("aaa", "a", "aa"), "aaaaaa"); // what it puts in is not replaced again
  EXPECT_EQ(replace_all("abc", "", "x"), "abc");
}

TEST(UtilText, ShellQuoteLeavesPlainWordsAlone) {
  EXPECT_EQ(shell_quote("-mregparm=3"), "-mregparm=3");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

} // namespace
} // namespace amx
