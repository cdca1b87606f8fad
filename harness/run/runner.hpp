#pragma once
// The pipeline of one cell (compile C, compile Rust, link, run under QEMU,
// judge) and the pool of workers that runs the cells of a matrix.

#include "build/builder.hpp"
#include "check/properties.hpp"
#include "matrix/model.hpp"
#include "run/result.hpp"
#include "toolchain/capability.hpp"
#include "toolchain/toolchain.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace amx {

class Runner {
public:
  // caps and checker may be null: then every spelling is tried, and no
  // property is checked.
  Runner(const Matrix& m, const Toolchain& tc, Builder& builder, const Capabilities* caps = nullptr,
         const PropertyChecker* checker = nullptr)
      : m_matrix(m), m_tc(tc), m_builder(builder), m_caps(caps), m_checker(checker) {}

  CellResult run_cell(const Cell& cell);

  // Runs cells on `jobs` threads and hands each result to on_result, one at a
  // time. Stops starting cells once interrupted(); a cell cut short by the
  // interrupt is dropped, not reported. Returns true if it ran them all.
  bool run_all(const std::vector<const Cell*>& cells, unsigned jobs,
               const std::function<void(CellResult&&)>& on_result);

private:
  // The arguments that spell a side's setting for one compiler family, or the
  // reason it cannot be spelled.
  std::optional<std::vector<std::string>> flag_args(Family family, const Tool& tool, const Setting& s,
                                                    const Target& t, std::string& why_not) const;
  // The fixture crate against a minicore built with the C side's setting.
  std::optional<RustMix> rust_mix(const Cell& cell, const Tool& rustc, const std::vector<std::string>& rust_flags,
                                  std::vector<StepRecord>& steps);

  const Matrix& m_matrix;
  const Toolchain& m_tc;
  Builder& m_builder;
  const Capabilities* m_caps;
  const PropertyChecker* m_checker;
};

} // namespace amx
