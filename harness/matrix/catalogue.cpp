#include "matrix/catalogue.hpp"

#include "model/target.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amx {

namespace {

class CatalogueLoader {
public:
  CatalogueLoader(YamlReader& r, std::map<std::string, Flag>& out, std::map<std::string, Profile>& profiles)
      : m_r(r), m_out(out), m_profiles(profiles) {}

  void load(const YAML::Node& root) {
    if (!m_r.check_map(root, "a flag catalogue", {"flags", "profiles"}))
      return;
    if (!root["profiles"].IsDefined() || root["flags"].IsDefined()) {
      YAML::Node flags = m_r.required(root, "flags", "a flag catalogue");
      if (flags.IsDefined() && m_r.check_map(flags, "'flags'", {}, root))
        for (const auto& kv : flags)
          load_flag(kv.first, kv.second);
    }
    if (YAML::Node profiles = root["profiles"]; profiles.IsDefined() && m_r.check_map(profiles, "'profiles'", {}, root))
      for (const auto& kv : profiles)
        load_profile(kv.first, kv.second);
  }

private:
  // False, with the error, when `what` (a flag or profile of this name) was
  // defined before, here or in a catalogue read earlier.
  template <typename T>
  bool is_new(const std::map<std::string, T>& defined, const YAML::Node& key, const std::string& what) {
    auto it = defined.find(key.Scalar());
    if (it == defined.end())
      return true;
    const auto& at = it->second.defined_at;
    m_r.error(key, fmt::format("{} is already defined at {}:{}:{}", what, at.file.string(), at.line, at.column));
    return false;
  }

  // A new definition named by key, or nullopt (with the error) when the name
  // is taken or def is not a map of these keys; `what` names it for messages.
  template <typename T>
  std::optional<T> start(const YAML::Node& key, const YAML::Node& def, const std::map<std::string, T>& defined,
                         const char* kind, const std::vector<std::string_view>& keys, std::string& what) {
    T t;
    t.name = key.Scalar();
    t.defined_at = m_r.mark(key);
    what = fmt::format("{} '{}'", kind, t.name);
    if (!is_new(defined, key, what) || !m_r.check_map(def, what, keys, key))
      return std::nullopt;
    return t;
  }

  void load_profile(const YAML::Node& key, const YAML::Node& def) {
    std::string what;
    auto started = start(key, def, m_profiles, "profile", {"target", "description", "kernel", "flags"}, what);
    if (!started)
      return;
    Profile& p = *started;
    if (auto t = m_r.required(def, "target", what); t.IsDefined())
      if (auto s = m_r.scalar(t, "'target'", def)) {
        auto known = known_target_names();
        if (std::find(known.begin(), known.end(), *s) == known.end())
          m_r.error(t, fmt::format("unknown target '{}' (expected one of: {})", *s, join(known, ", ")));
        p.target = *s;
      }
    if (def["description"].IsDefined())
      p.description = m_r.scalar(def["description"], "'description'", def).value_or("");
    if (auto k = m_r.required(def, "kernel", what); k.IsDefined())
      for (auto& e : m_r.scalar_list(k, "'kernel'", def))
        p.kernel.push_back(e.value);
    YAML::Node flags = m_r.required(def, "flags", what);
    if (!flags.IsDefined() || !m_r.check_map(flags, "the flags of " + what, {}, def))
      return;
    for (const auto& kv : flags) {
      std::string name = kv.first.Scalar();
      auto value = m_r.scalar(kv.second, "a flag value", kv.first);
      auto f = m_out.find(name);
      if (f == m_out.end()) {
        m_r.error(kv.first, fmt::format("unknown flag '{}' in {} (import the catalogue that defines it first)", name,
                                        what));
      } else if (!f->second.applies_to(p.target)) {
        m_r.error(kv.first, fmt::format("flag '{}' does not apply to target '{}'", name, p.target));
      } else if (value && std::find(f->second.values.begin(), f->second.values.end(), *value) ==
                              f->second.values.end()) {
        m_r.error(kv.second, fmt::format("flag '{}' has no value '{}' (expected one of: {})", name, *value,
                                         join(f->second.values, ", ")));
      } else if (value) {
        p.flags[name] = *value;
      }
    }
    m_profiles.emplace(p.name, std::move(p));
  }

