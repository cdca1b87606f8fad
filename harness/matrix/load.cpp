#include "matrix/load.hpp"

#include "matrix/catalogue.hpp"
#include "matrix/whole.hpp"
#include "matrix/fixture_file.hpp"
#include "matrix/yaml_reader.hpp"
#include "model/target.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

namespace amx {

namespace {

const std::vector<std::string> kPairingNames = {"matched", "c-only", "rust-only", "one-off", "cross"};

class MatrixLoader {
public:
  MatrixLoader(Matrix& m, Diagnostics& diags) : m_m(m), m_diags(diags), m_r(m.path, diags) {}

  void load() {
    auto root_opt = m_r.parse();
    if (!root_opt)
      return;
    const YAML::Node root = *root_opt;
    if (!m_r.check_map(root, "the matrix",
                       {"name", "description", "import", "fixtures-dir", "targets", "c-compilers", "rustc",
                        "fixtures", "flags", "combine", "pairings", "profiles", "profile-pairings", "include",
                        "exclude", "expect", "timeouts", "output-cap", "core-source", "max-cells"}))
      return;
    std::string hashed = read_file(m_m.path);
    m_m.name = m_m.path.stem().string();
    if (root["name"].IsDefined())
      m_m.name = m_r.scalar(root["name"], "'name'", root).value_or(m_m.name);

    const auto dir = m_m.path.parent_path();
    if (root["import"].IsDefined()) {
      for (auto& e : m_r.scalar_list(root["import"], "'import'", root)) {
        auto cat_path = (dir / e.value).lexically_normal();
        if (auto why = YamlReader::unreadable(cat_path); !why.empty()) {
          m_r.error(e.node, fmt::format("cannot import {}: {}", cat_path.string(), why));
          continue;
        }
        YamlReader cr(cat_path, m_diags);
        if (auto cat_root = cr.parse()) {
          hashed += read_file(cat_path);
          load_catalogue(cr, *cat_root, m_m.catalogue, m_m.profile_catalogue, m_m.rust_targets);
        }
      }
    }
    m_m.hash = hash_hex(hashed);

    m_m.fixtures_dir = dir / "../fixtures";
    if (root["fixtures-dir"].IsDefined())
      if (auto s = m_r.scalar(root["fixtures-dir"], "'fixtures-dir'", root))
        m_m.fixtures_dir = dir / *s;
    // Absolute: compilers run in their own build folders.
    m_m.fixtures_dir = std::filesystem::absolute(m_m.fixtures_dir).lexically_normal();
    if (YAML::Node core = root["core-source"]; core.IsDefined())
      if (auto s = m_r.scalar(core, "'core-source'", root)) {
        auto source = std::filesystem::absolute(dir / *s).lexically_normal();
        if (std::filesystem::exists(source / "core/src/lib.rs"))
          m_m.core_source = source;
        else
          m_r.error(core, fmt::format("'{}' has no core/src/lib.rs: core-source names the library/ folder of a Rust "
                                      "source tree (Debian's rust-web-src installs /usr/src/rustc-1.96.0/library)",
                                      source.string()));
      }

    load_targets(root);
    load_compilers(root);
    load_fixtures(root);
    load_flags(root);
    load_pairings(root);
    load_profiles(root);
    if (root["include"].IsDefined())
      for_each_item(root["include"], "'include'", root, [&](const YAML::Node& n) {
        Include inc;
        if (!m_r.check_map(n, "an include entry", {"target", "fixture", "c-compiler", "rustc", "c", "rust"}, root))
          return;
        inc.scope = load_rule(n);
        for (auto side : {"c", "rust"})
          if (!m_r.required(n, side, "an include entry").IsDefined())
            return;
        inc.c = strip_off(inc.scope.c);
        inc.rust = strip_off(inc.scope.rust);
        inc.scope.c.clear();
        inc.scope.rust.clear();
        m_m.includes.push_back(std::move(inc));
      });
    if (root["exclude"].IsDefined())
      for_each_item(root["exclude"], "'exclude'", root, [&](const YAML::Node& n) {
        if (m_r.check_map(n, "an exclude rule", kRuleKeys, root))
          m_m.excludes.push_back(load_rule(n));
      });
    if (root["expect"].IsDefined())
      for_each_item(root["expect"], "'expect'", root, [&](const YAML::Node& n) { load_expectation(n, root); });
    load_limits(root);
    // What follows looks at the matrix as a whole: only once its parts are sound.
    if (!m_diags.empty())
      return;
    check_as_a_whole(m_m, m_r, m_flag_nodes, root);
  }

private:
  inline static const std::vector<std::string_view> kRuleKeys = {
      "target", "fixture", "c-compiler", "rustc", "pairing", "c", "rust"};

