#include "report/markdown.hpp"

#include "model/cell.hpp"
#include "model/conclusion.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

namespace amx {

namespace {

// Pairings in the order the reports show them; others follow by name.
const std::vector<std::string> kPairingOrder = {"matched", "c-only", "rust-only", "one-off"};

std::string code(const std::string& s) {
  auto t = markdown_text(s);
  // A backtick inside needs a longer fence, and spaces so it is not part of it.
  return t.find('`') == std::string::npos ? "`" + t + "`" : "`` " + t + " ``";
}

// "failed at run", "passed", "skipped"; unexpected ones in bold.
std::string said(const ResultRow& r) {
  if (r.verdict == Verdict::pass)
    return "passed";
  if (r.verdict == Verdict::skip)
    return "skipped";
  if (r.verdict == Verdict::xpass)
    return "**passed, expected to fail**";
  std::string at = r.stage ? " at " + to_string(*r.stage) : "";
  return r.verdict == Verdict::fail ? "**failed" + at + ", expected to pass**" : "failed" + at;
}

bool has_flag(const ShownResult& s, const std::string& flag) {
  return s.result.c.count(flag) || s.result.rust.count(flag);
}

std::vector<std::string> pairings_of(const std::vector<const ShownResult*>& cells) {
  std::set<std::string> seen;
  for (const auto* c : cells)
    seen.insert(to_string(c->result.pairing));
  std::vector<std::string> out;
  for (const auto& p : kPairingOrder)
    if (seen.erase(p))
      out.push_back(p);
  out.insert(out.end(), seen.begin(), seen.end());
  return out;
}

// "2 passed; 2 failed at run" for the cells of one pairing.
std::string tally(const std::vector<const ShownResult*>& cells, const std::string& pairing) {
  std::vector<std::pair<std::string, std::size_t>> counts;
  for (const auto* c : cells) {
    if (to_string(c->result.pairing) != pairing)
      continue;
    auto phrase = said(c->result);
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& kv) { return kv.first == phrase; });
    if (it == counts.end())
      counts.emplace_back(phrase, 1);
    else
      it->second++;
  }
  std::vector<std::string> parts;
  for (const auto& [phrase, n] : counts)
    parts.push_back(fmt::format("{} {}", n, phrase));
  return parts.empty() ? "–" : join(parts, "; ");
}

std::string where(const ResultRow& r) {
  return fmt::format("{} {} {}/{}", r.target, r.fixture, r.c_compiler, r.rustc);
}

// The rustc options named in text: the flag's rustc spellings ("rustc:
// -Zregparm={value}" -> regparm) or rustc's refusal ("mixing `-Zregparm`").
std::set<std::string> rustc_options(const std::string& text, const std::regex& where) {
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), where), end; it != end; ++it)
    out.insert((*it)[1]);
  return out;
}

// The options rustc names when it refuses to mix crates ("mixing
// `-Zregparm` will cause an ABI mismatch").
std::set<std::string> refused_options(const std::string& message) {
  static const std::regex named(R"(mixing `-[ZC]\s*([a-z0-9-]+))");
  return rustc_options(message, named);
}

std::set<std::string> options_of(const FlagFacts& f) {
  static const std::regex spelled(R"(-[ZC]\s*([a-z0-9-]+))");
  // "clang: ...; rustc: -Zregparm={value}; aarch64 rustc: ...": the rustc parts.
  std::string rustc;
  for (std::size_t at = f.spellings.find("rustc:"); at != std::string::npos; at = f.spellings.find("rustc:", at + 1))
    rustc += f.spellings.substr(at, f.spellings.find("; ", at) - at) + " ";
  return rustc_options(rustc, spelled);
}

