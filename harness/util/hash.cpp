#include "util/hash.hpp"

#include "util/error.hpp"

// Inlined: the fuzz target links this file without libxxhash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace amx {

std::uint64_t fnv1a64(std::string_view data, std::uint64_t h) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string hash_hex(std::string_view data) { return fmt::format("{:016x}", fnv1a64(data)); }

std::string key_hex(std::initializer_list<std::string_view> parts, std::string_view sep) {
  std::string joined;
  bool first = true;
  for (auto part : parts) {
    if (!first)
      joined += sep;
    joined += part;
    first = false;
  }
  return fmt::format("{:016x}", XXH3_64bits(joined.data(), joined.size()));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw FatalError(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::filesystem::path& path, const std::string& text, const std::string& what) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out)
    throw FatalError(fmt::format("{}: cannot write {}: {}", path.string(), what, std::strerror(errno)));
}

void replace_file(const std::filesystem::path& path, const std::string& text, const std::string& what) {
  auto aside = path;
  aside += fmt::format(".tmp-{}", ::getpid());
  std::ofstream out(aside, std::ios::binary);
  out << text;
  out.close();
  std::error_code ec;
  if (out)
    std::filesystem::rename(aside, path, ec);
  if (!out || ec) {
    auto why = !out ? std::strerror(errno) : ec.message();
    std::filesystem::remove(aside, ec);
    throw FatalError(fmt::format("{}: cannot write {}: {}", path.string(), what, why));
  }
}

std::string hash_file(const std::filesystem::path& path) { return hash_hex(read_file(path)); }

} // namespace amx
