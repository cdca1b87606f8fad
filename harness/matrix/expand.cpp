#include "matrix/expand.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace amx {

namespace {

struct Pair {
  Setting c, rust;
  Pairing pairing;
  // From a profile: every fixture runs the matched profile, and a pair
  // that drops a flag runs on the fixtures that observe that flag.
  bool from_profile = false;
  std::string dropped;
};

// What a pair of settings is, read from the settings themselves.
Pairing classify(const Setting& c, const Setting& rust) {
  if (c == rust)
    return Pairing::matched;
  if (rust.empty())
    return Pairing::c_only;
  if (c.empty())
    return Pairing::rust_only;
  return differing_flags(c, rust).size() == 1 ? Pairing::one_off : Pairing::cross;
}

// The pairs a profile asks for. "matched" is the pair the kernel builds:
// its flags on both sides and its c-only flags on the C side; each drop
// mode takes one flag away from that pair's side.
std::vector<Pair> profile_pairs(const Profile& p, const std::vector<ProfilePairing>& modes) {
  const Setting c = p.c_flags();
  std::vector<Pair> out;
  for (auto mode : modes) {
    if (mode == ProfilePairing::matched) {
      out.push_back({c, p.flags, classify(c, p.flags), true, ""});
      continue;
    }
    const Setting& side = mode == ProfilePairing::rust_drops_one ? p.flags : c;
    for (const auto& [flag, _] : side) {
      Setting without = side;
      without.erase(flag);
      if (mode == ProfilePairing::rust_drops_one)
        out.push_back({c, without, classify(c, without), true, flag});
      else
        out.push_back({without, p.flags, classify(without, p.flags), true, flag});
    }
  }
  return out;
}

std::vector<Pair> pairs_for(Pairing mode, const std::vector<Setting>& settings) {
  std::vector<Pair> out;
  for (const auto& a : settings) {
    switch (mode) {
    case Pairing::matched:
      out.push_back({a, a, mode, false, ""});
      break;
    case Pairing::c_only:
      if (!a.empty())
        out.push_back({a, {}, mode, false, ""});
      break;
    case Pairing::rust_only:
      if (!a.empty())
        out.push_back({{}, a, mode, false, ""});
      break;
    case Pairing::one_off:
    case Pairing::cross:
      for (const auto& b : settings)
        if (mode == Pairing::cross || differing_flags(a, b).size() == 1)
          out.push_back({a, b, mode, false, ""});
      break;
    }
  }
  return out;
}

bool any_glob(const std::vector<std::string>& patterns, const std::string& text) {
  return patterns.empty() ||
         std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) { return glob_match(p, text); });
}

bool side_matches(const Setting& want, const Setting& have) {
  for (const auto& [flag, value] : want) {
    auto it = have.find(flag);
    if ((it == have.end() ? std::string("off") : it->second) != value)
      return false;
  }
  return true;
}

bool setting_applies(const Matrix& m, const Setting& s, const std::string& target) {
  return std::all_of(s.begin(), s.end(), [&](const auto& kv) { return m.catalogue.at(kv.first).applies_to(target); });
}

bool exercises(const Fixture& fx, const Setting& s) {
  return std::all_of(s.begin(), s.end(), [&](const auto& kv) {
    return std::find(fx.flags.begin(), fx.flags.end(), kv.first) != fx.flags.end();
  });
}

// What a cell expects when no expectation rule matches it, which depends
// only on its pair and its fixture's flags.
struct Expectation {
  Expected expected = Expected::pass;
  std::optional<Stage> stage;
  std::string reason;
};

// Sets the cell's expectation from the matrix's rules; false when none matches.
bool expectation_from_rules(const Matrix& m, Cell& cell) {
  // Every rule that names checks and matches adds what it owns; they then
  // are the cell's whole expectation.
  std::vector<std::string> reasons;
  for (const auto& e : m.expectations)
    if (!e.checks.empty() && rule_matches(e.match, cell)) {
      cell.check_expectations.push_back({e.checks, e.reason});
      reasons.push_back(e.reason);
    }
  if (!cell.check_expectations.empty()) {
    cell.expected = Expected::fail;
    cell.expect_reason = join(reasons, "; ");
    return true;
  }
  for (const auto& e : m.expectations) {
    if (e.checks.empty() && rule_matches(e.match, cell)) {
      cell.expected = e.expected;
      cell.expected_stage = e.stage;
      cell.expect_reason = e.reason;
      return true;
    }
  }
  return false;
}