  template <typename F>
  void for_each_item(const YAML::Node& list, std::string_view what, const YAML::Node& parent, F&& fn) {
    if (!list.IsSequence()) {
      m_r.error(list, fmt::format("{} must be a list", what), parent);
      return;
    }
    for (const auto& item : list)
      fn(item);
  }

  // A list's entries, each once, and at least one: a repeat would make two
  // cells with one key, an empty list a matrix with no cell.
  std::vector<YamlReader::Entry> listed(const YAML::Node& n, const char* key, const char* what,
                                        const YAML::Node& parent) {
    auto entries = m_r.scalar_list(n, fmt::format("'{}'", key), parent);
    if (entries.empty() && n.IsSequence())
      m_r.error(n, fmt::format("'{}' is empty: the matrix would have no cells", key));
    std::set<std::string> seen;
    for (const auto& e : entries)
      if (!seen.insert(e.value).second)
        m_r.error(e.node, fmt::format("{} '{}' is listed twice", what, e.value));
    return entries;
  }

  void load_targets(const YAML::Node& root) {
    YAML::Node n = m_r.required(root, "targets", "the matrix");
    if (!n.IsDefined())
      return;
    for (auto& e : listed(n, "targets", "target", root)) {
      if (const Target* t = find_target(e.value))
        m_m.targets.push_back(*t);
      else
        m_r.error(e.node, fmt::format("unknown target '{}' (expected one of: {})", e.value, join(known_target_names(), ", ")));
    }
  }

  void load_compilers(const YAML::Node& root) {
    YAML::Node n = m_r.required(root, "c-compilers", "the matrix");
    if (n.IsDefined()) {
      for (auto& e : listed(n, "c-compilers", "C compiler", root)) {
        if (auto family = c_compiler_family(e.value))
          m_m.c_compilers.push_back({e.value, *family});
        else
          m_r.error(e.node, fmt::format("unknown C compiler '{}' (expected clang, clang-N, gcc or gcc-N)", e.value));
      }
    }
    YAML::Node rustc = root["rustc"];
    auto add_rustc = [&](const std::string& name, const std::string& where, const YAML::Node& node) {
      if (name.empty() || where.empty() || (where.front() != '+' && where.find('/') != std::string::npos &&
                                            where.front() != '/'))
        m_r.error(node, fmt::format("rustc '{}': '{}' is not a program name on PATH, an absolute path or "
                                    "a rustup toolchain such as +nightly-2026-11-20",
                                    name, where));
      else if (!m_m.rustc_locations.emplace(name, where).second)
        m_r.error(node, fmt::format("rustc '{}' is listed twice", name));
      else
        m_m.rustcs.push_back(name);
    };
    if (rustc.IsDefined() && rustc.IsMap()) {
      // {rustup: rustc, debian: /usr/bin/rustc}: a short name for each.
      for (const auto& kv : rustc)
        if (auto name = m_r.scalar(kv.first, "a rustc name", rustc))
          if (auto where = m_r.scalar(kv.second, "a rustc location", kv.first))
            add_rustc(*name, *where, kv.first);
    } else if (rustc.IsDefined()) {
      for (auto& e : m_r.scalar_list(rustc, "'rustc'", root))
        add_rustc(e.value, e.value, e.node);
    } else {
      m_m.rustcs.push_back("rustc");
      m_m.rustc_locations["rustc"] = "rustc";
    }
  }

