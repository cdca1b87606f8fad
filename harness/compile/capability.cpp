#include "compile/capability.hpp"

#include "compile/commands.hpp"
#include "util/content_hash.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"
#include "util/text.hpp"
#include "util/thread_pool.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <mutex>
#include <set>

namespace amx {

namespace {

// An indirect call and a return: enough for every flag to reach code
// generation, so a compiler that only objects there is still caught.
constexpr const char* kCProbe = "int amx_probe(int (*f)(int)) { return f(1) + 1; }\n";
constexpr const char* kRustProbe =
    "#![feature(no_core)]\n#![no_core]\n#![allow(internal_features)]\n";

// An answer's key: the tool, the target and the arguments as kept.
std::string answer_key(const std::string& tool, const std::string& target, const std::string& args,
                       bool stable_terms) {
  return join({tool, target, args, stable_terms ? "stable" : ""}, "\x1f");
}

// The first line rustc or a compiler warns with, without its "warning: ".
std::string first_warning(const std::string& output) {
  for (const auto& line : split_lines(output))
    if (line.starts_with("warning: "))
      return line.substr(9);
  return "";
}

} // namespace

std::string Capabilities::key_args(const std::vector<std::string>& args) const {
  return replace_all(render_command(args), m_work, "$W");
}

std::string Capabilities::key(const Tool& tool, const Target& t, const std::vector<std::string>& args,
                              bool stable_terms) const {
  return answer_key(tool.path.string(), t.name, key_args(args), stable_terms);
}

std::vector<std::pair<const ProbeQuestion*, std::string>> Capabilities::load(const std::vector<ProbeQuestion>& all,
                                                                             ProbeCache& cache) {
  std::vector<std::pair<const ProbeQuestion*, std::string>> unknown;
  std::set<std::string> asked;
  std::set<const Tool*> loaded;
  for (const auto& q : all) {
    if (loaded.insert(q.tool).second)
      for (auto& a : cache.probes(q.tool->path.string(), q.tool->version))
        m_answers.emplace(answer_key(q.tool->path.string(), a.target, a.args, a.stable_terms), a);
    auto k = key(*q.tool, *q.target, q.args, q.stable_terms);
    if (!m_answers.count(k) && asked.insert(k).second)
      unknown.emplace_back(&q, std::move(k));
  }
  return unknown;
}

Capabilities Capabilities::known(const std::vector<ProbeQuestion>& questions, ProbeCache& cache,
                                 const std::filesystem::path& work) {
  Capabilities caps;
  caps.m_work = work.string();
  caps.load(questions, cache);
  return caps;
}

void Capabilities::merge(const Capabilities& other) {
  for (const auto& [k, a] : other.m_answers)
    m_answers.insert_or_assign(k, a);
  m_probed += other.m_probed;
}

Capabilities Capabilities::probe(const std::vector<ProbeQuestion>& all, ProbeCache& cache,
                                 const std::filesystem::path& work, std::chrono::milliseconds timeout,
                                 unsigned jobs, const Progress& progress) {
  Capabilities caps;
  caps.m_work = work.string();
  std::vector<const ProbeQuestion*> questions;
  std::vector<std::string> keys; // each question's
  for (auto& [q, k] : caps.load(all, cache)) {
    questions.push_back(q);
    keys.push_back(std::move(k));
  }
  if (questions.empty())
    return caps;

  auto dir = work / "probe";
  std::filesystem::create_directories(dir);
  for (auto [file, text] : {std::pair{"probe.c", kCProbe}, {"probe.rs", kRustProbe}}) {
    std::ofstream out(dir / file);
    out << text;
    if (!out)
      throw FatalError(fmt::format("cannot write {}", (dir / file).string()));
  }

  // Unset for a probe that did not run to its end.
  std::vector<std::optional<ProbeAnswer>> answers(questions.size());
  std::mutex told;
  std::size_t done = 0;
  parallel_for(questions.size(), jobs, [&](std::size_t i) {
      const ProbeQuestion& q = *questions[i];
      ProcessSpec spec;
      spec.exe = q.tool->path;
      spec.cwd = dir;
      spec.timeout = timeout;
      spec.output_cap = 64 << 10;
      auto out = dir / fmt::format("out-{}", i);
      if (!q.cc) {
        spec.args = rust_args("rlib", fmt::format("probe{}", i), *q.target, q.args);
        if (q.stable_terms) {
          spec.args.push_back("--print=cfg");
        } else {
          spec.args.insert(spec.args.end(), {(dir / "probe.rs").string(), "-o", out.string()});
          spec.extra_env = {"RUSTC_BOOTSTRAP=1"};
        }
      } else {
        // -Werror: clang only warns about an argument it ignores.
        spec.args = c_base_args(*q.cc, *q.target);
        spec.args.insert(spec.args.end(), q.args.begin(), q.args.end());
        spec.args.insert(spec.args.end(), {"-Werror", "-c", (dir / "probe.c").string(), "-o", out.string()});
      }
      auto r = run_process(spec);
      if (!r.started)
        throw FatalError(fmt::format("cannot run {}: {}", q.tool->path.string(), r.spawn_error));
      // A compiler stopped by the timeout, a signal (Ctrl-C) or the output
      // cap said nothing about the flags: no answer, asked again next time,
      // and its cells go on to compile and say for themselves.
      if (r.timed_out || r.signal || r.output_capped)
        return;
      // The probe's own folder says nothing and differs per run.
      auto said = replace_all(first_error_line(r.output), (dir / "").string(), "");
      if (said.empty())
        said = fmt::format("exit {} without a message", r.exit_code);
      answers[i] = ProbeAnswer{q.target->name, caps.key_args(q.args), r.ok(), r.ok() ? "" : said, q.stable_terms,
                               r.ok() ? first_warning(r.output) : ""};
      if (progress) {
        std::lock_guard lock(told);
        progress(++done, questions.size());
      }
  });

  std::map<const Tool*, std::vector<ProbeAnswer>> by_tool;
  for (std::size_t i = 0; i < questions.size(); i++) {
    if (!answers[i])
      continue;
    by_tool[questions[i]->tool].push_back(*answers[i]);
    caps.m_answers[keys[i]] = *answers[i];
    caps.m_probed++;
  }
  for (const auto& [tool, list] : by_tool)
    cache.store_probes(tool->path.string(), tool->version, list);
  return caps;
}

std::filesystem::path ProbeFolder::file(const std::string& tool_path, const std::string& tool_version) const {
  return m_dir / (content_hash(tool_path + "\n" + tool_version) + ".json");
}

std::vector<ProbeAnswer> ProbeFolder::probes(const std::string& tool_path, const std::string& tool_version) {
  std::ifstream in(file(tool_path, tool_version));
  std::vector<ProbeAnswer> out;
  if (!in)
    return out;
  try {
    const auto kept = nlohmann::json::parse(in);
    for (const auto& a : kept.at("answers"))
      out.push_back({a.at("target").get<std::string>(), a.at("args").get<std::string>(),
                     a.at("accepted").get<bool>(), a.at("message").get<std::string>(), a.value("stable", false),
                     a.value("warning", "")});
  } catch (const std::exception&) {
    return {};
  }
  return out;
}

void ProbeFolder::store_probes(const std::string& tool_path, const std::string& tool_version,
                               const std::vector<ProbeAnswer>& answers) {
  std::map<std::string, ProbeAnswer> all;
  for (auto& a : probes(tool_path, tool_version))
    all[answer_key("", a.target, a.args, a.stable_terms)] = a;
  for (const auto& a : answers)
    all[answer_key("", a.target, a.args, a.stable_terms)] = a;
  nlohmann::json j = {{"tool", tool_path}, {"version", tool_version}, {"answers", nlohmann::json::array()}};
  for (const auto& [k, a] : all)
    j["answers"].push_back({{"target", a.target},
                            {"args", a.args},
                            {"accepted", a.accepted},
                            {"message", a.message},
                            {"stable", a.stable_terms},
                            {"warning", a.warning}});
  std::error_code ec;
  std::filesystem::create_directories(m_dir, ec);
  try {
    replace_file(file(tool_path, tool_version), j.dump(1) + "\n", "the probe answers");
  } catch (const FatalError&) {
    // A cache we cannot write costs only the asking again.
  }
}

std::optional<std::string> Capabilities::refusal(const Tool& tool, const Target& t,
                                                 const std::vector<std::string>& args) const {
  auto it = m_answers.find(key(tool, t, args, false));
  if (it == m_answers.end() || it->second.accepted)
    return std::nullopt;
  return fmt::format("{} does not accept {} for {}: {}", tool.name, render_command(args), t.name, it->second.message);
}

const ProbeAnswer* Capabilities::answer(const ProbeQuestion& q) const {
  auto it = m_answers.find(key(*q.tool, *q.target, q.args, q.stable_terms));
  return it == m_answers.end() ? nullptr : &it->second;
}

} // namespace amx
