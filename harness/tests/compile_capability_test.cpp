// compile/capability: the spellings a compiler refuses, asked once and kept
// by the cache; with the answers cached, nothing runs again.

#include "compile/capability.hpp"

#include "matrix/load.hpp"
#include "test_support.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <gmock/gmock.h>

#include <set>

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

  // What the cache knows, asking nothing; a later answer merged in.
  std::vector<ProbeQuestion> later = {questions[0], {&gcc, &t, &m.c_compilers[0], {"-fsanitize=shadow-call-stack"}}};
  auto known = Capabilities::known(later, cache, other);
  EXPECT_EQ(known.probed(), 0u);
  EXPECT_TRUE(known.refusal(gcc, t, {"-fsanitize=kcfi"}));
  EXPECT_FALSE(known.answer(later[1]));
  known.merge(Capabilities::probe({later[1]}, cache, other, std::chrono::seconds(60), 1));
  EXPECT_EQ(known.probed(), 1u);
  ASSERT_TRUE(known.answer(later[1]));
  EXPECT_FALSE(known.answer(later[1])->accepted);
  EXPECT_TRUE(known.refusal(gcc, t, {"-fsanitize=kcfi"}));
}

// A compiler that is stopped (by the timeout, or a signal as Ctrl-C sends
// its group) answered nothing: it is neither a refusal nor cached, and is
// asked again. One that exits 1 in silence refuses, in those words.
TEST(CompileCapability, AStoppedProbeIsNoAnswer) {
  test::ScopedTempDir dir;
  auto fake = dir.path() / "fake-cc";
  test::write_file(fake, "#!/bin/bash\n"
                         "echo \"${@: -6:1}\" >>\"$(dirname \"$0\")/calls\"\n"
                         "case \"$*\" in\n"
                         "  *-DSLEEP*) sleep 30 ;;\n"
                         "  *-DKILLED*) kill -INT $$; sleep 30 ;;\n"
                         "  *-DSILENT*) exit 1 ;;\n"
                         "esac\n"
                         "exit 0\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  Tool tool{"c-compiler", "fake-cc", fake, "fake 1"};
  CCompiler cc{"clang-19", Family::clang};
  const Target& t = *find_target("x86_64");
  std::vector<ProbeQuestion> questions = {{&tool, &t, &cc, {"-DSLEEP"}},
                                          {&tool, &t, &cc, {"-DKILLED"}},
                                          {&tool, &t, &cc, {"-DSILENT"}},
                                          {&tool, &t, &cc, {"-DFINE"}}};
  MemoryCache cache;
  auto caps = Capabilities::probe(questions, cache, dir.path() / "work", std::chrono::milliseconds(500), 2);
  EXPECT_EQ(caps.probed(), 2u);
  EXPECT_FALSE(caps.refusal(tool, t, {"-DSLEEP"}));
  EXPECT_FALSE(caps.refusal(tool, t, {"-DKILLED"}));
  EXPECT_FALSE(caps.refusal(tool, t, {"-DFINE"}));
  EXPECT_EQ(caps.refusal(tool, t, {"-DSILENT"}), "fake-cc does not accept -DSILENT for x86_64: exit 1 without a message");
  const auto& kept = cache.kept["" + fake.string() + " fake 1"];
  ASSERT_EQ(kept.size(), 2u);
  for (const auto& a : kept)
    EXPECT_TRUE(a.args == "-DSILENT" || a.args == "-DFINE") << a.args;
  // Asked again: only the two that were stopped.
  auto again = Capabilities::probe(questions, cache, dir.path() / "work", std::chrono::milliseconds(500), 2);
  EXPECT_EQ(again.probed(), 0u);
  std::multiset<std::string> calls;
  for (const auto& line : split_lines(read_file(dir.path() / "calls")))
    calls.insert(line);
  EXPECT_EQ(calls, (std::multiset<std::string>{"-DSLEEP", "-DSLEEP", "-DKILLED", "-DKILLED", "-DSILENT", "-DFINE"}));
}

TEST(CompileCapability, AProbeFolderKeepsAnswersForEveryDatabase) {
  test::ScopedTempDir dir;
  ProbeFolder folder(dir.path() / "probes");
  EXPECT_TRUE(folder.probes("/usr/bin/gcc", "12").empty());
  folder.store_probes("/usr/bin/gcc", "12", {{"x86_64", "-fsanitize=kcfi", false, "unrecognized"}});
  folder.store_probes("/usr/bin/gcc", "12", {{"i386", "-mregparm=3", true, ""}});
  // Another process, the same folder: both answers, and none for another version.
  ProbeFolder again(dir.path() / "probes");
  auto answers = again.probes("/usr/bin/gcc", "12");
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].target, "i386");
  EXPECT_TRUE(answers[0].accepted);
  EXPECT_EQ(answers[1].args, "-fsanitize=kcfi");
  EXPECT_EQ(answers[1].message, "unrecognized");
  EXPECT_TRUE(again.probes("/usr/bin/gcc", "13").empty());
  // A damaged file knows nothing, and the next store replaces it.
  for (const auto& f : std::filesystem::directory_iterator(dir.path() / "probes"))
    test::write_file(f.path(), "{\"answers\": [");
  EXPECT_TRUE(again.probes("/usr/bin/gcc", "12").empty());
  again.store_probes("/usr/bin/gcc", "12", {{"i386", "-mregparm=3", true, ""}});
  EXPECT_EQ(again.probes("/usr/bin/gcc", "12").size(), 1u);
}

} // namespace
} // namespace amx
