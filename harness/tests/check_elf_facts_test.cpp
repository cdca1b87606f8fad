#include "check/elf_facts.hpp"

#include <gtest/gtest.h>

namespace amx {
namespace {

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

} // namespace
} // namespace amx
