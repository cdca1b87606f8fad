// compile/step_cache: what a key is made of, what is kept and found again,
// and what a damaged or oversized cache does.

#include "compile/step_cache.hpp"

#include "test_support.hpp"
#include "util/hash.hpp"

#include <gmock/gmock.h>

#include <fmt/format.h>

#include <csignal>
#include <thread>

namespace amx {
namespace {

namespace fs = std::filesystem;

Tool tool(const std::string& version = "1.0") { return {"c-compiler", "cc", "/bin/true", version}; }

struct CacheTest : ::testing::Test {
  test::ScopedTempDir dir;
  fs::path work = dir.path() / "run-1";
  StepCache cache{dir.path() / "steps", CacheUse::all, 1u << 30, {{"$W", work}}};

  void SetUp() override {
    fs::create_directories(work / "src");
    test::write_file(work / "src" / "a.c", "int a;\n");
    test::write_file(work / "src" / "a.h", "#define A 1\n");
  }
  std::string key_of_source(StepCache& c, const fs::path& w) {
    return c.key(tool(), {"-O2", "-c", (w / "src" / "a.c").string()}, {});
  }
};

TEST_F(CacheTest, AKeyIsTheToolTheArgumentsAndTheBytesTheyName) {
  const auto key = key_of_source(cache, work);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key, key_of_source(cache, work));
  EXPECT_NE(key, cache.key(tool(), {"-O1", "-c", (work / "src" / "a.c").string()}, {}));
  EXPECT_NE(key, cache.key(tool("1.1"), {"-O2", "-c", (work / "src" / "a.c").string()}, {}));
  EXPECT_NE(key, cache.key(tool(), {"-O2", "-c", (work / "src" / "a.c").string()}, {"RUSTC_BOOTSTRAP=1"}));
  // A header beside the source is part of it.
  test::write_file(work / "src" / "a.h", "#define A 2\n");
  const auto header_changed = key_of_source(cache, work);
  EXPECT_NE(key, header_changed);
  test::write_file(work / "src" / "a.c", "int b;\n");
  EXPECT_NE(header_changed, key_of_source(cache, work));
}

TEST_F(CacheTest, OurFoldersCountByContentOthersByName) {
  auto with_dir = [&](const fs::path& d) { return cache.key(tool(), {"-I" + d.string()}, {}); };
  const auto before = with_dir(work / "src");
  test::write_file(work / "src" / "b.h", "");
  EXPECT_NE(before, with_dir(work / "src"));
  // The whole file system is no input to hash (the driver's --sysroot=/).
  EXPECT_EQ(cache.key(tool(), {"--sysroot=/"}, {}), cache.key(tool(), {"--sysroot=/"}, {}));
}

TEST_F(CacheTest, TheSameBytesInAnotherRunsFolderHaveTheSameKey) {
  const auto key = key_of_source(cache, work);
  auto other = dir.path() / "run-2";
  fs::create_directories(other);
  fs::copy(work / "src", other / "src");
  StepCache next(dir.path() / "steps", CacheUse::all, 1u << 30, {{"$W", other}});
  EXPECT_EQ(key, key_of_source(next, other));
  // Not named as the work folder, the path itself counts.
  StepCache unnamed(dir.path() / "steps", CacheUse::all, 1u << 30, {});
  EXPECT_NE(key, key_of_source(unnamed, other));
}

TEST_F(CacheTest, TheRunsOwnFilesCountByTheirBytesAlone) {
  // Two objects of the run that are the same bytes: one link.
  test::write_file(work / "obj" / "1" / "x.o", "same");
  test::write_file(work / "obj" / "2" / "x.o", "same");
  test::write_file(work / "obj" / "3" / "x.o", "other");
  auto link = [&](const fs::path& o) { return cache.key(tool(), {"-static", o.string()}, {}); };
  EXPECT_EQ(link(work / "obj" / "1" / "x.o"), link(work / "obj" / "2" / "x.o"));
  EXPECT_NE(link(work / "obj" / "1" / "x.o"), link(work / "obj" / "3" / "x.o"));
  // Outside the run's folder a path is part of the command.
  test::write_file(dir.path() / "elsewhere" / "x.o", "same");
  EXPECT_NE(link(work / "obj" / "1" / "x.o"), link(dir.path() / "elsewhere" / "x.o"));
}

TEST_F(CacheTest, AKeptStepIsFoundWithItsFiles) {
  const auto key = key_of_source(cache, work);
  EXPECT_FALSE(cache.find(key, work / "out"));
  test::write_file(work / "a.o", "object bytes");
  cache.store(key, {{"/bin/true", "-O2"}, test::exited(0, "a warning\n")}, work, {"a.o"});
  auto hit = cache.find(key, work / "elsewhere");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->result.exit_code, 0);
  EXPECT_TRUE(hit->result.started);
  EXPECT_EQ(hit->result.output, "a warning\n");
  EXPECT_EQ(hit->argv, (std::vector<std::string>{"/bin/true", "-O2"}));
  EXPECT_EQ(read_file(work / "elsewhere" / "a.o"), "object bytes");
}

