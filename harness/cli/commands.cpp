#include "cli/commands.hpp"

#include "cli/help_pages.hpp"
#include "cli/subcommands.hpp"
#include "matrix/expand.hpp"
#include "matrix/load.hpp"
#include "matrix/select.hpp"
#include "store/merge.hpp"
#include "util/error.hpp"
#include "util/text.hpp"
#include "util/version.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace amx {

std::string matrix_file(const std::string& arg) {
  std::error_code ec;
  if (arg.empty() || arg.find('/') != std::string::npos || std::filesystem::exists(arg, ec))
    return arg;
  const auto file = arg.ends_with(".yaml") ? arg : arg + ".yaml";
  for (const auto& dir : matrix_dirs()) {
    if (!std::filesystem::is_directory(dir, ec))
      continue;
    if (std::filesystem::is_regular_file(dir / file, ec))
      return (dir / file).string();
    std::vector<std::string> shipped;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (e.path().extension() == ".yaml")
        shipped.push_back(e.path().stem().string());
    std::sort(shipped.begin(), shipped.end());
    throw FatalError(fmt::format("{}: no such file here, nor a shipped matrix of that name in {} ({})", arg,
                                 dir.string(), join(shipped, ", ")));
  }
  return arg;
}

std::filesystem::path work_root(const std::string& db) {
  const std::filesystem::path file(db);
  return file.parent_path() / "work" / file.stem();
}

std::filesystem::path work_folder(const std::string& db, const std::string& given, const std::string& name) {
  return std::filesystem::absolute(given.empty() ? work_root(db) / name : std::filesystem::path(given));
}

