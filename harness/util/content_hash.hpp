#pragma once
// Content addresses for the step cache: XXH3 (128 bits) from libxxhash, well
// mixed and fast enough to hash every input of every step. Cell keys keep
// their own hash (util/hash.hpp): they are stored and must never change.

#include <filesystem>
#include <string>
#include <string_view>

#include <xxhash.h>

namespace amx {

// Hashes what is fed to it, in order; hex() is 32 lower-case hex digits.
class ContentHash {
public:
  ContentHash();
  ~ContentHash();
  ContentHash(const ContentHash&) = delete;
  ContentHash& operator=(const ContentHash&) = delete;

  // A part, told apart from the next one by its length.
  ContentHash& add(std::string_view part);
  // A file's bytes; throws FatalError when it cannot be read.
  ContentHash& add_file(const std::filesystem::path& file);
  std::string hex() const;

private:
  XXH3_state_t* m_state;
};

std::string content_hash(std::string_view data);

} // namespace amx
