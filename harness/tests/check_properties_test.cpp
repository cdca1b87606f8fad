// check/properties: the property logic over facts from a fake ElfReader, no
// tool run (the real reader is exercised by the CLI tests).

#include "check/properties.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using ::testing::HasSubstr;

// Facts per file, as a test lays them out.
class FakeElfReader : public ElfReader {
public:
  std::map<std::string, std::set<std::string>> globals;
  std::map<std::string, std::map<std::string, FunctionSymbol>> addresses;
  std::map<std::string, std::map<std::string, std::vector<Instruction>>> code;
  std::map<std::string, std::set<std::string>> features; // file -> features
  std::map<std::string, std::vector<std::uint64_t>> sections;
  std::vector<std::string> asked; // what the logic read, in order

  std::set<std::string> global_functions(const std::filesystem::path& f) override {
    asked.push_back("syms " + f.string());
    return globals[f.string()];
  }
  std::map<std::string, FunctionSymbol> function_symbols(const std::filesystem::path& f) override {
    asked.push_back("addresses " + f.string());
    return addresses[f.string()];
  }
  std::map<std::string, std::vector<Instruction>> disassembly(const std::filesystem::path& f) override {
    asked.push_back("code " + f.string());
    return code[f.string()];
  }
  std::map<std::string, std::set<std::string>> gnu_features(const std::filesystem::path& f,
                                                            const std::string& label) override {
    asked.push_back("notes " + f.string());
    return {{label, features[f.string()]}};
  }
  std::vector<std::uint64_t> section_words(const std::filesystem::path& f, const std::string& section,
                                           unsigned) override {
    asked.push_back("section " + section + " " + f.string());
    return sections[f.string()];
  }
};

struct Case {
  Fixture fixture;
  Cell cell;
  CheckInputs in{"runtime.o", "c.o", "rust.a", "program"};
  FakeElfReader reader;

  Case(const std::string& target, const std::string& property, const std::string& flag) {
    fixture.name = "f";
    fixture.checks = {{property, flag, {}}};
    cell.target = find_target(target);
    cell.fixture = &fixture;
    // c_fn in C, rs_fn in Rust, both linked into the program.
    reader.globals = {{"c.o", {"c_fn"}}, {"rust.a", {"rs_fn"}}};
    reader.addresses["program"] = {{"c_fn", {0x1000, 0}}, {"rs_fn", {0x2040, 0}}};
  }
  std::vector<CheckResult> run(const Setting& intended) { return check_properties(cell, intended, in, reader); }
};

TEST(CheckProperties, NothingIsReadWhenNoCheckApplies) {
  Case c("x86_64", "landing-pads", "cf-protection");
  EXPECT_TRUE(c.run({}).empty());
  EXPECT_TRUE(c.reader.asked.empty());
}

