// report/table: columns as wide as their widest cell, two blanks apart,
// and no trailing blanks when the last cells are empty.

#include "report/table.hpp"

#include <gtest/gtest.h>

namespace amx {
namespace {

TEST(ReportTable, AlignsColumnsWithoutTrailingBlanks) {
  EXPECT_EQ(render_table({"run", "verdict", "reason"}, {{"1", "pass", ""}, {"12", "fail", "wrong value"}}),
            "run  verdict  reason\n"
            "1    pass\n"
            "12   fail     wrong value\n");
}

TEST(ReportTable, ControlCharactersInANameAreShownNotSent) {
  EXPECT_EQ(render_table({"name", "n"}, {{"a\nb\x1b[31m", "1"}}), "name      n\na?b?[31m  1\n");
}

} // namespace
} // namespace amx