  void load_flag(const YAML::Node& key, const YAML::Node& def) {
    std::string what;
    auto started = start(key, def, m_out, "flag",
                         {"class", "description", "targets", "values", "rustc", "clang", "gcc", "per-target"}, what);
    if (!started)
      return;
    Flag& f = *started;
    if (auto cls_node = m_r.required(def, "class", what); cls_node.IsDefined()) {
      if (auto s = m_r.scalar(cls_node, "'class'", def)) {
        if (auto c = parse_flag_class(*s))
          f.cls = *c;
        else
          m_r.error(cls_node, fmt::format("unknown flag class '{}' (expected one of: abi, hardening, layout)", *s));
      }
    }
    if (def["description"].IsDefined())
      f.description = m_r.scalar(def["description"], "'description'", def).value_or("");
    if (def["targets"].IsDefined()) {
      auto known = known_target_names();
      for (auto& e : m_r.scalar_list(def["targets"], "'targets'", def)) {
        if (std::find(known.begin(), known.end(), e.value) == known.end())
          m_r.error(e.node, fmt::format("unknown target '{}' (expected one of: {})", e.value, join(known, ", ")));
        else
          f.targets.push_back(e.value);
      }
    }
    if (auto values = m_r.required(def, "values", what); values.IsDefined()) {
      for (auto& e : m_r.scalar_list(values, "'values'", def)) {
        if (e.value == "off")
          m_r.error(e.node, "'off' is implicit: every flag has it, and it passes nothing unless a spelling says otherwise");
        else
          f.values.push_back(e.value);
      }
    }
    load_spellings(f, def, f.spellings);
    if (YAML::Node per = def["per-target"]; per.IsDefined() && m_r.check_map(per, "'per-target'", {}, def)) {
      for (const auto& kv : per) {
        std::string target = kv.first.Scalar();
        if (!f.applies_to(target))
          m_r.error(kv.first, fmt::format("flag '{}' does not apply to target '{}' (its targets: {})", f.name,
                                          target, join(f.targets, ", ")));
        else if (m_r.check_map(kv.second, fmt::format("the {} spellings of '{}'", target, f.name),
                               {"rustc", "clang", "gcc"}, kv.first))
          load_spellings(f, kv.second, f.target_spellings[target]);
      }
    }
    m_out.emplace(f.name, std::move(f));
  }

  void load_spellings(const Flag& f, const YAML::Node& def, std::map<Family, Spelling>& out) {
    for (auto [key_name, family] : {std::pair{"rustc", Family::rustc}, {"clang", Family::clang}, {"gcc", Family::gcc}}) {
      YAML::Node sp = def[key_name];
      if (sp.IsDefined())
        if (auto spelling = load_spelling(f, sp, def))
          out[family] = *spelling;
    }
  }

  // "-mregparm={value}", a list of arguments, or a map from value to either.
  std::optional<Spelling> load_spelling(const Flag& f, const YAML::Node& node, const YAML::Node& def) {
    Spelling s;
    if (node.IsScalar()) {
      s.pattern = split_words(node.Scalar());
      return s;
    }
    if (node.IsSequence()) {
      for (auto& e : m_r.scalar_list(node, "a spelling", def))
        s.pattern.push_back(e.value);
      return s;
    }
    if (!node.IsMap()) {
      m_r.error(node, "a spelling must be arguments, a list of arguments, or a map from value to arguments", def);
      return std::nullopt;
    }
    if (!m_r.check_map(node, "a spelling", {}, def))
      return std::nullopt;
    for (const auto& kv : node) {
      std::string value = kv.first.Scalar();
      if (value != "off" && std::find(f.values.begin(), f.values.end(), value) == f.values.end()) {
        m_r.error(kv.first, fmt::format("flag '{}' has no value '{}' (expected off or one of: {})", f.name,
                                        value, join(f.values, ", ")));
        continue;
      }
      std::vector<std::string> args;
      if (kv.second.IsScalar())
        args = split_words(kv.second.Scalar());
      else
        for (auto& e : m_r.scalar_list(kv.second, "a spelling", kv.first))
          args.push_back(e.value);
      s.per_value[value] = args;
    }
    return s;
  }

  YamlReader& m_r;
  std::map<std::string, Flag>& m_out;
  std::map<std::string, Profile>& m_profiles;
};

} // namespace

void load_catalogue(YamlReader& r, const YAML::Node& root, std::map<std::string, Flag>& out,
                    std::map<std::string, Profile>& profiles) {
  CatalogueLoader(r, out, profiles).load(root);
}

} // namespace amx