// What rustc says about linking Rust crates that differ in the flag. Only
// "mixing `-Z...` will cause an ABI mismatch" is RFC 3716's target-modifier
// check, and it counts for the flag whose option it names: a profile's cell
// differs in several flags, and rustc names the one it guards. Crates of
// two targets are refused for the triple (E0461), which says nothing about
// the flag itself.
std::string rust_mix_summary(const std::vector<const ShownResult*>& cells, const FlagFacts* f, std::string* example) {
  const auto mine = f ? options_of(*f) : std::set<std::string>{};
  std::size_t tried = 0, modifier = 0, another = 0, triple = 0, other = 0;
  std::set<std::string> others;
  for (const auto* c : cells) {
    if (!c->rust_mix || c->rust_mix->minicore_setting == c->rust_mix->crate_setting)
      continue;
    tried++;
    if (!c->rust_mix->refused)
      continue;
    const auto& message = c->rust_mix->message;
    if (message.find("will cause an ABI mismatch") != std::string::npos) {
      auto said = refused_options(message);
      bool about_this = !f || std::any_of(said.begin(), said.end(), [&](const auto& o) { return mine.count(o); });
      if (about_this) {
        modifier++;
        if (example && example->empty())
          *example = first_line(message);
      } else {
        another++;
        for (const auto& o : said)
          others.insert("-Z" + o);
      }
    } else if (message.find("E0461") != std::string::npos) {
      triple++;
    } else {
      other++;
    }
  }
  if (!tried)
    return "not tried";
  if (modifier == tried)
    return "refuses";
  std::vector<std::string> parts;
  if (modifier)
    parts.push_back(fmt::format("refuses {} of {}", modifier, tried));
  if (another)
    parts.push_back(fmt::format("{} of {} refused for another flag ({})", another, tried,
                                join(std::vector<std::string>(others.begin(), others.end()), ", ")));
  if (triple)
    parts.push_back(fmt::format("{} of {} refused only for their other target triple", triple, tried));
  if (other)
    parts.push_back(fmt::format("{} of {} refused otherwise", other, tried));
  if (auto accepted = tried - modifier - another - triple - other)
    parts.push_back(accepted == tried ? "accepts" : fmt::format("accepts {} of {}", accepted, tried));
  return join(parts, "; ");
}

// "CASE: NAME, NAME (+N more); CASE: SIGSEGV": a cell's failing checks,
// by test case, short enough for a table cell.
std::string failing_checks_text(const std::vector<CheckResult>& checks) {
  std::vector<std::pair<std::string, std::vector<std::string>>> by_case;
  for (const auto& c : checks) {
    if (c.held)
      continue;
    const bool is_case = c.kind != CheckKind::value && c.kind != CheckKind::property && c.property != "program";
    auto where = c.kind == CheckKind::property ? std::string("properties") : c.test;
    auto it = std::find_if(by_case.begin(), by_case.end(), [&](const auto& g) { return g.first == where; });
    if (it == by_case.end())
      it = by_case.insert(by_case.end(), {where, {}});
    it->second.push_back(is_case ? check_outcome(c) : c.property);
  }
  std::vector<std::string> parts;
  for (const auto& [where, names] : by_case) {
    auto shown = names.size() > 3 ? fmt::format("{}, {}, {} (+{} more)", names[0], names[1], names[2], names.size() - 3)
                                  : join(names, ", ");
    parts.push_back(where.empty() ? shown : where + ": " + shown);
  }
  return join(parts, "; ");
}

struct Section {
  std::string flag, body, details;
  bool details_left_out = false, left_out = false;
};

