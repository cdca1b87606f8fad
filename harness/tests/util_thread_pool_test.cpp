// util/thread_pool: every item once, the hand-out stops on a throw or when
// told, and the first exception reaches the caller with every thread joined.

#include "util/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace amx {
namespace {

TEST(UtilThreadPool, EveryItemOnceOnSeveralThreads) {
  std::mutex m;
  std::multiset<std::size_t> seen;
  std::set<std::thread::id> threads;
  auto started = parallel_for(100, 4, [&](std::size_t i) {
    std::lock_guard lock(m);
    seen.insert(i);
    threads.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(started, 100u);
  ASSERT_EQ(seen.size(), 100u);
  for (std::size_t i = 0; i < 100; i++)
    EXPECT_EQ(seen.count(i), 1u) << i;
  EXPECT_EQ(parallel_for(0, 4, [](std::size_t) { FAIL(); }), 0u);
}

TEST(UtilThreadPool, AThrowStopsTheHandOutAndReachesTheCaller) {
  std::atomic<std::size_t> ran{0};
  try {
    parallel_for(1000, 2, [&](std::size_t i) {
      ran++;
      if (i == 3)
        throw std::runtime_error("item 3");
      // Long enough that the other worker cannot finish the whole list
      // while the throw unwinds.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "item 3");
  }
  EXPECT_LT(ran.load(), 1000u); // the rest was never handed out
}

TEST(UtilThreadPool, StopsWhenTold) {
  std::atomic<std::size_t> ran{0};
  auto started = parallel_for(1000, 2, [&](std::size_t) { ran++; }, [&] { return ran.load() >= 10; });
  EXPECT_EQ(started, ran.load());
  EXPECT_LT(started, 1000u);
}

} // namespace
} // namespace amx