namespace {

constexpr int kExitConfig = 2;
constexpr int kExitEmpty = 4;

// Streams the cells, so a matrix of millions plans in bounded memory; a
// shard needs the keys of every selected cell first, then a second pass.
int plan(const std::string& matrix_path, const std::string& format, const std::string& filter,
         const std::vector<std::string>& filter_out, const std::string& partition) {
  Matrix m = load_matrix(matrix_file(matrix_path));
  std::optional<std::set<std::string>> shard;
  if (!partition.empty()) {
    std::vector<std::string> keys;
    for_each_cell(m, [&](const Cell& c) {
      if (selected(c, filter, filter_out))
        keys.push_back(c.key);
    });
    shard = partition_keys(std::move(keys), parse_partition(partition));
  }
  const bool json = format == "json";
  std::size_t count = 0;
  if (json)
    fmt::print(stdout, "{{\n  \"cells\": [");
  for_each_cell(m, [&](const Cell& c) {
    if (!selected(c, filter, filter_out) || (shard && !shard->count(c.key)))
      return;
    if (!json) {
      fmt::print(stdout, "{}  {:<9}  expect {}  {}\n", c.key, to_string(c.pairing), to_string(c.expected), c.name);
    } else {
      nlohmann::json j = {{"key", c.key},
                          {"name", c.name},
                          {"target", c.target->name},
                          {"fixture", c.fixture->name},
                          {"c_compiler", c.c_compiler->name},
                          {"rustc", c.rustc},
                          {"c_setting", to_string(c.c)},
                          {"rust_setting", to_string(c.rust)},
                          {"pairing", to_string(c.pairing)},
                          {"expected", to_string(c.expected)},
                          {"expect_reason", c.expect_reason}};
      fmt::print(stdout, "{}\n    {}", count ? "," : "", j.dump());
    }
    count++;
  });
  if (json)
    fmt::print(stdout, "\n  ],\n  \"count\": {},\n  \"hash\": {},\n  \"matrix\": {},\n  \"name\": {}\n}}\n", count,
              nlohmann::json(m.hash).dump(), nlohmann::json(m.path.string()).dump(), nlohmann::json(m.name).dump());
  else
    fmt::print(stdout, "{} cells\n", count);
  return 0;
}

int merge(const std::vector<std::string>& inputs, const std::string& into, const MergeOptions& options) {
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  auto out = merge_runs(paths, into, options);
  fmt::print("merged {} results from {} databases into run {} of {} ({})\n", out.results, inputs.size(), out.run, into,
             out.status);
  for (const auto& note : out.notes)
    fmt::print("  {}\n", note);
  return out.notes.empty() ? 0 : 1;
}

} // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"abimatrix: what happens when C and Rust built with different ABI flags are linked together"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("abimatrix ") + harness_version());

  std::string plan_matrix, plan_format = "table", plan_filter, plan_partition;
  std::vector<std::string> plan_filter_out;
  auto* plan_cmd = app.add_subcommand("plan", "print the cells of a matrix without building anything");
  plan_cmd->add_option("matrix", plan_matrix, "matrix YAML file, or the name of a shipped one (smoke)")->required();
  plan_cmd->add_option("--format", plan_format, "table or json")->check(CLI::IsMember({"table", "json"}));
  plan_cmd->add_option("--filter", plan_filter, "only cells whose name contains this glob, or whose key starts with it");
  plan_cmd->add_option("--filter-out", plan_filter_out,
                       "leave out the cells whose name contains this glob, or whose key starts with it (repeatable)")
      ->check(kFilterOut);
  plan_cmd->add_option("--partition", plan_partition, "only shard K of N (K/N), as `run --partition` runs it");

  std::vector<std::string> merge_inputs;
  std::string merge_into;
  bool merge_other_matrices = false, merge_other_tools = false;
  auto* merge_cmd = app.add_subcommand(
      "merge", "join the shards of one run (run --partition K/N, one database each) into one run of another "
               "database; exits 1 when the merged run lacks a shard or a shard was cut short");
  merge_cmd->add_option("inputs", merge_inputs, "shard databases; the newest run of each is taken")->required();
  merge_cmd->add_option("--into", merge_into, "the database that receives the run (created when missing)")->required();
  merge_cmd->add_flag("--allow-different-matrices", merge_other_matrices, "merge runs of different matrices or filters");
  merge_cmd->add_flag("--allow-different-tools", merge_other_tools, "merge runs that used different tools");

  RunCommand run(app);
  QueryCommands queries(app);
  ReportCommand report(app);
  CellCommands cell(app);

  std::string shell;
  auto* completions_cmd = app.add_subcommand(
      "completions", "print a shell completion script (bash: save it as "
                     "/usr/share/bash-completion/completions/abimatrix, or source it)");
  completions_cmd->add_option("shell", shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  auto* man_cmd = app.add_subcommand("man", "print the manual page, abimatrix(1), in roff (man -l reads it)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitConfig;
  }
  try {
    if (*completions_cmd) {
      fmt::print("{}", completion_script(app, shell));
      return 0;
    }
    if (*man_cmd) {
      fmt::print("{}", man_page(app, harness_version()));
      return 0;
    }
    if (*plan_cmd)
      return plan(plan_matrix, plan_format, plan_filter, plan_filter_out, plan_partition);
    if (*merge_cmd)
      return merge(merge_inputs, merge_into,
                   {merge_other_matrices ? AllowDifferent::yes : AllowDifferent::no,
                    merge_other_tools ? AllowDifferent::yes : AllowDifferent::no});
    if (auto code = queries.dispatch())
      return *code;
    if (auto code = report.dispatch())
      return *code;
    if (auto code = cell.dispatch())
      return *code;
    return *run.dispatch();
  } catch (const EmptySelection& e) {
    fmt::print(stderr, "abimatrix: {}\n", e.what());
    return kExitEmpty;
  } catch (const FatalError& e) {
    std::string msg = e.what();
    if (!msg.empty() && msg.back() == '\n')
      msg.pop_back();
    fmt::print(stderr, "abimatrix: {}\n", msg);
    return kExitConfig;
  } catch (const std::exception& e) {
    // Not one of ours: a library threw. Still a message and exit 2, never
    // an abort.
    fmt::print(stderr, "abimatrix: internal error: {}\n", e.what());
    return kExitConfig;
  } catch (...) {
    fmt::print(stderr, "abimatrix: internal error: an exception of unknown type\n");
    return kExitConfig;
  }
}

} // namespace amx
