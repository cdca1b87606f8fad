#pragma once
// Which flag spellings each compiler accepts for each target. Asked once per
// compiler binary and version (the answers are cached in the results
// database), before a run, so a flag a compiler cannot express makes its
// cells skip with the compiler's own words instead of failing.

#include "matrix/model.hpp"
#include "store/database.hpp"
#include "toolchain/toolchain.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amx {

class Capabilities {
public:
  // Probes every spelling the matrix can pass that the cache does not know.
  static Capabilities probe(const Matrix& m, const Toolchain& tc, Database& db, const std::filesystem::path& work,
                            unsigned jobs);

  // Why `tool` refuses these flag arguments for target t; nullopt if it
  // accepts them (or they were never probed: nothing to say).
  std::optional<std::string> refusal(const Tool& tool, const Target& t, const std::vector<std::string>& args) const;

  std::size_t probed() const { return m_probed; }

private:
  std::map<std::string, ProbeAnswer> m_answers; // by tool path, target, args
  std::size_t m_probed = 0;
};

} // namespace amx
