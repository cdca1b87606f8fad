// run/reduce: what a standalone program's output says, what "fails the
// same way" means for it, and the shrinking of a call, against oracles
// that stand in for the compilers.

#include "run/reduce.hpp"

#include "matrix/expand.hpp"
#include "matrix/load.hpp"
#include "run/driver.hpp"
#include "test_support.hpp"
#include "util/process.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::ElementsAre;

Call i16_call(std::size_t n) {
  Call c;
  c.way = "rust_to_c";
  c.function = "args_i16";
  for (std::size_t i = 1; i <= n; i++) {
    c.params.emplace_back("a" + std::to_string(i), "i16");
    c.bits["a" + std::to_string(i)] = {0x8080 + i, 0};
  }
  return c;
}

std::vector<std::string> names(const Call& c) {
  std::vector<std::string> out;
  for (const auto& p : c.params)
    out.push_back(p.first);
  return out;
}

TEST(RunReduce, ReadsTheProgramsLinesAndNothingElse) {
  Observation o;
  read_checks("ok a1 expected=0x0000000000000001 got=0x0000000000000001\n"
              "fail a9 expected=0xffffffffffffb89b got=0x000000000000b89b\n"
              "fail a10 expected=0x1\nnoise\n",
              o);
  EXPECT_THAT(o.failing, ElementsAre("a9"));
  EXPECT_EQ(o.values.at("a9"), (std::pair<std::uint64_t, std::uint64_t>{0xffffffffffffb89bull, 0xb89bull}));
  EXPECT_EQ(o.values.size(), 2u);
}

TEST(RunReduce, FailsTheSameWayOnlyWhenTheWantedCheckFailsOrTheSameSignalKills) {
  Observation wrong;
  wrong.exit_code = 1;
  wrong.failing = {"a9"};
  EXPECT_TRUE(fails_as(wrong, {"a9", "", false}));
  EXPECT_FALSE(fails_as(wrong, {"a8", "", false}));
  EXPECT_FALSE(fails_as(wrong, {"", "SIGSEGV", false}));
  Observation killed;
  killed.signal = 11;
  EXPECT_TRUE(fails_as(killed, {"", "SIGSEGV", false}));
  EXPECT_FALSE(fails_as(killed, {"", "SIGILL", false}));
  EXPECT_FALSE(fails_as(killed, {"a9", "", false})); // a crash is not a wrong value
  Observation unbuilt;
  unbuilt.failed_step = "link";
  unbuilt.failing = {"a9"};
  EXPECT_FALSE(fails_as(unbuilt, {"a9", "", false}));
  EXPECT_EQ(describe({"a9", "", false}), "a9 gets a wrong value");
  EXPECT_EQ(describe({"", "SIGSEGV", false}), "the program dies by SIGSEGV");
}

TEST(RunReduce, NamesAChecksLeafBelowItsCase) {
  EXPECT_EQ(standalone_check_name("rust_to_c.args_i16", "rust_to_c.args_i16.a9"), "a9");
  EXPECT_EQ(standalone_check_name("rust_returns.ret_pad", "rust_returns.ret_pad.r.f1"), "r.f1");
}

// A stack argument: the ninth i16 fails while eight others go before it in
// registers, and its value is not zero.
TEST(RunReduce, KeepsTheParametersAheadOfTheCheckedOneThatPushItOnTheStack) {
  int tries = 0;
  auto fails = [&](const Call& c, const std::string&) {
    tries++;
    auto n = names(c);
    bool a9 = std::find(n.begin(), n.end(), "a9") != n.end();
    return a9 && n.size() >= 9 && n[8] == "a9" && c.bits.at("a9").first != 0;
  };
  auto r = reduce_call(i16_call(20), {"a9", "", false}, *find_target("riscv64"), fails);
  EXPECT_THAT(names(r), ElementsAre("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"));
  for (int i = 1; i <= 8; i++)
    EXPECT_EQ(r.bits.at("a" + std::to_string(i)).first, 0u) << i;
  EXPECT_EQ(r.bits.at("a9").first, 0x8089u);
  EXPECT_LT(tries, 40);
}

