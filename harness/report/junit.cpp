#include "report/junit.hpp"

#include <fmt/format.h>

#include <map>

namespace amx {

namespace {

// The length of the UTF-8 sequence starting at s[i], or 0 if it is not one.
std::size_t utf8_length(const std::string& s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size())
    return 0;
  for (std::size_t k = 1; k < n; k++)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2)
      return 0;
  return n;
}

constexpr std::size_t kOutputCap = 64 << 10; // per testcase, so dashboards stay usable

std::string seconds(double ms) { return fmt::format("{:.3f}", ms / 1000.0); }

} // namespace

std::string xml_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = utf8_length(s, i);
    if (n == 0 || (c < 0x20 && c != '\n' && c != '\t' && c != '\r')) {
      out += fmt::format("\\x{:02x}", c);
      i++;
      continue;
    }
    switch (c) {
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    case '\r': out += "&#13;"; break;
    default: out.append(s, i, n);
    }
    i += n;
  }
  return out;
}

std::string render_junit(const RunReport& r) {
  // Suites by target and fixture, in report order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const ShownResult*>> suites;
  for (const auto& s : r.results) {
    auto name = s.result.target + "." + s.result.fixture;
    if (!suites.count(name))
      order.push_back(name);
    suites[name].push_back(&s);
  }
  std::size_t tests = 0, failures = 0;
  double total_ms = 0;
  for (const auto& s : r.results) {
    tests++;
    failures += is_unexpected(s.result.verdict);
    total_ms += s.duration_ms;
  }
  const auto& info = r.run.info;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{}\">\n",
                     xml_text(fmt::format("abimatrix {} run {}", info.matrix_name, r.run.id)), tests, failures,
                     seconds(total_ms));
  for (const auto& name : order) {
    const auto& cells = suites[name];
    std::size_t f = 0, skipped = 0;
    double ms = 0;
    for (const auto* c : cells) {
      f += is_unexpected(c->result.verdict);
      skipped += c->result.verdict == Verdict::skip;
      ms += c->duration_ms;
    }
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\" "
                       "timestamp=\"{}\" hostname=\"{}\">\n",
                       xml_text(name), cells.size(), f, skipped, seconds(ms), xml_text(r.run.started_at),
                       xml_text(info.host));
    out += "    <properties>\n";
    for (const auto& t : info.tools)
      out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_text(t.role + " " + t.name),
                         xml_text(t.version));
    out += "    </properties>\n";
    for (const auto* c : cells) {
      const auto& res = c->result;
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\">\n", xml_text(name),
                         xml_text(fmt::format("{}/{} c:{} rust:{} [{}]", res.c_compiler, res.rustc, to_string(res.c),
                                              to_string(res.rust), res.key)),
                         seconds(c->duration_ms));
      // Every check that failed, one per line, then the step that decided
      // the outcome: the last one that ran.
      std::string failing;
      for (const auto& k : c->checks)
        if (!k.held)
          failing += describe_check(k) + "\n";
      if (!failing.empty())
        failing = "failing checks:\n" + failing + "\n";
      std::string log;
      for (const auto& st : c->steps)
        log += fmt::format("$ {}\n", st.command);
      if (!c->steps.empty())
        log += c->steps.back().output;
      if (log.size() > kOutputCap)
        log = log.substr(0, kOutputCap) + "\n[cut]\n";
      if (res.verdict == Verdict::skip) {
        out += fmt::format("      <skipped message=\"{}\"/>\n", xml_text(res.reason));
      } else if (is_unexpected(res.verdict)) {
        auto message = res.verdict == Verdict::xpass ? "passed, but expected to fail: " + c->expect_reason : res.reason;
        out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_text(message),
                           xml_text(res.stage ? to_string(*res.stage) : to_string(res.verdict)), xml_text(failing + log));
      } else if (res.verdict == Verdict::flaky) {
        out += fmt::format("      <system-out>{}</system-out>\n", xml_text("flaky: " + res.reason + "\n" + log));
      } else if (res.verdict == Verdict::xfail) {
        out += fmt::format("      <system-out>{}</system-out>\n",
                           xml_text(fmt::format("expected failure at {}: {}\nwhy expected: {}\n{}",
                                                res.stage ? to_string(*res.stage) : "",
                                                res.reason, c->expect_reason, failing)));
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

} // namespace amx
