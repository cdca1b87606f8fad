// matrix/select: --filter, --partition K/N shards that cover every cell once,
// and the cells a resumed run still lacks.

#include "matrix/select.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <map>

namespace amx {
namespace {

std::vector<Cell> some_cells(std::size_t n) {
  std::vector<Cell> cells(n);
  for (std::size_t i = 0; i < n; i++) {
    // Keys out of matrix order, as real (hashed) keys are.
    cells[i].key = fmt::format("{:016x}", (i * 0x9e3779b97f4a7c15ull) >> 4);
    cells[i].name = fmt::format("x86_64 f{} clang-19/rustc c:off rust:off", i);
  }
  return cells;
}

std::vector<const Cell*> all(const std::vector<Cell>& cells) { return filter_cells(cells, ""); }

TEST(MatrixSelect, ParsesPartitions) {
  auto p = parse_partition("2/3");
  EXPECT_EQ(p.index, 2u);
  EXPECT_EQ(p.count, 3u);
  EXPECT_EQ(to_string(p), "2/3");
  for (const char* bad : {"0/3", "4/3", "3", "/3", "1/", "a/b", "1/3x", "-1/3", "", "1/4294967296"}) {
    try {
      parse_partition(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const FatalError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr(fmt::format("--partition '{}': expected K/N", bad)));
    }
  }
}

TEST(MatrixSelect, ShardsCoverEveryCellOnceAndBalance) {
  auto cells = some_cells(23);
  std::map<const Cell*, int> seen;
  for (unsigned k = 1; k <= 4; k++) {
    auto shard = partition_cells(all(cells), Partition{k, 4});
    EXPECT_TRUE(shard.size() == 5 || shard.size() == 6) << shard.size();
    for (const Cell* c : shard)
      seen[c]++;
    // Matrix order within a shard.
    EXPECT_TRUE(std::is_sorted(shard.begin(), shard.end()));
  }
  EXPECT_EQ(seen.size(), cells.size());
  for (auto [cell, n] : seen)
    EXPECT_EQ(n, 1) << cell->key;
}

TEST(MatrixSelect, ShardsDependOnKeysNotOrder) {
  auto cells = some_cells(10);
  auto reversed = std::vector<Cell>(cells.rbegin(), cells.rend());
  auto keys = [](const std::vector<const Cell*>& v) {
    std::set<std::string> out;
    for (const Cell* c : v)
      out.insert(c->key);
    return out;
  };
  EXPECT_EQ(keys(partition_cells(all(cells), Partition{2, 3})), keys(partition_cells(all(reversed), Partition{2, 3})));
  EXPECT_EQ(partition_cells(all(cells), std::nullopt).size(), 10u);
  EXPECT_EQ(partition_cells(all(cells), Partition{1, 1}).size(), 10u);
}

TEST(MatrixSelect, FilterByNameGlobOrKeyPrefix) {
  auto cells = some_cells(12);
  EXPECT_EQ(filter_cells(cells, "f1*").size(), 3u); // f1, f10, f11
  EXPECT_EQ(filter_cells(cells, cells[5].key.substr(0, 6)).size(), 1u);
  EXPECT_TRUE(filter_cells(cells, "aarch64").empty());
  // --filter-out: a glob or a key prefix, each leaving its cells out.
  EXPECT_EQ(filter_cells(cells, "f1*", {"f10"}).size(), 2u);
  EXPECT_EQ(filter_cells(cells, "", {cells[5].key.substr(0, 6), "f1*"}).size(), 8u); // 12 - 1 - 3
  EXPECT_TRUE(filter_cells(cells, "", {"*"}).empty());
}

TEST(MatrixSelect, CellsLackingSkipsRecordedOnes) {
  auto cells = some_cells(5);
  auto left = cells_lacking(all(cells), {cells[1].key, cells[3].key});
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[0], &cells[0]);
  EXPECT_EQ(left[1], &cells[2]);
  EXPECT_EQ(left[2], &cells[4]);
}

} // namespace
} // namespace amx
