// compile/capability: the spellings a compiler refuses, asked once and kept
// by the cache; with the answers cached, nothing runs again.

#include "compile/capability.hpp"

#include "matrix/load.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

class MemoryCache : public ProbeCache {
public:
  std::map<std::string, std::vector<ProbeAnswer>> kept; // tool path + version
  std::size_t stores = 0;

  std::vector<ProbeAnswer> probes(const std::string& path, const std::string& version) override {
    return kept[path + " " + version];
  }
  void store_probes(const std::string& path, const std::string& version,
                    const std::vector<ProbeAnswer>& answers) override {
    stores++;
    auto& list = kept[path + " " + version];
    list.insert(list.end(), answers.begin(), answers.end());
  }
};

TEST(CompileCapability, RefusedSpellingsAreAskedOnceAndCached) {
  AMX_REQUIRE_TOOLS("gcc", "qemu-x86_64", "rustc");
  test::ScopedTempDir dir;
  test::make_fixtures_dir(dir.path());
  test::write_file(dir.path() / "flags.yaml", "flags:\n  kcfi:\n    class: hardening\n    values: [on]\n"
                                              "    gcc: -fsanitize=kcfi\n    rustc: -Zsanitizer=kcfi\n"
                                              "  align:\n    class: layout\n    values: [64]\n"
                                              "    gcc: -falign-functions={value}\n");
  test::write_file(dir.path() / "m.yaml", "import: flags.yaml\nfixtures-dir: fixtures\ntargets: [x86_64]\n"
                                          "c-compilers: [gcc]\nfixtures: [scalars]\nflags: {kcfi: [on], align: [64]}\n");
  Matrix m = load_matrix(dir.path() / "m.yaml");
  Toolchain tc = Toolchain::probe(m);
  MemoryCache cache;
  auto caps = Capabilities::probe(m, tc, cache, dir.path() / "work", 2);
  EXPECT_EQ(caps.probed(), 3u); // gcc: kcfi, align; rustc: kcfi
  const Tool& gcc = *tc.c_compiler(m.c_compilers[0], m.targets[0]);
  auto refused = caps.refusal(gcc, m.targets[0], {"-fsanitize=kcfi"});
  ASSERT_TRUE(refused);
  EXPECT_THAT(*refused, HasSubstr("x86_64-linux-gnu-gcc does not accept -fsanitize=kcfi for x86_64: "));
  EXPECT_FALSE(caps.refusal(gcc, m.targets[0], {"-falign-functions=64"}));
  EXPECT_FALSE(caps.refusal(gcc, m.targets[0], {"-never-asked"})); // nothing known, nothing to say

  auto again = Capabilities::probe(m, tc, cache, dir.path() / "work", 2);
  EXPECT_EQ(again.probed(), 0u);
  EXPECT_EQ(cache.stores, 2u); // one per tool, the first time only
  EXPECT_TRUE(again.refusal(gcc, m.targets[0], {"-fsanitize=kcfi"}));
}

} // namespace
} // namespace amx
