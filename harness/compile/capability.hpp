#pragma once
// Which command lines each compiler accepts for each target: each side of
// each cell as it will be built, asked once per compiler binary and version
// (the answers are kept by a ProbeCache, a folder of the cache in a run),
// before the cells run, so a combination a compiler cannot build makes its
// cells skip in the compiler's own words instead of failing.

#include "model/run.hpp"
#include "toolchain/toolchain.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amx {

// Where probe answers outlive a run.
class ProbeCache {
public:
  virtual ~ProbeCache() = default;
  virtual std::vector<ProbeAnswer> probes(const std::string& tool_path, const std::string& tool_version) = 0;
  virtual void store_probes(const std::string& tool_path, const std::string& tool_version,
                            const std::vector<ProbeAnswer>& answers) = 0;
};

// Probe answers in a folder shared by every database and shard
// ($ABIMATRIX_CACHE/probes): a JSON file per tool path and version, replaced
// whole (written aside, renamed), so a reader never sees half of one. Two
// runs storing at once may lose one's new answers: they are asked again.
class ProbeFolder : public ProbeCache {
public:
  explicit ProbeFolder(std::filesystem::path dir) : m_dir(std::move(dir)) {}
  // An unreadable file knows nothing (and is replaced by the next store).
  std::vector<ProbeAnswer> probes(const std::string& tool_path, const std::string& tool_version) override;
  void store_probes(const std::string& tool_path, const std::string& tool_version,
                    const std::vector<ProbeAnswer>& answers) override;

private:
  std::filesystem::path file(const std::string& tool_path, const std::string& tool_version) const;
  std::filesystem::path m_dir;
};

// One command line a compiler is asked to accept: a side of a cell, the
// flags of its setting on its target.
struct ProbeQuestion {
  const Tool* tool;
  const Target* target;
  const CCompiler* cc; // for a C compiler; null for rustc
  std::vector<std::string> args;
  // rustc only: asked without RUSTC_BOOTSTRAP, as a stable toolchain would
  // be (it prints the target's cfg, which needs no crate).
  bool stable_terms = false;
};

class Capabilities {
public:
  // Asks each compiler whether it accepts each question's arguments, all
  // together as a cell passes them, unless the cache knows the answer.
  // `work` is where the cells' files are (a Rust target specification): it
  // is named "$W" in the cache, so the answers outlive the run's folder.
  // `progress` hears (answered, asked) after each answer, one at a time.
  using Progress = std::function<void(std::size_t, std::size_t)>;
  static Capabilities probe(const std::vector<ProbeQuestion>& questions, ProbeCache& cache,
                            const std::filesystem::path& work, std::chrono::milliseconds timeout, unsigned jobs,
                            const Progress& progress = {});

  // What the cache knows of these questions, asking nothing.
  static Capabilities known(const std::vector<ProbeQuestion>& questions, ProbeCache& cache,
                            const std::filesystem::path& work);
  // Takes in the answers of another (of the same work folder).
  void merge(const Capabilities& other);

  // Why `tool` refuses these arguments for target t; nullopt if it accepts
  // them (or they were never probed: nothing to say).
  std::optional<std::string> refusal(const Tool& tool, const Target& t, const std::vector<std::string>& args) const;
  // The answer to one question; nullptr when it was never answered.
  const ProbeAnswer* answer(const ProbeQuestion& q) const;

  // How many questions a compiler answered this time, the cache aside; one
  // stopped by the timeout or a signal answered nothing.
  std::size_t probed() const { return m_probed; }

private:
  // Loads what the cache knows of the questions' tools; the questions it
  // does not answer, each once, with their keys.
  std::vector<std::pair<const ProbeQuestion*, std::string>> load(const std::vector<ProbeQuestion>& all,
                                                                 ProbeCache& cache);
  // The arguments as the cache keeps them: the work folder named "$W".
  std::string key_args(const std::vector<std::string>& args) const;
  std::string key(const Tool& tool, const Target& t, const std::vector<std::string>& args, bool stable_terms) const;

  std::string m_work;
  std::map<std::string, ProbeAnswer> m_answers; // by tool path, target, args
  std::size_t m_probed = 0;
};

} // namespace amx
