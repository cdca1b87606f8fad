#include "toolchain/toolchain.hpp"

#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"
#include "util/thread_pool.hpp"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>

namespace amx {

namespace {

constexpr std::chrono::seconds kProbeTimeout{30};

std::string ask_version(const std::filesystem::path& exe, const std::vector<std::string>& args) {
  ProcessSpec spec;
  spec.exe = exe;
  spec.args = args;
  spec.timeout = kProbeTimeout;
  auto r = run_process(spec);
  if (!r.ok())
    throw FatalError(fmt::format("{} {} failed: {}", exe.string(), join(args, " "),
                                 !r.started     ? r.spawn_error
                                 : r.timed_out ? fmt::format("timed out after {} s", kProbeTimeout.count())
                                               : first_line(r.output)));
  return r.output;
}

// This machine, asked once (every cell's plan asks which runner it gets).
const struct utsname& host() {
  static const struct utsname name = [] {
    struct utsname u {};
    ::uname(&u);
    return u;
  }();
  return name;
}

// Whether the host runs target t's programs itself.
bool runs_natively(const Target& t) { return !t.host_machine.empty() && t.host_machine == host().machine; }

// The host as the runner "native": its version the kernel's name, release
// and machine (in a run's cache key).
Tool native_runner() {
  return Tool{"native", "host", {}, fmt::format("{} {} {}", host().sysname, host().release, host().machine)};
}

// "rustc 1.95.0 (59807616e 2026-04-14), LLVM 22.1.2", from rustc -vV.
std::string rustc_version(const std::filesystem::path& exe) {
  auto out = ask_version(exe, {"-vV"});
  std::string llvm;
  for (const auto& line : split_lines(out))
    if (line.starts_with("LLVM version: "))
      llvm = line.substr(14);
  return llvm.empty() ? first_line(out) : fmt::format("{}, LLVM {}", first_line(out), llvm);
}

// QEMU for a target, from the first folder on PATH that has it. Debian's
// qemu-user-static builds the same QEMU without shared libraries, so each
// program starts some 30 ms sooner, hundreds of times a run: in a folder
// that has both, it is the one.
std::filesystem::path find_qemu(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return find_program(name);
  return find_program(std::vector<std::string>{name + "-static", name});
}

// The rustc of a rustup toolchain, as rustup names it (it knows its own
// layout): `args` after "which"; empty, with rustup's words, when it cannot.
std::filesystem::path rustup_which(const std::filesystem::path& rustup, std::vector<std::string> args,
                                   const std::string& where, std::string& why) {
  ProcessSpec spec;
  spec.exe = rustup;
  spec.args = {"which"};
  spec.args.insert(spec.args.end(), args.begin(), args.end());
  spec.args.push_back("rustc");
  spec.timeout = kProbeTimeout;
  auto r = run_process(spec);
  auto path = first_line(r.output);
  if (!r.ok() || !path.starts_with("/")) {
    why = fmt::format("rustc {}: {}", where, r.started ? first_error_line(r.output) : r.spawn_error);
    return {};
  }
  return path;
}

// The rustc a matrix means: on PATH, at an absolute path, or a rustup
// toolchain's; empty, with the reason, when it is not installed.
std::filesystem::path locate_rustc(const std::string& where, std::string& why) {
  if (where.starts_with("+")) {
    auto rustup = find_program("rustup");
    if (rustup.empty()) {
      why = fmt::format("rustc {}: rustup is not installed", where);
      return {};
    }
    return rustup_which(rustup, {"--toolchain", where.substr(1)}, where, why);
  }
  std::filesystem::path path = where;
  if (!where.starts_with("/")) {
    path = find_program(where);
    if (path.empty()) {
      why = fmt::format("{} not found on PATH", where);
      return path;
    }
  } else if (::access(where.c_str(), X_OK) != 0) {
    why = fmt::format("rustc {} is not installed", where);
    return {};
  }
  // rustup's proxy (~/.cargo/bin/rustc) chooses a toolchain anew at every
  // call and costs each call a start of rustup: the toolchain it chooses
  // now is the compiler, under its own path (its binary in the cache key).
  std::error_code ec;
  auto real = std::filesystem::canonical(path, ec);
  if (!ec && real.filename() == "rustup") {
    std::string unused;
    if (auto chosen = rustup_which(real, {}, where, unused); !chosen.empty())
      return chosen;
  }
  return path;
}

// "2026-10-01" as a day; nullopt when it is not one.
std::optional<std::chrono::sys_days> day_of(const std::string& text) {
  unsigned y = 0, m = 0, d = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4u-%2u-%2u", &y, &m, &d) != 3)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(y)), std::chrono::month(m), std::chrono::day(d)};
  if (!ymd.ok())
    return std::nullopt;
  return std::chrono::sys_days(ymd);
}

// "clang-14" as ("clang-", 14); nullopt without a number at its end.
std::optional<std::pair<std::string, int>> numbered(const std::string& name) {
  auto digits = name.find_last_not_of("0123456789");
  if (digits == std::string::npos || digits + 1 == name.size() || name.size() - digits > 4)
    return std::nullopt;
  return std::pair{name.substr(0, digits + 1), std::stoi(name.substr(digits + 1))};
}

} // namespace

std::vector<std::string> toolchain_series(const std::string& spec) {
  std::vector<std::string> out;
  auto dots = spec.find("..");
  if (dots == std::string::npos) {
    std::size_t at = 0;
    for (auto comma = spec.find(','); at <= spec.size(); comma = spec.find(',', at)) {
      if (auto name = spec.substr(at, comma - at); !name.empty())
        out.push_back(name);
      at = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    }
  } else {
    const std::string from = spec.substr(0, dots), to = spec.substr(dots + 2);
    const std::string nightly = "nightly-";
    if (from.starts_with(nightly) && to.starts_with(nightly)) {
      auto a = day_of(from.substr(nightly.size())), b = day_of(to.substr(nightly.size()));
      if (!a || !b || *a > *b)
        throw FatalError(fmt::format("'{}': expected nightly-YYYY-MM-DD..nightly-YYYY-MM-DD, earliest first", spec));
      for (auto d = *a; d <= *b; d += std::chrono::days(1))
      {
        const std::chrono::year_month_day ymd{d};
        out.push_back(fmt::format("+nightly-{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())));
      }
    } else {
      auto a = numbered(from), b = numbered(to);
      if (!a || !b || a->first != b->first || a->second > b->second)
        throw FatalError(fmt::format("'{}': expected NAME-N..NAME-M (clang-14..clang-19), lowest first, or "
                                     "nightly-YYYY-MM-DD..nightly-YYYY-MM-DD",
                                     spec));
      for (int n = a->second; n <= b->second; n++)
        if (auto name = a->first + std::to_string(n); n == a->second || n == b->second || !find_program(name).empty())
          out.push_back(name);
    }
  }
  if (out.size() < 2)
    throw FatalError(fmt::format("'{}': bisecting needs at least two toolchains", spec));
  return out;
}

void install_rustup_toolchain(const std::string& location) {
  if (!location.starts_with("+"))
    return;
  std::string why;
  if (!locate_rustc(location, why).empty())
    return;
  auto rustup = find_program("rustup");
  if (rustup.empty())
    throw FatalError(fmt::format("cannot install {}: rustup is not installed", location));
  ProcessSpec spec;
  spec.exe = rustup;
  spec.args = {"toolchain", "install", "--profile", "minimal", location.substr(1)};
  spec.timeout = std::chrono::minutes(10);
  auto r = run_process(spec);
  if (!r.ok())
    throw FatalError(fmt::format("rustup toolchain install {} failed: {}", location.substr(1),
                                 r.started ? first_error_line(r.output) : r.spawn_error));
}

Toolchain Toolchain::probe(const Matrix& m) {
  Toolchain tc;
  // Found first, then asked their versions all at once: a dozen tools
  // starting one after another held up the start of every run.
  std::vector<std::pair<std::string, Tool>> found;
  for (const auto& name : m.rustcs) {
    std::string why;
    auto path = locate_rustc(m.rustc_locations.at(name), why);
    if (path.empty())
      tc.m_missing["rustc:" + name] = why;
    else
      found.push_back({"rustc:" + name, {"rustc", name, path, ""}});
  }
  auto listed = [&](const std::string& key) {
    return std::any_of(found.begin(), found.end(), [&](const auto& f) { return f.first == key; });
  };
  for (const auto& t : m.targets) {
    if (runs_natively(t)) {
      tc.m_tools["native:host"] = native_runner();
    } else if (!listed("qemu:" + t.qemu)) {
      auto path = find_qemu(t.qemu);
      if (path.empty())
        throw FatalError(fmt::format("{} not found on PATH: target {} runs under it (Debian packages qemu-user-static, qemu-user; "
                                     "scripts/setup installs it)",
                                     t.qemu, t.name));
      found.push_back({"qemu:" + t.qemu, {"qemu", t.qemu, path, ""}});
    }
    for (const auto& cc : m.c_compilers) {
      auto bin = c_compiler_binary(cc, t);
      if (listed("c-compiler:" + bin) || tc.m_missing.count(bin))
        continue;
      auto cpath = find_program(bin);
      if (cpath.empty())
        tc.m_missing[bin] = fmt::format("{} not found on PATH", bin);
      else
        found.push_back({"c-compiler:" + bin, {"c-compiler", bin, cpath, ""}});
    }
  }
  bool checks = std::any_of(m.fixtures.begin(), m.fixtures.end(), [](const Fixture& f) { return !f.checks.empty(); });
  // LLVM 19's disassembler, matching the clang and lld the matrices use; it
  // reads every target's objects, gcc's included. (Symbols, notes and
  // sections are read in process.)
  if (checks) {
    const char* name = "llvm-objdump-19";
    auto path = find_program(name);
    if (path.empty())
      throw FatalError(fmt::format("{} not found on PATH: the check stage disassembles objects with it (Debian "
                                   "package llvm-19; scripts/setup installs it)",
                                   name));
    found.push_back({std::string("inspector:") + name, {"inspector", name, path, ""}});
  }
  parallel_for(found.size(), 4, [&](std::size_t i) {
    Tool& tool = found[i].second;
    tool.version = tool.role == "rustc" ? rustc_version(tool.path) : first_line(ask_version(tool.path, {"--version"}));
  });
  for (auto& [key, tool] : found)
    tc.m_tools[key] = std::move(tool);
  return tc;
}

Toolchain Toolchain::of(const std::vector<Tool>& tools, const std::string& why) {
  Toolchain tc;
  for (const auto& t : tools)
    tc.m_tools[t.role + ":" + t.name] = t;
  tc.m_missing_by_default = why;
  return tc;
}

const Tool* Toolchain::objdump() const {
  auto it = m_tools.find("inspector:llvm-objdump-19");
  return it == m_tools.end() ? nullptr : &it->second;
}

const Tool* Toolchain::c_compiler(const CCompiler& cc, const Target& t) const {
  auto it = m_tools.find("c-compiler:" + c_compiler_binary(cc, t));
  return it == m_tools.end() ? nullptr : &it->second;
}

std::string Toolchain::c_compiler_missing(const CCompiler& cc, const Target& t) const {
  auto it = m_missing.find(c_compiler_binary(cc, t));
  return it == m_missing.end() ? m_missing_by_default : it->second;
}

const Tool* Toolchain::rustc(const std::string& name) const {
  auto it = m_tools.find("rustc:" + name);
  return it == m_tools.end() ? nullptr : &it->second;
}

std::string Toolchain::rustc_missing(const std::string& name) const {
  auto it = m_missing.find("rustc:" + name);
  return it == m_missing.end() ? m_missing_by_default : it->second;
}

const Tool& Toolchain::runner(const Target& t) const {
  auto it = runs_natively(t) ? m_tools.find("native:host") : m_tools.end();
  if (it == m_tools.end())
    it = m_tools.find("qemu:" + t.qemu);
  if (it == m_tools.end())
    throw FatalError(fmt::format("{} was not found for target {}", t.qemu, t.name));
  return it->second;
}

std::vector<Tool> Toolchain::tools() const {
  std::vector<Tool> out;
  for (const auto& [_, tool] : m_tools)
    out.push_back(tool);
  return out;
}

} // namespace amx
