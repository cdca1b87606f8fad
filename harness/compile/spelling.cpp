#include "compile/spelling.hpp"

#include "compile/plan.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <map>

namespace amx {

namespace {

std::string choice_key(const Tool& tool, const std::string& flag, const std::string& target,
                       const std::string& value) {
  return join({tool.path.string(), flag, target, value}, "\x1f");
}

// One spelling of one flag value for one tool on one target, and the
// questions that ask about it.
struct Asked {
  SpellingFact fact;
  const Spelling* spelling = nullptr;
  std::string key; // choice_key
  std::optional<std::size_t> accept; // asked now: a C compiler, or one of several rustc spellings
  std::optional<std::size_t> stable; // rustc only
  bool stable_ok = false;            // rustc took it on stable terms
  std::optional<ProbeQuestion> later; // rustc's only spelling: asked alone by settle() if need be
  std::optional<ProbeQuestion> z_alone; // a -Z spelling, asked alone on stable terms if rustc takes -Z there
};

bool has_z_option(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.starts_with("-Z"); });
}

// A compiler of a target: each C compiler of the matrix and each rustc.
struct Side {
  const Tool* tool;
  Family family;
  const CCompiler* cc; // null for rustc
};

std::vector<Side> sides_of(const Matrix& m, const Toolchain& tc, const Target& t) {
  std::vector<Side> sides;
  for (const auto& cc : m.c_compilers)
    if (const Tool* tool = tc.c_compiler(cc, t))
      sides.push_back({tool, cc.family, &cc});
  for (const auto& name : m.rustcs)
    if (const Tool* tool = tc.rustc(name))
      sides.push_back({tool, Family::rustc, nullptr});
  return sides;
}

} // namespace

SpellingChoices SpellingChoices::probe(const Matrix& m, const Toolchain& tc, ProbeCache& cache,
                                       const std::filesystem::path& work,
                                       const std::function<void(const SourceFile&)>& write, unsigned jobs,
                                       const Capabilities::Progress& progress) {
  std::vector<ProbeQuestion> questions;
  std::vector<Asked> asked;
  // On stable terms rustc refuses the option -Z itself, whatever follows it
  // ("the option `Z` is only accepted on the nightly compiler"), before it
  // reads any -Z value. So it is asked once per target whether it takes
  // -Zunstable-options there; only a rustc that does (a nightly) is asked
  // about each -Z spelling. That saves some 50 rustc starts per rustc.
  std::map<std::pair<const Tool*, const Target*>, std::size_t> z_gates;
  for (const Target& t : m.targets) {
    const auto sides = sides_of(m, tc, t);
    for (const Flag* f : m.flags_in_use()) {
      if (!f->applies_to(t.name))
        continue;
      std::vector<std::string> values = {"off"};
      values.insert(values.end(), f->values.begin(), f->values.end());
      for (const auto& side : sides) {
        const bool rust = side.family == Family::rustc;
        auto candidates = f->candidates(side.family, t.name, side.tool->version);
        // A C compiler's only spelling is asked with its cells' sides.
        if (candidates.empty() || (!rust && candidates.size() < 2))
          continue;
        for (const auto& value : values) {
          std::vector<std::string> target_args;
          if (rust) {
            // Asked with the Rust target the flag needs; a flag the target
            // specification carries passes no arguments of its own.
            std::string why_not;
            // A setting never holds "off": it is the flag's absence.
            const Setting alone = value == "off" ? Setting{} : Setting{{f->name, value}};
            auto rt = rust_target_for(m, alone, t, work / "targets", why_not);
            if (!rt || (rt->target && rt->target->features_from.count(f->name)))
              continue;
            if (rt->spec)
              write(*rt->spec);
            target_args = rt->args;
          }
          for (const Spelling* sp : candidates) {
            auto spelled = f->args(sp, side.family, t.name, value);
            if (!spelled || spelled->empty())
              continue;
            Asked a;
            a.fact.tool = *side.tool;
            a.fact.flag = f->name;
            a.fact.value = value;
            a.fact.target = t.name;
            a.fact.spelling = sp->describe();
            a.fact.args = render_command(*spelled);
            a.spelling = sp;
            a.key = choice_key(*side.tool, f->name, t.name, value);
            auto args = target_args;
            args.insert(args.end(), spelled->begin(), spelled->end());
            // rustc's only spelling is its cells' either way: whether it
            // takes it shows in their sides, or, on stable terms, at once.
            if (rust && candidates.size() == 1) {
              a.later = ProbeQuestion{side.tool, &t, nullptr, args};
            } else {
              a.accept = questions.size();
              questions.push_back({side.tool, &t, side.cc, args});
            }
            if (rust && has_z_option(args)) {
              auto [gate, fresh] = z_gates.try_emplace({side.tool, &t}, questions.size());
              if (fresh)
                questions.push_back({side.tool, &t, nullptr, {"-Zunstable-options"}, true});
              a.stable = gate->second;
              a.z_alone = ProbeQuestion{side.tool, &t, nullptr, args, true};
            } else if (rust) {
              a.stable = questions.size();
              questions.push_back({side.tool, &t, nullptr, args, true});
            }
            asked.push_back(std::move(a));
          }
        }
      }
    }
  }

  SpellingChoices out;
  auto caps = Capabilities::probe(questions, cache, work, m.timeouts.compile, jobs, progress);
  std::vector<ProbeQuestion> opened;
  for (auto& a : asked)
    if (const ProbeAnswer* gate = a.z_alone ? caps.answer(questions[*a.stable]) : nullptr; gate && gate->accepted) {
      a.stable = questions.size() + opened.size();
      opened.push_back(*a.z_alone);
    }
  if (!opened.empty()) {
    caps.merge(Capabilities::probe(opened, cache, work, m.timeouts.compile, jobs, progress));
    questions.insert(questions.end(), opened.begin(), opened.end());
  }
  out.m_probed = caps.probed();
  for (auto& a : asked) {
    if (const ProbeAnswer* yes = a.accept ? caps.answer(questions[*a.accept]) : nullptr) {
      a.fact.accepted = yes->accepted;
      a.fact.message = yes->message;
    }
    if (!a.stable)
      continue;
    const ProbeAnswer* st = caps.answer(questions[*a.stable]);
    if (!st)
      continue;
    a.stable_ok = st->accepted;
    a.fact.stability_message = st->accepted ? st->warning : st->message;
    // What a stable toolchain takes, a bootstrapped one takes too.
    if (a.stable_ok && !a.fact.accepted)
      a.fact.accepted = true;
    // Else, for rustc's only spelling, its cells' sides or settle() say.
    if (a.fact.accepted)
      a.fact.stability = !*a.fact.accepted ? Stability::rejected
                         : st->accepted    ? Stability::stable
                                           : Stability::unstable;
  }
  // Candidates were asked in the order a tool's version tries them: the
  // first it accepts is chosen, else the first (its refusal skips the cells).
  std::map<std::string, std::size_t> chosen;
  for (std::size_t i = 0; i < asked.size(); i++)
    if (asked[i].fact.accepted == true && !chosen.count(asked[i].key))
      chosen.emplace(asked[i].key, i);
  for (std::size_t i = 0; i < asked.size(); i++)
    if (!chosen.count(asked[i].key))
      chosen.emplace(asked[i].key, i);
  for (const auto& [key, i] : chosen) {
    asked[i].fact.chosen = true;
    out.m_chosen.emplace(key, asked[i].spelling);
  }
  for (auto& a : asked) {
    out.m_stable_ok.push_back(a.stable_ok);
    if (a.later && !a.fact.accepted)
      out.m_later.emplace_back(out.m_facts.size(), *a.later);
    out.m_facts.push_back(std::move(a.fact));
  }
  return out;
}

