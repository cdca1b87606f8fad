#pragma once
// A prepared SQLite statement with chained binds, shared by the writer and
// the queries. Errors are FatalError: an unusable database stops the tool.

#include "util/error.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace amx {

// Runs SQL without results (several statements allowed).
inline void exec_sql(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    throw FatalError(fmt::format("sqlite: {}", msg));
  }
}

// BEGIN IMMEDIATE now, COMMIT on commit(), ROLLBACK when left without it.
class Transaction {
public:
  explicit Transaction(sqlite3* db) : m_db(db) { exec_sql(db, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!m_done)
      sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    exec_sql(m_db, "COMMIT");
    m_done = true;
  }

private:
  sqlite3* m_db;
  bool m_done = false;
};

class Statement {
public:
  Statement(sqlite3* db, const char* sql) : m_db(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
      throw FatalError(fmt::format("sqlite: cannot prepare statement: {}", sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(m_stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(m_stmt, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(m_stmt, i, v);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(m_stmt, i);
    return *this;
  }
  // Runs to completion and resets for the next bindings.
  void run() {
    int rc;
    while ((rc = sqlite3_step(m_stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE)
      throw FatalError(fmt::format("sqlite: {}", sqlite3_errmsg(m_db)));
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
  // Ends a query early so the statement can be bound and stepped again.
  void reset() { sqlite3_reset(m_stmt); }
  bool next() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
      return true;
    if (rc != SQLITE_DONE)
      throw FatalError(fmt::format("sqlite: {}", sqlite3_errmsg(m_db)));
    sqlite3_reset(m_stmt);
    return false;
  }
  // Whole, NUL bytes included: a program's output may hold them.
  std::string text(int col) {
    auto p = sqlite3_column_text(m_stmt, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(m_stmt, col)) : "";
  }
  std::int64_t integer(int col) { return sqlite3_column_int64(m_stmt, col); }
  sqlite3_stmt* handle() { return m_stmt; }
  std::int64_t single_int() {
    int rc = sqlite3_step(m_stmt);
    if (rc != SQLITE_ROW)
      throw FatalError(fmt::format("sqlite: {}", sqlite3_errmsg(m_db)));
    auto v = sqlite3_column_int64(m_stmt, 0);
    sqlite3_reset(m_stmt);
    return v;
  }

private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

} // namespace amx
