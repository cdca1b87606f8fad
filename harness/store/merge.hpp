#pragma once
// Joins the shards of one run, each recorded in its own database by
// `abimatrix run --partition K/N`, into one run of another database: how a
// nightly run spread over a CI system's jobs becomes one run to query.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace amx {

enum class AllowDifferent { no, yes };

struct MergeOptions {
  // Shards must come from one matrix (and cell filter) and one set of tools
  // unless these say otherwise.
  AllowDifferent matrices = AllowDifferent::no;
  AllowDifferent tools = AllowDifferent::no;
};

struct MergeOutcome {
  std::int64_t run = 0;
  std::size_t results = 0;
  std::string status;              // complete, or interrupted when a shard is missing or was cut short
  std::vector<std::string> notes;  // why it is not complete
};

// Takes the newest run of each input. FatalError, before anything is
// written, when the runs do not belong together or share a cell; a failure
// while copying removes the half-merged run.
MergeOutcome merge_runs(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& into,
                        const MergeOptions& options);

} // namespace amx
