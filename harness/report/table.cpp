#include "report/table.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace amx {

namespace {

// A recorded name never moves the cursor, recolours the terminal or breaks
// the table's lines.
std::vector<std::string> printable(std::vector<std::string> row) {
  for (auto& cell : row)
    cell = without_controls(std::move(cell));
  return row;
}

} // namespace

std::string render_table(const std::vector<std::string>& raw_header,
                         const std::vector<std::vector<std::string>>& raw_rows) {
  const auto header = printable(raw_header);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : raw_rows)
    rows.push_back(printable(r));
  std::vector<std::size_t> width(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); i++)
      width[i] = std::max(width[i], row[i].size());
  };
  measure(header);
  for (const auto& r : rows)
    measure(r);
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string l;
    for (std::size_t i = 0; i < row.size(); i++) {
      l += row[i];
      if (i + 1 < row.size())
        l += std::string(width[i] - row[i].size() + 2, ' ');
    }
    // An empty last column leaves no trailing blanks.
    l.erase(l.find_last_not_of(' ') + 1);
    out += l + "\n";
  };
  line(header);
  for (const auto& r : rows)
    line(r);
  return out;
}

} // namespace amx
