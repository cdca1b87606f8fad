#include "report/findings.hpp"

#include "model/cell.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>

namespace amx {

namespace {

bool has_flag(const ShownResult& s, const std::string& flag) {
  return s.result.c.count(flag) || s.result.rust.count(flag);
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

// The cells whose Rust-vs-Rust experiment mixed crates that differ.
bool mixed(const ShownResult& s) {
  return s.rust_mix && s.rust_mix->minicore_setting != s.rust_mix->crate_setting;
}

// Whether a cell's refused mix is rustc refusing over flag f: the refusal
// names f's option, or names any option while the cell differs in f alone.
bool refused_over(const ShownResult& c, const FlagFacts& f, const std::set<std::string>& mine) {
  auto said = refused_options(c.rust_mix->message);
  return std::any_of(said.begin(), said.end(), [&](const auto& o) { return mine.count(o); }) ||
         (!said.empty() && differing_flags(c.result.c, c.result.rust) == std::vector<std::string>{f.name});
}

// Whether rustc refuses to mix the crates of these cells (each differing
// in the flag, perhaps among others) over this flag, and the option its
// refusal names. rustc names the first option that differs, which need not
// be the flag's own (-Zretpoline-external-thunk is refused as -Zretpoline):
// an ABI-mismatch refusal counts when it names the flag's option or the
// cell differs in this flag alone. One naming another flag that differs
// says nothing of this one, nor does one for the target triple; a mix it
// accepts says rustc lets this flag differ.
RustcGuard mix_guard(const std::vector<const ShownResult*>& cells, const FlagFacts& f) {
  static const std::regex option(R"(mixing `(-[ZC]\s*[a-z0-9-]+))");
  const auto mine = options_of(f);
  std::size_t tried = 0, refused = 0;
  RustcGuard out;
  for (const auto* c : cells) {
    if (!mixed(*c))
      continue;
    if (!c->rust_mix->refused) {
      tried++;
      continue;
    }
    const auto& message = c->rust_mix->message;
    if (!refused_over(*c, f, mine))
      continue;
    tried++;
    refused++;
    std::smatch m;
    if (out.option.empty() && std::regex_search(message, m, option))
      out.option = m[1];
  }
  out.guard = !tried ? MixGuard::untested : refused == tried ? MixGuard::refuses : refused ? MixGuard::partly
                                                                                          : MixGuard::accepts;
  return out;
}

// The cell like x but with f on both sides, when the run has it.
const ShownResult* twin_with(const ShownResult& x, const std::string& f, const std::vector<const ShownResult*>& cells) {
  const auto& r = x.result;
  Setting c = r.c, rust = r.rust;
  if (c.count(f) && !rust.count(f))
    rust[f] = c[f];
  else if (rust.count(f) && !c.count(f))
    c[f] = rust[f];
  else
    return nullptr;
  for (const auto* y : cells) {
    const auto& o = y->result;
    if (o.target == r.target && o.fixture == r.fixture && o.c_compiler == r.c_compiler && o.rustc == r.rustc &&
        o.c == c && o.rust == rust)
      return y;
  }
  return nullptr;
}

// Whether a cell shows what a mismatch in f does: it differs in f alone,
// or in f and more while its twin with f on both sides passes (a kernel
// profile's pair that drops f, beside the flags the kernel gives C only),
// so f makes the difference.
bool speaks_for(const ShownResult& x, const std::string& f, const std::vector<const ShownResult*>& cells) {
  auto differ = differing_flags(x.result.c, x.result.rust);
  if (std::find(differ.begin(), differ.end(), f) == differ.end())
    return false;
  if (differ.size() == 1)
    return true;
  const auto* twin = twin_with(x, f, cells);
  return twin && finding_of(*twin) == Finding::pass;
}

template <typename T>
void add_once(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end())
    v.push_back(x);
}

// RFC 3716's question for one flag over some of its cells: what a mismatch
// between C and Rust in this flag alone does, whether each rustc refuses to
// mix Rust crates that differ in it, and the conclusion.
RustcStanding standing_of(const std::vector<SpellingFact>& spellings, const std::string& flag,
                          const std::string& rustc, const std::string& target) {
  RustcStanding out;
  for (const auto& s : spellings) {
    if (s.tool.role != "rustc" || s.tool.name != rustc || s.flag != flag || !s.chosen || s.value == "off" ||
        !s.stability || (!target.empty() && s.target != target))
      continue;
    if (!out.stability || *s.stability > *out.stability) // rejected > unstable > stable
      out = {s.stability, s.args, s.stability_message};
  }
  return out;
}

FlagConclusion conclude_flag(const FlagFacts& f, const std::vector<const ShownResult*>& cells,
                             const std::vector<std::string>& rustcs, const std::string& target,
                             const std::vector<SpellingFact>& spellings) {
  FlagConclusion out;
  out.flag = &f;
  out.target = target;
  std::vector<const ShownResult*> speaking, differing;
  const ShownResult* broke = nullptr;
  const ShownResult* lost = nullptr;
  std::set<std::string> quiet;
  for (const auto* c : cells) {
    const auto& r = c->result;
    for (const auto& script : reproducers_in(c->expect_reason))
      add_once(out.reproducers, script);
    auto finding = finding_of(*c);
    // A matched cell with several flags (a kernel profile's build) that
    // fails is no one flag's defect: Conclusions::shared_defects has it.
    if (r.pairing == Pairing::matched && finding == Finding::toolchain_defect && r.c.size() == 1 && !out.defect)
      out.defect = c;
    if (finding == Finding::skip)
      continue;
    // What rustc says of mixing counts from every cell differing in the flag.
    auto differ = differing_flags(r.c, r.rust);
    if (std::find(differ.begin(), differ.end(), f.name) != differ.end())
      differing.push_back(c);
    // Not a cell a known toolchain defect explains (kcfi-arity over
    // rustc's merged functions).
    if (names_toolchain_defect(c->expect_reason) || !speaks_for(*c, f.name, cells))
      continue;
    speaking.push_back(c);
    if (finding == Finding::abi_break)
      broke = broke ? broke : c;
    else if (finding == Finding::lost_property)
      lost = lost ? lost : c;
    else
      quiet.insert(r.fixture);
  }
  out.example = broke ? broke : lost;
  out.effect = speaking.empty() ? MismatchEffect::untested
               : broke          ? MismatchEffect::breaks
               : lost           ? MismatchEffect::loses_property
                                : MismatchEffect::none;
  if (out.effect == MismatchEffect::none)
    out.quiet_fixtures.assign(quiet.begin(), quiet.end());

  MixGuard overall = MixGuard::untested;
  for (const auto& rc : rustcs) {
    std::vector<const ShownResult*> theirs;
    for (const auto* c : differing)
      if (c->result.rustc == rc)
        theirs.push_back(c);
    auto g = mix_guard(theirs, f);
    out.guards.push_back(g);
    out.standing.push_back(standing_of(spellings, f.name, rc, target));
    if (g.guard != MixGuard::untested)
      overall = overall == MixGuard::untested || overall == g.guard ? g.guard : MixGuard::partly;
  }
  out.verdict = conclude(out.effect, overall, out.defect != nullptr);
  return out;
}

bool same_conclusion(const FlagConclusion& a, const FlagConclusion& b) {
  return a.effect == b.effect && a.guards == b.guards && a.standing == b.standing && a.verdict == b.verdict;
}

} // namespace

Finding finding_of(const ShownResult& s) {
  const auto& r = s.result;
  return finding_of(r.verdict, r.pairing, r.stage, names_toolchain_defect(s.expect_reason));
}

std::vector<FlagCells> cells_by_flag(const RunReport& r) {
  std::vector<FlagCells> out;
  for (const auto& f : r.run.info.flags) {
    FlagCells fc{&f, {}};
    for (const auto& s : r.results)
      if (has_flag(s, f.name))
        fc.cells.push_back(&s);
    if (!fc.cells.empty())
      out.push_back(std::move(fc));
  }
  return out;
}

Conclusions conclude_run(const RunReport& r) {
  Conclusions out;
  for (const auto& s : r.results) {
    add_once(out.rustcs, s.result.rustc);
    add_once(out.targets, s.result.target);
  }
  for (const auto& [f, cells] : cells_by_flag(r)) {
    auto all = conclude_flag(*f, cells, out.rustcs, "", r.spellings);
    std::vector<FlagConclusion> per_target;
    for (const auto& t : out.targets) {
      std::vector<const ShownResult*> here;
      std::copy_if(cells.begin(), cells.end(), std::back_inserter(here),
                   [&](const ShownResult* c) { return c->result.target == t; });
      if (!here.empty())
        per_target.push_back(conclude_flag(*f, here, out.rustcs, t, r.spellings));
    }
    bool agree = std::all_of(per_target.begin(), per_target.end(),
                             [&](const FlagConclusion& c) { return same_conclusion(c, per_target.front()); });
    if (agree)
      out.rows.push_back(std::move(all));
    else
      out.rows.insert(out.rows.end(), per_target.begin(), per_target.end());
    out.by_target.insert(out.by_target.end(), per_target.begin(), per_target.end());
  }
  for (const auto& s : r.results) {
    if (s.result.pairing != Pairing::matched || s.result.c.size() < 2 || finding_of(s) != Finding::toolchain_defect)
      continue;
    auto& groups = out.shared_defects;
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.expect_reason == s.expect_reason; });
    if (g == groups.end())
      g = groups.insert(groups.end(), {s.expect_reason, {}, reproducers_in(s.expect_reason)});
    g->cells.push_back(&s);
  }
  return out;
}

