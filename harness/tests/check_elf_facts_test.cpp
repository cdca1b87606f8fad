#include "check/elf_facts.hpp"

#include <gtest/gtest.h>

namespace amx {
namespace {

TEST(ElfFacts, GlobalFunctionsSkipLocalsAndUndefined) {
  const char* syms = R"(
File: /w/obj/lib.a(a.o)
Symbol table '.symtab' contains 4 entries:
   Num:    Value          Size Type    Bind   Vis       Ndx Name
     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT   UND 
     1: 0000000000000010     3 FUNC    GLOBAL DEFAULT     3 ind_rs_add
     2: 0000000000000000     3 FUNC    LOCAL  DEFAULT     3 helper
     3: 0000000000000000     0 FUNC    GLOBAL DEFAULT   UND ind_c_sub
)";
  EXPECT_EQ(global_functions(syms), (std::set<std::string>{"ind_rs_add"}));
  EXPECT_EQ(function_symbols(syms).at("helper").address, 0u);
  EXPECT_EQ(function_symbols(syms).at("ind_rs_add").address, 0x10u);
  EXPECT_EQ(function_symbols(syms).at("ind_rs_add").size, 3u);
}

TEST(ElfFacts, DisassemblyKeepsBytesAndText) {
  const char* dis = "0000000000401000 <f>:\n"
                    "  401000: f3 0f 1e fa                  \tendbr64\n"
                    "  401004: 2e e8 00 00 00 00            \tcs callq 0x401010 <__x86_indirect_thunk_r11>\n"
                    "\n0000000000401010 <g>:\n"
                    "  401010: d503201f     \tnop\n";
  auto d = disassembly(dis);
  ASSERT_EQ(d.at("f").size(), 2u);
  EXPECT_EQ(d.at("f")[0].text, "endbr64");
  EXPECT_TRUE(d.at("f")[1].bytes.starts_with("2e e8"));
  EXPECT_EQ(d.at("g")[0].address, 0x401010u);
}

TEST(ElfFacts, GnuFeaturesPerArchiveMember) {
  const char* notes = "File: /w/obj/libx.a(x.o)\n  Properties:    aarch64 feature: BTI, PAC\n"
                      "File: /w/obj/libx.a(minicore.o)\n";
  auto f = gnu_features(notes, "libx.a");
  EXPECT_EQ(f.at("libx.a(x.o)"), (std::set<std::string>{"BTI", "PAC"}));
  EXPECT_TRUE(f.at("libx.a(minicore.o)").empty());
  EXPECT_EQ(gnu_features("  Properties:    x86 feature: IBT, SHSTK\n", "p").at("p"),
            (std::set<std::string>{"IBT", "SHSTK"}));
}

TEST(ElfFacts, SectionWordsAreLittleEndian) {
  const char* hex = "Hex dump of section '__patchable_function_entries':\n"
                    "  0x00402000 0e104000 00000000 2e104000 00000000 ..@.......@.....\n";
  EXPECT_EQ(section_words(hex, 8), (std::vector<std::uint64_t>{0x40100e, 0x40102e}));
  EXPECT_EQ(section_words(hex, 4), (std::vector<std::uint64_t>{0x40100e, 0, 0x40102e, 0}));
}

} // namespace
} // namespace amx
