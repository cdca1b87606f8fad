#include "model/signature.hpp"

#include <fmt/format.h>

#include <algorithm>

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
      s.fields.push_back({"u32", n / 4 > 1 ? n / 4 : 0});
    for (std::size_t i = 0; i < n % 4; i++)
      s.fields.push_back({"u8", 0});
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace amx
