#pragma once
// What the property checks read from objects and the linked program, parsed
// from llvm-readelf and llvm-objdump output. The parsers take text so the
// unit tests can feed them recorded output.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace amx {

struct Instruction {
  std::uint64_t address = 0;
  std::string bytes; // "2e e8 00 00 00 00"
  std::string text;  // "cs callq 0x401000 <__x86_indirect_thunk_r11>"
};

// Every defined FUNC symbol with global binding: "File: x" headers of an
// archive are skipped, so all members count.
std::set<std::string> global_functions(std::string_view readelf_syms);
// A function's place: its instructions are [address, address + size); what
// the disassembler shows after them is padding up to the next one.
struct FunctionSymbol {
  std::uint64_t address = 0, size = 0;
};
// Every defined FUNC symbol.
std::map<std::string, FunctionSymbol> function_symbols(std::string_view readelf_syms);
// Function name -> its instructions, from `llvm-objdump -d`.
std::map<std::string, std::vector<Instruction>> disassembly(std::string_view objdump);
// Per file ("prog", "lib.a(member.o)") the GNU property features it
// declares ("IBT", "SHSTK", "BTI", "PAC"), from `llvm-readelf -n`. A file
// without a note maps to an empty set, so it is still listed.
std::map<std::string, std::set<std::string>> gnu_features(std::string_view readelf_notes, const std::string& file);
// The little-endian words of a section hex dump (`llvm-readelf -x`).
std::vector<std::uint64_t> section_words(std::string_view readelf_hex, unsigned word_size);

} // namespace amx
