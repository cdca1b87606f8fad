// check/elf_file on objects, archives and programs the real compilers make,
// against llvm-readelf's own JSON where it says the same thing.

#include "check/elf_file.hpp"

#include "test_support.hpp"
#include "util/error.hpp"
#include "util/process.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

namespace amx {
namespace {

namespace fs = std::filesystem;

std::string run(const std::string& tool, std::vector<std::string> args) {
  ProcessSpec spec;
  spec.exe = find_program(tool);
  spec.args = std::move(args);
  auto r = run_process(spec);
  EXPECT_TRUE(r.ok()) << tool << ": " << r.output;
  return r.output;
}

constexpr const char* kSource = "static int helper(int x) { return x * 3; }\n"
                                "int (*volatile keep)(int) = helper;\n"
                                "int api(int x) { return keep(x) + 1; }\n"
                                "__attribute__((weak)) int maybe(void) { return 2; }\n"
                                "__attribute__((section(\"amx_words\"))) unsigned long words[2] = {0x1122, 0x3344};\n";

struct ElfFileTest : ::testing::Test {
  test::ScopedTempDir dir;
  fs::path object(const std::string& name, std::vector<std::string> flags) {
    test::write_file(dir.path() / "a.c", kSource);
    flags.insert(flags.end(), {"-O2", "-c", (dir.path() / "a.c").string(), "-o", (dir.path() / name).string()});
    run("clang-19", flags);
    return dir.path() / name;
  }
};

TEST_F(ElfFileTest, FunctionsAndFeaturesAsLlvmReadelfSeesThem) {
  AMX_REQUIRE_TOOLS("clang-19", "llvm-readelf-19");
  auto o = object("x86.o", {"--target=x86_64-linux-gnu", "-fcf-protection=full"});
  auto parts = read_elf_parts(o, "x86.o");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].label, "x86.o");
  EXPECT_EQ(parts[0].global_functions, (std::set<std::string>{"api"})); // helper is local, maybe weak
  EXPECT_EQ(parts[0].features, (std::set<std::string>{"IBT", "SHSTK"}));
  // Every defined function, as llvm-readelf's JSON lists them.
  auto doc = nlohmann::json::parse(run("llvm-readelf-19", {"--elf-output-style=JSON", "--syms", o.string()}));
  std::map<std::string, FunctionSymbol> want;
  for (const auto& s : doc[0]["Symbols"]) {
    const auto& sym = s["Symbol"];
    if (sym["Type"]["Name"] == "Function" && sym["Section"]["Name"] != "Undefined")
      want[sym["Name"]["Name"]] = {sym["Value"], sym["Size"]};
  }
  ASSERT_EQ(want.size(), 3u);
  ASSERT_EQ(parts[0].functions.size(), want.size());
  for (const auto& [name, f] : want) {
    EXPECT_EQ(parts[0].functions.at(name).address, f.address) << name;
    EXPECT_EQ(parts[0].functions.at(name).size, f.size) << name;
  }
  EXPECT_EQ(read_elf_section(o, "amx_words"), std::string("\x22\x11\0\0\0\0\0\0\x44\x33\0\0\0\0\0\0", 16));
  EXPECT_EQ(read_elf_section(o, "no_such_section"), "");
}

TEST_F(ElfFileTest, AnArchiveIsItsElfMembersAndAProgramItsOwnNotes) {
  AMX_REQUIRE_TOOLS("clang-19", "llvm-ar-19", "ld.lld-19");
  auto bti = object("bti.o", {"--target=aarch64-linux-gnu", "-mbranch-protection=standard"});
  auto plain = object("plain.o", {"--target=aarch64-linux-gnu"});
  test::write_file(dir.path() / "lib.rmeta", "rust metadata, no ELF");
  auto lib = dir.path() / "libx.a";
  run("llvm-ar-19", {"rc", lib.string(), bti.string(), plain.string(), (dir.path() / "lib.rmeta").string()});
  auto parts = read_elf_parts(lib, "ignored");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].label, "libx.a(bti.o)");
  // clang 19's -mbranch-protection=standard marks GCS too, as llvm-readelf says.
  EXPECT_EQ(parts[0].features, (std::set<std::string>{"BTI", "PAC", "GCS"}));
  EXPECT_EQ(parts[1].label, "libx.a(plain.o)");
  EXPECT_TRUE(parts[1].features.empty());
  EXPECT_TRUE(parts[1].global_functions.count("api"));

  // Linked alone, the BTI object's program keeps its notes.
  auto prog = dir.path() / "prog";
  run("ld.lld-19", {"-e", "api", "-static", bti.string(), "-o", prog.string()});
  EXPECT_EQ(read_elf_parts(prog, "program")[0].features, (std::set<std::string>{"BTI", "PAC", "GCS"}));
  EXPECT_GT(read_elf_parts(prog, "program")[0].functions.at("api").address, 0u);
}

TEST_F(ElfFileTest, WhatIsNoElfFileIsAnErrorThatNamesIt) {
  test::write_file(dir.path() / "text.o", "not an object");
  try {
    read_elf_parts(dir.path() / "text.o", "text.o");
    FAIL() << "no error";
  } catch (const FatalError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr((dir.path() / "text.o").string()));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("neither an ELF file nor an archive"));
  }
  EXPECT_THROW(read_elf_parts(dir.path() / "missing.o", "m"), FatalError);
  EXPECT_THROW(read_elf_section(dir.path() / "text.o", "x"), FatalError);
}

} // namespace
} // namespace amx
