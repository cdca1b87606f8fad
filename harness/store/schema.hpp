#pragma once
// The database schema: an append-only list of migrations, applied in one
// transaction up to the version this build writes (PRAGMA user_version);
// a database written by a newer abimatrix is refused.

#include <sqlite3.h>

namespace amx {

int schema_version();
// The SQL functions the schema and its writers use (amx_hash), per connection.
void register_functions(sqlite3* db);
// Migrates up to version `to` (tests stop early to build old databases).
void migrate_schema(sqlite3* db, int to = schema_version());

} // namespace amx
