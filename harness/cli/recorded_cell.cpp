#include "cli/recorded_cell.hpp"

#include "cli/subcommands.hpp"
#include "matrix/load.hpp"
#include "model/judge.hpp"
#include "run/minimize.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amx {

namespace {

template <typename T>
const T& by_name(const std::vector<T>& all, const std::string& name, const char* what, const Matrix& m) {
  auto it = std::find_if(all.begin(), all.end(), [&](const T& x) { return x.name == name; });
  if (it == all.end())
    throw FatalError(fmt::format("{}: the cell's {} {} is not in this matrix", m.path.string(), what, name));
  return *it;
}

} // namespace

RecordedCell recorded_cell(Database& db, const std::string& prefix, std::optional<std::int64_t> run_id,
                           const std::string& matrix_path) {
  Queries q(db);
  auto key = q.cell(prefix);
  std::int64_t run = 0;
  if (run_id) {
    run = q.run(*run_id);
  } else {
    auto history = q.history(key); // oldest first
    if (history.empty())
      throw FatalError(fmt::format("cell {} has no result in any run", key));
    run = history.back().run;
  }
  RecordedCell rc{q.show(key, run), db.stored_run(run), {}};
  const std::string path = matrix_path.empty() ? rc.run.info.matrix_path : matrix_file(matrix_path);
  try {
    rc.matrix = load_matrix(path);
  } catch (const FatalError& e) {
    throw FatalError(fmt::format("{}\n(the matrix of run {}; give --matrix for another copy of it)", e.what(), run));
  }
  if (rc.matrix.hash != rc.run.info.matrix_hash)
    fmt::print(stderr, "note: {} is not the matrix file run {} read (it changed since, or is another); its flag "
                       "spellings, fixtures and timeouts are the ones used\n",
               rc.matrix.path.string(), run);
  return rc;
}

Cell cell_of(const ResultRow& rec, const Matrix& m) {
  Cell cell;
  cell.target = &by_name(m.targets, rec.target, "target", m);
  cell.fixture = &by_name(m.fixtures, rec.fixture, "fixture", m);
  cell.c_compiler = &by_name(m.c_compilers, rec.c_compiler, "C compiler", m);
  cell.rustc = rec.rustc;
  cell.c = rec.c;
  cell.rust = rec.rust;
  cell.pairing = rec.pairing;
  identify(cell);
  return cell;
}

std::string outcome_text(const CellResult& r) {
  return r.verdict == Verdict::skip ? "skip: " + r.outcome.reason : outcome_line(r.outcome);
}

std::string failure_signature_of(const CellResult& r) {
  if (r.verdict == Verdict::skip || r.outcome.passed)
    return "";
  return failure_signature(*r.outcome.stage, r.outcome.reason, r.checks);
}

std::string describe_flags(const std::vector<std::string>& flags, const Setting& c, const Setting& rust) {
  std::vector<std::string> out;
  for (const auto& f : flags)
    out.push_back(fmt::format("{} (C {}, Rust {})", f, value_of(c, f), value_of(rust, f)));
  return out.empty() ? "none" : join(out, ", ");
}

} // namespace amx
