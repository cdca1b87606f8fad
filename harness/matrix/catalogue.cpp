#include "matrix/catalogue.hpp"

#include "model/target.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace amx {

namespace {

class CatalogueLoader {
public:
  CatalogueLoader(YamlReader& r, std::map<std::string, Flag>& out, std::map<std::string, Profile>& profiles,
                  std::vector<RustTarget>& rust_targets)
      : m_r(r), m_out(out), m_profiles(profiles), m_rust_targets(rust_targets) {}

  void load(const YAML::Node& root) {
    if (!m_r.check_map(root, "a flag catalogue", {"rust-targets", "flags", "profiles"}))
      return;
    if (YAML::Node rts = root["rust-targets"]; rts.IsDefined() && m_r.check_map(rts, "'rust-targets'", {}, root))
      for (const auto& kv : rts)
        load_rust_target(kv.first, kv.second);
    if (!root["profiles"].IsDefined() || root["flags"].IsDefined()) {
      YAML::Node flags = m_r.required(root, "flags", "a flag catalogue");
      if (flags.IsDefined() && m_r.check_map(flags, "'flags'", {}, root))
        for (const auto& kv : flags)
          load_flag(kv.first, kv.second);
    }
    if (YAML::Node profiles = root["profiles"]; profiles.IsDefined() && m_r.check_map(profiles, "'profiles'", {}, root))
      for (const auto& kv : profiles)
        load_profile(kv.first, kv.second);
    for (const auto& c : m_carried)
      if (!m_out.count(c.flag))
        m_r.error(c.at, fmt::format("unknown flag '{}' in 'features-from' of {}", c.flag, c.what));
  }

private:
  // False, with the error, when `what` (a flag or profile of this name) was
  // defined before, here or in a catalogue read earlier.
  template <typename T>
  bool is_new(const std::map<std::string, T>& defined, const YAML::Node& key, const std::string& what) {
    auto it = defined.find(key.Scalar());
    if (it == defined.end())
      return true;
    already_defined(key, what, it->second.defined_at);
    return false;
  }

  void already_defined(const YAML::Node& key, const std::string& what, const SourceMark& at) {
    m_r.error(key, fmt::format("{} is already defined at {}:{}:{}", what, at.file.string(), at.line, at.column));
  }

  // The target name `node` holds, if it is a known one.
  std::optional<std::string> known_target(const YAML::Node& node, const YAML::Node& parent) {
    auto s = m_r.scalar(node, "'target'", parent);
    if (!s)
      return std::nullopt;
    auto known = known_target_names();
    if (std::find(known.begin(), known.end(), *s) == known.end()) {
      m_r.error(node, fmt::format("unknown target '{}' (expected one of: {})", *s, join(known, ", ")));
      return std::nullopt;
    }
    return s;
  }

  // A map of scalars ("float-abi: soft").
  std::map<std::string, std::string> scalar_map(const YAML::Node& node, const std::string& what,
                                                const YAML::Node& parent) {
    std::map<std::string, std::string> out;
    if (m_r.check_map(node, what, {}, parent))
      for (const auto& kv : node)
        if (auto v = m_r.scalar(kv.second, "a value of " + what, kv.first))
          out[kv.first.Scalar()] = *v;
    return out;
  }

  // A specification's field as JSON: YAML's quoted scalars are strings,
  // plain ones numbers or booleans when they read as such.
  nlohmann::json to_json(const YAML::Node& node) {
    if (node.IsSequence()) {
      auto a = nlohmann::json::array();
      for (const auto& e : node)
        a.push_back(to_json(e));
      return a;
    }
    if (node.IsMap()) {
      auto o = nlohmann::json::object();
      for (const auto& kv : node)
        o[kv.first.Scalar()] = to_json(kv.second);
      return o;
    }
    const std::string& v = node.Scalar();
    if (node.Tag() == "!")
      return v;
    if (v == "true" || v == "false")
      return v == "true";
    if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos && v.size() < 10)
      return std::stoi(v);
    return v;
  }

