#pragma once
// An enum's names in one table, indexed by its values, for to_string and
// for reading a name back.

#include <array>
#include <cstddef>
#include <optional>
#include <string>

namespace amx {

template <typename E, std::size_t N>
std::string name_of(E e, const std::array<const char*, N>& names) {
  auto i = static_cast<std::size_t>(e);
  return i < N ? names[i] : "?";
}

// The value whose name is s.
template <typename E, std::size_t N>
std::optional<E> value_named(const std::string& s, const std::array<const char*, N>& names) {
  for (std::size_t i = 0; i < N; i++)
    if (s == names[i])
      return static_cast<E>(i);
  return std::nullopt;
}

} // namespace amx
