#include "report/markdown.hpp"

#include "report/findings.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace amx {

namespace {

// Pairings in the order the reports show them; others follow by name.
const std::vector<std::string> kPairingOrder = {"matched", "c-only", "rust-only", "one-off"};

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

constexpr std::size_t kReasonInTable = 300;

// "rustc 1.95.0" for the rustc a run calls "rustc".
std::string rustc_named(const RunReport& r, const std::string& name) {
  auto version = tool_version(r, "rustc", name);
  return version.empty() ? name : name + " (" + version.substr(0, version.find(' ', version.find(' ') + 1)) + ")";
}

// A reproducer script, linked when the report knows where the repository is.
std::string script_link(const std::string& script, const std::string& link_base) {
  return link_base.empty() ? markdown_code(script) : fmt::format("[{}]({}/{})", markdown_text(script), link_base, script);
}

std::string scripts_text(const std::vector<std::string>& scripts, const std::string& link_base) {
  std::vector<std::string> out;
  for (const auto& s : scripts)
    out.push_back(script_link(s, link_base));
  return join(out, ", ");
}

// What the findings of a flag's cells mean, in the order a reader needs them.
const std::vector<std::pair<Finding, const char*>> kFindingMeanings = {
    {Finding::toolchain_defect, "the sides fail matched, or a known toolchain defect explains the failure"},
    {Finding::abi_break, "a mismatch fails to build, link or run"},
    {Finding::lost_property, "a mismatch runs, and a property the flag promises is lost"},
};

Section flag_section(const RunReport& r, const FlagFacts* f, const std::string& title,
                     const std::vector<const ShownResult*>& cells, const std::string& link_base) {
  Section s;
  s.flag = f ? f->name : title;
  std::string b;
  std::vector<std::string> scripts;
  for (const auto* c : cells)
    for (const auto& script : reproducers_in(c->expect_reason))
      if (std::find(scripts.begin(), scripts.end(), script) == scripts.end())
        scripts.push_back(script);
  if (f) {
    b += fmt::format("### {} ({}{})\n\n", markdown_code(f->name), f->cls, f->targets.empty() ? "" : "; " + f->targets);
    if (!f->description.empty())
      b += markdown_text(f->description) + "\n\n";
    if (!f->spellings.empty())
      b += "Spellings: " + markdown_code(f->spellings) + "\n\n";
    std::string example;
    auto mix = rust_mix_summary(cells, f, r.run.info.flags, &example);
    if (mix != "not tried")
      b += fmt::format("Linking Rust crates that differ in it (RFC 3716 target modifiers), rustc: {}{}.\n\n",
                       mix == "refuses" ? "refuses all" : mix, example.empty() ? "" : ", e.g. " + markdown_code(example));
  } else {
    b += fmt::format("### {}\n\n", title);
  }
  if (!scripts.empty())
    b += "Reproducers: " + scripts_text(scripts, link_base) + "\n\n";
  // Toolchain defects first and apart: they are not what a mismatch does.
  for (const auto& [finding, meaning] : kFindingMeanings) {
    std::vector<const ShownResult*> these;
    std::copy_if(cells.begin(), cells.end(), std::back_inserter(these),
                 [&](const ShownResult* c) { return finding_of(*c) == finding; });
    if (these.empty())
      continue;
    const auto& e = *these.front();
    b += fmt::format("- **{}** ({} cell{}: {}), e.g. {}: {}\n", to_string(finding), these.size(),
                     these.size() == 1 ? "" : "s", meaning,
                     markdown_text(where(e.result) + " c:" + to_string(e.result.c) + " rust:" + to_string(e.result.rust)),
                     markdown_text(clipped(e.result.reason, kReasonInTable)));
    if (finding == Finding::toolchain_defect && !e.expect_reason.empty())
      b += fmt::format("  (expected: {})\n", markdown_text(e.expect_reason));
  }
  b += "\nBy pairing:\n";
  for (const auto& pairing : pairings_of(cells)) {
    std::size_t n = std::count_if(cells.begin(), cells.end(), [&](auto* c) { return to_string(c->result.pairing) == pairing; });
    b += fmt::format("- **{}** ({}): {}\n", pairing, n, tally(cells, pairing));
    // Why cells skipped: one example per pairing.
    auto skipped = std::find_if(cells.begin(), cells.end(), [&](auto* c) {
      return to_string(c->result.pairing) == pairing && c->result.verdict == Verdict::skip;
    });
    if (skipped != cells.end())
      b += fmt::format("  - skipped because, e.g. {}: {}\n", markdown_text(where((*skipped)->result)),
                       markdown_text(clipped((*skipped)->result.reason, kReasonInTable)));
  }
  s.body = b + "\n";
  std::string d = fmt::format("<details><summary>{}</summary>\n\n",
                              cells.size() == 1 ? std::string("The one cell") : fmt::format("The {} cells", cells.size()));
  d += "| reproduce | target | fixture | compilers | C side | Rust side | finding | outcome | reason | failing checks |\n"
       "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto* c : cells) {
    const auto& row = c->result;
    d += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", markdown_code(repro_command(r, row.key)),
                     row.target, row.fixture, markdown_text(row.c_compiler + "/" + row.rustc), markdown_code(to_string(row.c)),
                     markdown_code(to_string(row.rust)), to_string(finding_of(*c)), said(row),
                     markdown_text(clipped(row.reason, kReasonInTable)), markdown_text(failing_checks_text(c->checks)));
  }
  s.details = d + "\n</details>\n\n";
  return s;
}