TEST(CheckProperties, LandingPadsPerTarget) {
  Case x86("x86_64", "landing-pads", "cf-protection");
  x86.reader.code["program"] = {{"c_fn", {{0x1000, "f3 0f 1e fa", "endbr64"}}},
                                {"rs_fn", {{0x2040, "55", "pushq %rbp"}}}};
  auto r = x86.run({{"cf-protection", "branch"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].held);
  EXPECT_EQ(r[0].detail, "rust 1 of 1 (rs_fn) start without endbr64");

  Case arm("aarch64", "landing-pads", "branch-protection");
  arm.reader.code["program"] = {{"c_fn", {{0x1000, "", "bti c"}}}, {"rs_fn", {{0x2040, "", "paciasp"}}}};
  r = arm.run({{"branch-protection", "bti"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].held) << r[0].detail;
}

TEST(CheckProperties, ShadowCallStackPushIsTheTargetsOwn) {
  Case arm("aarch64", "shadow-call-stack", "shadow-call-stack");
  // c_fn calls and pushes through x18; rs_fn calls and does not.
  arm.reader.code["program"] = {{"c_fn", {{0x1000, "", "str x30, [x18], #0x8"}, {0x1004, "", "bl 0x2040"}}},
                                {"rs_fn", {{0x2040, "", "mov x18, x0"}, {0x2044, "", "bl 0x1000"}}}};
  auto r = arm.run({{"shadow-call-stack", "on"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].detail, "rust 1 of 1 (rs_fn) call other functions without pushing the return address through x18");

  Case rv("riscv64", "shadow-call-stack", "shadow-call-stack");
  // A jump through zero is a return or tail call, not a call: rs_fn is a leaf.
  rv.reader.code["program"] = {{"c_fn", {{0x1000, "", "sd ra, 0x0(gp)"}, {0x1004, "", "jal 0x2040"}}},
                               {"rs_fn", {{0x2040, "", "jalr zero, 0x0(ra)"}}}};
  r = rv.run({{"shadow-call-stack", "on"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].held) << r[0].detail;
}

TEST(CheckProperties, NotesSayWhichInputLacksTheFeature) {
  Case c("x86_64", "ibt-note", "cf-protection");
  c.reader.features = {{"runtime.o", {"IBT"}}, {"c.o", {"IBT"}}, {"rust.a", {}}, {"program", {}}};
  auto r = c.run({{"cf-protection", "branch"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].held);
  // An archive's own entry is not a member: only members count.
  EXPECT_EQ(r[0].detail, "the program has no IBT property, though every input has it");

  c.reader.features = {{"runtime.o", {"IBT"}}, {"c.o", {}}, {"rust.a", {"IBT"}}, {"program", {"IBT"}}};
  r = c.run({{"cf-protection", "branch"}});
  EXPECT_EQ(r[0].detail, "c.o lack IBT but the program claims it");
}

TEST(CheckProperties, PatchableEntriesUseTheTargetsWordAndTheValue) {
  Case c("i386", "patchable-entries", "patchable-function-entry");
  c.reader.sections["program"] = {0x0ffc}; // c_fn has its NOPs 4 bytes before it; rs_fn has none
  auto r = c.run({{"patchable-function-entry", "2,1"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].detail, "rust 1 of 1 (rs_fn) are missing from __patchable_function_entries");
  EXPECT_THAT(c.reader.asked, ::testing::Contains(HasSubstr("section __patchable_function_entries")));
}

TEST(CheckProperties, AlignmentAndValueFilters) {
  Case c("x86_64", "function-alignment", "min-function-alignment");
  c.fixture.checks[0].values = {"64"};
  c.reader.addresses["program"]["c_fn"] = {0x1010, 0};
  EXPECT_TRUE(c.run({{"min-function-alignment", "16"}}).empty()); // not a value the check is for
  auto r = c.run({{"min-function-alignment", "64"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].detail, "c 1 of 1 (c_fn) are not aligned to 64 bytes");
}

TEST(CheckProperties, FramePointerInEveryFunctionThatCalls) {
  Case c("aarch64", "frame-pointer", "frame-pointer");
  c.reader.code["program"] = {{"c_fn", {{0x1000, "", "stp x29, x30, [sp, #-0x10]!"}, {0x1004, "", "mov x29, sp"},
                                        {0x1008, "", "bl 0x2040"}}},
                              {"rs_fn", {{0x2040, "", "str x30, [sp, #-0x10]!"}, {0x2044, "", "bl 0x1000"}}}};
  auto r = c.run({{"frame-pointer", "on"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].detail, "rust 1 of 1 (rs_fn) call other functions without setting up a frame pointer");
  Case leaf("x86_64", "frame-pointer", "frame-pointer");
  leaf.reader.code["program"] = {{"c_fn", {{0x1000, "", "pushq %rbp"}, {0x1001, "", "movq %rsp, %rbp"},
                                           {0x1004, "", "callq 0x2040"}}},
                                 {"rs_fn", {{0x2040, "", "retq"}}}}; // a leaf needs none
  EXPECT_TRUE(leaf.run({{"frame-pointer", "on"}})[0].held);
}

TEST(CheckProperties, SlsWantsAnInt3AfterEveryReturnAndIndirectJump) {
  Case c("x86_64", "sls-int3", "sls");
  c.reader.code["program"] = {
      {"c_fn", {{0x1000, "", "jmpq *%rax"}, {0x1002, "cc", "int3"}, {0x1003, "", "retq"}, {0x1004, "cc", "int3"}}},
      {"rs_fn", {{0x2040, "", "callq *%rax"}, {0x2042, "", "retq"}}}};
  auto r = c.run({{"sls", "on"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].detail, "rust 1 of 1 (rs_fn) return or jump indirectly without an int3 after it");
  c.reader.code["program"]["rs_fn"] = {{0x2040, "", "jmp 0x3000 <__x86_return_thunk>"}}; // no ret left
  EXPECT_TRUE(c.run({{"sls", "on"}})[0].held);
  // The int3 after a function's last ret may be padding before the next
  // one: only what lies within the function's size counts.
  c.reader.code["program"]["rs_fn"] = {{0x2040, "", "retq"}, {0x2041, "cc", "int3"}};
  c.reader.addresses["program"]["rs_fn"] = {0x2040, 1};
  EXPECT_FALSE(c.run({{"sls", "on"}})[0].held);
  c.reader.addresses["program"]["rs_fn"] = {0x2040, 2};
  EXPECT_TRUE(c.run({{"sls", "on"}})[0].held);
}

TEST(CheckProperties, HelpersAndFunctionsLeftOutOfTheProgramAreNotChecked) {
  Case c("x86_64", "thunk-returns", "return-thunk");
  c.reader.globals["rust.a"] = {"rs_fn", "__x86_return_thunk", "unused_from_core"};
  c.reader.addresses["program"]["__x86_return_thunk"] = {0x3000, 0};
  c.reader.code["program"] = {{"c_fn", {{0x1000, "", "jmp 0x3000 <__x86_return_thunk>"}}},
                              {"rs_fn", {{0x2040, "", "jmp 0x3000 <__x86_return_thunk>"}}},
                              {"__x86_return_thunk", {{0x3000, "", "retq"}}}};
  auto r = c.run({{"return-thunk", "thunk-extern"}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].held) << r[0].detail;
}

} // namespace
} // namespace amx