std::size_t SpellingChoices::settle(ProbeCache& cache, const std::filesystem::path& work,
                                    std::chrono::milliseconds timeout, unsigned jobs) {
  std::vector<ProbeQuestion> questions;
  std::vector<std::size_t> facts;
  for (const auto& [i, q] : m_later)
    if (!m_facts[i].accepted) {
      facts.push_back(i);
      questions.push_back(q);
    }
  m_later.clear();
  if (questions.empty())
    return 0;
  auto caps = Capabilities::probe(questions, cache, work, timeout, jobs);
  for (std::size_t k = 0; k < facts.size(); k++) {
    auto& f = m_facts[facts[k]];
    if (const ProbeAnswer* a = caps.answer(questions[k])) {
      f.accepted = a->accepted;
      f.message = a->message;
      f.stability = a->accepted ? Stability::unstable : Stability::rejected;
    }
  }
  return caps.probed();
}

void SpellingChoices::accepted_with(const Tool& rustc, const std::string& target, const Setting& side,
                                    const std::vector<std::string>& args) {
  const std::string whole = " " + render_command(args) + " ";
  for (std::size_t i = 0; i < m_facts.size(); i++) {
    auto& f = m_facts[i];
    if (f.accepted == true || f.tool.path != rustc.path || f.target != target || value_of(side, f.flag) != f.value ||
        whole.find(" " + f.args + " ") == std::string::npos)
      continue;
    if (f.accepted == false)
      f.message = "refused alone, taken with the other flags of a side: " + f.message;
    f.accepted = true;
    f.stability = m_stable_ok[i] ? Stability::stable : Stability::unstable;
  }
}

std::optional<std::vector<std::string>> SpellingChoices::args(const Tool& tool, Family family, const Flag& flag,
                                                              const std::string& target,
                                                              const std::string& value) const {
  auto it = m_chosen.find(choice_key(tool, flag.name, target, value));
  if (it != m_chosen.end())
    return flag.args(it->second, family, target, value);
  return flag.args(family, target, value, tool.version);
}

} // namespace amx
