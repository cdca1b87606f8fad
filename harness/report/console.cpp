#include "report/console.hpp"

#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace amx {

namespace {

// Unexpected cells listed again at the end; beyond this, `query` has them.
constexpr std::size_t kListedAtEnd = 50;

const char* colour_of(Verdict v) {
  switch (v) {
  case Verdict::pass:
    return "32";
  case Verdict::fail:
    return "1;31";
  case Verdict::xfail:
    return "33";
  case Verdict::xpass:
    return "1;35";
  case Verdict::skip:
    return "36";
  case Verdict::flaky:
    return "1;33";
  }
  return "0";
}

std::string painted(const std::string& text, const char* code, bool colour) {
  return colour ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
}

// "XFAIL", padded to the longest verdict.
std::string verdict_word(Verdict v, bool colour) {
  std::string word = to_string(v);
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
  return painted(fmt::format("{:<5}", word), colour_of(v), colour);
}

// The cell's key (cut to key_length) and name, and why when it did not pass.
std::string cell_text(const CellResult& r, std::size_t key_length) {
  std::string text = r.cell->key.substr(0, key_length) + " " + r.cell->name;
  if (r.verdict != Verdict::pass && !r.outcome.reason.empty())
    text += fmt::format(": {}{}", r.outcome.stage ? to_string(*r.outcome.stage) + ": " : "", r.outcome.reason);
  if (r.verdict == Verdict::xpass)
    text += fmt::format(": passed, but expected to fail: {}", r.cell->expect_reason);
  return text;
}

std::string step_line(const StepRecord& s) {
  const auto& r = s.result;
  std::string status = !r.started  ? "did not start: " + r.spawn_error
                       : r.timed_out ? "timed out"
                       : r.signal    ? "killed by " + signal_name(r.signal)
                                     : fmt::format("exit {}", r.exit_code);
  return fmt::format("    {} {}: {}, {:.0f} ms{}: {}", to_string(s.stage), s.step, status, r.elapsed.count() * 1000,
                     s.reused ? ", reused" : s.shared ? ", shared" : "", escape_controls(render_command(s.argv)));
}

} // namespace

bool use_colour(const std::string& choice, bool terminal, const char* no_color) {
  if (choice == "always")
    return true;
  if (choice == "never")
    return false;
  if (choice != "auto")
    throw FatalError(fmt::format("--color '{}': expected auto, always or never", choice));
  return terminal && (!no_color || !*no_color);
}

