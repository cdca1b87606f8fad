#pragma once
// `abimatrix repro`: one recorded cell as a standalone bash script for a bug
// report. It carries the fixture sources, runs the compile, link, QEMU and
// inspection commands of the cell's plan as the harness ran them (the
// folders the plan recorded moved to the script's own, RUSTC_BOOTSTRAP=1
// for rustc only), lets `abimatrix judge` say what each result means, and
// ends by comparing the outcome it saw with the recorded one.

#include "store/database.hpp"
#include "store/queries.hpp"

#include <chrono>
#include <filesystem>
#include <vector>
#include <string>

namespace amx {

struct ReproSources {
  // Where the fixture sources are read now (the matrix's fixtures-dir).
  std::filesystem::path fixtures_dir;
  std::chrono::milliseconds run_timeout{10'000};
  // The test cases the fixture declares: `judge` counts one the program's
  // output never reaches as a failure, as the run did.
  std::vector<std::string> cases;
  // The abimatrix whose `judge` the script asks what each step's result
  // means.
  std::filesystem::path abimatrix;
};

// The script; FatalError when the cell ran no step (a skip), a recorded
// command cannot be read back, or a source it names is missing.
std::string render_reproducer(const ShownResult& shown, const StoredRun& run, const ReproSources& sources);

} // namespace amx
