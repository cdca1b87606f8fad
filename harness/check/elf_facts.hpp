#pragma once
// What the property checks read from a disassembly, parsed from
// `llvm-objdump -d` output; the parser takes text so the unit tests can feed
// it recorded output. (Symbols, notes and sections: check/elf_file.)

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace amx {

struct Instruction {
  std::uint64_t address = 0;
  std::string bytes; // "2e e8 00 00 00 00"
  std::string text;  // "cs callq 0x401000 <__x86_indirect_thunk_r11>"
};

// A function's place: its instructions are [address, address + size); what
// the disassembler shows after them is padding up to the next one.
struct FunctionSymbol {
  std::uint64_t address = 0, size = 0;
};

// Function name -> its instructions, from `llvm-objdump -d`.
std::map<std::string, std::vector<Instruction>> disassembly(std::string_view objdump);

} // namespace amx
