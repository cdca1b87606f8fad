#pragma once
// Reading YAML with ninja-style messages: every problem is collected with its
// file:line:column, the source line and a caret, so one run shows them all.

#include "model/cell.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <vector>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amx {

struct Diagnostic {
  SourceMark at;
  std::string message;
  std::string source_line;
};

// Shared by every file one load reads, so problems in a catalogue and in the
// matrix that imports it are reported together.
class Diagnostics {
public:
  void add(Diagnostic d) { m_items.push_back(std::move(d)); }
  bool empty() const { return m_items.empty(); }
  const std::vector<Diagnostic>& items() const { return m_items; }
  // "file:line:col: error: message\n  source line\n  ^ near here\n" per item.
  std::string render() const;
  // Throws FatalError with render() if anything was reported.
  void throw_if_any() const;

private:
  std::vector<Diagnostic> m_items;
};

class YamlReader {
public:
  YamlReader(std::filesystem::path file, Diagnostics& diags);

  // The document's root; nullopt (with a diagnostic) if the file cannot be
  // read or is not valid YAML.
  std::optional<YAML::Node> parse();

  // Why a file cannot be read as YAML ("" when it can): missing, not a
  // regular file (a directory, /dev/zero), or larger than kMaxBytes.
  static constexpr std::uintmax_t kMaxBytes = 1 << 20;
  static std::string unreadable(const std::filesystem::path& file);

  const std::filesystem::path& file() const { return m_file; }
  SourceMark mark(const YAML::Node& node, const YAML::Node& fallback = {}) const;
  void error(const YAML::Node& node, const std::string& message, const YAML::Node& fallback = {});
  void error(SourceMark at, std::string message);

  // Checks that node is a map and reports unknown and duplicate keys
  // (yaml-cpp keeps duplicates silently). False if it is not a map.
  bool check_map(const YAML::Node& node, std::string_view what,
                 const std::vector<std::string_view>& allowed, const YAML::Node& parent = {});
  // A present key whose value is missing or null is reported at the key.
  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what,
                                    const YAML::Node& fallback = {});
  // A scalar or a sequence of scalars, each with its node for messages.
  struct Entry {
    std::string value;
    YAML::Node node;
  };
  std::vector<Entry> scalar_list(const YAML::Node& node, std::string_view what,
                                 const YAML::Node& fallback = {});
  // map[key], reporting "missing key" at the map when it is absent.
  YAML::Node required(const YAML::Node& map, const std::string& key, std::string_view what);

private:
  SourceMark from_yaml(const YAML::Mark& m) const;

  std::filesystem::path m_file;
  Diagnostics& m_diags;
  std::vector<std::string> m_lines;
};

} // namespace amx
