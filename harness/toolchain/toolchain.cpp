#include "toolchain/toolchain.hpp"

#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
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

// "rustc 1.95.0 (59807616e 2026-04-14), LLVM 22.1.2", from rustc -vV.
std::string rustc_version(const std::filesystem::path& exe) {
  auto out = ask_version(exe, {"-vV"});
  std::string llvm;
  for (const auto& line : split_lines(out))
    if (line.starts_with("LLVM version: "))
      llvm = line.substr(14);
  return llvm.empty() ? first_line(out) : fmt::format("{}, LLVM {}", first_line(out), llvm);
}

// The rustc a matrix means: on PATH, at an absolute path, or a rustup
// toolchain's (asked of rustup itself, which knows its own layout); empty,
// with the reason, when it is not installed.
std::filesystem::path locate_rustc(const std::string& where, std::string& why) {
  if (where.starts_with("+")) {
    auto rustup = find_program("rustup");
    if (rustup.empty()) {
      why = fmt::format("rustc {}: rustup is not installed", where);
      return {};
    }
    ProcessSpec spec;
    spec.exe = rustup;
    spec.args = {"which", "--toolchain", where.substr(1), "rustc"};
    spec.timeout = kProbeTimeout;
    auto r = run_process(spec);
    auto path = first_line(r.output);
    if (!r.ok() || !path.starts_with("/")) {
      why = fmt::format("rustc {}: {}", where, r.started ? first_error_line(r.output) : r.spawn_error);
      return {};
    }
    return path;
  }
  if (where.starts_with("/")) {
    if (::access(where.c_str(), X_OK) != 0) {
      why = fmt::format("rustc {} is not installed", where);
      return {};
    }
    return where;
  }
  auto path = find_program(where);
  if (path.empty())
    why = fmt::format("{} not found on PATH", where);
  return path;
}

} // namespace

Toolchain Toolchain::probe(const Matrix& m) {
  Toolchain tc;
  for (const auto& name : m.rustcs) {
    std::string why;
    auto path = locate_rustc(m.rustc_locations.at(name), why);
    if (path.empty())
      tc.m_missing["rustc:" + name] = why;
    else
      tc.m_tools["rustc:" + name] = {"rustc", name, path, rustc_version(path)};
  }
  for (const auto& t : m.targets) {
    auto path = find_program(t.qemu);
    if (path.empty())
      throw FatalError(fmt::format("{} not found on PATH: target {} runs under it (Debian package qemu-user; "
                                   "scripts/setup installs it)",
                                   t.qemu, t.name));
    tc.m_tools["qemu:" + t.qemu] = {"qemu", t.qemu, path, first_line(ask_version(path, {"--version"}))};
    for (const auto& cc : m.c_compilers) {
      auto bin = c_compiler_binary(cc, t);
      if (tc.m_tools.count("c-compiler:" + bin) || tc.m_missing.count(bin))
        continue;
      auto cpath = find_program(bin);
      if (cpath.empty())
        tc.m_missing[bin] = fmt::format("{} not found on PATH", bin);
      else
        tc.m_tools["c-compiler:" + bin] = {"c-compiler", bin, cpath, first_line(ask_version(cpath, {"--version"}))};
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
    tc.m_tools[std::string("inspector:") + name] = {"inspector", name, path, first_line(ask_version(path, {"--version"}))};
  }
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

const Tool& Toolchain::qemu(const Target& t) const {
  auto it = m_tools.find("qemu:" + t.qemu);
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