Expectation default_expectation(const Matrix& m, const Pair& pair, const Fixture& fixture) {
  Expectation out;
  // Only differences the fixture can observe: a kernel profile's pair may
  // differ in a flag (the cs prefix, reaching C alone) that it cannot.
  std::vector<std::string> diffs, unobserved;
  for (const auto& f : differing_flags(pair.c, pair.rust)) {
    const auto& observed = fixture.flags;
    (std::find(observed.begin(), observed.end(), f) == observed.end() ? unobserved : diffs).push_back(f);
  }
  std::vector<std::string> abi;
  for (const auto& f : diffs)
    if (m.catalogue.at(f).cls == FlagClass::abi)
      abi.push_back(f);
  if (diffs.empty() && !unobserved.empty()) {
    out.expected = Expected::pass;
    out.reason = fmt::format("{} differ{} between the sides, which {} does not observe", join(unobserved, ", "),
                              unobserved.size() > 1 ? "" : "s", fixture.name);
  } else if (diffs.empty()) {
    out.expected = Expected::pass;
    out.reason = "both sides built with the same setting";
  } else if (!abi.empty()) {
    out.expected = Expected::fail;
    out.reason = fmt::format("abi flag{} {} differ{} between the sides", abi.size() > 1 ? "s" : "", join(abi, ", "),
                              abi.size() > 1 ? "" : "s");
  } else {
    // Hardening and layout flags do not change how calls are made: the
    // program should run, and a property the flag promises should be lost.
    out.expected = Expected::fail;
    out.stage = Stage::check;
    out.reason = fmt::format("{} differ{} between the sides: the run should pass and a property check fail",
                              join(diffs, ", "), diffs.size() > 1 ? "" : "s");
  }
  return out;
}

} // namespace

std::vector<Setting> target_settings(const Matrix& m, const std::string& target,
                                     const std::vector<std::string>* observed) {
  std::vector<Setting> settings = {Setting{}};
  for (const auto& used : m.flags) {
    if (!m.catalogue.at(used.name).applies_to(target) ||
        (observed && std::find(observed->begin(), observed->end(), used.name) == observed->end()))
      continue;
    if (m.combine == Combine::each) {
      for (const auto& v : used.values)
        settings.push_back({{used.name, v}});
    } else {
      std::vector<Setting> next;
      for (const auto& s : settings) {
        next.push_back(s);
        for (const auto& v : used.values) {
          Setting t = s;
          t[used.name] = v;
          next.push_back(std::move(t));
        }
      }
      settings = std::move(next);
    }
  }
  return settings;
}

bool rule_matches(const Rule& rule, const Cell& cell) {
  return any_glob(rule.targets, cell.target->name) && any_glob(rule.fixtures, cell.fixture->name) &&
         any_glob(rule.c_compilers, cell.c_compiler->name) && any_glob(rule.rustcs, cell.rustc) &&
         any_glob(rule.pairings, to_string(cell.pairing)) && side_matches(rule.c, cell.c) &&
         side_matches(rule.rust, cell.rust);
}

namespace {

// A pair with what every cell of it repeats, worked out once.
struct PlannedPair {
  Pair pair;
  std::string c_text, rust_text;
  const Rule* scope = nullptr; // the include rule it came from, if any
  Expectation expectation;     // unless a rule says otherwise
};

// The pairs a fixture runs on a target, in the matrix's order, each with
// what its cells repeat. A mode's pairs come from the settings of the flags
// the fixture observes only, so a product over flags it cannot see is never
// built; the first mode (in the matrix's order) that asks for a pair names
// it.
std::vector<PlannedPair> fixture_pairs(const Matrix& m, const std::string& target, const Fixture& fixture) {
  std::vector<PlannedPair> pairs;
  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](Pair p, const Rule* scope) {
    auto c = to_string(p.c), rust = to_string(p.rust);
    if (seen.insert({c, rust}).second)
      pairs.push_back({std::move(p), std::move(c), std::move(rust), scope, {}});
  };
  auto settings = target_settings(m, target, &fixture.flags);
  for (auto mode : m.pairings)
    for (auto& p : pairs_for(mode, settings))
      add(std::move(p), nullptr);
  for (const auto& inc : m.includes)
    if (any_glob(inc.scope.targets, target) && setting_applies(m, inc.c, target) && setting_applies(m, inc.rust, target))
      add({inc.c, inc.rust, classify(inc.c, inc.rust), false, ""}, &inc.scope);
  for (const auto& name : m.profiles) {
    const Profile& profile = m.profile_catalogue.at(name);
    if (profile.target == target)
      for (auto& p : profile_pairs(profile, m.profile_pairings))
        add(std::move(p), nullptr);
  }
  // A profile's pair that drops a flag runs where the fixture observes that
  // flag; any other pair where it observes every flag of both sides.
  std::erase_if(pairs, [&](const PlannedPair& pp) {
    const auto& p = pp.pair;
    return p.from_profile ? !p.dropped.empty() && std::find(fixture.flags.begin(), fixture.flags.end(), p.dropped) ==
                                                      fixture.flags.end()
                          : !exercises(fixture, p.c) || !exercises(fixture, p.rust);
  });
  for (auto& pp : pairs)
    pp.expectation = default_expectation(m, pp.pair, fixture);
  return pairs;
}

} // namespace