  void load_fixtures(const YAML::Node& root) {
    YAML::Node n = m_r.required(root, "fixtures", "the matrix");
    if (!n.IsDefined())
      return;
    for (auto& e : listed(n, "fixtures", "fixture", root))
      if (auto fx = load_fixture(e.value, m_m.fixtures_dir, m_m.catalogue, m_r, e.node, m_diags))
        m_m.fixtures.push_back(std::move(*fx));
  }

  void load_flags(const YAML::Node& root) {
    YAML::Node n = root["flags"];
    if (!n.IsDefined() || !m_r.check_map(n, "'flags'", {}, root))
      return;
    for (const auto& kv : n) {
      std::string name = kv.first.Scalar();
      const Flag* f = find_flag(name, kv.first);
      if (!f)
        continue;
      m_flag_nodes[name] = kv.first;
      UsedFlag used{name, {}};
      if (kv.second.IsNull()) {
        used.values = f->values; // "regparm:" alone tries every value
      } else {
        for (auto& e : m_r.scalar_list(kv.second, fmt::format("the values of '{}'", name), kv.first)) {
          if (std::find(used.values.begin(), used.values.end(), e.value) != used.values.end())
            m_r.error(e.node, fmt::format("value '{}' of '{}' is listed twice", e.value, name));
          else if (check_value(*f, e.value, e.node, false))
            used.values.push_back(e.value);
        }
      }
      m_m.flags.push_back(std::move(used));
    }
  }

  const Flag* find_flag(const std::string& name, const YAML::Node& at) {
    auto it = m_m.catalogue.find(name);
    if (it != m_m.catalogue.end())
      return &it->second;
    m_r.error(at, m_m.catalogue.empty()
                      ? fmt::format("unknown flag '{}': this matrix imports no flag catalogue", name)
                      : fmt::format("unknown flag '{}' (not defined in any imported catalogue)", name));
    return nullptr;
  }

  bool check_value(const Flag& f, const std::string& value, const YAML::Node& at, bool off_ok) {
    if (value == "off") {
      if (!off_ok)
        m_r.error(at, "'off' is tried always; list only the other values");
      return off_ok;
    }
    if (std::find(f.values.begin(), f.values.end(), value) != f.values.end())
      return true;
    m_r.error(at, fmt::format("flag '{}' has no value '{}' (expected {}one of: {})", f.name, value,
                              off_ok ? "off or " : "", join(f.values, ", ")));
    return false;
  }

  void load_profiles(const YAML::Node& root) {
    if (root["profiles"].IsDefined())
      for (auto& e : m_r.scalar_list(root["profiles"], "'profiles'", root)) {
        auto it = m_m.profile_catalogue.find(e.value);
        if (it == m_m.profile_catalogue.end())
          m_r.error(e.node, fmt::format("unknown profile '{}' (not defined in any imported catalogue)", e.value));
        else if (std::none_of(m_m.targets.begin(), m_m.targets.end(),
                              [&](const Target& t) { return t.name == it->second.target; }))
          m_r.error(e.node, fmt::format("profile '{}' is for {}, which is not among the matrix's targets", e.value,
                                        it->second.target));
        else
          m_m.profiles.push_back(e.value);
      }
    if (!root["profile-pairings"].IsDefined()) {
      m_m.profile_pairings = {ProfilePairing::matched, ProfilePairing::rust_drops_one};
      return;
    }
    for (auto& e : m_r.scalar_list(root["profile-pairings"], "'profile-pairings'", root)) {
      if (auto p = parse_profile_pairing(e.value))
        m_m.profile_pairings.push_back(*p);
      else
        m_r.error(e.node, fmt::format("unknown profile pairing '{}' (expected one of: matched, rust-drops-one, "
                                      "c-drops-one)",
                                      e.value));
    }
  }