  void load_rust_target(const YAML::Node& key, const YAML::Node& def) {
    std::string what = fmt::format("Rust target '{}'", key.Scalar());
    for (const auto& rt : m_rust_targets)
      if (rt.name == key.Scalar())
        return already_defined(key, what, rt.defined_at);
    if (!m_r.check_map(def, what, {"target", "description", "kernel", "properties", "spec", "features-from"}, key))
      return;
    RustTarget rt;
    rt.name = key.Scalar();
    rt.defined_at = m_r.mark(key);
    if (auto t = m_r.required(def, "target", what); t.IsDefined())
      rt.target = known_target(t, def).value_or("");
    if (def["description"].IsDefined())
      rt.description = m_r.scalar(def["description"], "'description'", def).value_or("");
    if (def["kernel"].IsDefined())
      rt.kernel = kernel_lines(def["kernel"], def);
    if (auto props = m_r.required(def, "properties", what); props.IsDefined())
      rt.properties = scalar_map(props, "the properties of " + what, def);
    if (YAML::Node spec = def["spec"]; spec.IsDefined() && m_r.check_map(spec, "the spec of " + what, {}, def))
      for (const auto& kv : spec)
        rt.spec.emplace_back(kv.first.Scalar(), to_json(kv.second).dump());
    if (YAML::Node from = def["features-from"]; from.IsDefined()) {
      bool has_features = std::any_of(rt.spec.begin(), rt.spec.end(), [](const auto& f) { return f.first == "features"; });
      if (!has_features)
        m_r.error(from, "'features-from' needs a 'spec' with a 'features' field to add to");
      for (auto& [flag, features] : scalar_map(from, "'features-from'", def)) {
        m_carried.push_back({from, flag, what});
        rt.features_from[flag] = features;
      }
    }
    m_rust_targets.push_back(std::move(rt));
  }

  // A flag's Rust target needs on `target` must be met by some Rust target
  // defined by then.
  void check_rust_needs(const Flag& f, const std::string& target, const std::map<std::string, std::string>& needs,
                        const YAML::Node& at) {
    for (const auto& rt : m_rust_targets)
      if (rt.target == target && rt.has(needs))
        return;
    std::vector<std::string> wanted;
    for (const auto& [k, v] : needs)
      wanted.push_back(k + "=" + v);
    m_r.error(at, fmt::format("flag '{}' needs a Rust target for {} with {}, and no rust-targets entry defined by "
                              "then has that",
                              f.name, target, join(wanted, ", ")));
  }

