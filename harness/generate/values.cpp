#include "generate/values.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>

namespace amx {

std::string float_helpers_c(bool f32, bool f64, bool portable, bool explained) {
  std::string out;
  if (portable) {
    if (explained)
      out += "/* arm64 with -mgeneral-regs-only cannot name a float type: there the\n"
             " * same bits travel as integers, where the soft-float ABI passes floats. */\n";
    out += "#if defined(__aarch64__) && !defined(__ARM_FP)\n";
    out += std::string(f32 ? "typedef uint32_t amx_f32;\n" : "") + (f64 ? "typedef uint64_t amx_f64;\n" : "");
    out += "#else\n";
  }
  out += std::string(f32 ? "typedef float amx_f32;\n" : "") + (f64 ? "typedef double amx_f64;\n" : "");
  if (portable)
    out += "#endif\n";
  if (f32)
    out += "static amx_f32 f32_of(uint32_t u) { amx_f32 x; memcpy(&x, &u, 4); return x; }\n";
  if (f64)
    out += "static amx_f64 f64_of(uint64_t u) { amx_f64 x; memcpy(&x, &u, 8); return x; }\n";
  if (f32)
    out += "static uint32_t bits_f32(amx_f32 x) { uint32_t u; memcpy(&u, &x, 4); return u; }\n";
  if (f64)
    out += "static uint64_t bits_f64(amx_f64 x) { uint64_t u; memcpy(&u, &x, 8); return u; }\n";
  return out;
}

std::string float_unions_rust(bool f32, bool f64) {
  return std::string(f32 ? "#[repr(C)] union F32 { u: u32, f: f32 }\n" : "") +
         (f64 ? "#[repr(C)] union F64 { u: u64, f: f64 }\n" : "");
}

std::string field_name(const StructSpec& s, std::size_t index) {
  const auto& name = s.fields.at(index).name;
  return name.empty() ? fmt::format("f{}", index) : name;
}

ValueWriter::ValueWriter(const std::vector<StructSpec>& structs, unsigned pointer_bytes)
    : m_ptr_bits(pointer_bytes * 8) {
  for (const auto& s : structs)
    m_structs[s.name] = &s;
}

bool ValueWriter::usable(const std::string& type) const {
  if (const auto* t = find_scalar(type))
    return !t->wide || m_ptr_bits == 64;
  auto it = m_structs.find(type);
  return it != m_structs.end() && usable(*it->second);
}

bool ValueWriter::usable(const StructSpec& s) const {
  for (const auto& f : s.fields)
    if (!usable(f.type))
      return false;
  return true;
}

std::string ValueWriter::c_type(const std::string& t) const {
  if (const auto* s = find_scalar(t))
    return s->c;
  return (m_structs.at(t)->is_union ? "union sig_" : "struct sig_") + t;
}

std::string ValueWriter::rust_type(const std::string& t) const {
  if (const auto* s = find_scalar(t))
    return s->rust;
  std::string out = "S";
  bool up = true;
  for (char ch : t) {
    if (ch == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    up = false;
  }
  return out;
}

std::string ValueWriter::c_definition(const StructSpec& s) const {
  std::string fields;
  for (std::size_t i = 0; i < s.fields.size(); i++) {
    const auto& f = s.fields[i];
    fields += fmt::format(" {} {}{};", c_type(f.type), field_name(s, i), f.count ? fmt::format("[{}]", f.count) : "");
  }
  return fmt::format("{} {{{} }};\n", c_type(s.name), fields);
}

std::string ValueWriter::rust_definition(const StructSpec& s) const {
  std::string fields;
  for (std::size_t i = 0; i < s.fields.size(); i++) {
    const auto& f = s.fields[i];
    fields += fmt::format("{}{}: {}", i ? ", " : " ", field_name(s, i),
                          f.count ? fmt::format("[{}; {}]", rust_type(f.type), f.count) : rust_type(f.type));
  }
  return fmt::format("#[repr(C)] pub {} {} {{{} }}\n", s.is_union ? "union" : "struct", rust_type(s.name), fields);
}

void ValueWriter::leaves(const std::string& t, const std::string& path, std::vector<Leaf>& out,
                         const Bits& bits) const {
  if (const auto* s = find_scalar(t)) {
    auto [lo, hi] = bits(path, *s);
    out.push_back({path, s, lo, hi});
    return;
  }
  const auto& st = *m_structs.at(t);
  // A union holds, and is checked through, its first member.
  for (std::size_t i = 0; i < (st.is_union ? 1 : st.fields.size()); i++) {
    const auto& f = st.fields[i];
    const auto name = field_name(st, i);
    if (!f.count)
      leaves(f.type, fmt::format("{}.{}", path, name), out, bits);
    for (std::size_t k = 0; k < f.count; k++)
      leaves(f.type, fmt::format("{}.{}[{}]", path, name, k), out, bits);
  }
}

std::vector<std::vector<Leaf>> ValueWriter::leaves_of(const Call& call) const {
  auto bits = [&](const std::string& path, const ScalarType&) {
    auto it = call.bits.find(path);
    return it == call.bits.end() ? std::pair<std::uint64_t, std::uint64_t>{0, 0} : it->second;
  };
  std::vector<std::vector<Leaf>> out;
  for (const auto& [name, type] : call.params)
    leaves(type, name, out.emplace_back(), bits);
  if (!call.returns.empty())
    leaves(call.returns, "r", out.emplace_back(), bits);
  return out;
}

std::string ValueWriter::c_value(const Leaf& l) const {
  const auto& t = *l.type;
  if (t.name == "bool")
    return l.lo ? "1" : "0";
  if (t.name == "f32")
    return fmt::format("f32_of({:#x}u)", l.lo);
  if (t.name == "f64")
    return fmt::format("f64_of({:#x}ull)", l.lo);
  if (t.name == "ptr")
    return fmt::format("(const void *)(uintptr_t){:#x}ull", l.lo);
  if (l.lo == 0 && l.hi == 0)
    return "0";
  if (t.wide)
    return fmt::format("({})(((unsigned __int128){:#x}ull << 64) | {:#x}ull)", t.c, l.hi, l.lo);
  return fmt::format("({}){:#x}ull", t.c, l.lo);
}

std::string ValueWriter::rust_value(const Leaf& l) const {
  const auto& t = *l.type;
  if (t.name == "bool")
    return l.lo ? "true" : "false";
  if (t.is_float)
    return fmt::format("unsafe {{ {} {{ u: {:#x} }}.f }}", t.name == "f32" ? "F32" : "F64", l.lo);
  if (t.name == "ptr")
    return fmt::format("({:#x}usize as *const u8)", l.lo);
  if (l.lo == 0 && l.hi == 0)
    return "0"; // a zero of any integer type, as `reduce` leaves the values it does not need
  std::string unsigned_name = t.is_signed ? "u" + t.name.substr(1) : t.name;
  auto lit = t.wide ? fmt::format("0x{:016x}{:016x}{}", l.hi, l.lo, unsigned_name)
                    : fmt::format("{:#x}{}", l.lo, unsigned_name);
  return t.is_signed ? fmt::format("({} as {})", lit, t.name) : lit;
}

std::string ValueWriter::value(const std::string& t, const std::vector<Leaf>& ls, bool rust) const {
  std::size_t at = 0;
  return value(t, ls, at, rust, true);
}

std::string ValueWriter::value(const std::string& t, const std::vector<Leaf>& ls, std::size_t& at, bool rust,
                               bool top) const {
  if (find_scalar(t))
    return rust ? rust_value(ls.at(at++)) : c_value(ls.at(at++));
  const auto& st = *m_structs.at(t);
  std::vector<std::string> fields;
  for (std::size_t i = 0; i < (st.is_union ? 1 : st.fields.size()); i++) {
    const auto& f = st.fields[i];
    std::string v;
    if (!f.count) {
      v = value(f.type, ls, at, rust, false);
    } else {
      std::vector<std::string> elems;
      for (std::size_t k = 0; k < f.count; k++)
        elems.push_back(value(f.type, ls, at, rust, false));
      v = (rust ? "[" : "{") + fmt::format("{}", fmt::join(elems, ", ")) + (rust ? "]" : "}");
    }
    fields.push_back(rust ? fmt::format("{}: {}", field_name(st, i), v) : v);
  }
  auto body = fmt::format("{}", fmt::join(fields, ", "));
  if (rust)
    return fmt::format("{} {{ {} }}", rust_type(t), body);
  return top ? fmt::format("({}){{ {} }}", c_type(t), body) : "{ " + body + " }";
}

std::vector<Comparison> ValueWriter::compare(const Leaf& l, const std::string& where) const {
  const auto& t = *l.type;
  if (t.is_float)
    return {{"", fmt::format("{:#x}ull", l.lo), fmt::format("bits_{}({})", t.name, where)}};
  if (t.name == "ptr")
    return {{"", fmt::format("{:#x}ull", l.lo), fmt::format("(uint64_t)(uintptr_t){}", where)}};
  if (t.wide)
    return {{".lo", fmt::format("{:#x}ull", l.lo), fmt::format("(uint64_t){}", where)},
            {".hi", fmt::format("{:#x}ull", l.hi), fmt::format("(uint64_t)({} >> 64)", where)}};
  return {{"", fmt::format("(uint64_t)({}){:#x}ull", t.c, l.lo), fmt::format("(uint64_t){}", where)}};
}

} // namespace amx
