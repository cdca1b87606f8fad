#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <fnmatch.h>

namespace amx {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (start < text.size())
        lines.emplace_back(text.substr(start));
      break;
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

static std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::string first_line(std::string_view text) {
  for (const auto& line : split_lines(text)) {
    auto t = trim(line);
    if (!t.empty())
      return t;
  }
  return {};
}

std::string first_error_line(std::string_view text) {
  for (const auto& line : split_lines(text)) {
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower.find("error") != std::string::npos)
      return trim(line);
  }
  return first_line(text);
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty())
        words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty())
    words.push_back(std::move(cur));
  return words;
}

std::string shell_quote(const std::string& arg) {
  bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("-_=./,:+@%").find(c) != std::string_view::npos;
  });
  if (plain)
    return arg;
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string render_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty())
      out += ' ';
    out += shell_quote(a);
  }
  return out;
}

std::optional<std::vector<std::string>> split_command(std::string_view text) {
  std::vector<std::string> argv;
  std::string cur;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (c == ' ') {
      if (in_word)
        argv.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else if (c == '\\') {
      if (++i == text.size())
        return std::nullopt;
      cur += text[i];
      in_word = true;
    } else if (c == '\'') {
      auto end = text.find('\'', i + 1);
      if (end == std::string_view::npos)
        return std::nullopt;
      cur += text.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '"') {
      // As sh reads it (and a compiler driver's -### writes it): a
      // backslash escapes the next character.
      for (i++; i < text.size() && text[i] != '"'; i++)
        cur += text[i] == '\\' && i + 1 < text.size() ? text[++i] : text[i];
      if (i == text.size())
        return std::nullopt;
      in_word = true;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word)
    argv.push_back(std::move(cur));
  return argv;
}

bool glob_match(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); i++) {
    if (i)
      out += sep;
    out += parts[i];
  }
  return out;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty())
    return text;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string without_controls(std::string text) {
  for (auto& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = '?';
  return text;
}

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}

std::size_t unique_prefix_length(std::vector<std::string> keys, std::size_t at_least) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::size_t n = at_least;
  for (std::size_t i = 1; i < keys.size(); i++) {
    const auto &a = keys[i - 1], &b = keys[i];
    auto common = std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first - a.begin();
    n = std::max(n, static_cast<std::size_t>(common) + 1);
  }
  return n;
}

} // namespace amx
