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

TEST(CompileCapability, CommandLinesAreAskedOnceAndCached) {
  AMX_REQUIRE_TOOLS("gcc", "qemu-x86_64", "rustc");
  test::ScopedTempDir dir;
  test::make_fixtures_dir(dir.path());
  test::write_file(dir.path() / "m.yaml", "fixtures-dir: fixtures\ntargets: [x86_64]\nc-compilers: [gcc]\n"
                                          "fixtures: [scalars]\n");
  Matrix m = load_matrix(dir.path() / "m.yaml");
  Toolchain tc = Toolchain::probe(m);
  const Tool& gcc = *tc.c_compiler(m.c_compilers[0], m.targets[0]);
  const Tool& rustc = *tc.rustc("rustc");
  const Target& t = m.targets[0];
  auto work = dir.path() / "work";
  // A side's arguments are asked together, as the cell passes them: each
  // alone is accepted, the pair is not.
  std::vector<ProbeQuestion> questions = {
      {&gcc, &t, &m.c_compilers[0], {"-fsanitize=kcfi"}},
      {&gcc, &t, &m.c_compilers[0], {"-falign-functions=64"}},
      {&rustc, &t, nullptr, {"-Zregparm=3"}},
      {&rustc, &t, nullptr, {"-Zfunction-return=thunk-extern"}},
      {&rustc, &t, nullptr, {"-Zfunction-return=thunk-extern", "-Ccode-model=large"}},
      {&rustc, &t, nullptr, {"--target=" + (work / "spec.json").string()}},
      {&gcc, &t, &m.c_compilers[0], {"-fsanitize=kcfi"}}, // asked once
  };
  MemoryCache cache;
  auto caps = Capabilities::probe(questions, cache, work, std::chrono::seconds(60), 2);
  EXPECT_EQ(caps.probed(), 6u);
  auto refused = caps.refusal(gcc, t, {"-fsanitize=kcfi"});
  ASSERT_TRUE(refused);
  EXPECT_THAT(*refused, HasSubstr("x86_64-linux-gnu-gcc does not accept -fsanitize=kcfi for x86_64: "));
  EXPECT_FALSE(caps.refusal(gcc, t, {"-falign-functions=64"}));
  EXPECT_FALSE(caps.refusal(gcc, t, {"-never-asked"})); // nothing known, nothing to say
  EXPECT_THAT(caps.refusal(rustc, t, {"-Zregparm=3"}).value_or(""), HasSubstr("regparm"));
  EXPECT_FALSE(caps.refusal(rustc, t, {"-Zfunction-return=thunk-extern"}));
  EXPECT_THAT(caps.refusal(rustc, t, {"-Zfunction-return=thunk-extern", "-Ccode-model=large"}).value_or(""),
              HasSubstr("code model"));

  // The cache names the work folder "$W": another run's folder hits it.
  ASSERT_EQ(cache.kept.size(), 2u);
  bool named = false;
  for (const auto& a : cache.kept.begin()->second)
    named |= a.args.find("$W/spec.json") != std::string::npos;
  for (const auto& a : std::next(cache.kept.begin())->second)
    named |= a.args.find("$W/spec.json") != std::string::npos;
  EXPECT_TRUE(named);
  auto other = dir.path() / "other";
  questions[5].args = {"--target=" + (other / "spec.json").string()};
  auto again = Capabilities::probe(questions, cache, other, std::chrono::seconds(60), 2);
  EXPECT_EQ(again.probed(), 0u);
  EXPECT_EQ(cache.stores, 2u); // one per tool, the first time only
  EXPECT_TRUE(again.refusal(gcc, t, {"-fsanitize=kcfi"}));
  EXPECT_TRUE(again.refusal(rustc, t, questions[5].args)); // no such file, in either folder
}

} // namespace
} // namespace amx