// RFC 3716's question answered per flag (and per target where targets
// differ), from conclude_run: what a mismatch between C and Rust in this
// flag alone does, whether each rustc refuses to mix Rust crates that
// differ in it, and the conclusion.
std::string conclusion_table(const RunReport& r, const Conclusions& all, const std::string& link_base) {
  std::string t = "| flag | class | targets | C and Rust differing in it alone |";
  for (const auto& rc : all.rustcs)
    t += fmt::format(" {} mixing Rust crates | {} spelling |", markdown_text(rustc_named(r, rc)), markdown_text(rc));
  t += " RFC 3716 |\n|---|---|---|---|";
  for (std::size_t i = 0; i < all.rustcs.size(); i++)
    t += "---|---|";
  t += "---|\n";
  for (const auto& row : all.rows) {
    const auto& f = *row.flag;
    t += fmt::format("| {} | {} | {} | {} |", markdown_code(f.name), f.cls, join(targets_of(all, row), ", "),
                     markdown_text(effect_text(row)));
    for (std::size_t i = 0; i < row.guards.size(); i++)
      t += " " + markdown_text(guard_text(row.guards[i])) + " | " + markdown_text(standing_text(row.standing[i])) + " |";
    std::string why = "**" + to_string(row.verdict) + "**";
    if (row.defect)
      why += fmt::format(": {}{}", markdown_text(row.defect->result.target + " " + row.defect->result.fixture),
                         row.reproducers.empty() ? "" : ", " + scripts_text(row.reproducers, link_base));
    t += " " + why + " |\n";
  }
  t += "\n";
  if (!all.shared_defects.empty())
    t += "Matched builds with several flags that fail, a toolchain defect no one flag's row claims:\n\n";
  for (const auto& g : all.shared_defects) {
    const auto& first = g.cells.front()->result;
    t += fmt::format("- {} cell{}, e.g. {}: {}{}{}\n", g.cells.size(), g.cells.size() == 1 ? "" : "s", markdown_text(first.name),
                     markdown_text(clipped(first.reason, kReasonInTable)),
                     g.expect_reason.empty() ? "" : " (expected: " + markdown_text(g.expect_reason) + ")",
                     g.reproducers.empty() ? "" : "; " + scripts_text(g.reproducers, link_base));
  }
  return t + (all.shared_defects.empty() ? "" : "\n");
}