std::string clipped(const std::string& s, std::size_t n) {
  if (s.size() <= n)
    return s;
  auto space = s.rfind(' ', n);
  return s.substr(0, space != std::string::npos && space > n / 2 ? space : n) + " …";
}

std::string effect_text(const FlagConclusion& c) {
  std::string what = to_string(c.effect);
  if (c.example) {
    const auto& e = c.example->result;
    auto said = first_line(e.reason.substr(0, e.reason.find("; ")));
    return what + fmt::format("{}: {} ({} {})", c.effect == MismatchEffect::breaks ? " at " + to_string(*e.stage) : "",
                              clipped(said, 100), e.target, e.fixture);
  }
  return c.effect == MismatchEffect::none ? what + " on " + join(c.quiet_fixtures, ", ") : what;
}

std::string guard_text(const RustcGuard& g) {
  return g.guard == MixGuard::untested ? "–" : to_string(g.guard) + (g.option.empty() ? "" : " " + g.option);
}

std::string standing_text(const RustcStanding& s) {
  if (!s.stability)
    return "–";
  const bool warns = *s.stability == Stability::stable && !s.message.empty();
  return fmt::format("{}{}: {}", to_string(*s.stability), warns ? ", warns" : "", s.args);
}

std::vector<std::string> targets_of(const Conclusions& all, const FlagConclusion& row) {
  std::vector<std::string> out;
  for (const auto& bt : all.by_target)
    if (bt.flag == row.flag && (row.target.empty() || bt.target == row.target))
      out.push_back(bt.target);
  return out;
}

