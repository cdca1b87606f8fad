#pragma once
// The pipeline of one planned cell (compile C, compile Rust, link, run under
// QEMU, check, judge) and the workers that run the cells of a matrix.

#include "compile/builder.hpp"
#include "model/result.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace amx {

// What the cells' own builds tell a run about its compilers. A compiler is
// asked about a side's command line when the side's build gives cause, not
// before every cell: a side that builds cleanly has been taken.
class SideQuestions {
public:
  virtual ~SideQuestions() = default;
  // Why the compiler of the cell's C side (else its Rust side) refuses the
  // side's arguments, asking it if no answer is known; nullopt if it takes
  // them (or said nothing: stopped by the timeout).
  virtual std::optional<std::string> refusal(const Cell& cell, const CellPlan& plan, bool c_side) = 0;
  // rustc built the cell's Rust side: it takes those arguments together.
  virtual void rust_taken(const Cell& cell, const CellPlan& plan) = 0;
};

class Runner {
public:
  // Without llvm-objdump no property is checked; without `questions` a
  // failed build is the cell's outcome, never a refusal.
  Runner(const Matrix& m, Builder& builder, const Tool* objdump = nullptr, SideQuestions* questions = nullptr)
      : m_matrix(m), m_builder(builder), m_objdump(objdump), m_questions(questions) {}

  // attempt > 0: a retry, whose program runs fresh (Builder::inspect).
  CellResult run_cell(const Cell& cell, CellPlan plan, unsigned attempt = 0);

  // Runs the planned cells, `jobs` steps at once, and hands each result to
  // on_result, one at a time. A cell worth_retrying runs again, up to
  // `retries` times, until it comes out as expected (with_retries). Stops starting cells once interrupted() or
  // once on_result returns false (cells already running still finish); a
  // cell cut short by the interrupt is dropped, not reported. Returns true
  // if it reported them all.
  bool run_all(const std::vector<std::pair<const Cell*, CellPlan>>& cells, unsigned jobs, unsigned retries,
               const std::function<bool(CellResult&&)>& on_result);

private:
  // The fixture crate against a minicore built with the C side's setting.
  std::optional<RustMix> rust_mix(const Cell& cell, const CellPlan& plan, std::vector<StepRecord>& steps);

  const Matrix& m_matrix;
  Builder& m_builder;
  const Tool* m_objdump;
  SideQuestions* m_questions;
};

} // namespace amx
