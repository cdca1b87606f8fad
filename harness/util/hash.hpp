#pragma once
// Stable hashing for cell keys and content addresses. Both are stored in
// databases and compared across runs: they must never change without a
// migration (schema 15 moved cell keys from FNV-1a to XXH3).

#include <cstdint>
#include <filesystem>
#include <string>
#include <initializer_list>
#include <string_view>

namespace amx {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;

// 64-bit FNV-1a; from h, the hash of what came before, it hashes on as if
// data followed it.
std::uint64_t fnv1a64(std::string_view data, std::uint64_t h = kFnvOffset);

// fnv1a64 as 16 lower-case hex digits.
std::string hash_hex(std::string_view data);
// A cell key: XXH3-64 of the parts joined by sep, as 16 hex digits. Well
// mixed, so keys that differ in one character of one part differ from
// their first digit on, and short prefixes tell cells apart.
std::string key_hex(std::initializer_list<std::string_view> parts, std::string_view sep);

// hash_hex of a file's bytes; throws FatalError when it cannot be read.
std::string hash_file(const std::filesystem::path& path);

// A file's whole content; throws FatalError when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Replaces a file's content; throws FatalError, naming what, when it cannot.
void write_file(const std::filesystem::path& path, const std::string& text, const std::string& what);
// The same, written beside it and renamed into place: a reader (or a run
// killed while writing) never sees half of it.
void replace_file(const std::filesystem::path& path, const std::string& text, const std::string& what);

} // namespace amx
