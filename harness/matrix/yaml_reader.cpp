#include "matrix/yaml_reader.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>

namespace amx {

std::string Diagnostics::render() const {
  std::string out;
  for (const auto& d : m_items) {
    // A problem with the file as a whole (it cannot be read) has no line.
    if (d.at.line == 0)
      out += fmt::format("{}: error: {}\n", escape_controls(d.at.file.string()), escape_controls(d.message));
    else
      out += fmt::format("{}:{}:{}: error: {}\n", escape_controls(d.at.file.string()), d.at.line, d.at.column,
                         escape_controls(d.message));
    if (!d.source_line.empty()) {
      out += "  " + escape_controls(d.source_line) + "\n";
      out += "  " + std::string(d.at.column > 1 ? d.at.column - 1 : 0, ' ') + "^ near here\n";
    }
  }
  if (m_items.size() > 1)
    out += fmt::format("{} errors\n", m_items.size());
  return out;
}

void Diagnostics::throw_if_any() const {
  if (!m_items.empty())
    throw FatalError(render());
}

YamlReader::YamlReader(std::filesystem::path file, Diagnostics& diags)
    : m_file(std::move(file)), m_diags(diags) {}

std::string YamlReader::unreadable(const std::filesystem::path& file) {
  std::error_code ec;
  auto status = std::filesystem::status(file, ec);
  if (ec)
    return fmt::format("cannot read: {}", ec.message());
  if (!std::filesystem::is_regular_file(status))
    return "not a regular file";
  if (auto size = std::filesystem::file_size(file, ec); !ec && size > kMaxBytes)
    return fmt::format("{} bytes, more than a matrix or catalogue may have ({})", size, kMaxBytes);
  if (std::ifstream(file).fail())
    return "cannot open it for reading";
  return "";
}

std::optional<YAML::Node> YamlReader::parse() {
  if (auto why = unreadable(m_file); !why.empty()) {
    error({m_file, 0, 0}, why);
    return std::nullopt;
  }
  std::ifstream in(m_file);
  std::stringstream text;
  text << in.rdbuf();
  m_lines = split_lines(text.str());
  try {
    YAML::Node root = YAML::Load(text.str());
    if (!root.IsMap()) {
      error({m_file, 1, 1}, "expected a map of keys at the top of the file");
      return std::nullopt;
    }
    return root;
  } catch (const YAML::ParserException& e) {
    error(from_yaml(e.mark), e.msg);
    return std::nullopt;
  }
}

SourceMark YamlReader::from_yaml(const YAML::Mark& m) const {
  if (m.is_null())
    return {m_file, 0, 0};
  return {m_file, m.line + 1, m.column + 1};
}

SourceMark YamlReader::mark(const YAML::Node& node, const YAML::Node& fallback) const {
  if (node.IsDefined() && !node.Mark().is_null())
    return from_yaml(node.Mark());
  if (fallback.IsDefined() && !fallback.Mark().is_null())
    return from_yaml(fallback.Mark());
  return {m_file, 0, 0};
}

void YamlReader::error(SourceMark at, std::string message) {
  std::string line;
  if (at.line >= 1 && static_cast<std::size_t>(at.line) <= m_lines.size())
    line = m_lines[at.line - 1];
  m_diags.add({std::move(at), std::move(message), std::move(line)});
}

void YamlReader::error(const YAML::Node& node, const std::string& message, const YAML::Node& fallback) {
  error(mark(node, fallback), message);
}

bool YamlReader::check_map(const YAML::Node& node, std::string_view what,
                           const std::vector<std::string_view>& allowed, const YAML::Node& parent) {
  if (!node.IsMap()) {
    error(node, fmt::format("{} must be a map", what), parent);
    return false;
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) {
      error(kv.first, fmt::format("duplicate key '{}' in {}", key, what));
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      error(kv.first, fmt::format("unknown key '{}' in {} (expected one of: {})", key, what,
                                  join(names, ", ")));
    }
  }
  return true;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& node, std::string_view what,
                                              const YAML::Node& fallback) {
  if (!node.IsScalar()) {
    error(node, fmt::format("{} must be a single value", what), fallback);
    return std::nullopt;
  }
  return node.Scalar();
}

std::vector<YamlReader::Entry> YamlReader::scalar_list(const YAML::Node& node, std::string_view what,
                                                       const YAML::Node& fallback) {
  std::vector<Entry> out;
  if (node.IsScalar()) {
    out.push_back({node.Scalar(), node});
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (auto s = scalar(item, fmt::format("each entry of {}", what), node))
        out.push_back({*s, item});
    }
  } else {
    error(node, fmt::format("{} must be a value or a list of values", what), fallback);
  }
  return out;
}

YAML::Node YamlReader::required(const YAML::Node& map, const std::string& key, std::string_view what) {
  YAML::Node n = map[key];
  if (!n.IsDefined())
    error(map, fmt::format("missing key '{}' in {}", key, what));
  return n;
}

} // namespace amx
