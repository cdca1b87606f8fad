#include "check/elf_facts.hpp"

#include "util/text.hpp"

#include <regex>

namespace amx {

namespace {

// "  12: 0000000000401000    42 FUNC    GLOBAL DEFAULT     2 name"
struct SymbolLine {
  std::uint64_t value = 0, size = 0;
  std::string type, bind, ndx, name;
};

std::vector<SymbolLine> symbol_lines(std::string_view text) {
  std::vector<SymbolLine> out;
  for (const auto& line : split_lines(text)) {
    auto w = split_words(line);
    if (w.size() < 8 || w[0].empty() || w[0].back() != ':' || w[1].find_first_not_of("0123456789abcdef") != std::string::npos)
      continue;
    // The size is decimal, or hexadecimal with 0x when large.
    out.push_back({std::stoull(w[1], nullptr, 16), std::stoull(w[2], nullptr, 0), w[3], w[4], w[6], w[7]});
  }
  return out;
}

} // namespace

std::set<std::string> global_functions(std::string_view readelf_syms) {
  std::set<std::string> out;
  for (const auto& s : symbol_lines(readelf_syms))
    if (s.type == "FUNC" && s.bind == "GLOBAL" && s.ndx != "UND")
      out.insert(s.name);
  return out;
}

std::map<std::string, FunctionSymbol> function_symbols(std::string_view readelf_syms) {
  std::map<std::string, FunctionSymbol> out;
  for (const auto& s : symbol_lines(readelf_syms))
    if (s.type == "FUNC" && s.ndx != "UND")
      out.emplace(s.name, FunctionSymbol{s.value, s.size});
  return out;
}

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

std::map<std::string, std::set<std::string>> gnu_features(std::string_view readelf_notes, const std::string& file) {
  // An archive prints "File: lib.a(member.o)" before each member's notes.
  std::map<std::string, std::set<std::string>> out;
  std::string current = file;
  out[current];
  for (const auto& line : split_lines(readelf_notes)) {
    auto at = line.find("File: ");
    if (at == 0) {
      // "File: /long/path/lib.a(member.o)": the member is what a reader needs.
      current = line.substr(6);
      if (auto slash = current.rfind('/', current.find('(')); slash != std::string::npos)
        current = current.substr(slash + 1);
      out[current];
      continue;
    }
    for (auto prefix : {"x86 feature: ", "aarch64 feature: ", "AArch64 feature: "}) {
      auto p = line.find(prefix);
      if (p == std::string::npos)
        continue;
      for (auto& f : split_words(line.substr(p + std::string_view(prefix).size()))) {
        if (!f.empty() && f.back() == ',')
          f.pop_back();
        out[current].insert(f);
      }
    }
  }
  return out;
}

std::vector<std::uint64_t> section_words(std::string_view readelf_hex, unsigned word_size) {
  // "  0x00401000 10104000 00000000 ........" : bytes in file order.
  std::vector<unsigned char> bytes;
  for (const auto& line : split_lines(readelf_hex)) {
    auto w = split_words(line);
    if (w.empty() || !w[0].starts_with("0x"))
      continue;
    for (std::size_t i = 1; i < w.size() && i <= 4; i++) {
      if (w[i].size() % 2 || w[i].find_first_not_of("0123456789abcdef") != std::string::npos)
        break;
      for (std::size_t j = 0; j < w[i].size(); j += 2)
        bytes.push_back(static_cast<unsigned char>(std::stoul(w[i].substr(j, 2), nullptr, 16)));
    }
  }
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i + word_size <= bytes.size(); i += word_size) {
    std::uint64_t v = 0;
    for (unsigned b = 0; b < word_size; b++)
      v |= std::uint64_t(bytes[i + b]) << (8 * b);
    out.push_back(v);
  }
  return out;
}

} // namespace amx