std::string tool_version(const RunReport& r, const std::string& role, const std::string& name) {
  for (const auto& t : r.run.info.tools)
    if (t.role == role && t.name == name)
      return t.version;
  return "";
}

std::string rust_mix_summary(const std::vector<const ShownResult*>& cells, const FlagFacts* f,
                             const std::vector<FlagFacts>& flags, std::string* example) {
  const auto mine = f ? options_of(*f) : std::set<std::string>{};
  // The flag a refusal names by its option: "indirect-branch-cs-prefix (-Zindirect-branch-cs-prefix)".
  auto flag_named = [&](const std::string& option) {
    std::vector<std::string> names;
    for (const auto& g : flags)
      if (options_of(g).count(option))
        names.push_back(g.name);
    return (names.empty() ? "" : join(names, " or ") + " ") + "(-Z" + option + ")";
  };
  std::size_t tried = 0, modifier = 0, another = 0, triple = 0, other = 0;
  std::set<std::string> others;
  for (const auto* c : cells) {
    if (!mixed(*c))
      continue;
    tried++;
    if (!c->rust_mix->refused)
      continue;
    // Only "mixing `-Z...` will cause an ABI mismatch" is RFC 3716's
    // check, and it counts for the flag whose option it names (a profile's
    // cell differs in several flags, and rustc names the first it guards),
    // or for the one flag the cell differs in.
    // Crates of two targets are refused for the triple (E0461), which says
    // nothing about the flag itself.
    const auto& message = c->rust_mix->message;
    if (message.find("will cause an ABI mismatch") != std::string::npos) {
      if (!f || refused_over(*c, *f, mine)) {
        modifier++;
        if (example && example->empty())
          *example = first_line(message);
      } else {
        another++;
        for (const auto& o : refused_options(message))
          others.insert(flag_named(o));
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
    parts.push_back(fmt::format("{} of {} refused for {}", another, tried,
                                join(std::vector<std::string>(others.begin(), others.end()), ", ")));
  if (triple)
    parts.push_back(fmt::format("{} of {} refused only for their other target triple", triple, tried));
  if (other)
    parts.push_back(fmt::format("{} of {} refused otherwise", other, tried));
  if (auto accepted = tried - modifier - another - triple - other)
    parts.push_back(accepted == tried ? "accepts" : fmt::format("accepts {} of {}", accepted, tried));
  return join(parts, "; ");
}

std::vector<std::string> reproducers_in(const std::string& text) {
  static const std::regex script(R"(scripts/repro/[A-Za-z0-9_.-]+\.sh)");
  std::vector<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), script), end; it != end; ++it)
    add_once(out, it->str());
  return out;
}

} // namespace amx
