#include "util/content_hash.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace amx {

ContentHash::ContentHash() : m_state(XXH3_createState()) {
  if (!m_state)
    throw std::bad_alloc();
  XXH3_128bits_reset(m_state);
}

ContentHash::~ContentHash() { XXH3_freeState(m_state); }

ContentHash& ContentHash::add(std::string_view part) {
  std::uint64_t size = part.size();
  XXH3_128bits_update(m_state, &size, sizeof size);
  XXH3_128bits_update(m_state, part.data(), part.size());
  return *this;
}

ContentHash& ContentHash::add_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw FatalError(fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    XXH3_128bits_update(m_state, buf, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad())
    throw FatalError(fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
  return *this;
}

std::string ContentHash::hex() const {
  XXH128_hash_t h = XXH3_128bits_digest(m_state);
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::string content_hash(std::string_view data) { return ContentHash().add(data).hex(); }

} // namespace amx