// What every compiler made of every spelling it was asked about, and the
// spellings a compiler refuses since the previous run.
std::string spelling_details(const RunReport& r) {
  std::string out;
  for (const auto& c : r.spelling_changes)
      out += fmt::format("**Spelling change**: {}{}.\n\n", markdown_text(c.text()),
                         c.cells.empty() ? "" : fmt::format(" ({} cells skip for it)", c.cells.size()));
  if (r.spellings.empty())
    return out;
  out += "<details><summary>Flag spellings each compiler was asked about</summary>\n\n"
         "| compiler | flag | target | arguments | chosen | accepted | on stable terms |\n|---|---|---|---|---|---|---|\n";
  for (const auto& f : r.spellings) {
    std::string accepted = !f.accepted ? "–" : *f.accepted ? "yes" : "no: " + f.message;
    std::string stable = !f.stability ? "–"
                                      : to_string(*f.stability) +
                                            (f.stability_message.empty() ? "" : ": " + f.stability_message);
    out += fmt::format("| {} | {}={} | {} | {} | {} | {} | {} |\n", markdown_text(f.tool.name + " " + f.tool.version),
                       markdown_code(f.flag), markdown_text(f.value), f.target, markdown_code(f.args),
                       f.chosen ? "yes" : "", markdown_text(accepted), markdown_text(stable));
  }
  return out + "\n</details>\n\n";
}

} // namespace

namespace {

bool symbol_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$' || c == '*';
}

// Prose outside symbols: every character Markdown could read as markup is
// escaped, so it renders as written.
void append_prose(std::string& out, char c) {
  switch (c) {
  case '\n': case '\r': case '\t': out += ' '; break;
  case '|': out += "\\|"; break;
  case '<': out += "&lt;"; break;
  case '>': out += "&gt;"; break;
  case '&': out += "&amp;"; break;
  case '\\': case '`': case '*': case '_': case '[': case ']': case '~': out += '\\'; out += c; break;
  default: out += c;
  }
}

} // namespace

std::string markdown_code(const std::string& s) {
  std::string t;
  std::size_t run = 0, longest = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    // A table reads "\|" as a pipe inside a code span too; nothing else is
    // read inside one, entities included.
    t += c == '\n' || c == '\r' || c == '\t' ? std::string(" ") : c == '|' ? std::string("\\|") : std::string(1, c);
  }
  // A fence longer than any run of backticks inside, and spaces when the
  // text starts or ends with one (those spaces are not part of the text).
  std::string fence(longest + 1, '`');
  bool pad = !t.empty() && (t.front() == '`' || t.back() == '`');
  return fence + (pad ? " " : "") + t + (pad ? " " : "") + fence;
}

std::string markdown_text(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size();) {
    if (!symbol_char(s[i])) {
      append_prose(out, s[i++]);
      continue;
    }
    std::size_t end = i;
    while (end < s.size() && symbol_char(s[end]))
      end++;
    // A sentence's full stop is not part of the symbol before it.
    while (end > i + 1 && s[end - 1] == '.')
      end--;
    auto word = s.substr(i, end - i);
    // Between letters "_" is no emphasis; at a symbol's edge or beside a
    // "." (__x86_indirect_thunk_*, .L._x) it may be, as "*" always may: a
    // code span shows such a symbol as written.
    bool markup = word.find('*') != std::string::npos;
    for (std::size_t u = word.find('_'); u != std::string::npos && !markup; u = word.find('_', u + 1))
      markup = u == 0 || u + 1 == word.size() || !std::isalnum(static_cast<unsigned char>(word[u - 1])) ||
               !std::isalnum(static_cast<unsigned char>(word[u + 1]));
    out += markup ? markdown_code(word) : word;
    i = end;
  }
  return out;
}