Section flag_section(const FlagFacts* f, const std::string& title, const std::vector<const ShownResult*>& cells) {
  Section s;
  s.flag = f ? f->name : title;
  std::string b;
  if (f) {
    b += fmt::format("### {} ({}{})\n\n", code(f->name), f->cls, f->targets.empty() ? "" : "; " + f->targets);
    if (!f->description.empty())
      b += markdown_text(f->description) + "\n\n";
    if (!f->spellings.empty())
      b += "Spellings: " + code(f->spellings) + "\n\n";
    std::string example;
    auto mix = rust_mix_summary(cells, f, &example);
    if (mix != "not tried")
      b += fmt::format("Linking Rust crates that differ in it (RFC 3716 target modifiers), rustc: {}{}.\n\n",
                       mix == "refuses" ? "refuses all" : mix, example.empty() ? "" : ", e.g. " + code(example));
  } else {
    b += fmt::format("### {}\n\n", title);
  }
  for (const auto& pairing : pairings_of(cells)) {
    std::size_t n = std::count_if(cells.begin(), cells.end(), [&](auto* c) { return to_string(c->result.pairing) == pairing; });
    b += fmt::format("- **{}** ({}): {}\n", pairing, n, tally(cells, pairing));
    // One example per way of failing, with the reason it was expected.
    std::set<std::string> shown;
    for (const auto* c : cells) {
      const auto& r = c->result;
      if (to_string(r.pairing) != pairing || r.verdict == Verdict::pass || !shown.insert(said(r)).second)
        continue;
      b += fmt::format("  - {}: {}, e.g. {}: {}\n", said(r), r.verdict == Verdict::skip ? "because" : "reason",
                       markdown_text(where(r) + " " + "c:" + to_string(r.c) + " rust:" + to_string(r.rust)),
                       markdown_text(r.reason));
      if (r.expected == Expected::fail && !c->expect_reason.empty() && pairing == "matched")
        b += fmt::format("    (expected: {})\n", markdown_text(c->expect_reason));
    }
  }
  s.body = b + "\n";
  std::string d = fmt::format("<details><summary>The {} cells</summary>\n\n", cells.size());
  d += "| cell | target | fixture | compilers | C side | Rust side | outcome | reason | failing checks |\n"
       "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto* c : cells) {
    const auto& r = c->result;
    d += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", code(r.key), r.target, r.fixture,
                     markdown_text(r.c_compiler + "/" + r.rustc), code(to_string(r.c)), code(to_string(r.rust)), said(r),
                     markdown_text(r.reason), markdown_text(failing_checks_text(c->checks)));
  }
  s.details = d + "\n</details>\n\n";
  return s;
}

// Whether rustc refused to mix the crates of these cells over this flag.
MixGuard mix_guard(const std::vector<const ShownResult*>& cells, const FlagFacts& f) {
  const auto mine = options_of(f);
  std::size_t tried = 0, refused = 0;
  for (const auto* c : cells) {
    if (!c->rust_mix || c->rust_mix->minicore_setting == c->rust_mix->crate_setting)
      continue;
    tried++;
    auto said = refused_options(c->rust_mix->refused ? c->rust_mix->message : "");
    refused += std::any_of(said.begin(), said.end(), [&](const auto& o) { return mine.count(o); });
  }
  return !tried ? MixGuard::untested : refused == tried ? MixGuard::refuses : refused ? MixGuard::partly
                                                                                       : MixGuard::accepts;
}

bool failed_before_check(const ResultRow& r) {
  return (r.verdict == Verdict::xfail || r.verdict == Verdict::fail) && r.stage && *r.stage != Stage::check;
}

// The reproducer a reason names, as a code span; "" when it names none.
std::string reproducer_in(const std::string& reason) {
  static const std::regex script(R"(scripts/repro/[A-Za-z0-9_.-]+\.sh)");
  std::smatch m;
  return std::regex_search(reason, m, script) ? code(m.str()) : "";
}

