#pragma once
// Planning a cell: its tools, and each side's setting spelled into
// arguments, in the one place a flag value becomes arguments.

#include "compile/capability.hpp"
#include "compile/spelling.hpp"
#include "model/plan.hpp"
#include "toolchain/toolchain.hpp"

namespace amx {

// A Rust target specification the cell needs is named under spec_dir (in
// a folder named by its content hash) and handed to the caller to write.
// Each flag is spelled as `spellings` says its compiler takes it.
CellPlan plan_cell(const Cell& cell, const Matrix& m, const Toolchain& tc, const std::filesystem::path& spec_dir,
                   const SpellingChoices& spellings = {});

// The Rust target a side's setting builds for on t, and the arguments that
// name it: the first of its architecture with every property the setting's
// flags need, nullptr (no arguments: the architecture's default triple)
// when they need none; nullopt with the reason when no target has them.
struct RustTargetChoice {
  const RustTarget* target = nullptr;
  std::vector<std::string> args;
  std::optional<SourceFile> spec; // a specification, to be written before use
};
std::optional<RustTargetChoice> rust_target_for(const Matrix& m, const Setting& s, const Target& t,
                                                const std::filesystem::path& spec_dir, std::string& why_not);
// Why a planned side cannot be built: its compiler refuses the arguments
// for the target, in the compiler's own words.
std::optional<std::string> refusal(const CellPlan& p, const Target& t, const Capabilities& caps);

} // namespace amx
