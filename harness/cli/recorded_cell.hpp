#pragma once
// What the commands about one recorded cell (repro, minimize, bisect,
// reduce) share: the cell as a result, its run and its matrix, the cell
// built again from them, and how an outcome reads.

#include "model/cell.hpp"
#include "model/matrix.hpp"
#include "model/result.hpp"
#include "model/setting.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace amx {

constexpr int kExitInterrupted = 130;

// One recorded result, its run, and the matrix to build it with again.
struct RecordedCell {
  ShownResult shown;
  StoredRun run;
  Matrix matrix;
};

// The cell's result in `run_id` (default: its newest), and the matrix at
// matrix_path (default: the run's).
RecordedCell recorded_cell(Database& db, const std::string& prefix, std::optional<std::int64_t> run_id,
                           const std::string& matrix_path);

// The recorded cell in matrix m: its target, fixture and C compiler as m
// has them (a FatalError when m lacks one), its compilers and settings.
Cell cell_of(const ResultRow& rec, const Matrix& m);

// "skip: REASON" or the outcome's line.
std::string outcome_text(const CellResult& r);
// What "fails the same way" compares (run/minimize); "" for a pass or skip.
std::string failure_signature_of(const CellResult& r);

// "regparm (C 3, Rust off)" for each flag; "none".
std::string describe_flags(const std::vector<std::string>& flags, const Setting& c, const Setting& rust);

} // namespace amx