std::string render_markdown(const RunReport& r, std::size_t limit, const std::string& link_base) {
  const auto& info = r.run.info;
  std::size_t total = 0, unexpected_n = 0;
  for (const auto& [v, n] : r.verdicts)
    total += n;
  for (const auto& s : r.results)
    unexpected_n += is_unexpected(s.result.verdict);

  std::string head = fmt::format("## abimatrix: {} run {}\n\n", markdown_code(info.matrix_name), r.run.id);
  std::vector<std::string> counts;
  for (Verdict v : kAllVerdicts)
    if (r.verdicts.count(v))
      counts.push_back(fmt::format("{} {}", r.verdicts.at(v), to_string(v)));
  head += fmt::format("Run {} {}, {} to {}{}. {} of {} planned cells: {}; {}.\n\n", r.run.id, r.run.status,
                      r.run.started_at, r.run.finished_at.empty() ? "(unfinished)" : r.run.finished_at,
                      info.partition ? ", shard " + to_string(*info.partition) : "", total, info.cells_planned,
                      join(counts, ", "),
                      unexpected_n ? fmt::format("**{} unexpected**", unexpected_n) : "all as expected");
  // What the words of the report mean, before the tables use them.
  std::string legend =
      "<details><summary>Legend and toolchains</summary>\n\n"
      "Pairings: **matched**, both sides set the flags alike (a failure is a toolchain defect); **c-only** and "
      "**rust-only**, one side sets them and the other builds without; **one-off**, the sides differ in exactly "
      "one flag; **cross**, a C setting against a Rust setting that differs in several.\n\n"
      "Findings: **ABI break**, a mismatch fails to build, link or run; **lost property**, it runs and a check "
      "of what the flag promises fails; **toolchain defect**, the sides fail matched or a known defect "
      "(reproducer in `scripts/repro/`) explains it. Verdicts: `xfail` failed as the flag's class or a "
      "reproducer-backed expectation says it must; `xpass` and `fail` are unexpected; `flaky` came out "
      "unexpected at first and as expected when its program ran again (`run --retries`).\n\n"
      "Each cell's `abimatrix repro` command writes a script that rebuilds and reruns it outside the harness.\n\n"
      "| tool | path | version |\n|---|---|---|\n";
  for (const auto& t : info.tools)
    legend += fmt::format("| {} | {} | {} |\n", markdown_text(t.name), markdown_code(t.path.string()), markdown_text(t.version));
  legend += "\n</details>\n\n";

  // Per flag: the cells that set it on either side.
  const auto by_flag = cells_by_flag(r);
  std::vector<Section> sections;
  std::vector<std::string> all_pairings;
  for (const auto& [f, cells] : by_flag) {
    for (const auto& p : pairings_of(cells))
      if (std::find(all_pairings.begin(), all_pairings.end(), p) == all_pairings.end())
        all_pairings.push_back(p);
    sections.push_back(flag_section(r, f, "", cells, link_base));
  }
  std::string conclusions = "### What the run concludes, flag by flag\n\n"
                            "A mismatch *breaks* when the program fails to build, link or run; *loses a property "
                            "silently* when it runs and a check of what the flag promises fails. RFC 3716: "
                            "*consistent* (breaks and rustc refuses to mix such crates, or harmless and it mixes "
                            "them), *unguarded ABI break*, *guarded without observed break*, *toolchain defect* "
                            "(the sides fail even matched); *breaks, rustc's mixing untried* when no Rust crates could be mixed to ask "
                            "rustc (– in its column: the two settings build for different Rust targets, or the flag "
                            "has no Rust spelling). *spelling*: the arguments that rustc's cells were built with, "
                            "**stable** (taken without RUSTC_BOOTSTRAP; *warns* when rustc says it may change), "
                            "**unstable** (only as an unstable option: a nightly or RUSTC_BOOTSTRAP), or "
                            "**rejected**; a flag stable, ABI-relevant and not refused when mixed is what RFC 3716 "
                            "wants to prevent.\n\n" +
                            conclusion_table(r, conclude_run(r), link_base) + spelling_details(r);
  std::string table = "| flag | class | targets |";
  for (const auto& p : all_pairings)
    table += " " + p + " |";
  table += " rustc on Rust crates that differ |\n|---|---|---|";
  for (std::size_t i = 0; i < all_pairings.size(); i++)
    table += "---|";
  table += "---|\n";
  for (const auto& [f, cells] : by_flag) {
    table += fmt::format("| {} | {} | {} |", markdown_code(f->name), f->cls, f->targets.empty() ? "all" : f->targets);
    for (const auto& p : all_pairings)
      table += " " + tally(cells, p) + " |";
    table += " " + rust_mix_summary(cells, f, info.flags, nullptr) + " |\n";
  }
  table += "\n";
  std::vector<const ShownResult*> all_off;
  for (const auto& s : r.results)
    if (s.result.c.empty() && s.result.rust.empty())
      all_off.push_back(&s);
  if (!all_off.empty())
    sections.push_back(flag_section(r, nullptr, "Every flag off on both sides", all_off, link_base));

  // Leave out detail, longest cell tables first, then whole sections from
  // the end, until the report fits with its note.
  auto size = [&] {
    std::size_t n = head.size() + legend.size() + conclusions.size() + table.size() + 400;
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

  std::string out = head + conclusions + legend + table;
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