  void load_pairings(const YAML::Node& root) {
    if (root["combine"].IsDefined()) {
      if (auto s = m_r.scalar(root["combine"], "'combine'", root)) {
        if (*s == "each")
          m_m.combine = Combine::each;
        else if (*s == "product")
          m_m.combine = Combine::product;
        else
          m_r.error(root["combine"], fmt::format("unknown combine mode '{}' (expected each or product)", *s));
      }
    }
    if (!root["pairings"].IsDefined()) {
      m_m.pairings = {Pairing::matched};
      return;
    }
    for (auto& e : m_r.scalar_list(root["pairings"], "'pairings'", root)) {
      if (auto p = parse_pairing(e.value))
        m_m.pairings.push_back(*p);
      else
        m_r.error(e.node, fmt::format("unknown pairing mode '{}' (expected one of: {})", e.value,
                                      join(kPairingNames, ", ")));
    }
  }

  // Rule patterns must match something this matrix has, so a typo is an error
  // instead of a rule that silently matches nothing.
  std::vector<std::string> patterns(const YAML::Node& rule, const char* key, const std::vector<std::string>& known,
                                    std::string_view what) {
    std::vector<std::string> out;
    if (!rule[key].IsDefined())
      return out;
    for (auto& e : m_r.scalar_list(rule[key], fmt::format("'{}'", key), rule)) {
      bool hit = std::any_of(known.begin(), known.end(), [&](const std::string& k) { return glob_match(e.value, k); });
      if (!hit)
        m_r.error(e.node, fmt::format("'{}' matches no {} of this matrix (it has: {})", e.value, what, join(known, ", ")));
      out.push_back(e.value);
    }
    return out;
  }

  Setting load_side(const YAML::Node& rule, const char* side) {
    Setting s;
    YAML::Node n = rule[side];
    if (!n.IsDefined() || !m_r.check_map(n, fmt::format("'{}'", side), {}, rule))
      return s;
    for (const auto& kv : n) {
      std::string name = kv.first.Scalar();
      if (const Flag* f = find_flag(name, kv.first))
        if (auto v = m_r.scalar(kv.second, fmt::format("the value of '{}'", name), kv.first))
          if (check_value(*f, *v, kv.second, true))
            s[name] = *v;
    }
    return s;
  }

  Rule load_rule(const YAML::Node& n) {
    Rule r;
    r.at = m_r.mark(n);
    std::vector<std::string> targets, fixtures, compilers;
    for (const auto& t : m_m.targets)
      targets.push_back(t.name);
    for (const auto& f : m_m.fixtures)
      fixtures.push_back(f.name);
    for (const auto& c : m_m.c_compilers)
      compilers.push_back(c.name);
    r.targets = patterns(n, "target", targets, "target");
    r.fixtures = patterns(n, "fixture", fixtures, "fixture");
    r.c_compilers = patterns(n, "c-compiler", compilers, "C compiler");
    r.rustcs = patterns(n, "rustc", m_m.rustcs, "rustc");
    r.pairings = patterns(n, "pairing", kPairingNames, "pairing mode");
    r.c = load_side(n, "c");
    r.rust = load_side(n, "rust");
    return r;
  }

  static Setting strip_off(const Setting& s) {
    Setting out;
    for (const auto& [k, v] : s)
      if (v != "off")
        out[k] = v;
    return out;
  }

  void load_expectation(const YAML::Node& n, const YAML::Node& root) {
    if (!m_r.check_map(n, "an expectation", {"match", "verdict", "stage", "reason", "checks"}, root))
      return;
    Expectation e;
    YAML::Node match = m_r.required(n, "match", "an expectation");
    if (match.IsDefined() && m_r.check_map(match, "'match'", kRuleKeys, n))
      e.match = load_rule(match);
    if (YAML::Node v = m_r.required(n, "verdict", "an expectation"); v.IsDefined()) {
      if (auto s = m_r.scalar(v, "'verdict'", n)) {
        if (auto ex = parse_expected(*s))
          e.expected = *ex;
        else
          m_r.error(v, fmt::format("unknown verdict '{}' (expected pass or fail)", *s));
      }
    }
    if (YAML::Node st = n["stage"]; st.IsDefined()) {
      if (auto s = m_r.scalar(st, "'stage'", n)) {
        if (auto stage = parse_stage(*s); stage && *stage != Stage::rust_mix)
          e.stage = stage;
        else
          m_r.error(st, fmt::format("unknown stage '{}' (expected compile-c, compile-rust, link, run or check)", *s));
      }
    }
    // An expectation without a reason is an opinion; the reason is the evidence.
    if (YAML::Node r = m_r.required(n, "reason", "an expectation"); r.IsDefined()) {
      e.reason = m_r.scalar(r, "'reason'", n).value_or("");
      if (r.IsScalar() && e.reason.find_first_not_of(" \t\n") == std::string::npos)
        m_r.error(r, "an expectation's reason is empty: say why the cells do what it expects");
    }
    // checks: the rule owns these checks only, which are expected to fail.
    if (YAML::Node c = n["checks"]; c.IsDefined()) {
      for (auto& g : m_r.scalar_list(c, "'checks'", n))
        e.checks.push_back(g.value);
      if (e.expected != Expected::fail)
        m_r.error(c, "an expectation that names checks expects them to fail: give verdict: fail");
    }
    m_m.expectations.push_back(std::move(e));
  }

