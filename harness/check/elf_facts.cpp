#include "check/elf_facts.hpp"

#include "util/text.hpp"

#include <regex>

namespace amx {

std::map<std::string, std::vector<Instruction>> disassembly(std::string_view objdump) {
  static const std::regex header(R"(^([0-9a-f]+) <(.+)>:$)");
  static const std::regex insn(R"(^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2,8} )+)\s*(.*)$)");
  std::map<std::string, std::vector<Instruction>> out;
  std::vector<Instruction>* current = nullptr;
  std::smatch m;
  for (const auto& line : split_lines(objdump)) {
    if (std::regex_match(line, m, header)) {
      current = &out[m[2]];
    } else if (current && std::regex_match(line, m, insn)) {
      std::string text = m[3];
      for (auto& c : text)
        if (c == '\t')
          c = ' ';
      current->push_back({std::stoull(m[1], nullptr, 16), m[2], text});
    }
  }
  return out;
}

} // namespace amx
