#include "compile/step_cache.hpp"

#include "util/content_hash.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <unistd.h>

extern char** environ;

namespace amx {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// The variables a compiler, linker or QEMU reads: where it looks for tools
// and headers, rustup's choice of toolchain, QEMU's defaults.
bool read_by_tools(std::string_view kv) {
  for (auto prefix : {"PATH=", "RUST", "CARGO", "QEMU_", "CCC_", "CPATH=", "C_INCLUDE_PATH=", "LIBRARY_PATH=",
                      "COMPILER_PATH=", "GCC_", "LD_", "SOURCE_DATE_EPOCH="})
    if (kv.starts_with(prefix))
      return true;
  return false;
}

// Absolute paths an argument names: itself, what follows its last '='
// (--sysroot=P, --extern=name=P) or -I.
std::vector<fs::path> paths_in(std::string_view arg) {
  std::vector<fs::path> out;
  auto consider = [&](std::string_view s) {
    if (s.starts_with('/'))
      out.emplace_back(s);
  };
  consider(arg);
  if (auto eq = arg.rfind('='); eq != std::string_view::npos)
    consider(arg.substr(eq + 1));
  if (arg.starts_with("-I"))
    consider(arg.substr(2));
  return out;
}

bool is_source(const fs::path& p) {
  auto ext = p.extension();
  return ext == ".c" || ext == ".S" || ext == ".rs" || ext == ".h";
}

// Steps ended from outside say nothing of the step.
bool worth_keeping(const ProcessResult& r) {
  return r.started && !r.timed_out && !r.output_capped && r.signal != SIGKILL && r.signal != SIGTERM &&
         r.signal != SIGINT && r.signal != SIGHUP && !interrupted();
}

json to_json(const CachedStep& s) {
  const auto& r = s.result;
  return {{"argv", s.argv},          {"exit_code", r.exit_code}, {"signal", r.signal},
          {"output", r.output},      {"elapsed", r.elapsed.count()}};
}

std::optional<CachedStep> from_json(const json& j) {
  if (!j.is_object() || !j.contains("argv") || !j.contains("exit_code") || !j.contains("signal") ||
      !j.contains("output") || !j.contains("elapsed"))
    return std::nullopt;
  CachedStep s;
  s.argv = j["argv"].get<std::vector<std::string>>();
  s.result.started = true;
  s.result.exit_code = j["exit_code"].get<int>();
  s.result.signal = j["signal"].get<int>();
  s.result.output = j["output"].get<std::string>();
  s.result.elapsed = std::chrono::duration<double>(j["elapsed"].get<double>());
  return s;
}

// Takes an entry away in one step, so a reader sees all of it or nothing,
// then deletes it.
void discard(const fs::path& entry, const fs::path& tmp) {
  static std::atomic<unsigned> serial{0};
  std::error_code ec;
  fs::create_directories(tmp, ec);
  auto gone = tmp / fmt::format("gone-{}-{}", ::getpid(), ++serial);
  fs::rename(entry, gone, ec);
  if (!ec)
    fs::remove_all(gone, ec);
}

} // namespace

StepCache::StepCache(fs::path dir, CacheUse use, std::uintmax_t max_bytes, Folders folders)
    : m_dir(std::move(dir)), m_use(use), m_max_bytes(max_bytes), m_folders(std::move(folders)) {
  // The longest folder first: the work folder may lie inside another one.
  std::erase_if(m_folders, [](const auto& f) { return f.second.empty(); });
  std::sort(m_folders.begin(), m_folders.end(),
            [](const auto& a, const auto& b) { return a.second.string().size() > b.second.string().size(); });
  std::vector<std::string> env;
  for (char** e = environ; *e; e++)
    if (read_by_tools(*e))
      env.emplace_back(*e);
  std::sort(env.begin(), env.end());
  m_env = join(env, "\n");
}

std::string StepCache::named(std::string text) const {
  for (const auto& [name, folder] : m_folders)
    text = replace_all(text, folder.string(), name);
  return text;
}

std::string StepCache::file_hash(const fs::path& file) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  auto mtime = fs::last_write_time(file, ec);
  {
    std::lock_guard lock(m_mutex);
    auto it = m_files.find(file);
    if (!ec && it != m_files.end() && it->second.size == size && it->second.mtime == mtime)
      return it->second.hash;
  }
  auto hash = ContentHash().add_file(file).hex();
  if (!ec) {
    std::lock_guard lock(m_mutex);
    m_files[file] = {size, mtime, hash};
  }
  return hash;
}

std::string StepCache::tree_hash(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (e.is_regular_file())
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ContentHash h;
  for (const auto& f : files)
    h.add(f.lexically_relative(folder).string()).add(file_hash(f));
  return h.hex();
}

std::string StepCache::identity(const Tool& tool) {
  auto memo = tool.path.string() + "\n" + tool.version;
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_identities.find(memo); it != m_identities.end())
      return it->second;
  }
  // The host as runner has no binary: its version names its kernel.
  auto id = tool.path.empty() ? memo : memo + "\n" + file_hash(fs::canonical(tool.path));
  std::lock_guard lock(m_mutex);
  return m_identities.emplace(memo, id).first->second;
}