// Two structs by value, the first one's second field checked: the fields
// and parameters the failure does not need go, and the array shrinks to
// the element it reads.
TEST(RunReduce, NarrowsStructsToTheFieldsAndElementsTheFailureNeeds) {
  Call c;
  c.way = "c_to_rust";
  c.function = "args_big";
  c.structs = {{"big", {{"u8", 0, ""}, {"u32", 4, ""}, {"u16", 0, ""}}, false},
               {"unused", {{"u8", 0, ""}}, false}};
  for (auto p : {"a1", "a2", "a3"}) {
    c.params.emplace_back(p, "big");
    c.bits[std::string(p) + ".f0"] = {0x81, 0};
    for (int k = 0; k < 4; k++)
      c.bits[std::string(p) + ".f1[" + std::to_string(k) + "]"] = {0x82838485, 0};
    c.bits[std::string(p) + ".f2"] = {0x8687, 0};
  }
  // Fails when a1 and a2 travel together and a1's f1 has at least two
  // elements (it reads f1[1]); f2 is needed too, f0 is not.
  auto fails = [&](const Call& x, const std::string&) {
    auto n = names(x);
    if (n.size() < 2 || n[0] != "a1" || n[1] != "a2")
      return false;
    const auto& s = x.structs.at(0).fields;
    bool f2 = std::any_of(s.begin(), s.end(), [](const FieldSpec& f) { return f.name == "f2"; });
    auto f1 = std::find_if(s.begin(), s.end(), [](const FieldSpec& f) { return f.name == "f1"; });
    return f2 && f1 != s.end() && f1->count >= 2;
  };
  auto r = reduce_call(c, {"a1.f1[1]", "", false}, *find_target("x86_64"), fails);
  EXPECT_THAT(names(r), ElementsAre("a1", "a2"));
  ASSERT_EQ(r.structs.size(), 1u); // `unused` is named by nothing
  const auto& fields = r.structs[0].fields;
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].name, "f1");
  EXPECT_EQ(fields[0].count, 2u);
  EXPECT_EQ(fields[1].name, "f2");
  // Every value but the checked one is zero.
  EXPECT_EQ(r.bits.at("a1.f1[1]").first, 0x82838485u);
  EXPECT_EQ(r.bits.at("a1.f1[0]").first, 0u);
  EXPECT_EQ(r.bits.at("a2.f2").first, 0u);
}

// A crash needs no particular parameter: all of them go when it still dies.
TEST(RunReduce, ACrashKeepsOnlyWhatItNeeds) {
  auto fails = [](const Call& c, const std::string&) { return c.params.size() <= 20; };
  auto r = reduce_call(i16_call(20), {"", "SIGSEGV", false}, *find_target("i386"), fails);
  EXPECT_TRUE(r.params.empty());
}

