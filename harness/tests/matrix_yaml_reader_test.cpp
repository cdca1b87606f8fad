// matrix/yaml_reader: ninja-style messages, duplicate and unknown keys,
// scalars and lists, and a file that is not YAML.

#include "matrix/yaml_reader.hpp"

#include "test_support.hpp"
#include "util/error.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

TEST(MatrixYamlReader, UnknownAndDuplicateKeysWithSourceAndCaret) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "m.yaml", "name: a\nnmae: b\nname: c\n");
  Diagnostics d;
  YamlReader r(dir.path() / "m.yaml", d);
  auto root = r.parse();
  ASSERT_TRUE(root);
  EXPECT_TRUE(r.check_map(*root, "a matrix", {"name"}));
  auto text = d.render();
  EXPECT_THAT(text, HasSubstr("m.yaml:2:1: error: unknown key 'nmae'"));
  EXPECT_THAT(text, HasSubstr("m.yaml:3:1: error: duplicate key 'name'"));
  EXPECT_THAT(text, HasSubstr("  nmae: b\n  ^"));
  EXPECT_THROW(d.throw_if_any(), FatalError);
}

TEST(MatrixYamlReader, ScalarsAndLists) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "m.yaml", "one: x\nmany: [a, b]\nnested: [[a]]\nempty:\n");
  Diagnostics d;
  YamlReader r(dir.path() / "m.yaml", d);
  auto root = *r.parse();
  EXPECT_EQ(r.scalar((root)["one"], "'one'"), "x");
  auto many = r.scalar_list(root["many"], "'many'");
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[1].value, "b");
  EXPECT_EQ(r.scalar_list(root["one"], "'one'").size(), 1u); // a scalar is a list of one
  EXPECT_TRUE(d.empty());
  EXPECT_TRUE(r.scalar_list(root["nested"], "'nested'").empty());
  EXPECT_EQ(r.scalar(root["empty"], "'empty'", root), std::nullopt);
  EXPECT_FALSE(r.required(root, "absent", "the matrix").IsDefined());
  auto text = d.render();
  EXPECT_THAT(text, HasSubstr("m.yaml:3:"));
  EXPECT_THAT(text, HasSubstr("missing key 'absent'"));
}

TEST(MatrixYamlReader, NotYamlOrNotThere) {
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "bad.yaml", "a: [1, 2\n");
  Diagnostics d;
  YamlReader bad(dir.path() / "bad.yaml", d);
  EXPECT_FALSE(bad.parse());
  YamlReader gone(dir.path() / "gone.yaml", d);
  EXPECT_FALSE(gone.parse());
  ASSERT_EQ(d.items().size(), 2u);
  EXPECT_THAT(d.items()[0].message, HasSubstr("end of sequence"));
  EXPECT_THAT(d.items()[1].message, HasSubstr("cannot read"));
}

} // namespace
} // namespace amx
