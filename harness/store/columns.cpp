#include "store/columns.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace amx {

std::vector<std::string> string_list(Statement& q, int col) {
  auto j = nlohmann::json::parse(q.text(col), nullptr, false);
  if (!j.is_array())
    throw FatalError(fmt::format("the database holds an argument list that is not a JSON array: {}", q.text(col)));
  std::vector<std::string> out;
  for (const auto& e : j) {
    if (!e.is_string())
      throw FatalError(fmt::format("the database holds an argument list with a non-string: {}", q.text(col)));
    out.push_back(e.get<std::string>());
  }
  return out;
}

CheckResult check_row(Statement& q, int at) {
  return {q.text(at),     q.text(at + 1), q.integer(at + 2) != 0, q.text(at + 3),
          enum_column(q, at + 4, parse_check_kind, "check kind"),
          q.text(at + 5), q.text(at + 6), q.text(at + 7), q.text(at + 8), q.text(at + 9)};
}

std::optional<Stage> stage_column(Statement& q, int col) {
  if (q.text(col).empty())
    return std::nullopt;
  return enum_column(q, col, parse_stage, "stage");
}

std::optional<std::int64_t> optional_int(Statement& q, int col) {
  if (sqlite3_column_type(q.handle(), col) == SQLITE_NULL)
    return std::nullopt;
  return q.integer(col);
}

} // namespace amx
