#include "model/setting.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <set>

namespace amx {

std::string to_string(const Setting& s) {
  if (s.empty())
    return "off";
  std::vector<std::string> parts;
  for (const auto& [flag, value] : s)
    parts.push_back(flag + "=" + value);
  return join(parts, ",");
}

Setting parse_setting(const std::string& text) {
  Setting s;
  if (text == "off")
    return s;
  std::string last;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = std::min(text.find(',', start), text.size());
    std::string piece = text.substr(start, end - start);
    start = end + 1;
    // A piece without "name=" continues the last value: "4,2" in
    // "patchable-function-entry=4,2".
    auto eq = piece.find('=');
    if (eq == std::string::npos || eq == 0) {
      if (!last.empty())
        s[last] += "," + piece;
      continue;
    }
    last = piece.substr(0, eq);
    s[last] = piece.substr(eq + 1);
  }
  return s;
}

std::string value_of(const Setting& s, const std::string& flag) {
  auto it = s.find(flag);
  return it == s.end() ? "off" : it->second;
}

std::vector<std::string> differing_flags(const Setting& a, const Setting& b) {
  std::set<std::string> names;
  for (const auto& [k, _] : a)
    names.insert(k);
  for (const auto& [k, _] : b)
    names.insert(k);
  std::vector<std::string> out;
  for (const auto& n : names)
    if (value_of(a, n) != value_of(b, n))
      out.push_back(n);
  return out;
}

} // namespace amx