  void load_rust_needs(Flag& f, const std::string& target, const YAML::Node& node, const YAML::Node& parent) {
    auto needs = scalar_map(node, "'rust-target'", parent);
    if (target.empty())
      for (const auto& t : f.targets.empty() ? known_target_names() : f.targets)
        check_rust_needs(f, t, needs, node);
    else
      check_rust_needs(f, target, needs, node);
    f.rust_target_needs[target] = needs;
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

  // `kernel:` entries: {file, config, lines}, or a list of them (an alias to
  // another profile's).
  std::vector<KernelLines> kernel_lines(const YAML::Node& node, const YAML::Node& parent) {
    std::vector<KernelLines> out;
    if (!node.IsSequence()) {
      m_r.error(node, "'kernel' must be a list of {file, config, lines}", parent);
      return out;
    }
    for (const auto& e : node) {
      if (e.IsSequence()) {
        auto more = kernel_lines(e, node);
        out.insert(out.end(), more.begin(), more.end());
        continue;
      }
      if (!m_r.check_map(e, "a 'kernel' entry", {"file", "config", "lines"}, node))
        continue;
      KernelLines k;
      if (auto f = m_r.required(e, "file", "a 'kernel' entry"); f.IsDefined())
        k.file = m_r.scalar(f, "'file'", e).value_or("");
      if (e["config"].IsDefined())
        k.config = m_r.scalar(e["config"], "'config'", e).value_or("");
      if (auto l = m_r.required(e, "lines", "a 'kernel' entry"); l.IsDefined())
        for (auto& line : m_r.scalar_list(l, "'lines'", e))
          k.lines.push_back(line.value);
      out.push_back(std::move(k));
    }
    return out;
  }

  // A profile's `flags:` or `c-only:`: flags of the catalogue, values they have.
  Setting profile_flags(const YAML::Node& flags, const Profile& p, const std::string& what, const YAML::Node& def) {
    Setting out;
    if (!m_r.check_map(flags, what, {}, def))
      return out;
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
        out[name] = *value;
      }
    }
    return out;
  }

  void load_profile(const YAML::Node& key, const YAML::Node& def) {
    std::string what;
    auto started = start(key, def, m_profiles, "profile",
                         {"target", "description", "kernel", "kernel-builds-rust", "config", "flags", "c-only"},
                         what);
    if (!started)
      return;
    Profile& p = *started;
    if (auto t = m_r.required(def, "target", what); t.IsDefined())
      p.target = known_target(t, def).value_or("");
    if (def["description"].IsDefined())
      p.description = m_r.scalar(def["description"], "'description'", def).value_or("");
    if (auto k = m_r.required(def, "kernel", what); k.IsDefined())
      p.kernel = kernel_lines(k, def);
    if (def["config"].IsDefined())
      p.config = scalar_map(def["config"], "the config of " + what, def);
    if (YAML::Node b = def["kernel-builds-rust"]; b.IsDefined()) {
      auto v = m_r.scalar(b, "'kernel-builds-rust'", def);
      if (v && *v != "true" && *v != "false")
        m_r.error(b, fmt::format("'kernel-builds-rust' is true or false, not '{}'", *v));
      p.kernel_builds_rust = v != "false";
    }
    if (auto flags = m_r.required(def, "flags", what); flags.IsDefined())
      p.flags = profile_flags(flags, p, "the flags of " + what, def);
    if (def["c-only"].IsDefined())
      p.c_only = profile_flags(def["c-only"], p, "the c-only flags of " + what, def);
    for (const auto& [name, _] : p.c_only)
      if (p.flags.count(name))
        m_r.error(def["c-only"], fmt::format("flag '{}' is in both 'flags' and 'c-only' of {}", name, what));
    m_profiles.emplace(p.name, std::move(p));
  }

  void load_flag(const YAML::Node& key, const YAML::Node& def) {
    std::string what;
    auto started = start(key, def, m_out, "flag",
                         {"class", "description", "targets", "values", "rustc", "clang", "gcc", "rust-target",
                          "per-target"},
                         what);
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
    if (def["rust-target"].IsDefined())
      load_rust_needs(f, "", def["rust-target"], def);
    if (YAML::Node per = def["per-target"]; per.IsDefined() && m_r.check_map(per, "'per-target'", {}, def)) {
      for (const auto& kv : per) {
        std::string target = kv.first.Scalar();
        if (!f.applies_to(target))
          m_r.error(kv.first, fmt::format("flag '{}' does not apply to target '{}' (its targets: {})", f.name,
                                          target, join(f.targets, ", ")));
        else if (m_r.check_map(kv.second, fmt::format("the {} spellings of '{}'", target, f.name),
                               {"rustc", "clang", "gcc", "rust-target"}, kv.first)) {
          load_spellings(f, kv.second, f.target_spellings[target]);
          if (kv.second["rust-target"].IsDefined())
            load_rust_needs(f, target, kv.second["rust-target"], kv.second);
        }
      }
    }
    m_out.emplace(f.name, std::move(f));
  }

  void load_spellings(const Flag& f, const YAML::Node& def, std::map<Family, Spellings>& out) {
    for (auto [key_name, family] : {std::pair{"rustc", Family::rustc}, {"clang", Family::clang}, {"gcc", Family::gcc}}) {
      YAML::Node sp = def[key_name];
      if (!sp.IsDefined())
        continue;
      if (!sp.IsSequence() || sp.size() == 0 || !sp[0].IsMap()) {
        if (auto spelling = load_spelling(f, sp, def))
          out[family] = {*spelling};
        continue;
      }
      // Spellings through a flag's life: [{since: "1.98", args: -Cfixed-x18}, {args: -Zfixed-x18}].
      Spellings list;
      for (const auto& entry : sp) {
        if (!m_r.check_map(entry, "a spelling with a version", {"since", "args"}, sp))
          continue;
        YAML::Node args = m_r.required(entry, "args", "a spelling with a version");
        if (!args.IsDefined())
          continue;
        auto spelling = load_spelling(f, args, entry);
        if (!spelling)
          continue;
        if (entry["since"].IsDefined()) {
          spelling->since = m_r.scalar(entry["since"], "'since'", entry).value_or("");
          if (auto why = bad_since(spelling->since))
            m_r.error(entry["since"], *why);
        }
        list.push_back(std::move(*spelling));
      }
      out[family] = std::move(list);
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
  std::vector<RustTarget>& m_rust_targets;
  // Flags a specification carries, checked once the file's flags are read.
  struct Carried {
    YAML::Node at;
    std::string flag, what;
  };
  std::vector<Carried> m_carried;
};

} // namespace

void load_catalogue(YamlReader& r, const YAML::Node& root, std::map<std::string, Flag>& out,
                    std::map<std::string, Profile>& profiles, std::vector<RustTarget>& rust_targets) {
  CatalogueLoader(r, out, profiles, rust_targets).load(root);
}

} // namespace amx