// RFC 3716's question, answered per flag from the run: what a mismatch
// between C and Rust in this flag alone does, whether rustc (each of the
// run's) refuses to mix Rust crates that differ in it, and the conclusion.
std::string conclusion_table(const std::vector<std::pair<const FlagFacts*, std::vector<const ShownResult*>>>& flags,
                             const std::vector<std::string>& rustcs) {
  std::string t = "| flag | class | C and Rust differing in it alone |";
  for (const auto& rc : rustcs)
    t += fmt::format(" rustc `{}` mixing Rust crates |", markdown_text(rc));
  t += " RFC 3716 |\n|---|---|---|";
  for (std::size_t i = 0; i < rustcs.size(); i++)
    t += "---|";
  t += "---|\n";
  for (const auto& [f, cells] : flags) {
    std::vector<const ShownResult*> alone;
    const ResultRow* broke = nullptr;
    const ResultRow* lost = nullptr;
    const ShownResult* defect = nullptr;
    std::set<std::string> quiet_fixtures;
    bool ran = false;
    for (const auto* c : cells) {
      const auto& r = c->result;
      if (r.pairing == Pairing::matched && failed_before_check(r) && !defect)
        defect = c;
      // A cell whose failure a known toolchain defect explains says nothing
      // about the mismatch (kcfi-arity alone, over rustc's merged functions).
      if (differing_flags(r.c, r.rust) != std::vector<std::string>{f->name} || r.verdict == Verdict::skip ||
          c->expect_reason.starts_with("toolchain defect"))
        continue;
      alone.push_back(c);
      ran = true;
      if (failed_before_check(r))
        broke = broke ? broke : &r;
      else if (r.verdict == Verdict::xfail || r.verdict == Verdict::fail)
        lost = lost ? lost : &r;
      else
        quiet_fixtures.insert(r.fixture);
    }
    auto effect = !ran ? MismatchEffect::untested
                  : broke ? MismatchEffect::breaks
                  : lost  ? MismatchEffect::loses_property
                          : MismatchEffect::none;
    // One example: the first thing its reason says, on its target and fixture.
    auto example = [](const ResultRow& r) {
      auto said = first_line(r.reason.substr(0, r.reason.find("; ")));
      if (said.size() > 100)
        said = said.substr(0, 100) + "…";
      return fmt::format("{} ({} {})", markdown_text(said), r.target, r.fixture);
    };
    std::string what = to_string(effect);
    if (broke)
      what += fmt::format(" at {}: {}", to_string(*broke->stage), example(*broke));
    else if (lost)
      what += ": " + example(*lost);
    else if (effect == MismatchEffect::none)
      what += " on " + join(std::vector<std::string>(quiet_fixtures.begin(), quiet_fixtures.end()), ", ");
    t += fmt::format("| {} | {} | {} |", code(f->name), f->cls, what);
    MixGuard overall = MixGuard::untested;
    for (const auto& rc : rustcs) {
      std::vector<const ShownResult*> mine;
      for (const auto* c : alone)
        if (c->result.rustc == rc)
          mine.push_back(c);
      auto g = mix_guard(mine, *f);
      t += g == MixGuard::refuses  ? " refuses |"
           : g == MixGuard::accepts ? " accepts |"
           : g == MixGuard::partly  ? " refuses some |"
                                    : " – |";
      if (g != MixGuard::untested)
        overall = overall == MixGuard::untested || overall == g ? g : MixGuard::partly;
    }
    auto verdict = conclude(effect, overall, defect != nullptr);
    std::string why = to_string(verdict);
    if (defect)
      why += fmt::format(": {} {}", markdown_text(defect->result.target + " " + defect->result.fixture),
                         reproducer_in(defect->expect_reason));
    t += fmt::format(" **{}** |\n", why);
  }
  return t + "\n";
}

} // namespace

