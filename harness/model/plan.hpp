#pragma once
// A cell's plan, made once after the tools are found and the spellings
// probed: which tools build and run it and the exact arguments that spell
// each side's setting, or why it cannot be built. Everything after planning
// (build, run, check, store, reproducer) reads the plan; nothing else spells
// a flag.

#include "model/cell.hpp"
#include "model/tool.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace amx {

// The folders a cell's commands name: the fixture sources, the run's work
// folder (objects and programs), and the cache that outlives runs (the real
// core).
struct Layout {
  std::filesystem::path fixtures, work, cache;
};

// A file the harness writes for a cell (a generated fixture source, a Rust
// target specification), recorded with the result so `repro` carries it.
struct SourceFile {
  std::filesystem::path path;
  std::string text;
};

struct CellPlan {
  // Set when the cell cannot be built: a missing tool, a flag value without
  // a spelling, a spelling the compiler refuses, a conflict of targets.
  std::optional<std::string> skip;
  const Tool* cc = nullptr;
  const Tool* rustc = nullptr;
  const Tool* runner = nullptr; // QEMU, or the host itself (role "native")
  std::vector<std::string> c_args;    // the C side's setting, for cc
  std::vector<std::string> rust_args; // the Rust side's setting, for rustc
  // The C side's setting spelled for rustc, for the Rust-vs-Rust experiment;
  // unset when rustc cannot spell it or it spells the same as rust_args.
  std::optional<std::vector<std::string>> rust_mix_args;
  // The Rust target specification the Rust side builds for, which the
  // driver writes before anything is built; unset for a built-in triple.
  std::optional<SourceFile> rust_spec;
  // The flags the program is told it is built for (model/property).
  Setting intended;
  Layout layout;
};

} // namespace amx