// Every way a call crosses, with a struct of a float, an array and a
// 128-bit integer, built by clang and rustc for x86_64 with the same flags:
// each standalone program builds, runs and sees every value it was sent.
TEST(RunReduce, AStandaloneProgramOfEveryWayBuildsAndHoldsWhenBothSidesAgree) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "rustc", "qemu-x86_64");
  test::ScopedTempDir dir;
  const Target& t = *find_target("x86_64");
  CCompiler clang{"clang-19", Family::clang};
  Cell cell;
  cell.target = &t;
  cell.c_compiler = &clang;
  Tool cc{"c-compiler", "clang-19", find_program("clang-19"), ""};
  Tool rustc{"rustc", "rustc", find_program("rustc"), ""};
  // The runner a run would pick: an x86_64 host runs the program itself.
  Tool runner = test::host_is_x86_64() ? Tool{"native", "host", {}, "Linux"}
                                       : Tool{"qemu", "qemu-x86_64", find_program("qemu-x86_64"), ""};
  CellPlan plan;
  plan.cc = &cc;
  plan.rustc = &rustc;
  plan.runner = &runner;
  auto commands = standalone_commands(cell, plan, Timeouts{});
  ASSERT_EQ(commands.size(), 4u);
  EXPECT_THAT(commands[1].env, ElementsAre("RUSTC_BOOTSTRAP=1"));
  if (test::host_is_x86_64()) {
    EXPECT_EQ(commands[3].exe, "./prog");
    EXPECT_THAT(commands[3].args, ::testing::IsEmpty());
  }

  Call base;
  base.structs = {{"mix", {{"f32", 0, ""}, {"u8", 3, ""}, {"i128", 0, ""}}, false}};
  for (std::string way : {"c_to_rust", "rust_to_c", "c_calls_rust_ptr", "rust_calls_c_ptr"}) {
    Call c = base;
    c.way = way;
    c.params = {{"a1", "i8"}, {"a2", "mix"}, {"a3", "f64"}};
    c.bits = {{"a1", {0x85, 0}},          {"a2.f0", {0xbf812345, 0}}, {"a2.f1[0]", {0x81, 0}},
              {"a2.f1[1]", {0x82, 0}},    {"a2.f1[2]", {0x83, 0}},    {"a2.f2", {0x8182838485868788, 0x9192939495969798}},
              {"a3", {0xbff0000000000001, 0}}};
    auto o = run_standalone(commands, dir.path() / way, standalone_sources(c, t, {"test"}), std::nullopt);
    EXPECT_EQ(o.failed_step, "") << way << ": " << o.output;
    EXPECT_EQ(o.exit_code, 0) << way << ": " << o.output;
    EXPECT_EQ(o.values.size(), 8u) << way << ": " << o.output; // the i128 twice, .lo and .hi
    EXPECT_TRUE(o.failing.empty()) << way << ": " << o.output;
  }
  for (std::string way : {"rust_returns", "c_returns"}) {
    Call c = base;
    c.way = way;
    c.returns = "mix";
    c.bits = {{"r.f0", {0x3f800001, 0}}, {"r.f1[0]", {0x81, 0}}, {"r.f1[1]", {0, 0}}, {"r.f1[2]", {0x83, 0}},
              {"r.f2", {0x88, 0x99}}};
    auto o = run_standalone(commands, dir.path() / way, standalone_sources(c, t, {"test"}, "r.f2.hi"), std::nullopt);
    EXPECT_EQ(o.exit_code, 0) << way << ": " << o.output;
    EXPECT_THAT(o.values, ::testing::ElementsAre(::testing::Pair("r.f2.hi", std::pair<std::uint64_t, std::uint64_t>{
                                                                                0x99, 0x99})))
        << way;
  }
}

// A Rust side built for a target specification (soft-float on x86_64: the
// kernel's target.json) reduces to a bundle that carries the specification
// as target.json and names it so, with nothing of the run's folder; the
// program builds from the bundle alone, runs and holds.
TEST(RunReduce, AStandaloneProgramForATargetSpecificationCarriesIt) {
  AMX_REQUIRE_TOOLS("clang-19", "ld.lld-19", "rustc");
  if (!test::host_is_x86_64())
    GTEST_SKIP() << "not an x86_64 host";
  test::ScopedTempDir dir;
  const std::filesystem::path repo = AMX_SOURCE_DIR;
  test::write_file(dir.path() / "m.yaml", "import: " + (repo / "matrices/flags.yaml").string() + "\nfixtures-dir: " +
                                              (repo / "fixtures").string() +
                                              "\ntargets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [floats]\n"
                                              "flags:\n  soft-float: [on]\npairings: [matched]\n");
  Matrix m = load_matrix(dir.path() / "m.yaml");
  auto cells = expand(m);
  auto matched = std::find_if(cells.begin(), cells.end(), [](const Cell& c) { return !c.rust.empty(); });
  ASSERT_NE(matched, cells.end());
  RunDriver driver(m);
  const auto work = dir.path() / "work";
  auto steps = step_cache(m, work, CacheUse::none);
  ProbeFolder probes(dir.path() / "probes");
  driver.prepare(probes, steps, work, 1);
  auto plan = driver.plan_single(*matched);
  ASSERT_FALSE(plan.skip) << *plan.skip;
  ASSERT_TRUE(plan.rust_spec);

  auto commands = standalone_commands(*matched, plan, m.timeouts);
  ASSERT_EQ(commands.size(), 4u);
  EXPECT_THAT(commands[1].args, ::testing::Contains("--target=target.json"));
  for (const auto& c : commands)
    for (const auto& a : c.args)
      EXPECT_EQ(a.find(work.string()), std::string::npos) << c.step << ": " << a;
  auto bundle = dir.path() / "bundle";
  auto o = run_standalone(commands, bundle, standalone_sources(i16_call(3), *matched->target, {}), plan.rust_spec);
  EXPECT_EQ(o.failed_step, "") << o.output;
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_EQ(o.values.size(), 3u) << o.output;
  EXPECT_TRUE(o.failing.empty()) << o.output;
  std::ifstream spec(bundle / "target.json");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(spec), {}), plan.rust_spec->text);
}

} // namespace
} // namespace amx
