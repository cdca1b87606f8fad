#pragma once
// Which flag spellings each compiler accepts for each target. Asked once per
// compiler binary and version (the answers are kept by a ProbeCache, the
// results database in a run), before a run, so a flag a compiler cannot
// express makes its cells skip with the compiler's own words instead of
// failing.

#include "model/run.hpp"
#include "toolchain/toolchain.hpp"

#include <filesystem>
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

class Capabilities {
public:
  // Probes every spelling the matrix can pass that the cache does not know.
  static Capabilities probe(const Matrix& m, const Toolchain& tc, ProbeCache& cache,
                            const std::filesystem::path& work, unsigned jobs);

  // Why `tool` refuses these flag arguments for target t; nullopt if it
  // accepts them (or they were never probed: nothing to say).
  std::optional<std::string> refusal(const Tool& tool, const Target& t, const std::vector<std::string>& args) const;

  std::size_t probed() const { return m_probed; }

private:
  std::map<std::string, ProbeAnswer> m_answers; // by tool path, target, args
  std::size_t m_probed = 0;
};

} // namespace amx