TEST_F(CacheTest, AStepCutShortIsNotKept) {
  auto timed_out = test::exited(-1, "");
  timed_out.timed_out = true;
  auto killed = test::exited(-1, "");
  killed.signal = SIGKILL;
  auto capped = test::exited(-1, "");
  capped.output_capped = true;
  int n = 0;
  for (const auto& r : {timed_out, killed, capped}) {
    auto key = fmt::format("{:032x}", ++n);
    cache.store(key, {{"/bin/true"}, r}, work, {});
    EXPECT_FALSE(cache.find(key, work)) << n;
  }
  // A crash is a result: an ABI mismatch often ends that way.
  auto crashed = test::exited(-1, "");
  crashed.signal = SIGSEGV;
  cache.store(fmt::format("{:032x}", 9), {{"/bin/true"}, crashed}, work, {});
  auto hit = cache.find(fmt::format("{:032x}", 9), work);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->result.signal, SIGSEGV);
}

TEST_F(CacheTest, ADamagedEntryIsAMissAndGoes) {
  const auto key = key_of_source(cache, work);
  cache.store(key, {{"/bin/true"}, test::exited(0, "")}, work, {});
  auto entry = dir.path() / "steps" / key.substr(0, 2) / key;
  ASSERT_TRUE(fs::exists(entry / "entry.json"));
  test::write_file(entry / "entry.json", "{\"argv\": [\"/bin/tr"); // cut short
  EXPECT_FALSE(cache.find(key, work));
  EXPECT_FALSE(fs::exists(entry));
  // A file the entry lists but lacks: a miss too.
  test::write_file(work / "a.o", "x");
  cache.store(key, {{"/bin/true"}, test::exited(0, "")}, work, {"a.o"});
  fs::remove(entry / "a.o");
  EXPECT_FALSE(cache.find(key, work / "o"));
}

TEST_F(CacheTest, ConcurrentStoresOfOneKeyLeaveOneWholeEntry) {
  const auto key = key_of_source(cache, work);
  test::write_file(work / "a.o", std::string(1 << 20, 'x'));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; i++)
    threads.emplace_back([&] { cache.store(key, {{"/bin/true"}, test::exited(0, "")}, work, {"a.o"}); });
  for (auto& t : threads)
    t.join();
  ASSERT_TRUE(cache.find(key, work / "o"));
  EXPECT_EQ(fs::file_size(work / "o" / "a.o"), 1u << 20);
  EXPECT_TRUE(fs::is_empty(dir.path() / "steps" / "tmp"));
}

TEST_F(CacheTest, TrimKeepsTheRecentlyUsedWithinTheBound) {
  StepCache small(dir.path() / "steps", CacheUse::all, 2500, {});
  std::vector<std::string> keys;
  for (int i = 0; i < 4; i++) {
    keys.push_back(fmt::format("{:032x}", i + 1));
    test::write_file(work / "a.o", std::string(1000, 'x'));
    small.store(keys.back(), {{"/bin/true"}, test::exited(0, "")}, work, {"a.o"});
    // Older entries were used longer ago.
    fs::last_write_time(dir.path() / "steps" / keys.back().substr(0, 2) / keys.back() / "entry.json",
                        fs::file_time_type::clock::now() - std::chrono::minutes(10 - i));
  }
  ASSERT_TRUE(small.find(keys[0], work / "o")); // used now: the most recent
  // What a killed run left long ago goes too; what one writes now stays.
  fs::create_directories(dir.path() / "steps" / "tmp" / "old");
  fs::last_write_time(dir.path() / "steps" / "tmp" / "old", fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::create_directories(dir.path() / "steps" / "tmp" / "new");
  small.trim();
  EXPECT_TRUE(small.find(keys[0], work / "o"));
  EXPECT_FALSE(small.find(keys[1], work / "o"));
  EXPECT_FALSE(small.find(keys[2], work / "o"));
  EXPECT_TRUE(small.find(keys[3], work / "o"));
  EXPECT_FALSE(fs::exists(dir.path() / "steps" / "tmp" / "old"));
  EXPECT_TRUE(fs::exists(dir.path() / "steps" / "tmp" / "new"));
}

TEST(StepCacheSize, ReadsBytesAndUnits) {
  EXPECT_EQ(StepCache::parse_size("123"), 123u);
  EXPECT_EQ(StepCache::parse_size("4G"), 4ull << 30);
  EXPECT_EQ(StepCache::parse_size("500M"), 500ull << 20);
  EXPECT_EQ(StepCache::parse_size("1K"), 1024u);
  for (auto bad : {"", "G", "4g", "-1", "4 G", "1.5G", "99999999999999999999", "20000000000T"})
    EXPECT_FALSE(StepCache::parse_size(bad)) << bad;
}

} // namespace
} // namespace amx