  // A plain decimal with at most `decimals` digits after the point, from
  // min to max: no exponent, sign, hex or "inf", and nothing that would be
  // rounded to 0 or overflow the count it becomes.
  std::optional<double> bounded_number(const YAML::Node& n, std::string_view what, const YAML::Node& parent,
                                       int decimals, double min, double max, std::string_view range) {
    auto s = m_r.scalar(n, what, parent);
    if (!s)
      return std::nullopt;
    static const std::regex whole(R"([0-9]{1,12})"), fraction(R"([0-9]{1,12}(\.[0-9]{1,3})?)");
    if (std::regex_match(*s, decimals ? fraction : whole)) {
      double v = std::stod(*s);
      if (v >= min && v <= max)
        return v;
    }
    m_r.error(n, fmt::format("{} must be a {} from {}, not '{}'", what, decimals ? "decimal number" : "whole number",
                             range, *s));
    return std::nullopt;
  }

  void load_limits(const YAML::Node& root) {
    if (YAML::Node t = root["timeouts"]; t.IsDefined() && m_r.check_map(t, "'timeouts'", {"compile", "link", "run", "case"}, root)) {
      auto seconds = [&](const char* key, std::chrono::milliseconds& out) {
        if (t[key].IsDefined())
          if (auto v = bounded_number(t[key], fmt::format("timeouts.{} (seconds)", key), t, 3, 0.001, 86400,
                                      "0.001 to 86400 (1 ms to 1 day)"))
            out = std::chrono::milliseconds(std::llround(*v * 1000));
      };
      seconds("compile", m_m.timeouts.compile);
      seconds("link", m_m.timeouts.link);
      seconds("run", m_m.timeouts.run);
      seconds("case", m_m.timeouts.test_case);
      // A case that may outlast the program would never be reported as a
      // hang of its own: the program's timeout would take all the rest.
      if (m_m.timeouts.test_case >= m_m.timeouts.run)
        m_r.error(t["case"].IsDefined() ? t["case"] : t,
                  fmt::format("timeouts.case ({} s) must be shorter than timeouts.run ({} s)",
                              m_m.timeouts.test_case.count() / 1000.0, m_m.timeouts.run.count() / 1000.0),
                  t);
    }
    if (root["max-cells"].IsDefined())
      if (auto v = bounded_number(root["max-cells"], "'max-cells'", root, 0, 1, 1e9, "1 to 1000000000"))
        m_m.max_cells = static_cast<std::uint64_t>(*v);
    if (root["output-cap"].IsDefined())
      if (auto v = bounded_number(root["output-cap"], "'output-cap' (bytes)", root, 0, 1024, 1 << 30,
                                  "1024 to 1073741824 (1 KiB to 1 GiB)"))
        m_m.output_cap = static_cast<std::size_t>(*v);
  }

  Matrix& m_m;
  Diagnostics& m_diags;
  YamlReader m_r;
  std::map<std::string, YAML::Node> m_flag_nodes; // each varied flag's key, for messages
};

} // namespace

Matrix load_matrix(const std::filesystem::path& path) {
  Matrix m;
  m.path = path;
  Diagnostics diags;
  MatrixLoader(m, diags).load();
  diags.throw_if_any();
  return m;
}

} // namespace amx
