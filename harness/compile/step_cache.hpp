#pragma once
// Steps kept across runs, by content. A compile, a link, a program's run
// under QEMU or an ELF read is addressed by all that decides its result: the
// tool (path, version and a hash of its binary), its arguments with the
// run's folders named ($W, $F, $C), the environment a compiler or QEMU
// reads, and the bytes of every file its arguments name and of every folder
// of the run, fixtures or cache they name (a source's whole folder, for the
// headers it includes). A file of the run's
// own named by an argument (an object, a program) counts by its bytes only. An entry keeps the
// captured result and the files the step wrote; it is written aside and
// renamed into place, so a run killed mid-write leaves no half entry, and
// concurrent runs and shards share one cache.

#include "model/tool.hpp"
#include "util/process.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace amx {

// How a run uses the cache: everything; all but programs' runs (for one who
// suspects a flaky result); or not at all.
enum class CacheUse { all, rerun_programs, none };

// The cache's default bound: a few runs of the larger matrices.
constexpr std::uintmax_t kDefaultCacheBytes = 4ull << 30;

// What a kept step recorded.
struct CachedStep {
  std::vector<std::string> argv; // as it ran (another run's folders)
  ProcessResult result;
};

class StepCache {
public:
  // Folders a key names by placeholder, so the key outlives them: a run's
  // work folder, the fixtures, the cache itself.
  using Folders = std::vector<std::pair<std::string, std::filesystem::path>>;

  // dir: the cache's folder ($ABIMATRIX_CACHE/steps); max_bytes bounds it.
  StepCache(std::filesystem::path dir, CacheUse use, std::uintmax_t max_bytes, Folders folders);

  // Whether this kind of step is looked up and kept.
  bool used_for_programs() const { return m_use == CacheUse::all; }
  bool used() const { return m_use != CacheUse::none; }

  // The address of running `tool` with args and extra environment env.
  std::string key(const Tool& tool, const std::vector<std::string>& args, const std::vector<std::string>& env);

  // On a hit, copies the files the step wrote into `into` and returns what
  // it recorded; nullopt on a miss (an unreadable entry is one too).
  std::optional<CachedStep> find(const std::string& key, const std::filesystem::path& into);
  // Keeps a step and the named files it wrote into `from`, unless it was
  // cut short (timeout, capped output, killed): that says nothing of the
  // step itself.
  void store(const std::string& key, const CachedStep& step, const std::filesystem::path& from,
             const std::vector<std::string>& files);

  // Takes a kept step away (one a retry contradicted).
  void forget(const std::string& key);

  // Removes the least recently used entries until the cache holds at most
  // max_bytes, and what killed runs left half written.
  void trim();

  // "4G", "500M", "123456" (bytes); nullopt for anything else.
  static std::optional<std::uintmax_t> parse_size(const std::string& text);

private:
  std::string identity(const Tool& tool);
  std::string named(std::string text) const;
  std::string file_hash(const std::filesystem::path& file);
  std::string tree_hash(const std::filesystem::path& folder);
  std::filesystem::path entry_dir(const std::string& key) const;

  std::filesystem::path m_dir;
  CacheUse m_use;
  std::uintmax_t m_max_bytes;
  Folders m_folders;
  std::string m_env; // the variables tools read, as this process has them

  std::mutex m_mutex;
  std::map<std::string, std::string> m_identities; // by tool path and version
  struct Fingerprint {
    std::uintmax_t size;
    std::filesystem::file_time_type mtime;
    std::string hash;
  };
  std::map<std::filesystem::path, Fingerprint> m_files;
};

} // namespace amx
