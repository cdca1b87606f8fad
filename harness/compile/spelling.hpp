#pragma once
// Which spelling of each flag each compiler takes. A flag moves from -Z to
// -C or is renamed while a nightly matrix runs, so the catalogue may list
// several spellings, each with the version that takes it. A compiler takes
// the newest its version has reached (Flag::candidates), unless asking it
// shows that it refuses that one and takes another the catalogue lists;
// rustc is also asked whether it takes each one on stable terms, without
// RUSTC_BOOTSTRAP (a -Z spelling only if rustc takes -Zunstable-options
// there: a stable rustc refuses the option -Z itself, whatever its value).
// Asked before the cells are planned, once per compiler, flag value and
// target (the answers kept by the ProbeCache).

#include "compile/capability.hpp"
#include "model/plan.hpp"

#include <functional>

namespace amx {

class SpellingChoices {
public:
  // Each tool takes the spelling its version is meant to take.
  SpellingChoices() = default;

  // Asks every rustc of the matrix about every spelling of every flag value
  // in use, without RUSTC_BOOTSTRAP and, where it has several, with it; and
  // each C compiler about the flags the catalogue spells more than one way
  // for it. `write` is given each Rust target specification a question
  // needs before it is asked.
  static SpellingChoices probe(const Matrix& m, const Toolchain& tc, ProbeCache& cache,
                               const std::filesystem::path& work, const std::function<void(const SourceFile&)>& write,
                               unsigned jobs, const Capabilities::Progress& progress = {});

  // The arguments `tool` of `family` takes for flag=value on target: the
  // spelling probing chose, else the first for its version; nullopt when
  // the family cannot spell it.
  std::optional<std::vector<std::string>> args(const Tool& tool, Family family, const Flag& flag,
                                               const std::string& target, const std::string& value) const;

  // A rustc refuses some spellings alone that it takes with others (the
  // shadow call stack on arm64 only with -Zfixed-x18): what `rustc` took as
  // a side of a cell (`args`, accepted as a whole, spelling `side` on
  // `target`) is accepted, and as stable as it is on stable terms.
  void accepted_with(const Tool& rustc, const std::string& target, const Setting& side,
                     const std::vector<std::string>& args);

  // Asks rustc alone about each only spelling neither stable terms nor a
  // cell's side showed it takes (after the cells' sides were asked and
  // accepted_with told): taken (unstable) or rejected, in its words. The
  // questions it asked this time.
  std::size_t settle(ProbeCache& cache, const std::filesystem::path& work, std::chrono::milliseconds timeout,
                     unsigned jobs);

  // Every spelling asked about and what its tool made of it, in the order
  // asked; the chosen ones marked.
  const std::vector<SpellingFact>& facts() const { return m_facts; }
  std::size_t probed() const { return m_probed; }

private:
  std::map<std::string, const Spelling*> m_chosen; // by tool path, flag, target and value
  std::vector<SpellingFact> m_facts;
  std::vector<bool> m_stable_ok; // per fact: rustc took it on stable terms
  std::vector<std::pair<std::size_t, ProbeQuestion>> m_later; // facts settle() may ask about
  std::size_t m_probed = 0;
};

} // namespace amx
