#include "matrix/signatures.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace amx {

namespace {

class SignatureReader {
public:
  SignatureReader(YamlReader& r) : m_r(r) {}

  std::optional<SignatureSpec> read(const YAML::Node& n, const YAML::Node& root) {
    if (!m_r.check_map(n, "'generate'",
                       {"scalars", "arguments", "mixed", "structs", "unions", "struct-sizes", "struct-arguments",
                        "callbacks"},
                       root))
      return std::nullopt;
    SignatureSpec s;
    for (auto& e : m_r.scalar_list(m_r.required(n, "scalars", "'generate'"), "'scalars'", n))
      if (scalar(e))
        s.scalars.push_back(e.value);
    s.arguments = count(m_r.required(n, "arguments", "'generate'"), "arguments", n).value_or(0);
    if (YAML::Node mixed = n["mixed"]; mixed.IsDefined()) {
      if (!mixed.IsSequence())
        fail(mixed, "'mixed' must be a list of pairs of scalar types, e.g. [[u8, u64]]");
      for (const auto& pair : mixed) {
        auto both = m_r.scalar_list(pair, "a pair in 'mixed'", mixed);
        if (both.size() != 2) {
          fail(pair, "each entry of 'mixed' is a pair of scalar types, e.g. [u8, u64]");
          continue;
        }
        if (scalar(both[0]) && scalar(both[1]))
          s.mixed.emplace_back(both[0].value, both[1].value);
      }
    }
    if (YAML::Node structs = n["structs"]; structs.IsDefined()) {
      if (!structs.IsSequence())
        fail(structs, "'structs' must be a list of {name: NAME, fields: [TYPE, ...]}");
      for (const auto& st : structs)
        if (auto spec = structure(st, structs, s, false))
          s.structs.push_back(std::move(*spec));
    }
    if (YAML::Node unions = n["unions"]; unions.IsDefined()) {
      if (!unions.IsSequence())
        fail(unions, "'unions' must be a list of {name: NAME, fields: [TYPE, ...]}");
      for (const auto& u : unions)
        if (auto spec = structure(u, unions, s, true))
          s.structs.push_back(std::move(*spec));
    }
    if (YAML::Node sizes = n["struct-sizes"]; sizes.IsDefined() && m_r.check_map(sizes, "'struct-sizes'", {"from", "to", "by"}, n)) {
      auto from = count(m_r.required(sizes, "from", "'struct-sizes'"), "struct-sizes.from", sizes);
      auto to = count(m_r.required(sizes, "to", "'struct-sizes'"), "struct-sizes.to", sizes);
      auto by = count(m_r.required(sizes, "by", "'struct-sizes'"), "struct-sizes.by", sizes);
      if (from && to && by) {
        if (*from > *to)
          fail(sizes, fmt::format("struct-sizes: from ({}) is past to ({})", *from, *to));
        for (auto& sweep : struct_size_sweep(*from, *to, *by))
          s.structs.push_back(std::move(sweep));
      }
    }
    if (!s.structs.empty())
      s.struct_arguments = count(m_r.required(n, "struct-arguments", "'generate' with structs"), "struct-arguments", n)
                               .value_or(0);
    if (YAML::Node cb = n["callbacks"]; cb.IsDefined()) {
      auto v = m_r.scalar(cb, "'callbacks'", n);
      if (v && *v != "true" && *v != "false")
        fail(cb, fmt::format("'callbacks' is true or false, not '{}'", *v));
      s.callbacks = v && *v == "true";
    }
    if (m_failed)
      return std::nullopt;
    return s;
  }

private:
  void fail(const YAML::Node& n, const std::string& message) {
    m_r.error(n, message);
    m_failed = true;
  }

  bool scalar(const YamlReader::Entry& e) {
    if (find_scalar(e.value))
      return true;
    std::vector<std::string> names;
    for (const auto& t : scalar_types())
      names.push_back(t.name);
    fail(e.node, fmt::format("unknown scalar type '{}' (expected one of: {})", e.value, join(names, ", ")));
    return false;
  }

  std::optional<std::size_t> count(const YAML::Node& n, std::string_view what, const YAML::Node& parent) {
    if (!n.IsDefined()) {
      m_failed = true; // `required` reported it
      return std::nullopt;
    }
    auto s = m_r.scalar(n, what, parent);
    std::size_t v = 0;
    if (s && std::from_chars(s->data(), s->data() + s->size(), v).ptr == s->data() + s->size() && v > 0 && v <= 64)
      return v;
    fail(n, fmt::format("{} must be a whole number from 1 to 64, not '{}'", what, s.value_or("")));
    return std::nullopt;
  }

  // {name: pad, fields: [u8, "u32[2]", other]}: fields name scalars or
  // structs defined before.
  std::optional<StructSpec> structure(const YAML::Node& n, const YAML::Node& list, const SignatureSpec& s,
                                      bool is_union) {
    if (!m_r.check_map(n, "a struct", {"name", "fields"}, list)) {
      m_failed = true;
      return std::nullopt;
    }
    StructSpec st;
    st.is_union = is_union;
    st.name = m_r.scalar(m_r.required(n, "name", "a struct"), "a struct's name", n).value_or("");
    if (st.name.empty() || !std::all_of(st.name.begin(), st.name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        })) {
      fail(n["name"].IsDefined() ? n["name"] : n, fmt::format("a struct's name is lower-case letters, digits and _, "
                                                               "not '{}'", st.name));
      return std::nullopt;
    }
    auto known = [&](const std::string& t) {
      return find_scalar(t) ||
             std::any_of(s.structs.begin(), s.structs.end(), [&](const StructSpec& o) { return o.name == t; });
    };
    auto fields = m_r.scalar_list(m_r.required(n, "fields", "a struct"), "'fields'", n);
    for (auto& f : fields) {
      FieldSpec field{f.value, 0, ""};
      if (auto open = f.value.find('['); open != std::string::npos) {
        field.type = f.value.substr(0, open);
        auto digits = f.value.substr(open + 1, f.value.size() - open - 2);
        if (f.value.back() != ']' ||
            std::from_chars(digits.data(), digits.data() + digits.size(), field.count).ptr != digits.data() + digits.size() ||
            field.count == 0) {
          fail(f.node, fmt::format("'{}': an array field is TYPE[N], N at least 1", f.value));
          continue;
        }
      }
      if (!known(field.type)) {
        fail(f.node, fmt::format("'{}' is neither a scalar type nor a struct defined before '{}'", field.type, st.name));
        continue;
      }
      // Rust wants a union's fields Copy; the fixtures' core makes only the
      // scalars up to 64 bits so, and C and Rust agree on their layout.
      if (const auto* t = find_scalar(field.type); is_union && (!t || t->wide)) {
        fail(f.node, fmt::format("union '{}': a field is a scalar of at most 64 bits, not '{}'", st.name, field.type));
        continue;
      }
      st.fields.push_back(field);
    }
    if (fields.empty())
      fail(n, fmt::format("struct '{}' has no fields", st.name));
    if (st.fields.size() != fields.size())
      return std::nullopt;
    return st;
  }

  YamlReader& m_r;
  bool m_failed = false;
};

} // namespace

std::optional<SignatureSpec> load_signatures(YamlReader& r, const YAML::Node& generate, const YAML::Node& root) {
  return SignatureReader(r).read(generate, root);
}

} // namespace amx