void for_each_cell(const Matrix& m, const std::function<void(const Cell&)>& visit) {
  visit_cells(m, [&](const Cell& cell) {
    visit(cell);
    return true;
  });
}

double estimated_cells(const Matrix& m) {
  double total = 0;
  for (const auto& target : m.targets) {
    for (const auto& fixture : m.fixtures) {
      if (!fixture.targets.empty() &&
          std::find(fixture.targets.begin(), fixture.targets.end(), target.name) == fixture.targets.end())
        continue;
      // Settings: all off plus each value (each), or every combination
      // (product), of the flags this fixture observes on this target;
      // a setting's one-flag neighbours are the other values of each flag.
      double settings = 1, neighbours = 0;
      for (const auto& used : m.flags) {
        if (!m.catalogue.at(used.name).applies_to(target.name) ||
            std::find(fixture.flags.begin(), fixture.flags.end(), used.name) == fixture.flags.end())
          continue;
        const double values = static_cast<double>(used.values.size());
        settings = m.combine == Combine::each ? settings + values : settings * (values + 1);
        neighbours += values;
      }
      double pairs = 0;
      for (auto mode : m.pairings)
        pairs += mode == Pairing::matched                                ? settings
                 : mode == Pairing::cross                                ? settings * settings
                 : mode == Pairing::one_off                              ? settings * neighbours
                                                                         : settings - 1;
      pairs += static_cast<double>(m.includes.size());
      for (const auto& name : m.profiles) {
        const Profile& p = m.profile_catalogue.at(name);
        if (p.target == target.name)
          pairs += static_cast<double>(profile_pairs(p, m.profile_pairings).size());
      }
      total += pairs;
    }
  }
  return total * static_cast<double>(m.c_compilers.size()) * static_cast<double>(m.rustcs.size());
}

void visit_cells(const Matrix& m, const std::function<bool(const Cell&)>& visit) {
  // One cell, refilled: its settings' nodes are reused, not reallocated.
  Cell cell;
  for (const auto& target : m.targets) {
    for (const auto& fixture : m.fixtures) {
      if (!fixture.targets.empty() &&
          std::find(fixture.targets.begin(), fixture.targets.end(), target.name) == fixture.targets.end())
        continue;
      const auto pairs = fixture_pairs(m, target.name, fixture);
      for (const auto& cc : m.c_compilers) {
        for (const auto& rustc : m.rustcs) {
          for (const auto& [pair, c_text, rust_text, scope, expectation] : pairs) {
            cell.target = &target;
            cell.fixture = &fixture;
            cell.c_compiler = &cc;
            cell.rustc = rustc;
            cell.c = pair.c;
            cell.rust = pair.rust;
            cell.pairing = pair.pairing;
            if (scope && !rule_matches(*scope, cell))
              continue;
            if (std::any_of(m.excludes.begin(), m.excludes.end(), [&](const Rule& r) { return rule_matches(r, cell); }))
              continue;
            identify(cell, c_text, rust_text);
            // What the previous cell expected goes; the rules, or the pair's
            // default, set all of it.
            cell.expected_stage.reset();
            cell.check_expectations.clear();
            if (!expectation_from_rules(m, cell)) {
              cell.expected = expectation.expected;
              cell.expected_stage = expectation.stage;
              cell.expect_reason = expectation.reason;
            }
            if (!visit(cell))
              return;
          }
        }
      }
    }
  }
}

std::vector<Cell> expand(const Matrix& m) {
  std::vector<Cell> cells;
  for_each_cell(m, [&](const Cell& c) { cells.push_back(c); });
  return cells;
}

} // namespace amx
