#pragma once
// The pipeline of one cell (compile C, compile Rust, link, run under QEMU,
// judge) and the pool of workers that runs the cells of a matrix.

#include "build/builder.hpp"
#include "matrix/model.hpp"
#include "run/result.hpp"
#include "toolchain/toolchain.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace amx {

class Runner {
public:
  Runner(const Matrix& m, const Toolchain& tc, Builder& builder) : m_matrix(m), m_tc(tc), m_builder(builder) {}

  CellResult run_cell(const Cell& cell);

  // Runs cells on `jobs` threads and hands each result to on_result, one at a
  // time. Stops starting cells once interrupted(); a cell cut short by the
  // interrupt is dropped, not reported. Returns true if it ran them all.
  bool run_all(const std::vector<const Cell*>& cells, unsigned jobs,
               const std::function<void(CellResult&&)>& on_result);

private:
  // The arguments that spell a side's setting for one compiler family, or the
  // reason it cannot be spelled.
  std::optional<std::vector<std::string>> flag_args(Family family, const Setting& s, const Target& t,
                                                    std::string& why_not) const;

  const Matrix& m_matrix;
  const Toolchain& m_tc;
  Builder& m_builder;
};

} // namespace amx
