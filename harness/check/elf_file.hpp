#pragma once
// ELF facts read in this process with elfutils' libelf: the function
// symbols, GNU property features and section bytes of an object, of each
// member of an archive, or of a program, as llvm-readelf shows them. The
// check stage reads hundreds of small files per run; a process for each was
// a fifth of a run's tool time.

#include "check/elf_facts.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace amx {

// One ELF file: the file itself, or a member of an archive.
struct ElfPart {
  std::string label; // as given for a file; "lib.a(member.o)" for a member
  // Every defined FUNC symbol (the first of a name), and those of global
  // binding.
  std::map<std::string, FunctionSymbol> functions;
  std::set<std::string> global_functions;
  // The GNU property features it declares: IBT, SHSTK (x86), BTI, PAC, GCS
  // (AArch64).
  std::set<std::string> features;
};

// The ELF parts of a file: each ELF member of an archive (members that are
// no ELF file, such as Rust metadata, have no code and are left out), or
// the file itself under `label`. FatalError naming the file when it cannot
// be read or is neither.
std::vector<ElfPart> read_elf_parts(const std::filesystem::path& file, const std::string& label);

// The bytes of a section of an ELF file; empty when it has none.
std::string read_elf_section(const std::filesystem::path& file, const std::string& section);

} // namespace amx