std::string markdown_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '\n': case '\r': case '\t': out += ' '; break;
    case '|': out += "\\|"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string render_markdown(const RunReport& r, std::size_t limit) {
  const auto& info = r.run.info;
  std::size_t total = 0, unexpected_n = 0;
  for (const auto& [v, n] : r.verdicts)
    total += n;
  for (const auto& s : r.results)
    unexpected_n += is_unexpected(s.result.verdict);

  std::string head = fmt::format("## abimatrix: {} run {}\n\n", code(info.matrix_name), r.run.id);
  std::vector<std::string> counts;
  for (Verdict v : kAllVerdicts)
    if (r.verdicts.count(v))
      counts.push_back(fmt::format("{} {}", r.verdicts.at(v), to_string(v)));
  head += fmt::format("Run {} {}, {} to {}{}. {} of {} planned cells: {}; {}.\n\n", r.run.id, r.run.status,
                      r.run.started_at, r.run.finished_at.empty() ? "(unfinished)" : r.run.finished_at,
                      info.partition ? ", shard " + to_string(*info.partition) : "", total, info.cells_planned,
                      join(counts, ", "),
                      unexpected_n ? fmt::format("**{} unexpected**", unexpected_n) : "all as expected");
  head += "`xfail`: failed, as the flag's class or a reproducer-backed override says it must; a pass where a "
          "failure is expected would be `xpass`.\n\n";
  head += "| tool | path | version |\n|---|---|---|\n";
  for (const auto& t : info.tools)
    head += fmt::format("| {} | {} | {} |\n", markdown_text(t.name), code(t.path.string()), markdown_text(t.version));
  head += "\n";

  // Per flag: the cells that set it on either side.
  std::vector<Section> sections;
  std::vector<const ShownResult*> all_off;
  for (const auto& s : r.results)
    if (s.result.c.empty() && s.result.rust.empty())
      all_off.push_back(&s);
  std::vector<std::pair<const FlagFacts*, std::vector<const ShownResult*>>> flag_cells;
  std::vector<std::string> all_pairings;
  for (const auto& f : info.flags) {
    std::vector<const ShownResult*> cells;
    for (const auto& s : r.results)
      if (has_flag(s, f.name))
        cells.push_back(&s);
    if (cells.empty())
      continue;
    for (const auto& p : pairings_of(cells))
      if (std::find(all_pairings.begin(), all_pairings.end(), p) == all_pairings.end())
        all_pairings.push_back(p);
    sections.push_back(flag_section(&f, "", cells));
    flag_cells.emplace_back(&f, std::move(cells));
  }
  std::vector<std::string> rustcs;
  for (const auto& s : r.results)
    if (std::find(rustcs.begin(), rustcs.end(), s.result.rustc) == rustcs.end())
      rustcs.push_back(s.result.rustc);
  std::string conclusions = "### What the run concludes, flag by flag\n\n"
                            "A mismatch *breaks* when the program fails to build, link or run; *loses a property "
                            "silently* when it runs and a check of what the flag promises fails. RFC 3716: "
                            "*consistent* (breaks and rustc refuses to mix such crates, or harmless and it mixes "
                            "them), *unguarded ABI break*, *guarded without observed break*, *toolchain defect* "
                            "(the sides fail even matched).\n\n" +
                            conclusion_table(flag_cells, rustcs);
  std::string table = "| flag | class | targets |";
  for (const auto& p : all_pairings)
    table += " " + p + " |";
  table += " rustc on Rust crates that differ |\n|---|---|---|";
  for (std::size_t i = 0; i < all_pairings.size(); i++)
    table += "---|";
  table += "---|\n";
  for (const auto& [f, cells] : flag_cells) {
    table += fmt::format("| {} | {} | {} |", code(f->name), f->cls, f->targets.empty() ? "all" : f->targets);
    for (const auto& p : all_pairings)
      table += " " + tally(cells, p) + " |";
    table += " " + rust_mix_summary(cells, f, nullptr) + " |\n";
  }
  table += "\n";
  if (!all_off.empty())
    sections.push_back(flag_section(nullptr, "Every flag off on both sides", all_off));

  // Leave out detail, longest cell tables first, then whole sections from
  // the end, until the report fits with its note.
  auto size = [&] {
    std::size_t n = head.size() + conclusions.size() + table.size() + 400;
    for (const auto& s : sections)
      n += (s.left_out ? 0 : s.body.size()) + (s.left_out || s.details_left_out ? 0 : s.details.size());
    return n;
  };
  std::vector<Section*> by_details;
  for (auto& s : sections)
    by_details.push_back(&s);
  std::sort(by_details.begin(), by_details.end(), [](auto* a, auto* b) { return a->details.size() > b->details.size(); });
  for (auto* s : by_details)
    if (size() > limit)
      s->details_left_out = true;
  for (auto it = sections.rbegin(); it != sections.rend() && size() > limit; ++it)
    it->left_out = true;

  std::string out = head + conclusions + table;
  std::vector<std::string> no_details, no_section;
  for (const auto& s : sections) {
    if (s.left_out) {
      no_section.push_back(s.flag);
      continue;
    }
    out += s.body;
    if (s.details_left_out)
      no_details.push_back(s.flag);
    else
      out += s.details;
  }
  if (!no_details.empty() || !no_section.empty()) {
    std::vector<std::string> what;
    if (!no_details.empty())
      what.push_back("the cell tables of " + join(no_details, ", "));
    if (!no_section.empty())
      what.push_back("the sections of " + join(no_section, ", "));
    out += fmt::format("_Left out to stay under {} characters: {}. `abimatrix report {} --format json` has every "
                       "result._\n",
                       limit, join(what, "; "), r.run.id);
  }
  return out;
}

} // namespace amx
