#include "report/run_report.hpp"

namespace amx {

RunReport load_report(Database& db, std::int64_t run) {
  RunReport r;
  r.run = db.stored_run(run);
  Queries q(db);
  r.verdicts = db.verdict_counts(run);
  for (const auto& row : q.results(run, {}))
    r.results.push_back(q.show(row.key, run));
  return r;
}

} // namespace amx
