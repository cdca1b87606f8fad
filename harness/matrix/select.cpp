#include "matrix/select.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace amx {

Partition parse_partition(const std::string& text) {
  auto slash = text.find('/');
  std::optional<std::uint64_t> k, n;
  if (slash != std::string::npos) {
    k = parse_unsigned(std::string_view(text).substr(0, slash));
    n = parse_unsigned(std::string_view(text).substr(slash + 1));
  }
  if (!k || !n || *k < 1 || *k > *n || *n > std::numeric_limits<unsigned>::max())
    throw FatalError(fmt::format("--partition '{}': expected K/N with 1 <= K <= N, such as 2/4", text));
  return {static_cast<unsigned>(*k), static_cast<unsigned>(*n)};
}

namespace {
bool matches(const Cell& c, const std::string& filter) {
  return glob_match("*" + filter + "*", c.name) || c.key.starts_with(filter);
}
} // namespace

bool selected(const Cell& c, const std::string& filter, const std::vector<std::string>& out) {
  return (filter.empty() || matches(c, filter)) &&
         std::none_of(out.begin(), out.end(), [&](const std::string& f) { return matches(c, f); });
}

std::vector<const Cell*> filter_cells(const std::vector<Cell>& cells, const std::string& filter,
                                      const std::vector<std::string>& out) {
  std::vector<const Cell*> chosen;
  for (const auto& c : cells)
    if (selected(c, filter, out))
      chosen.push_back(&c);
  return chosen;
}

std::set<std::string> partition_keys(std::vector<std::string> keys, const Partition& p) {
  std::sort(keys.begin(), keys.end());
  std::set<std::string> mine;
  for (std::size_t i = p.index - 1; i < keys.size(); i += p.count)
    mine.insert(keys[i]);
  return mine;
}

std::vector<const Cell*> partition_cells(const std::vector<const Cell*>& cells, const std::optional<Partition>& p) {
  if (!p)
    return cells;
  std::vector<std::string> keys;
  for (const Cell* c : cells)
    keys.push_back(c->key);
  auto mine = partition_keys(std::move(keys), *p);
  std::vector<const Cell*> out;
  for (const Cell* c : cells)
    if (mine.count(c->key))
      out.push_back(c);
  return out;
}

std::vector<const Cell*> cells_lacking(const std::vector<const Cell*>& cells, const std::set<std::string>& done) {
  std::vector<const Cell*> out;
  for (const Cell* c : cells)
    if (!done.count(c->key))
      out.push_back(c);
  return out;
}

} // namespace amx
