#include "run/bisect.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace amx {
namespace {

TEST(RunBisect, FindsTheFirstChangeAskingLogarithmicallyFew) {
  // Eight nightlies; the defect arrives with the sixth (index 5).
  std::vector<std::size_t> asked;
  auto outcome = [&](std::size_t i) -> std::optional<std::string> {
    asked.push_back(i);
    return i >= 5 ? "fail at run: x" : "pass";
  };
  auto c = first_change(8, outcome);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->last_same, 4u);
  EXPECT_EQ(c->first_different, 5u);
  EXPECT_EQ(asked, (std::vector<std::size_t>{0, 7, 3, 5, 4}));
}

TEST(RunBisect, StepsOverWhatCannotBeTestedAndSaysTheRangeLeft) {
  // Index 2 and 3 cannot be tested (they do not build); the change is at 3.
  std::vector<std::size_t> asked;
  auto outcome = [&](std::size_t i) -> std::optional<std::string> {
    asked.push_back(i);
    if (i == 2 || i == 3)
      return std::nullopt;
    return i >= 3 ? "fail" : "pass";
  };
  auto c = first_change(6, outcome);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->last_same, 1u);
  EXPECT_EQ(c->first_different, 4u);
  EXPECT_EQ(asked, (std::vector<std::size_t>{0, 5, 2, 1, 3, 4}));
}

TEST(RunBisect, NoChangeBetweenTheEndsIsNone) {
  std::size_t calls = 0;
  EXPECT_FALSE(first_change(3, [&](std::size_t) -> std::optional<std::string> {
    calls++;
    return "pass";
  }));
  EXPECT_EQ(calls, 2u);
}

} // namespace
} // namespace amx
