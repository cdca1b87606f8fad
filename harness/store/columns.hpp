#pragma once
// How the query code reads typed values out of result columns: shared by
// queries.cpp and shown.cpp, internal to the store.

#include "model/result.hpp"
#include "store/statement.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace amx {

inline constexpr const char* kResultColumns =
    "r.run_id, c.key, c.name, tg.name, c.fixture, c.c_compiler, c.rustc, c.c_setting_id, c.rust_setting_id, "
    "c.pairing, r.verdict, r.expected, coalesce(r.stage, ''), r.reason";
inline constexpr int kResultColumnCount = 14;

// What kResultColumns reads from.
inline constexpr const char* kResultTables =
    "results r JOIN cells c ON c.key = r.cell_key JOIN targets tg ON tg.id = c.target_id";

// A column that holds one of an enum's names; anything else means the
// file was not written by abimatrix.
template <typename E>
E enum_column(Statement& q, int col, std::optional<E> (*parse)(const std::string&), const char* what) {
  auto text = q.text(col);
  if (auto e = parse(text))
    return *e;
  throw FatalError(fmt::format("the database holds an unknown {} '{}'", what, text));
}

// A JSON array of strings, as the plan's arguments are kept.
std::vector<std::string> string_list(Statement& q, int col);

// property, flag, held, detail, kind, test, expected, received
CheckResult check_row(Statement& q, int at = 0);

// nullopt for an empty column.
std::optional<Stage> stage_column(Statement& q, int col);

// nullopt for NULL.
std::optional<std::int64_t> optional_int(Statement& q, int col);

} // namespace amx
