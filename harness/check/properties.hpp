#pragma once
// The check stage: properties a hardening or layout flag promises, read from
// the objects and the linked program (landing pads, thunks, notes, NOPs,
// alignment). The logic reads facts through an ElfReader, so tests give it
// facts without running a tool (as ninja's build logic runs on a fake
// CommandRunner).

#include "check/elf_facts.hpp"
#include "compile/builder.hpp"
#include "model/result.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace amx {

// The facts the checks need about one file (an object, an archive or the
// program).
class ElfReader {
public:
  virtual ~ElfReader() = default;
  // Every defined FUNC symbol with global binding (archive members too).
  virtual std::set<std::string> global_functions(const std::filesystem::path& file) = 0;
  // Every defined FUNC symbol and its address.
  virtual std::map<std::string, FunctionSymbol> function_symbols(const std::filesystem::path& file) = 0;
  // Function name -> its instructions.
  virtual std::map<std::string, std::vector<Instruction>> disassembly(const std::filesystem::path& file) = 0;
  // Per file, or archive member, the GNU property features it declares;
  // `label` names the file itself.
  virtual std::map<std::string, std::set<std::string>> gnu_features(const std::filesystem::path& file,
                                                                    const std::string& label) = 0;
  // The little-endian words of a section.
  virtual std::vector<std::uint64_t> section_words(const std::filesystem::path& file, const std::string& section,
                                                   unsigned word_size) = 0;
};

// The real reader: symbols, notes and sections read in this process
// (check/elf_file), the disassembly by llvm-objdump, recorded as a check
// step of the cell; the builder runs it once per run for a file's bytes and
// keeps its output across runs.
class RealElfReader : public ElfReader {
public:
  RealElfReader(const Tool& objdump, std::chrono::milliseconds timeout, Builder& builder,
                std::vector<StepRecord>& steps);

  std::set<std::string> global_functions(const std::filesystem::path& file) override;
  std::map<std::string, FunctionSymbol> function_symbols(const std::filesystem::path& file) override;
  std::map<std::string, std::vector<Instruction>> disassembly(const std::filesystem::path& file) override;
  std::map<std::string, std::set<std::string>> gnu_features(const std::filesystem::path& file,
                                                            const std::string& label) override;
  std::vector<std::uint64_t> section_words(const std::filesystem::path& file, const std::string& section,
                                           unsigned word_size) override;

private:
  std::string inspect(const Tool& tool, std::vector<std::string> args);

  const Tool& m_objdump;
  std::chrono::milliseconds m_timeout;
  Builder& m_builder;
  std::vector<StepRecord>& m_steps;
};

struct CheckInputs {
  std::filesystem::path c_runtime, c_fixture, rust_lib, program;
};

// Runs the fixture's checks whose flag the program is built with
// (`intended`); empty when none applies. Each fact is read once, and only
// when a check needs it.
std::vector<CheckResult> check_properties(const Cell& cell, const Setting& intended, const CheckInputs& in,
                                          ElfReader& reader);

} // namespace amx
