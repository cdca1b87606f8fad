#include "model/signature.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace amx {

const std::vector<ScalarType>& scalar_types() {
  static const std::vector<ScalarType> types = {
      {"bool", "_Bool", "bool", "amx_bool", 8, false, false, false},
      {"i8", "int8_t", "i8", "amx_i8", 8, true, false, false},
      {"u8", "uint8_t", "u8", "amx_u8", 8, false, false, false},
      {"i16", "int16_t", "i16", "amx_i16", 16, true, false, false},
      {"u16", "uint16_t", "u16", "amx_u16", 16, false, false, false},
      {"i32", "int32_t", "i32", "amx_i32", 32, true, false, false},
      {"u32", "uint32_t", "u32", "amx_u32", 32, false, false, false},
      {"i64", "int64_t", "i64", "amx_i64", 64, true, false, false},
      {"u64", "uint64_t", "u64", "amx_u64", 64, false, false, false},
      {"i128", "__int128", "i128", "amx_i128_half", 128, true, false, true},
      {"u128", "unsigned __int128", "u128", "amx_u128_half", 128, false, false, true},
      {"f32", "amx_f32", "f32", "amx_f32_bits", 32, false, true, false},
      {"f64", "amx_f64", "f64", "amx_f64_bits", 64, false, true, false},
      {"ptr", "const void *", "*const u8", "amx_ptr", 0, false, false, false},
  };
  return types;
}

const ScalarType* find_scalar(const std::string& name) {
  const auto& all = scalar_types();
  auto it = std::find_if(all.begin(), all.end(), [&](const ScalarType& t) { return t.name == name; });
  return it == all.end() ? nullptr : &*it;
}

std::vector<StructSpec> struct_size_sweep(std::size_t from, std::size_t to, std::size_t step) {
  std::vector<StructSpec> out;
  for (std::size_t n = from; step > 0 && n <= to; n += step) {
    StructSpec s{fmt::format("bytes{}", n), {}, false};
    if (n / 4)
      s.fields.push_back({"u32", n / 4 > 1 ? n / 4 : 0, ""});
    for (std::size_t i = 0; i < n % 4; i++)
      s.fields.push_back({"u8", 0, ""});
    out.push_back(std::move(s));
  }
  return out;
}

void keep_named_structs(Call& call) {
  std::set<std::string> named;
  std::vector<std::string> todo;
  for (const auto& p : call.params)
    todo.push_back(p.second);
  todo.push_back(call.returns);
  while (!todo.empty()) {
    auto t = todo.back();
    todo.pop_back();
    if (!named.insert(t).second)
      continue;
    for (const auto& s : call.structs)
      if (s.name == t)
        for (const auto& f : s.fields)
          todo.push_back(f.type);
  }
  std::erase_if(call.structs, [&](const StructSpec& s) { return !named.contains(s.name); });
}

std::string psabi_blame(const Target& t, const ScalarType& type, std::uint64_t expected, std::uint64_t received,
                        const std::string& caller, const std::string& callee) {
  const unsigned bits = type.bits ? type.bits : t.pointer_bytes * 8;
  if (type.is_float || type.wide || type.name == "ptr" || bits >= 64 || expected == received)
    return "";
  const std::uint64_t own = (std::uint64_t{1} << bits) - 1;
  if ((expected & own) != (received & own))
    return "";
  const auto got = fmt::format("The {} arrived with its own {} bits right and the upper bits {}: {}", type.rust, bits,
                               received & ~own ? "wrong" : "zero", t.psabi);
  if (t.caller_extends)
    return fmt::format("{}. So the caller ({}) deviates from the psABI: it passed the value unwidened, where the "
                       "callee ({}) may rely on the widening.",
                       got, caller, callee);
  return fmt::format("{}. So the callee ({}) deviates from the psABI: it relies on bits the caller ({}) need not "
                     "set.",
                     got, callee, caller);
}

} // namespace amx
