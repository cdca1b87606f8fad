#include "compile/capability.hpp"

#include "compile/commands.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"
#include "util/thread_pool.hpp"

#include <fmt/format.h>

#include <fstream>
#include <set>

namespace amx {

namespace {

// An indirect call and a return: enough for every flag to reach code
// generation, so a compiler that only objects there is still caught.
constexpr const char* kCProbe = "int amx_probe(int (*f)(int)) { return f(1) + 1; }\n";
constexpr const char* kRustProbe =
    "#![feature(no_core)]\n#![no_core]\n#![allow(internal_features)]\n";

std::string answer_key(const std::string& tool, const std::string& target, const std::string& args) {
  return join({tool, target, args}, "\x1f");
}

struct Question {
  const Tool* tool;
  Family family;
  const Target* target;
  const CCompiler* cc; // for C compilers
  std::vector<std::string> args;
};

// Every value a matrix can give a flag on a target: the varied values and
// those its include rules name.
std::map<std::string, std::set<std::string>> values_in_use(const Matrix& m) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& used : m.flags)
    out[used.name].insert(used.values.begin(), used.values.end());
  for (const auto& inc : m.includes)
    for (const auto* side : {&inc.c, &inc.rust})
      for (const auto& [flag, value] : *side)
        out[flag].insert(value);
  for (const auto& name : m.profiles)
    for (const auto& [flag, value] : m.profile_catalogue.at(name).flags)
      out[flag].insert(value);
  return out;
}

} // namespace

Capabilities Capabilities::probe(const Matrix& m, const Toolchain& tc, ProbeCache& cache,
                                 const std::filesystem::path& work, unsigned jobs) {
  Capabilities caps;
  std::vector<Question> questions;
  std::set<std::string> asked;
  std::set<const Tool*> loaded;
  auto ask = [&](const Tool* tool, Family family, const Target& t, const CCompiler* cc,
                 const std::vector<std::string>& args) {
    if (loaded.insert(tool).second)
      for (auto& a : cache.probes(tool->path.string(), tool->version))
        caps.m_answers.emplace(answer_key(tool->path.string(), a.target, a.args), a);
    auto key = answer_key(tool->path.string(), t.name, render_command(args));
    if (caps.m_answers.count(key) || !asked.insert(key).second)
      return;
    questions.push_back({tool, family, &t, cc, args});
  };
  auto values = values_in_use(m);
  for (const auto& t : m.targets) {
    for (const auto& [name, vals] : values) {
      const Flag& flag = m.catalogue.at(name);
      if (!flag.applies_to(t.name))
        continue;
      for (const auto& v : vals) {
        for (const auto& cc : m.c_compilers)
          if (const Tool* tool = tc.c_compiler(cc, t))
            if (auto args = flag.args(cc.family, t.name, v); args && !args->empty())
              ask(tool, cc.family, t, &cc, *args);
        for (const auto& r : m.rustcs)
          if (const Tool* rustc = tc.rustc(r))
            if (auto args = flag.args(Family::rustc, t.name, v); args && !args->empty())
              ask(rustc, Family::rustc, t, nullptr, *args);
      }
    }
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

  std::vector<ProbeAnswer> answers(questions.size());
  parallel_for(questions.size(), jobs, [&](std::size_t i) {
      const Question& q = questions[i];
      ProcessSpec spec;
      spec.exe = q.tool->path;
      spec.cwd = dir;
      spec.timeout = m.timeouts.compile;
      spec.output_cap = 64 << 10;
      auto out = dir / fmt::format("out-{}", i);
      if (q.family == Family::rustc) {
        spec.args = rust_args("rlib", fmt::format("probe{}", i), *q.target, q.args);
        spec.args.insert(spec.args.end(), {(dir / "probe.rs").string(), "-o", out.string()});
        spec.extra_env = {"RUSTC_BOOTSTRAP=1"};
      } else {
        // -Werror: clang only warns about an argument it ignores.
        spec.args = c_base_args(*q.cc, *q.target);
        spec.args.insert(spec.args.end(), q.args.begin(), q.args.end());
        spec.args.insert(spec.args.end(), {"-Werror", "-c", (dir / "probe.c").string(), "-o", out.string()});
      }
      auto r = run_process(spec);
      if (!r.started)
        throw FatalError(fmt::format("cannot run {}: {}", q.tool->path.string(), r.spawn_error));
      answers[i] = {q.target->name, render_command(q.args), r.ok(), r.ok() ? "" : first_error_line(r.output)};
  });

  std::map<const Tool*, std::vector<ProbeAnswer>> by_tool;
  for (std::size_t i = 0; i < questions.size(); i++) {
    by_tool[questions[i].tool].push_back(answers[i]);
    caps.m_answers[answer_key(questions[i].tool->path.string(), answers[i].target, answers[i].args)] = answers[i];
  }
  for (const auto& [tool, list] : by_tool)
    cache.store_probes(tool->path.string(), tool->version, list);
  caps.m_probed = questions.size();
  return caps;
}

std::optional<std::string> Capabilities::refusal(const Tool& tool, const Target& t,
                                                 const std::vector<std::string>& args) const {
  auto it = m_answers.find(answer_key(tool.path.string(), t.name, render_command(args)));
  if (it == m_answers.end() || it->second.accepted)
    return std::nullopt;
  return fmt::format("{} does not accept {} for {}: {}", tool.name, render_command(args), t.name, it->second.message);
}

} // namespace amx
