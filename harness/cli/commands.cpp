#include "cli/commands.hpp"

#include "cli/query_commands.hpp"
#include "build/builder.hpp"
#include "check/properties.hpp"
#include "matrix/expand.hpp"
#include "matrix/load.hpp"
#include "report/console.hpp"
#include "run/runner.hpp"
#include "store/database.hpp"
#include "toolchain/capability.hpp"
#include "toolchain/toolchain.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace amx {

namespace {

constexpr int kExitUnexpected = 1;
constexpr int kExitConfig = 2;
constexpr int kExitInterrupted = 130;

std::vector<const Cell*> select(const std::vector<Cell>& cells, const std::string& filter) {
  std::vector<const Cell*> out;
  for (const auto& c : cells)
    if (filter.empty() || glob_match("*" + filter + "*", c.name) || c.key.starts_with(filter))
      out.push_back(&c);
  return out;
}

int plan(const std::string& matrix_path, const std::string& format, const std::string& filter) {
  Matrix m = load_matrix(matrix_path);
  auto cells = expand(m);
  auto chosen = select(cells, filter);
  if (format == "json") {
    nlohmann::json j;
    j["matrix"] = m.path.string();
    j["name"] = m.name;
    j["hash"] = m.hash;
    j["count"] = chosen.size();
    j["cells"] = nlohmann::json::array();
    for (const Cell* c : chosen)
      j["cells"].push_back({{"key", c->key},
                            {"name", c->name},
                            {"target", c->target->name},
                            {"fixture", c->fixture->name},
                            {"c_compiler", c->c_compiler->name},
                            {"rustc", c->rustc},
                            {"c_setting", to_string(c->c)},
                            {"rust_setting", to_string(c->rust)},
                            {"pairing", to_string(c->pairing)},
                            {"expected", to_string(c->expected)},
                            {"expect_reason", c->expect_reason}});
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  for (const Cell* c : chosen)
    fmt::print("{}  {:<9}  expect {}  {}\n", c->key, to_string(c->pairing), to_string(c->expected), c->name);
  fmt::print("{} cells\n", chosen.size());
  return 0;
}

std::string host_description() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  struct utsname u {};
  ::uname(&u);
  return fmt::format("{} ({} {} {})", name, u.sysname, u.release, u.machine);
}

struct RunArgs {
  std::string matrix, db = "results/abimatrix.db", work_dir, filter;
  unsigned jobs = 0;
  bool keep_work = false;
};

int run(const RunArgs& a) {
  InterruptWatcher watcher; // before any other thread exists
  Matrix m = load_matrix(a.matrix);
  auto cells = expand(m);
  auto chosen = select(cells, a.filter);
  Toolchain tc = Toolchain::probe(m);
  Database db(a.db);

  RunInfo info{m.path.string(), m.name, m.hash, host_description(),
               a.jobs ? a.jobs : std::max(1u, std::thread::hardware_concurrency()), chosen.size(), tc.tools()};
  auto run_id = db.begin_run(info);
  auto work = std::filesystem::absolute(a.work_dir.empty()
                                           ? std::filesystem::path(a.db).parent_path() / "work" / fmt::format("run-{}", run_id)
                                           : std::filesystem::path(a.work_dir));
  fmt::print("run {} of {} ({} cells, {} jobs) into {}\n", run_id, m.path.string(), chosen.size(), info.jobs, a.db);
  for (const auto& t : info.tools)
    fmt::print("  {:<10} {}: {}\n", t.role, t.path.string(), t.version);
  std::fflush(stdout);

  auto caps = Capabilities::probe(m, tc, db, work, info.jobs);
  if (caps.probed())
    fmt::print("  probed {} flag spellings (cached in {} for the next run)\n", caps.probed(), a.db);
  std::optional<PropertyChecker> checker;
  if (tc.readelf() && tc.objdump())
    checker.emplace(*tc.readelf(), *tc.objdump(), m);
  std::fflush(stdout);

  Builder builder(m, work);
  Runner runner(m, tc, builder, &caps, checker ? &*checker : nullptr);
  Console console(stdout, chosen.size(), ::isatty(STDOUT_FILENO));
  ResultWriter writer(db, run_id);
  bool complete = false;
  try {
    complete = runner.run_all(chosen, info.jobs, [&](CellResult&& r) {
      console.finished(r);
      writer.push(std::move(r));
    });
    writer.close();
  } catch (...) {
    // Whatever was committed stays; the run is marked as cut short.
    try {
      writer.close();
    } catch (...) {
    }
    db.finish_run(run_id, RunStatus::interrupted);
    throw;
  }
  db.finish_run(run_id, complete ? RunStatus::complete : RunStatus::interrupted);
  console.summary(!complete);
  if (!a.keep_work) {
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
  }
  if (!complete)
    return kExitInterrupted;
  return console.unexpected_count() ? kExitUnexpected : 0;
}

} // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"abimatrix: what happens when C and Rust built with different ABI flags are linked together"};
  app.require_subcommand(1);

  std::string plan_matrix, plan_format = "table", plan_filter;
  auto* plan_cmd = app.add_subcommand("plan", "print the cells of a matrix without building anything");
  plan_cmd->add_option("matrix", plan_matrix, "matrix YAML file")->required();
  plan_cmd->add_option("--format", plan_format, "table or json")->check(CLI::IsMember({"table", "json"}));
  plan_cmd->add_option("--filter", plan_filter, "only cells whose name contains this glob, or whose key starts with it");

  RunArgs ra;
  auto* run_cmd = app.add_subcommand("run", "run every cell of a matrix and record the results in SQLite");
  run_cmd->add_option("matrix", ra.matrix, "matrix YAML file")->required();
  run_cmd->add_option("--db", ra.db, "results database")->capture_default_str();
  run_cmd->add_option("-j,--jobs", ra.jobs, "cells run in parallel (default: number of cores)");
  run_cmd->add_option("--filter", ra.filter, "only cells whose name contains this glob, or whose key starts with it");
  run_cmd->add_option("--work-dir", ra.work_dir, "where objects and programs go (default: next to the database)");
  run_cmd->add_flag("--keep-work", ra.keep_work, "keep objects and programs after the run");

  QueryCommands queries(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitConfig;
  }
  try {
    if (*plan_cmd)
      return plan(plan_matrix, plan_format, plan_filter);
    if (auto code = queries.dispatch())
      return *code;
    return run(ra);
  } catch (const FatalError& e) {
    std::string msg = e.what();
    if (!msg.empty() && msg.back() == '\n')
      msg.pop_back();
    fmt::print(stderr, "abimatrix: {}\n", msg);
    return kExitConfig;
  }
}

} // namespace amx
