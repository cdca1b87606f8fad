#include "store/merge.hpp"

#include "store/database.hpp"
#include "store/queries.hpp"
#include "store/schema.hpp"
#include "store/statement.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unistd.h>

namespace amx {

namespace {

struct Input {
  std::filesystem::path path;
  StoredRun run;
  std::set<std::string> cells;
};

std::string describe(const Input& in) {
  return fmt::format("{} run {}{}", in.path.string(), in.run.id,
                     in.run.info.partition ? " (shard " + to_string(*in.run.info.partition) + ")" : "");
}

Input read_input(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    throw FatalError(fmt::format("{}: no such database", path.string()));
  Database db(path, Access::read);
  Input in;
  in.path = path;
  try {
    in.run = db.stored_run(Queries(db).latest_run());
  } catch (const FatalError& e) {
    throw FatalError(fmt::format("{}: {}", path.string(), e.what()));
  }
  in.cells = db.recorded_cells(in.run.id);
  return in;
}

// "filter 'x86*', filter-out 'kcfi'": which cells a run selected.
std::string selection(const RunInfo& info) {
  std::string out = fmt::format("filter '{}'", info.cell_filter);
  for (const auto& f : info.cell_filter_out)
    out += fmt::format(", filter-out '{}'", f);
  return out;
}

// Refuses inputs that are not parts of one run; says why a merge that
// proceeds is not complete.
std::vector<std::string> check_together(const std::vector<Input>& ins, const MergeOptions& o) {
  const Input& first = ins.front();
  for (const auto& in : ins) {
    const auto &a = first.run.info, &b = in.run.info;
    if (o.matrices == AllowDifferent::no && (a.matrix_hash != b.matrix_hash || a.cell_filter != b.cell_filter ||
                                             a.cell_filter_out != b.cell_filter_out))
      throw FatalError(fmt::format("{} ran {} (matrix {}, {}) but {} ran {} (matrix {}, {}): "
                                   "not shards of one run (--allow-different-matrices merges them anyway)",
                                   describe(first), a.matrix_path, a.matrix_hash, selection(a), describe(in),
                                   b.matrix_path, b.matrix_hash, selection(b)));
    if (auto diff = tool_differences(a.tools, b.tools); o.tools == AllowDifferent::no && !diff.empty())
      throw FatalError(fmt::format("{} and {} used different tools (- first, + second):\n  {}\n"
                                   "(--allow-different-tools merges them anyway)",
                                   describe(first), describe(in), join(diff, "\n  ")));
  }
  std::vector<std::string> notes;
  std::map<std::string, const Input*> shard_of, owner;
  std::set<unsigned> counts;
  for (const auto& in : ins) {
    if (const auto& p = in.run.info.partition) {
      counts.insert(p->count);
      auto [it, fresh] = shard_of.emplace(to_string(*p), &in);
      if (!fresh)
        throw FatalError(fmt::format("{} and {} are both shard {}", describe(*it->second), describe(in), it->first));
    }
    for (const auto& key : in.cells)
      if (auto [it, fresh] = owner.emplace(key, &in); !fresh)
        throw FatalError(fmt::format("cell {} has a result in both {} and {}", key, describe(*it->second), describe(in)));
    if (in.run.status != "complete")
      notes.push_back(fmt::format("{} is {}", describe(in), in.run.status));
  }
  if (counts.size() > 1) {
    std::vector<std::string> names;
    for (const auto& [name, in] : shard_of)
      names.push_back(name);
    throw FatalError(fmt::format("the shards come from different partitions ({}); merge the shards of one "
                                 "--partition N",
                                 join(names, ", ")));
  }
  if (counts.size() == 1)
    for (unsigned k = 1; k <= *counts.begin(); k++)
      if (!shard_of.count(fmt::format("{}/{}", k, *counts.begin())))
        notes.push_back(fmt::format("shard {}/{} is missing", k, *counts.begin()));
  return notes;
}

// Copies one input's run into run ?1 of main from run ?2 of the attached
// database `src`; everything is matched by content (keys, texts, hashes),
// never by the other database's row ids.
const char* const kCopy[] = {
    "INSERT OR IGNORE INTO main.targets (name, rust_triple, clang_triple) "
    "SELECT name, rust_triple, clang_triple FROM src.targets",
    "INSERT OR IGNORE INTO main.settings (text) "
    "SELECT c_setting FROM src.cells WHERE key IN (SELECT cell_key FROM src.results WHERE run_id = ?2) UNION "
    "SELECT rust_setting FROM src.cells WHERE key IN (SELECT cell_key FROM src.results WHERE run_id = ?2)",
    "INSERT OR IGNORE INTO main.setting_flags (setting_id, flag, value) "
    "SELECT m.id, f.flag, f.value FROM src.setting_flags f JOIN src.settings s ON s.id = f.setting_id "
    "JOIN main.settings m ON m.text = s.text",
    "INSERT OR IGNORE INTO main.cells (key, name, target_id, fixture, c_compiler, rustc, c_setting, rust_setting, "
    "pairing, c_setting_id, rust_setting_id) "
    "SELECT c.key, c.name, (SELECT id FROM main.targets WHERE name = t.name), c.fixture, c.c_compiler, c.rustc, "
    "c.c_setting, c.rust_setting, c.pairing, (SELECT id FROM main.settings WHERE text = c.c_setting), "
    "(SELECT id FROM main.settings WHERE text = c.rust_setting) FROM src.cells c JOIN src.targets t ON t.id = "
    "c.target_id WHERE c.key IN (SELECT cell_key FROM src.results WHERE run_id = ?2)",
    "INSERT INTO main.results (run_id, cell_key, pairing, verdict, expected, expect_reason, stage, reason, exit_code, "
    "signal, duration_ms, finished_at, expected_stage, c_args, rust_args, fixtures_dir, work_dir, cache_dir) "
    "SELECT ?1, cell_key, pairing, verdict, expected, expect_reason, stage, reason, exit_code, signal, duration_ms, "
    "finished_at, expected_stage, c_args, rust_args, fixtures_dir, work_dir, cache_dir FROM src.results "
    "WHERE run_id = ?2",
    "INSERT INTO main.checks (run_id, cell_key, seq, property, flag, held, detail, kind, test, expected, received, "
    "c_type, rust_type) "
    "SELECT ?1, cell_key, seq, property, flag, held, detail, kind, test, expected, received, c_type, rust_type "
    "FROM src.checks "
    "WHERE run_id = ?2",
    "INSERT INTO main.rust_mix (run_id, cell_key, minicore_setting, crate_setting, refused, message, allow_flag, "
    "allowed) SELECT ?1, cell_key, minicore_setting, crate_setting, refused, message, allow_flag, allowed "
    "FROM src.rust_mix WHERE run_id = ?2",
    "INSERT OR IGNORE INTO main.outputs (hash, text) "
    "SELECT hash, text FROM src.outputs WHERE id IN (SELECT output_id FROM src.steps WHERE run_id = ?2)",
    "INSERT INTO main.steps (run_id, cell_key, seq, stage, step, command, shared, exit_code, signal, timed_out, "
    "output_capped, duration_ms, output_id, cwd, reused, cache_key, env) SELECT ?1, s.cell_key, s.seq, s.stage, "
    "s.step, s.command, s.shared, s.exit_code, s.signal, s.timed_out, s.output_capped, s.duration_ms, (SELECT id "
    "FROM main.outputs m WHERE m.hash = o.hash), s.cwd, s.reused, s.cache_key, s.env FROM src.steps s JOIN "
    "src.outputs o ON o.id = s.output_id WHERE s.run_id = ?2",
    // Every shard asked the same compilers the same questions.
    "INSERT OR IGNORE INTO main.toolchains (role, name, path, version) SELECT t.role, t.name, t.path, t.version "
    "FROM src.toolchains t WHERE t.id IN (SELECT toolchain_id FROM src.run_spellings WHERE run_id = ?2)",
    "INSERT OR IGNORE INTO main.run_spellings (run_id, toolchain_id, flag, value, target, spelling, args, chosen, "
    "accepted, message, stability, stability_message) SELECT ?1, m.id, s.flag, s.value, s.target, s.spelling, "
    "s.args, s.chosen, s.accepted, s.message, s.stability, s.stability_message FROM src.run_spellings s JOIN "
    "src.toolchains t ON t.id = s.toolchain_id JOIN main.toolchains m USING (role, name, path, version) "
    "WHERE s.run_id = ?2",
    "INSERT OR IGNORE INTO main.outputs (hash, text) "
    "SELECT hash, text FROM src.outputs WHERE id IN (SELECT output_id FROM src.sources WHERE run_id = ?2)",
    "INSERT INTO main.sources (run_id, cell_key, path, output_id) SELECT ?1, s.cell_key, s.path, "
    "(SELECT id FROM main.outputs m WHERE m.hash = o.hash) FROM src.sources s JOIN src.outputs o ON "
    "o.id = s.output_id WHERE s.run_id = ?2",
};

void copy_run(sqlite3* db, const Input& in, std::int64_t run) {
  Statement(db, "ATTACH DATABASE ? AS src").bind(1, in.path.string()).run();
  try {
    Transaction tx(db);
    for (const char* sql : kCopy)
      Statement(db, sql).bind(1, run).bind(2, in.run.id).run();
    tx.commit();
  } catch (...) {
    sqlite3_exec(db, "DETACH DATABASE src", nullptr, nullptr, nullptr);
    throw;
  }
  exec_sql(db, "DETACH DATABASE src");
}

void discard_run(sqlite3* db, std::int64_t run) {
  Transaction tx(db);
  for (const char* table : {"sources", "steps", "checks", "rust_mix", "results", "run_toolchains", "run_spellings"})
    Statement(db, fmt::format("DELETE FROM {} WHERE run_id = ?", table).c_str()).bind(1, run).run();
  Statement(db, "DELETE FROM runs WHERE id = ?").bind(1, run).run();
  tx.commit();
}

// The distinct values of one field over the inputs, joined.
template <class F> std::string distinct(const std::vector<Input>& ins, F field, const char* sep) {
  std::vector<std::string> out;
  for (const auto& in : ins)
    if (std::find(out.begin(), out.end(), field(in)) == out.end())
      out.push_back(field(in));
  return join(out, sep);
}

} // namespace

MergeOutcome merge_runs(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& into,
                        const MergeOptions& options) {
  if (inputs.empty())
    throw FatalError("merge: no input databases");
  // One file by any name (a symlink, a hard link): compared as inodes.
  auto same_file = [](const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec);
  };
  std::vector<Input> ins;
  for (const auto& path : inputs) {
    if (same_file(path, into))
      throw FatalError(fmt::format("{}: an input cannot also be the --into database", path.string()));
    for (const auto& earlier : ins)
      if (same_file(path, earlier.path))
        throw FatalError(fmt::format("{}: given twice (as {} before)", path.string(), earlier.path.string()));
    ins.push_back(read_input(path));
  }
  MergeOutcome out;
  out.notes = check_together(ins, options);
  out.status = out.notes.empty() ? "complete" : "interrupted";

