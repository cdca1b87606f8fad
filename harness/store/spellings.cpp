#include "store/queries.hpp"

#include "store/columns.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace amx {

std::string SpellingChange::text() const {
  auto out = fmt::format("{} {} no longer accepts {} ({})", tool.name, tool.version, join(was, ", "), message);
  return now.empty() ? out + "; it accepts no spelling of " + flag + " the catalogue lists"
                     : out + "; use " + join(now, ", ");
}

std::vector<SpellingFact> Queries::spellings(std::int64_t run) {
  Statement q(m_db, "SELECT t.role, t.name, t.path, t.version, s.flag, s.value, s.target, s.spelling, s.args, "
                    "s.chosen, s.accepted, s.message, coalesce(s.stability, ''), s.stability_message "
                    "FROM run_spellings s JOIN toolchains t ON t.id = s.toolchain_id WHERE s.run_id = ? "
                    "ORDER BY t.role DESC, t.name, s.flag, s.target, s.value, s.rowid");
  q.bind(1, run);
  std::vector<SpellingFact> out;
  while (q.next()) {
    SpellingFact f;
    f.tool = {q.text(0), q.text(1), q.text(2), q.text(3)};
    f.flag = q.text(4);
    f.value = q.text(5);
    f.target = q.text(6);
    f.spelling = q.text(7);
    f.args = q.text(8);
    f.chosen = q.integer(9) != 0;
    if (auto accepted = optional_int(q, 10))
      f.accepted = *accepted != 0;
    f.message = q.text(11);
    f.stability = parse_stability(q.text(12));
    f.stability_message = q.text(13);
    out.push_back(std::move(f));
  }
  return out;
}

const std::vector<SpellingFact>& Queries::run_spellings(std::int64_t run) {
  if (!m_run_spellings || m_run_spellings->first != run)
    m_run_spellings.emplace(run, spellings(run));
  return m_run_spellings->second;
}

void Queries::find_spelling_changes(RunDiff& d) {
  // A compiler is the same across runs by its role and matrix name.
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  auto key = [](const SpellingFact& f) { return Key{f.tool.role, f.tool.name, f.flag, f.target, f.value}; };
  std::map<Key, const SpellingFact*> chosen_now;
  std::map<std::pair<Key, std::string>, const SpellingFact*> asked_now;
  const auto now = spellings(d.to);
  for (const auto& f : now) {
    asked_now[{key(f), f.spelling}] = &f;
    if (f.chosen)
      chosen_now[key(f)] = &f;
  }
  std::map<std::pair<std::string, std::string>, SpellingChange> by_flag; // by tool name and flag
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> refused_args;
  for (const auto& was : spellings(d.from)) {
    if (!was.chosen || was.accepted == false)
      continue;
    auto it = asked_now.find({key(was), was.spelling});
    if (it == asked_now.end() || it->second->accepted != false)
      continue;
    const SpellingFact& refused = *it->second;
    auto& change = by_flag[{refused.tool.name, refused.flag}];
    if (change.flag.empty()) {
      change.tool = refused.tool;
      change.flag = refused.flag;
      change.message = refused.message;
    }
    auto add = [](std::vector<std::string>& list, const std::string& s) {
      if (std::find(list.begin(), list.end(), s) == list.end())
        list.push_back(s);
    };
    add(change.was, was.spelling);
    if (auto c = chosen_now.find(key(was)); c != chosen_now.end() && c->second->accepted == true)
      add(change.now, c->second->spelling);
    refused_args[{refused.tool.name, refused.flag}].push_back(refused.args);
  }
  // A cell that skips now because its compiler refuses a refused spelling
  // is that change, not a change of its own.
  auto explained = [&](const CellChange& c) -> SpellingChange* {
    if (!c.after || c.after->verdict != Verdict::skip)
      return nullptr;
    for (auto& [k, change] : by_flag)
      if (c.after->reason.starts_with(k.first + " does not accept "))
        for (const auto& args : refused_args[k])
          if (c.after->reason.find(args) != std::string::npos)
            return &change;
    return nullptr;
  };
  for (auto* list : {&d.regressions, &d.fixes, &d.changed})
    std::erase_if(*list, [&](const CellChange& c) {
      SpellingChange* change = explained(c);
      if (change)
        change->cells.push_back(c.key);
      return change != nullptr;
    });
  for (auto& [k, change] : by_flag)
    d.spelling_changes.push_back(std::move(change));
}

} // namespace amx