std::string StepCache::key(const Tool& tool, const std::vector<std::string>& args, const std::vector<std::string>& env) {
  ContentHash h;
  h.add("abimatrix step 1").add(identity(tool)).add(m_env);
  for (const auto& e : env)
    h.add(e);
  // A file of the run's own (an object, a program) is its bytes alone, so
  // two cells whose objects are the same bytes share a link, a run, a read.
  std::vector<bool> by_content(args.size());
  h.add("args");
  for (std::size_t i = 0; i < args.size(); i++) {
    auto name = named(args[i]);
    by_content[i] = name.starts_with("$W/") && fs::is_regular_file(args[i]);
    if (by_content[i]) {
      h.add("file").add(file_hash(args[i]));
      if (is_source(args[i]))
        h.add(tree_hash(fs::path(args[i]).parent_path()));
    } else
      h.add(name);
  }
  h.add("inputs");
  for (std::size_t i = 0; i < args.size(); i++)
    for (const auto& p : by_content[i] ? std::vector<fs::path>{} : paths_in(args[i])) {
      std::error_code ec;
      auto status = fs::status(p, ec);
      if (fs::is_regular_file(status)) {
        h.add(named(p.string())).add(file_hash(p));
        // The headers a source includes from beside it.
        if (is_source(p))
          h.add(tree_hash(p.parent_path()));
      } else if (fs::is_directory(status)) {
        // Our own folders by their content (a real core's sysroot, the
        // runtime's headers); another (--sysroot=/) by its name.
        auto name = named(p.string());
        h.add(name);
        if (name.starts_with("$"))
          h.add(tree_hash(p));
      }
    }
  return h.hex();
}

fs::path StepCache::entry_dir(const std::string& key) const { return m_dir / key.substr(0, 2) / key; }

void StepCache::forget(const std::string& key) {
  if (!key.empty())
    discard(entry_dir(key), m_dir / "tmp");
}

std::optional<CachedStep> StepCache::find(const std::string& key, const fs::path& into) {
  auto entry = entry_dir(key);
  std::ifstream in(entry / "entry.json");
  if (!in)
    return std::nullopt;
  try {
    auto j = json::parse(in);
    auto step = from_json(j);
    if (!step)
      throw std::runtime_error("incomplete");
    auto files = j.value("files", std::vector<std::string>{});
    if (!files.empty())
      fs::create_directories(into);
    for (const auto& f : files)
      fs::copy_file(entry / f, into / f, fs::copy_options::overwrite_existing);
    // Recently used: trim() keeps it longest.
    fs::last_write_time(entry / "entry.json", fs::file_time_type::clock::now());
    return step;
  } catch (const std::exception&) {
    // Unreadable or taken away while we copied: built again, as a miss.
    if (fs::exists(entry / "entry.json"))
      discard(entry, m_dir / "tmp");
    return std::nullopt;
  }
}

void StepCache::store(const std::string& key, const CachedStep& step, const fs::path& from,
                      const std::vector<std::string>& files) {
  if (!worth_keeping(step.result))
    return;
  static std::atomic<unsigned> serial{0};
  auto tmp = m_dir / "tmp" / fmt::format("{}-{}", ::getpid(), ++serial);
  std::error_code ec;
  fs::create_directories(tmp, ec);
  try {
    for (const auto& f : files)
      fs::copy_file(from / f, tmp / f, fs::copy_options::overwrite_existing);
    auto j = to_json(step);
    j["files"] = files;
    std::ofstream out(tmp / "entry.json");
    out << j.dump();
    out.close();
    if (!out)
      throw std::runtime_error("write");
    auto entry = entry_dir(key);
    fs::create_directories(entry.parent_path());
    fs::rename(tmp, entry, ec);
  } catch (const std::exception&) {
    // A full disk or a read-only cache costs the reuse, not the run.
  }
  fs::remove_all(tmp, ec); // left when another run put the entry there first
}

void StepCache::trim() {
  struct Entry {
    fs::path dir;
    fs::file_time_type used;
    std::uintmax_t bytes = 0;
  };
  std::vector<Entry> entries;
  std::uintmax_t total = 0;
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  for (const auto& shard : fs::directory_iterator(m_dir, ec)) {
    if (shard.path().filename() == "tmp") {
      // What a killed run left: nothing writes for an hour.
      for (const auto& left : fs::directory_iterator(shard.path(), ec))
        if (now - fs::last_write_time(left.path(), ec) > std::chrono::hours(1))
          fs::remove_all(left.path(), ec);
      continue;
    }
    for (const auto& e : fs::directory_iterator(shard.path(), ec)) {
      Entry entry{e.path(), fs::last_write_time(e.path() / "entry.json", ec)};
      if (ec) { // being written or taken away
        ec.clear();
        continue;
      }
      for (const auto& f : fs::directory_iterator(e.path(), ec))
        entry.bytes += f.file_size(ec);
      total += entry.bytes;
      entries.push_back(std::move(entry));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const auto& e : entries) {
    if (total <= m_max_bytes)
      break;
    discard(e.dir, m_dir / "tmp");
    total -= e.bytes;
  }
}

std::optional<std::uintmax_t> StepCache::parse_size(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  std::uintmax_t unit = 1;
  std::string digits = text;
  switch (text.back()) {
  case 'K': unit = 1ull << 10; break;
  case 'M': unit = 1ull << 20; break;
  case 'G': unit = 1ull << 30; break;
  case 'T': unit = 1ull << 40; break;
  default: break;
  }
  if (unit != 1)
    digits.pop_back();
  auto n = parse_unsigned(digits);
  if (!n || *n > UINTMAX_MAX / unit)
    return std::nullopt;
  return *n * unit;
}

} // namespace amx