  RunInfo info = ins.front().run.info;
  info.matrix_name = distinct(ins, [](const Input& in) { return in.run.info.matrix_name; }, "+");
  info.matrix_hash = distinct(ins, [](const Input& in) { return in.run.info.matrix_hash; }, "+");
  info.cell_filter = distinct(ins, [](const Input& in) { return in.run.info.cell_filter; }, "+");
  info.host = distinct(ins, [](const Input& in) { return in.run.info.host; }, "; ");
  std::set<std::string> left_out;
  for (const auto& in : ins)
    left_out.insert(in.run.info.cell_filter_out.begin(), in.run.info.cell_filter_out.end());
  info.cell_filter_out.assign(left_out.begin(), left_out.end());
  info.partition.reset();
  info.jobs = info.cells_planned = 0;
  info.tools.clear();
  info.flags.clear();
  std::string started = ins.front().run.started_at, finished;
  for (const auto& in : ins) {
    info.jobs += in.run.info.jobs;
    info.cells_planned += in.run.info.cells_planned;
    for (const auto& f : in.run.info.flags)
      if (std::none_of(info.flags.begin(), info.flags.end(), [&](const FlagFacts& g) { return g.name == f.name; }))
        info.flags.push_back(f);
    for (const auto& t : in.run.info.tools)
      if (std::none_of(info.tools.begin(), info.tools.end(), [&](const Tool& u) {
            return u.role == t.role && u.name == t.name && u.path == t.path && u.version == t.version;
          }))
        info.tools.push_back(t);
    started = std::min(started, in.run.started_at);
    finished = std::max(finished, in.run.finished_at);
  }

