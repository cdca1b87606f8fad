#include "run/minimize.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace amx {

namespace {

// "killed by SIGILL after 3 passing checks (last: x)" -> "killed by SIGILL":
// a failure without the counts and progress that vary from build to build.
std::string without_progress(std::string what) {
  for (const char* cut : {" after ", " before ", " (+", ": "})
    what = what.substr(0, what.find(cut));
  return what;
}

} // namespace

std::string failure_kind(Stage stage, const std::string& reason) {
  std::string what;
  if (stage == Stage::run) {
    // The first failure ("wrong value: NAME expected E, got G (+N more); ...",
    // "SIGILL in CASE (+N more cases)", "killed by SIGILL after ...",
    // "timeout after 10 s ...") without the values, counts and progress that
    // vary from build to build.
    what = reason.substr(0, reason.find("; "));
    what = what.starts_with("wrong value") ? what.substr(0, what.find(" expected ")) : without_progress(what);
  } else if (stage == Stage::check) {
    what = reason.substr(0, reason.find(": ")); // "ibt-note lost"
  }
  return what.empty() ? to_string(stage) : to_string(stage) + ": " + what;
}

std::string failure_signature(Stage stage, const std::string& reason, const std::vector<CheckResult>& checks) {
  std::set<std::string> failing;
  if (stage == Stage::run || stage == Stage::check)
    for (const auto& c : checks)
      if (!c.held) {
        failing.insert(case_and_name(c.test, c.property) + " " +
                       (c.property == "program" ? without_progress(c.detail) : check_outcome(c)));
      }
  if (failing.empty())
    return failure_kind(stage, reason);
  return fmt::format("{}: {}", to_string(stage), join(std::vector<std::string>(failing.begin(), failing.end()), ", "));
}

Setting rust_side_keeping(const Setting& c, const Setting& rust, const std::vector<std::string>& kept) {
  Setting out = c;
  for (const auto& flag : kept) {
    auto it = rust.find(flag);
    if (it == rust.end())
      out.erase(flag);
    else
      out[flag] = it->second;
  }
  return out;
}

namespace {

class DeltaDebugger {
public:
  explicit DeltaDebugger(const std::function<bool(const std::vector<std::string>&)>& fails) : m_fails(fails) {}

  bool fails(const std::vector<std::string>& subset) {
    auto key = join(subset, "\n");
    auto it = m_seen.find(key);
    if (it == m_seen.end())
      it = m_seen.emplace(key, m_fails(subset)).first;
    return it->second;
  }

  std::vector<std::string> minimize(std::vector<std::string> c, std::size_t n) {
    m_seen.emplace(join(c, "\n"), true); // the caller's premise
    while (c.size() > 1) {
      auto parts = split(c, n);
      bool reduced = false;
      for (const auto& part : parts)
        if (fails(part)) {
          c = part;
          n = 2;
          reduced = true;
          break;
        }
      if (!reduced && parts.size() > 2)
        for (std::size_t i = 0; i < parts.size() && !reduced; i++) {
          auto rest = complement(c, parts[i]);
          if (fails(rest)) {
            c = rest;
            n = std::max<std::size_t>(n - 1, 2);
            reduced = true;
          }
        }
      if (reduced)
        continue;
      if (n >= c.size())
        break;
      n = std::min(c.size(), 2 * n);
    }
    return c;
  }

private:
  static std::vector<std::vector<std::string>> split(const std::vector<std::string>& c, std::size_t n) {
    std::vector<std::vector<std::string>> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; i++) {
      std::size_t end = start + (c.size() - start) / (n - i);
      parts.emplace_back(c.begin() + start, c.begin() + end);
      start = end;
    }
    return parts;
  }

  static std::vector<std::string> complement(const std::vector<std::string>& c, const std::vector<std::string>& part) {
    std::vector<std::string> out;
    for (const auto& x : c)
      if (std::find(part.begin(), part.end(), x) == part.end())
        out.push_back(x);
    return out;
  }

  const std::function<bool(const std::vector<std::string>&)>& m_fails;
  std::map<std::string, bool> m_seen;
};

} // namespace

std::vector<std::string> ddmin(const std::vector<std::string>& all,
                               const std::function<bool(const std::vector<std::string>&)>& fails) {
  DeltaDebugger dd(fails);
  return dd.minimize(all, 2);
}

} // namespace amx