std::string clock_text(std::chrono::duration<double> d) {
  auto s = static_cast<long long>(std::max(0.0, d.count()));
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string cell_line(const CellResult& r, std::size_t key_length, bool colour) {
  return verdict_word(r.verdict, colour) + " " + cell_text(r, key_length);
}

std::string status_line(const CellResult& r, std::size_t done, std::size_t total, std::size_t key_length,
                        bool colour) {
  return fmt::format("{} [{:.2f}s] ({}/{}) {}", verdict_word(r.verdict, colour), r.elapsed.count(), done, total,
                     cell_text(r, key_length));
}

Console::Console(std::FILE* out, ConsoleStyle style, std::string matrix, std::string destination, Clock clock)
    : m_out(out), m_style(style), m_matrix(std::move(matrix)), m_destination(std::move(destination)),
      m_clock(std::move(clock)), m_start(m_clock()) {}

std::string Console::elapsed_text() const { return clock_text(m_clock() - m_start); }

void Console::started(const RunStart& s) {
  m_total = s.cells;
  m_key_length = s.key_length;
  if (s.resumed)
    fmt::print(m_out, "resuming run {} of {}: {} of {} cells left, {} jobs, into {}\n", s.run, m_matrix, s.cells,
               s.planned, s.jobs, m_destination);
  else
    fmt::print(m_out, "run {} of {} ({} cells{}, {} jobs) into {}\n", s.run, m_matrix, s.cells,
               s.partition ? ", shard " + to_string(*s.partition) : "", s.jobs, m_destination);
  if (m_style.verbosity != Verbosity::quiet)
    for (const auto& t : s.tools)
      fmt::print(m_out, "  {:<10} {}: {}\n", t.role, t.path.empty() ? t.name : t.path.string(), t.version);
  std::fflush(m_out);
}

void Console::probing(std::size_t answered, std::size_t asked) {
  if (!m_style.terminal)
    return;
  clear_progress();
  fmt::print(m_out, "  asking the compilers which flags they accept: {}/{}", answered, asked);
  std::fflush(m_out);
}

void Console::probed(std::size_t command_lines) {
  clear_progress();
  if (m_style.verbosity != Verbosity::quiet)
    fmt::print(m_out, "  asked the compilers about {} command lines (answers kept for the next run)\n",
               command_lines);
  std::fflush(m_out);
}

void Console::clear_progress() {
  if (m_style.terminal)
    std::fputs("\r\033[K", m_out);
}

void Console::finished(const CellResult& r) {
  m_done++;
  m_counts[r.cell->target->name][r.verdict]++;
  const bool unexpected = is_unexpected(r.verdict);
  if (unexpected)
    if (m_unexpected++ < kListedAtEnd)
      m_listed.push_back(cell_line(r, m_key_length, m_style.colour));
  clear_progress();
  if (unexpected || r.verdict == Verdict::flaky || m_style.verbosity != Verbosity::quiet)
    fmt::print(m_out, "{}\n", status_line(r, m_done, m_total, m_key_length, m_style.colour));
  if (m_style.verbosity == Verbosity::verbose)
    for (const auto& s : r.steps)
      fmt::print(m_out, "{}\n", step_line(s));
  if (m_style.terminal) {
    const auto elapsed = m_clock() - m_start;
    fmt::print(m_out, "[{}/{}] {} unexpected, {} elapsed", m_done, m_total, m_unexpected,
               clock_text(elapsed));
    // What is left at the pace so far: cells cost about the same on average.
    if (m_done < m_total)
      fmt::print(m_out, ", about {} left", clock_text(elapsed * static_cast<double>(m_total - m_done) /
                                                       static_cast<double>(m_done)));
  }
  std::fflush(m_out);
}

void Console::summary(RunEnd end) {
  clear_progress();
  fmt::print(m_out, "\n{:<10}", "target");
  for (auto v : kAllVerdicts)
    fmt::print(m_out, " {:>6}", to_string(v));
  fmt::print(m_out, " {:>6}\n", "total");
  std::map<Verdict, std::size_t> totals;
  for (const auto& [target, counts] : m_counts) {
    fmt::print(m_out, "{:<10}", target);
    std::size_t sum = 0;
    for (auto v : kAllVerdicts) {
      auto it = counts.find(v);
      std::size_t n = it == counts.end() ? 0 : it->second;
      totals[v] += n;
      sum += n;
      fmt::print(m_out, " {:>6}", n);
    }
    fmt::print(m_out, " {:>6}\n", sum);
  }
  fmt::print(m_out, "{:<10}", "all");
  for (auto v : kAllVerdicts)
    fmt::print(m_out, " {:>6}", totals[v]);
  fmt::print(m_out, " {:>6}\n\n", m_done);
  if (m_unexpected) {
    fmt::print(m_out, "unexpected ({}):\n", m_unexpected);
    for (const auto& line : m_listed)
      fmt::print(m_out, "  {}\n", line);
    if (m_unexpected > kListedAtEnd)
      fmt::print(m_out, "  ... and {} more (abimatrix query --verdict unexpected)\n",
                 m_unexpected - kListedAtEnd);
    fmt::print(m_out, "\n");
  }
  const auto took = elapsed_text();
  const auto n = m_unexpected;
  const auto flaky = totals[Verdict::flaky];
  if (end == RunEnd::interrupted)
    fmt::print(m_out, "interrupted after {} of {} cells ({}); finished results are saved\n", m_done, m_total, took);
  else if (end == RunEnd::max_fail)
    fmt::print(m_out, "--max-fail reached: {} unexpected, {} of {} cells run ({}); no more were started, and "
                      "finished results are saved\n",
               n, m_done, m_total, took);
  else if (n)
    fmt::print(m_out, "{}\n", painted(fmt::format("{} of {} cells unexpected (fail or xpass) in {}", n, m_done, took),
                                      colour_of(Verdict::fail), m_style.colour));
  else
    fmt::print(m_out, "all {} cells as expected{} in {}\n", m_done, flaky ? fmt::format(" ({} flaky)", flaky) : "",
               took);
  std::fflush(m_out);
}

} // namespace amx