  std::vector<std::string> from;
  for (const auto& in : ins)
    from.push_back(describe(in));
  auto write = [&](const std::filesystem::path& path) {
    Database db(path);
    out.run = db.begin_run(info);
    try {
      for (const auto& in : ins) {
        copy_run(db.handle(), in, out.run);
        out.results += in.cells.size();
      }
    } catch (...) {
      discard_run(db.handle(), out.run);
      throw;
    }
    Statement(db.handle(), "UPDATE runs SET started_at = ?, finished_at = ?, status = ?, merged_from = ?, "
                           "lease = NULL WHERE id = ?")
        .bind(1, started)
        .bind(2, finished)
        .bind(3, out.status)
        .bind(4, join(from, "; "))
        .bind(5, out.run)
        .run();
  };
  if (std::filesystem::exists(into)) {
    write(into); // a failed copy discards the run it began
    return out;
  }
  // A new database appears whole or not at all: built aside, then renamed.
  auto aside = into;
  aside += fmt::format(".merging-{}", ::getpid());
  auto remove_aside = [&] {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(aside.string() + suffix, ec);
  };
  try {
    write(aside); // closed here: its WAL is folded into the file
    std::filesystem::rename(aside, into);
  } catch (const std::filesystem::filesystem_error& e) {
    remove_aside();
    throw FatalError(fmt::format("{}: cannot create: {}", into.string(), e.code().message()));
  } catch (...) {
    remove_aside();
    throw;
  }
  return out;
}

} // namespace amx
